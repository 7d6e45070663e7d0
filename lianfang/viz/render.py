"""A Subgraph as a self-contained HTML map (pyvis for the network, our own page).

pyvis assembles the vis-network nodes, edges and options; the page around them is our
template, because pyvis's own loads Bootstrap from a CDN and maps must work on an
offline intranet. vis-network's JavaScript ships inside pyvis and is inlined (or, in
the web app, served from the app itself). Register text reaches the page only as JSON
data that the script writes with textContent, never as markup.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Final

import pyvis
from jinja2 import Environment, PackageLoader, select_autoescape
from pyvis.network import Network

from lianfang.graph import model
from lianfang.queries.involvement import Involvement
from lianfang.viz.aggregate import DEFAULT_LIMIT, fit
from lianfang.viz.layout import Layout, layered
from lianfang.viz.style import (
    AGGREGATE,
    EXPOSED_RING,
    FOCUS_BORDER,
    INSIDE,
    LEVEL_COLOURS,
    LOOKS,
    TEXT,
    colours,
    legend,
)
from lianfang.viz.subgraph import Edge, Key, Subgraph

VIS_DIR = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
ASSETS_DIR = Path(__file__).parent / "assets"
LAYERED: Final = "layered"
FORCE: Final = "force"
Involved = Mapping[Key, list[Involvement]]  # which queries' findings name each node
FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
SHOWN = (
    "level",
    "category",
    "status",
    "kind",
    "role",
    "key_post",
    "leadership",
    "rotation_years",
    "major_matter",
    "discretion",
    "due",
    "assessed",
    "indicator",
    "date",
    "doc_no",
    "seq",
)


@cache
def vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS, as shipped in the pyvis package."""
    return (
        (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8"),
        (VIS_DIR / "vis-network.css").read_text(encoding="utf-8"),
    )


@cache
def map_assets() -> tuple[str, str]:
    """The map page's own script and style (served at /static/map in the web app)."""
    return (
        (ASSETS_DIR / "map.js").read_text(encoding="utf-8"),
        (ASSETS_DIR / "map.css").read_text(encoding="utf-8"),
    )


@cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("lianfang.viz", "templates"), autoescape=select_autoescape(["html"])
    )


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element (no `</script>` breakout)."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


CAPTION = 10  # characters: a label fits its column at the default zoom


def caption(props: dict[str, Any]) -> str:
    """The short label drawn on the map; the full text is in the tooltip and panel."""
    text = str(props.get("name") or props.get("title") or props.get("description") or props["uid"])
    text = " ".join(text.split())  # a register cell's line breaks would make a taller box
    short = text if len(text) <= CAPTION else text[: CAPTION - 1] + "…"
    return f"{short}\n{props['_summary']}" if props.get("_summary") else short


def _details(label: str, props: dict[str, Any]) -> list[list[str]]:
    """(field, value) lines for the tooltip and the detail panel."""
    zh = model.node(label).zh if label in model.nodes() else "汇总"
    lines = [["类型 type", f"{zh} {label}"], ["编号 id", str(props["uid"])]]
    for name in ("name", "title", "description"):
        if props.get(name):
            lines.append([name, str(props[name])])
    lines += [[name, str(props[name])] for name in SHOWN if props.get(name) not in (None, "")]
    if label == "RiskPoint" and not props.get("level"):
        lines.append(["level", "未定级 ungraded"])
    if props.get("_summary"):
        lines.append(["概况 summary", props["_summary"]])
    if props.get("_warning"):
        lines.append(["预警 warning", props["_warning"]])
    if props.get("_holders"):
        lines.append(["在岗 holders", "、".join(props["_holders"])])
    if props.get("_controls"):
        lines.append(["措施 controls", ";".join(props["_controls"])])
    if props.get("members"):
        lines.append(["包含 members", "、".join(props["members"][:30])])
    if props.get("prov_file"):
        where = (
            f"{props['prov_file']} / {props.get('prov_sheet', '')} / {props.get('prov_row', '')}"
        )
        lines.append(["来源 source", f"{props.get('source', '')}: {where}"])
    return lines


def _look(key: Key, props: dict[str, Any], graph: Subgraph, boxed: bool) -> dict[str, Any]:
    """Colour by kind (a risk by level); the layered map draws every node as a box
    holding its label, so rows can sit close and labels never hang into the next."""
    label = key[0]
    shape, colour = LOOKS.get(label, AGGREGATE)
    risky = label in ("RiskPoint", "Aggregate") and props.get("level") in LEVEL_COLOURS
    if risky:
        colour = LEVEL_COLOURS[props["level"]]
    if boxed:
        shape = "box"
    look: dict[str, Any] = {
        "shape": shape,
        "color": colours(shape, colour, risky),
        "borderWidth": 1,
    }
    if boxed:
        look["borderWidth"] = 2 if risky else 1
    elif shape not in INSIDE:
        look["size"] = 12
    if key in graph.exposed:
        look["color"]["border"] = EXPOSED_RING
        look["borderWidth"] = 5
    if key in graph.highlighted:
        look["color"]["border"] = FOCUS_BORDER if key not in graph.exposed else EXPOSED_RING
        look["borderWidth"] = max(look["borderWidth"], 2 if boxed else 3)
        if shape not in INSIDE:
            look["size"] = 16
    return look


def _filters(key: Key, props: dict[str, Any], graph: Subgraph) -> dict[str, Any]:
    """What the map's toggles ask of a risk point: its level, its categories, and
    whether it has no control in effect (a risk count: whether any member has none)."""
    label = key[0]
    if label not in ("RiskPoint", "Aggregate"):
        return {}
    categories = props.get("categories") or [str(props.get("category") or "")]
    unmitigated = key in graph.unmitigated if label == "RiskPoint" else props["unmitigated"] > 0
    return {
        "riskLevel": props.get("level") or "",
        "categories": categories,
        "unmitigated": unmitigated,
    }


# A what-if edge: not in the registers, only proposed.
PROPOSED = {"dashes": True, "color": "#dc2626", "width": 3}
CONFLICT = {"color": "#dc2626", "width": 3}  # two incompatible duties


def node_id(key: Key) -> str:
    return f"{key[0]}:{key[1]}"


def edge_id(edge: Edge) -> str:
    return f"{node_id(edge[0])}|{edge[1]}|{node_id(edge[2])}"


def _edge_look(edge: Edge, graph: Subgraph) -> dict[str, Any]:
    if edge in graph.proposed:
        return PROPOSED
    if edge[1] == "CONFLICTS_WITH":
        return CONFLICT
    return {}


def network(
    graph: Subgraph,
    layout: str = LAYERED,
    involved: Involved | None = None,
) -> tuple[Network, Layout]:
    """The pyvis network of a subgraph (ids are `Label:uid`), placed in columns unless
    the force layout is asked for."""
    placed = layered(graph) if layout == LAYERED else Layout()
    involved = involved or {}
    net = Network(height="100%", width="100%", directed=True, cdn_resources="local")
    for key, props in graph.nodes.items():
        where = placed.positions.get(key)
        net.add_node(
            node_id(key),
            label=caption(props),
            details=_details(key[0], props),
            nodeLabel=key[0],
            uid=key[1],
            **({"findings": [list(i) for i in involved[key]]} if key in involved else {}),
            **({"expand": props["_expand"]} if props.get("_expand") else {}),
            **({"x": where[0], "y": where[1]} if where else {}),
            **_filters(key, props, graph),
            **_look(key, props, graph, boxed=layout == LAYERED),
        )
    for edge in sorted(graph.edges):
        start, type_, end = edge
        net.add_edge(
            node_id(start), node_id(end), id=edge_id(edge), title=type_, **_edge_look(edge, graph)
        )
    font = {"size": 14, "face": FONT, "color": TEXT, "strokeWidth": 3, "strokeColor": "#FFFFFF"}
    net.options.nodes = {"font": font, "scaling": {"label": {"drawThreshold": 3}}}
    if layout == LAYERED:
        net.toggle_physics(False)
        net.options.edges = {"smooth": {"type": "cubicBezier", "forceDirection": "horizontal"}}
        net.options.layout = {"improvedLayout": False}
    else:
        net.barnes_hut(gravity=-4000, spring_length=110)
        net.options.layout = {"improvedLayout": len(graph.nodes) <= 100}
    return net, placed


def _findings(graph: Subgraph) -> list[dict[str, Any]]:
    return [
        {
            "title": finding.title,
            "nodes": sorted(node_id(k) for k in finding.nodes if k in graph.nodes),
            "edges": sorted(edge_id(e) for e in finding.edges if e in graph.edges),
        }
        for finding in graph.findings
    ]


def payload(
    graph: Subgraph,
    title: str,
    layout: str = LAYERED,
    involved: Involved | None = None,
) -> dict[str, Any]:
    """Everything the page's script draws, as JSON-ready data."""
    net, placed = network(graph, layout, involved)
    zh = {spec.label: spec.zh for spec in model.nodes().values()}
    return {
        "title": title,
        "layout": layout,
        "nodes": net.nodes,
        "edges": net.edges,
        "options": json.loads(net.options.to_json()),
        "notes": graph.notes,
        "headings": [
            {"x": x, "y": y, "text": f"{zh.get(label, label)} {label}"}
            for x, y, label in placed.headings
        ],
        "findings": _findings(graph),
        "categories": sorted({c for node in net.nodes for c in node.get("categories", ()) if c}),
    }


def render(
    graph: Subgraph,
    title: str,
    limit: int | None = DEFAULT_LIMIT,
    inline: bool = True,
    base_url: str | None = None,
    layout: str = LAYERED,
    involved: Involved | None = None,
) -> str:
    """The map as one HTML document; `inline` embeds the scripts, else loads them from
    /static; `base_url` turns on links to each node's page and neighbourhood. `limit`
    None draws every node (no folding)."""
    data = payload(graph if limit is None else fit(graph, limit), title, layout, involved)
    return page(data, inline=inline, base_url=base_url)


def page(data: dict[str, Any], inline: bool = True, base_url: str | None = None) -> str:
    """The HTML page around a map's data."""
    script, css = vis_assets() if inline else ("", "")
    own_script, own_css = map_assets() if inline else ("", "")
    return (
        _templates()
        .get_template("map.html")
        .render(
            title=data["title"],
            data=script_json(data),
            legend=legend(),
            vis_js=script,
            vis_css=css,
            map_js=own_script,
            map_css=own_css,
            inline=inline,
            base_url=base_url,
            node_count=len(data["nodes"]),
            categories=data["categories"],
            levels=model.node("RiskPoint").prop("level").labels or {},
            findings=len(data["findings"]),
            boxed=data["layout"] == LAYERED,
        )
    )
