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
from lianfang.queries.spec import library
from lianfang.queries.wording import property_name, property_value
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
    WARNED,
    colours,
    heat,
    legend,
)
from lianfang.viz.subgraph import Edge, Key, Subgraph
from lianfang.viz.words import PAGE, Said, page_words

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


def said(value: Any, lang: str) -> str:
    """A value the map keeps in both languages, in one; anything else as it is."""
    return value(lang) if isinstance(value, Said) else str(value)


def _name(props: dict[str, Any], lang: str) -> str:
    if lang == "en" and props.get("_name_en"):
        return str(props["_name_en"])
    return str(props.get("name") or props.get("title") or props.get("description") or props["uid"])


def _short(text: str) -> str:
    text = " ".join(text.split())  # a register cell's line breaks would make a taller box
    return text if len(text) <= CAPTION else text[: CAPTION - 1] + "…"


def caption(props: dict[str, Any], lang: str = "zh") -> str:
    """The short label drawn on the map (the unit under a post whose name others share);
    the full text is in the tooltip and panel."""
    lines = [_short(_name(props, lang))]
    if props.get("_unit"):
        lines.append(_short(str(props["_unit"])))
    if props.get("_summary"):
        lines.append(said(props["_summary"], lang))
    return "\n".join(lines)


# What the panel lists beyond a node's own properties, in this order.
EXTRA: Final = {
    "_unit": Said("所在单位", "unit"),
    "_summary": Said("概况", "summary"),
    "_warning": Said("预警", "warning"),
    "_holders": Said("在岗人员", "holders"),
    "_controls": Said("防控措施", "controls"),
    "members": Said("包含", "members"),
}
_JOIN = {"_holders": "、", "_controls": "；", "members": "、"}


def _details(label: str, props: dict[str, Any], lang: str) -> list[list[str]]:
    """(field, value) lines for the tooltip and the detail panel, named as the schema
    names them in the page's language."""
    known = label in model.nodes()
    kind = (model.node(label).zh if lang == "zh" else label) if known else said(_GROUP, lang)
    lines = [[property_name(label, "label", lang), kind], [_UID(lang), str(props["uid"])]]
    for name in ("name", "title", "description", *SHOWN):
        value = props.get(name)
        if value in (None, ""):
            continue
        # a summary node (a risk count, an overview group) reads as what it sums
        as_label = label if known else _summed(name)
        lines.append(
            [property_name(as_label, name, lang), property_value(as_label, name, value, lang)]
        )
    if label == "RiskPoint" and not props.get("level"):
        lines.append([property_name(label, "level", lang), PAGE["ungraded"](lang)])
    for name, heading in EXTRA.items():
        value = props.get(name)
        if not value:
            continue
        if isinstance(value, list):
            value = _JOIN[name].join(str(v) for v in value[:30])
        lines.append([heading(lang), said(value, lang)])
    if props.get("prov_file"):
        where = " / ".join(
            str(props.get(k, "")) for k in ("prov_file", "prov_sheet", "prov_row") if props.get(k)
        )
        source = f"{props['source']}：{where}" if props.get("source") else where
        lines.append([_SOURCE(lang), source])
    return lines


def _summed(name: str) -> str:
    """The label whose property a summary node's field is: a risk count's level is a
    risk point's level, an overview group's name a unit's."""
    return "RiskPoint" if name in ("level", "category") else "Unit"


_GROUP = Said("汇总", "summary")
_UID = Said("编号", "id")
_SOURCE = Said("来源", "source")


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
    warned = props.get("_warned")
    if warned in WARNED and label in ("Post", "Unit"):
        look["color"]["border"] = WARNED[warned][0]
        look["borderWidth"] = 3
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


def _heat(graph: Subgraph) -> dict[Key, float]:
    """Where each overview group stands between the least and the most loaded (high
    risks, else findings), 0 to 1: the bureau to look at first reads first."""
    counts = {
        key: float(props["_counts"].get("high", props["_counts"].get("findings", 0)))
        for key, props in graph.nodes.items()
        if props.get("_counts")
    }
    low, top = min(counts.values(), default=0.0), max(counts.values(), default=0.0)
    if top == 0:
        return {}
    if top == low:
        return dict.fromkeys(counts, 0.5)
    return {key: (count - low) / (top - low) for key, count in counts.items()}


def _appearances(found: list[Involvement], lang: str) -> list[list[Any]]:
    """The queries whose findings name a node: id, title in the page's language, rows."""
    specs = library()
    titles = {
        i.query_id: (specs[i.query_id].title_en if lang == "en" else i.title)
        if i.query_id in specs
        else i.title
        for i in found
    }
    return [[i.query_id, titles[i.query_id], i.rows] for i in found]


def network(
    graph: Subgraph,
    layout: str = LAYERED,
    involved: Involved | None = None,
    lang: str = "zh",
) -> tuple[Network, Layout]:
    """The pyvis network of a subgraph (ids are `Label:uid`), placed in columns unless
    the force layout is asked for."""
    placed = layered(graph) if layout == LAYERED else Layout()
    involved = involved or {}
    heated = _heat(graph)
    net = Network(height="100%", width="100%", directed=True, cdn_resources="local")
    for key, props in graph.nodes.items():
        where = placed.positions.get(key)
        net.add_node(
            node_id(key),
            label=caption(props, lang),
            details=_details(key[0], props, lang),
            nodeLabel=key[0],
            uid=key[1],
            **({"findings": _appearances(involved[key], lang)} if key in involved else {}),
            **({"expand": props["_expand"]} if props.get("_expand") else {}),
            **({"x": where[0], "y": where[1]} if where else {}),
            **_filters(key, props, graph),
            **_look(key, props, graph, boxed=layout == LAYERED),
        )
        if key in heated:
            hot = net.nodes[-1]
            hot["color"] = {**hot["color"], "background": heat(heated[key])}
            hot["borderWidth"] = max(hot.get("borderWidth", 1), 1 + round(3 * heated[key]))
    for edge in sorted(graph.edges):
        start, type_, end = edge
        title = model.relation_zh(type_) if lang == "zh" else type_
        net.add_edge(
            node_id(start), node_id(end), id=edge_id(edge), title=title, **_edge_look(edge, graph)
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
    title: Said,
    layout: str = LAYERED,
    involved: Involved | None = None,
    lang: str = "zh",
) -> dict[str, Any]:
    """Everything the page's script draws, as JSON-ready data, in one language."""
    net, placed = network(graph, layout, involved, lang)
    names = {spec.label: spec.zh if lang == "zh" else spec.label for spec in model.nodes().values()}
    return {
        "title": title(lang),
        "lang": lang,
        "layout": layout,
        "nodes": net.nodes,
        "edges": net.edges,
        "options": json.loads(net.options.to_json()),
        "notes": [note(lang) for note in graph.notes],
        "headings": [
            {"x": x, "y": y, "text": names.get(label, label)} for x, y, label in placed.headings
        ],
        "findings": _findings(graph),
        "proposed": sorted(edge_id(e) for e in graph.proposed if e in graph.edges),
        "focus": sorted(node_id(k) for k in graph.highlighted if k in graph.nodes),
        "centre": node_id(graph.centre)
        if graph.centre is not None and graph.centre in graph.nodes
        else None,
        "categories": sorted({c for node in net.nodes for c in node.get("categories", ()) if c}),
    }


def render(
    graph: Subgraph,
    title: Said,
    limit: int | None = DEFAULT_LIMIT,
    inline: bool = True,
    base_url: str | None = None,
    layout: str = LAYERED,
    involved: Involved | None = None,
    lang: str = "zh",
) -> str:
    """The map as one HTML document; `inline` embeds the scripts, else loads them from
    /static; `base_url` turns on links to each node's page and neighbourhood. `limit`
    None draws every node (no folding)."""
    data = payload(graph if limit is None else fit(graph, limit), title, layout, involved, lang)
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
            lang=data["lang"],
            words=page_words(data["lang"]),
            words_json=script_json(page_words(data["lang"])),
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
            levels={
                level: zh if data["lang"] == "zh" else level
                for level, zh in (model.node("RiskPoint").prop("level").labels or {}).items()
            },
            findings=len(data["findings"]),
            boxed=data["layout"] == LAYERED,
        )
    )
