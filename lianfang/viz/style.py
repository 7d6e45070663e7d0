"""How each kind of node looks on a map, and the legend, taken from the schema."""

from __future__ import annotations

from dataclasses import dataclass

from lianfang.graph import model

# label → (shape, colour); every schema label must have one (tested).
LOOKS: dict[str, tuple[str, str]] = {
    "Unit": ("box", "#5B8FF9"),
    "Post": ("ellipse", "#61DDAA"),
    "Person": ("dot", "#A0A7B4"),
    "Power": ("diamond", "#F6BD16"),
    "Process": ("hexagon", "#7262FD"),
    "Step": ("dot", "#78D3F8"),
    "Rule": ("square", "#8D6E63"),
    "RiskPoint": ("dot", "#FF9845"),
    "Control": ("star", "#37A2DA"),
    "Incident": ("triangleDown", "#6D4C41"),
}
LEVEL_COLOURS = {"high": "#E8363D", "medium": "#FF9845", "low": "#B5D334"}
EXPOSED_RING = "#6A0DAD"  # a high risk with no control in effect
# A post's or unit's border says its warning level (rules in loop/rules/warnings.yaml).
WARNED = {
    "red": ("#DC2626", "红色预警", "red warning"),
    "yellow": ("#EAB308", "黄色预警", "yellow warning"),
}
FOCUS_BORDER = "#111111"
AGGREGATE = ("box", "#9E9E9E")
TEXT = "#1F2937"  # labels: dark on white, or on a light tint inside a shape
INSIDE = frozenset({"box", "ellipse", "circle", "database", "text"})  # label drawn within


def tint(colour: str, share: float = 0.8) -> str:
    """The colour mixed with white, so dark text inside a shape stays readable."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(c + (255 - c) * share) for c in (red, green, blue))
    return "#" + "".join(f"{c:02X}" for c in mixed)


def heat(share: float) -> str:
    """An overview box's fill by its share of the worst group's count: white through
    pale rose to red, so the bureau with the most high risks reads first."""
    share = min(max(share, 0.0), 1.0)
    return tint(LEVEL_COLOURS["high"], 0.92 - 0.62 * share)


def colours(shape: str, colour: str, strong: bool = False) -> dict[str, str]:
    """vis-network colours for a node: a shape holding its label gets a light fill
    (stronger for a risk level, which must read at a glance) with a border in the
    kind's colour; a mark with its label beneath is filled."""
    fill = tint(colour, 0.55 if strong else 0.8) if shape in INSIDE else colour
    return {"background": fill, "border": colour}


@dataclass(frozen=True)
class LegendEntry:
    key: str
    zh: str
    en: str
    shape: str
    colour: str
    ring: str | None = None

    def fill(self, boxed: bool) -> str:
        """The swatch's fill: as the node is drawn, a box on the layered map."""
        risky = self.key.startswith("RiskPoint:") or self.key == "exposed"
        return colours("box" if boxed else self.shape, self.colour, risky)["background"]


def legend() -> list[LegendEntry]:
    """One entry per schema label, then the risk levels and the exposed-risk ring."""
    entries = [
        LegendEntry(spec.label, spec.zh, spec.label, *LOOKS[spec.label])
        for spec in model.nodes().values()
        if spec.label != "RiskPoint"
    ]
    levels = model.node("RiskPoint").prop("level").labels or {}
    for level, zh in levels.items():
        entries.append(
            LegendEntry(
                f"RiskPoint:{level}", f"{zh}风险点", f"{level} risk", "dot", LEVEL_COLOURS[level]
            )
        )
    entries.append(
        LegendEntry(
            "exposed",
            "未受控高风险",
            "unmitigated high risk",
            "dot",
            LEVEL_COLOURS["high"],
            EXPOSED_RING,
        )
    )
    for level, (ring, zh, en) in WARNED.items():
        entries.append(LegendEntry(f"warned:{level}", zh, en, "box", "#FFFFFF", ring))
    return entries
