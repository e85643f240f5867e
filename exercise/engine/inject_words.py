"""The words each reader reads in an inject or an ending: rendered once, when released, and kept in the log.

`inject_words` renders a scenario inject's texts (the text language of `templates`) for control and for
each nation that receives it; an inject control wrote during play is taken word for word (`written_words`),
never as a template. The session calls these when it releases an inject or ends the exercise, and the words
go into the event, so a screen, `tabletop log` and the report all show what the teams were shown. A preview
(the MSEL, the rehearse dialog) calls the same functions for an inject not yet released.

Control reads an inject as the first nation that receives it does, so `{{ nation.name }}` reads well in the
MSEL and the report; a nation whose words are the same as control's is not listed again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .compile import CompiledScenario
from .compile_injects import CInject
from .events import InjectReleased, InjectWords, InjectWritten, OptionWords, SessionEnded
from .templates import render

CONTROL = "control"
TITLE_CHARS = 72  # an inject with no title is known by the first line of its text, cut to this length


def first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= TITLE_CHARS else line[:TITLE_CHARS - 1] + "…"


def text_context(sc: CompiledScenario, reader: str | None, turn: int, params: dict[str, str] | None = None,
                 words: dict[str, str] | None = None) -> dict[str, Any]:
    """The names a text may use, for `reader` (a nation id, or None for control) at `turn`."""
    nations = {n: {"id": n, "name": v.name, "short": v.short or v.name} for n, v in sc.nations.items()}
    me = nations.get(reader or "", {"id": reader or CONTROL, "name": sc.name_of(reader or CONTROL),
                                    "short": sc.name_of(reader or CONTROL)})
    ctx: dict[str, Any] = {"nation": me, "scenario": {"id": sc.id, "title": sc.title}, "nations": nations,
                           "turn": turn, "time": sc.time_of(turn)}
    for name, nation_id in (params or {}).items():
        ctx[name] = nations.get(nation_id, {"id": nation_id, "name": nation_id, "short": nation_id})
    ctx.update(words or {})  # a library's text parameters: plain words ('BSC-2')
    return ctx


def readers(sc: CompiledScenario, ci: CInject) -> tuple[str, ...]:
    """The nations that read an inject: those it is addressed to, then the members of its organisations."""
    out = dict.fromkeys(ci.nations)
    for org in ci.orgs:
        out.update(dict.fromkeys(sc.orgs[org].members))
    return tuple(out)


def _one(sc: CompiledScenario, ci: CInject, reader: str | None, turn: int) -> InjectWords:
    m = ci.model
    ctx = text_context(sc, reader, turn, ci.params, ci.words)
    text = render(m.text, ctx).strip()
    title = render(m.title, ctx).strip() if m.title else ""
    options = {
        oid: OptionWords(label=render(opt.model.label, ctx).strip(), text=render(opt.model.text, ctx).strip(),
                         unavailable=render(opt.model.unavailable, ctx).strip() if opt.model.unavailable else None,
                         outcomes=tuple(render(o.text, ctx).strip() for o in opt.outcomes))
        for oid, opt in ci.options.items()
    }
    prompt = m.decision.prompt if m.decision else None
    return InjectWords(title=title or first_line(text) or ci.id, sender=render(m.from_, ctx).strip(), text=text,
                       prompt=render(prompt, ctx).strip() if prompt else None, options=options)


def inject_words(sc: CompiledScenario, ci: CInject, turn: int) -> dict[str, InjectWords]:
    """What control and each reading nation read in a scenario inject released at `turn`."""
    key = f"words\0{ci.id}\0{turn}"  # the same for every game of a simulation: render once
    cached: dict[str, InjectWords] | None = sc.cache.get(key)
    if cached is not None:
        return cached
    names = readers(sc, ci)
    control = _one(sc, ci, names[0] if names else None, turn)
    words = {CONTROL: control}
    for n in names[1:]:
        own = _one(sc, ci, n, turn)
        if own != control:
            words[n] = own
    sc.cache[key] = words
    return words


def written_words(w: InjectWritten) -> dict[str, InjectWords]:
    """An inject control wrote during play: its words exactly as typed, for everyone."""
    options = {o["id"]: OptionWords(label=o.get("label", o["id"])) for o in w.options}
    return {CONTROL: InjectWords(title=w.title or first_line(w.text) or w.inject, sender=w.sender, text=w.text,
                                 options=options)}


def words_for(sc: CompiledScenario, written: Mapping[str, InjectWritten], inject_id: str, turn: int
              ) -> dict[str, InjectWords]:
    """The words of any inject, scenario or written, released (or previewed) at `turn`."""
    ci = sc.injects.get(inject_id)
    if ci is not None:
        return inject_words(sc, ci, turn)
    w = written.get(inject_id)
    if w is None:  # a log naming an inject its scenario lacks: show the id rather than fail to open
        return {CONTROL: InjectWords(title=inject_id, sender="", text="")}
    return written_words(w)


def ending_text(sc: CompiledScenario, ending_id: str | None, turn: int) -> str:
    """An ending's text, as every nation reads it (ending texts have no `nation`)."""
    ending = next((e for e in sc.endings if e.id == ending_id), None)
    return render(ending.model.text, text_context(sc, None, turn)).strip() if ending else ""


# -- v1 events, which carry no words: the one place an old log's texts are rendered on the fly ---------------


def released_words(sc: CompiledScenario, written: Mapping[str, InjectWritten], ev: InjectReleased
                   ) -> dict[str, InjectWords]:
    """The words an InjectReleased carries; for a v1 event, rendered now against the session's stored scenario
    (so an old log reads as it did when it was played)."""
    if ev.words is not None:
        return ev.words
    return words_for(sc, written, ev.inject, ev.turn)


def ended_text(sc: CompiledScenario, ev: SessionEnded) -> str:
    """The ending's text a SessionEnded carries; for a v1 event, rendered now."""
    return ev.text if ev.text is not None else ending_text(sc, ev.ending, ev.turn)
