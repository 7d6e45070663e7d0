"""The demo's power catalogue, conflicts, flowcharts and rules."""

from __future__ import annotations

from lianfang.ingest.demo import text
from lianfang.ingest.demo.base import Bureau, DemoBase, Flowchart


class PowersMixin(DemoBase):
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

    def processes(self, b: Bureau) -> list[Flowchart]:
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
                    post_ids=post,
                    role=role,
                    time_limit=f"{self.rng.randint(1, 5)}个工作日",
                )
                steps.append((seq, role, post))
            made.append((uid, power, steps))
        return made

    def rules(self, b: Bureau, processes: list[Flowchart]) -> None:
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
            rule = self.out.add(
                "rules",
                rule_id=self.next_id(f"{b.uid}-R"),
                title=title,
                doc_no=f"〔{2015 + n % 10}〕{n + 1}号",
                issued=self.day(2012, 2025),
                status="废止" if repealed else "现行",
                governs="、".join(governed),
            )
            if not repealed:
                b.rules.append(rule["rule_id"])
