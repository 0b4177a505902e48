"""Edge cases of activity detection found on real input."""

from __future__ import annotations

from sanctionwatch.documents.model import Document
from sanctionwatch.documents.reader import Reader


def test_a_term_broken_across_lines_does_not_crash(plain_reader: Reader) -> None:
    # From the shared documents README: a hard-wrapped line splits "joint venture", and a line
    # break ends a sentence, so the term runs past its sentence.
    text = (
        "Sanctions review\n\n"
        "North Korea and Russia agreed on arms deals, helicopters, financial services, joint\n"
        "ventures and workers, officials in Pyongyang said."
    )
    finding = plain_reader.analyze(Document("wrapped", text, language="en"))
    for activity in finding.activities:
        assert 0 <= activity.start <= activity.end <= len(text)
