"""The demo's risk points, controls and incidents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lianfang.ingest.demo import text
from lianfang.ingest.demo.base import REFERENCE_DAY, Bureau, DemoBase, Flowchart, Row

LEVEL_WEIGHTS = {"high": 1, "medium": 5, "low": 5}


class RisksMixin(DemoBase):
    def level(self, discretion: str) -> str:
        weights = dict(LEVEL_WEIGHTS)
        if discretion == "大":
            weights["high"] += 4
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def risk(self, b: Bureau, **anchor: Any) -> Row:
        graded_on_purpose = "level" in anchor
        category = anchor.pop("category", None) or self.rng.choice(list(text.RISK_TEXTS))
        discretion = b.power_info.get(anchor.get("power_id") or "", {}).get("discretion", "中")
        level = anchor.pop("level", None) or self.level(discretion)
        roll = self.rng.random()
        # Planted (reassessment-due): some never assessed, some assessed long ago.
        assessed = (
            None if roll < 0.06 else (self.day(2017, 2021) if roll < 0.2 else self.day(2023, 2025))
        )
        risk_id = self.next_id(f"{b.uid}-K")
        # Planted (ungraded-risks): one risk point in 97 was listed without a grade, as
        # published tables often are.
        ungraded = self.counter[f"{b.uid}-K"] % 97 == 96 and not graded_on_purpose
        # Planted (unclassified-risks): one in 89 was listed without a category, as most
        # published tables list them.
        unclassified = self.counter[f"{b.uid}-K"] % 89 == 44
        return self.out.add(
            "risks",
            risk_id=risk_id,
            description=self.rng.choice(text.RISK_TEXTS[category]),
            category=None if unclassified else category,
            level=None if ungraded else {"high": "高", "medium": "中", "low": "低"}[level],
            likelihood=self.rng.randint(1, 5),
            impact=self.rng.randint(1, 5),
            found_by=self.rng.choice(("自己找", "群众提", "互相查", "领导点", "组织评")),
            assessed=assessed,
            **{"post_ids" if key == "post_id" else key: value for key, value in anchor.items()},
        )

    def risks_and_controls(self, b: Bureau, processes: list[Flowchart]) -> list[Row]:
        risks: list[Row] = []
        exercised: dict[str, list[str]] = {}
        for power, posts in b.powers.items():
            for post in posts:
                exercised.setdefault(post, []).append(power)
        # Planted (posts-without-risks): in every third bureau one post that exercises
        # power was never examined. No risk point covers it: none names it, one of its
        # powers, or a step it handles.
        posts = list(exercised)
        unexamined = posts[len(posts) // 2] if b.index % 3 == 2 else None
        untouched = set(exercised.get(unexamined, ())) if unexamined else set()
        for post, powers in exercised.items():
            if post == unexamined:
                continue
            for _ in range(self.rng.randint(4, 8)):
                power = self.rng.choice(powers)
                risks.append(
                    self.risk(b, post_id=post, power_id=None if power in untouched else power)
                )
        for unit in b.heads:
            for _ in range(self.rng.randint(1, 2)):
                risks.append(
                    self.risk(b, unit_id=unit, category=self.rng.choice(("制度机制", "外部环境")))
                )
        for power, info in b.power_info.items():
            if info["major_matter"] == "是" and power not in untouched:
                risks.append(
                    self.risk(
                        b, unit_id=f"{b.uid}L", power_id=power, category="三重一大", level="high"
                    )
                )
        for process, _power, steps in processes:
            for seq, _role, post in self.rng.sample(steps, 2):
                if post == unexamined:
                    continue
                risks.append(
                    self.risk(b, step=f"{process}#{seq}", post_id=post, category="业务流程")
                )
        for n, risk in enumerate(risks):
            self.controls_for(b, risk, n)
        return risks

    def owner_for(self, b: Bureau, risk: Row, mismatch: bool) -> str:
        post = risk.get("post_ids")
        unit = (post or "").rsplit("-", 1)[0]
        head = b.heads.get(unit, next(iter(b.heads.values())))
        if mismatch:
            return head
        # An ungraded risk is owned as a low one until it is graded.
        return {"高": b.leader, "中": self.rng.choice(b.deputies), "低": head}[
            risk.get("level") or "低"
        ]

    def controls_for(self, b: Bureau, risk: Row, n: int) -> None:
        # Planted (risks-without-controls): one risk in 60 has no control at all.
        if n % 60 == 59:
            return
        high = risk.get("level") == "高"
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
                owner_posts=self.owner_for(b, risk, mismatch),
                status=status,
                due=due,
                # Rule-based controls cite the rule they rest on (依据制度).
                rule_id=self.rng.choice(b.rules) if kind == "制度防控" and b.rules else None,
            )

    def incidents(self, b: Bureau, risks: list[Row]) -> None:
        # Planted (level-review): incidents that point at risks graded medium or low.
        candidates = [r for r in risks if r.get("level") != "高" and r.get("post_ids") in b.holders]
        for _ in range(self.rng.choice((0, 1, 1)) if candidates else 0):
            risk = self.rng.choice(candidates)
            self.out.add(
                "incidents",
                incident_id=self.next_id(f"{b.uid}-X"),
                date=self.day(2024, 2025),
                kind=self.rng.choice(("信访举报", "审计发现", "巡察发现", "监督检查")),
                person_id=b.holders[risk["post_ids"]],
                post_id=risk["post_ids"],
                risk_id=risk["risk_id"],
                description=self.rng.choice(text.INCIDENT_TEXTS),
                disposal=self.rng.choice(("提醒", "函询", "诫勉谈话")),
            )
