"""Atomic change sets on FalkorDB (see falkor_store.py): in place as one query, or built
in a staging graph and renamed over the live one."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from functools import partial

import redis

from lianfang.graph.falkor_client import FalkorClient
from lianfang.graph.falkor_compose import compose, rows_in
from lianfang.graph.falkor_params import with_params
from lianfang.graph.store import (
    DEFAULT_BATCH,
    Change,
    Progress,
    StoreError,
    changes_version,
    version_bump,
)


class FalkorStaging(FalkorClient):
    """Applying a change set atomically."""

    def _stage(self) -> str:
        """An empty staging graph with the schema's indexes, replacing a stale one."""
        staging = f"{self.graph_name}__staging"
        self._drop(staging)
        self._install_indexes(self._graph(staging))
        return staging

    @changes_version
    def apply(
        self,
        changes: Iterable[Change],
        progress: Progress | None = None,
        replacing: str | None = None,
    ) -> None:
        changes = list(changes)
        with self._write_lock():
            if rows_in(changes) <= self.in_place_rows and self._exists(self.graph_name):
                self._apply_in_place(changes)
                if progress:
                    for change in changes:
                        progress(change.weight())
            else:
                self._apply_staged(changes, progress, replacing)

    def _apply_in_place(self, changes: list[Change]) -> None:
        # Under the write lock, a staging graph is what a killed import left behind.
        self._drop(f"{self.graph_name}__staging")
        text = with_params(*compose([*changes, version_bump()]))
        self._run(lambda: self._graph().query(text))

    def _apply_staged(
        self, changes: list[Change], progress: Progress | None, replacing: str | None
    ) -> None:
        live = self._exists(self.graph_name)
        graph = self._graph(self._stage())
        carry = self._carry(graph, replacing)
        try:
            if live:
                carry.nodes()
                if replacing is None:
                    carry.edges()
            for change in changes:
                for params in change.batches(DEFAULT_BATCH):
                    text = with_params(change.cypher, params)
                    self._run(partial(graph.query, text))
                    if progress:
                        progress(len(params["rows"]) if "rows" in params else 1)
            bump = version_bump()
            self._run(lambda: graph.query(with_params(bump.cypher, bump.params)))
            if live and replacing is not None:
                carry.edges()
        except BaseException:
            with contextlib.suppress(StoreError, redis.exceptions.RedisError):
                self._drop(graph.name)
            raise
        self.db.connection.rename(graph.name, self.graph_name)
