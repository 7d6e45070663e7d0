"""`lianfang user`, `token` and `audit`, and `serve` refusing to share a store that has
no accounts, run as the installed command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from registers_data import write_workbook
from servers import cli

from lianfang.access import accounts, sessions, tokens
from lianfang.graph.falkor_store import EmbeddedFalkorStore

PASSWORD = "a long enough password"


def test_users_tokens_and_their_audit(data_dir: Path, tmp_path: Path) -> None:
    workbook = write_workbook(tmp_path / "org.xlsx")
    assert cli(data_dir, "ingest", str(workbook), "--source", "县局").returncode == 0
    added = cli(
        data_dir,
        "user",
        "add",
        "li",
        "--role",
        "viewer",
        "--unit",
        "U2",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    assert "U2" in added.stdout
    assert (
        cli(
            data_dir, "user", "add", "li", "--role", "viewer", "--password-stdin", stdin=PASSWORD
        ).returncode
        == 2
    )
    unknown = cli(
        data_dir,
        "user",
        "add",
        "wang",
        "--role",
        "viewer",
        "--unit",
        "U99",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert unknown.returncode == 2 and "U99" in unknown.stderr
    weak = cli(
        data_dir, "user", "add", "zhao", "--role", "admin", "--password-stdin", stdin="short"
    )
    assert weak.returncode == 2 and "at least" in weak.stderr
    bad_role = cli(
        data_dir, "user", "add", "zhao", "--role", "root", "--password-stdin", stdin=PASSWORD
    )
    assert bad_role.returncode == 2 and "viewer, analyst, admin" in bad_role.stderr
    created = cli(data_dir, "token", "create", "li", "--expires-days", "30")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("lf_") and "shown only now" in created.stderr
    renewed = cli(
        data_dir, "user", "passwd", "li", "--password-stdin", stdin="another long password"
    )
    assert renewed.returncode == 0, renewed.stderr
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        assert tokens.authenticate(store, token).name == "li"  # type: ignore[union-attr]
        assert accounts.authenticate(store, "li", "another long password") is not None
        assert accounts.authenticate(store, "li", PASSWORD) is None
        # The token is kept as its hash only.
        kept = json.dumps(store.office_read("MATCH (t:ApiToken) RETURN properties(t) AS t"))
        assert token not in kept and token.split("_", 2)[2] not in kept  # the secret may hold "_"
    assert cli(data_dir, "token", "revoke", token.split("_")[1]).returncode == 0
    assert cli(data_dir, "user", "disable", "li").returncode == 0
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        assert tokens.authenticate(store, token) is None
        assert accounts.authenticate(store, "li", "another long password") is None
    listed = cli(data_dir, "user", "list")
    assert "li" in listed.stdout and "yes" in listed.stdout
    log = json.loads(cli(data_dir, "audit", "--format", "json").stdout)
    actions = [(e["action"], e["outcome"]) for e in log]
    assert actions == [
        ("import", "started"),
        ("import", "ok"),
        ("user add", "ok"),
        ("token create", "ok"),
        ("user passwd", "ok"),
        ("token revoke", "ok"),
        ("user disable", "ok"),
    ]
    assert all(e["user"].startswith("cli") for e in log)
    assert log[1]["target"] == "县局" and log[1]["detail"]["nodes"]["Unit"] == 3
    as_csv = list(
        csv.DictReader(
            io.StringIO(cli(data_dir, "audit", "--format", "csv", "--user", log[0]["user"]).stdout)
        )
    )
    assert len(as_csv) == len(log)
    assert (
        cli(data_dir, "audit", "--since", "2999-01-01", "--format", "json").stdout.strip() == "[]"
    )
    assert cli(data_dir, "audit", "--since", "yesterday").returncode == 2


def test_accounts_survive_a_re_import_and_clear(data_dir: Path, tmp_path: Path) -> None:
    workbook = write_workbook(tmp_path / "org.xlsx")
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        store.in_place_rows = 0  # the staged path: a new graph renamed over the old
        from lianfang.ingest.load import load

        load(workbook, store)
        accounts.add(store, "admin", "admin", PASSWORD, [])
        load(workbook, store)
        store.clear()
        assert [a.name for a in accounts.listing(store)] == ["admin"]
    assert cli(data_dir, "db", "stop").returncode == 0
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        assert [a.name for a in accounts.listing(store)] == ["admin"]


def test_serve_refuses_an_open_address_without_accounts(data_dir: Path) -> None:
    refused = cli(data_dir, "serve", "--host", "0.0.0.0", "--port", "1")
    assert refused.returncode == 2
    assert "lianfang user add NAME --role admin" in refused.stderr.replace("\n", " ")


def test_first_use_of_the_office_graph_from_many_threads_and_stores(data_dir: Path) -> None:
    """The office graph's indexes are installed by whichever caller comes first: request
    threads, the warmer, and another process's store may all arrive at once."""
    import threading

    stores = [EmbeddedFalkorStore(data_dir, "lianfang") for _ in range(3)]
    failures: list[Exception] = []

    def read(store: EmbeddedFalkorStore) -> None:
        try:
            store.office_read("MATCH (a:Account) RETURN count(a) AS n")
        except Exception as exc:
            failures.append(exc)

    try:
        threads = [threading.Thread(target=read, args=(s,)) for s in stores for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for store in stores:
            store.close()
    assert failures == []


def test_a_changed_password_ends_every_login_and_can_revoke_tokens(data_dir: Path) -> None:
    """After `user passwd` the old session cookie still worked; now every session of the
    account ends (and says how many), and `--revoke-tokens` revokes its tokens too."""
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        account = accounts.add(store, "li", "analyst", PASSWORD, [])
        first, _ = sessions.start(store, account, 8)
        second, _ = sessions.start(store, account, 8)
        other, _ = sessions.start(store, accounts.add(store, "wang", "viewer", PASSWORD, []), 8)
        token, _ = tokens.create(store, "li", None)
    changed = cli(data_dir, "user", "passwd", "li", "--password-stdin", stdin="a new long password")
    assert changed.returncode == 0, changed.stderr
    assert "2 login session(s) ended" in changed.stdout
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        assert sessions.find(store, first) is None and sessions.find(store, second) is None
        assert sessions.find(store, other) is not None  # another account's login stays
        assert tokens.authenticate(store, token) is not None  # kept unless asked
    again = cli(
        data_dir,
        "user",
        "passwd",
        "li",
        "--password-stdin",
        "--revoke-tokens",
        stdin="yet another long password",
    )
    assert again.returncode == 0 and "1 token(s) revoked" in again.stdout, again.stdout
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        assert tokens.authenticate(store, token) is None
