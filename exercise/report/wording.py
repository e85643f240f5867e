"""How the report puts numbers, times and names into words.

Shared by the report model, its figures and the comparison of sessions; `num` and `delta` are also the
templates' filters, so a number reads the same in the text and in the tables.
"""

from __future__ import annotations

from ..engine import analysis, words
from ..engine.compile import CompiledScenario
from ..engine.text import without_isolates
from .outside import line, sentence

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def num(v: float | int | None) -> str:
    if v is None:
        return ""
    return str(round(v)) if abs(v - round(v)) < 1e-9 else f"{v:.1f}"


def delta(v: float) -> str:
    """A change as the engine says it everywhere: '+8', '−3' (a true minus), '±0'; rounded as `num` rounds."""
    return words.signed(float(num(v)))


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    if seconds < 1:  # a bot's or a script's session: '0 s' would read as nothing happened
        return "under a second"
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    minutes = s // 60
    if minutes < 60:
        rest = s % 60
        return f"{minutes} min" + (f" {rest:02d} s" if rest and minutes < 10 else "")
    return f"{minutes // 60} h {minutes % 60:02d} min"


def wall_date(at: str | None) -> str:
    d = analysis.parse_wall(at)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if d else "unknown date"


def wall_clock(at: str | None, seconds: bool = False) -> str:
    if at and len(at) >= 19 and at[10] == "T" and at.endswith("Z"):  # the store's own UTC form: no parsing
        return at[11:19] if seconds else at[11:16]
    d = analysis.parse_wall(at)
    if d is None:
        return ""
    return d.strftime("%H:%M:%S" if seconds else "%H:%M")


def wall_stamp(at: str | None) -> str:
    d = analysis.parse_wall(at)
    return f"{d.strftime('%Y-%m-%d %H:%M')} UTC" if d else "unknown"


def short_name(sc: CompiledScenario, who: str) -> str:
    """A nation's or organisation's short name (`words.short_name`), shown on one line."""
    return line(words.short_name(sc, who))


def key_label(sc: CompiledScenario, key: str) -> str:
    """A state key in the engine's words (`words.variable`): 'Public support at home, Maren', 'Trust, Maren →
    Tarvos'; the scenario's label and names in it isolated where they are right-to-left."""
    return sentence(words.variable(sc, key))


def var_label(sc: CompiledScenario, var: str) -> str:
    """A state variable's label (`words.variable_label`), on one line."""
    return line(without_isolates(words.variable_label(sc, var)))


def change_words(sc: CompiledScenario, changes: dict[str, float] | list[tuple[str, float]]) -> str:
    """Changes as the engine says them: 'Alliance cohesion +5 (better); Public support at home, Maren −6 (worse)'."""
    return sentence(words.changes(sc, changes))


def player_words(who: str) -> str:
    """Who plays a nation: 'people', 'bot (cautious)' (`words.player`)."""
    return sentence(words.player(who))


def player_tag_words(who: str) -> str:
    """`player_words` as it reads inside brackets after a name: 'bot, cautious' (`words.player_tag`)."""
    return sentence(words.player_tag(who))


def step_words(minutes: int) -> str:
    if minutes % 1440 == 0:
        d = minutes // 1440
        return f"{d} day" + ("s" if d != 1 else "")
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def join_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def ratings_noted(ratings: list[tuple[str, str]], shown: int = 6) -> str:
    """An objective's ratings in the order noted, after its final rating: every one while they are few, else how
    many of each and the first and the last (a long workshop noted hundreds, which filled pages); '' for one."""
    if len(ratings) <= 1:
        return ""
    if len(ratings) <= shown:
        return "ratings noted: " + "; ".join(f"{r} at {when}" for when, r in ratings)
    counts = ", ".join(f"{r} {n}" for r in "PSMU" if (n := sum(1 for _, x in ratings if x == r)))
    (first_when, first), (last_when, last) = ratings[0], ratings[-1]
    return f"{len(ratings)} ratings noted ({counts}): the first {first} at {first_when}, the last {last} at {last_when}"


def results_note(ended: bool) -> str:
    """What the table of each nation's own result is, said once for every format."""
    when = "as the session ended" if ended else "as things stood at the last event (the session has not ended)"
    return (f"How each government fared by its own brief, its goals and red lines at home, {when}; the "
            "coalition's outcome is another matter, and the two can differ.")
