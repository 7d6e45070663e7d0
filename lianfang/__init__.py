"""廉防 lianfang: the integrity-risk knowledge graph.

Its layers are subpackages, each looking only down: graph (schema and stores), then
ingest, queries and access (accounts and the audit log), then loop (warnings, ledger,
scores, what-if), then viz and reports, then the interfaces, api (web) and cli. One
package, so nothing lands in site-packages under a generic name such as `queries`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lianfang")
except PackageNotFoundError:  # imported from a tree that was never installed
    __version__ = "0+unknown"
