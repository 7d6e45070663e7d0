"""Pausing Python's cycle collector around bulk work that makes no reference cycles.

Reading a workbook, building its records and carrying a graph into staging each make
hundreds of thousands of small dicts, lists and tuples. The collector's passes over
them cost a third of the time or more (scale 20: reading 11.8 s → 8.0 s, building
2.7 s → 0.8 s, carrying 13.7 s → 6.6 s) and free nothing, since they hold no cycles;
peak memory stayed the same within 3 %.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Disable the cycle collector for the block; nested uses leave it as they found it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
