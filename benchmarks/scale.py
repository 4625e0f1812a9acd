"""How mesokg grows with the graph: the curated seeds copied k times, every step timed.

    python benchmarks/scale.py --k 1 3 10 30            # routinely (≈ 30 min on 2 cores)
    python benchmarks/scale.py --k 100 --timeout 1800   # once; results are merged
    python benchmarks/scale.py --report                 # table, exponents, plot, README section

The synthetic extension: copy 0 is the shipped seeds; copies 1 … k-1 repeat every curated
statement with every instance IRI (``mkd:`` nodes the seeds define, blank nodes) renamed per
copy and labels suffixed with the copy number, so the shapes, the claim pattern and the
conflicts are the same in every copy and no copy collides with another. The ontology and the
mappings are not copied.

At each k, in fresh processes (wall time, peak resident memory of the process tree):

- mesokg: ``build`` (reason + validate + release files), ``validate``, ``reason``, ``load`` of the
  copies into a fresh on-disk store, ``load`` of one small file (one paper's claims) into that
  store, a saved query from the command line (cold) and in-process against raw pyoxigraph on the
  same store, ``network --out x.png``, ``map`` (when the command exists), and the endpoint's
  throughput (``mesokg serve`` on the store, 4 clients, 10 s);
- raw baselines in the same run: pyoxigraph bulk load + the same query, the ``oxigraph load``
  command, rdflib + pyshacl on the same data and shapes, ``oxigraph serve-read-only``.

Each measurement is kept in ``benchmarks/scale-results.json`` as soon as it is taken, so a run
can be stopped and resumed (``--force`` measures again). A step that runs past ``--timeout``
is stopped and recorded as a lower bound. ``--report`` prints the table and the growth
exponent of every step between consecutive k (log of the time ratio over log of the size ratio),
draws ``benchmarks/scale.png`` and rewrites the scale section of ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BIN = Path(PY).parent
MESOKG = shutil.which("mesokg", path=str(BIN)) or "mesokg"
OXIGRAPH = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph") or "oxigraph"
RESULTS = ROOT / "benchmarks" / "scale-results.json"
PLOT = ROOT / "benchmarks" / "scale.png"
README = ROOT / "benchmarks" / "README.md"
MKD = "https://w3id.org/mesokg/id/"
QUERY = "conflicting-claims"
LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
)

PAPER = """@prefix mk: <https://w3id.org/mesokg/> .
@prefix mkd: <https://w3id.org/mesokg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

# One new paper with two claims about nodes of copy 0 (the incremental-load step).
mkd:scale-new-paper a mk:ResearchArticle ;
    rdfs:label "Scale benchmark paper"@en ;
    skos:definition "A made-up case series used only to time loading one paper into a large store."@en ;
    mk:studyDesign mk:CaseSeries ;
    mk:year 2024 .

mkd:claim-scale-new-paper-1 a mk:Claim ;
    rdfs:label "a made-up claim of the scale benchmark paper"@en ;
    mk:summary "A made-up case series reports the procedure was used for the condition."@en ;
    mk:subject <SUBJECT> ; mk:predicate <PREDICATE> ; mk:object <OBJECT> ;
    mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_4 ; mk:statedDesign mk:CaseSeries ;
    mk:source mkd:scale-new-paper ; mk:curatedFrom <SEED> .
<SUBJECT> <PREDICATE> <OBJECT> .
"""


# ---------------------------------------------------------------------------------------------
# the synthetic extension


def seed_quads():
    sys.path.insert(0, str(ROOT))
    from mesokg.knowledge.assemble import curated_quads
    from mesokg.rdfio import GRAPH_CURATED

    return [q for q in curated_quads() if q.graph_name == GRAPH_CURATED]


def seeds_folder(k: int, work: Path) -> tuple[Path, Path | None, int]:
    """A seeds folder for k copies: the shipped seed files (linked) plus copies 1..k-1 in one
    file (N-Triples, which is also Turtle). Returns the folder, the copies file, its size."""
    folder = work / f"seeds-k{k}"
    folder.mkdir(parents=True, exist_ok=True)
    for f in sorted((ROOT / "seeds").glob("*.ttl")):
        link = folder / f.name
        if not link.exists():
            link.symlink_to(f)
    if k == 1:
        return folder, None, 0
    copies, n = make_copies(k, work)
    target = folder / "zz-copies.ttl"
    if not target.exists():
        target.symlink_to(copies)
    return folder, target, n


def make_copies(k: int, work: Path) -> tuple[Path, int]:
    """Write copies 1..k-1 of the seeds to one N-Triples file; return it and its line count."""
    import pyoxigraph as ox

    out = work / f"copies-k{k}.nt"
    meta = work / f"copies-k{k}.json"
    if out.exists() and meta.exists():
        return out, json.loads(meta.read_text())["triples"]
    quads = seed_quads()
    defined = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
    instances = {s for s in defined if s.startswith(MKD)}
    tmp = out.with_suffix(".part")
    n = 0
    with tmp.open("wb") as f:
        for i in range(1, k):
            suffix = f"-c{i}"

            def ren(t, suffix=suffix, i=i):
                if isinstance(t, ox.NamedNode) and t.value in instances:
                    return ox.NamedNode(t.value + suffix)
                if isinstance(t, ox.BlankNode):
                    return ox.BlankNode(f"{t.value}c{i}")
                return t

            triples = []
            for q in quads:
                o = q.object
                if q.predicate.value in LABELS and isinstance(o, ox.Literal):
                    o = (
                        ox.Literal(f"{o.value} {i}", language=o.language)
                        if o.language
                        else ox.Literal(f"{o.value} {i}")
                    )
                triples.append(ox.Triple(ren(q.subject), q.predicate, ren(o)))
            f.write(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
            n += len(triples)
    tmp.replace(out)
    meta.write_text(json.dumps({"triples": n}))
    return out, n


def paper_file(work: Path) -> Path:
    """One small file: a new paper and a claim that reuse nodes of copy 0."""
    sys.path.insert(0, str(ROOT))
    import pyoxigraph as ox

    from mesokg.knowledge.assemble import curated_quads

    store = ox.Store()
    store.extend(curated_quads())
    row = next(
        iter(
            store.query(
                """PREFIX mk: <https://w3id.org/mesokg/>
                SELECT ?s ?o ?seed WHERE { ?c mk:predicate mk:usedFor ; mk:subject ?s ; mk:object ?o ;
                mk:polarity mk:Supports ; mk:curatedFrom ?seed } ORDER BY ?c LIMIT 1""",
                use_default_graph_as_union=True,
            )
        )
    )
    text = (
        PAPER.replace("<SUBJECT>", str(row["s"]))
        .replace("<OBJECT>", str(row["o"]))
        .replace("<PREDICATE>", "<https://w3id.org/mesokg/usedFor>")
        .replace("<SEED>", str(row["seed"]))
    )
    f = work / "one-paper.ttl"
    f.write_text(text, encoding="utf-8")
    return f


# ---------------------------------------------------------------------------------------------
# running one step


def run(cmd: list[str], timeout: float, env: dict | None = None, cwd: Path = ROOT) -> dict:
    """Run a command in its own process group; wall time, peak RSS (MiB) of the tree, status."""
    t0 = time.perf_counter()
    p = subprocess.Popen(
        cmd,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    timed_out = threading.Event()

    def kill():
        timed_out.set()
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    out_chunks: list[bytes] = []
    err_chunks: list[bytes] = []
    t_out = threading.Thread(target=lambda: out_chunks.append(p.stdout.read()))
    t_err = threading.Thread(target=lambda: err_chunks.append(p.stderr.read()))
    t_out.start()
    t_err.start()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    timer.cancel()
    t_out.join()
    t_err.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    res = {
        "seconds": round(wall, 3),
        "peak_mib": round(usage.ru_maxrss / 1024, 1),
        "ok": p.returncode == 0 and not timed_out.is_set(),
    }
    if timed_out.is_set():
        res["timed_out"] = True
    if not res["ok"]:
        res["error"] = (b"".join(err_chunks) or b"".join(out_chunks)).decode("utf-8", "replace").strip()[-400:]
    res["stdout_tail"] = b"".join(out_chunks).decode("utf-8", "replace").strip()[-300:]
    return res


RAW_PYSHACL = r"""
import sys, rdflib, pyshacl, glob
g = rdflib.Graph()
for f in ["ontology/mesokg.ttl", *sorted(glob.glob("seeds/*.ttl"))]:
    g.parse(f, format="turtle")
for f in sys.argv[1:]:
    g.parse(f, format="nt")
shapes = rdflib.Graph().parse("ontology/shapes.ttl", format="turtle")
conforms, _, _ = pyshacl.validate(g, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
print(len(g), conforms)
"""

RAW_OXIGRAPH = r"""
import sys, time, glob, pyoxigraph as ox
store = ox.Store(sys.argv[1])
t = time.perf_counter()
store.bulk_load(path="ontology/mesokg.ttl", format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://w3id.org/mesokg/graph/ontology"))
for f in sorted(glob.glob("seeds/*.ttl")):
    store.bulk_load(path=f, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://w3id.org/mesokg/graph/curated"))
for f in sys.argv[2:]:
    store.bulk_load(path=f, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("https://w3id.org/mesokg/graph/curated"))
store.flush()
print(len(store))
"""

QUERY_COMPARE = r"""
import sys, time, statistics, json
sys.path.insert(0, sys.argv[2])
import pyoxigraph as ox
from mesokg.store import OxigraphStore
from mesokg.query.saved import get_saved
name = sys.argv[3]
store = OxigraphStore(sys.argv[1], read_only=True)
raw = store.raw
text = get_saved(name).text
def mine():
    return store.run_saved(name)
def base():
    return [tuple(s) for s in raw.query(text, use_default_graph_as_union=True)]
mine(); base()
a, b = [], []
for i in range(5):
    t = time.perf_counter(); n1 = len(mine()); a.append(time.perf_counter() - t)
    t = time.perf_counter(); n2 = len(base()); b.append(time.perf_counter() - t)
print(json.dumps({"mesokg_ms": statistics.median(a) * 1000, "raw_ms": statistics.median(b) * 1000, "rows": n1, "raw_rows": n2}))
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def throughput(cmd: list[str], url: str, query: str, seconds: float, clients: int, ready_timeout: float) -> dict:
    """Start a server, wait until it answers, hit it with ``clients`` threads for ``seconds``."""
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    body = urllib.parse.urlencode({"query": query}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}

    def ask() -> bool:
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310 - loopback only
            r.read()
            return r.status == 200

    t0 = time.perf_counter()
    try:
        while True:
            if p.poll() is not None:
                return {"ok": False, "error": p.stderr.read().decode("utf-8", "replace")[-300:]}
            try:
                ask()
                break
            except OSError:
                if time.perf_counter() - t0 > ready_timeout:
                    return {"ok": False, "error": f"not ready after {ready_timeout:.0f} s"}
                time.sleep(0.5)
        startup = time.perf_counter() - t0
        counts, errors = [0] * clients, [0] * clients
        stop = time.perf_counter() + seconds

        def client(i):
            while time.perf_counter() < stop:
                try:
                    ok = ask()
                    counts[i] += 1 if ok else 0
                    errors[i] += 0 if ok else 1
                except OSError:
                    errors[i] += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return {
            "ok": True,
            "req_per_s": round(sum(counts) / seconds, 1),
            "errors": sum(errors),
            "startup_s": round(startup, 1),
        }
    finally:
        try:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def has_map_command() -> bool:
    r = subprocess.run([MESOKG, "map", "--help"], cwd=ROOT, capture_output=True, text=True)
    return r.returncode == 0 and "--out" in r.stdout


# ---------------------------------------------------------------------------------------------
# the run


def load_results() -> dict:
    data: dict = {"runs": {}}
    for f in [RESULTS, *sorted(RESULTS.parent.glob(RESULTS.stem + "-*.json"))]:
        if f.exists():  # parts written by runs side by side (--results) are merged in
            for k, rec in json.loads(f.read_text(encoding="utf-8"))["runs"].items():
                data["runs"].setdefault(k, {}).update(rec)
    return data


def save_results(data: dict) -> None:
    tmp = RESULTS.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(RESULTS)


def measure(k: int, args, data: dict, work: Path) -> None:
    rec = data["runs"].setdefault(str(k), {})
    seeds, copies, n_copies = seeds_folder(k, work)
    rec["copies_triples"] = n_copies
    extra = [str(copies)] if copies else []
    cache = work / f"cache-k{k}"
    env = {"MESOKG_CACHE": str(cache)}  # cold reasoner cache for every k
    timeout = args.timeout

    def step(name: str, fn):
        if name in rec and not args.force and rec[name].get("ok", False) | rec[name].get("timed_out", False):
            print(f"  k={k} {name}: kept ({rec[name].get('seconds', '-')} s)", flush=True)
            return
        if args.only and name not in args.only:
            return
        runs = [fn() for _ in range(max(1, args.repeat))]
        runs.sort(key=lambda x: x.get("seconds") or 0)
        r = runs[len(runs) // 2]  # the median run (its memory too)
        if len(runs) > 1:
            r["repeats"] = len(runs)
        rec[name] = r
        save_results(data)
        sec = r.get("seconds")
        extra_txt = {kk: v for kk, v in r.items() if kk not in ("stdout_tail", "error", "seconds", "ok")}
        status = (
            "ok" if r.get("ok") else ("TIMED OUT" if r.get("timed_out") else "FAILED: " + r.get("error", "")[-200:])
        )
        print(f"  k={k} {name}: {sec if sec is not None else '-'} s {extra_txt} {status}", flush=True)

    store = work / f"store-k{k}"
    raw_store = work / f"raw-store-k{k}"
    ox_store = work / f"oxigraph-cli-k{k}"
    out = work / f"dist-k{k}"

    step("validate", lambda: run([MESOKG, "validate", "--seeds", str(seeds), "--no-warnings"], timeout))
    step("reason", lambda: run([MESOKG, "reason", "--seeds", str(seeds), "--limit", "0"], timeout, env))
    step("build", lambda: run([MESOKG, "build", "--seeds", str(seeds), "--out", str(out), "-q"], timeout, env))

    def load_fresh():
        shutil.rmtree(store, ignore_errors=True)
        r = run(
            [MESOKG, "load", *extra, "--store", str(store)] if extra else [MESOKG, "stats", "--store", str(store)],
            timeout,
            env,
        )
        rec.pop("incremental_load", None)
        return r

    step("load", load_fresh)
    if store.exists():
        rec["store_quads"] = count_store(store)
    paper = paper_file(work)
    step("incremental_load", lambda: run([MESOKG, "load", str(paper), "--store", str(store)], timeout, env))
    step("query_cli", lambda: run([MESOKG, "query", QUERY, "--store", str(store), "--format", "json"], timeout))

    def query_compare():
        r = run([PY, "-c", QUERY_COMPARE, str(store), str(ROOT), QUERY], timeout)
        if r["ok"]:
            r.update(json.loads(r["stdout_tail"].splitlines()[-1]))
            r["ratio"] = round(r["mesokg_ms"] / max(r["raw_ms"], 1e-6), 2)
        return r

    step("query_vs_raw", query_compare)
    step(
        "network_png",
        lambda: run([MESOKG, "network", "--store", str(store), "--out", str(work / f"net-k{k}.png")], timeout),
    )
    if has_map_command():
        step(
            "map_png",
            lambda: run([MESOKG, "map", "--store", str(store), "--out", str(work / f"map-k{k}.png")], timeout),
        )

    def endpoint(which: str):
        port = free_port()
        if which == "mesokg":
            cmd = [MESOKG, "serve", "--store", str(store), "--port", str(port)]
            url = f"http://127.0.0.1:{port}/sparql"
        else:
            cmd = [OXIGRAPH, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"]
            cmd += ["--union-default-graph"]
            url = f"http://127.0.0.1:{port}/query"
        sys.path.insert(0, str(ROOT))
        from mesokg.query.saved import get_saved

        t = time.perf_counter()
        r = throughput(cmd, url, get_saved(QUERY).text, args.serve_seconds, 4, timeout)
        r["seconds"] = round(time.perf_counter() - t, 1)
        return r

    step("endpoint_mesokg", lambda: endpoint("mesokg"))
    step("endpoint_oxigraph", lambda: endpoint("oxigraph"))

    # raw baselines
    def raw_load():
        shutil.rmtree(raw_store, ignore_errors=True)
        return run([PY, "-c", RAW_OXIGRAPH, str(raw_store), *extra], timeout)

    step("raw_pyoxigraph_load", raw_load)

    def raw_query():
        r = run([PY, "-c", QUERY_COMPARE, str(store), str(ROOT), QUERY], timeout)
        if r["ok"]:
            r["seconds"] = round(json.loads(r["stdout_tail"].splitlines()[-1])["raw_ms"] / 1000, 4)
        return r

    step("raw_query", raw_query)

    def ox_cli():
        shutil.rmtree(ox_store, ignore_errors=True)
        files = [str(ROOT / "ontology" / "mesokg.ttl"), *map(str, sorted((ROOT / "seeds").glob("*.ttl"))), *extra]
        return run([OXIGRAPH, "load", "--location", str(ox_store), "--file", *files], timeout)

    step("raw_oxigraph_cli_load", ox_cli)
    step("raw_pyshacl", lambda: run([PY, "-c", RAW_PYSHACL, *extra], args.pyshacl_timeout))
    for d in (raw_store, ox_store, out):
        shutil.rmtree(d, ignore_errors=True)


def count_store(path: Path) -> int:
    r = subprocess.run(
        [PY, "-c", "import sys, pyoxigraph as ox; print(len(ox.Store.read_only(sys.argv[1])))", str(path)],
        capture_output=True,
        text=True,
    )
    return int(r.stdout.strip() or 0)


# ---------------------------------------------------------------------------------------------
# report

STEPS = [
    ("validate", "`mesokg validate`"),
    ("raw_pyshacl", "raw rdflib + pyshacl (baseline)"),
    ("reason", "`mesokg reason`"),
    ("build", "`mesokg build`"),
    ("load", "`mesokg load` into a fresh store"),
    ("raw_pyoxigraph_load", "raw pyoxigraph bulk load (baseline)"),
    ("raw_oxigraph_cli_load", "`oxigraph load` (baseline)"),
    ("incremental_load", "`mesokg load` of one paper into that store"),
    ("query_cli", f"`mesokg query {QUERY}` (cold CLI)"),
    ("query_vs_raw", "same query in-process, mesokg ms"),
    ("raw_query", "same query, raw pyoxigraph ms (baseline)"),
    ("network_png", "`mesokg network --out x.png`"),
    ("map_png", "`mesokg map --out x.png`"),
]


BASE = {"quads": 0}  # statements of the shipped graph (k=1), set by report()


def size_of(rec: dict) -> int:
    """Statements given to each step: the shipped graph plus the copies (the same measure at every k)."""
    return BASE["quads"] + rec.get("copies_triples", 0)


def step_seconds(rec: dict, name: str) -> float | None:
    r = rec.get(name)
    if not r:
        return None
    if name == "query_vs_raw":
        return r.get("mesokg_ms", 0) / 1000 if r.get("ok") else None
    return r.get("seconds")


def fmt_time(rec: dict, name: str) -> str:
    r = rec.get(name)
    if not r:
        return "—"
    if name in ("query_vs_raw", "raw_query") and r.get("ok"):
        ms = r.get("mesokg_ms") if name == "query_vs_raw" else r["seconds"] * 1000
        return f"{ms:.1f} ms"
    s = r.get("seconds", 0)
    txt = f"{s:.1f} s" if s >= 1 else f"{s:.2f} s"
    if r.get("timed_out"):
        return f"> {txt} (stopped)"
    if not r.get("ok"):
        err = (r.get("error") or "").strip().splitlines()
        refusals = ("too many nodes for a legible picture", "more than a png can show legibly")
        if err and len(err) == 1 and any(m in err[-1] for m in refusals):  # one line, with advice
            return f"refused in one line, {txt}"
        return f"failed ({err[-1][:60] if err else 'no message'})"
    return txt


def exponents(data: dict, name: str) -> list[tuple[int, int, float | None]]:
    ks = sorted(int(k) for k in data["runs"])
    out = []
    for a, b in zip(ks, ks[1:], strict=False):
        ra, rb = data["runs"][str(a)], data["runs"][str(b)]
        ta, tb = step_seconds(ra, name), step_seconds(rb, name)
        na, nb = size_of(ra), size_of(rb)
        ok = ta and tb and na and nb and ra[name].get("ok") and rb[name].get("ok")
        out.append((a, b, math.log(tb / ta) / math.log(nb / na) if ok else None))
    return out


def report(data: dict) -> str:
    ks = sorted(int(k) for k in data["runs"])
    BASE["quads"] = data["runs"].get("1", {}).get("store_quads", 0)
    runs = data["runs"]
    lines = []
    head = "| step | " + " | ".join(f"k={k}" for k in ks) + " | growth exponent per step |"
    lines.append(head)
    lines.append("|---|" + "---:|" * len(ks) + "---|")
    lines.append(
        "| statements (shipped graph + copies) | " + " | ".join(f"{size_of(runs[str(k)]):,}" for k in ks) + " | |"
    )
    for name, title in STEPS:
        if not any(name in runs[str(k)] for k in ks):
            continue
        exps = exponents(data, name)
        etxt = ", ".join(f"{e:.2f}" if e is not None else "–" for _, _, e in exps)
        lines.append(f"| {title} | " + " | ".join(fmt_time(runs[str(k)], name) for k in ks) + f" | {etxt} |")
    lines.append("")
    lines.append("Peak resident memory (MiB) of the process tree:")
    lines.append("")
    lines.append("| step | " + " | ".join(f"k={k}" for k in ks) + " |")
    lines.append("|---|" + "---:|" * len(ks))
    for name, title in STEPS:
        vals = [runs[str(k)].get(name, {}).get("peak_mib") for k in ks]
        if any(vals) and name not in ("query_vs_raw", "raw_query"):
            lines.append(f"| {title} | " + " | ".join(f"{v:,.0f}" if v else "—" for v in vals) + " |")
    lines.append("")
    lines.append("Endpoint, `conflicting-claims` by POST, 4 clients (requests/s; errors):")
    lines.append("")
    lines.append("| server | " + " | ".join(f"k={k}" for k in ks) + " |")
    lines.append("|---|" + "---:|" * len(ks))
    for name, title in (("endpoint_mesokg", "`mesokg serve`"), ("endpoint_oxigraph", "`oxigraph serve-read-only`")):
        cells = []
        for k in ks:
            r = runs[str(k)].get(name)
            if not r:
                cells.append("—")
            elif not r.get("ok"):
                cells.append("failed")
            else:
                cells.append(f"{r['req_per_s']} ({r['errors']})")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    lines.append("")
    qv = [(k, runs[str(k)].get("query_vs_raw", {}).get("ratio")) for k in ks]
    lines.append("Saved query in-process / raw pyoxigraph: " + ", ".join(f"k={k}: {r}×" for k, r in qv if r))
    return "\n".join(lines)


def plot(data: dict) -> None:
    import matplotlib

    BASE["quads"] = data["runs"].get("1", {}).get("store_quads", 0)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ks = sorted(int(k) for k in data["runs"])
    fig, ax = plt.subplots(figsize=(9, 6), dpi=100)
    colours = plt.cm.tab20.colors  # one colour per step (the default cycle repeats after ten)
    for i, (name, title) in enumerate(STEPS):
        pts = [
            (size_of(data["runs"][str(k)]), step_seconds(data["runs"][str(k)], name))
            for k in ks
            if data["runs"][str(k)].get(name, {}).get("ok") and step_seconds(data["runs"][str(k)], name)
        ]
        if len(pts) >= 2:
            xs, ys = zip(*pts, strict=True)
            baseline = "baseline" in title
            label = title.replace("`", "").replace(" ms", "")
            ax.plot(
                xs,
                ys,
                marker="s" if baseline else "o",
                ls="--" if baseline else "-",
                color=colours[i % 20],
                label=label,
            )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("statements (shipped graph + copies)")
    ax.set_ylabel("wall time, s")
    ax.set_title("mesokg at k copies of the seeds (2 cores)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(PLOT)


def write_readme(text: str) -> None:
    begin, end = "<!-- scale:begin -->", "<!-- scale:end -->"
    readme = README.read_text(encoding="utf-8")
    block = f"{begin}\n{text}\n\n![time against graph size](scale.png)\n{end}"
    if begin in readme:
        pre, rest = readme.split(begin, 1)
        post = rest.split(end, 1)[1]
        readme = pre + block + post
    else:
        readme = readme.rstrip() + "\n\n" + block + "\n"
    tmp = README.with_suffix(".tmp")
    tmp.write_text(readme, encoding="utf-8")
    tmp.replace(README)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--k", type=int, nargs="*", default=[], help="copies to measure, e.g. 1 3 10 30")
    ap.add_argument("--timeout", type=float, default=1200, help="seconds before a step is stopped")
    ap.add_argument("--pyshacl-timeout", type=float, default=600, help="seconds before raw pyshacl is stopped")
    ap.add_argument("--serve-seconds", type=float, default=10, help="load duration per endpoint")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "mesokg-scale"), help="work folder")
    ap.add_argument("--force", action="store_true", help="measure again what is already recorded")
    ap.add_argument("--only", nargs="*", help="measure only these steps")
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each step this many times and keep the median (steps that leave nothing behind: validate, reason, query_cli)",
    )
    ap.add_argument("--report", action="store_true", help="print the table, draw the plot, update the README")
    ap.add_argument("--results", help="write measurements to this JSON file instead (to run two k side by side)")
    args = ap.parse_args()
    global RESULTS
    if args.results:
        RESULTS = Path(args.results).resolve()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    data = load_results()
    for k in args.k:
        print(f"k={k}", flush=True)
        measure(k, args, data, work)
    if args.report or not args.k:
        text = report(data)
        print(text)
        plot(data)
        write_readme(text)


if __name__ == "__main__":
    main()
