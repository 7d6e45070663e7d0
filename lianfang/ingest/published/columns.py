"""The column names offices print, and what lianfang reads each as.

One table of synonyms, documented as it stands (docs/published-tables.md prints it):
a printed header is matched whole first (ignoring spaces, line breaks, width and a
trailing `*` or colon), then by the words it contains, in the order below, so that
`部门负责人` is a responsible column and not a unit column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """What a printed column is read as."""

    key: str
    zh: str
    en: str
    names: tuple[str, ...]  # printed headers matched whole
    words: tuple[str, ...] = ()  # or a header containing one of these


ROLES: tuple[Role, ...] = (
    Role("seq", "序号", "row number (not kept)", ("序号", "编号", "序", "No", "NO.")),
    Role(
        "risk_name",
        "风险名称",
        "the risk's short name",
        ("风险名称", "风险事项", "风险点名称"),
    ),
    Role(
        "control",
        "防控措施",
        "its control(s)",
        (
            "防控措施",
            "防范措施",
            "防控方法",
            "防控措施建议",
            "预防措施",
            "防控办法",
            "主要防控措施",
        ),
        ("措施",),
    ),
    Role(
        "level",
        "风险等级",
        "the level",
        ("风险等级", "等级", "预警等级", "风险级别", "级别", "风险程度", "风险定级"),
        ("等级", "级别"),
    ),
    Role(
        "category",
        "风险类别",
        "the risk category",
        ("风险类别", "风险类型", "类别", "风险分类"),
    ),
    Role(
        "power_category",
        "职权类别",
        "the power's class (kept as printed)",
        ("职权类别", "权力类别", "权力类型", "执法类别", "事项类别"),
    ),
    Role(
        "risk",
        "风险点",
        "the risk point",
        (
            "风险点",
            "廉政风险",
            "廉政风险点",
            "风险点及描述",
            "风险表现形式",
            "风险描述",
            "风险内容",
            "主要风险",
            "风险点描述",
            "廉政风险点及表现形式",
            "廉政风险主要内容及表现形式",
            "风险点及表现形式",
            "岗位廉政风险点",
            "可能存在的风险",
            "廉洁风险点",
            "风险情况描述",
        ),
        ("表现形式", "风险点", "描述", "廉政风险", "廉洁风险"),
    ),
    Role(
        "responsible",
        "责任人",
        "the posts answering for it",
        (
            "责任人",
            "责任主体",
            "防控主体",
            "负责人",
            "主管领导",
            "分管领导",
            "责任领导",
            "部门负责人",
            "科室负责人",
            "经办人",
            "防控责任人",
            "责任岗位",
            "监督责任人",
            "主体责任人",
            "分管领导人",
            "科室主要负责人",
            "主要领导",
            "直接责任人",
            "领导责任人",
        ),
        ("责任", "负责人", "领导", "经办人"),
    ),
    Role(
        "post",
        "岗位",
        "the post(s) where the risk is",
        (
            "岗位",
            "重点岗位",
            "岗位类别",
            "适用对象",
            "风险岗位",
            "岗位名称",
            "涉及岗位",
            "所在岗位",
        ),
        ("岗位",),
    ),
    Role(
        "step",
        "环节",
        "the flowchart step",
        ("环节", "风险环节", "工作环节", "流程环节", "运行环节", "权力运行环节"),
        ("环节",),
    ),
    Role(
        "power",
        "职权",
        "the power",
        (
            "职权名称",
            "职权内容",
            "权力名称",
            "事项名称",
            "权力事项",
            "风险工作",
            "职权",
            "权力",
            "职责",
            "主要职责",
            "工作事项",
            "业务事项",
            "职权事项",
        ),
        ("职权", "权力", "事项"),
    ),
    Role(
        "unit",
        "单位",
        "the unit or section",
        (
            "单位",
            "科室",
            "责任科室",
            "权力行使部门",
            "部门",
            "单位/科室",
            "处室",
            "股室",
            "责任单位",
        ),
        ("科室", "单位", "部门", "处室", "股室"),
    ),
    Role(
        "basis", "行使依据", "the power's legal basis", ("行使依据", "法律依据", "设定依据", "依据")
    ),
    Role(
        "time_limit",
        "办理时限",
        "the power's time limit",
        ("办理时限", "承诺时限", "法定时限", "时限"),
    ),
)
BY_KEY = {role.key: role for role in ROLES}


def fold(header: str) -> str:
    """A printed header as compared: no spaces or breaks, half-width, no trailing `*:`."""
    text = unicodedata.normalize("NFKC", header or "")
    text = re.sub(r"\s+", "", text)
    return text.rstrip("*:：").strip()


_WHOLE = {fold(name): role for role in ROLES for name in role.names}


def role_of(header: str) -> Role | None:
    """What a printed header is read as, or None (kept as an extra field)."""
    key = fold(header)
    if not key or len(key) > 30:
        return None
    if key in _WHOLE:
        return _WHOLE[key]
    for role in ROLES:
        if any(word in key for word in role.words):
            return role
    return None
