"""The bad-input corpus: every broken or hostile scenario gives positioned one-line problems, never a traceback.

Each `tests/bad/*.yaml` file says what it expects in its own comment header:

    # case: what the file shows
    # expect: [FILE] LINE:COL CODE MESSAGE-SUBSTRING     one line per problem; COL may be '*';
                                                         FILE (relative to tests/bad/) when not this file
    # expect-count: N                                    the number of problems (defaults to the expect lines)
    # xfail positions: REASON                            a known bug (elsewhere) in where a problem is placed
    # xfail one-line: REASON                             a known bug (elsewhere) in the one-line form

Libraries the cases include live in `tests/bad/lib/` and are not cases themselves. Inputs that would be large or
binary (empty, random bytes, over the size limit, 10,000 levels deep) are made at test time in `tmp_path`.
"""

from __future__ import annotations

import random
import re
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from exercise.engine.compile import load_scenario
from exercise.engine.diagnostics import Diagnostic, ScenarioError
from exercise.engine.yamlsafe import MAX_ALIAS_NODES, MAX_BYTES

BAD = Path(__file__).parent / "bad"
TIME_LIMIT = 5.0  # seconds per file: generous, these machines are noisy; the hostile cases take milliseconds

ONE_LINE = re.compile(r"^[^\n]+:\d+:\d+: (error|warning)\[[a-z][a-z-]*\]: [^\n]+$")
TRACEBACK = re.compile(r"Traceback|File \"|line \d+, in |Error\(|^\s+\^", re.M)
EXPECT = re.compile(r"^# expect:\s+(?:(?P<file>\S+\.ya?ml)\s+)?(?P<line>\d+):(?P<col>\d+|\*)\s+(?P<code>[a-z-]+)"
                    r"(?:\s+(?P<msg>.*?))?\s*$")


@dataclass
class Expect:
    file: str  # relative to tests/bad/
    line: int
    col: int | None  # None: any column
    code: str
    message: str


@dataclass
class Case:
    path: Path
    expects: list[Expect]
    count: int
    xfail: dict[str, str] = field(default_factory=dict)  # aspect -> reason


def parse_case(path: Path) -> Case:
    expects: list[Expect] = []
    count: int | None = None
    xfail: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# expect:"):
            m = EXPECT.match(line)
            assert m, f"{path.name}: cannot read the header line {line!r}"
            expects.append(Expect(m["file"] or path.name, int(m["line"]), None if m["col"] == "*" else int(m["col"]),
                                  m["code"], m["msg"] or ""))
        elif line.startswith("# expect-count:"):
            count = int(line.split(":", 1)[1])
        elif line.startswith("# xfail "):
            aspect, reason = line[len("# xfail "):].split(":", 1)
            xfail[aspect.strip()] = reason.strip()
    assert expects, f"{path.name}: no '# expect:' line"
    return Case(path, expects, count if count is not None else len(expects), xfail)


CASES = [parse_case(p) for p in sorted(BAD.glob("*.yaml"))]


def _params(aspect: str | None = None) -> list[object]:
    out = []
    for case in CASES:
        marks = []
        if aspect and aspect in case.xfail:
            marks.append(pytest.mark.xfail(reason=case.xfail[aspect], strict=True))
        out.append(pytest.param(case, id=case.path.stem, marks=marks))
    return out


def load_problems(path: Path) -> tuple[list[Diagnostic], float]:
    """Load a file that must fail: only ScenarioError may escape, within the time limit."""
    start = time.perf_counter()
    try:
        load_scenario(path)
    except ScenarioError as exc:
        elapsed = time.perf_counter() - start
        assert exc.diagnostics, f"{path.name}: ScenarioError without diagnostics"
        assert not TRACEBACK.search(str(exc)), f"{path.name}: traceback text in the message:\n{exc}"
        return exc.diagnostics, elapsed
    except Exception:  # the point: nothing but ScenarioError may escape
        pytest.fail(f"{path.name}: an exception other than ScenarioError escaped:\n{traceback.format_exc()}")
    pytest.fail(f"{path.name}: loaded without any error")


def rel(d: Diagnostic) -> str:
    """A diagnostic's file relative to tests/bad/ (as the headers name it)."""
    p = Path(d.file)
    try:
        return p.resolve().relative_to(BAD.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def matches(e: Expect, d: Diagnostic) -> bool:
    return e.file == rel(d) and e.code == d.code and e.message in d.message


@pytest.mark.parametrize("case", _params())
def test_bad_input(case: Case) -> None:
    """The right problems (file, code, message), all in one run, fast, and no traceback."""
    diags, elapsed = load_problems(case.path)
    shown = "\n".join(str(d) for d in diags)
    assert elapsed < TIME_LIMIT, f"{case.path.name} took {elapsed:.1f} s"
    assert len(diags) == case.count, f"expected {case.count} problem(s), got:\n{shown}"
    unmatched = list(diags)
    for e in case.expects:
        hit = next((d for d in unmatched if matches(e, d)), None)
        assert hit is not None, f"no problem matches {e}; got:\n{shown}"
        unmatched.remove(hit)
    for d in diags:
        assert d.severity == "error"
        assert d.line >= 1 and d.col >= 1


@pytest.mark.parametrize("case", _params("positions"))
def test_bad_input_positions(case: Case) -> None:
    """Each problem at the exact line and column the header names."""
    diags, _ = load_problems(case.path)
    got = {(rel(d), d.line, d.col, d.code) for d in diags}
    want = set()
    for e in case.expects:
        col = e.col
        if col is None:  # any column: take the one found on that line for that code, if any
            col = next((d.col for d in diags if (rel(d), d.line, d.code) == (e.file, e.line, e.code)), -1)
        want.add((e.file, e.line, col, e.code))
    assert got == want, "\n".join(str(d) for d in diags)


@pytest.mark.parametrize("case", _params("one-line"))
def test_bad_input_one_line(case: Case) -> None:
    """`file:line:col: error[code]: message`, one line per problem, naming the file it is in."""
    diags, _ = load_problems(case.path)
    for d in diags:
        text = str(d)
        assert ONE_LINE.match(text), repr(text)
        assert text.startswith(f"{d.file}:{d.line}:{d.col}: error[{d.code}]: ")
        assert Path(d.file).exists(), d.file


def test_the_corpus_covers_every_case_listed_in_the_issue() -> None:
    names = {c.path.stem for c in CASES}
    for must in ["yaml_syntax", "tab_indent", "duplicate_key", "python_tag", "billion_laughs", "comment_only",
                 "top_level_list", "list_for_mapping", "wrong_type", "unknown_field_near", "unknown_field_far",
                 "missing_field", "unknown_nation_to", "unknown_nation_expr", "unknown_variable_requires",
                 "unknown_function", "expression_syntax", "expression_import", "expression_attribute",
                 "expression_lambda", "expression_comprehension", "probability_sum", "duplicate_inject_id",
                 "default_not_option", "after_unknown", "include_missing", "include_cycle", "include_param_unbound",
                 "jinja_syntax", "jinja_unknown_name", "many_errors", "errors_two_files"]:
        assert must in names
    many = next(c for c in CASES if c.path.stem == "many_errors")
    assert many.count >= 3
    two = next(c for c in CASES if c.path.stem == "errors_two_files")
    assert len({e.file for e in two.expects}) == 2


# -- generated inputs: too big, binary, or too deep to commit -------------------------------------------------------


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _one(diags: list[Diagnostic], code: str, line: int | None = None, col: int | None = None,
         message: str = "") -> Diagnostic:
    shown = "\n".join(str(d) for d in diags)
    assert len(diags) == 1, shown
    d = diags[0]
    assert d.code == code, shown
    assert message in d.message, shown
    if line is not None:
        assert d.line == line, shown
    if col is not None:
        assert d.col == col, shown
    assert ONE_LINE.match(str(d)), str(d)
    return d


def _fails_fast(path: Path) -> list[Diagnostic]:
    diags, elapsed = load_problems(path)
    assert elapsed < TIME_LIMIT, f"{path.name} took {elapsed:.1f} s"
    return diags


def test_empty_file(tmp_path: Path) -> None:
    _one(_fails_fast(_write(tmp_path, "empty.yaml", b"")), "empty", 1, 1, "the file is empty")


def test_whitespace_only_file(tmp_path: Path) -> None:
    _one(_fails_fast(_write(tmp_path, "blank.yaml", b"\n  \n\t\n\r\n")), "empty", 1, 1, "empty")


def test_bom_only_file(tmp_path: Path) -> None:
    _one(_fails_fast(_write(tmp_path, "bom.yaml", b"\xef\xbb\xbf\n")), "empty", 1, 1, "empty")


def test_binary_garbage(tmp_path: Path) -> None:
    rng = random.Random(20240601)
    data = bytes(rng.randrange(256) for _ in range(64 * 1024))
    data = b"\x00\xff\xfe" + data  # a NUL and bytes that are never valid UTF-8
    _one(_fails_fast(_write(tmp_path, "garbage.yaml", data)), "not-text", message="not UTF-8")


def test_invalid_utf8_points_at_the_byte(tmp_path: Path) -> None:
    d = _one(_fails_fast(_write(tmp_path, "latin1.yaml", b"ttx: 1\nid: x\ntitle: caf\xe9\n")), "not-text")
    assert (d.line, d.col) == (3, 11)


def test_nul_byte_in_text(tmp_path: Path) -> None:
    _one(_fails_fast(_write(tmp_path, "nul.yaml", b"ttx: 1\nid: a\x00b\n")), "not-text", 2, 6, "NUL")


def test_utf16_file_is_not_text(tmp_path: Path) -> None:
    data = "ttx: 1\nid: x\n".encode("utf-16")
    _one(_fails_fast(_write(tmp_path, "utf16.yaml", data)), "not-text")


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    data = b"ttx: 1\nbrief: |\n" + b"  " + b"x" * 100 + b"\n"
    data += (b"  " + b"y" * 100 + b"\n") * (MAX_BYTES // 100)
    assert len(data) > MAX_BYTES
    _one(_fails_fast(_write(tmp_path, "huge.yaml", data)), "too-large", 1, 1, "limit")


def test_file_just_under_the_size_limit_is_read(tmp_path: Path) -> None:
    """The limit is the only thing wrong with a big file: one just under it gets ordinary errors, fast."""
    head = b"ttx: 1\nid: big\ntitle: Big\nbrief: |\n"
    line = b"  " + b"z" * 97 + b"\n"
    data = head + line * ((MAX_BYTES - len(head)) // len(line))
    assert len(data) <= MAX_BYTES
    diags = _fails_fast(_write(tmp_path, "big.yaml", data))
    assert {d.code for d in diags} == {"missing-field"}


DEEP = {
    "deep_flow_seq": lambda: b"ttx: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
    "deep_flow_map": lambda: b"ttx: " + b"{a: " * 10_000 + b"1" + b"}" * 10_000 + b"\n",
    "deep_block_seq": lambda: b"- " * 10_000 + b"x\n",
    # block indentation costs i spaces a level: 2,000 levels is the deepest that fits under the size limit
    "deep_block_map": lambda: b"".join(b" " * i + b"k:\n" for i in range(2_000)) + b" " * 2_000 + b"k: 1\n",
}


@pytest.mark.parametrize("name", list(DEEP))
def test_nesting_ten_thousand_deep(tmp_path: Path, name: str) -> None:
    data = DEEP[name]()
    d = _one(_fails_fast(_write(tmp_path, name + ".yaml", data)), "yaml-depth", line=1 if "flow" in name else None)
    assert "nesting" in d.message


def test_alias_bomb_of_mappings(tmp_path: Path) -> None:
    lines = [b"ttx: 1", b"l0: &l0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10}"]
    for i in range(1, 12):
        refs = b", ".join(b"k%d: *l%d" % (k, i - 1) for k in range(10))
        lines.append(b"l%d: &l%d {%s}" % (i, i, refs))
    _one(_fails_fast(_write(tmp_path, "bomb.yaml", b"\n".join(lines) + b"\n")), "yaml-size", message="alias bomb")


def test_many_small_aliases_stay_bounded(tmp_path: Path) -> None:
    """Under the size limit, a flat list of a million aliases stops at the alias limit, quickly."""
    data = b"ttx: 1\nx: &x [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\ny: [" + b"*x, " * 400_000 + b"*x]\n"
    assert len(data) <= MAX_BYTES
    _one(_fails_fast(_write(tmp_path, "aliases.yaml", data)), "yaml-size", line=3)


def test_aliases_count_what_they_expand_to(tmp_path: Path) -> None:
    """An alias to a list of aliases costs everything it stands for: just over the limit is refused at the alias
    that crosses it, just under it is read."""
    per = MAX_ALIAS_NODES // 100  # the anchored list holds 99 items and stands for 100 nodes with itself
    head = b"ttx: 1\nid: a\nx: &x [" + b", ".join([b"1"] * 99) + b"]\n"
    under = head + b"y: [" + b", ".join([b"*x"] * per) + b"]\n"
    diags = _fails_fast(_write(tmp_path, "under.yaml", under))
    assert "yaml-size" not in {d.code for d in diags}, diags
    over = head + b"y: [" + b", ".join([b"*x"] * (per + 1)) + b"]\n"
    d = _one(_fails_fast(_write(tmp_path, "over.yaml", over)), "yaml-size", line=4, message="alias")
    assert str(MAX_ALIAS_NODES) in d.message


@pytest.mark.parametrize("item", [b"1, ", b"[], ", b"{a: 1}, "])
def test_two_megabytes_of_tiny_nodes_is_read(tmp_path: Path, item: bytes) -> None:
    """A plain document is bounded by the size limit alone: as many nodes as 2 MiB holds are read (and then
    refused for what they are, an unknown field), not taken for an alias bomb."""
    data = b"ttx: 1\nx: [" + item * ((MAX_BYTES - 20) // len(item)) + b"1]\n"
    assert len(data) <= MAX_BYTES
    diags, _ = load_problems(_write(tmp_path, "tiny.yaml", data))
    assert "yaml-size" not in {d.code for d in diags}
    assert any(d.code == "unknown-field" and d.line == 2 for d in diags), diags


def test_a_large_plain_file_is_not_taken_for_an_alias_bomb(tmp_path: Path) -> None:
    """Nodes are counted once, not once per level above them (a 40,000-item list three levels down was refused)."""
    n = 200_000
    data = b"ttx: 1\nid: wide\nnations:\n  - id: norvia\n    x:\n      y: [" + b"1," * n + b"1]\n"
    diags, _ = load_problems(_write(tmp_path, "wide.yaml", data))
    assert "yaml-size" not in {d.code for d in diags}, diags
    assert {d.code for d in diags} == {"missing-field", "unknown-field"}


def test_long_base60_number_is_text_and_fast(tmp_path: Path) -> None:
    """YAML 1.1 reads 1:1:1… as a base-60 int: quadratic (a 1 MB one took minutes). It stays text now."""
    data = b"ttx: 1\nid: sexagesimal\ntitle: " + b"1" + b":1" * 500_000 + b"\n"
    diags = _fails_fast(_write(tmp_path, "base60.yaml", data))
    assert {d.code for d in diags} == {"missing-field"}  # title was read as text: only nations/endings missing


def test_huge_float_base60_does_not_overflow(tmp_path: Path) -> None:
    data = b"ttx: 1\nid: f\ntitle: " + b"1" + b":1" * 2_000 + b".5\n"
    assert {d.code for d in _fails_fast(_write(tmp_path, "f.yaml", data))} == {"missing-field"}


def test_long_expression_in_a_file(tmp_path: Path) -> None:
    expr = "+".join(["cohesion"] * 3_000)
    data = (f"ttx: 1\nid: x\ntitle: X\nnations: [{{id: a, name: A}}]\nstate: {{cohesion: {{}}}}\n"
            f"endings:\n  - {{id: e, title: E, when: \"{expr} > 0\"}}\n").encode()
    d = _one(_fails_fast(_write(tmp_path, "long.yaml", data)), "expression", line=7, message="limit")
    assert len(str(d)) < 300


def test_expression_nesting_in_a_file(tmp_path: Path) -> None:
    for expr in ["-" * 900 + "cohesion", "not " * 300 + "1", "(" * 250 + "1" + ")" * 250, "+".join(["1"] * 600)]:
        data = (f"ttx: 1\nid: x\ntitle: X\nnations: [{{id: a, name: A}}]\nstate: {{cohesion: {{}}}}\n"
                f"endings:\n  - {{id: e, title: E, when: \"{expr} > 0\"}}\n").encode()
        diags = _fails_fast(_write(tmp_path, "nest.yaml", data))
        assert len(diags) == 1 and diags[0].code.startswith("expression"), diags


def test_nul_escape_inside_an_expression(tmp_path: Path) -> None:
    """A YAML escape can put a NUL into an expression even though the file itself holds none."""
    data = (b'ttx: 1\nid: x\ntitle: X\nnations: [{id: a, name: A}]\nstate: {cohesion: {}}\n'
            b'endings:\n  - {id: e, title: E, when: "cohesion\\0 > 1"}\n')
    _one(_fails_fast(_write(tmp_path, "nulexpr.yaml", data)), "expression-syntax", line=7)


def test_a_library_given_as_the_scenario(tmp_path: Path) -> None:
    _one(_fails_fast(BAD / "lib" / "two_params.yaml"), "library", 1, 1, "inject library")


def test_a_missing_scenario_file(tmp_path: Path) -> None:
    _one(_fails_fast(tmp_path / "nowhere.yaml"), "file", 1, 1, "no such file")


def test_a_folder_without_scenario_yaml(tmp_path: Path) -> None:
    _one(_fails_fast(tmp_path), "file", message="no such file")


def test_python_tag_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    data = f'ttx: 1\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n'.encode()
    _one(_fails_fast(_write(tmp_path, "tag.yaml", data)), "yaml-tag", 2, 8)
    assert not marker.exists()


@pytest.mark.parametrize("tag", ["!!python/name:os.system", "!!python/module:os", "!!binary aGk=", "!custom x",
                                 "!!set {a, b}", "!!omap [a: 1]", "!<tag:yaml.org,2002:python/none> ''"])
def test_other_tags_are_refused(tmp_path: Path, tag: str) -> None:
    _one(_fails_fast(_write(tmp_path, "tag.yaml", f"ttx: 1\ntitle: {tag}\n".encode())), "yaml-tag", 2, 8)


@pytest.mark.parametrize("text", [b"ttx: 1\n? 0b" + b"1" * 20_000 + b"\n: x\n",
                                  b"ttx: 1\nstate:\n  ? 0x" + b"f" * 5_000 + b"\n  : {}\n",
                                  b"ttx: 1\nclock: {turns: 0" + b"7" * 6_000 + b"}\n",
                                  b"ttx: 1\nclock: {turns: !!int 0x" + b"f" * 5_000 + b"}\n"],
                         ids=["binary_key", "hex_key", "octal_value", "tagged_hex"])
def test_an_int_too_long_to_print_is_refused(tmp_path: Path, text: bytes) -> None:
    """Hexadecimal, octal and binary ints escape Python's 4,300-digit limit when read, not when printed: one as a
    mapping key raised ValueError from str() (an internal error)."""
    d = _one(_fails_fast(_write(tmp_path, "long.yaml", text)), "yaml-value", message="is not a valid int")
    assert len(str(d)) < 200
