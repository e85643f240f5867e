"""Hostile scenario files, as one sent by another organisation might be, through the real command under limits.

Every case runs `tabletop validate` (or `tabletop scenarios` in the folder holding the file) as a subprocess
with `bounded(...)` (500 MB of address space, 20 s): exit 1, exactly one `file:line:col: error[CODE]` line at
the right place, no traceback, no internal error, and nothing of a file that was refused in the output (each
target holds a secret marker that would be quoted if it were read). Symbolic links, FIFOs, devices and big files
are made here, in tmp_path; the static cases are in tests/bad/.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from harness import Done, bounded, in_process, no_traceback

from exercise.engine.loader import MAX_INCLUDES, MAX_TOTAL_BYTES
from exercise.engine.yamlsafe import MAX_BYTES

SECRET = "TOP_SECRET_MARKER_7f3a"
# A library that, were it read, would be reported with its content: an unknown field named after the secret.
SECRET_LIBRARY = f"ttx-library: 1\n{SECRET}: {SECRET}\ninjects: []\n"
ERROR_LINE = re.compile(r"^(?P<file>[^\n]+):(?P<line>\d+):(?P<col>\d+): error\[(?P<code>[a-z][a-z-]*)\]: .+$", re.M)

HEAD = """\
ttx: 1
id: hostile
title: Hostile
nations:
  - {id: norvia, name: Norvia}
endings:
  - {id: end, title: End}
include:
"""
INCLUDE_LINE = HEAD.count("\n") + 1  # the first include item's line


def scenario(folder: Path, *includes: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "scenario.yaml"
    path.write_text(HEAD + "".join(f"  - {json.dumps(i)}\n" for i in includes), encoding="utf-8")
    return path


def secret_file(folder: Path, name: str = "secret.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(SECRET_LIBRARY, encoding="utf-8")
    return path


def refused(done: Done, code: str, line: int | None = None, file: str | None = None) -> re.Match[str]:
    """Exit 1, one error line with `code` (at `line` of a file ending in `file`), no traceback, no secret."""
    text = done.stdout + done.stderr
    no_traceback(done)
    assert done.returncode == 1, text
    assert SECRET not in text, text
    errors = list(ERROR_LINE.finditer(text))
    assert len(errors) == 1, text
    found = errors[0]
    assert found["code"] == code, text
    if line is not None:
        assert int(found["line"]) == line, text
    if file is not None:
        assert found["file"].endswith(file), text
    return found


# -- includes that reach outside -------------------------------------------------------------------------------


def _absolute(work: Path, outside: Path) -> str:
    return str(outside / "secret.yaml")


def _climbing(work: Path, outside: Path) -> str:
    return os.path.relpath(outside / "secret.yaml", work)


def _symlinked_file(work: Path, outside: Path) -> str:
    (work / "innocent.yaml").symlink_to(outside / "secret.yaml")
    return "innocent.yaml"


def _symlinked_folder(work: Path, outside: Path) -> str:
    (work / "libs").symlink_to(outside)
    return "libs/secret.yaml"


def _link_chain(work: Path, outside: Path) -> str:
    # a link to a link to a link, the last one leaving the folder
    (work / "c.yaml").symlink_to(outside / "secret.yaml")
    (work / "b.yaml").symlink_to(work / "c.yaml")
    (work / "a.yaml").symlink_to("b.yaml")
    return "a.yaml"


def _injects_named_link(work: Path, outside: Path) -> str:
    # an `injects/` folder beside the scenario is a library root, but a link inside it still may not leave it
    (work / "injects").mkdir()
    (work / "injects" / "grid.yaml").symlink_to(outside / "secret.yaml")
    return "grid.yaml"


OUTSIDE = [_absolute, _climbing, _symlinked_file, _symlinked_folder, _link_chain, _injects_named_link]


@pytest.mark.parametrize("attack", OUTSIDE, ids=lambda f: f.__name__.strip("_"))
def test_an_include_outside_the_library_roots_is_refused_unread(tmp_path: Path, attack: object) -> None:
    outside = tmp_path / "elsewhere"
    secret_file(outside)
    work = tmp_path / "work" / "scenarios" / "x"
    work.mkdir(parents=True)
    path = scenario(work, attack(work, outside))  # type: ignore[operator]
    refused(bounded("validate", path), "include-outside", INCLUDE_LINE, "scenario.yaml")


@pytest.mark.parametrize(("where", "include", "code"), [("own", "injects/secret.yaml", "include-outside"),
                                                      ("own", "secret.yaml", "include"),
                                                      ("grandparent", "secret.yaml", "include"),
                                                      ("grandparent", "../../injects/secret.yaml", "include-outside")])
def test_an_injects_folder_that_is_a_link_is_no_library_root(tmp_path: Path, where: str, include: str,
                                                             code: str) -> None:
    """`injects -> /` (or anywhere) sent beside a scenario would make every file a library: a link is no root,
    neither searched nor a place an include may lead to."""
    outside = tmp_path / "elsewhere"
    secret_file(outside)
    work = tmp_path / "work" / "scenarios" / "x"
    work.mkdir(parents=True)
    (work / "injects" if where == "own" else tmp_path / "work" / "injects").symlink_to(outside)
    refused(bounded("validate", scenario(work, include)), code, INCLUDE_LINE)


def test_dot_dot_after_a_link_is_read_as_written_not_as_the_system_would(tmp_path: Path) -> None:
    """`deep/../secret.yaml` where deep links elsewhere: the system would resolve it to the folder beside the
    link's target; the loader reads the path as written (`secret.yaml` here), which is not there."""
    outside = tmp_path / "elsewhere"
    secret_file(outside)
    (outside / "deep").mkdir()
    work = tmp_path / "work"
    work.mkdir()
    (work / "deep").symlink_to(outside / "deep")
    found = refused(bounded("validate", scenario(work, "deep/../secret.yaml")), "include", INCLUDE_LINE)
    assert "no such file" in found.group(0)


# -- includes that are not files, or too much ------------------------------------------------------------------


def test_a_fifo_include_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    found = refused(bounded("validate", scenario(tmp_path, "pipe.yaml")), "not-a-file", INCLUDE_LINE)
    assert "FIFO" in found.group(0)


def test_a_device_reached_by_a_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    refused(bounded("validate", scenario(tmp_path, "zero.yaml")), "include-outside", INCLUDE_LINE)


def test_a_device_inside_a_library_root_is_refused(tmp_path: Path) -> None:
    """With /dev as a library folder, /dev/zero is inside the roots: the file's kind refuses it, not its place."""
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    done = bounded("validate", scenario(tmp_path, "zero.yaml"), "--library-path", "/dev")
    found = refused(done, "not-a-file", INCLUDE_LINE)
    assert "device" in found.group(0)


def test_a_folder_named_like_a_library_is_refused(tmp_path: Path) -> None:
    (tmp_path / "lib.yaml").mkdir()
    found = refused(bounded("validate", scenario(tmp_path, "lib.yaml")), "not-a-file", INCLUDE_LINE)
    assert "folder" in found.group(0)


def test_an_include_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:  # sparse: no disk is spent, and nothing of it may be read
        f.truncate(MAX_BYTES + 1)
    found = refused(bounded("validate", scenario(tmp_path, "big.yaml")), "too-large", INCLUDE_LINE)
    assert str(MAX_BYTES) in found.group(0)


def test_many_tiny_includes_stop_at_the_limit(tmp_path: Path) -> None:
    names = [f"lib{i}.yaml" for i in range(MAX_INCLUDES + 50)]
    for i, name in enumerate(names):
        (tmp_path / name).write_text(f"ttx-library: 1\ninjects: [{{id: i{i}, at: turn 1, text: Hi.}}]\n")
    found = refused(bounded("validate", scenario(tmp_path, *names)), "include-limit", INCLUDE_LINE + MAX_INCLUDES)
    assert str(MAX_INCLUDES) in found.group(0)


def test_include_fan_out_stops_at_the_limit(tmp_path: Path) -> None:
    """Each level includes the next twice, with two prefixes: 2**20 inclusions from 20 small files."""
    for level in range(20):
        (tmp_path / f"fan{level}.yaml").write_text(
            "ttx-library: 1\ninclude:\n"
            + "".join(f"  - {{path: fan{level + 1}.yaml, prefix: {p}{level}-}}\n" for p in "ab")
            + f"injects: [{{id: x, at: turn 1, text: Level {level}.}}]\n")
    (tmp_path / "fan20.yaml").write_text("ttx-library: 1\n")
    refused(bounded("validate", scenario(tmp_path, "fan0.yaml")), "include-limit")


def test_a_library_including_itself_through_a_linked_folder_stops(tmp_path: Path) -> None:
    """`loop` links to its own folder, so loop/lib.yaml, loop/loop/lib.yaml ... are new names for one file."""
    (tmp_path / "loop").symlink_to(".")
    (tmp_path / "lib.yaml").write_text("ttx-library: 1\ninclude: [loop/lib.yaml]\n")
    refused(bounded("validate", scenario(tmp_path, "lib.yaml")), "include-limit")


def test_the_include_tree_is_bounded_in_bytes(tmp_path: Path) -> None:
    """Libraries of a little over a quarter of the total each: the fourth takes it past MAX_TOTAL_BYTES and is
    refused before it is parsed."""
    filler = "ttx-library: 1\ninjects: []\n# " + "x" * (MAX_TOTAL_BYTES // 4) + "\n"
    names = [f"big{i}.yaml" for i in range(6)]
    for name in names:
        (tmp_path / name).write_text(filler)
    found = refused(bounded("validate", scenario(tmp_path, *names)), "include-limit", INCLUDE_LINE + 3)
    assert str(MAX_TOTAL_BYTES) in found.group(0)


def test_one_file_under_two_names_is_read_twice_and_its_ids_clash(tmp_path: Path) -> None:
    """What a case-insensitive disk does with lib.yaml and LIB.yaml (a link stands in for it here): two
    inclusions of one file, whose inject ids then clash; reported, bounded, nothing more."""
    (tmp_path / "lib.yaml").write_text("ttx-library: 1\ninjects: [{id: same, at: turn 1, text: Hi.}]\n")
    (tmp_path / "LIB.yaml").symlink_to("lib.yaml")
    found = refused(bounded("validate", scenario(tmp_path, "lib.yaml", "LIB.yaml")), "duplicate-id")
    assert "same" in found.group(0)


# -- the main file -------------------------------------------------------------------------------------------


def test_a_fifo_as_the_scenario_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    refused(bounded("validate", tmp_path / "pipe.yaml"), "not-a-file", 1, "pipe.yaml")


def test_dev_zero_as_the_scenario_is_refused(tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    refused(bounded("validate", tmp_path / "zero.yaml"), "not-a-file", 1, "zero.yaml")


def test_a_fifo_library_given_to_validate_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "lib.yaml")
    refused(bounded("validate", tmp_path / "lib.yaml"), "not-a-file", 1, "lib.yaml")


def test_a_fifo_in_a_folder_given_to_validate_is_named(tmp_path: Path) -> None:
    (tmp_path / "fine.yaml").write_text("ttx-library: 1\ninjects: [{id: a, at: turn 1, text: Hi.}]\n")
    os.mkfifo(tmp_path / "pipe.yaml")
    refused(bounded("validate", tmp_path), "not-a-file", 1, "pipe.yaml")


def test_a_fifty_megabyte_scenario_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.write(b"ttx: 1\n")
        f.truncate(50 * 1024 * 1024)
    refused(bounded("validate", big), "too-large", 1, "big.yaml")


def test_ten_thousand_levels_deep_through_validate(tmp_path: Path) -> None:
    """`validate` sniffed a file's kind with a plain yaml.safe_load first: RecursionError on this one."""
    deep = tmp_path / "deep.yaml"
    deep.write_bytes(b"x: " + b"[" * 10_000 + b"]" * 10_000 + b"\n")
    refused(bounded("validate", deep), "yaml-depth", 1, "deep.yaml")


def test_a_library_with_a_hostile_include_is_refused_through_validate(tmp_path: Path) -> None:
    secret_file(tmp_path / "elsewhere")
    lib = tmp_path / "work" / "lib.yaml"
    lib.parent.mkdir()
    lib.write_text("ttx-library: 1\ninclude: [../elsewhere/secret.yaml]\ninjects: []\n")
    refused(bounded("validate", lib), "include-outside", 2)


# -- where libraries may come from ---------------------------------------------------------------------------


def test_library_path_option_and_variable_open_a_folder(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "common.yaml").write_text("ttx-library: 1\ninjects: [{id: common, at: turn 1, text: Shared.}]\n")
    path = scenario(tmp_path / "work", "common.yaml")
    refused(bounded("validate", path), "include", INCLUDE_LINE)  # not found: no root holds it
    assert in_process("validate", path, "--library-path", shared).returncode == 0
    done = bounded("validate", path, env={"TABLETOP_LIBRARY_PATH": f"/nonexistent{os.pathsep}{shared}"})
    assert done.returncode == 0, done.stdout + done.stderr
    # the absolute path is inside the root too
    assert in_process("validate", scenario(tmp_path / "abs", str(shared / "common.yaml")),
                      "--library-path", shared).returncode == 0


def test_a_bundled_library_is_found_by_its_name(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(HEAD.replace("nations:\n  - {id: norvia, name: Norvia}\n",
                                 "nations:\n  - {id: maren, name: Maren}\n  - {id: ostrand, name: Ostrand}\n")
                    + "  - {path: hybrid/port-cyberattack.yaml, with: {target: maren, group: Grey Gull}}\n"
                    + "state:\n  cohesion: {}\n  support: {per: nation}\n  trust: {per: pair}\n"
                    + "  stability: {}\n", encoding="utf-8")
    done = in_process("validate", path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_library_option_that_is_no_folder_is_a_usage_error(tmp_path: Path) -> None:
    done = in_process("validate", scenario(tmp_path), "--library-path", tmp_path / "missing")
    assert done.returncode == 2 and "--library-path" in done.stderr and "Traceback" not in done.stderr


# -- the listing -----------------------------------------------------------------------------------------------


def _alias_bomb(folder: Path) -> Path:
    lines = ["ttx: 1", "id: bomb", 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    path = folder / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size < 1024
    return path


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.yaml")
    return folder / "pipe.yaml"


def _dev_zero(folder: Path) -> Path:
    (folder / "zero.yaml").symlink_to("/dev/zero")
    return folder / "zero.yaml"


def _huge(folder: Path) -> Path:
    path = folder / "huge.yaml"
    with path.open("wb") as f:
        f.write(b"ttx: 1\nid: huge\n")
        f.truncate(50 * 1024 * 1024)
    return path


def _deep(folder: Path) -> Path:
    path = folder / "deep.yaml"
    path.write_bytes(b"ttx: 1\nid: deep\ntitle: " + b"[" * 10_000 + b"]" * 10_000 + b"\n")
    return path


def _broken_in_subfolder(folder: Path) -> Path:
    (folder / "draft").mkdir()
    path = folder / "draft" / "scenario.yaml"
    path.write_text("ttx: 1\nid: draft\ntitle: [unclosed\n")
    return path


def _link_loop(folder: Path) -> Path:
    (folder / "loop.yaml").symlink_to("loop.yaml")
    return folder / "loop.yaml"


LISTING = {"alias_bomb": (_alias_bomb, "yaml-size"), "fifo": (_fifo, "not-a-file"),
           "dev_zero": (_dev_zero, "not-a-file"), "fifty_megabytes": (_huge, "too-large"),
           "ten_thousand_deep": (_deep, "yaml-depth"), "broken_in_a_subfolder": (_broken_in_subfolder, "yaml-syntax"),
           "link_loop": (_link_loop, "file")}


@pytest.mark.parametrize("name", list(LISTING))
def test_scenarios_lists_a_hostile_file_with_its_error(tmp_path: Path, name: str) -> None:
    make, code = LISTING[name]
    (tmp_path / "good.yaml").write_text("ttx: 1\nid: good\ntitle: Good one\n")
    hostile = make(tmp_path)
    done = bounded("scenarios", cwd=tmp_path)
    found = refused(done, code, file=hostile.name)
    assert found["file"] == str(hostile.relative_to(tmp_path))
    assert "tutorial" in done.stdout and "good" in done.stdout  # the list is complete, not blocked
    assert hostile.name in done.stdout
    listed = bounded("scenarios", "--json", cwd=tmp_path)
    assert listed.returncode == 1
    entries = {Path(e["path"]).name: e for e in json.loads(listed.stdout)}
    assert f"error[{code}]" in entries[hostile.name]["error"] and entries[hostile.name]["id"] is None
    assert entries["good.yaml"]["error"] is None and entries["good.yaml"]["id"] == "good"


def test_a_big_yaml_file_that_is_no_scenario_is_not_listed(tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    with path.open("wb") as f:
        f.write(b"rows:\n")
        f.truncate(50 * 1024 * 1024)
    done = bounded("scenarios", cwd=tmp_path)
    assert done.returncode == 0 and "data.yaml" not in done.stdout + done.stderr, done.stdout + done.stderr
