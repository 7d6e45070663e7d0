"""Password checks, bounded: failed logins counted per client address and per name from
that address, and only a few Argon2 checks at once.

An attempt is counted when it starts, before its password is checked, so thirty
attempts sent together cannot all be checked before the first failure is counted. The
name's lockout is keyed on the address too: an outsider who types a user's name five
times locks out that name from the outsider's address, not the user everywhere. Each
Argon2 check takes 64 MiB: beyond a few at once, an attempt is answered 429 at once.
"""

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


@dataclass(frozen=True)
class Attempt:
    """One login attempt under way: its keys and when it was counted; `wait` > 0 if it
    was refused (seconds until those keys may try again), and `busy` if too many
    checks were under way."""

    keys: tuple[str, ...]
    at: float
    wait: float = 0.0
    busy: bool = False

    @property
    def refused(self) -> bool:
        return self.wait > 0 or self.busy


def keys_for(address: str | None, name: str) -> tuple[str, ...]:
    """The counters one attempt counts against: its address, and the name from it."""
    return (f"client:{address}", f"user:{name.strip().lower()}@{address}")


class LoginThrottle:
    """In memory, for this server process (a restart forgets the count)."""

    def __init__(self, attempts: int, lockout: float, concurrent: int = 2) -> None:
        self.attempts = attempts
        self.lockout = lockout
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()
        self._checks = threading.BoundedSemaphore(max(1, concurrent))

    def begin(self, keys: tuple[str, ...]) -> Attempt:
        """Count an attempt as failed before its password is checked (settle() takes it
        back on success), or refuse it: locked out, or too many checks under way. A
        started attempt holds a check's place until it is settled."""
        now = time.monotonic()
        with self._lock:
            waits = [self._records[k].locked_until - now for k in keys if k in self._records]
            wait = max([0.0, *waits])
            if wait > 0:
                return Attempt(keys, now, wait=wait)
            if not self._checks.acquire(blocking=False):
                return Attempt(keys, now, busy=True)
            for key in keys:
                record = self._records.setdefault(key, _Record())
                record.failures = [t for t in record.failures if now - t < WINDOW] + [now]
                over = len(record.failures) - self.attempts
                if over >= 0:
                    record.locked_until = now + min(self.lockout * 2**over, LONGEST)
        return Attempt(keys, now)

    def settle(self, attempt: Attempt, succeeded: bool) -> None:
        """The attempt's check is over: free its place; on success, forget the name's
        failures from that address and take back this attempt's count."""
        if attempt.refused:
            return
        self._checks.release()
        if not succeeded:
            return
        with self._lock:
            for key in attempt.keys:
                record = self._records.get(key)
                if record is None:
                    continue
                if key.startswith("user:"):
                    del self._records[key]
                    continue
                if attempt.at in record.failures:
                    record.failures.remove(attempt.at)
                if len(record.failures) < self.attempts:
                    record.locked_until = 0.0
