"""Where each node of a map sits, drawn as offices draw their power-risk maps.

以岗位为点、以程序为线、以制度为面: columns run from the unit through its posts (with
their holders) to the powers, the risk points, the controls and the rules; a flowchart is
a row of steps beneath. Within a column nodes are ordered after their neighbours
(barycentres, swept both ways) so lines cross little, and a unit's posts stay together.
Heights then follow the neighbours too: each node sits as near the mean height of its
neighbours as the spacing of its column allows (an isotonic fit), so a post's risks lie
beside it. Computed once, on the server; the browser only draws.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from lianfang.viz.subgraph import Key, Subgraph

# label → column, left to right; Process and Step are drawn as rows below the columns.
COLUMNS: dict[str, int] = {
    "Unit": 0,
    "Person": 1,
    "Post": 2,
    "Power": 3,
    "RiskPoint": 4,
    "Aggregate": 4,
    "Control": 5,
    "Rule": 6,
    "Incident": 7,
}
FLOWCHART = ("Process", "Step")
COLUMN_GAP = 230.0  # wider than a short label (10 characters at the map's font size)
ROW_GAP = 38.0  # a box holding a line of text, and air
STEP_GAP = 150.0
SWEEPS = 3
SETTLE = 8

Position = tuple[float, float]


def _neighbours(graph: Subgraph) -> dict[Key, list[Key]]:
    near: dict[Key, list[Key]] = defaultdict(list)
    for start, _, end in graph.edges:
        if start in graph.nodes and end in graph.nodes and start != end:
            near[start].append(end)
            near[end].append(start)
    return near


def spaced(desired: list[float], gap: float) -> list[float]:
    """Heights in the given order, at least `gap` apart, as near `desired` as can be
    (least squares: pool adjacent violators on the heights less their minimum rise)."""
    blocks: list[list[float]] = []  # [sum, count]
    for index, want in enumerate(desired):
        blocks.append([want - index * gap, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    fitted = [total / count for total, count in blocks for _ in range(int(count))]
    return [value + index * gap for index, value in enumerate(fitted)]


def _unit_order(graph: Subgraph, units: list[Key]) -> list[Key]:
    """Units depth first down the PART_OF tree, each level by id."""
    children: dict[Key, list[Key]] = defaultdict(list)
    parent: dict[Key, Key] = {}
    for start, type_, end in graph.edges:
        if type_ == "PART_OF" and start in graph.nodes and end in graph.nodes:
            children[end].append(start)
            parent[start] = end
    order: list[Key] = []
    stack = sorted((u for u in units if u not in parent), reverse=True)
    while stack:
        unit = stack.pop()
        if unit in order:
            continue
        order.append(unit)
        stack.extend(sorted(children[unit], reverse=True))
    return order + sorted(set(units) - set(order))


def _home_units(graph: Subgraph, rank: dict[Key, int]) -> dict[Key, int]:
    """Each post's unit rank, so that the posts of one unit stay together."""
    home: dict[Key, int] = {}
    for start, type_, end in graph.edges:
        if type_ == "IN_UNIT" and start[0] == "Post" and end in rank:
            home[start] = rank[end]
    return home


def _barycentre(key: Key, near: dict[Key, list[Key]], where: dict[Key, float]) -> float | None:
    placed = [where[n] for n in near.get(key, ()) if n in where]
    return sum(placed) / len(placed) if placed else None


def _reorder(
    column: list[Key], near: dict[Key, list[Key]], where: dict[Key, float], home: dict[Key, int]
) -> list[Key]:
    """A column sorted by its neighbours' mean position (its own, if it has none)."""
    current = {key: index for index, key in enumerate(column)}

    def sort_key(key: Key) -> tuple[int, float, str]:
        centre = _barycentre(key, near, where)
        return (home.get(key, 0), current[key] if centre is None else centre, key[1])

    return sorted(column, key=sort_key)


def _ranks(columns: list[list[Key]]) -> dict[Key, float]:
    """Each node's position in its column, scaled so columns of any length compare."""
    where: dict[Key, float] = {}
    for column in columns:
        for index, key in enumerate(column):
            where[key] = (index + 0.5) / len(column)
    return where


def _ordered_columns(graph: Subgraph, near: dict[Key, list[Key]]) -> list[list[Key]]:
    """The non-empty columns, left to right, each in its crossing-reducing order."""
    by_column: dict[int, list[Key]] = defaultdict(list)
    for key in graph.nodes:
        if key[0] in COLUMNS:
            by_column[COLUMNS[key[0]]].append(key)
    columns = [sorted(by_column[index], key=lambda k: k[1]) for index in sorted(by_column)]
    units = [k for k in graph.nodes if k[0] == "Unit"]
    unit_rank = {unit: index for index, unit in enumerate(_unit_order(graph, units))}
    home = _home_units(graph, unit_rank)
    for column_index, column in enumerate(columns):
        if column and column[0][0] == "Unit":
            columns[column_index] = sorted(column, key=lambda k: unit_rank[k])
    for sweep in range(SWEEPS * 2):
        where = _ranks(columns)
        indices = range(len(columns)) if sweep % 2 == 0 else reversed(range(len(columns)))
        for index in indices:
            if columns[index] and columns[index][0][0] != "Unit":
                columns[index] = _reorder(columns[index], near, where, home)
                where.update(_ranks([columns[index]]))
    return columns


def _heights(
    columns: list[list[Key]], near: dict[Key, list[Key]], gaps: list[float]
) -> dict[Key, float]:
    """Heights that follow the neighbours, each column kept in order and spaced (a
    column of taller boxes further apart)."""
    y = {
        key: index * gap
        for column, gap in zip(columns, gaps, strict=True)
        for index, key in enumerate(column)
    }
    longest = max(range(len(columns)), key=lambda i: len(columns[i]), default=0)
    order = sorted(range(len(columns)), key=lambda i: abs(i - longest))
    for _ in range(SETTLE):
        for index in order:
            if index == longest and len(columns) > 1:
                continue  # the longest column is the ruler the others settle against
            column = columns[index]
            wanted = [_barycentre(key, near, y) for key in column]
            desired = [
                y[k] if want is None else want for k, want in zip(column, wanted, strict=True)
            ]
            y.update(zip(column, spaced(desired, gaps[index]), strict=True))
    top = min(y.values(), default=0.0)
    return {key: value - top for key, value in y.items()}


def _flowchart_rows(
    graph: Subgraph, near: dict[Key, list[Key]], placed: dict[Key, Position], x0: float, y0: float
) -> dict[Key, Position]:
    """Each process a row beneath the columns: the process, then its steps in order."""
    steps_of: dict[Key, list[Key]] = defaultdict(list)
    for start, type_, end in graph.edges:
        if type_ == "HAS_STEP" and start in graph.nodes and end in graph.nodes:
            steps_of[start].append(end)
    processes = [k for k in graph.nodes if k[0] == "Process"]
    loose = sorted(
        (k for k in graph.nodes if k[0] == "Step" and not any(k in s for s in steps_of.values())),
        key=lambda k: k[1],
    )
    height = {key: y for key, (_, y) in placed.items()}

    def row_key(process: Key) -> tuple[float, str]:
        centre = _barycentre(process, near, height)
        return (0.0 if centre is None else centre, process[1])

    rows: list[tuple[Key | None, list[Key]]] = [
        (p, steps_of[p]) for p in sorted(processes, key=row_key)
    ]
    if loose:
        rows.append((None, loose))
    where: dict[Key, Position] = {}
    for index, (process, steps) in enumerate(rows):
        y = y0 + index * ROW_GAP * 1.6
        if process is not None:
            where[process] = (x0, y)
        ordered = sorted(steps, key=lambda k: (_seq(graph.nodes[k]), k[1]))
        for offset, step in enumerate(ordered, start=1):
            where[step] = (x0 + offset * STEP_GAP, y)
    return where


def _lines(props: dict[str, object]) -> int:
    """How many lines a node's box holds: its name, a shared name's unit, a summary."""
    return 1 + bool(props.get("_unit")) + bool(props.get("_summary"))


def _seq(props: dict[str, object]) -> float:
    try:
        return float(str(props.get("seq")))
    except ValueError:
        return float("inf")


def _heading(label: str) -> str:
    """The label a column is named after (risk counts share the risk points' column)."""
    return next(name for name, index in COLUMNS.items() if index == COLUMNS[label])


@dataclass
class Layout:
    """Node positions, and the label heading each column (at its x)."""

    positions: dict[Key, Position] = field(default_factory=dict)
    headings: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, label


def layered(graph: Subgraph) -> Layout:
    """Every node's (x, y) on the layered map."""
    near = _neighbours(graph)
    columns = _ordered_columns(graph, near)
    gaps = [
        ROW_GAP * (1 + 0.6 * (max(map(_lines, (graph.nodes[k] for k in c))) - 1)) for c in columns
    ]
    heights = _heights(columns, near, gaps)
    drawn = Layout()
    flow_x = 0.0
    for index, column in enumerate(columns):
        x = index * COLUMN_GAP
        drawn.headings.append((x, -ROW_GAP, _heading(column[0][0])))
        drawn.positions.update((key, (x, heights[key])) for key in column)
        if column[0][0] == "Post":
            flow_x = x + COLUMN_GAP  # under the powers, or where they would be
        elif column[0][0] == "Power":
            flow_x = x
    bottom = max((y for _, y in drawn.positions.values()), default=-ROW_GAP)
    rows = _flowchart_rows(graph, near, drawn.positions, flow_x, bottom + ROW_GAP * 2)
    if rows:
        drawn.headings.append((flow_x, bottom + ROW_GAP, "Process"))
    drawn.positions.update(rows)
    return drawn
