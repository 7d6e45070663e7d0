"""Keeping every canned query's answer ready after each import, wherever it came from.

A province's unit-risk-profile takes seconds to compute and milliseconds to answer from
the result cache. The web app looks at the graph's state token every few seconds; when
an import (through the page, the API or another process's `lianfang ingest`) has
changed it, the headline figures, every canned query (at its default parameters) and
today's warning levels and scores are computed once in the background, so the first
analyst to open a page after an import does not wait for it. Answers of the state before
that read nothing the import wrote are kept rather than computed again (queries/
readsets.py). Meanwhile, after another process's import, pages answer from the state
prepared before (queries/cache.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from lianfang.graph import calendar
from lianfang.graph.store import GraphStore, StoreError
from lianfang.loop import score, warnings
from lianfang.queries.cache import carry_over, prepared, preparing
from lianfang.queries.runner import run
from lianfang.queries.spec import library
from lianfang.queries.stats import stats

log = logging.getLogger("lianfang.warmer")


class Warmer:
    """A daemon thread that fills the result cache once per state of the graph."""

    def __init__(self, store: GraphStore, every_seconds: float) -> None:
        self.store = store
        self.every = every_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lianfang-warmer", daemon=True)
        self.warmed: str | None = None  # the state whose answers are ready
        self._writes = store.writes  # this process's writes when it last looked

    def start(self) -> Warmer:
        if self.every > 0:
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.warm_once()
            except StoreError as exc:  # requests say what is wrong; try again later
                log.warning("could not prepare the canned queries: %s", exc)
            self._stop.wait(self.every)

    def warm_once(self) -> None:
        writes = self.store.writes
        version = self.store.version()
        if version == self.warmed:
            return
        # Another process's import: readers keep the last prepared state meanwhile. A
        # state this process wrote is answered as it stands (its writer reads it next).
        elsewhere = self.warmed is not None and writes == self._writes
        self._writes = writes
        change = self.store.state_change()
        if change.token == version:  # what the change left as it was is ready already
            kept = carry_over(self.store, change)
            log.info("kept %d prepared answers that the last change did not touch", kept)
        with preparing(self.store, version, readers_wait_not=elsewhere):
            for _name, part in PARTS:
                part(self.store, self._stop)
                if self._stop.is_set():
                    return
        prepared(self.store, version)
        self.warmed = version


# Canned queries computed at once by a warm-up. The engines answer each read on a thread
# of their own; one query at a time left the second core of a two-core machine mostly
# idle. bench/warmup.py, the library's part after the whole import and after a unit's:
# 2.8 and 2.7 s against 4.1 and 4.0 s at scale 20, 17.0 and 14.4 s against 26.1 and
# 22.0 s at scale 100; readers' p95 during imports (bench/load.py) stayed under 1 s.
LIBRARY_WORKERS = 2


def _library(store: GraphStore, stop: threading.Event) -> None:
    def one(query_id: str) -> None:
        if not stop.is_set():
            run(store, query_id)

    with ThreadPoolExecutor(LIBRARY_WORKERS, thread_name_prefix="lianfang-warm") as pool:
        futures = [pool.submit(one, query_id) for query_id in library()]
        try:
            for future in futures:
                future.result()
        except BaseException:
            pool.shutdown(cancel_futures=True)  # the warmer tries again later
            raise


# What a warm-up prepares, in order (bench/warmup.py times each): the headline figures,
# every canned query, and the levels and scores every unit and node page shows today.
PARTS: tuple[tuple[str, Callable[[GraphStore, threading.Event], object]], ...] = (
    ("figures", lambda store, stop: stats(store)),
    ("library", _library),
    ("warnings", lambda store, stop: warnings.compute(store, calendar.today())),
    ("scores", lambda store, stop: score.compute(store, calendar.today())),
)
