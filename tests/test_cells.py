"""Each accepted cell form, and what is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from lianfang.ingest import cells


@pytest.mark.parametrize(
    "raw",
    [
        "2024-03-01",
        "2024/3/1",
        "2024.3.1",
        "2024年3月1日",
        " 2024 年 3 月 1 日 ",
        dt.date(2024, 3, 1),
        dt.datetime(2024, 3, 1),
        "２０２４-０３-０１",
    ],
)
def test_dates(raw: object) -> None:
    assert cells.date(raw) == dt.date(2024, 3, 1)


@pytest.mark.parametrize("raw", ["2024-02-30", "3/1/2024", "昨天", "20240301", "2024-3"])
def test_not_dates(raw: str) -> None:
    with pytest.raises(cells.CellError):
        cells.date(raw)


@pytest.mark.parametrize(
    ("raw", "level"),
    [
        ("高", "high"),
        ("一级", "high"),
        ("HIGH", "high"),
        ("h", "high"),
        ("中", "medium"),
        ("二级", "medium"),
        ("M", "medium"),
        ("低", "low"),
        ("三级", "low"),
        (" low ", "low"),
        ("Ｌ", "low"),
    ],
)
def test_levels(raw: str, level: str) -> None:
    assert cells.level(raw) == level


@pytest.mark.parametrize("raw", ["很高", "四级", "critical", "1"])
def test_not_levels(raw: str) -> None:
    with pytest.raises(cells.CellError):
        cells.level(raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("Yes", True),
        ("no", False),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0.0, False),
        ("√", True),
        (None, False),
        ("", False),
        (True, True),
    ],
)
def test_yes_no(raw: object, value: bool) -> None:
    assert cells.yes_no(raw) is value


def test_not_yes_no() -> None:
    with pytest.raises(cells.CellError):
        cells.yes_no("也许")


def test_lists_split_on_every_separator() -> None:
    raw = "P1;P2；P3,P4，P5、P6\nP7\r\nP8 ; P1"
    assert cells.id_list(raw) == [f"P{i}" for i in range(1, 9)]
    assert cells.id_list(None) == [] and cells.id_list("  ") == []


def test_text_trims_and_drops_excel_float_ids() -> None:
    assert cells.text("\u3000P1 ") == "P1"
    assert cells.text(1001.0) == "1001"
    assert cells.text("   ") is None


def test_headers_match_ignoring_case_width_spaces_and_star() -> None:
    assert cells.header_key(" Post_ID* ") == cells.header_key("post_id")
    assert cells.header_key("岗位编号＊") == cells.header_key("岗位编号")
    assert cells.header_key("ＰＯＳＴ＿ＩＤ") == "post_id"


def test_choices_match_ignoring_width() -> None:
    assert cells.choice(" 已落实 ", ["计划", "已落实", "失效"]) == "已落实"
    with pytest.raises(cells.CellError, match="计划/已落实/失效"):
        cells.choice("完成", ["计划", "已落实", "失效"])


def test_step_refs() -> None:
    assert cells.step_ref("LC01#2") == ("LC01", 2)
    assert cells.step_ref("A#B#3") == ("A#B", 3)
    for bad in ("LC01", "LC01#", "#2", "LC01#two"):
        with pytest.raises(cells.CellError):
            cells.step_ref(bad)


def test_integers_with_bounds() -> None:
    assert cells.integer("3", 1, 5) == 3 and cells.integer(4.0) == 4
    for bad in ("6", "0", "2.5", "三"):
        with pytest.raises(cells.CellError):
            cells.integer(bad, 1, 5)
