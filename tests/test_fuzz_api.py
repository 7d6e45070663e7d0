"""Property-based fuzzing of the JSON API from its own OpenAPI document (schemathesis),
as an admin with a token: whatever the generated request, never a 5xx."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from accounts_web import add_with_token
from hypothesis import HealthCheck, settings
from registers_data import write_workbook

from lianfang.api.main import create_app
from lianfang.api.settings import AppSettings
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.ingest.load import load

# Bounded: a few examples per operation keeps the whole run to about a minute.
EXAMPLES = 30


def _app() -> tuple[object, str, EmbeddedFalkorStore]:
    root = Path(tempfile.mkdtemp(prefix="lf-fuzz-", dir="/tmp"))
    store = EmbeddedFalkorStore(root / "data", "lianfang")
    load(write_workbook(root / "org.xlsx"), store)
    token = add_with_token(store, "fuzzer", "admin")
    settings = AppSettings(warm_seconds=0, max_upload_mb=1, allowed_hosts=["testserver"])
    app = create_app(store=store, settings=settings)
    return app, token, store


APP, TOKEN, STORE = _app()
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
schema = schemathesis.openapi.from_dict(APP.openapi())  # type: ignore[attr-defined]


@pytest.fixture(scope="module", autouse=True)
def _close_store() -> Iterator[None]:
    yield
    STORE.close()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_answers_5xx(case: schemathesis.Case) -> None:
    response = case.call(app=APP, headers=HEADERS)
    assert "does not answer to host" not in response.text  # the request reached the route
    assert response.status_code < 500, (
        case.method,
        case.formatted_path,
        response.status_code,
        response.text[:300],
    )
