"""The report's escaping, one rule per format on top of `engine.text`: for any text, Markdown gets no structure
from it, HTML no markup, and every writer no control character; right-to-left runs come out isolated."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from exercise.engine.text import FSI, PDI, isolate, visible
from exercise.report.docx_blocks import clean, t
from exercise.report.export import _cell
from exercise.report.markdown import md_block, md_cell, md_code, md_escape
from exercise.report.outside import guard, part, sentence
from exercise.report.render import html_text, plain

RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")
MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")
# Text that reaches for structure: Markdown's, HTML's, a table's, plus controls and right-to-left letters.
hostile = st.text(alphabet=st.sampled_from(list("#-+=*_`~[]()<>|!\\&;:/.1 \n\t\r\x00\x1b\x7f\x9b\u202e\u2068\u2069"
                                                 "abשל")), max_size=40) | st.text(max_size=40)


@given(st.text())
def test_visible_changes_no_printable_character(text: str) -> None:
    # `guard` passes a printable string through untouched: this holds it to what the one rule does.
    if text.isprintable():
        assert visible(text) == text


@given(hostile)
def test_guard_shows_every_control_and_keeps_only_paired_isolates(text: str) -> None:
    shown = guard(text)
    assert not RAW_CONTROL.search(shown)
    depth = 0
    for ch in shown:
        depth += {FSI: 1, PDI: -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    assert guard(shown) == shown


def test_guard_keeps_the_reports_isolates_and_shows_a_players() -> None:
    name = part("נורביה 12")
    assert name == f"{FSI}נורביה 12{PDI}" and guard(f"{name}: 12 tanks") == f"{name}: 12 tanks"
    assert guard(f"a{FSI}b") == "a<U+2068>b"  # unpaired: shown, it would reorder what follows
    assert part("a\x1b[31m\nb") == "a␛[31m b"


@given(hostile)
def test_markdown_paragraphs_make_no_structure(text: str) -> None:
    html = MD.render(str(md_block(text)))
    assert set(re.findall(r"</?([a-z0-9]+)", html)) <= {"p"}


@given(hostile)
def test_a_markdown_table_cell_stays_one_cell_of_text(text: str) -> None:
    html = MD.render(f"| a | b |\n|---|---|\n| {md_cell(text)} | {md_code(text)} |\n")
    assert set(re.findall(r"</?([a-z0-9]+)", html)) <= {"table", "thead", "tbody", "tr", "th", "td", "code"}
    assert html.count("<td>") == 2 and html.count("<code>") <= 1


@given(hostile)
def test_markdown_escaped_text_reads_back_as_written(text: str) -> None:
    # What a reader sees is the text itself (controls as pictures, isolates as written), whatever it holds.
    shown = " ".join(guard(text).split())
    html = MD.render(str(md_escape(shown)))
    seen = re.sub(r"</?p>|\n", "", html).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    assert seen.replace("&amp;", "&") == isolate(shown)


def test_markdown_defuses_each_structure() -> None:
    assert md_escape("# heading") == "\\# heading" and md_escape("- item\n1. one\n> q") == "\\- item\n1\\. one\n\\> q"
    assert md_cell("| pipe |") == "\\| pipe \\|"
    assert md_cell("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"
    assert md_cell("`code` <script>") == "\\`code\\` \\<script\\>"
    assert md_code("a|b") == "`a\\|b`" and md_code("a|b", table=False) == "`a|b`"
    assert md_cell("שלום 12") == f"{FSI}שלום 12{PDI}"


def test_html_text_escapes_and_isolates_with_a_stated_direction() -> None:
    assert html_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert html_text("[bold]x[/] \x1b[31m") == "[bold]x[/] ␛[31m"
    assert html_text("שלום, 12 ships") == '<bdi dir="rtl">שלום, 12 ships</bdi>'
    assert html_text("Ships: שלום") == '<bdi dir="ltr">Ships: שלום</bdi>'
    # The engine's English sentence, its Hebrew name isolated where the engine put it in: it reads left to right.
    assert html_text(sentence(f"{isolate('שלום')} decided")).startswith(f'<bdi dir="ltr">{FSI}שלום{PDI} decided')
    assert plain('x" onmouseover="alert(1)') == "x&#34; onmouseover=&#34;alert(1)"
    long = html_text("z" * 200, for_print=True)
    assert long.count("\u200b") >= 20 and long.replace("\u200b", "") == "z" * 200
    assert html_text("z" * 200) == "z" * 200  # the browser's page keeps the word as written


@given(hostile)
def test_docx_text_is_shown_and_isolated_line_by_line(text: str) -> None:
    for line in clean(t(text)).split("\n"):
        assert not RAW_CONTROL.search(line)
        assert line.count(FSI) == line.count(PDI)


def test_a_spreadsheet_cell_never_starts_a_formula() -> None:
    assert _cell("=1+1") == "'=1+1" and _cell("  @SUM(A1)") == "'  @SUM(A1)" and _cell("\uff1d1+1") == "'\uff1d1+1"
    assert _cell("-5 tanks") == "'-5 tanks" and _cell(-5) == "-5" and _cell(2.5) == "2.5"
    assert _cell("nul\0 esc\x1b") == "nul␀ esc␛" and _cell({"a": "=b"}) == '{"a":"=b"}'
