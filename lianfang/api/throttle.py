"""Failed logins, counted per client address and per user name: after a few, that
client or name is locked out for a while, and each further failure doubles the wait."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

WINDOW = 15 * 60.0  # failures older than this are forgotten
LONGEST = 15 * 60.0


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0


class LoginThrottle:
    """In memory, for this server process (a restart forgets the count)."""

    def __init__(self, attempts: int, lockout: float) -> None:
        self.attempts = attempts
        self.lockout = lockout
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def wait(self, keys: list[str]) -> float:
        """Seconds until any of these keys may try again; 0 if none is locked."""
        now = time.monotonic()
        with self._lock:
            waits = [self._records[k].locked_until - now for k in keys if k in self._records]
        return max([0.0, *waits])

    def failed(self, keys: list[str]) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                record = self._records.setdefault(key, _Record())
                record.failures = [t for t in record.failures if now - t < WINDOW] + [now]
                over = len(record.failures) - self.attempts
                if over >= 0:
                    record.locked_until = now + min(self.lockout * 2**over, LONGEST)

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._records.pop(key, None)
