"""Maps: what they contain, how they look, how big ones stay usable, and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
from itertools import pairwise
from pathlib import Path

import pytest
from servers import cli
from web import XSS, hostile_store

from lianfang.graph import model
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.graph.store import GraphStore
from lianfang.viz.aggregate import fit
from lianfang.viz.layout import COLUMNS, layered, spaced
from lianfang.viz.overview import UnitOutline
from lianfang.viz.render import caption, render, script_json
from lianfang.viz.style import LOOKS, legend
from lianfang.viz.subgraph import Subgraph, findings_map, mark_exposed, neighbourhood, unit_map
from lianfang.viz.words import Said

TODAY = dt.date(2026, 1, 31)


@pytest.fixture
def store(data_dir: Path, tmp_path: Path) -> GraphStore:
    opened = hostile_store(data_dir, tmp_path)
    yield opened
    opened.close()


def test_every_label_has_a_look_and_a_legend_entry() -> None:
    assert set(LOOKS) == set(model.labels())
    keys = {entry.key for entry in legend()}
    assert {label for label in model.labels() if label != "RiskPoint"} <= keys
    assert {"RiskPoint:high", "RiskPoint:medium", "RiskPoint:low", "exposed"} <= keys
    assert next(e for e in legend() if e.key == "Post").zh == "岗位"


def test_unit_map_holds_posts_holders_powers_risks_controls_rules(store: GraphStore) -> None:
    graph = unit_map(store, "U1", TODAY)
    labels = {label for label, _ in graph.nodes}
    assert labels == {"Unit", "Post", "Person", "Power", "RiskPoint", "Control", "Rule"}
    assert ("Unit", "U3") in graph.nodes  # a sub-unit
    assert (("Person", "E3"), "HOLDS", ("Post", "P4")) in graph.edges
    assert ("Person", "E3") in graph.nodes and not any(  # ended assignments are not drawn
        e == (("Person", "E3"), "HOLDS", ("Post", "P3")) for e in graph.edges
    )
    mark_exposed(store, graph)
    assert graph.exposed == {("RiskPoint", "K3"), ("RiskPoint", "K5")}
    with pytest.raises(LookupError):
        unit_map(store, "U404", TODAY)


def test_neighbourhood_and_findings(store: GraphStore) -> None:
    near = neighbourhood(store, "Post", "P3", 1, TODAY)
    assert near.highlighted == {("Post", "P3")}
    assert {("Unit", "U2"), ("Power", "Q1"), ("RiskPoint", "K1")} <= set(near.nodes)
    rows = [{"risk_id": "K5", "post_id": "P5", "control_ids": ["C5"]}]
    found = findings_map(store, rows, TODAY)
    assert found.highlighted == {("RiskPoint", "K5"), ("Post", "P5"), ("Control", "C5")}
    assert {label for label, _ in found.nodes} <= {"RiskPoint", "Post", "Control"}


def test_large_maps_fold_detail_in_order(store: GraphStore) -> None:
    graph = mark_exposed(store, unit_map(store, "U1", TODAY))
    whole = len(graph.nodes)
    folded = fit(graph, limit=whole - 1)
    assert not any(label == "Person" for label, _ in folded.nodes)
    assert folded.notes and "people folded" in folded.notes[0].en
    holders = folded.nodes[("Post", "P4")]["_holders"]
    assert holders == ["张伟"]
    tiny = fit(mark_exposed(store, unit_map(store, "U1", TODAY)), limit=5)
    assert ("RiskPoint", "K3") in tiny.nodes and ("RiskPoint", "K5") in tiny.nodes  # exposed stay
    assert any(label == "Aggregate" for label, _ in tiny.nodes)
    assert "narrow the scope" in tiny.notes[-1].en


def test_rendered_map_is_offline_and_escapes_text(store: GraphStore) -> None:
    html = render(
        mark_exposed(store, unit_map(store, "U1", TODAY)), Said("地图 <b>", "map <b>"), inline=True
    )
    assert "<title>地图 &lt;b&gt;</title>" in html
    assert XSS not in html and "vis.Network" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "/static/" not in html  # everything inline


def map_data(html: str) -> dict:
    """The data a map page draws, read back from its JSON block."""
    found = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))


def test_script_json_cannot_close_the_script() -> None:
    text = script_json([{"name": "</script><script>alert(1)</script>", "x": "a&b\u2028"}])
    assert "</" not in text and "<" not in text and "&" not in text and "\u2028" not in text


def test_map_command_writes_a_self_contained_file(
    store: GraphStore, data_dir: Path, tmp_path: Path
) -> None:
    store.close()
    out = tmp_path / "unit.html"
    result = cli(data_dir, "map", "--unit", "U1", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "vis-network" in out.read_text() and out.stat().st_size > 300_000
    drawn = map_data(out.read_text())
    assert drawn["layout"] == "layered" and all("x" in node for node in drawn["nodes"])
    for args in (["--node", "Post:P3"], ["--query", "unmitigated-high-risks"]):
        assert cli(data_dir, "map", *args, "-o", str(tmp_path / "m.html")).returncode == 0
    forced = tmp_path / "force.html"
    assert (
        cli(data_dir, "map", "--unit", "U1", "--layout", "force", "-o", str(forced)).returncode == 0
    )
    drawn = map_data(forced.read_text())
    assert drawn["layout"] == "force" and not any("x" in node for node in drawn["nodes"])
    tight = tmp_path / "tight.html"
    assert cli(data_dir, "map", "--unit", "U1", "--limit", "5", "-o", str(tight)).returncode == 0
    assert any(n["nodeLabel"] == "Aggregate" for n in map_data(tight.read_text())["nodes"])
    errors = [
        (["--unit", "U1", "--node", "Post:P1"], "exactly one"),
        (["--node", "P1"], "LABEL:UID"),
        (["--unit", "U404"], "no unit"),
        (["--query", "nope"], "unknown query"),
    ]
    for args, message in errors:
        failed = cli(data_dir, "map", *args, "-o", str(tmp_path / "x.html"))
        assert failed.returncode != 0 and message in failed.stderr, (args, failed.stderr)


def test_subgraph_keys_are_label_and_uid() -> None:
    graph = Subgraph()
    assert graph.add("Post", {"uid": 7}) == ("Post", "7")


def test_spaced_keeps_order_and_gap_as_near_the_wish_as_can_be() -> None:
    assert spaced([0, 100, 200], 10) == [0, 100, 200]  # already apart: unchanged
    assert spaced([50, 50, 50], 10) == [40, 50, 60]  # crowded: spread around the wish
    placed = spaced([30, 0, 5, 100], 20)
    assert all(b - a >= 20 - 1e-9 for a, b in pairwise(placed))
    assert placed[-1] == 100


def test_the_layered_layout_puts_kinds_in_columns_and_a_units_posts_together(
    store: GraphStore,
) -> None:
    graph = mark_exposed(store, unit_map(store, "U1", TODAY))
    placed = layered(graph).positions
    assert set(placed) == set(graph.nodes)
    column = {
        label: {x for (lab, _), (x, _) in placed.items() if lab == label} for label in COLUMNS
    }
    order = ["Unit", "Person", "Post", "Power", "RiskPoint", "Control", "Rule"]
    xs = [column[label] for label in order if column[label]]
    assert len(xs) == len(order) and all(len(x) == 1 for x in xs)  # one column per kind
    lefts = [min(x) for x in xs]
    assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts)  # in the office's order
    units = {e[0]: e[2] for e in graph.edges if e[1] == "IN_UNIT" and e[0][0] == "Post"}
    posts = sorted((y, units[key]) for key, (_, y) in placed.items() if key[0] == "Post")
    runs = [unit for i, (_, unit) in enumerate(posts) if i == 0 or posts[i - 1][1] != unit]
    assert len(runs) == len(set(runs))  # each unit's posts in one run


def test_a_flowchart_is_a_row_of_steps_in_order(store: GraphStore) -> None:
    graph = neighbourhood(store, "Process", "F1", 2, TODAY)
    placed = layered(graph).positions
    steps = sorted(
        (graph.nodes[key].get("seq"), placed[key]) for key in graph.nodes if key[0] == "Step"
    )
    assert len(steps) >= 2
    assert len({y for _, (_, y) in steps}) == 1  # one row
    assert [x for _, (x, _) in steps] == sorted(x for _, (x, _) in steps)
    bottom = max(y for key, (_, y) in placed.items() if key[0] not in ("Step", "Process"))
    assert steps[0][1][1] > bottom  # beneath the columns


def test_a_unit_neighbourhood_keeps_part_of_pointing_up(store: GraphStore) -> None:
    near = neighbourhood(store, "Unit", "U1", 1, TODAY)
    part_of = {(s[1], e[1]) for s, t, e in near.edges if t == "PART_OF"}
    assert ("U3", "U1") in part_of and ("U1", "U3") not in part_of


def test_a_caption_is_one_short_line() -> None:
    assert caption({"uid": "K1", "description": "1.弄虚作假;\n2.隐瞒"}) == "1.弄虚作假; 2…"
    assert caption({"uid": "P1", "name": "科长"}) == "科长"
    assert caption({"uid": "U1", "name": "财政局", "_summary": "3岗 9险"}) == "财政局\n3岗 9险"


def test_a_unit_overview_counts_what_each_sub_units_map_draws(demo_dir: Path) -> None:
    """The county's overview is counted in the graph, not drawn: each bureau's counts
    must match its own map."""
    with EmbeddedFalkorStore(demo_dir, "lianfang") as demo:
        outline = UnitOutline(demo, "C01", TODAY, lambda unit, own: f"/{unit}?own={own}")
        assert outline.certain(300) and not outline.certain(10_000)
        drawn, title = outline.draw()
        assert title.zh.startswith("青山县人民政府")
        bureaus = [key for key in drawn.nodes if key != ("Unit", "C01")]
        assert len(bureaus) == 14
        for key in bureaus[:3]:
            graph = mark_exposed(demo, unit_map(demo, key[1], TODAY))
            posts = {k for k in graph.nodes if k[0] == "Post"}
            risks = {
                s for s, t, e in graph.edges if t in ("AT_POST", "IN_UNIT") and s[0] == "RiskPoint"
            }
            high = {r for r in risks if graph.nodes[r].get("level") == "high"}
            assert drawn.nodes[key]["_counts"] == {
                "posts": len(posts),
                "people": sum(1 for k in graph.nodes if k[0] == "Person"),
                "risks": len(risks),
                "high": len(high),
                "exposed": len(high & graph.exposed),
            }
            assert drawn.nodes[key]["_expand"] == f"/{key[1]}?own=False"


def test_a_findings_map_lists_findings_as_the_title_counts_them(demo_dir: Path) -> None:
    """Incompatible duties count pairs, however many rows name the pair's people and
    posts: the map lists each pair once, so its list agrees with "15项（共38项）"."""
    from lianfang.queries.runner import run
    from lianfang.viz.views import query_view

    with EmbeddedFalkorStore(demo_dir, "lianfang") as demo:
        result = run(demo, "incompatible-duties", {"as_of": "2026-01-31"})
        graph, title = query_view(demo, result)
    assert len(result.rows) > result.count  # rows of people and of posts for one pair
    assert len(graph.findings) == result.count
    assert f"{result.count}项" in title.zh and "(" not in title.zh
    assert all(not re.search(r"C01-E\d", f.title) for f in graph.findings)  # names, not ids


def test_shared_post_names_carry_their_unit_and_the_map_speaks_one_language(
    demo_dir: Path,
) -> None:
    from lianfang.viz.render import payload
    from lianfang.viz.views import unit_view

    with EmbeddedFalkorStore(demo_dir, "lianfang") as demo:
        graph, title = unit_view(demo, "C01B02", TODAY)
    shared = [p for k, p in graph.nodes.items() if k[0] == "Post" and p.get("_unit")]
    assert shared and all(p["_unit"] in caption(p) for p in shared)
    zh = payload(fit(graph), title, lang="zh")
    fields = {line[0] for node in zh["nodes"] for line in node["details"]}
    assert fields and not any(re.search(r"[A-Za-z]", f) for f in fields), fields
    assert not any(re.search(r"[A-Za-z]", n) for n in zh["notes"])
    en = payload(fit(graph), title, lang="en")
    fields = {line[0] for node in en["nodes"] for line in node["details"]}
    assert not any(re.search(r"[\u4e00-\u9fff]", f) for f in fields), fields
    assert en["title"].endswith("power-risk map")
