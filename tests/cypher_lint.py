"""Neo4j's own Cypher parser (npm @neo4j-cypher/language-support), run offline.

DESIGN.md: a query that passes this lint and runs on FalkorDB is as close to tested on
Neo4j as a machine without Docker allows. Node installs the pinned package into
tools/cypher-lint on first use.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from lianfang.graph import model

TOOL = Path(__file__).resolve().parents[1] / "tools" / "cypher-lint"


def node_missing() -> str | None:
    """Why the lint cannot run here, or None."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "Node.js (node and npm) is not installed"
    return None


def install() -> None:
    if (TOOL / "node_modules" / "@neo4j-cypher" / "language-support").exists():
        return
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=TOOL,
        check=True,
        capture_output=True,
        timeout=600,
    )


def schema(parameters: dict[str, Any]) -> dict[str, Any]:
    """Our labels, types and property keys, so a misspelt name is a finding."""
    from lianfang.graph import office_schema
    from lianfang.graph import schema as declared

    props = {p.name for spec in model.nodes().values() for p in spec.properties}
    props |= {p.name for edge in model.edges() for p in edge.properties}
    # Not registers, but in the graph or beside it.
    kept = (declared.Snapshot, declared.GraphVersion, *office_schema.OFFICE_CLASSES)
    for cls in kept:
        props |= set(cls.defined_properties(aliases=False, rels=False))
    return {
        "labels": [*model.labels(), *(cls.__label__ for cls in kept)],
        "relationshipTypes": list(model.edge_types()),
        # Besides stored properties: the importer's row keys, and date components.
        "propertyKeys": sorted(props | {"extra", "a", "b", "props", "year", "month", "day"}),
        "parameters": parameters,
    }


def lint(
    queries: dict[str, str], parameters: dict[str, Any] | None = None
) -> dict[str, list[dict]]:
    """Diagnostics per query name; `parameters` are the $names the queries may use."""
    install()
    done = subprocess.run(
        ["node", str(TOOL / "lint.mjs")],
        input=json.dumps({"schema": schema(parameters or {}), "queries": queries}),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout)
