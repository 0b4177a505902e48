"""Where statistical NER can still add a name: windows around capitalised words that no
gazetteer name or rule has explained.

A statistical span only survives the merge when it overlaps no earlier mention, and the
extractors keep only spans that start with a capital (see `extractors._plausible`); so text
without an unexplained capitalised word cannot give one. A sentence's first word is
capitalised by position and does not count alone. The small CNN models look a few words
either side of a word, so a window of `window` words either side, inside the sentence,
gives them the same view as the whole text (checked on the development set, see
`benchmarks/reader_eval.py --ner`). Hangul has no case: Korean gets no windows.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from sanctionwatch.documents.text import Token, sentences

Span = tuple[int, int]


def name_regions(
    text: str, tokens: Sequence[Token], covered: Sequence[Span], *, window: int
) -> list[Span]:
    """Character spans (sorted, not overlapping) worth giving to a NER model. `covered` are
    the spans of the mentions found so far, sorted by start and not overlapping."""
    starts = [s for s, _ in covered]
    regions: list[Span] = []
    k = 0  # first token of the current sentence
    for s_start, s_end in sentences(text):
        while k < len(tokens) and tokens[k].start < s_start:
            k += 1
        first = k
        while k < len(tokens) and tokens[k].end <= s_end:
            k += 1
        sent = tokens[first:k]
        marked: list[Span] = []  # token index ranges, inclusive
        for i, tok in enumerate(sent):
            if i == 0 or not _capitalised(tok.text) or _is_covered(tok, covered, starts):
                continue
            lo, hi = max(0, i - window), min(len(sent) - 1, i + window)
            if marked and lo <= marked[-1][1] + 1:
                marked[-1] = (marked[-1][0], hi)
            else:
                marked.append((lo, hi))
        regions.extend((sent[lo].start, sent[hi].end) for lo, hi in marked)
    return regions


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _is_covered(tok: Token, covered: Sequence[Span], starts: Sequence[int]) -> bool:
    i = bisect_right(starts, tok.start) - 1
    return i >= 0 and covered[i][0] <= tok.start and tok.end <= covered[i][1]
