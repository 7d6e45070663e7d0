"""The workbench's HTML: its templates, and a page rendered with what every page shows."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from lianfang.api import scoping
from lianfang.api.auth import Principal
from lianfang.api.i18n import language, translator
from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.queries.exports import cell
from lianfang.queries.headings import parameter_name, shown
from lianfang.queries.wording import property_name, property_value, relation_name


@cache
def templates() -> Jinja2Templates:
    env = Environment(
        loader=PackageLoader("lianfang.api", "templates"), autoescape=select_autoescape()
    )
    return Jinja2Templates(env=env)


def show(
    request: Request, store: GraphStore, name: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """Render a page with the header figures (within the user's scope), the user's
    language, who is logged in, and the CSRF token the page's forms send."""
    who: Principal = request.state.principal
    lang = language(request)
    response = templates().TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "t": translator(lang),
            "figures": scoping.figures(store, who)["headline"],
            "who": who,
            "cell": cell,
            "shown": lambda column, value: shown(column, value, lang),
            "param_name": lambda name: parameter_name(name, lang),
            "prop_name": lambda label, name: property_name(label, name, lang),
            "prop_value": lambda label, name, value: property_value(label, name, value, lang),
            "relation": lambda edge_type, direction: relation_name(edge_type, direction, lang),
            "model": model,
            **context,
        },
        status_code=status,
    )
    if "lang" in request.query_params:
        response.set_cookie("lang", lang, samesite="lax")
    return response
