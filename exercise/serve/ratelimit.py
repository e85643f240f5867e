"""Wrong join codes from one address: after MAX_FAILURES within WINDOW seconds, that address is answered 429
for BLOCK seconds, without a code being checked. Memory is bounded: at most MAX_ADDRESSES are remembered, the
least recently seen forgotten first (an attacker with that many addresses gains a few tries each, against
100-bit codes)."""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field

MAX_FAILURES = 5
WINDOW = 60.0
BLOCK = 60.0
MAX_ADDRESSES = 4096


@dataclass
class _Record:
    failures: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0


class FailureLimiter:
    def __init__(self, *, max_failures: int = MAX_FAILURES, window: float = WINDOW, block: float = BLOCK,
                 max_addresses: int = MAX_ADDRESSES) -> None:
        self.max_failures = max_failures
        self.window = window
        self.block = block
        self.max_addresses = max_addresses
        self._records: OrderedDict[str, _Record] = OrderedDict()

    def __len__(self) -> int:
        return len(self._records)

    def wait(self, address: str, now: float) -> float:
        """Seconds this address must wait before a code from it is checked again; 0 when it may try."""
        record = self._records.get(address)
        return max(0.0, record.blocked_until - now) if record is not None else 0.0

    def failed(self, address: str, now: float) -> None:
        record = self._records.pop(address, None) or _Record()
        self._records[address] = record  # most recently seen last
        record.failures.append(now)
        while record.failures and now - record.failures[0] > self.window:
            record.failures.popleft()
        if len(record.failures) >= self.max_failures:
            record.blocked_until = now + self.block
            record.failures.clear()
        while len(self._records) > self.max_addresses:
            self._records.popitem(last=False)

    def succeeded(self, address: str) -> None:
        self._records.pop(address, None)
