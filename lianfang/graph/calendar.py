"""The day lianfang takes as today.

Every "now" a date defaults to (a query's `as_of`, whether a finding is present when a
ledger item opens, an acceptance's earliest expiry) comes from here, so that setting
LIANFANG_TODAY=YYYY-MM-DD runs the whole product as of that day: an office rehearsing
its review before the year ends, or the README's examples tried on the demo, whose
registers stop at the end of 2025. Times in the audit log stay the real time.
"""

from __future__ import annotations

import datetime as dt
import os

VARIABLE = "LIANFANG_TODAY"


class TodayError(ValueError):
    """LIANFANG_TODAY is set but is not a date."""


def today() -> dt.date:
    given = os.environ.get(VARIABLE, "").strip()
    if not given:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(given)
    except ValueError:
        raise TodayError(f"{VARIABLE}={given!r} is not a date (YYYY-MM-DD)") from None
