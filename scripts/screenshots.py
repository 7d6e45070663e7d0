"""Refresh the screenshots in docs/: the page on a query, a unit's power-risk map, the
county's map as its overview, one finding highlighted on a findings map, and the HTML
annual review with its chart (Chinese labels, drawn with a CJK font).

    .venv/bin/python scripts/screenshots.py

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


SHOTS = ("page.png", "unit-map.png", "county-overview.png", "finding-map.png", "report.png")


def shoot(page: object, address: str, path: Path | None) -> None:
    """Open a map and, given a path, photograph it once it is drawn and still."""
    page.goto(address)
    page.wait_for_selector("body[data-still]")
    if path is not None:
        page.screenshot(path=str(path))


def main() -> None:
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="lf-shots-", dir="/tmp"))
    store = EmbeddedFalkorStore(workdir / "data", "lianfang")
    try:
        load_demo(store)
        with serving(create_app(store=store)) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(url + f"/queries/incompatible-duties?{DAY}")
            page.frame_locator("#findings-map").locator("body[data-still]").wait_for()
            page.screenshot(path=str(DOCS / "page.png"))
            shoot(page, url + f"/maps/unit/{UNIT}?{DAY}", DOCS / "unit-map.png")
            shoot(page, url + f"/maps/unit/C01?{DAY}", DOCS / "county-overview.png")
            shoot(page, url + f"/maps/query/process-capture?{DAY}", None)
            page.click("#findings-list button[data-index='0']")
            page.wait_for_timeout(300)
            page.screenshot(path=str(DOCS / "finding-map.png"))
            page.goto(url + f"/api/reports/review.html?{DAY}")
            page.wait_for_selector("#chart svg")
            page.locator("#chart").scroll_into_view_if_needed()
            page.screenshot(path=str(DOCS / "report.png"))
            browser.close()
    finally:
        store.close()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"wrote {', '.join(SHOTS)} in {DOCS}")


if __name__ == "__main__":
    main()
