"""`lianfang whatif`, `path` and `card`: one change, one person's reach, one post's card."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from lianfang.cli.options import AsOf, Output, Unit, as_of_date
from lianfang.cli.support import console, fail, opened, record


def whatif_command(
    ctx: typer.Context,
    appoint: Annotated[
        list[str] | None, typer.Option("--appoint", help="PERSON@POST[:START] (repeatable).")
    ] = None,
    end: Annotated[
        list[str] | None, typer.Option("--end", help="PERSON@POST[:END] (repeatable).")
    ] = None,
    grant: Annotated[list[str] | None, typer.Option("--grant", help="POST>POWER.")] = None,
    revoke: Annotated[list[str] | None, typer.Option("--revoke", help="POST>POWER.")] = None,
    as_of: AsOf = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Simulate appointments or changes of powers: the findings they would add and close.

    They are tried on a private copy of the graph; the graph itself is never changed."""
    import json

    from lianfang.loop import whatif

    day = as_of_date(as_of)
    try:
        changes = [
            whatif.parse(kind, text)
            for kind, given in (
                ("appoint", appoint),
                ("end", end),
                ("grant", grant),
                ("revoke", revoke),
            )
            for text in given or []
        ]
    except whatif.WhatIfError as exc:
        fail(str(exc), code=2)
    with opened(ctx) as store:
        try:
            outcome = whatif.simulate(store, changes, day)
        except whatif.WhatIfError as exc:
            fail(str(exc), code=2)
        record(store, "whatif", ", ".join(c.words() for c in changes), as_of=day.isoformat())
    if fmt == "json":
        print(json.dumps(outcome, ensure_ascii=False, default=str, indent=1))
        return
    if fmt != "table":
        fail("--format must be table or json", code=2)
    moved = {q: v for q, v in outcome["queries"].items() if v["new"] or v["closed"]}
    if not moved:
        console.print("no finding would appear or close", highlight=False)
    for query_id, found in moved.items():
        console.print(
            f"[bold]{query_id}[/]: +{len(found['new'])} new, -{len(found['closed'])} closed",
            highlight=False,
        )
        for kind in ("new", "closed"):
            for row in found[kind]:
                print(f"  {'+' if kind == 'new' else '-'} {finding_words(query_id, row)}")


def finding_words(query_id: str, row: dict[str, Any]) -> str:
    from lianfang.queries.runner import find
    from lianfang.queries.spec import finding_label

    spec = find(query_id)
    return f"[{'/'.join(spec.finding_key(row))}] {finding_label(row)}"


def path_command(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="A person id.")],
    power: Annotated[str, typer.Argument(help="A power id.")],
    as_of: AsOf = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Every way a person reaches a power now, by a post or by a flowchart step.

    A post of theirs exercises the power, or handles a step of one of its flowcharts."""
    import json

    from lianfang.queries import paths

    with opened(ctx) as store:
        try:
            found = paths.paths(store, person, power, as_of_date(as_of))
        except LookupError as exc:
            fail(str(exc), code=2)
    if fmt == "json":
        print(json.dumps(found, ensure_ascii=False, default=str, indent=1))
        return
    if not found:
        console.print(f"{person} does not reach {power}", highlight=False)
    for route in found:
        print(
            f"{route['via']}: "
            + " → ".join(
                f"{n['label']} {n['uid']} {n['name'] or ''}".strip() for n in route["nodes"]
            )
        )


def card_command(
    ctx: typer.Context,
    out: Output,
    post: Annotated[str | None, typer.Argument(help="A post id.")] = None,
    unit: Unit = None,
    public: Annotated[bool, typer.Option("--public", help="Name no person.")] = False,
    as_of: AsOf = None,
) -> None:
    """Write the post risk card (岗位廉政风险防控卡) of a post, or of a unit's posts.

    One post per page, as .docx or .html."""
    from lianfang.reports import card

    if (post is None) == (unit is None):
        fail("give one post id, or --unit", code=2)
    if out.suffix.lower() not in (".docx", ".html"):
        fail("-o must end in .docx or .html", code=2)
    day = as_of_date(as_of)
    with opened(ctx) as store:
        try:
            cards = (
                card.unit_cards(store, unit, day, public)
                if unit
                else [card.build(store, post or "", day, public)]
            )
        except card.CardError as exc:
            fail(str(exc), code=2)
    if out.suffix.lower() == ".docx":
        out.write_bytes(card.write_docx(cards))
    else:
        out.write_text(card.write_html(cards), encoding="utf-8")
    console.print(f"wrote {out}: {len(cards)} card(s)", highlight=False)
