"""The demo's units, posts and people, with appointment histories."""

from __future__ import annotations

import datetime as dt

from lianfang.ingest.demo import text
from lianfang.ingest.demo.base import Bureau, DemoBase


class OrgMixin(DemoBase):
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
