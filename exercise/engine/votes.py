"""How an organisation's vote comes out: the one rule, used by the session to resolve a vote and by the read
models to say how it went (`words.vote_result`), so the two can never disagree.

A `consensus` body carries an option only when every member voted for it; a `majority` body when one option has
the votes of more than half of all its members (a member who did not vote counts against). Otherwise the vote
carries nothing and the inject's default is taken.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .models import Organisation


@dataclass(frozen=True)
class Tally:
    rule: str  # 'consensus' | 'majority'
    members: tuple[str, ...]
    votes: tuple[tuple[str, str], ...]  # (nation, option) in the order they were cast
    counts: tuple[tuple[str, int], ...]  # (option, votes), most votes first, ties in the order first voted for
    carried: str | None  # the option the vote carried, None when it carried none

    @property
    def cast(self) -> int:
        return len(self.votes)

    @property
    def abstained(self) -> tuple[str, ...]:
        """The members who did not vote."""
        voted = {n for n, _ in self.votes}
        return tuple(m for m in self.members if m not in voted)

    def votes_for(self, option: str | None) -> int:
        return next((n for o, n in self.counts if o == option), 0)


def tally(org: Organisation, votes: Mapping[str, str]) -> Tally:
    """The votes cast in `org` (nation -> option) counted under the organisation's rule."""
    members = tuple(org.members)
    cast = tuple((n, o) for n, o in votes.items() if n in members)
    first: dict[str, int] = {}
    counts: dict[str, int] = {}
    for i, (_, option) in enumerate(cast):
        first.setdefault(option, i)
        counts[option] = counts.get(option, 0) + 1
    ranked = tuple(sorted(counts.items(), key=lambda kv: (-kv[1], first[kv[0]])))
    carried: str | None = None
    if org.decides == "consensus":
        if len(counts) == 1 and len(cast) == len(members):
            carried = ranked[0][0]
    elif ranked and ranked[0][1] * 2 > len(members):  # more than half of all members: one option at most
        carried = ranked[0][0]
    return Tally(org.decides, members, cast, ranked, carried)
