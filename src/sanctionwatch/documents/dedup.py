"""Near-duplicate grouping: the same story from several outlets is read once.

MinHash over word 4-shingles of the normalised text, banded for candidate pairs, then an
exact Jaccard check; groups are connected components. Deterministic (crc32 seeds), so a
group id is stable across runs.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Sequence

from sanctionwatch.documents.text import WORD_RE, fold

SHINGLE = 4
PERMUTATIONS = 32
BANDS = 16
THRESHOLD = 0.5
MASK = (1 << 32) - 1


def shingles(text: str) -> set[int]:
    words = [fold(w) for w in WORD_RE.findall(text)]
    if len(words) < SHINGLE:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    return {
        zlib.crc32(" ".join(words[i : i + SHINGLE]).encode())
        for i in range(len(words) - SHINGLE + 1)
    }


def _signature(items: set[int]) -> tuple[int, ...]:
    return tuple(
        min(((h ^ zlib.crc32(seed.to_bytes(2, "big"))) * 2654435761) & MASK for h in items)
        for seed in range(PERMUTATIONS)
    )


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def duplicate_groups(texts: Sequence[str], *, threshold: float = THRESHOLD) -> list[int]:
    """For each text, the index of the first text of its near-duplicate group."""
    sets = [shingles(t) for t in texts]
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows = PERMUTATIONS // BANDS
    buckets: dict[tuple[int, tuple[int, ...]], list[int]] = defaultdict(list)
    for i, items in enumerate(sets):
        if not items:
            continue
        sig = _signature(items)
        for band in range(BANDS):
            buckets[(band, sig[band * rows : (band + 1) * rows])].append(i)
    checked: set[tuple[int, int]] = set()
    for members in buckets.values():
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1 :]:
                if (a, b) in checked:
                    continue
                checked.add((a, b))
                if jaccard(sets[a], sets[b]) >= threshold:
                    ra, rb = find(a), find(b)
                    parent[max(ra, rb)] = min(ra, rb)
    return [find(i) for i in range(len(texts))]
