"""The engine's sentences isolate each outside value where they put it in (`views.describe`, `chronology`): a Hebrew
title followed by ": 12 tanks" cannot pull the number into its own direction, and a sentence that starts with a
Hebrew name still reads from its own first English word. A terminal gets them without the marks."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import MINI, in_process

from exercise.engine import chronology
from exercise.engine.compile import CompiledScenario, load_scenario
from exercise.engine.session import Session
from exercise.engine.text import FSI, PDI, first_strong_direction, isolate, without_isolates
from exercise.engine.views import describe

NATION = "נורביה 12"
TITLE = "הפסקת חשמל"
LABEL = "שתפו עכשיו"


@pytest.fixture(scope="module")
def hebrew(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = (MINI.read_text(encoding="utf-8").replace("name: Norvia,", f'name: "{NATION}",')
            .replace('    text: "Blackouts across {{ nation.name }}."',
                     f'    title: "{TITLE}"\n    text: "Blackouts across {{{{ nation.name }}}}."')
            .replace("label: Share now", f'label: "{LABEL}"'))
    path = tmp_path_factory.mktemp("sentences") / "hebrew.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def played(hebrew: Path) -> Session:
    s = Session(load_scenario(hebrew))
    s.start(3, {"norvia": "human", "kessland": "human"})
    s.decide("norvia", "grid-down", "share", "because", roll=0.9)
    s.send("norvia", ["kessland"], "שלום, 12 ספינות")
    s.adjudicate("cohesion", -2, "דליפה לעיתונות")
    return s


def _said(s: Session) -> dict[str, str]:
    sc: CompiledScenario = s.scenario
    return {e.event.type: describe(sc, e.event, s.state.written, words=s.state.words) for e in s.state.log}


def test_each_outside_value_is_isolated_where_it_stands(played: Session) -> None:
    said = _said(played)
    name, title, label = isolate(NATION), isolate(TITLE), isolate(LABEL)
    assert said["DecisionTaken"] == f"{name} decided on '{title}': {label}"
    assert said["InjectReleased"] == f"Inject '{title}' released on schedule"
    assert said["OutcomeRolled"].startswith(f"Chance outcome for {name} (p=")
    assert said["MessageSent"] == f"{name} → Kessland: {isolate('שלום, 12 ספינות')}"
    assert said["Adjudicated"] == f"Adjudication: Alliance cohesion −2 ({isolate('דליפה לעיתונות')})"
    assert said["SessionStarted"] == f"Mini started (seed 3, headless); played by people: {name}, Kessland"


def test_a_sentence_reads_from_its_own_first_word(played: Session) -> None:
    for kind, sentence in _said(played).items():
        assert sentence.count(FSI) == sentence.count(PDI), kind
        # Left to right, or no strong letter outside the names at all (a message: name → name: text).
        assert first_strong_direction(sentence) in ("ltr", None), (kind, sentence)
    assert first_strong_direction(_said(played)["DecisionTaken"]) == "ltr"


def test_plain_names_get_no_marks(tmp_path: Path) -> None:
    s = Session(load_scenario(MINI))
    s.start(3, {"norvia": "human", "kessland": "human"})
    s.decide("norvia", "grid-down", "share", "because", roll=0.1)
    assert describe(s.scenario, s.state.log[-2].event, s.state.written, words=s.state.words) == \
        "Norvia decided on 'Blackouts across Norvia.': Share now"


def test_the_msel_isolates_each_name_in_a_list(played: Session) -> None:
    row = next(r for r in chronology.msel(played) if r.id == "grid-down")
    assert row.to == isolate(NATION)
    everyone = next(r for r in chronology.msel(played) if r.id == "crisis")
    assert everyone.to == f"{isolate(NATION)}, Kessland"


def test_the_log_command_shows_the_words_without_marks(hebrew: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    assert in_process("run", hebrew, "--db", db, "--bots", "--seed", "3").returncode == 0
    done = in_process("log", db)
    assert done.returncode == 0, done.stderr
    assert f"{NATION} (bot, cautious) decided on '{TITLE}': {LABEL}" in done.stdout  # `run --bots`: a bot's act
    assert "U+2068" not in done.stdout and FSI not in done.stdout
    assert without_isolates(isolate(NATION)) == NATION
