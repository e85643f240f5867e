"""Where each value of a YAML file starts, kept compactly: the positions the loader records and messages use.

A position without its file is one int, a Spot: line << 24 | column (1-based; a line of a 2 MiB file has fewer
than 2**24 columns). A mapping entry keeps its key's and its value's in one int (key << 48 | value). They are
kept per collection (an array of ints for a list, a dict for a mapping), not per path: a 2 MiB file of tiny
values has half a million of them, and a path tuple and a Mark each cost more than the value itself.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from .diagnostics import Mark

Path = tuple[str | int, ...]
Spot = int
COLUMN_BITS = 24
_COLUMN_MASK = (1 << COLUMN_BITS) - 1
KEY_SHIFT = 48
_VALUE_MASK = (1 << KEY_SHIFT) - 1
_ORIGIN = 1 << COLUMN_BITS | 1  # 1:1


def at_spot(file: str, spot: Spot) -> Mark:
    return Mark(file, spot >> COLUMN_BITS, spot & _COLUMN_MASK)


@dataclass
class Positions:
    """Where each value (by its path in the data) and each mapping key starts in the file."""

    file: str
    root: Spot = _ORIGIN
    lists: dict[Path, array[int]] = field(default_factory=dict)  # a list's path -> its items' spots
    maps: dict[Path, dict[str, int]] = field(default_factory=dict)  # a mapping's path -> key -> key, value spots

    def _find(self, path: Path, key: bool) -> Spot:
        parent, seg = path[:-1], path[-1]
        if isinstance(seg, int):
            items = self.lists.get(parent)
            return items[seg] if items is not None and 0 <= seg < len(items) else 0
        both = self.maps.get(parent, {}).get(seg, 0)
        if key and both >> KEY_SHIFT:
            return both >> KEY_SHIFT
        return both & _VALUE_MASK or (both >> KEY_SHIFT if key else 0)

    def at(self, path: Path, *, key: bool = False) -> Mark:
        """The mark for a path (of its key, with `key`), or for its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            spot = self._find(p, key)
            if spot:
                return at_spot(self.file, spot)
            p = p[:-1]
        return at_spot(self.file, self.root)

    @property
    def values(self) -> dict[Path, Mark]:
        """Every value's mark by its path (built on each call: for tests and tools, not for the loader)."""
        out: dict[Path, Mark] = {(): at_spot(self.file, self.root)}
        for parent, items in self.lists.items():
            out.update(((*parent, i), at_spot(self.file, spot)) for i, spot in enumerate(items))
        for parent, entries in self.maps.items():
            out.update(((*parent, k), at_spot(self.file, both & _VALUE_MASK)) for k, both in entries.items()
                       if both & _VALUE_MASK)
        return out

    @property
    def keys(self) -> dict[Path, Mark]:
        """Every mapping key's mark by its path (built on each call, as `values`)."""
        return {(*parent, k): at_spot(self.file, both >> KEY_SHIFT) for parent, entries in self.maps.items()
                for k, both in entries.items()}
