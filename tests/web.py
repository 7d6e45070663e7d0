"""The web app over a real embedded store holding the small organisation, plus a post
whose name is an XSS attempt and a risk whose text is a spreadsheet formula."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from registers_data import SHEETS, write_workbook

from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.ingest.load import load

# The address the test clients call the app by: the app answers only to the names it
# serves (against DNS rebinding), and TestClient's own default is "testserver".
LOCAL = "http://127.0.0.1"
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"
FORMULA = '@HYPERLINK("http://evil","x")'  # openpyxl would store a leading = as a formula


def hostile_sheets() -> dict[str, list[dict[str, Any]]]:
    sheets = copy.deepcopy(SHEETS)
    sheets["posts"].append(
        {"post_id": "P5", "name": XSS, "unit_id": "U2", "key_post": "是", "leadership": "无"}
    )
    sheets["people"].append({"person_id": "E5", "name": "赵敏"})
    sheets["assignments"].append({"person_id": "E5", "post_id": "P5", "start_date": "2023-01-01"})
    sheets["risks"].append(
        {
            "risk_id": "K5",
            "description": FORMULA,
            "category": "外部环境",
            "level": "高",
            "post_ids": "P5",
        }
    )
    sheets["controls"].append(
        {
            "control_id": "C5",
            "description": "计划中的措施",
            "risks": "K5",
            "owner_posts": "P5",
            "status": "计划",
            "due": "2024-01-01",
        }
    )
    return sheets


def hostile_store(data_dir: Path, workdir: Path) -> EmbeddedFalkorStore:
    store = EmbeddedFalkorStore(data_dir, "lianfang")
    load(write_workbook(workdir / "org.xlsx", hostile_sheets()), store)
    return store
