"""How fast a map is drawn and still in headless Chromium, against a plain HTML table of
2,000 rows rendered by the same browser in the same run.

Maps of the demo county (scale 1): a bureau at the default folding limit (about 200
nodes), the county folded only to 2,000 (about 2,000 nodes) and the county unfolded
(about 5,800), each in the layered layout; the bureau also in the force layout, the
default before. Each map is the self-contained file `lianfang map` writes, opened from
disk; the time runs from navigation to the page saying it is drawn and still. The
size of the data a web page carries (vis-network and the page script are served
separately and cached) is given too. Median of three.

Then, served by the web app: expanding in place, from the double-click until the map
is drawn again with the new nodes: a post's neighbours on the bureau's map (five
posts, each asked of the server for the first time), and a bureau's group on the
county's overview.

    .venv/bin/python bench/maps.py
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the Chromium settings the tests use

from browser import CHROMIUM, CHROMIUM_ARGS, serving

from lianfang.api.main import create_app
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.ingest.demo import load_demo
from lianfang.viz.render import FORCE, LAYERED, render
from lianfang.viz.views import unit_view

AS_OF = dt.date(2026, 1, 31)
RUNS = 3
TIMEOUT_MS = 300_000
DATA = re.compile(r'<script type="application/json" id="map-data">.*?</script>', re.S)

# (name, unit, folding limit or None for none, layout)
MAPS = (
    ("bureau, layered", "C01B02", 300, LAYERED),
    ("county folded to 2,000, layered", "C01", 2000, LAYERED),
    ("county unfolded, layered", "C01", None, LAYERED),
    ("bureau, force (the old default)", "C01B02", 300, FORCE),
)


def table(rows: int = 2000) -> str:
    """The baseline: a plain table with as many rows as the big map has nodes."""
    cells = "".join(
        f"<tr><td>{i}</td><td>岗位 {i}</td><td>职权 {i % 97}</td><td>风险点 {i % 31}</td></tr>"
        for i in range(rows)
    )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>'
        f"<table>{cells}</table><script>requestAnimationFrame(() => requestAnimationFrame("
        "() => { window.stillAt = performance.now(); document.body.dataset.still = '1'; }));"
        "</script></body></html>"
    )


def timed(page, path: Path, clock: str) -> float:
    """Milliseconds from navigation to drawn and still."""
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-still]", timeout=TIMEOUT_MS)
    return float(page.evaluate(clock))


def main() -> None:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="lf-bench-maps-", dir="/tmp"))
    try:
        files: list[tuple[str, int, int, Path]] = []
        with EmbeddedFalkorStore(work / "data", "lianfang") as store:
            load_demo(store)
            for number, (name, unit, limit, layout) in enumerate(MAPS):
                graph, title = unit_view(store, unit, AS_OF)
                html = render(graph, title, limit=limit, inline=True, layout=layout)
                path = work / f"map{number}.html"
                path.write_text(html, encoding="utf-8")
                data = DATA.search(html)
                nodes = int(re.search(r'id="node-count">(\d+)<', html).group(1))
                files.append((name, nodes, len(data.group(0).encode()) if data else 0, path))
        baseline = work / "table.html"
        baseline.write_text(table(), encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            base = statistics.median(timed(page, baseline, "window.stillAt") for _ in range(RUNS))
            print(f"plain 2,000-row table: {base:.0f} ms (baseline)")
            print(f"{'map':36} {'nodes':>6} {'data KB':>8} {'ms':>8} {'× table':>8}")
            for name, nodes, size, path in files:
                clock = "window.lianfangMap.stillAt"
                took = statistics.median(timed(page, path, clock) for _ in range(RUNS))
                print(f"{name:36} {nodes:>6} {size / 1024:>8.0f} {took:>8.0f} {took / base:>8.1f}")
            with (
                EmbeddedFalkorStore(work / "data", "lianfang") as store,
                serving(create_app(store=store)) as url,
            ):
                expansions(page, url, base)
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def expanded(page, node: str) -> float:
    """Milliseconds from a double-click on the node to the map drawn with what it adds."""
    before = int(page.get_attribute("body", "data-expanded") or 0)
    page.evaluate(
        "() => { window.lianfangMap.network.emit("
        f"'doubleClick', {{nodes: [{node!r}], edges: []}}); }}"
    )
    page.wait_for_selector(f"body[data-expanded='{before + 1}']", timeout=TIMEOUT_MS)
    return float(page.evaluate("window.lianfangMap.expandedIn"))


def expansions(page, url: str, base: float) -> None:
    day = f"as_of={AS_OF.isoformat()}"
    page.goto(f"{url}/maps/unit/C01B02?{day}")
    page.wait_for_selector("body[data-still]", timeout=TIMEOUT_MS)
    posts = page.evaluate(
        "window.lianfangMap.data.nodes.filter(n => n.nodeLabel === 'Post').map(n => n.id)"
    )[:5]
    before = page.evaluate("window.lianfangMap.data.nodes.length")
    took = [expanded(page, post) for post in posts]
    added = page.evaluate("window.lianfangMap.data.nodes.length") - before
    print(
        f"{'a post, in place on the bureau (5)':36} {added:>6} {'':>8} "
        f"{statistics.median(took):>8.0f} {statistics.median(took) / base:>8.1f}"
        f"   (each: {', '.join(f'{t:.0f}' for t in took)} ms)"
    )
    page.goto(f"{url}/maps/unit/C01?{day}")
    page.wait_for_selector("body[data-still]", timeout=TIMEOUT_MS)
    before = page.evaluate("window.lianfangMap.data.nodes.length")
    took_group = expanded(page, "Unit:C01B02")
    added = page.evaluate("window.lianfangMap.data.nodes.length") - before
    print(
        f"{'a bureau, in place on the county':36} {added:>6} {'':>8} "
        f"{took_group:>8.0f} {took_group / base:>8.1f}"
    )


if __name__ == "__main__":
    main()
