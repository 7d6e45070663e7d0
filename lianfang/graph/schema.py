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

    origin = StringProperty(required=True, index=True, label="来源")


class Holding(Sourced):
    """A person's assignment to a post (任职)."""

    start_date = DateProperty(required=True, label="任职起始日期")
    end_date = DateProperty(label="任职终止日期")
    concurrent = BooleanProperty(default=False, label="兼任")


class Conflict(Sourced):
    """Two powers one person must not both exercise (互不相容职务)."""

    reason = StringProperty(label="不相容理由")


class Entity(StructuredNode):
    """What every node carries: its register id, its source and where it was read."""

    __abstract_node__ = True
    uid = StringProperty(required=True, unique_index=True, label="编号")
    # The office's own code, as its register writes it. Offices number independently,
    # so `uid` is the code while one source holds it, and `source:code` once several do.
    code = StringProperty(index=True, label="本单位编号")
    source = StringProperty(required=True, index=True, label="来源")
    prov_file = StringProperty(label="来源文件")
    prov_sheet = StringProperty(label="来源工作表")
    prov_row = IntegerProperty(label="来源行号")


class Unit(Entity):
    """单位: an agency, section, branch or leadership team."""

    zh = "单位"
    name = StringProperty(required=True, label="单位名称")
    kind = StringProperty(label="单位类型")
    parent = RelationshipTo("Unit", "PART_OF", model=Sourced)


class Post(Entity):
    """岗位: the point where power is exercised (以岗位为点)."""

    zh = "岗位"
    name = StringProperty(required=True, label="岗位名称")
    key_post = BooleanProperty(default=False, label="关键岗位")
    leadership = StringProperty(choices=LEADERSHIP, label="领导层级")
    rotation_years = IntegerProperty(label="轮岗年限")
    duties = StringProperty(label="岗位职责")
    unit = RelationshipTo("Unit", "IN_UNIT", model=Sourced)
    exercises = RelationshipTo("Power", "EXERCISES", model=Sourced)


class Person(Entity):
    """人员: a member of staff; holds posts over time."""

    zh = "人员"
    name = StringProperty(required=True, label="姓名")
    rank = StringProperty(label="职级")
    unit = RelationshipTo("Unit", "IN_UNIT", model=Sourced)
    holds = RelationshipTo("Post", "HOLDS", model=Holding)


class Power(Entity):
    """职权: an entry of the power catalogue (职权目录)."""

    zh = "职权"
    name = StringProperty(required=True, label="职权名称")
    category = StringProperty(required=True, choices=POWER_CATEGORIES, label="职权类别")
    # The office's own class where it prints one outside the vocabulary (税收执法权):
    # kept as printed, and counted under 其他行政权力 in `category`.
    category_printed = StringProperty(label="原表所列类别")
    domain = StringProperty(label="业务领域")
    major_matter = BooleanProperty(default=False, label="三重一大事项")
    discretion = StringProperty(choices=DISCRETION, label="自由裁量空间")
    basis = StringProperty(label="法定依据")
    time_limit = StringProperty(label="办理时限")
    conflicts = RelationshipTo("Power", "CONFLICTS_WITH", model=Conflict)


class Process(Entity):
    """流程: a power-operation flowchart (以程序为线)."""

    zh = "流程"
    name = StringProperty(required=True, label="流程图名称")
    kind = StringProperty(choices=PROCESS_KINDS, label="流程类型")
    power = RelationshipTo("Power", "IMPLEMENTS", model=Sourced)
    steps = RelationshipTo("Step", "HAS_STEP", model=Sourced)


class Step(Entity):
    """流程环节: one step of a flowchart; its uid is `process_id#seq`."""

    zh = "流程环节"
    seq = IntegerProperty(required=True, label="环节序号")
    name = StringProperty(required=True, label="环节名称")
    role = StringProperty(choices=STEP_ROLES, label="环节性质")
    time_limit = StringProperty(label="办理时限")
    post = RelationshipTo("Post", "HANDLED_BY", model=Sourced)


class Rule(Entity):
    """制度: a rule or regulation (以制度为面)."""

    zh = "制度"
    title = StringProperty(required=True, label="制度名称")
    doc_no = StringProperty(label="文号")
    issued = DateProperty(label="发布日期")
    status = StringProperty(choices=RULE_STATUSES, default="现行", label="状态")
    governs_powers = RelationshipTo("Power", "GOVERNS", model=Sourced)
    governs_processes = RelationshipTo("Process", "GOVERNS", model=Sourced)


class RiskPoint(Entity):
    """廉政风险点: graded high/medium/low (or not yet graded), attached to posts, a power,
    a step or a unit."""

    zh = "风险点"
    description = StringProperty(required=True, label="风险描述")
    name = StringProperty(label="风险点简称")
    # Blank: unclassified (未分类) until classified; `unclassified-risks` lists it.
    category = StringProperty(choices=RISK_CATEGORIES, label="风险类别")
    level = StringProperty(choices=RISK_LEVELS, index=True, label="风险等级")
    indicator = StringProperty(label="风险表现")
    likelihood = IntegerProperty(label="发生可能性")
    impact = IntegerProperty(label="影响程度")
    found_by = StringProperty(choices=FOUND_BY, label="查找方式")
    assessed = DateProperty(label="评定日期")
    post = RelationshipTo("Post", "AT_POST", model=Sourced)
    power = RelationshipTo("Power", "OF_POWER", model=Sourced)
    step = RelationshipTo("Step", "AT_STEP", model=Sourced)
    unit = RelationshipTo("Unit", "IN_UNIT", model=Sourced)
    controls = RelationshipTo("Control", "MITIGATED_BY", model=Sourced)


class Control(Entity):
    """防控措施: a measure against risk points, owned by a post."""

    zh = "防控措施"
    description = StringProperty(required=True, label="措施内容")
    kind = StringProperty(choices=CONTROL_KINDS, label="措施类型")
    status = StringProperty(
        choices=CONTROL_STATUSES, default="已落实", index=True, label="落实状态"
    )
    due = DateProperty(label="完成时限")
    owner = RelationshipTo("Post", "OWNED_BY", model=Sourced)
    rule = RelationshipTo("Rule", "BASED_ON", model=Sourced)


class Incident(Entity):
    """问题登记: a violation or finding; evidence for grading risks up."""

    zh = "问题登记"
    date = DateProperty(required=True, label="发生日期")
    kind = StringProperty(choices=INCIDENT_KINDS, label="问题类型")
    description = StringProperty(label="问题描述")
    disposal = StringProperty(choices=DISPOSALS, label="处理方式")
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
    # The token this one replaced, and the labels and relationship types the change
    # between them wrote, space-separated (none said: any). A cached answer whose query
    # reads none of them holds for both states (graph.store.StateChange).
    after = StringProperty()
    touched = StringProperty()
    touching = StringProperty()  # said by a change set, taken over by its bump


# Each relationship type as a reader of Chinese names it, from the start node's side.
RELATION_ZH = {
    "PART_OF": "隶属于",
    "IN_UNIT": "所在单位",
    "EXERCISES": "行使职权",
    "HOLDS": "任职岗位",
    "CONFLICTS_WITH": "不相容职权",
    "IMPLEMENTS": "实现职权",
    "HAS_STEP": "流程环节",
    "HANDLED_BY": "办理岗位",
    "GOVERNS": "规范",
    "AT_POST": "所在岗位",
    "OF_POWER": "所涉职权",
    "AT_STEP": "所在环节",
    "MITIGATED_BY": "防控措施",
    "OWNED_BY": "责任岗位",
    "BASED_ON": "依据制度",
    "INVOLVES": "涉及人员",
    "POINTS_TO": "指向风险点",
}
# The same relationship read from its end node's side (a post's holders, a power's posts).
RELATION_ZH_INCOMING = {
    "PART_OF": "下属单位",
    "IN_UNIT": "所属",
    "EXERCISES": "行使岗位",
    "HOLDS": "任职人员",
    "CONFLICTS_WITH": "不相容职权",
    "IMPLEMENTS": "流程图",
    "HAS_STEP": "所属流程图",
    "HANDLED_BY": "办理环节",
    "GOVERNS": "相关制度",
    "AT_POST": "风险点或问题",
    "OF_POWER": "风险点",
    "AT_STEP": "风险点",
    "MITIGATED_BY": "针对风险点",
    "OWNED_BY": "负责措施",
    "BASED_ON": "依据该制度的措施",
    "INVOLVES": "相关问题",
    "POINTS_TO": "相关问题",
}

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
