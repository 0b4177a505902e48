"""`sources.phones`: FtM's phone cleaning, without keeping the caller's frames alive."""

from __future__ import annotations

import gc
import os
import weakref
from collections.abc import Iterator

import pytest
from followthemoney.types import registry

from sanctionwatch.ingest.service import gc_paused
from sanctionwatch.sources.entity import clean_value
from sanctionwatch.sources.phones import clean_phone

CASES = [
    ("international", "+44 20 7946 0958", None),
    ("unknown-country-code", "+0 20 7946 0958", None),
    ("unassigned-country-code", "+999 123 4567", None),
    ("national-without-hint", "020 7946 0958", None),
    ("national-with-hint", "020 7946 0958", "gb"),
    ("not-a-number", "call us", None),
]


@pytest.mark.parametrize(("text", "hint"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_clean_phone_is_ftm_clean_text(text: str, hint: str | None) -> None:
    assert clean_phone(text, hint) == registry.phone.clean_text(text, format=hint)


class _Parse:
    """Stands in for a parser's local data, which must die with the parser's frame."""


@pytest.fixture
def collector_paused() -> Iterator[None]:
    with gc_paused():
        yield


def _parse_with(clean: str) -> weakref.ref[_Parse]:
    local = _Parse()
    number = "+0 20 7946 0958"  # phonenumbers raises, and keeps, INVALID_COUNTRY_CODE
    if clean == "ours":
        clean_value(registry.phone, None, f"{number} {id(local)}")  # new text: no memo hit
    else:
        registry.phone.clean_text(number)
    return weakref.ref(local)


@pytest.mark.usefixtures("collector_paused")
def test_a_refused_number_leaves_no_cycle_holding_the_caller() -> None:
    assert _parse_with("ours")() is None  # freed on return, no collection needed


@pytest.mark.usefixtures("collector_paused")
def test_ftm_alone_keeps_the_caller_until_a_collection() -> None:
    """The problem `phones` works around; if phonenumbers fixes it this fails, and
    `phones` can go."""
    ref = _parse_with("ftm")
    assert ref() is not None
    gc.collect()
    assert ref() is None


def test_a_forked_process_gets_its_own_helper_thread() -> None:
    clean_phone("+44 20 7946 0958")  # the parent's helper exists before the fork
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    pid = os.fork()
    if pid == 0:  # the child: a hang here would time out the test run
        os._exit(0 if clean_phone("+44 20 7946 0958") == "+442079460958" else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
