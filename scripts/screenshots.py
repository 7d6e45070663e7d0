"""Refresh the screenshots in docs/: the page on a query, a unit's power-risk map, and
the HTML annual review with its chart (Chinese labels, drawn with a CJK font).

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


def main() -> None:
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="lf-shots-", dir="/tmp"))
    store = EmbeddedFalkorStore(workdir / "data", "lianfang")
    try:
        load_demo(store)
        with serving(create_app(store=store)) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(url + "/queries/incompatible-duties?as_of=2026-01-31")
            page.frame_locator("#findings-map").locator("body[data-rendered]").wait_for()
            page.wait_for_timeout(2500)
            page.screenshot(path=str(DOCS / "page.png"))
            page.goto(url + f"/maps/unit/{UNIT}?as_of=2026-01-31")
            page.wait_for_selector("body[data-rendered]")
            page.wait_for_timeout(3000)
            page.screenshot(path=str(DOCS / "unit-map.png"))
            page.goto(url + "/api/reports/review.html?as_of=2026-01-31")
            page.wait_for_selector("img#chart")
            page.locator("#chart").scroll_into_view_if_needed()
            page.screenshot(path=str(DOCS / "report.png"))
            browser.close()
    finally:
        store.close()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"wrote page.png, unit-map.png and report.png in {DOCS}")


if __name__ == "__main__":
    main()
