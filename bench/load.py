"""The workbench under load: concurrent clients against `lianfang serve --demo`.

Starts the web app on the demo organisation (scale 1, a county) in a fresh data
directory, waits for it, then runs CLIENTS threads for SECONDS, each requesting the URL
mix below in turn (each client starting at another place in it), and prints
requests/s, p50, p95, p99 and errors, overall and per URL. The server is a process of
its own; the clients share the machine's two cores with it, as a browser on the same
desk would.

Each mode runs against a server of its own, in the same run, so that the ratios
printed at the end compare like with like:
- local: no accounts (local mode), the baseline;
- session: an analyst account; each client logs in through the form first (not timed)
  and then sends its session cookie;
- token: the same account's API token, as `Authorization: Bearer`;
- scoped: a viewer limited to one bureau (C01B02), logged in through the form: every
  answer is cut to the scope;
- imports: local mode while another process imports an office's register every
  IMPORT_EVERY seconds (`lianfang ingest` of a published table, as its own source):
  each import lands a new state of the graph, which the server prepares anew.

    .venv/bin/python bench/load.py [--clients 50] [--seconds 60] [--modes local,session]
    .venv/bin/python bench/load.py --modes logins --clients 80 --seconds 10
    .venv/bin/python bench/load.py --modes local,imports [--import-every 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

MODES = ("local", "session", "token", "scoped", "imports")
OFFICE = Path(__file__).resolve().parents[1] / "tests/fixtures/real/宝安市场监管局.xlsx"
# Not in the default run: many wrong passwords at once, the server's memory watched.
LOGINS = "logins"
PASSWORD = "bench password 2026"

# What an analyst's session asks for: pages, the catalogue, findings, figures, maps,
# a node, a search.
MIX = (
    "/",
    "/units",
    "/api/stats",
    "/api/queries",
    "/api/queries/unmitigated-high-risks",
    "/api/queries/incompatible-duties",
    "/api/queries/unit-risk-profile",
    "/queries/overdue-controls",
    "/maps/unit/C01B02",
    "/maps/unit/C01",
    "/nodes/Post/C01B02S01-P01",
    "/api/nodes/Post/C01B02S01-P01",
    "/api/search?q=审批",
    "/search?q=采购",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(workdir: Path) -> dict[str, str]:
    env = {**os.environ, "LIANFANG_DATA": str(workdir / "data")}
    env.pop("LIANFANG_STORE", None)
    return env


LIANFANG = str(Path(sys.executable).with_name("lianfang"))


def add_account(workdir: Path, mode: str) -> str | None:
    """The mode's account (none in local mode), and for `token` its token."""
    if mode in ("local", "imports"):
        return None
    scope = ["--role", "viewer", "--unit", "C01B02"] if mode == "scoped" else ["--role", "analyst"]
    subprocess.run(
        [LIANFANG, "user", "add", "bench", *scope, "--password-stdin"],
        input=PASSWORD,
        text=True,
        env=environment(workdir),
        check=True,
        capture_output=True,
    )
    if mode != "token":
        return None
    made = subprocess.run(
        [LIANFANG, "token", "create", "bench"],
        text=True,
        env=environment(workdir),
        check=True,
        capture_output=True,
    )
    return made.stdout.strip()


def log_in(http: httpx.Client) -> None:
    """Through the form; a 429 (too many password checks at once) is tried again, as a
    person would, after the server's Retry-After."""
    for _ in range(100):
        form = http.get("/login").text
        csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        data = {"username": "bench", "password": PASSWORD, "csrf": csrf}
        answer = http.post("/login", data=data)
        if "lianfang_session" in http.cookies:
            return
        if answer.status_code != 429:
            break
        time.sleep(float(answer.headers.get("retry-after", "1")) * 0.2)
    raise SystemExit(f"could not log in: {answer.status_code}")


def mix(mode: str) -> tuple[str, ...]:
    """The scoped viewer's bureau has no county map: it gets a section's instead."""
    if mode != "scoped":
        return MIX
    return tuple("/maps/unit/C01B02S01" if url == "/maps/unit/C01" else url for url in MIX)


def start_server(workdir: Path, port: int) -> subprocess.Popen[bytes]:
    env = environment(workdir)
    server = subprocess.Popen(
        [LIANFANG, "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not come up within 180 s")


def session(base: str, mode: str, token: str | None) -> httpx.Client:
    """A client as the mode has it: logged in through the form, or with the token."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    http = httpx.Client(base_url=base, timeout=60, headers=headers)
    if mode in ("session", "scoped"):
        log_in(http)
    return http


def client(
    http: httpx.Client,
    urls: tuple[str, ...],
    start: int,
    until: float,
    found: dict[str, list[float]],
    errors: list[str],
) -> None:
    try:
        index = start
        while time.monotonic() < until:
            url = urls[index % len(urls)]
            index += 1
            began = time.perf_counter()
            try:
                response = http.get(url)
                ok = response.status_code == 200
            except httpx.HTTPError as exc:
                ok, response = False, exc  # type: ignore[assignment]
            took = (time.perf_counter() - began) * 1000
            if ok:
                found[url].append(took)
            else:
                errors.append(f"{url}: {getattr(response, 'status_code', response)}")
    finally:
        http.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def sizes(http: httpx.Client, urls: tuple[str, ...]) -> dict[str, int]:
    return {url: len(http.get(url).content) for url in urls}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--import-every", type=float, default=10.0)
    args = parser.parse_args()
    results: dict[str, tuple[float, float, float]] = {}
    for mode in args.modes.split(","):
        if mode == LOGINS:
            run_logins(args.clients, args.seconds)
            continue
        if mode not in MODES:
            raise SystemExit(f"--modes: {mode!r} is not one of {', '.join((*MODES, LOGINS))}")
        results[mode] = run_mode(mode, args.clients, args.seconds, args.import_every)
    if "local" in results:
        base_rate, base_p50, base_p95 = results["local"]
        for mode, (rate, p50, p95) in results.items():
            print(
                f"{mode:>8} / local: {rate / base_rate:.2f}x req/s, p50 {p50 / base_p50:.2f}x, "
                f"p95 {p95 / base_p95:.2f}x"
            )


def importer(workdir: Path, every: float, until: float, took: list[float]) -> None:
    """Another process's import of an office register every `every` seconds."""
    while time.monotonic() + every < until:
        time.sleep(every)
        began = time.perf_counter()
        subprocess.run(
            [LIANFANG, "ingest", str(OFFICE), "--source", "bench-office"],
            env=environment(workdir),
            check=True,
            capture_output=True,
        )
        took.append(time.perf_counter() - began)


def run_mode(
    mode: str, clients: int, seconds: float, import_every: float = 10.0
) -> tuple[float, float, float]:
    """One server, one mode: prints its figures; returns (req/s, p50, p95)."""
    workdir = Path(tempfile.mkdtemp(prefix="lf-load-", dir="/tmp"))
    port = free_port()
    server = start_server(workdir, port)
    base = f"http://127.0.0.1:{port}"
    urls = mix(mode)
    try:
        token = add_account(workdir, mode)
        time.sleep(1.5)  # the server notices the first account (local mode ends)
        first = session(base, mode, token)
        size = sizes(first, urls)  # also a first visit to each URL, as after a start
        first.close()
        found: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        https = [session(base, mode, token) for _ in range(clients)]
        until = time.monotonic() + seconds
        threads = [
            threading.Thread(target=client, args=(http, urls, n, until, found, errors))
            for n, http in enumerate(https)
        ]
        imports: list[float] = []
        if mode == "imports":
            args = (workdir, import_every, until, imports)
            threads.append(threading.Thread(target=importer, args=args))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)
    every = [ms for values in found.values() for ms in values]
    p50, p95 = statistics.median(every), percentile(every, 0.95)
    print(
        f"{mode}: {clients} clients, {seconds:.0f} s: {len(every) / seconds:.1f} req/s, "
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
        f"p99 {percentile(every, 0.99):.0f} ms, max {max(every):.0f} ms, {len(errors)} errors"
    )
    if imports:
        print(
            f"  {len(imports)} imports landed, each {statistics.median(imports):.1f} s "
            "(median) from the command to its exit"
        )
    for url in urls:
        values = found.get(url) or [float("nan")]
        print(
            f"  {url:<42} p50 {statistics.median(values):7.0f} ms  p95 "
            f"{percentile(values, 0.95):7.0f} ms  {size[url] / 1024:7.0f} KB"
        )
    for error in sorted(set(errors))[:10]:
        print(f"  error: {error}")
    return len(every) / seconds, p50, p95


def peak_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_logins(clients: int, seconds: float) -> None:
    """CLIENTS threads posting wrong passwords for SECONDS: the answers by status, their
    p95, the server's peak memory, and whether it still answers a page promptly."""
    workdir = Path(tempfile.mkdtemp(prefix="lf-load-", dir="/tmp"))
    port = free_port()
    server = start_server(workdir, port)
    base = f"http://127.0.0.1:{port}"
    statuses: dict[int, int] = defaultdict(int)
    times: list[float] = []
    lock = threading.Lock()
    try:
        add_account(workdir, "session")
        time.sleep(1.5)
        before = peak_mb(server.pid)
        http = httpx.Client(base_url=base, timeout=60)
        form = http.get("/login").text
        csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        # The form's token and its cookie, sent as a header so that an answer's new
        # cookie does not replace it.
        cookie = "; ".join(f"{name}={value}" for name, value in http.cookies.items())

        def attack(until: float) -> None:
            with httpx.Client(base_url=base, timeout=60, headers={"Cookie": cookie}) as own:
                while time.monotonic() < until:
                    began = time.perf_counter()
                    answer = own.post(
                        "/login", data={"username": "bench", "password": "wrong", "csrf": csrf}
                    )
                    with lock:
                        statuses[answer.status_code] += 1
                        times.append((time.perf_counter() - began) * 1000)

        until = time.monotonic() + seconds
        threads = [threading.Thread(target=attack, args=(until,)) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        began = time.perf_counter()
        page = http.get("/healthz").status_code
        after = (time.perf_counter() - began) * 1000
        peak = peak_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)
    counts = ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))
    print(
        f"logins: {clients} clients, {seconds:.0f} s of wrong passwords: {counts}; "
        f"p95 {percentile(times, 0.95):.0f} ms; server peak {peak:.0f} MB "
        f"({before:.0f} MB before); /healthz then {page} in {after:.0f} ms"
    )


if __name__ == "__main__":
    main()
