"""Refresh the screenshots in docs/: the page on a query, a unit's power-risk map, the
county's map as its overview and with a bureau expanded in place, one finding
highlighted on a findings map, the path finder, a post's page with its map, and the
HTML annual review with its chart (Chinese labels, drawn with a CJK font).

    .venv/bin/python scripts/screenshots.py [DIR]

DIR defaults to docs/ (look at them elsewhere first by naming another).

Serves the demo organisation from a temporary store and photographs it with Debian's
headless Chromium, as the browser tests do.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser helpers the tests use

from browser import CHROMIUM, CHROMIUM_ARGS, serving  # noqa: E402

from lianfang.api.main import create_app  # noqa: E402
from lianfang.graph.falkor_store import EmbeddedFalkorStore  # noqa: E402
from lianfang.ingest.demo import load_demo  # noqa: E402

DOCS = ROOT / "docs"
UNIT = "C01B02S04"  # the demo's budget section: a map small enough to read
DAY = "as_of=2026-01-31"


SHOTS = (
    "page.png",
    "unit-map.png",
    "county-overview.png",
    "county-expanded.png",
    "finding-map.png",
    "path-finder.png",
    "post-page.png",
    "report.png",
)
BUREAU = "C01B02"  # the demo's finance bureau


def shoot(page: object, address: str, path: Path | None) -> None:
    """Open a map and, given a path, photograph it once it is drawn and still."""
    page.goto(address)
    page.wait_for_selector("body[data-still]")
    if path is not None:
        page.screenshot(path=str(path))


def main() -> None:
    from playwright.sync_api import sync_playwright

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS
    out.mkdir(parents=True, exist_ok=True)

    workdir = Path(tempfile.mkdtemp(prefix="lf-shots-", dir="/tmp"))
    store = EmbeddedFalkorStore(workdir / "data", "lianfang")
    try:
        load_demo(store)
        with serving(create_app(store=store)) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(url + f"/queries/incompatible-duties?{DAY}")
            page.frame_locator("#findings-map").locator("body[data-still]").wait_for()
            page.screenshot(path=str(out / "page.png"))
            shoot(page, url + f"/maps/unit/{UNIT}?{DAY}", out / "unit-map.png")
            shoot(page, url + f"/maps/unit/C01?{DAY}", out / "county-overview.png")
            page.evaluate(
                "() => window.lianfangMap.network.emit("
                f"'doubleClick', {{nodes: ['Unit:{BUREAU}'], edges: []}})"
            )
            page.wait_for_selector("body[data-expanded='1']")
            page.wait_for_timeout(300)
            page.screenshot(path=str(out / "county-expanded.png"))
            shoot(page, url + f"/maps/query/process-capture?{DAY}", None)
            page.click("#findings-list button[data-index='0']")
            page.wait_for_timeout(300)
            page.screenshot(path=str(out / "finding-map.png"))
            _path_finder(page, url, out / "path-finder.png")
            page.goto(url + f"/nodes/Post/{UNIT}-P01?{DAY}")
            page.frame_locator("iframe.map").locator("body[data-still]").wait_for()
            page.locator("iframe.map").scroll_into_view_if_needed()
            page.screenshot(path=str(out / "post-page.png"))
            page.goto(url + f"/api/reports/review.html?{DAY}")
            page.wait_for_selector("#chart svg")
            page.locator("#chart").scroll_into_view_if_needed()
            page.screenshot(path=str(out / "report.png"))
            browser.close()
    finally:
        store.close()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"wrote {', '.join(SHOTS)} in {out}")


def _path_finder(page: object, url: str, path: Path) -> None:
    """The incompatible-duties map with the first finding's person traced to a power."""
    shoot(page, url + f"/maps/query/incompatible-duties?{DAY}", None)
    ends = page.evaluate(
        "() => { const f = window.lianfangMap.data.findings[0].nodes;"
        " return [f.find(n => n.startsWith('Person:')), f.find(n => n.startsWith('Power:'))]; }"
    )
    page.click("#panel-path summary")
    for field, end in zip(("#path-from", "#path-to"), ends, strict=True):
        name = page.evaluate(f"window.lianfangMap.nodes.get({end!r}).label.split('\\n')[0]")
        page.fill(field, name)
        page.dispatch_event(field, "input")
        page.fill(field, page.locator(f"{field}-list option").first.get_attribute("value"))
    page.click("#path-finder button[type=submit]")
    page.wait_for_selector("body[data-path]")
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))


if __name__ == "__main__":
    main()
