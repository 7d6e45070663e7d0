"""How the graph's records read in each language: a property's name, its value (flags
as 是/否, coded values in the reader's language) and a relationship's name, all from the
schema. The pages, the maps and the documents share them."""

from __future__ import annotations

from typing import Any

from lianfang.graph import model
from lianfang.queries.exports import cell


def property_name(label: str, name: str, lang: str) -> str:
    """A node's property as the page names it: the schema's Chinese name in Chinese."""
    if name == "label":  # the kind of record, which the store adds beside its properties
        return "类型" if lang == "zh" else name
    return model.property_zh(label, name) if lang == "zh" else name


def property_value(label: str, name: str, value: Any, lang: str) -> str:
    """A property's value as the page shows it: flags as 是/否 (yes/no) and coded
    values in the reader's language, whichever language the graph stores them in."""
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if name == "label" and lang == "zh" and value in model.nodes():
        return model.node(str(value)).zh
    try:
        words = model.node(label).prop(name).labels or {}
    except (KeyError, model.SchemaError):
        words = {}
    if isinstance(value, str) and value in words:
        stored_in_chinese = not value.isascii()
        if stored_in_chinese != (lang == "zh"):
            return words[value]
    return cell(value)


def relation_name(edge_type: str, direction: str, lang: str) -> str:
    """A relationship as the page names it, from the side of the node shown."""
    if lang != "zh":
        return edge_type
    return model.relation_zh(edge_type, incoming=direction != "out")


def with_unit(post: str | None, unit: str | None) -> str:
    """A post with its unit ("国库科科员"); a post name that already says its unit is not
    prefixed again ("国库科国库科科员" is how that reads otherwise)."""
    post = post or ""
    if not unit or post.startswith(unit):
        return post
    return f"{unit}{post}"
