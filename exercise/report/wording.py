"""How the report puts numbers, times and names into words.

Shared by the report model, its figures and the comparison of sessions; `num` and `delta` are also the
templates' filters, so a number reads the same in the text and in the tables.
"""

from __future__ import annotations

from ..engine import analysis
from ..engine.compile import CompiledScenario
from .outside import line, part

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def num(v: float | int | None) -> str:
    if v is None:
        return ""
    return str(round(v)) if abs(v - round(v)) < 1e-9 else f"{v:.1f}"


def delta(v: float) -> str:
    if abs(v) < 1e-9:
        return "±0"
    return ("+" if v > 0 else "-") + num(abs(v))


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
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
    """A nation's or organisation's short name, shown on one line."""
    if who in sc.nations:
        return line(sc.nations[who].short or sc.nations[who].name)
    if who in sc.orgs:
        return line(sc.orgs[who].short or sc.orgs[who].name)
    return line(sc.name_of(who))


def key_label(sc: CompiledScenario, key: str) -> str:
    """A state key in words: 'Public support at home (Maren)', 'Trust (Maren → Tarvos)'; the scenario's label
    and names in it isolated where they are right-to-left, as it often stands inside a sentence."""
    slot = sc.layout.slot(key)
    if slot is None:
        return part(key)
    var = sc.layout.var_of[slot]
    spec = sc.vars[var]
    label = part(spec.label or var.replace("_", " ").capitalize())
    inner = key[len(var):].strip("[]")
    if not inner:
        return label
    names = inner.split("][")
    return f"{label} ({' → '.join(part(short_name(sc, x)) for x in names)})"


def player_words(who: str) -> str:
    if who == "human":
        return "people"
    if who.startswith("bot:"):
        return f"bot: {who[4:]}"
    return who


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
