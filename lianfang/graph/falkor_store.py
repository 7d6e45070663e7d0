"""GraphStore on FalkorDB: the embedded server (default) or an external one.

Atomic change sets: FalkorDB makes each query atomic but not a sequence of them. A
change set of up to IN_PLACE_ROWS rows is sent as one query (falkor_compose), which
lands in place and costs what it states. A larger one (a first import, a province's
re-import) is built in a fresh staging graph, carrying over the live one's other
contents (falkor_carry), and then RENAMEd over the live graph, which Redis does in one
step; a process killed mid-way leaves only a stale staging graph, which the next
import discards.

The store is its parts: the client (falkor_client), atomic imports (falkor_staging),
what-if copies (falkor_scratch) and the office graph (falkor_office).
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import redis
from falkordb import FalkorDB

from lianfang.graph import runaway
from lianfang.graph.embedded import EmbeddedServer, open_private, start_rewrite
from lianfang.graph.falkor_client import LOCK_TIMEOUT, NO_RETRY
from lianfang.graph.falkor_compose import rows_in
from lianfang.graph.falkor_office import FalkorOffice
from lianfang.graph.falkor_scratch import FalkorScratch
from lianfang.graph.falkor_staging import FalkorStaging
from lianfang.graph.store import Change, ConfigError, Progress, QueryError, Row, StoreError

REWRITE_AFTER_ROWS = 10_000  # an import this large is folded into the snapshot at once


class FalkorStore(FalkorStaging, FalkorScratch, FalkorOffice):
    """A FalkorDB graph reached through the `falkordb` client."""


# -- constructors -----------------------------------------------------------------------
@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with open_private(path) as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


class EmbeddedFalkorStore(FalkorStore):
    """The zero-setup default: a private server in the data directory."""

    def __init__(self, data_dir: Path, graph: str) -> None:
        self.server = EmbeddedServer(data_dir)
        self.server.acquire()
        try:
            db = FalkorDB(unix_socket_path=str(self.server.socket), retry=NO_RETRY)
            super().__init__(
                db,
                graph,
                location=str(self.server.data_dir),
                write_lock=lambda: _file_lock(self.server.data_dir / ".write.lock"),
                reconnect=self.server.ensure_running,
            )
        except BaseException:
            self.server.release()
            raise
        self.kind = "falkordb (embedded)"
        self._drop_stale_scratch()

    def apply(
        self,
        changes: Iterable[Change],
        progress: Progress | None = None,
        replacing: str | None = None,
    ) -> None:
        changes = list(changes)
        super().apply(changes, progress, replacing)
        if rows_in(changes) >= REWRITE_AFTER_ROWS:
            # A restart replays an import by running it again (a staged one, its carry
            # too): fold it into a snapshot now, in the background, so a crash later
            # replays a snapshot instead.
            with contextlib.suppress(redis.exceptions.RedisError):
                start_rewrite(self.db.connection)

    def read_typed(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """As for any FalkorDB, and watched from outside (graph/runaway.py): a query past
        its memory or time has the server stopped, and says so in one line."""
        with runaway.watched(self.server.pid(), runaway.Bounds()) as watch:
            try:
                return super().read_typed(cypher, params)
            except (StoreError, QueryError):
                if watch.stopped:
                    raise QueryError(watch.stopped) from None
                raise

    def _why_lost(self) -> str | None:
        """A full disk: with fsync on every write, FalkorDB exits when it cannot write its
        append-only file, and its log says so. Nothing of the write was kept."""
        if self.server.log_mentions(("AOF write error", "No space left on device")):
            return (
                f"the disk holding {self.server.data_dir} is full: the embedded FalkorDB "
                "could not write its append-only file and stopped. Nothing of this import "
                "was kept; free some space there and retry"
            )
        return None

    def close(self) -> None:
        with contextlib.suppress(redis.exceptions.RedisError):
            super().close()
        self.server.release()


def external_falkor_store(host: str, port: int, graph: str) -> FalkorStore:
    """A FalkorDB server somebody else runs (`falkordb://host:port`)."""
    try:
        db = FalkorDB(host=host, port=port, socket_connect_timeout=5, retry=NO_RETRY)
        db.connection.ping()
    except redis.exceptions.RedisError as exc:
        raise ConfigError(
            f"LIANFANG_STORE: cannot reach FalkorDB at {host}:{port} ({exc})"
        ) from None
    lock_name = f"lianfang:{graph}:write-lock"

    @contextlib.contextmanager
    def write_lock() -> Iterator[None]:
        with db.connection.lock(lock_name, timeout=LOCK_TIMEOUT, blocking_timeout=LOCK_TIMEOUT):
            yield

    return FalkorStore(db, graph, f"falkordb://{host}:{port}/{graph}", write_lock)
