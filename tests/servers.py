"""Looking at the embedded servers and lianfang processes from outside, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import LIANFANG


def live_servers(data_dir: Path) -> list[int]:
    """Pids of running (not zombie) redis-servers bound to this data directory."""
    sock = str(data_dir.resolve() / "falkordb.sock").encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"redis-server" in cmdline and sock in cmdline and state not in ("Z", "X"):
            found.append(int(proc.name))
    return found


def cli(
    data_dir: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `lianfang` command against a data directory."""
    full_env = {k: v for k, v in os.environ.items() if k != "LIANFANG_STORE"}
    full_env.update({"LIANFANG_DATA": str(data_dir), "COLUMNS": "200"}, **(env or {}))
    return subprocess.run(
        [LIANFANG, *args], capture_output=True, text=True, env=full_env, timeout=120, input=stdin
    )


HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from lianfang.graph.falkor_store import EmbeddedFalkorStore

    store = EmbeddedFalkorStore(Path(sys.argv[1]), "lianfang")
    print("ready", flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "write":
            store.write("CREATE (:Unit {uid: toString(rand()), source: 'holder'})")
            print("wrote", flush=True)
        elif command == "count":
            print(store.read("MATCH (u:Unit) RETURN count(u) AS n")[0]["n"], flush=True)
        elif command == "quit":
            break
    store.close()
    print("closed", flush=True)
    """
)


class Holder:
    """Another lianfang process that keeps the store open and answers commands."""

    def __init__(self, data_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.ask(None) == "ready", self.proc.stderr.read() if self.proc.stderr else ""

    def ask(self, command: str | None) -> str:
        assert self.proc.stdin and self.proc.stdout
        if command is not None:
            self.proc.stdin.write(command + "\n")
            self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def quit(self) -> None:
        assert self.ask("quit") == "closed"
        self.proc.wait(timeout=30)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=30)
