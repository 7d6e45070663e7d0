"""What one office's import costs in a province's graph: a one-row source and a county.

For each scale, the demo organisation is imported as source `province` (timed, the
baseline of this run), then, each as the ordinary importer runs them:
- a one-row source (one unit and one post) imported, then imported again;
- one county's workbook (scale 1, another seed, numbered from C01 as every county
  numbers its own) imported as its own source, which makes every code it shares with
  the province qualified, then re-imported unchanged.
Each line gives the wall time and its ratio to the full import of the same run, and
the number of rows written, so the cost can be read as O(rows) rather than O(graph).
Then offices in turn: N counties' workbooks (scale 1, each its own seed, all numbered
from C01), each imported as its own source into one store, against one import of the
same number of rows at scale N. Then departments in turn: the scale-20 demo cut into D
department sources (the city's and counties' own units first, then the bureaus in
groups, each row with the bureau that owns it), imported in turn into one store,
against one import of the whole; a row naming a record of a later group moves to that
group, so every reference points back to a source already imported.

    .venv/bin/python bench/carry.py [--scales 20 100] [--offices 20] [--departments 100]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.graph.store import GraphStore
from lianfang.ingest import cells, demo, writers
from lianfang.ingest.demo.base import Row
from lianfang.ingest.load import Report, load
from lianfang.ingest.registers import Column, register

Sheets = dict[str, list[Row]]
BUREAU = re.compile(r"^C\d+B\d+")
# Registers whose rows have no id of their own: the row belongs with the record it names.
OWNED_BY = {"people": "unit_id", "assignments": "post_id"}

# The required registers are there, empty but for one unit and its post.
ONE_ROW: dict[str, list[dict[str, str]]] = {
    "units": [{"unit_id": "X01", "name": "云州市审计局", "kind": "机关"}],
    "posts": [{"post_id": "X01P01", "name": "审计科科员", "unit_id": "X01"}],
    **{name: [] for name in ("people", "assignments", "powers", "risks", "controls")},
}


def timed(workbook: Path, store: GraphStore, source: str) -> tuple[float, Report]:
    started = time.perf_counter()
    report = load(workbook, store, source=source)
    return time.perf_counter() - started, report


def rows(report: Report) -> int:
    return sum(report.nodes.values()) + sum(report.edges.values())


def bench_scale(scale: int, workdir: Path) -> None:
    province = writers.write_workbook(workdir / f"p{scale}.xlsx", demo.generate(scale, 2024))
    one_row = writers.write_workbook(workdir / "one-row.xlsx", ONE_ROW)
    county = writers.write_workbook(workdir / "county.xlsx", demo.generate(1, 7))
    with EmbeddedFalkorStore(workdir / f"data{scale}", "bench") as store:
        full, report = timed(province, store, "province")
        nodes = sum(store.counts().nodes.values())
        print(f"scale {scale}: full import {full:6.1f} s ({rows(report)} rows, {nodes} nodes)")
        for label, workbook, source in (
            ("one-row source, first import", one_row, "audit"),
            ("one-row source, re-import", one_row, "audit"),
            ("one county, first import", county, "county"),
            ("one county, re-import", county, "county"),
        ):
            seconds, report = timed(workbook, store, source)
            print(
                f"  {label:<30} {seconds:6.2f} s  {seconds / full:6.3f}x the full import"
                f"  ({rows(report)} rows)"
            )


def offices_in_turn(count: int, workdir: Path) -> None:
    books = [
        writers.write_workbook(workdir / f"county{n}.xlsx", demo.generate(1, 100 + n))
        for n in range(count)
    ]
    whole = writers.write_workbook(workdir / f"whole{count}.xlsx", demo.generate(count, 2024))
    with EmbeddedFalkorStore(workdir / "offices", "bench") as store:
        times = [timed(book, store, f"county{n}")[0] for n, book in enumerate(books)]
    with EmbeddedFalkorStore(workdir / "whole", "bench") as store:
        once, _report = timed(whole, store, "province")
    total = sum(times)
    print(
        f"{count} counties in turn, each its own source: {total:6.1f} s in all "
        f"({total / once:.1f}x one import of scale {count}: {once:.1f} s); first "
        f"{times[0]:.2f} s, second {times[1]:.2f} s (qualifies the first's codes), "
        f"median {statistics.median(times):.2f} s, last {times[-1]:.2f} s"
    )


def department_of(sheet: str, row: Row) -> str:
    """The bureau a row belongs to, by the code it is filed under ('' for the city's own)."""
    value = row.get(OWNED_BY.get(sheet, ""), next(iter(row.values())))
    found = BUREAU.match(str(value))
    return found.group(0) if found else ""


def codes_named(column: Column, value: object) -> list[str]:
    """The codes a reference cell names, read as the importer reads them (a step by its
    flowchart's code)."""
    if column.kind == "step":
        step = cells.step_ref(value)
        return [step[0]] if step else []
    return cells.id_list(value)


def by_department(sheets: Sheets, count: int) -> list[Sheets]:
    """The registers cut into `count` sources, each naming only records of itself or of
    sources before it (a row naming a later group's record moves to that group)."""
    bureaus = sorted({department_of(n, r) for n, rows in sheets.items() for r in rows} - {""})
    group_of = {b: 1 + i * (count - 1) // len(bureaus) for i, b in enumerate(bureaus)}
    entries = [(n, r) for n, rows in sheets.items() for r in rows]
    groups = [group_of.get(department_of(n, r), 0) for n, r in entries]
    ids = {n: [c.name for c in register(n).columns if c.kind == "id"] for n in sheets}
    refs = {n: [c for c in register(n).columns if c.ref] for n in sheets}
    owns = {str(r[c]): i for i, (n, r) in enumerate(entries) for c in ids[n] if r.get(c)}
    names = [
        [owns[t] for c in refs[n] for t in codes_named(c, r.get(c.name)) if t in owns]
        for n, r in entries
    ]
    moved = True
    while moved:
        moved = False
        for i, named in enumerate(names):
            latest = max((groups[j] for j in named), default=0)
            if latest > groups[i]:
                groups[i], moved = latest, True
    parts: list[Sheets] = [{name: [] for name in sheets} for _ in range(count)]
    for (name, row), group in zip(entries, groups, strict=True):
        parts[group][name].append(row)
    return parts


def departments_in_turn(count: int, workdir: Path, scale: int = 20) -> None:
    sheets = demo.generate(scale, 2024)
    parts = by_department(sheets, count)
    books = [
        writers.write_workbook(workdir / f"department{n}.xlsx", part)
        for n, part in enumerate(parts)
    ]
    whole = writers.write_workbook(workdir / f"whole-departments{scale}.xlsx", sheets)
    with EmbeddedFalkorStore(workdir / "departments", "bench") as store:
        times = [timed(book, store, f"department{n}")[0] for n, book in enumerate(books)]
        in_turn = sum(store.counts().nodes.values())
    with EmbeddedFalkorStore(workdir / "whole-departments", "bench") as store:
        once, _report = timed(whole, store, "province")
        at_once = sum(store.counts().nodes.values())
    total = sum(times)
    sizes = sorted(sum(len(rows) for rows in part.values()) for part in parts)
    print(
        f"{count} department sources of scale {scale} in turn: {total:6.1f} s in all "
        f"({total / once:.2f}x one import of the same rows: {once:.1f} s); first "
        f"{times[0]:.2f} s, median {statistics.median(times):.2f} s, last {times[-1]:.2f} s, "
        f"slowest {max(times):.2f} s; {sizes[0]}-{sizes[-1]} register rows a source; "
        f"{in_turn} nodes in turn, {at_once} at once"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=int, nargs="*", default=[20, 100])
    parser.add_argument("--offices", type=int, default=20, help="counties imported in turn")
    parser.add_argument(
        "--departments", type=int, default=100, help="department sources of scale 20 in turn"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lf-carry-", dir="/tmp"))
    try:
        for scale in args.scales:
            bench_scale(scale, workdir)
        if args.offices > 1:
            offices_in_turn(args.offices, workdir)
        if args.departments > 1:
            departments_in_turn(args.departments, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
