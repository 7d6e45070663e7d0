"""The review as one HTML file: print-friendly, its chart inline SVG, nothing remote."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from lianfang.graph import vocab
from lianfang.reports.chart import distribution_svg
from lianfang.reports.official import chinese_date
from lianfang.reports.punctuation import full_width
from lianfang.reports.reading import Reader
from lianfang.reports.review import (
    PROFILE_NOTE,
    Review,
    counted,
    overview,
    profile_table,
    summary_sentence,
)

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
            overview=overview(review, "逐项列于第四部分，并附整改建议"),
            chart=Markup(distribution_svg(review.distribution)),
            profile_note=PROFILE_NOTE,
            profile_table=profile_table(review, Reader(review.names)),
            reader=Reader(review.names),
            numbered=review.numbered,
            counted=counted,
            punct=full_width,
            signed=chinese_date(review.as_of),
            severity_zh=SEVERITY_ZH,
        )
    )
