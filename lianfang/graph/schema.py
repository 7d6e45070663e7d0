"""The lianfang schema, declared once.

Every other layer (store indexes, Neo4j constraints, ingest validation, API models,
the map legend) reads these classes through `graph.model`; nothing restates a label,
a property or a vocabulary. Vocabularies are `choices` dicts: stored value → the
other language's label, so one dict serves validation and display.
"""

from __future__ import annotations

from neomodel import (
    BooleanProperty,
    DateProperty,
    IntegerProperty,
    RelationshipTo,
    StringProperty,
    StructuredNode,
    StructuredRel,
)

# Vocabularies (REGISTERS.md). Keys are what the graph stores.
# Suggested unit kinds (free text: offices, schools, villages and firms all keep registers).
UNIT_KINDS = {
    "机关": "agency",
    "内设机构": "internal section",
    "派出机构": "branch office",
    "下属单位": "subordinate unit",
    "领导班子": "leadership team",
    "事业单位": "public institution",
    "企业": "enterprise",
    "学校": "school",
    "村(社区)": "village (community)",
}
LEADERSHIP = {
    "主要领导": "principal leader",
    "分管领导": "deputy in charge",
    "部门负责人": "section head",
    "无": "none",
}
POWER_CATEGORIES = {
    "行政许可": "administrative licensing",
    "行政处罚": "administrative penalty",
    "行政强制": "administrative coercion",
    "行政征收": "administrative levy",
    "行政给付": "administrative payment",
    "行政检查": "administrative inspection",
    "行政确认": "administrative confirmation",
    "行政奖励": "administrative reward",
    "行政裁决": "administrative adjudication",
    "其他行政权力": "other administrative power",
    "人事管理": "personnel management",
    "财务管理": "financial management",
    "资产管理": "asset management",
    "事务管理": "affairs management",
}
DISCRETION = {"大": "large", "中": "medium", "小": "small"}
PROCESS_KINDS = {"外部": "external", "内部": "internal"}
STEP_ROLES = {
    "受理": "intake",
    "审查": "review",
    "审核": "verification",
    "决定": "decision",
    "集体决策": "collective decision",
    "执行": "execution",
    "办结": "completion",
    "监督": "supervision",
    "公示": "public notice",
    "归档": "filing",
}
RULE_STATUSES = {"现行": "in force", "废止": "repealed"}
RISK_CATEGORIES = {
    "思想道德": "ideology and ethics",
    "岗位职责": "post duties",
    "业务流程": "business process",
    "制度机制": "rules and mechanisms",
    "外部环境": "external environment",
    "三重一大": "major matters",
}
RISK_LEVELS = {"high": "高", "medium": "中", "low": "低"}
FOUND_BY = {
    "自己找": "self-identified",
    "群众提": "raised by the public",
    "互相查": "peer review",
    "领导点": "pointed out by leaders",
    "组织评": "organisational assessment",
    "举报投诉": "report or complaint",
    "审计": "audit",
    "检查": "inspection",
    "其他": "other",
}
CONTROL_KINDS = {
    "制度防控": "rule-based",
    "教育防控": "education",
    "监督防控": "supervision",
    "预警防控": "early warning",
    "机制防控": "mechanism",
    "科技防控": "technology",
    "流程防控": "process",
}
CONTROL_STATUSES = {"计划": "planned", "已落实": "implemented", "失效": "lapsed"}
INCIDENT_KINDS = {
    "信访举报": "petition or report",
    "审计发现": "audit finding",
    "巡察发现": "inspection tour finding",
    "监督检查": "supervisory check",
    "案件查处": "case investigation",
    "其他": "other",
}
DISPOSALS = {
    "提醒": "reminder",
    "函询": "written inquiry",
    "诫勉谈话": "admonishment talk",
    "责令整改": "ordered rectification",
    "调离岗位": "removed from post",
    "立案查处": "case opened",
}


class Sourced(StructuredRel):
    """An edge remembers which import stated it, so re-importing a source replaces it.

    neomodel reserves `source` on relationships, hence `origin`. Indexed, so that
    replacing a source finds its edges without scanning everyone else's.
    """

    origin = StringProperty(required=True, index=True)


class Holding(Sourced):
    """A person's assignment to a post (任职)."""

    start_date = DateProperty(required=True)
    end_date = DateProperty()
    concurrent = BooleanProperty(default=False)


class Conflict(Sourced):
    """Two powers one person must not both exercise (互不相容职务)."""

    reason = StringProperty()


class Entity(StructuredNode):
    """What every node carries: its register id, its source and where it was read."""

    __abstract_node__ = True
    uid = StringProperty(required=True, unique_index=True)
    # The office's own code, as its register writes it. Offices number independently,
    # so `uid` is the code while one source holds it, and `source:code` once several do.
    code = StringProperty(index=True)
    source = StringProperty(required=True, index=True)
    prov_file = StringProperty()
    prov_sheet = StringProperty()
    prov_row = IntegerProperty()


class Unit(Entity):
    """单位: an agency, section, branch or leadership team."""

    zh = "单位"
    name = StringProperty(required=True)
    kind = StringProperty()
    parent = RelationshipTo("Unit", "PART_OF", model=Sourced)


class Post(Entity):
    """岗位: the point where power is exercised (以岗位为点)."""

    zh = "岗位"
    name = StringProperty(required=True)
    key_post = BooleanProperty(default=False)
    leadership = StringProperty(choices=LEADERSHIP)
    rotation_years = IntegerProperty()
    duties = StringProperty()
    unit = RelationshipTo("Unit", "IN_UNIT", model=Sourced)
    exercises = RelationshipTo("Power", "EXERCISES", model=Sourced)


class Person(Entity):
    """人员: a member of staff; holds posts over time."""

    zh = "人员"
    name = StringProperty(required=True)
    rank = StringProperty()
    unit = RelationshipTo("Unit", "IN_UNIT", model=Sourced)
    holds = RelationshipTo("Post", "HOLDS", model=Holding)


class Power(Entity):
    """职权: an entry of the power catalogue (职权目录)."""

    zh = "职权"
    name = StringProperty(required=True)
    category = StringProperty(required=True, choices=POWER_CATEGORIES)
    # The office's own class where it prints one outside the vocabulary (税收执法权):
    # kept as printed, and counted under 其他行政权力 in `category`.
    category_printed = StringProperty()
    domain = StringProperty()
    major_matter = BooleanProperty(default=False)
    discretion = StringProperty(choices=DISCRETION)
    basis = StringProperty()
    time_limit = StringProperty()
    conflicts = RelationshipTo("Power", "CONFLICTS_WITH", model=Conflict)


class Process(Entity):
    """流程: a power-operation flowchart (以程序为线)."""

    zh = "流程"
    name = StringProperty(required=True)
    kind = StringProperty(choices=PROCESS_KINDS)
    power = RelationshipTo("Power", "IMPLEMENTS", model=Sourced)
    steps = RelationshipTo("Step", "HAS_STEP", model=Sourced)


class Step(Entity):
    """流程环节: one step of a flowchart; its uid is `process_id#seq`."""

    zh = "流程环节"
    seq = IntegerProperty(required=True)
    name = StringProperty(required=True)
    role = StringProperty(choices=STEP_ROLES)
    time_limit = StringProperty()
    post = RelationshipTo("Post", "HANDLED_BY", model=Sourced)


class Rule(Entity):
    """制度: a rule or regulation (以制度为面)."""

    zh = "制度"
    title = StringProperty(required=True)
    doc_no = StringProperty()
    issued = DateProperty()
    status = StringProperty(choices=RULE_STATUSES, default="现行")
    governs_powers = RelationshipTo("Power", "GOVERNS", model=Sourced)
    governs_processes = RelationshipTo("Process", "GOVERNS", model=Sourced)


class RiskPoint(Entity):
    """廉政风险点: graded high/medium/low (or not yet graded), attached to posts, a power,
    a step or a unit."""

    zh = "风险点"
    description = StringProperty(required=True)
    name = StringProperty()
    # Blank: unclassified (未分类) until classified; `unclassified-risks` lists it.
    category = StringProperty(choices=RISK_CATEGORIES)
    level = StringProperty(choices=RISK_LEVELS, index=True)
    indicator = StringProperty()
    likelihood = IntegerProperty()
    impact = IntegerProperty()
    found_by = StringProperty(choices=FOUND_BY)
    assessed = DateProperty()
    post = RelationshipTo("Post", "AT_POST", model=Sourced)
    power = RelationshipTo("Power", "OF_POWER", model=Sourced)
    step = RelationshipTo("Step", "AT_STEP", model=Sourced)
    unit = RelationshipTo("Unit", "IN_UNIT", model=Sourced)
    controls = RelationshipTo("Control", "MITIGATED_BY", model=Sourced)


class Control(Entity):
    """防控措施: a measure against risk points, owned by a post."""

    zh = "防控措施"
    description = StringProperty(required=True)
    kind = StringProperty(choices=CONTROL_KINDS)
    status = StringProperty(choices=CONTROL_STATUSES, default="已落实", index=True)
    due = DateProperty()
    owner = RelationshipTo("Post", "OWNED_BY", model=Sourced)
    rule = RelationshipTo("Rule", "BASED_ON", model=Sourced)


class Incident(Entity):
    """问题登记: a violation or finding; evidence for grading risks up."""

    zh = "问题登记"
    date = DateProperty(required=True)
    kind = StringProperty(choices=INCIDENT_KINDS)
    description = StringProperty()
    disposal = StringProperty(choices=DISPOSALS)
    person = RelationshipTo("Person", "INVOLVES", model=Sourced)
    post = RelationshipTo("Post", "AT_POST", model=Sourced)
    risk = RelationshipTo("RiskPoint", "POINTS_TO", model=Sourced)


class Snapshot(StructuredNode):
    """A saved review: every canned query's findings on a day, kept in the graph itself
    so that a Neo4j deployment keeps them too. Not a register record."""

    uid = StringProperty(required=True, unique_index=True)  # the snapshot's name
    as_of = DateProperty(required=True)
    created = StringProperty(required=True)
    data = StringProperty(required=True)  # JSON: findings per query, and the profile
    created_by = StringProperty()  # the account that saved it; none from the command line
    units = StringProperty()  # JSON: the units of the scope it was taken in; none: everything


class GraphVersion(StructuredNode):
    """Which state the graph is in: one node whose token every applied import and every
    changing write replace, in the same query or transaction, so results cached under
    a token are never those of another state. Not a register record."""

    uid = StringProperty(required=True, unique_index=True)
    token = StringProperty(required=True)


NODE_CLASSES: tuple[type[Entity], ...] = (
    Unit,
    Post,
    Person,
    Power,
    Process,
    Step,
    Rule,
    RiskPoint,
    Control,
    Incident,
)
