"""A Subgraph as a self-contained HTML map (pyvis for the network, our own page).

pyvis assembles the vis-network nodes, edges and options; the page around them is our
template, because pyvis's own loads Bootstrap from a CDN and maps must work on an
offline intranet. vis-network's JavaScript ships inside pyvis and is inlined (or, in
the web app, served from the app itself). Register text reaches the page only as JSON
data that the script writes with textContent, never as markup.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pyvis
from jinja2 import Environment, PackageLoader, select_autoescape
from pyvis.network import Network

from lianfang.graph import model
from lianfang.viz.aggregate import DEFAULT_LIMIT, fit
from lianfang.viz.style import AGGREGATE, EXPOSED_RING, FOCUS_BORDER, LEVEL_COLOURS, LOOKS, legend
from lianfang.viz.subgraph import Key, Subgraph

VIS_DIR = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
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


def _caption(props: dict[str, Any]) -> str:
    text = str(props.get("name") or props.get("title") or props.get("description") or props["uid"])
    return text if len(text) <= 14 else text[:13] + "…"


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


def _look(key: Key, props: dict[str, Any], graph: Subgraph) -> dict[str, Any]:
    label = key[0]
    shape, colour = LOOKS.get(label, AGGREGATE)
    if label in ("RiskPoint", "Aggregate") and props.get("level") in LEVEL_COLOURS:
        colour = LEVEL_COLOURS[props["level"]]
    look: dict[str, Any] = {"shape": shape, "color": {"background": colour, "border": colour}}
    look["borderWidth"] = 1
    if key in graph.exposed:
        look["color"]["border"] = EXPOSED_RING
        look["borderWidth"] = 6
    if key in graph.highlighted:
        look["color"]["border"] = FOCUS_BORDER if key not in graph.exposed else EXPOSED_RING
        look["borderWidth"] = max(look["borderWidth"], 3)
        look["size"] = 22
    return look


# A what-if edge: not in the registers, only proposed.
PROPOSED = {"dashes": True, "color": "#dc2626", "width": 3}


def network(graph: Subgraph) -> Network:
    """The pyvis network of a subgraph (ids are `Label:uid`)."""
    net = Network(height="100%", width="100%", directed=True, cdn_resources="local")
    for key, props in graph.nodes.items():
        net.add_node(
            f"{key[0]}:{key[1]}",
            label=_caption(props),
            details=_details(key[0], props),
            nodeLabel=key[0],
            uid=key[1],
            **_look(key, props, graph),
        )
    for start, type_, end in sorted(graph.edges):
        look = PROPOSED if (start, type_, end) in graph.proposed else {}
        net.add_edge(f"{start[0]}:{start[1]}", f"{end[0]}:{end[1]}", title=type_, label="", **look)
    net.barnes_hut(gravity=-4000, spring_length=110)
    net.options.layout = {"improvedLayout": len(graph.nodes) <= 100}
    net.options.nodes = {
        "font": {"size": 16, "face": "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"},
        "scaling": {"label": {"drawThreshold": 3}},
    }
    return net


def render(
    graph: Subgraph,
    title: str,
    limit: int = DEFAULT_LIMIT,
    inline: bool = True,
    base_url: str | None = None,
) -> str:
    """The map as one HTML document; `inline` embeds vis-network, else loads it from
    /static; `base_url` turns on links to each node's neighbourhood."""
    net = network(fit(graph, limit))
    script, css = vis_assets() if inline else ("", "")
    return (
        _templates()
        .get_template("map.html")
        .render(
            title=title,
            nodes=script_json(net.nodes),
            edges=script_json(net.edges),
            options=script_json(json.loads(net.options.to_json())),
            legend=legend(),
            notes=graph.notes,
            vis_js=script,
            vis_css=css,
            inline=inline,
            base_url=base_url,
            node_count=len(net.nodes),
        )
    )
