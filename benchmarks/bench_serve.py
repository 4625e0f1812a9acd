"""Load test of ``mesokg serve`` against ``oxigraph serve-read-only`` on the same graph.

Both servers run on 127.0.0.1 in this run; the same bounded load hits each in turn: CLIENTS
threads (http.client, keep-alive) for DURATION seconds each, cycling over a mix of saved queries
with typical parameters. Three targets:

- ``oxigraph``: ``oxigraph serve-read-only --union-default-graph`` (PyPI ``oxigraph``), the query
  text with parameters bound by a VALUES block (what :class:`mesokg.store.RemoteStore` sends);
- ``mesokg /queries``: ``GET /queries/NAME?param=value`` (parameters bound by substitution);
- ``mesokg /sparql``: ``POST /sparql`` with exactly the text sent to Oxigraph.

Prints requests/s, p50 and p99 latency and errors for each, and mesokg/Oxigraph ratios.
Targets: no errors; mesokg ≥ 0.5 × Oxigraph's throughput; p99 < 100 ms.

    .venv/bin/python benchmarks/bench_serve.py [--clients 8] [--duration 20] [--json out.json]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from mesokg.procs import free_port, stop_process, wait_http

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

#: (saved query, parameters): what the query page and scripts typically ask
MIX: list[tuple[str, dict[str, str]]] = [
    ("substances-for-indication", {"indication": "androgenetic-alopecia"}),
    ("substances-for-indication", {"indication": "localized-fat-deposits"}),
    ("indications-for-substance", {"substance": "hyaluronic-acid"}),
    ("indications-for-substance", {"substance": "hair-mesotherapy"}),
    ("evidence-for-pair", {"subject": "dutasteride", "indication": "female-pattern-hair-loss"}),
    ("adverse-events", {"subject": "mesotherapy"}),
    ("mechanisms-for-substance", {"substance": "growth-factors"}),
    ("procedures-for-indication", {"indication": "musculoskeletal-pain"}),
    ("technique-parameters", {"technique": "mesotherapy"}),
    ("formulation-ingredients", {}),
    ("history-timeline", {"from_year": "1950", "to_year": "2000"}),
    ("indications-by-area", {"area": "hair"}),
    ("find-term", {"text": "hyaluronic"}),
    ("lipolytic-substances", {}),
    ("contraindications", {}),
    ("external-identifiers", {"term": "alopecia-areata"}),
]

ACCEPT = "application/sparql-results+json"


def requests_for_mix() -> tuple[list[tuple], list[tuple]]:
    """(mesokg saved-query requests, SPARQL texts with VALUES) for the mix, in the same order."""
    from mesokg.query.saved import bind_params, get_saved
    from mesokg.store import inject_values

    saved, texts = [], []
    for name, params in MIX:
        q = get_saved(name)
        saved.append(("GET", f"/queries/{name}?" + urllib.parse.urlencode(params), None, {}))
        text = inject_values(q.text, bind_params(q, params))
        texts.append(text)
    return saved, texts


def form(path: str, texts: list[str]) -> list[tuple]:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return [("POST", path, urllib.parse.urlencode({"query": t}).encode(), headers) for t in texts]


def one(conn: http.client.HTTPConnection, req: tuple) -> tuple[int, bytes]:
    method, path, body, headers = req
    conn.request(method, path, body=body, headers={"Accept": ACCEPT, **headers})
    r = conn.getresponse()
    return r.status, r.read()


def load(port: int, reqs: list[tuple], clients: int, duration: float) -> dict:
    """CLIENTS threads, each cycling over ``reqs`` (from its own offset) until the time is up."""
    lat: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        k = i * 5
        start.wait()
        while time.perf_counter() < stop_at[0]:
            req = reqs[k % len(reqs)]
            k += 1
            t0 = time.perf_counter()
            try:
                status, _ = one(conn, req)
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            lat[i].append(time.perf_counter() - t0)
            if status != 200:
                errors[i] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    stop_at[0] = t0 + duration
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    all_lat = sorted(x for per in lat for x in per)
    n = len(all_lat)

    def pct(p: float) -> float:
        return all_lat[min(n - 1, int(p * n))] * 1000 if n else float("nan")

    return {
        "requests": n,
        "rps": n / elapsed,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": pct(1.0),
        "errors": sum(errors),
    }


def row_counts(port: int, reqs: list[tuple]) -> list[int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    out = []
    for req in reqs:
        status, body = one(conn, req)
        if status != 200:
            raise RuntimeError(f"{req[1]}: HTTP {status}: {body[:200]!r}")
        out.append(len(json.loads(body)["results"]["bindings"]))
    conn.close()
    return out


def start(cmd: list[str], health: str, log: Path) -> subprocess.Popen:
    fh = open(log, "wb")
    proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)
    try:
        wait_http(health, timeout=180.0)
    except RuntimeError:
        proc.kill()
        raise RuntimeError(f"{cmd[0]} did not start; see {log}:\n{log.read_text(errors='replace')[-2000:]}") from None
    return proc


def stop(proc: subprocess.Popen) -> None:
    stop_process(proc, 15)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--duration", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=None, help="mesokg serve --workers (default: its own)")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)

    from mesokg.knowledge.dataset import dataset_quads
    from mesokg.rdfio import serialize

    oxigraph = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
    mesokg = shutil.which("mesokg", path=str(BIN)) or shutil.which("mesokg")
    if not oxigraph or not mesokg:
        print("needs the oxigraph and mesokg commands (pip install -e '.[test]')", file=sys.stderr)
        return 2
    quads = dataset_quads()  # also fills the reasoning cache the server will use
    saved_reqs, texts = requests_for_mix()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        tmpd = Path(tmp)
        data = tmpd / "mesokg.nq"
        data.write_bytes(serialize(quads, "nq"))
        subprocess.run(
            [oxigraph, "load", "--location", str(tmpd / "db"), "--file", str(data)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        port = free_port()
        ox_proc = start(
            [
                oxigraph,
                "serve-read-only",
                "--location",
                str(tmpd / "db"),
                "--bind",
                f"127.0.0.1:{port}",
                "--union-default-graph",
                "--timeout-s",
                "10",
            ],
            f"http://127.0.0.1:{port}/query?query=ASK%7B%7D",
            tmpd / "oxigraph.log",
        )
        try:
            ox_reqs = form("/query", texts)
            ox_counts = row_counts(port, ox_reqs)
            results["oxigraph"] = load(port, ox_reqs, args.clients, args.duration)
        finally:
            stop(ox_proc)

        port = free_port()
        cmd = [mesokg, "serve", "--port", str(port)]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        mk_proc = start(cmd, f"http://127.0.0.1:{port}/healthz", tmpd / "mesokg.log")
        try:
            sparql_reqs = form("/sparql", texts)
            mk_counts = row_counts(port, saved_reqs)
            if mk_counts != ox_counts or row_counts(port, sparql_reqs) != ox_counts:
                print(f"warning: row counts differ: oxigraph {ox_counts}, mesokg {mk_counts}", file=sys.stderr)
            results["mesokg /queries"] = load(port, saved_reqs, args.clients, args.duration)
            results["mesokg /sparql"] = load(port, sparql_reqs, args.clients, args.duration)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as r:
                workers = json.loads(r.read())["workers"]
        finally:
            stop(mk_proc)

    base = results["oxigraph"]
    print(
        f"\nmesokg serve vs oxigraph serve-read-only: {args.clients} clients x {args.duration:g} s each, "
        f"{len(MIX)} saved queries with parameters, {len(quads)} quads, mesokg workers: {workers}, "
        f"cores: {os.cpu_count()}"
    )
    print(f"{'target':<18}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}{'req/s ratio':>13}")
    for name, r in results.items():
        print(
            f"{name:<18}{r['rps']:>9.1f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['max_ms']:>9.1f}{r['errors']:>8}"
            f"{r['rps'] / base['rps']:>13.2f}"
        )
    saved = results["mesokg /queries"]
    ok = saved["errors"] == 0 and saved["rps"] >= 0.5 * base["rps"] and saved["p99_ms"] < 100
    print(f"targets (no errors, >= 0.5 x oxigraph req/s, p99 < 100 ms) for /queries: {'met' if ok else 'NOT met'}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"clients": args.clients, "duration": args.duration, "results": results}, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
