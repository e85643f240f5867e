"""The improvement plan's prefilled text: the seed's recommendations and the placeholders for what the
exercise planners still have to decide."""

from __future__ import annotations

from .outside import part

TO_BE_ASSIGNED = "To be assigned"
TO_BE_SET = "To be set"

# The seed's recommendations (the debrief spine): what a prefilled corrective action suggests, chosen
# by the words of the capability, the objective and the issue.
RECOMMENDATIONS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("dialogue forums",
     ("intelligence", "information shar", "sharing", "share", "attribution", "indicator", "trust", "consult",
      "channel"),
     "Set up a standing dialogue forum among the partners (a regular meeting and an agreed secure channel), "
     "so that {capability} does not depend on ad hoc contacts."),
    ("civilian perspectives",
     ("public", "media", "disinformation", "civil", "humanitarian", "population", "shelter", "warning", "water"),
     "Bring civilian perspectives (public information officers, humanitarian and utility representatives) "
     "into planning for {capability}, and into the next exercise."),
    ("joint exercises",
     ("coordinat", "operation", "joint", "interoperab", "consensus", "response", "mission", "deploy", "logistic"),
     "Run a joint exercise with all partners that rehearses {capability}, with procedures agreed beforehand."),
    ("education and training", (),
     "Education and training on {capability} for the staff concerned, followed by a short refresher exercise."),
)


def suggest_action(capability: str, objective_text: str, issue: str) -> tuple[str, str]:
    """(recommendation, suggested corrective action) for an area for improvement, from the seed's
    recommendations: the capability's words decide first, then the objective's, then the issue's."""
    cap = part(capability.lower()) or "this capability"  # inside a sentence: isolated if right-to-left
    for text in (capability, objective_text, issue):
        low = text.lower()
        for name, words, template in RECOMMENDATIONS:
            if words and any(w in low for w in words):
                return name, template.format(capability=cap)
    name, _, template = RECOMMENDATIONS[-1]
    return name, template.format(capability=cap)
