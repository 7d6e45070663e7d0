"""The demo organisation: a plausible county government's registers, with planted gaps.

Scale 1 is one county (about 2,000 risk points, 2,500 controls, 300 rules and 50
flowcharts, the size the practice reports); scale N is N counties under a city, for
benchmarks. The same seed always gives the same registers: every choice comes from
one seeded random generator, and dates are measured from a fixed reference day, not
from today. Gaps of every kind in QUERIES.md are planted on purpose (see `_plant_*`
and the comments), so each canned query has something to find.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from ingest import demo_text as text

REFERENCE_DAY = dt.date(2025, 12, 31)  # "now" inside the demo
Row = dict[str, Any]
LEVEL_WEIGHTS = {"high": 2, "medium": 5, "low": 4}


@dataclass
class Registers:
    """Rows per register, keyed by register name, in REGISTERS.md's column names."""

    sheets: dict[str, list[Row]] = field(
        default_factory=lambda: {
            name: []
            for name in (
                "units",
                "posts",
                "people",
                "assignments",
                "powers",
                "conflicts",
                "processes",
                "steps",
                "rules",
                "risks",
                "controls",
                "incidents",
            )
        }
    )

    def add(self, register: str, **row: Any) -> Row:
        cleaned = {k: v for k, v in row.items() if v is not None}
        self.sheets[register].append(cleaned)
        return cleaned


@dataclass
class Bureau:
    """One bureau's ids, gathered while it is generated, for the later passes."""

    uid: str
    index: int
    domain: str
    leader: str = ""
    deputies: list[str] = field(default_factory=list)
    inspector: str = ""
    heads: dict[str, str] = field(default_factory=dict)  # section unit → head post
    staff: dict[str, list[str]] = field(default_factory=dict)  # section unit → staff posts
    finance: dict[str, str] = field(default_factory=dict)  # role → post
    powers: dict[str, list[str]] = field(default_factory=dict)  # power → posts
    power_info: dict[str, Row] = field(default_factory=dict)
    holders: dict[str, str] = field(default_factory=dict)  # post → current person


class DemoGenerator:
    def __init__(self, scale: int, seed: int) -> None:
        if scale < 1:
            raise ValueError("scale must be at least 1")
        self.scale = scale
        self.rng = random.Random(seed)
        self.out = Registers()
        self.counter: dict[str, int] = {}

    # -- small helpers -----------------------------------------------------------------
    def next_id(self, prefix: str) -> str:
        self.counter[prefix] = self.counter.get(prefix, 0) + 1
        return f"{prefix}{self.counter[prefix]:04d}"

    def day(self, start_year: int, end_year: int) -> dt.date:
        first = dt.date(start_year, 1, 1)
        last = min(dt.date(end_year, 12, 31), REFERENCE_DAY)
        return first + dt.timedelta(days=self.rng.randrange((last - first).days + 1))

    def person_name(self) -> str:
        given = self.rng.choice(text.GIVEN) + (
            self.rng.choice(text.GIVEN) if self.rng.random() < 0.6 else ""
        )
        return self.rng.choice(text.SURNAMES) + given

    # -- organisation --------------------------------------------------------------------
    def generate(self) -> dict[str, list[Row]]:
        root = None
        if self.scale > 1:
            root = self.out.add("units", unit_id="CITY", name="云州市人民政府", kind="机关")[
                "unit_id"
            ]
        for county in range(self.scale):
            self.county(county, root)
        return self.out.sheets

    def county(self, index: int, parent: str | None) -> None:
        suffix = "" if index < len(text.COUNTIES) else str(index // len(text.COUNTIES) + 1)
        name = text.COUNTIES[index % len(text.COUNTIES)] + suffix
        county_id = f"C{index + 1:02d}"
        self.out.add(
            "units", unit_id=county_id, name=f"{name}县人民政府", parent_id=parent, kind="机关"
        )
        for number, (bureau, sections, domain) in enumerate(text.BUREAUS):
            uid = f"{county_id}B{number + 1:02d}"
            self.out.add(
                "units", unit_id=uid, name=f"{name}县{bureau}", parent_id=county_id, kind="机关"
            )
            b = Bureau(uid, number, domain)
            self.leadership(b, bureau)
            for k, section in enumerate((*text.COMMON_SECTIONS, *sections)):
                self.section(b, f"{uid}S{k + 1:02d}", section)
            for k in range(self.rng.choice((0, 1, 1, 2))):
                branch = f"{self.rng.choice(text.BRANCHES)}{bureau[:2]}所"
                self.section(b, f"{uid}D{k + 1}", branch, kind="派出机构")
            self.powers(b, sections)
            self.people(b)
            processes = self.processes(b)
            self.rules(b, processes)
            risks = self.risks_and_controls(b, processes)
            self.incidents(b, risks)

    def post(self, b: Bureau, unit: str, name: str, leadership: str, key: bool) -> str:
        uid = f"{unit}-P{self.counter.setdefault(unit, 0) + 1:02d}"
        self.counter[unit] += 1
        rotation = self.rng.choice((None, None, 5, 3)) if key else None
        self.out.add(
            "posts",
            post_id=uid,
            name=name,
            unit_id=unit,
            key_post="是" if key else "否",
            leadership=leadership,
            rotation_years=rotation,
            duties=f"负责{name}相关工作",
        )
        return uid

    def leadership(self, b: Bureau, bureau: str) -> None:
        team = f"{b.uid}L"
        self.out.add(
            "units", unit_id=team, name=f"{bureau}领导班子", parent_id=b.uid, kind="领导班子"
        )
        b.leader = self.post(b, team, "局长", "主要领导", True)
        b.deputies = [
            self.post(b, team, "副局长", "分管领导", True) for _ in range(self.rng.choice((2, 3)))
        ]
        b.inspector = self.post(b, team, "纪检监察组组长", "分管领导", True)

    def section(self, b: Bureau, uid: str, name: str, kind: str = "内设机构") -> None:
        self.out.add("units", unit_id=uid, name=name, parent_id=b.uid, kind=kind)
        head = "所长" if kind == "派出机构" else ("主任" if name == "办公室" else "科长")
        b.heads[uid] = self.post(b, uid, f"{name}{head}", "部门负责人", True)
        if name == "计划财务科":
            b.finance = {role: self.post(b, uid, role, "无", True) for role in ("会计", "出纳")}
            b.staff[uid] = list(b.finance.values())
            return
        count = self.rng.choice((1, 2, 2, 3))
        b.staff[uid] = [
            self.post(
                b,
                uid,
                f"{name}{'审批员' if i == 0 else '科员'}",
                "无",
                i == 0 and self.rng.random() < 0.5,
            )
            for i in range(count)
        ]

    # -- powers ---------------------------------------------------------------------------
    def power(
        self,
        b: Bureau,
        name: str,
        category: str,
        discretion: str,
        major: bool,
        domain: str | None,
        posts: list[str],
    ) -> str:
        uid = self.next_id(f"{b.uid}-Q")
        row = self.out.add(
            "powers",
            power_id=uid,
            name=name,
            category=category,
            domain=domain,
            major_matter="是" if major else "否",
            discretion=discretion,
            basis=f"《{name.replace('审批', '')}管理办法》第{self.rng.randint(3, 30)}条",
            time_limit=f"{self.rng.choice((3, 5, 7, 10, 15, 20))}个工作日",
            posts="、".join(dict.fromkeys(posts)),
        )
        b.powers[uid] = list(dict.fromkeys(posts))
        b.power_info[uid] = row
        return uid

    def powers(self, b: Bureau, business: tuple[str, ...]) -> None:
        finance_unit = next(u for u in b.heads if u.endswith("S02"))
        by_name: dict[str, str] = {}
        for name, category, discretion, major, domain in text.UNIT_POWERS:
            if name in ("干部选拔任用", "工程建设项目立项"):
                posts = [b.leader]
            elif name in ("财务报销审核",):
                posts = [b.finance["会计"], b.heads[finance_unit]]
            elif name == "资金支付":
                posts = [b.finance["出纳"]]
            else:
                posts = [self.rng.choice(b.deputies)]
            by_name[name] = self.power(b, name, category, discretion, major, domain, posts)
        # Planted (power-concentration): in every fourth bureau the leader also holds the
        # purse strings, so one person exercises several powers with high risks.
        if b.index % 4 == 0:
            for name in ("大额经费支出审批", "固定资产处置", "财务报销审核"):
                b.powers[by_name[name]].append(b.leader)
        # Conflicts pairs: approving spending vs paying; checking claims vs paying.
        self.out.add(
            "conflicts",
            power_a=by_name["大额经费支出审批"],
            power_b=by_name["资金支付"],
            reason="审批与支付分离",
        )
        self.out.add(
            "conflicts",
            power_a=by_name["财务报销审核"],
            power_b=by_name["资金支付"],
            reason="会计与出纳分离",
        )
        # Planted (incompatible-duties, post level): one bureau in seven lets the
        # accountant post also pay.
        if b.index % 7 == 2:
            b.powers[by_name["资金支付"]].append(b.finance["会计"])
        sections = [
            u for u in b.heads if u[-3:-2] == "S" and int(u[-2:]) > len(text.COMMON_SECTIONS)
        ]
        for unit, section in zip(sections, business, strict=False):
            short = section.rstrip("科").replace("大队", "").replace("站", "")
            chosen = self.rng.sample(text.POWER_PATTERNS, self.rng.randint(3, 5))
            made = {}
            for pattern, category, discretion, major in chosen:
                posts = [
                    b.heads[unit],
                    *self.rng.sample(
                        b.staff[unit], min(len(b.staff[unit]), self.rng.randint(1, 2))
                    ),
                ]
                if major or discretion == "大":
                    posts.append(self.rng.choice(b.deputies))
                made[category] = self.power(
                    b,
                    pattern.format(s=short),
                    category,
                    discretion,
                    major,
                    b.domain if major else None,
                    posts,
                )
            if "行政许可" in made and "行政检查" in made:
                self.out.add(
                    "conflicts",
                    power_a=made["行政许可"],
                    power_b=made["行政检查"],
                    reason="审批与监管分离",
                )
        for unit in b.heads:
            if unit[-2] == "D":
                self.power(
                    b,
                    f"{self.rng.choice(('辖区日常巡查', '现场执法检查', '投诉举报处理'))}",
                    "行政检查",
                    "中",
                    False,
                    None,
                    [b.heads[unit], *b.staff[unit]],
                )

    # -- people ---------------------------------------------------------------------------
    def person(self, b: Bureau, unit: str) -> str:
        uid = self.next_id(f"{b.uid[:3]}-E")
        self.out.add(
            "people",
            person_id=uid,
            name=self.person_name(),
            rank=self.rng.choice(text.RANKS),
            unit_id=unit,
        )
        return uid

    def people(self, b: Bureau) -> None:
        posts = [
            b.leader,
            *b.deputies,
            b.inspector,
            *b.heads.values(),
            *(p for s in b.staff.values() for p in s),
        ]
        for post in posts:
            unit = post.rsplit("-", 1)[0]
            # Planted (vacant-key-posts): every fifth bureau's first section head post was
            # vacated this year and is still empty.
            vacant = b.index % 5 == 3 and post == next(iter(b.heads.values()))
            key_post = post in (b.leader, *b.deputies, b.inspector, *b.heads.values())
            if self.rng.random() < 0.5 or vacant:
                former = self.person(b, unit)
                start = self.day(2010, 2016)
                end = (
                    self.day(2019, 2025)
                    if vacant
                    else start + dt.timedelta(days=365 * self.rng.randint(3, 5))
                )
                self.out.add(
                    "assignments", person_id=former, post_id=post, start_date=start, end_date=end
                )
            if vacant:
                continue
            holder = self.person(b, unit)
            # Planted (rotation-due): about one key-post holder in eight has held it
            # for more than its term.
            long_tenure = key_post and self.rng.random() < 0.125
            start = self.day(2013, 2019) if long_tenure else self.day(2021, 2025)
            self.out.add("assignments", person_id=holder, post_id=post, start_date=start)
            b.holders[post] = holder
        # Planted (concurrent-key-posts, power-concentration, incompatible-duties):
        # a deputy also heads the finance section; in every third bureau the cashier
        # also keeps the accounts.
        finance_head = next(p for u, p in b.heads.items() if u.endswith("S02"))
        deputy_person = b.holders[b.deputies[0]]
        self.out.add(
            "assignments",
            person_id=deputy_person,
            post_id=finance_head,
            start_date=self.day(2023, 2025),
            concurrent="是",
        )
        if b.index % 3 == 1:
            self.out.add(
                "assignments",
                person_id=b.holders[b.finance["出纳"]],
                post_id=b.finance["会计"],
                start_date=self.day(2024, 2025),
                concurrent="是",
            )

    # -- flowcharts and rules -----------------------------------------------------------------
    def processes(self, b: Bureau) -> list[tuple[str, str, list[tuple[int, str, str]]]]:
        """(process id, power id, [(seq, role, post)]) for a few significant powers."""
        significant = [
            q
            for q, row in b.power_info.items()
            if row["major_matter"] == "是" or row["discretion"] == "大"
        ]
        made = []
        for number, power in enumerate(
            self.rng.sample(significant, min(len(significant), self.rng.choice((3, 4, 4))))
        ):
            uid = f"{power}-F"
            info = b.power_info[power]
            self.out.add(
                "processes",
                process_id=uid,
                name=f"{info['name']}流程",
                power_id=power,
                kind=self.rng.choice(("外部", "内部")),
            )
            exercisers = b.powers[power]
            officers = [p for p in exercisers if p not in (b.leader, *b.deputies)]
            staff = officers[-1] if officers else b.staff[f"{b.uid}S01"][0]
            flow = [("受理", staff), ("审查", staff), ("审核", exercisers[0])]
            decision = "集体决策" if info["major_matter"] == "是" else "决定"
            # Planted (major-matters-without-collective-decision): every third bureau's
            # first major process is decided by one leader alone.
            if decision == "集体决策" and number == 0 and b.index % 3 == 0:
                decision = "决定"
            flow.append(
                (decision, b.leader if decision == "集体决策" else self.rng.choice(b.deputies))
            )
            flow.append(("执行", staff))
            # Planted (unsupervised-processes): one process in five has no 监督 step.
            if self.rng.random() >= 0.2:
                flow.append(("监督", b.inspector))
            # Planted (process-capture): in every sixth bureau one person runs a whole
            # flowchart.
            if b.index % 6 == 5 and number == 0:
                flow = [(role, staff) for role, _ in flow]
            steps = []
            for seq, (role, post) in enumerate(flow, start=1):
                name = (
                    next(n for n, r in text.STEP_FLOW if r == role)
                    if role != "集体决策"
                    else "集体研究决定"
                )
                self.out.add(
                    "steps",
                    process_id=uid,
                    seq=seq,
                    name=name,
                    post_id=post,
                    role=role,
                    time_limit=f"{self.rng.randint(1, 5)}个工作日",
                )
                steps.append((seq, role, post))
            made.append((uid, power, steps))
        return made

    def rules(
        self, b: Bureau, processes: list[tuple[str, str, list[tuple[int, str, str]]]]
    ) -> None:
        powers = list(b.power_info)
        # Planted (powers-without-rules): one power in nine is governed by no current
        # rule, directly or through its flowchart; repealed rules may still name it.
        ungoverned = {p for i, p in enumerate(powers) if i % 9 == 4}
        targets = [(p, p) for p in powers] + [(f, p) for f, p, _ in processes]
        for n in range(self.rng.randint(19, 24)):
            repealed = n % 8 == 7
            pool = [t for t, power in targets if repealed or power not in ungoverned]
            governed = self.rng.sample(pool, min(len(pool), self.rng.randint(1, 3)))
            subject = b.power_info[powers[n % len(powers)]]["name"]
            title = f"{subject}{self.rng.choice(('管理办法', '实施细则', '工作规程', '操作规范'))}"
            self.out.add(
                "rules",
                rule_id=self.next_id(f"{b.uid}-R"),
                title=title,
                doc_no=f"〔{2015 + n % 10}〕{n + 1}号",
                issued=self.day(2012, 2025),
                status="废止" if repealed else "现行",
                governs="、".join(governed),
            )

    # -- risks and controls -------------------------------------------------------------------
    def level(self, discretion: str) -> str:
        weights = dict(LEVEL_WEIGHTS)
        if discretion == "大":
            weights["high"] += 2
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def risk(self, b: Bureau, **anchor: Any) -> Row:
        category = anchor.pop("category", None) or self.rng.choice(list(text.RISK_TEXTS))
        discretion = b.power_info.get(anchor.get("power_id") or "", {}).get("discretion", "中")
        level = anchor.pop("level", None) or self.level(discretion)
        roll = self.rng.random()
        # Planted (reassessment-due): some never assessed, some assessed long ago.
        assessed = (
            None if roll < 0.06 else (self.day(2017, 2021) if roll < 0.2 else self.day(2023, 2025))
        )
        return self.out.add(
            "risks",
            risk_id=self.next_id(f"{b.uid}-K"),
            description=self.rng.choice(text.RISK_TEXTS[category]),
            category=category,
            level={"high": "高", "medium": "中", "low": "低"}[level],
            likelihood=self.rng.randint(1, 5),
            impact=self.rng.randint(1, 5),
            found_by=self.rng.choice(("自己找", "群众提", "互相查", "领导点", "组织评")),
            assessed=assessed,
            **anchor,
        )

    def risks_and_controls(
        self, b: Bureau, processes: list[tuple[str, str, list[tuple[int, str, str]]]]
    ) -> list[Row]:
        risks: list[Row] = []
        exercised: dict[str, list[str]] = {}
        for power, posts in b.powers.items():
            for post in posts:
                exercised.setdefault(post, []).append(power)
        for n, (post, powers) in enumerate(exercised.items()):
            # Planted (posts-without-risks): one post in 25 was never examined.
            if n % 25 == 24:
                continue
            for _ in range(self.rng.randint(4, 8)):
                risks.append(self.risk(b, post_id=post, power_id=self.rng.choice(powers)))
        for unit in b.heads:
            for _ in range(self.rng.randint(1, 2)):
                risks.append(
                    self.risk(b, unit_id=unit, category=self.rng.choice(("制度机制", "外部环境")))
                )
        for power, info in b.power_info.items():
            if info["major_matter"] == "是":
                risks.append(
                    self.risk(
                        b, unit_id=f"{b.uid}L", power_id=power, category="三重一大", level="high"
                    )
                )
        for process, _power, steps in processes:
            for seq, _role, post in self.rng.sample(steps, 2):
                risks.append(
                    self.risk(b, step=f"{process}#{seq}", post_id=post, category="业务流程")
                )
        for n, risk in enumerate(risks):
            self.controls_for(b, risk, n)
        return risks

    def owner_for(self, b: Bureau, risk: Row, mismatch: bool) -> str:
        post = risk.get("post_id")
        unit = (post or "").rsplit("-", 1)[0]
        head = b.heads.get(unit, next(iter(b.heads.values())))
        if mismatch:
            return head
        return {"高": b.leader, "中": self.rng.choice(b.deputies), "低": head}[risk["level"]]

    def controls_for(self, b: Bureau, risk: Row, n: int) -> None:
        # Planted (risks-without-controls): one risk in 60 has no control at all.
        if n % 60 == 59:
            return
        high = risk["level"] == "高"
        count = self.rng.choice((1, 1, 2))
        for k in range(count):
            status = self.rng.choices(("已落实", "计划", "失效"), weights=(86, 9, 5))[0]
            # Planted (unmitigated-high-risks): one high risk in 15 has only a planned
            # or lapsed control.
            if high and n % 15 == 7:
                status = "计划" if k == 0 else "失效"
            due = None
            if status == "计划":
                # Planted (overdue-controls): most plans were due before the reference day.
                due = (
                    self.day(2024, 2025)
                    if self.rng.random() < 0.7
                    else REFERENCE_DAY + dt.timedelta(days=self.rng.randint(30, 400))
                )
            kind = self.rng.choice(list(text.CONTROL_TEXTS))
            # Planted (responsibility-mismatch): one high risk in ten is owned by a section head.
            mismatch = high and n % 10 == 3
            self.out.add(
                "controls",
                control_id=self.next_id(f"{b.uid}-C"),
                description=self.rng.choice(text.CONTROL_TEXTS[kind]).format(
                    x=risk["description"][:6]
                ),
                kind=kind,
                risks=risk["risk_id"],
                owner_post=self.owner_for(b, risk, mismatch),
                status=status,
                due=due,
            )

    def incidents(self, b: Bureau, risks: list[Row]) -> None:
        # Planted (level-review): incidents that point at risks graded medium or low.
        candidates = [r for r in risks if r["level"] != "高" and r.get("post_id") in b.holders]
        for _ in range(self.rng.choice((0, 1, 1)) if candidates else 0):
            risk = self.rng.choice(candidates)
            self.out.add(
                "incidents",
                incident_id=self.next_id(f"{b.uid}-X"),
                date=self.day(2024, 2025),
                kind=self.rng.choice(("信访举报", "审计发现", "巡察发现", "监督检查")),
                person_id=b.holders[risk["post_id"]],
                post_id=risk["post_id"],
                risk_id=risk["risk_id"],
                description=self.rng.choice(text.INCIDENT_TEXTS),
                disposal=self.rng.choice(("提醒", "函询", "诫勉谈话")),
            )


def generate(scale: int = 1, seed: int = 2024) -> dict[str, list[Row]]:
    """The demo registers, rows keyed by column name."""
    return DemoGenerator(scale, seed).generate()
