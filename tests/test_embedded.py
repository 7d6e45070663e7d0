"""The embedded server's life: shared, durable, gone when unused, and recovering."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

from servers import Holder, cli, live_servers

from lianfang.graph.embedded import EmbeddedServer
from lianfang.graph.falkor_store import EmbeddedFalkorStore


def test_a_cli_command_works_while_another_process_holds_the_store(data_dir: Path) -> None:
    holder = Holder(data_dir)
    try:
        assert holder.ask("write") == "wrote"
        [server] = live_servers(data_dir)
        status = cli(data_dir, "status")
        assert status.returncode == 0, status.stderr
        assert "Unit" in status.stdout and "lock" not in status.stderr.lower()
        counted = cli(data_dir, "cypher", "MATCH (u:Unit) RETURN count(u) AS n", "-f", "json")
        assert counted.returncode == 0, counted.stderr
        assert '"n": 1' in counted.stdout
        # The CLI joined the holder's server and left it running for the holder.
        assert live_servers(data_dir) == [server]
        assert holder.ask("write") == "wrote"
        assert holder.ask("count") == "2"
    finally:
        holder.quit()
    assert live_servers(data_dir) == []


def test_a_one_shot_command_leaves_no_server_behind(data_dir: Path) -> None:
    result = cli(data_dir, "status")
    assert result.returncode == 0, result.stderr
    assert "falkordb (embedded)" in result.stdout
    assert live_servers(data_dir) == []
    assert not (data_dir / "falkordb.sock").exists()


def test_a_write_acknowledged_before_kill_9_survives(data_dir: Path) -> None:
    store = EmbeddedFalkorStore(data_dir, "lianfang")
    try:
        store.write("CREATE (:Unit {uid: 'U1', name: '纪委', source: 't'})")
        [server] = live_servers(data_dir)
        os.kill(server, signal.SIGKILL)
        # The same store notices, restarts the server, and the AOF replays the write.
        assert store.read("MATCH (u:Unit) RETURN u.name AS name") == [{"name": "纪委"}]
        assert live_servers(data_dir) not in ([], [server])
    finally:
        store.close()
    result = cli(data_dir, "cypher", "MATCH (u:Unit) RETURN u.uid AS uid", "-f", "csv")
    assert result.stdout.splitlines() == ["uid", "U1"]


def test_stale_socket_and_pid_file_are_recovered(data_dir: Path) -> None:
    store = EmbeddedFalkorStore(data_dir, "lianfang")
    store.write("CREATE (:Unit {uid: 'U1', source: 't'})")
    [server] = live_servers(data_dir)
    os.kill(server, signal.SIGKILL)
    store.server._lease = None  # the crash took this process's lease with it
    assert (data_dir / "falkordb.sock").exists()
    (data_dir / "falkordb.pid").write_text(str(os.getpid()))  # a pid reused by another process
    result = cli(data_dir, "cypher", "MATCH (u:Unit) RETURN u.uid AS uid", "-f", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["uid", "U1"]
    assert live_servers(data_dir) == []


def watchdogs(data_dir: Path) -> list[Path]:
    found = []
    for path in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            cmdline = path.read_bytes()
        except OSError:
            continue
        if b"lianfang.graph.watchdog" in cmdline and str(data_dir).encode() in cmdline:
            found.append(path)
    return found


def gone_within(data_dir: Path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while live_servers(data_dir):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_a_crashed_client_does_not_keep_the_server_alive(data_dir: Path) -> None:
    """Its only user killed, the server is stopped by its watchdog within seconds; a
    command arriving meanwhile simply joins and leaves it."""
    holder = Holder(data_dir)
    assert holder.ask("write") == "wrote"
    holder.kill()
    result = cli(data_dir, "status")
    assert result.returncode == 0, result.stderr
    assert gone_within(data_dir, 10)
    assert list((data_dir / "leases").iterdir()) == []
    deadline = time.monotonic() + 5
    while watchdogs(data_dir):  # and the watchdog went with it
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_db_stop_stops_a_shared_server_and_users_recover(data_dir: Path) -> None:
    holder = Holder(data_dir)
    try:
        assert holder.ask("write") == "wrote"
        stopped = cli(data_dir, "db", "stop")
        assert stopped.returncode == 0 and stopped.stdout.strip() == "stopped"
        assert live_servers(data_dir) == []
        assert holder.ask("count") == "1"
    finally:
        holder.quit()
    assert cli(data_dir, "db", "stop").stdout.strip() == "not running"


def test_the_server_listens_on_a_socket_in_the_data_dir_only(data_dir: Path) -> None:
    server = EmbeddedServer(data_dir)
    server.acquire()
    try:
        [pid] = live_servers(data_dir)
        assert (data_dir / "falkordb.sock").is_socket()
        listening = (
            Path(f"/proc/{pid}/net/tcp").read_text() + Path(f"/proc/{pid}/net/tcp6").read_text()
        )
        inodes = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        tcp_listeners = [
            line.split()[9]
            for line in listening.splitlines()[1:]
            if line.split()[3] == "0A" and f"socket:[{line.split()[9]}]" in inodes
        ]
        assert tcp_listeners == []
        probe = socket.socket(socket.AF_UNIX)
        probe.connect(str(data_dir / "falkordb.sock"))
        probe.close()
    finally:
        server.release()


def test_an_import_during_a_background_save_completes(data_dir: Path) -> None:
    """An append-only rewrite runs in a forked child, and Redis runs one fork at a time:
    a staging GRAPH.COPY started during a rewrite used to hang the server. The staging
    graph is now carried over by Cypher, which never forks."""
    import threading

    from lianfang.graph.store import Change

    store = EmbeddedFalkorStore(data_dir, "lianfang")
    try:
        store.write("UNWIND range(1, 200000) AS i CREATE (:Unit {uid: toString(i), source: 't'})")
        done = threading.Event()

        def import_now() -> None:
            store.apply([Change("CREATE (:Unit {uid: 'new', source: 't'})")])
            done.set()

        store.server._client().bgrewriteaof()  # a background rewrite under way
        worker = threading.Thread(target=import_now, daemon=True)
        worker.start()
        worker.join(timeout=60)
        assert done.is_set(), "the import hung behind the background save"
        assert store.read("MATCH (u:Unit {uid: 'new'}) RETURN count(u) AS n") == [{"n": 1}]
    finally:
        store.close()


def test_the_server_folds_pending_matrix_changes_in_early(data_dir: Path) -> None:
    """FalkorDB's default (10,000 pending changes) slowed queries right after an import;
    the server must have taken the lower setting at module load."""
    from lianfang.graph.embedded import DELTA_MAX_PENDING_CHANGES

    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        setting = store.db.connection.execute_command(
            "GRAPH.CONFIG", "GET", "DELTA_MAX_PENDING_CHANGES"
        )
    assert setting == ["DELTA_MAX_PENDING_CHANGES", DELTA_MAX_PENDING_CHANGES]
    assert DELTA_MAX_PENDING_CHANGES < 10000
