"""The risk distribution chart (category × level), with a CJK font so the Chinese
labels render as text, not boxes."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from graph import schema

FONT_NAMES = (
    "NotoSansCJK",
    "NotoSerifCJK",
    "SourceHanSans",
    "wqy-zenhei",
    "wqy-microhei",
    "msyh",
    "simhei",
    "simsun",
    "PingFang",
)
LEVEL_COLOURS = {"high": "#E8363D", "medium": "#FF9845", "low": "#B5D334"}


class FontMissing(RuntimeError):
    """No font with Chinese glyphs is installed."""


@cache
def cjk_font() -> Path:
    """A font file with Chinese glyphs (Debian's fonts-noto-cjk, or a common one)."""
    from matplotlib import font_manager

    for path in map(Path, sorted(font_manager.findSystemFonts())):
        known = any(name.lower() in path.name.lower() for name in FONT_NAMES)
        if known and "Bold" not in path.name:
            return path
    raise FontMissing(
        "no CJK font found for the chart: install fonts-noto-cjk "
        "(scripts/install-system-deps.sh does)"
    )


def distribution_chart(distribution: dict[str, dict[str, int]], title: str) -> bytes:
    """A stacked bar chart, PNG: risk points per category, by level."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    path = cjk_font()
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    categories = list(schema.RISK_CATEGORIES)
    figure, axes = plt.subplots(figsize=(8, 4.2), dpi=120)
    bottom = [0] * len(categories)
    for level, zh in schema.RISK_LEVELS.items():
        heights = [distribution.get(c, {}).get(level, 0) for c in categories]
        axes.bar(categories, heights, bottom=bottom, label=f"{zh}风险", color=LEVEL_COLOURS[level])
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    for index, total in enumerate(bottom):
        axes.text(index, total, str(total), ha="center", va="bottom", family=family, fontsize=9)
    axes.set_title(title, family=family)
    axes.set_ylabel("风险点数量", family=family)
    for label in axes.get_xticklabels():
        label.set_family(family)
    axes.legend(prop={"family": family})
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    plt.close(figure)
    return out.getvalue()
