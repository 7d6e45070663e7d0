"""The loop as an analyst runs it from the command line: warnings and scores on the demo
county, a notice, and a rectification followed to verification across a re-import."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from docx import Document
from registers_data import write_workbook
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
    assert "预警通知书" in text and "2026-01-07" in text and "原因分析" in text
    assert any(c.startswith("C01B02-") for c in cells)


def test_a_rectification_survives_a_re_import_and_reaches_the_review(
    data_dir: Path, tmp_path: Path
) -> None:
    workbook = write_workbook(tmp_path / "org.xlsx")
    assert cli(data_dir, "ingest", str(workbook)).returncode == 0
    opened = cli(
        data_dir,
        "rectify",
        "open",
        "unmitigated-high-risks",
        "K3",
        "--due",
        "2099-01-31",
        "--note",
        "专项整改",
    )
    assert opened.returncode == 0, opened.stderr
    assert "R0001" in opened.stdout
    bad = cli(data_dir, "rectify", "verify", "R0001")
    assert bad.returncode == 2 and "its moves now are start, not verify" in bad.stderr
    assert cli(data_dir, "rectify", "update", "R0001", "--status", "in_progress").returncode == 0
    assert (
        cli(
            data_dir,
            "rectify",
            "update",
            "R0001",
            "--status",
            "rectified",
            "--done",
            "已落实防控措施",
        ).returncode
        == 0
    )
    assert cli(data_dir, "rectify", "verify", "R0001").returncode == 0
    assert cli(data_dir, "ingest", str(workbook)).returncode == 0  # the same registers again
    listed = rows(cli(data_dir, "rectify", "list", "-f", "csv").stdout)
    assert [(r["id"], r["status"], r["done"]) for r in listed] == [
        ("R0001", "verified", "已落实防控措施")
    ]
    assert listed[0]["state"] == "reopened"  # the gap is still in the registers
    review = tmp_path / "review.html"
    assert cli(data_dir, "report", "-o", str(review)).returncode == 0
    html = review.read_text(encoding="utf-8")
    assert (
        "整改台账" in html and "R0001" in html and "已落实" not in html.split("整改台账")[0][-50:]
    )
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
        "unmitigated-high-risks",
        "K3",
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
