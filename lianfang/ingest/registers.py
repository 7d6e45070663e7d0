"""The registers of REGISTERS.md: their names, columns and what each column becomes.

A column either fills a property of the register's node (its kind, vocabulary and
required flag then come from the schema, never restated here), names the node's own
id, or refers to other nodes and so becomes an edge, whose type the schema declares.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lianfang.graph import model


@dataclass(frozen=True)
class Column:
    """One register column.

    kind: id, text, list, bool, date, level, int, choice, ref, refs or step.
    prop: the node property it fills, if any.
    ref: labels an id in it may name (refs to GOVERNS name two).
    edge: (type, reverse): the edge it states; reverse when the referenced node is the
    edge's start (a power's `posts` column states Post-[:EXERCISES]->Power).
    """

    name: str
    zh: str
    required: bool
    kind: str
    prop: str | None = None
    ref: tuple[str, ...] = ()
    edge: tuple[str, bool] | None = None
    choices: tuple[str, ...] | None = None
    bounds: tuple[int, int] | None = None
    aliases: tuple[str, ...] = ()  # older headers still accepted

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.name

    def headers(self) -> tuple[str, ...]:
        """Every header this column is known by: Chinese, English, then older names."""
        return (self.zh, self.name, *self.aliases)


@dataclass(frozen=True)
class Register:
    """One sheet or CSV file: a node register (with `label`) or an edge register."""

    name: str
    zh: str
    required: bool
    label: str | None
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.name


_KIND_OF = {"boolean": "bool", "date": "date", "integer": "int", "string": "text"}
_BOUNDS = {("RiskPoint", "likelihood"): (1, 5), ("RiskPoint", "impact"): (1, 5)}


def _prop(label: str, name: str, zh: str) -> Column:
    """A column that fills a schema property: kind, vocabulary and required come from it."""
    spec = model.node(label).prop(name)
    kind = _KIND_OF[spec.kind]
    if spec.choices:
        kind = "level" if (label, name) == ("RiskPoint", "level") else "choice"
    return Column(
        name,
        zh,
        spec.required,
        kind,
        prop=name,
        choices=spec.choices,
        bounds=_BOUNDS.get((label, name)),
    )


def _id(name: str, zh: str) -> Column:
    return Column(name, zh, True, "id", prop="uid")


def _ref(
    name: str, zh: str, required: bool, ref: str | tuple[str, ...], edge: str, reverse: bool = False
) -> Column:
    refs = (ref,) if isinstance(ref, str) else ref
    return Column(name, zh, required, "ref", ref=refs, edge=(edge, reverse))


def _refs(
    name: str,
    zh: str,
    required: bool,
    ref: str | tuple[str, ...],
    edge: str,
    reverse: bool = False,
    aliases: tuple[str, ...] = (),
) -> Column:
    refs = (ref,) if isinstance(ref, str) else ref
    return Column(name, zh, required, "refs", ref=refs, edge=(edge, reverse), aliases=aliases)


@cache
def registers() -> tuple[Register, ...]:
    """Every register, in the order they are read (referenced before referring)."""
    return (
        Register(
            "units",
            "单位",
            True,
            "Unit",
            (
                _id("unit_id", "单位编号"),
                _prop("Unit", "name", "单位名称"),
                _ref("parent_id", "上级单位编号", False, "Unit", "PART_OF"),
                _prop("Unit", "kind", "单位类型"),
            ),
        ),
        Register(
            "posts",
            "岗位",
            True,
            "Post",
            (
                _id("post_id", "岗位编号"),
                _prop("Post", "name", "岗位名称"),
                _ref("unit_id", "所属单位编号", True, "Unit", "IN_UNIT"),
                _prop("Post", "key_post", "关键岗位"),
                _prop("Post", "leadership", "领导职务"),
                _prop("Post", "rotation_years", "轮岗年限"),
                _prop("Post", "duties", "岗位职责"),
            ),
        ),
        Register(
            "people",
            "人员",
            True,
            "Person",
            (
                _id("person_id", "人员编号"),
                _prop("Person", "name", "姓名"),
                _prop("Person", "rank", "职级"),
                _ref("unit_id", "所在单位编号", False, "Unit", "IN_UNIT"),
            ),
        ),
        Register(
            "assignments",
            "任职",
            True,
            None,
            (
                Column("person_id", "人员编号", True, "ref", ref=("Person",)),
                Column("post_id", "岗位编号", True, "ref", ref=("Post",)),
                Column("start_date", "任职日期", True, "date"),
                Column("end_date", "离任日期", False, "date"),
                Column("concurrent", "兼任", False, "bool"),
            ),
        ),
        Register(
            "powers",
            "职权",
            True,
            "Power",
            (
                _id("power_id", "职权编号"),
                _prop("Power", "name", "职权名称"),
                _prop("Power", "category", "职权类别"),
                _prop("Power", "domain", "重点领域"),
                _prop("Power", "major_matter", "三重一大"),
                _prop("Power", "discretion", "自由裁量"),
                _prop("Power", "basis", "行使依据"),
                _prop("Power", "time_limit", "办理时限"),
                _refs("posts", "行使岗位", True, "Post", "EXERCISES", reverse=True),
            ),
        ),
        Register(
            "conflicts",
            "不相容职权",
            False,
            None,
            (
                Column("power_a", "职权A", True, "ref", ref=("Power",)),
                Column("power_b", "职权B", True, "ref", ref=("Power",)),
                Column("reason", "说明", False, "text"),
            ),
        ),
        Register(
            "processes",
            "流程",
            False,
            "Process",
            (
                _id("process_id", "流程编号"),
                _prop("Process", "name", "流程名称"),
                _ref("power_id", "对应职权编号", True, "Power", "IMPLEMENTS"),
                _prop("Process", "kind", "流程类型"),
            ),
        ),
        Register(
            "steps",
            "流程环节",
            False,
            "Step",
            (
                _ref("process_id", "流程编号", True, "Process", "HAS_STEP", reverse=True),
                _prop("Step", "seq", "序号"),
                _prop("Step", "name", "环节名称"),
                _refs("post_ids", "办理岗位", True, "Post", "HANDLED_BY", aliases=("post_id",)),
                _prop("Step", "role", "环节性质"),
                _prop("Step", "time_limit", "时限"),
            ),
        ),
        Register(
            "rules",
            "制度",
            False,
            "Rule",
            (
                _id("rule_id", "制度编号"),
                _prop("Rule", "title", "制度名称"),
                _prop("Rule", "doc_no", "文号"),
                _prop("Rule", "issued", "发布日期"),
                _prop("Rule", "status", "状态"),
                _refs("governs", "规范事项", False, ("Power", "Process"), "GOVERNS"),
            ),
        ),
        Register(
            "risks",
            "风险点",
            True,
            "RiskPoint",
            (
                _id("risk_id", "风险点编号"),
                _prop("RiskPoint", "description", "风险描述"),
                _prop("RiskPoint", "category", "风险类别"),
                _prop("RiskPoint", "level", "风险等级"),
                _prop("RiskPoint", "name", "风险名称"),
                _prop("RiskPoint", "indicator", "监测指标"),
                _refs("post_ids", "所在岗位", False, "Post", "AT_POST", aliases=("post_id",)),
                _ref("power_id", "关联职权", False, "Power", "OF_POWER"),
                Column("step", "流程环节", False, "step", ref=("Step",), edge=("AT_STEP", False)),
                _ref("unit_id", "所在单位", False, "Unit", "IN_UNIT"),
                _prop("RiskPoint", "likelihood", "发生概率"),
                _prop("RiskPoint", "impact", "危害程度"),
                _prop("RiskPoint", "found_by", "查找方式"),
                _prop("RiskPoint", "assessed", "评定日期"),
            ),
        ),
        Register(
            "controls",
            "防控措施",
            True,
            "Control",
            (
                _id("control_id", "措施编号"),
                _prop("Control", "description", "措施内容"),
                _prop("Control", "kind", "措施类型"),
                _refs("risks", "针对风险点", True, "RiskPoint", "MITIGATED_BY", reverse=True),
                _refs(
                    "owner_posts", "责任岗位", False, "Post", "OWNED_BY", aliases=("owner_post",)
                ),
                _prop("Control", "status", "状态"),
                _prop("Control", "due", "完成期限"),
                _ref("rule_id", "依据制度", False, "Rule", "BASED_ON"),
            ),
        ),
        Register(
            "incidents",
            "问题登记",
            False,
            "Incident",
            (
                _id("incident_id", "编号"),
                _prop("Incident", "date", "日期"),
                _prop("Incident", "kind", "类型"),
                _ref("person_id", "人员编号", False, "Person", "INVOLVES"),
                _ref("post_id", "岗位编号", False, "Post", "AT_POST"),
                _ref("risk_id", "风险点编号", False, "RiskPoint", "POINTS_TO"),
                _prop("Incident", "description", "情况"),
                _prop("Incident", "disposal", "处置"),
            ),
        ),
    )


def register(name: str) -> Register:
    return next(r for r in registers() if r.name == name)


# Sheets a template carries for people, not data: read past without a warning.
INSTRUCTION_SHEETS = ("说明", "填表说明", "instructions", "readme")
