"""The risk distribution chart (category × level), in each document's own medium.

A review must never fail for want of a font: the HTML gets an SVG whose text the
browser sets in its own fonts, the workbook a native Excel chart, and only the Word
document a PNG, drawn with a CJK font where the machine has one (else its table stands
in for it, with a warning).
"""

from __future__ import annotations

import io
from functools import cache
from html import escape
from pathlib import Path

from lianfang.graph import vocab
from lianfang.viz.style import LEVEL_COLOURS

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
TITLE = "廉政风险点分布（按类别、等级）"
NO_FONT = (
    "no CJK font found, so the Word review shows the distribution as a table instead of "
    "a chart; install fonts-noto-cjk (or any Chinese font) for the chart"
)

Distribution = dict[str, dict[str, int]]


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
    raise FontMissing(NO_FONT)


def has_cjk_font() -> bool:
    try:
        cjk_font()
    except FontMissing:
        return False
    return True


def _stacks(distribution: Distribution) -> tuple[list[str], dict[str, list[int]]]:
    """Categories in the vocabulary's order (then any other row, such as 未分类), and each
    level's heights over them."""
    categories = list(vocab.RISK_CATEGORIES)
    categories += [c for c in distribution if c not in categories]
    heights = {
        level: [distribution.get(c, {}).get(level, 0) for c in categories] for level in vocab.LEVELS
    }
    return categories, heights


def distribution_png(distribution: Distribution, title: str = TITLE) -> bytes:
    """A stacked bar chart as PNG; raises FontMissing where no CJK font is installed."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    path = cjk_font()
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    categories, heights = _stacks(distribution)
    figure, axes = plt.subplots(figsize=(8, 4.2), dpi=120)
    bottom = [0] * len(categories)
    for level, values in heights.items():
        label = f"{vocab.LEVEL_ZH[level]}风险"
        axes.bar(categories, values, bottom=bottom, label=label, color=LEVEL_COLOURS[level])
        bottom = [b + h for b, h in zip(bottom, values, strict=True)]
    for index, total in enumerate(bottom):
        axes.text(index, total, str(total), ha="center", va="bottom", family=family, fontsize=9)
    axes.set_title(title, family=family)
    axes.set_ylabel("风险点数量", family=family)
    for tick in axes.get_xticklabels():
        tick.set_fontfamily(family)
    axes.legend(prop={"family": family})
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    plt.close(figure)
    return out.getvalue()


def distribution_svg(distribution: Distribution, title: str = TITLE) -> str:
    """The same stacked bars as inline SVG: the browser draws the text in its own fonts."""
    categories, heights = _stacks(distribution)
    width, height, left, top, bottom_margin = 720, 340, 48, 40, 56
    plot_h = height - top - bottom_margin
    totals = [sum(column) for column in zip(*heights.values(), strict=True)]
    peak = max([*totals, 1])
    slot = (width - left - 16) / len(categories)
    parts = [
        f'<svg viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 16}" y2="{top + plot_h}" '
        'stroke="#9ca3af"/>',
    ]
    for index, category in enumerate(categories):
        x = left + index * slot + slot * 0.2
        base = top + plot_h
        for level, values in heights.items():
            bar = values[index] / peak * plot_h
            if bar:
                parts.append(
                    f'<rect x="{x:.1f}" y="{base - bar:.1f}" width="{slot * 0.6:.1f}" '
                    f'height="{bar:.1f}" fill="{LEVEL_COLOURS[level]}">'
                    f"<title>{escape(category)} {vocab.LEVEL_ZH[level]}: {values[index]}</title>"
                    "</rect>"
                )
            base -= bar
        centre = x + slot * 0.3
        parts.append(
            f'<text x="{centre:.1f}" y="{base - 4:.1f}" text-anchor="middle" '
            f'font-size="12">{totals[index]}</text>'
        )
        parts.append(
            f'<text x="{centre:.1f}" y="{top + plot_h + 18}" text-anchor="middle" '
            f'font-size="12">{escape(category)}</text>'
        )
    for offset, level in enumerate(vocab.LEVELS):
        x = left + offset * 90
        parts.append(
            f'<rect x="{x}" y="{height - 22}" width="12" height="12" '
            f'fill="{LEVEL_COLOURS[level]}"/>'
            f'<text x="{x + 16}" y="{height - 12}" font-size="12">'
            f"{vocab.LEVEL_ZH[level]}风险</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
