"""The office's records on FalkorDB: accounts, tokens, sessions, the audit log, the
ledger and acceptances, in a graph of their own beside the register graph."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from falkordb import Graph

from lianfang.graph import model
from lianfang.graph.falkor_client import FalkorClient
from lianfang.graph.falkor_params import with_params
from lianfang.graph.store import (
    Row,
)


class FalkorOffice(FalkorClient):
    """The office graph."""

    @property
    def office_graph(self) -> str:
        """A graph of their own: imports rebuild and rename the main graph, and a staged
        import would otherwise lose an audit entry written while it ran."""
        return f"{self.graph_name}__office"

    def _office(self) -> Graph:
        """The office graph, its indexes installed on first use (once per store, whichever
        request thread, or the warmer, gets here first)."""
        graph = self._graph(self.office_graph)
        with self._office_lock:
            if not self._office_indexed:
                wanted = [
                    ("NODE", label, prop, unique) for label, prop, unique in model.office_indexes()
                ]
                self._retrying(lambda: self._install_indexes(graph, wanted))
                self._office_indexed = True
        return graph

    def office_read(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        text = with_params(cypher, params)
        return self._run(lambda: self._office().ro_query(text), retry=True)

    def office_write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        text = with_params(cypher, params)
        return self._run(lambda: self._office().query(text))
