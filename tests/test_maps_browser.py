"""The maps in real headless Chromium, on the demo county: the layered layout read from
the page (columns, labels that do not overlap), the filters, finding a node, the side
panel, the PNG export, each finding highlighted, and overviews that expand in place."""

from __future__ import annotations

import math
import re
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
    page.wait_for_selector("body[data-expanded='1']")
    after = page.evaluate(NODES)
    assert {n["id"] for n in units} <= {n["id"] for n in after}  # the others stay
    assert "Post" in {n["label"] for n in after} and len(after) > 100
    assert not page.evaluate(f"window.lianfangMap.nodes.get('Unit:{BUREAU}').expand")
    assert "view=" in page.url  # the expansion is kept in the address
    page.click("#undo")
    page.wait_for_function("() => window.lianfangMap.data.nodes.length === 15")
    assert page.is_hidden("#undo")


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
    page.wait_for_selector("body[data-expanded='1']")
    said = int(re.match(r"\d+", groups[0]["label"].split("\n")[-1]).group())
    assert page.evaluate("window.lianfangMap.data.findings.length") == said
    assert page.inner_text("#findings-count") == str(said)
    # the group opens on its findings: their nodes lit, the view on them
    lit = page.evaluate(
        "() => window.lianfangMap.nodes.get().filter(n => n.opacity === 1).map(n => n.id)"
    )
    found = page.evaluate("window.lianfangMap.data.findings.flatMap(f => f.nodes)")
    assert set(found) <= set(lit)
    assert len(page.evaluate(NODES)) > len(groups)  # the other groups are still there


def _neighbours_of(page, node: str) -> None:
    page.evaluate(
        f"() => window.lianfangMap.network.emit('doubleClick', {{nodes: [{node!r}], edges: []}})"
    )


def test_a_double_click_adds_a_nodes_neighbours_to_the_map_in_place(page, site) -> None:
    open_map(page, f"{site}/maps/query/incompatible-duties?{DAY}")
    before = {n["id"] for n in page.evaluate(NODES)}
    person = next(n for n in sorted(before) if n.startswith("Person:"))
    address = page.url
    _neighbours_of(page, person)
    page.wait_for_selector("body[data-expanded='1']")
    after = page.evaluate(NODES)
    assert page.url.split("#")[0] == address  # still the same map
    assert before < {n["id"] for n in after}
    added = [n for n in after if n["id"] not in before]
    at = next(n for n in after if n["id"] == person)
    assert all(math.dist((n["x"], n["y"]), (at["x"], at["y"])) < 600 for n in added)
    assert page.evaluate("window.lianfangMap.network.getSelectedNodes()") == [person]
    # hide one, pin another: both kept in the address
    gone = added[0]["id"]
    page.evaluate(
        f"() => window.lianfangMap.network.emit('click', {{nodes: [{gone!r}], edges: []}})"
    )
    page.click("#hide")
    assert page.evaluate(f"window.lianfangMap.nodes.get({gone!r}).hidden") is True
    assert page.is_visible("#unhide")
    page.evaluate(
        f"() => window.lianfangMap.network.emit('click', {{nodes: [{person!r}], edges: []}})"
    )
    page.click("#pin")
    assert page.evaluate(f"window.lianfangMap.nodes.get({person!r}).fixed") is True
    kept = page.url
    # the link restores the view: the expansion, the hidden node, the pin, the selection
    page.goto("about:blank")
    page.goto(kept)
    page.wait_for_selector("body[data-restored]", timeout=60_000)
    again = {n["id"]: n for n in page.evaluate(NODES)}
    assert {n["id"] for n in after} <= again.keys()
    assert again[gone]["hidden"] is True
    assert page.evaluate(f"window.lianfangMap.nodes.get({person!r}).fixed") is True
    assert page.evaluate("window.lianfangMap.network.getSelectedNodes()") == [person]
    page.click("#unhide")
    assert page.evaluate(f"window.lianfangMap.nodes.get({gone!r}).hidden") is False


def test_the_path_finder_lights_a_persons_routes_to_a_power(page, site) -> None:
    open_map(page, f"{site}/maps/query/incompatible-duties?{DAY}")
    finding = page.evaluate("window.lianfangMap.data.findings[0].nodes")
    person = next(n for n in finding if n.startswith("Person:"))
    power = next(n for n in finding if n.startswith("Power:"))
    page.click("#panel-path summary")
    name = page.evaluate(f"window.lianfangMap.nodes.get({person!r}).label.split('\\n')[0]")
    page.fill("#path-from", name)
    page.dispatch_event("#path-from", "input")
    option = page.locator("#path-from-list option").first
    page.fill("#path-from", option.get_attribute("value"))
    page.fill("#path-to", power.split(":", 1)[1])
    page.click("#path-finder button[type=submit]")
    page.wait_for_selector("body[data-path='1']")
    assert "1" in page.inner_text("#path-said") or "条路径" in page.inner_text("#path-said")
    state = finding_state(page)
    assert state["opacity"][person] == 1 and state["opacity"][power] == 1
    lit = [e["id"] for e in state["edges"].values() if e["color"]["opacity"] == 1]
    assert any(e.startswith(person + "|HOLDS|") for e in lit)
    assert any(e.endswith("|" + power) for e in lit)
    assert all(e["color"]["opacity"] < 1 for e in state["edges"].values() if e["id"] not in lit)
    # any two nodes on the map: the shortest routes between them over what is drawn
    post = next(n for n in finding if n.startswith("Post:"))
    page.fill("#path-from", post.split(":", 1)[1])
    page.fill("#path-to", power.split(":", 1)[1])
    page.click("#path-finder button[type=submit]")
    page.wait_for_function(
        f"() => window.lianfangMap.edges.get().some(e => e.id.startsWith({post!r} + '|')"
        " && e.color.opacity === 1)"
    )
    assert "view=" in page.url and "%22r%22" in page.url


def test_the_map_speaks_one_language(page, site) -> None:
    open_map(page, f"{site}/maps/unit/{BUREAU}?{DAY}&lang=zh")
    shown = page.inner_text("body")
    english = re.findall(r"\b(?:Filter|Unit|Risk|Fit|Legend|Details|risk|type|id|nodes)\b", shown)
    assert not english, english
    node = page.evaluate("window.lianfangMap.data.nodes.find(n => n.nodeLabel === 'Post')")
    fields = [line[0] for line in node["details"]]
    assert all(not re.search(r"[A-Za-z_]", field) for field in fields), fields
    titles = page.evaluate("window.lianfangMap.data.edges.map(e => e.title)")
    assert titles and all(not re.search(r"[A-Z_]{3,}", t) for t in titles), titles[:5]
    assert "权力风险图" in page.title() and "power-risk" not in page.title()
    open_map(page, f"{site}/maps/unit/{BUREAU}?{DAY}&lang=en")
    shown = page.inner_text("aside")
    assert "Filter" in shown and not re.search(r"[筛选图例详情]", shown)
    assert "power-risk map" in page.title()


def test_a_record_map_in_its_page_shows_the_record_and_the_panel_below(page, site) -> None:
    page.set_viewport_size({"width": 800, "height": 900})
    open_map(page, f"{site}/maps/node/Post/C01B02S04-P01?depth=1&{DAY}")
    centre = page.evaluate(
        "() => { const m = window.lianfangMap.network; const id = 'Post:C01B02S04-P01';"
        " return m.canvasToDOM(m.getPositions([id])[id]); }"
    )
    box = page.locator("#map").bounding_box()
    assert math.dist((centre["x"], centre["y"]), (box["width"] / 2, box["height"] / 2)) < 40
    assert box["width"] > 700  # the panel goes below a narrow map, not beside it
    aside = page.locator("aside").bounding_box()
    assert aside["y"] >= box["y"] + box["height"] - 1
