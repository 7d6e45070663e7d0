"""The workbench under load: concurrent clients against `lianfang serve --demo`.

Starts the web app on the demo organisation (scale 1) in a fresh data directory, waits
for it, then runs CLIENTS threads for SECONDS, each requesting the URL mix below in
turn (each client starting at another place in it), and prints requests/s, p50, p95,
p99 and errors, overall and per URL. The server is a process of its own; the clients
share the machine's two cores with it, as a browser on the same desk would.

    .venv/bin/python bench/load.py [--clients 50] [--seconds 60]
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


def start_server(workdir: Path, port: int) -> subprocess.Popen[bytes]:
    lianfang = Path(sys.executable).with_name("lianfang")
    env = {**os.environ, "LIANFANG_DATA": str(workdir / "data")}
    env.pop("LIANFANG_STORE", None)
    server = subprocess.Popen(
        [str(lianfang), "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=5).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not come up within 180 s")


def client(
    base: str, start: int, until: float, found: dict[str, list[float]], errors: list[str]
) -> None:
    with httpx.Client(base_url=base, timeout=60) as http:
        index = start
        while time.monotonic() < until:
            url = MIX[index % len(MIX)]
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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def sizes(base: str) -> dict[str, int]:
    return {url: len(httpx.get(base + url, timeout=60).content) for url in MIX}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lf-load-", dir="/tmp"))
    port = free_port()
    server = start_server(workdir, port)
    base = f"http://127.0.0.1:{port}"
    try:
        size = sizes(base)  # also a first visit to each URL, as after a start
        found: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=client, args=(base, n, until, found, errors))
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)
    every = [ms for values in found.values() for ms in values]
    print(
        f"{args.clients} clients, {args.seconds:.0f} s: {len(every) / args.seconds:.1f} req/s, "
        f"p50 {statistics.median(every):.0f} ms, p95 {percentile(every, 0.95):.0f} ms, "
        f"p99 {percentile(every, 0.99):.0f} ms, {len(errors)} errors"
    )
    for url in MIX:
        values = found.get(url) or [float("nan")]
        print(
            f"  {url:<42} p50 {statistics.median(values):7.0f} ms  p95 "
            f"{percentile(values, 0.95):7.0f} ms  {size[url] / 1024:7.0f} KB"
        )
    for error in sorted(set(errors))[:10]:
        print(f"  error: {error}")


if __name__ == "__main__":
    main()
