"""The maps in real headless Chromium, on the demo county: the layered layout read from
the page (columns, labels that do not overlap), the filters, finding a node, the side
panel, the PNG export, each finding highlighted, and overviews that expand in place."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium_missing, serving

from lianfang.api.main import create_app
from lianfang.graph.falkor_store import EmbeddedFalkorStore

pytestmark = pytest.mark.skipif(chromium_missing() is not None, reason=str(chromium_missing()))

BUREAU = "C01B02"  # folds to about 200 nodes at the default limit
DAY = "as_of=2026-01-31"


@pytest.fixture(scope="module")
def site(demo_dir: Path) -> Iterator[str]:
    store = EmbeddedFalkorStore(demo_dir, "lianfang")
    try:
        with serving(create_app(store=store)) as url:
            yield url
    finally:
        store.close()


@pytest.fixture
def page(browser, site) -> Iterator[object]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, errors


def open_map(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-still]", timeout=120_000)


NODES = """() => {
  const m = window.lianfangMap;
  const at = m.network.getPositions();
  return m.nodes.get().map(n => ({id: n.id, label: n.nodeLabel, level: n.riskLevel,
    hidden: !!n.hidden, x: (at[n.id] || n).x, y: (at[n.id] || n).y}));
}"""


def test_a_bureau_map_reads_left_to_right_in_columns(page, site) -> None:
    open_map(page, f"{site}/maps/unit/{BUREAU}?{DAY}")
    nodes = page.evaluate(NODES)
    assert 150 <= len(nodes) <= 300
    xs = {label: [n["x"] for n in nodes if n["label"] == label] for label in ("Post", "Power")}
    xs["RiskPoint"] = [n["x"] for n in nodes if n["label"] in ("RiskPoint", "Aggregate")]
    assert all(xs.values())
    assert max(xs["Post"]) < min(xs["Power"])
    assert max(xs["Power"]) < min(xs["RiskPoint"])
    assert page.evaluate("window.lianfangMap.network.getScale()") >= 0.75  # legible
    assert page.evaluate("window.lianfangMap.data.options.physics.enabled") is False


def test_no_label_overlaps_another_at_the_default_zoom(page, site) -> None:
    open_map(page, f"{site}/maps/unit/{BUREAU}?{DAY}")
    boxes = page.evaluate(
        "() => { const m = window.lianfangMap;"
        " return m.nodes.getIds().map(id => m.network.getBoundingBox(id)); }"
    )
    assert len(boxes) >= 150
    overlaps = [
        (a, b)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]
    assert not overlaps, overlaps[:3]


def shown_count(page) -> int:
    return int(page.inner_text("#node-count"))


def test_the_toggles_hide_and_show_nodes(page, site) -> None:
    open_map(page, f"{site}/maps/unit/{BUREAU}?{DAY}")
    nodes = page.evaluate(NODES)
    everything = shown_count(page)
    assert everything == len(nodes)
    high = sum(1 for n in nodes if n["level"] == "high")
    assert high > 0
    page.uncheck("#levels input[data-level=high]")
    after = page.evaluate(NODES)
    assert all(n["hidden"] for n in after if n["level"] == "high")
    assert not any(n["hidden"] for n in after if n["level"] != "high")
    assert shown_count(page) == everything - high
    page.check("#levels input[data-level=high]")
    assert not any(n["hidden"] for n in page.evaluate(NODES))
    page.check("#open-only")
    risky = [n for n in page.evaluate(NODES) if n["level"] is not None]
    assert any(n["hidden"] for n in risky) and not all(n["hidden"] for n in risky)
    page.uncheck("#open-only")
    page.uncheck("#kinds input[data-kind=Rule]")
    assert all(n["hidden"] for n in page.evaluate(NODES) if n["label"] == "Rule")
    page.uncheck("#categories input >> nth=0")
    assert shown_count(page) < everything


def test_find_a_node_read_it_and_export_the_view(page, site) -> None:
    open_map(page, f"{site}/maps/unit/{BUREAU}?{DAY}")
    wanted = "Post:C01B02S04-P01"
    name = page.evaluate(f"window.lianfangMap.nodes.get({wanted!r}).details[2][1]")
    page.fill("#search", wanted.split(":")[1])
    page.press("#search", "Enter")
    assert page.evaluate("window.lianfangMap.network.getSelectedNodes()") == [wanted]
    centre = page.evaluate(
        f"() => {{ const m = window.lianfangMap.network;"
        f" return m.canvasToDOM(m.getPositions([{wanted!r}])[{wanted!r}]); }}"
    )
    box = page.locator("#map").bounding_box()
    assert math.dist((centre["x"], centre["y"]), (box["width"] / 2, box["height"] / 2)) < 40
    assert name in page.inner_text("#details")
    node_page = page.get_attribute("#details .links a >> nth=0", "href")
    assert node_page == f"/nodes/Post/{wanted.split(':')[1]}"
    appears = page.locator("#appears a")
    assert appears.count() > 0 and appears.first.get_attribute("href").startswith("/queries/")
    with page.expect_download() as downloaded:
        page.click("#png")
    picture = Path(downloaded.value.path()).read_bytes()
    assert picture[:8] == b"\x89PNG\r\n\x1a\n" and len(picture) > 10_000


def test_the_force_layout_stays_an_option(page, site) -> None:
    open_map(page, f"{site}/maps/unit/C01B02S04?{DAY}&layout=force")
    assert page.evaluate("window.lianfangMap.data.layout") == "force"
    assert page.get_attribute("#layout-switch", "href").endswith(f"?{DAY}")
    xs = {round(n["x"]) for n in page.evaluate(NODES)}
    assert len(xs) > 10  # not columns


def finding_state(page) -> dict[str, object]:
    return page.evaluate(
        """() => { const m = window.lianfangMap;
        return {findings: m.data.findings,
                opacity: Object.fromEntries(m.nodes.get().map(n => [n.id, n.opacity])),
                edges: Object.fromEntries(m.edges.get().map(e => [e.id, e]))}; }"""
    )


def test_incompatible_duties_highlight_each_pair_and_its_conflict(page, site) -> None:
    open_map(page, f"{site}/maps/query/incompatible-duties?{DAY}")
    state = finding_state(page)
    findings = state["findings"]
    assert findings
    for finding in findings:
        labels = {node.split(":")[0] for node in finding["nodes"]}
        assert {"Person", "Post", "Power"} <= labels
        conflicts = [e for e in finding["edges"] if "|CONFLICTS_WITH|" in e]
        assert len(conflicts) == 1
        assert state["edges"][conflicts[0]]["color"]["color"].lower() == "#dc2626"
    page.click("#findings-list button[data-index='0']")
    state = finding_state(page)
    mine = set(findings[0]["nodes"])
    assert all(state["opacity"][n] == 1 for n in mine)
    assert all(state["opacity"][n] < 0.5 for n in state["opacity"] if n not in mine)
    lit = [e for e in state["edges"].values() if e["color"]["opacity"] == 1]
    assert {e["id"] for e in lit} == set(findings[0]["edges"])


def test_process_capture_highlights_the_steps_one_person_handles(page, site) -> None:
    open_map(page, f"{site}/maps/query/process-capture?{DAY}")
    findings = finding_state(page)["findings"]
    assert findings
    for finding in findings:
        steps = [n for n in finding["nodes"] if n.startswith("Step:")]
        people = [n for n in finding["nodes"] if n.startswith("Person:")]
        assert len(steps) >= 2 and len(people) == 1
        assert sum("|HANDLED_BY|" in e for e in finding["edges"]) == len(steps)


def test_the_county_opens_as_its_units_and_expands_in_place(page, site) -> None:
    response = page.goto(f"{site}/maps/unit/C01?{DAY}")
    assert len(response.body()) < 200_000  # not the county's thousands of nodes
    page.wait_for_selector("body[data-still]")
    units = page.evaluate(NODES)
    assert {n["label"] for n in units} == {"Unit"} and len(units) == 15
    page.evaluate(
        f"() => window.lianfangMap.network.emit('click', {{nodes: ['Unit:{BUREAU}'], edges: []}})"
    )
    page.click("#expand")
    page.wait_for_function("() => window.lianfangMap.data.nodes.length > 100")
    page.wait_for_selector("body[data-still]")
    assert f"Unit:{BUREAU}" in {n["id"] for n in page.evaluate(NODES)}
    assert "Post" in {n["label"] for n in page.evaluate(NODES)}
    page.click("#back")
    page.wait_for_function("() => window.lianfangMap.data.nodes.length === 15")


def test_a_large_findings_map_opens_grouped_by_unit(page, site) -> None:
    response = page.goto(f"{site}/maps/query/overdue-controls?{DAY}")
    assert len(response.body()) < 200_000
    page.wait_for_selector("body[data-still]")
    groups = page.evaluate("window.lianfangMap.data.nodes")
    assert groups and all(n["expand"].startswith("/maps/query/overdue-controls?") for n in groups)
    first = groups[0]["id"]
    page.evaluate(
        f"() => window.lianfangMap.network.emit('doubleClick', {{nodes: [{first!r}], edges: []}})"
    )
    page.wait_for_function("() => window.lianfangMap.data.findings.length > 0")
    page.wait_for_selector("body[data-still]")
    assert page.evaluate("window.lianfangMap.data.findings.length") == int(
        groups[0]["label"].split("\n")[1].split()[0]
    )
