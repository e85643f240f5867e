"""The one rule for showing scenario, facilitator and player text: controls visible, breaks normal, RTL isolated."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from exercise.engine.text import (
    FSI,
    PDI,
    first_strong_direction,
    has_rtl,
    isolate,
    one_line,
    visible,
    without_isolates,
)


def test_control_characters_become_pictures() -> None:
    assert visible("a\x00b\x1b[31mc\x07") == "a␀b␛[31mc␇"
    assert visible("del\x7f") == "del␡"
    assert visible("c1\x9b") == "c1<U+009B>"


def test_tabs_and_newlines_stay_and_other_breaks_become_newlines() -> None:
    assert visible("a\tb\nc") == "a\tb\nc"
    assert visible("a\r\nb\rc\u2028d\u2029e\x85f") == "a\nb\nc\nd\ne\nf"


def test_directional_overrides_are_shown_not_obeyed() -> None:
    assert visible("abc\u202edef") == "abc<U+202E>def"
    assert visible("x\u2066y\u2069") == "x<U+2066>y<U+2069>"


def test_one_line_folds_white_space() -> None:
    assert one_line("  a\n\n b\r\n\tc  ") == "a b c"


def test_isolate_wraps_only_right_to_left_runs() -> None:
    assert isolate("Hello") == "Hello"
    assert has_rtl("שלום") and isolate("שלום 12") == f"{FSI}שלום 12{PDI}"
    assert has_rtl("مرحبا")


def test_the_first_strong_letter_gives_the_direction_past_isolates_within() -> None:
    assert first_strong_direction("שלום abc") == "rtl" and first_strong_direction("abc שלום") == "ltr"
    assert first_strong_direction("مرحبا") == "rtl"
    assert first_strong_direction("12 ... !") is None  # digits and punctuation have no strong direction
    # An engine's sentence with a Hebrew name first: the name is isolated, so the sentence's own word decides.
    assert first_strong_direction(f"{isolate('שלום')}: Share now") == "ltr"
    assert first_strong_direction(f"\u2066abc{PDI} שלום") == "rtl"  # LRI ... PDI skipped too
    assert first_strong_direction(f"{FSI}abc") is None  # an isolate never closed runs to the end


def test_without_isolates_takes_out_only_pairs() -> None:
    name = isolate("שלום")
    assert without_isolates(f"{name} decided on '{isolate('כותרת')}': 12 tanks") == "שלום decided on 'כותרת': 12 tanks"
    assert without_isolates("plain") == "plain"
    assert without_isolates(f"a{FSI}b") == f"a{FSI}b"  # unpaired: left for visible() to show
    assert without_isolates(f"a{PDI}{FSI}b") == f"a{PDI}{FSI}b"
    assert visible(without_isolates(f"a{FSI}b")) == "a<U+2068>b"


@given(st.text())
def test_visible_never_leaves_a_control_character(text: str) -> None:
    shown = visible(text)
    assert all(ch in "\t\n" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F) for ch in shown)
    assert visible(shown) == shown  # idempotent: showing twice changes nothing
