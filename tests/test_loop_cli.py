"""The loop as an analyst runs it from the command line: warnings and scores on the demo
county, a notice, and a rectification followed to verification across a re-import."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from docx import Document
from registers_data import SHEETS, write_workbook
from servers import cli


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_warnings_scores_and_a_notice_on_the_demo(demo_dir: Path, tmp_path: Path) -> None:
    warned = cli(demo_dir, "warnings", "--as-of", "2025-12-31", "-f", "csv")
    assert warned.returncode == 0, warned.stderr
    posts = rows(warned.stdout)
    assert {p["level"] for p in posts} == {"red", "yellow", "green"}
    assert all(p["reasons"] for p in posts if p["level"] != "green")
    assert all(p["disposition"] == "诫勉谈话/责令整改" for p in posts if p["level"] == "red")
    found = json.loads(
        cli(
            demo_dir, "query", "unmitigated-high-risks", "--as-of", "2025-12-31", "-f", "json"
        ).stdout
    )
    named = {p for row in found for p in row["post_ids"]}
    level = {p["post_id"]: p["level"] for p in posts}
    assert named and all(level[p] == "red" for p in named)
    scored = rows(cli(demo_dir, "score", "--as-of", "2025-12-31", "-f", "csv").stdout)
    units = json.loads(
        cli(demo_dir, "cypher", "MATCH (u:Unit) RETURN u.uid AS uid", "-f", "json").stdout
    )
    assert {s["unit_id"] for s in scored} == {u["uid"] for u in units}
    assert all(s["grade"] in ("优秀", "良好", "合格", "不合格") for s in scored)
    assert all(0 <= float(s["score"]) <= 100 for s in scored)
    out = tmp_path / "预警通知书.docx"
    written = cli(demo_dir, "notice", "--unit", "C01B02", "--as-of", "2025-12-31", "-o", str(out))
    assert written.returncode == 0, written.stderr
    document = Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    assert "预警通知书" in text and "2026年1月7日" in text and "原因分析" in text
    assert text.count("青山县财政局") == 1  # named once, as the addressee
    assert next(p.text for p in document.paragraphs if p.text.endswith("：")) == "青山县财政局："
    assert any(re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", c) for c in cells)  # short ids
    assert not any(c.startswith("C01B02-") for c in cells)  # names, not keys
    assert not re.search(r"[\u4e00-\u9fff][,:;()]", text)  # Chinese punctuation
    numbered = tmp_path / "numbered.docx"
    cli(
        demo_dir,
        "notice",
        "--unit",
        "C01B02",
        "--as-of",
        "2025-12-31",
        "-o",
        str(numbered),
        "--issuer",
        "青山县纪委监委",
        "--doc-no",
        "青纪函〔2026〕7号",
    )
    head = [p.text for p in Document(str(numbered)).paragraphs][:3]
    assert head == ["青山县纪委监委", "青纪函〔2026〕7号", "廉政风险预警通知书"]
    green = next(p["post_id"] for p in posts if p["level"] == "green")
    refused = cli(demo_dir, "notice", "--post", green, "--as-of", "2025-12-31", "-o", str(out))
    assert refused.returncode == 2 and "warning level is green" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    best = max(scored, key=lambda s: float(s["score"]))
    refused = cli(
        demo_dir,
        "notice",
        "--unit",
        best["unit_id"],
        "--kind",
        "rectification",
        "--as-of",
        "2025-12-31",
        "-o",
        str(out),
    )
    assert refused.returncode == 2 and "the notice goes to a unit graded 不合格" in refused.stderr
    ordered = cli(
        demo_dir,
        "notice",
        "--unit",
        "C01B02",
        "--kind",
        "rectification",
        "--as-of",
        "2025-12-31",
        "-o",
        str(out),
    )
    assert ordered.returncode == 0, ordered.stderr
    rectify = Document(str(out))
    said = "\n".join(p.text for p in rectify.paragraphs)
    assert "整改通知书" in said and "得分38分，考核等次为不合格" in said and "一、扣分情况" in said
    deductions = [r.cells[0].text for r in rectify.tables[0].rows[1:]]
    assert "未受控的高风险点（" in " ".join(deductions)
    assert not any(re.search(r"[a-z]-[a-z]", d) for d in deductions)  # titles, not query ids


def test_a_rectification_survives_a_re_import_and_reaches_the_review(
    data_dir: Path, tmp_path: Path
) -> None:
    workbook = write_workbook(tmp_path / "org.xlsx")
    assert cli(data_dir, "ingest", str(workbook)).returncode == 0
    found = rows(cli(data_dir, "query", "unmitigated-high-risks", "-f", "csv").stdout)
    [short] = [r["finding_id"] for r in found if r["risk_id"] == "K3"]
    shown = cli(data_dir, "query", "unmitigated-high-risks")
    assert short in shown.stdout and "问题编号" in shown.stdout and "风险点编号" in shown.stdout
    opened = cli(
        data_dir, "rectify", "open", short.lower(), "--due", "2099-01-31", "--note", "专项整改"
    )
    assert opened.returncode == 0, opened.stderr
    assert "R0001" in opened.stdout
    twice = cli(data_dir, "rectify", "open", "unmitigated-high-risks", "K3", "--due", "2099-01-31")
    assert twice.returncode == 2 and "already in the ledger as R0001" in twice.stderr
    nowhere = cli(data_dir, "rectify", "open", "ZZZZ-ZZZZ", "--due", "2099-01-31")
    assert nowhere.returncode == 2 and "no finding ZZZZ-ZZZZ" in nowhere.stderr
    bad = cli(data_dir, "rectify", "verify", "R0001")
    assert bad.returncode == 2 and "its moves now are start, not verify" in bad.stderr
    assert cli(data_dir, "rectify", "update", "R0001", "--status", "in_progress").returncode == 0
    marked = cli(
        data_dir, "rectify", "update", "R0001", "--status", "rectified", "--done", "已落实防控措施"
    )
    assert marked.returncode == 0, marked.stderr
    early = cli(data_dir, "rectify", "verify", "R0001")
    assert early.returncode == 2 and f"its finding {short} is still found" in early.stderr
    # The control lands in the registers; the gap is gone and the item can be verified.
    fixed = {
        **SHEETS,
        "controls": [
            {**c, "status": "已落实", "due": None} if c["control_id"] == "C2" else c
            for c in SHEETS["controls"]
        ],
    }
    corrected = write_workbook(tmp_path / "fixed.xlsx", fixed)
    assert cli(data_dir, "ingest", str(corrected), "--source", "org").returncode == 0
    verified = cli(data_dir, "rectify", "verify", "R0001")
    assert verified.returncode == 0, verified.stderr
    assert cli(data_dir, "ingest", str(workbook)).returncode == 0  # the old registers again
    listed = rows(cli(data_dir, "rectify", "list", "-f", "csv").stdout)
    assert [(r["id"], r["finding_id"], r["status"], r["done"]) for r in listed] == [
        ("R0001", short, "verified", "已落实防控措施")
    ]
    assert listed[0]["state"] == "reopened"  # the gap is back in the registers
    review = tmp_path / "review.html"
    assert cli(data_dir, "report", "-o", str(review)).returncode == 0
    html = review.read_text(encoding="utf-8")
    assert "整改台账" in html and "R0001" in html and short in html
    log = json.loads(cli(data_dir, "audit", "--format", "json").stdout)
    assert [e["action"] for e in log if e["action"].startswith("rectify")] == [
        "rectify open",
        "rectify start",
        "rectify rectify",
        "rectify verify",
    ]  # the names the API's audit entries use for the same moves
    accepted = cli(
        data_dir,
        "accept",
        "add",
        short,
        "--reason",
        "整改中",
        "--approver",
        "王书记",
        "--expires",
        "2099-01-01",
    )
    assert accepted.returncode == 0, accepted.stderr
    checked = cli(data_dir, "check")
    assert "(+1" in checked.stdout
    listed_accepted = rows(cli(data_dir, "accept", "list", "-f", "csv").stdout)
    assert [a["finding_id"] for a in listed_accepted] == [short]


def test_the_post_risk_card(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "card.docx"
    written = cli(demo_dir, "card", "C01B02S05-P03", "--as-of", "2025-12-31", "-o", str(out))
    assert written.returncode == 0, written.stderr
    document = Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    holders = json.loads(
        cli(
            demo_dir,
            "cypher",
            "MATCH (e:Person)-[h:HOLDS]->(:Post)-[:IN_UNIT]->(:Unit {uid: 'C01B02S05'}) "
            "WHERE h.end_date IS NULL RETURN DISTINCT e.name AS name",
            "-f",
            "json",
        ).stdout
    )
    mine = json.loads(
        cli(
            demo_dir,
            "cypher",
            "MATCH (e:Person)-[h:HOLDS]->(:Post {uid: 'C01B02S05-P03'}) WHERE h.end_date IS NULL "
            "RETURN e.name AS name",
            "-f",
            "json",
        ).stdout
    )
    assert "岗位廉政风险防控卡" in text and "国库科科员" in text
    assert all(h["name"] in text for h in mine)
    assert "经职权" in cells  # risks reached through the post's powers are marked
    assert "主要领导" in cells and any("局长" in c for c in cells)
    public = tmp_path / "card.html"
    assert cli(demo_dir, "card", "C01B02S05-P03", "--public", "-o", str(public)).returncode == 0
    html = public.read_text(encoding="utf-8")
    assert "国库科科员" in html
    assert not [h["name"] for h in holders if h["name"] in html]  # names no person
    assert "在岗人员" not in html and "当前预警" not in html
    unit = tmp_path / "cards.docx"
    assert cli(demo_dir, "card", "--unit", "C01B02S05", "-o", str(unit)).returncode == 0
    posts = json.loads(
        cli(
            demo_dir,
            "cypher",
            "MATCH (p:Post)-[:IN_UNIT]->(:Unit {uid: 'C01B02S05'}) RETURN p.uid AS uid",
            "-f",
            "json",
        ).stdout
    )
    titles = [p for p in Document(str(unit)).paragraphs if p.text == "岗位廉政风险防控卡"]
    assert len(titles) == len(posts) > 1
    assert cli(demo_dir, "card", "NOPE", "-o", str(out)).returncode == 2
