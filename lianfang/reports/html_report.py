"""The review as one HTML file: print-friendly, its chart inline SVG, nothing remote."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from lianfang.graph import vocab
from lianfang.queries.exports import cell
from lianfang.reports.chart import distribution_svg
from lianfang.reports.review import PROFILE_COLUMNS, Review, summary_sentence

SEVERITY_ZH = vocab.LEVEL_ZH


@cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("lianfang.reports", "templates"),
        autoescape=select_autoescape(["html"]),
    )


def render_html(review: Review) -> str:
    return (
        _templates()
        .get_template("review.html")
        .render(
            review=review,
            summary=summary_sentence(review),
            chart=Markup(distribution_svg(review.distribution)),
            cell=cell,
            profile_columns=PROFILE_COLUMNS,
            severity_zh=SEVERITY_ZH,
        )
    )
