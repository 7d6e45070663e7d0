"""What-if copies on FalkorDB: the live graph carried into a scratch graph of its own."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import redis

from lianfang.graph.embedded import pid_alive
from lianfang.graph.falkor_client import SCRATCH, FalkorClient
from lianfang.graph.falkor_params import with_params
from lianfang.graph.store import (
    Region,
    Row,
    Scratch,
    StoreError,
)


class FalkorScratch(FalkorClient):
    """Private copies of the graph for what-if, dropped afterwards."""

    @contextlib.contextmanager
    def scratch(self, region: Region | None = None) -> Iterator[Scratch]:
        """A copy carried through Cypher (never GRAPH.COPY, which forks), under the write
        lock so that no import lands halfway through it, and dropped afterwards: of the
        whole graph, or of a region (those nodes and the edges between them), which
        costs what the region holds. A copy left by a killed process is dropped by the
        next embedded store to open."""
        name = f"{self.graph_name}{SCRATCH}{os.getpid()}_{uuid.uuid4().hex[:8]}"
        graph = self._graph(name)
        try:
            self._install_indexes(graph)
            with self._write_lock():
                wanted = None if region is None else {k: sorted(v) for k, v in region.items()}
                carry = self._carry(graph, None, by_uid=True, region=wanted)
                carry.nodes()
                carry.edges()

            def read(cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
                text = with_params(cypher, params)
                return self._run(lambda: graph.ro_query(text))

            def write(cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
                text = with_params(cypher, params)
                return self._run(lambda: graph.query(text))

            yield Scratch(read, write, partial=region is not None)
        finally:
            with contextlib.suppress(StoreError, redis.exceptions.RedisError):
                self._drop(name)

    def _drop_stale_scratch(self) -> None:
        """Copies whose process is gone (killed mid what-if)."""
        prefix = f"{self.graph_name}{SCRATCH}"
        for name in self._retrying(self.db.list_graphs):
            pid = name.removeprefix(prefix).split("_", 1)[0] if name.startswith(prefix) else ""
            if pid.isdigit() and not pid_alive(int(pid)):
                self._drop(name)
