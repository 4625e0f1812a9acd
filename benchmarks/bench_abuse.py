"""``mesokg serve`` under abuse (issue 11): latency of cheap requests, and the server's memory.

One server on 127.0.0.1 (``run_serve(workers=3, timeout=5)``), measured in this run:

1. **baseline**: ``/healthz`` and ``ASK {}`` latency on the idle server;
2. **abuse**: the same while four clients run cross-product queries in loops, one client sends
   1 MB lexer-stressing bodies (``<a`` 500,000 times), and 400 sockets hold half-sent headers;
   printed with the ratio to the baseline (target: every request under one second);
3. **memory**: the server process's resident memory (VmRSS) through 1,000 distinct 1 MB queries
   (four clients), sampled every 100; printed with the growth over the loaded server's size.

    .venv/bin/python benchmarks/bench_abuse.py [--samples 20] [--queries 1000]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from mesokg.procs import free_port, stop_process, wait_http

EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
STRESS = ("<a" * 500_000).encode()


def request(base: str, path: str, data: bytes | None = None, ctype: str = "application/sparql-query") -> float:
    t0 = time.perf_counter()
    req = urllib.request.Request(base + path, data=data, headers={"Content-Type": ctype} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            r.read()
    except urllib.error.HTTPError as e:
        e.read()
    except (urllib.error.URLError, OSError):  # e.g. refused before the whole body was sent (429)
        pass
    return time.perf_counter() - t0


def sample(base: str, n: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"healthz": [], "ask": []}
    for _ in range(n):
        out["healthz"].append(request(base, "/healthz"))
        out["ask"].append(request(base, "/sparql?query=ASK%20%7B%7D"))
        time.sleep(0.1)
    return out


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--queries", type=int, default=1000)
    args = ap.parse_args()
    port = free_port()
    code = f"from mesokg.serve import run_serve; run_serve(port={port}, timeout=5, workers=3)"
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/healthz", timeout=180)
        idle = sample(base, args.samples)

        stop = threading.Event()

        def cross():
            while not stop.is_set():
                request(base, "/sparql", EXPLOSIVE.encode())

        def stress():
            while not stop.is_set():
                request(base, "/sparql", STRESS)

        threads = [threading.Thread(target=cross) for _ in range(4)] + [threading.Thread(target=stress)]
        for t in threads:
            t.start()
        slow = []
        for _ in range(400):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            slow.append(s)
        time.sleep(1.0)
        abused = sample(base, args.samples)
        stop.set()
        for s in slow:
            s.close()
        for t in threads:
            t.join(60)

        print(f"{'request':10} {'idle p50':>9} {'idle max':>9} {'abuse p50':>10} {'abuse max':>10} {'ratio p50':>10}")
        for k in ("healthz", "ask"):
            i50, a50 = statistics.median(idle[k]), statistics.median(abused[k])
            print(f"{k:10} {i50:9.3f} {max(idle[k]):9.3f} {a50:10.3f} {max(abused[k]):10.3f} {a50 / i50:10.1f}")
        worst = max(max(abused["healthz"]), max(abused["ask"]))
        print(f"worst latency under abuse: {worst:.3f} s (target < 1 s)")

        time.sleep(6)  # queries of the abuse phase are over
        start = rss_kib(proc.pid)
        peak = start
        body = b"x" * 1_000_000

        def big(i: int) -> None:
            request(base, "/sparql", f"ASK {{}} # {i} ".encode() + body)

        with ThreadPoolExecutor(4) as pool:
            for done in range(0, args.queries, 100):
                list(pool.map(big, range(done, min(done + 100, args.queries))))
                peak = max(peak, rss_kib(proc.pid))
        end = rss_kib(proc.pid)
        print(
            f"server RSS through {args.queries} distinct 1 MB queries: loaded {start / 1024:.0f} MiB, "
            f"peak {peak / 1024:.0f} MiB (+{(peak - start) / 1024:.0f}), after {end / 1024:.0f} MiB"
        )
    finally:
        stop_process(proc, 15)
        log.close()


if __name__ == "__main__":
    main()
