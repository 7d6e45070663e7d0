"""The review as one HTML file: print-friendly, chart inlined, nothing remote."""

from __future__ import annotations

import base64
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from api.render import cell
from reports.chart import distribution_chart
from reports.review import PROFILE_COLUMNS, Review, summary_sentence

SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低"}


@cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(["html"])
    )


def chart_png(review: Review) -> bytes:
    return distribution_chart(review.distribution, "廉政风险点分布(按类别、等级)")


def render_html(review: Review) -> str:
    chart = base64.b64encode(chart_png(review)).decode("ascii")
    return (
        _templates()
        .get_template("review.html")
        .render(
            review=review,
            summary=summary_sentence(review),
            chart=chart,
            cell=cell,
            profile_columns=PROFILE_COLUMNS,
            severity_zh=SEVERITY_ZH,
        )
    )
