"""The server's own pages: plain HTML, no script, every outside text (a scenario's title, a nation's name)
escaped, so nothing from a scenario file or a form is ever read as markup."""

from __future__ import annotations

from html import escape

from .codes import CONTROL, OBSERVER, role_nation

_STYLE = """
body { font-family: system-ui, sans-serif; background: #0c181f; color: #e8eef2; margin: 0; }
main { max-width: 34rem; margin: 4rem auto; padding: 2rem; background: #12232d; border-radius: 6px; }
h1 { font-size: 1.4rem; margin-top: 0; }
label { display: block; margin: 1rem 0 .4rem; }
input[type=text] { font: 1.2rem ui-monospace, monospace; width: 100%; box-sizing: border-box; padding: .5rem;
  letter-spacing: .08em; text-transform: uppercase; }
button { margin-top: 1rem; padding: .6rem 1.4rem; font-size: 1rem; }
.problem { color: #ffb4a8; }
a { color: #9fd3ff; }
"""


def role_name(role: str, nations: dict[str, str]) -> str:
    """A role as people say it: "the facilitator", "the observer", "Republic of Norvia's team"."""
    if role == CONTROL:
        return "the facilitator (control)"
    if role == OBSERVER:
        return "an observer"
    nation = role_nation(role) or role
    return f"{nations.get(nation, nation)}'s team"


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head>\n<body><main>\n{body}\n</main></body></html>\n")


def join_page(scenario_title: str, *, problem: str | None = None, joined_as: str | None = None) -> str:
    """GET / : the form that exchanges a join code for a cookie."""
    parts = [f"<h1>{escape(scenario_title)}</h1>",
             "<p>Type the join code you were given for your role (facilitator, your nation's team, or observer).</p>"]
    if joined_as is not None:
        parts.append(f"<p>This browser has joined as {escape(joined_as)}: <a href=\"/console\">open the console</a>."
                     "</p>")
    if problem is not None:
        parts.append(f"<p class=\"problem\" role=\"alert\">{escape(problem)}</p>")
    parts.append("<form method=\"post\" action=\"/join\">"
                 "<label for=\"code\">Join code</label>"
                 "<input type=\"text\" id=\"code\" name=\"code\" autocomplete=\"off\" autocapitalize=\"characters\" "
                 "spellcheck=\"false\" maxlength=\"64\" placeholder=\"XXXX-XXXX-XXXX-XXXX-XXXX\" required autofocus>"
                 "<button type=\"submit\">Join</button></form>")
    return _page(f"Join: {scenario_title}", "\n".join(parts))


def message_page(title: str, text: str, *, back: bool = True) -> str:
    """A refusal or a notice, in words, with the way back to the join page."""
    link = "<p><a href=\"/\">Back to the join page</a></p>" if back else ""
    return _page(title, f"<h1>{escape(title)}</h1>\n<p>{escape(text)}</p>\n{link}")

