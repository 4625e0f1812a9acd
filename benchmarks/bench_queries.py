"""Saved queries: mesokg's query path against raw pyoxigraph and rdflib, and ``mesokg query`` cold.

For every saved query (with the parameters of its first expected case), in one run:

- **pyoxigraph**: ``pyoxigraph.Store.query(text, substitutions=..., use_default_graph_as_union=True)``
  on the same quads, every solution read into a tuple of terms (the baseline);
- **store.query**: ``OxigraphStore.query(text, terms)``: the safety check and the same evaluation,
  materialised as a ``QueryResult`` of terms (the like-for-like comparison);
- **run_saved**: ``store.run_saved(name, **params)``: parameter parsing and type checks on top, and
  rows turned into dicts of plain Python values;
- **rdflib**: rdflib's own SPARQL engine on an rdflib ``Dataset`` (default graph = union), the
  parameters passed as ``initBindings``;
- **CLI**: ``mesokg query NAME --param ... --format json`` as a fresh process (cold start: Python,
  imports, loading the graph with cached inferences, the query, printing).

The first three run in rotating order, so a busy machine slows them alike. Prints medians and
ratios; asserts nothing. Targets: mesokg ≤ 1.2 × pyoxigraph per query; the CLI ≤ 0.5 s.

    python benchmarks/bench_queries.py [--repeat 21] [--rdflib-repeat 3] [--cli-repeat 5] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
MESOKG = shutil.which("mesokg", path=str(Path(PY).parent)) or "mesokg"
sys.path.insert(0, str(ROOT))


def interleaved_ms(fns: list[Callable[[], object]], repeat: int) -> list[float]:
    """Median milliseconds of each function, the functions run in rotating order."""
    for fn in fns:
        fn()  # warm: plans, caches
    times: list[list[float]] = [[] for _ in fns]
    for i in range(repeat):
        for k in range(len(fns)):
            j = (i + k) % len(fns)
            t = time.perf_counter()
            fns[j]()
            times[j].append(time.perf_counter() - t)
    return [statistics.median(t) * 1000 for t in times]


def cli_seconds(args: list[str], repeat: int) -> float:
    """Median wall time of a fresh ``mesokg`` process."""
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = subprocess.run([MESOKG, *args], cwd=ROOT, capture_output=True)
        runs.append(time.perf_counter() - t)
        if r.returncode != 0:
            sys.exit(f"mesokg {' '.join(args)} failed: {r.stderr.decode()[-500:]}")
    return statistics.median(runs)


def params_for(name: str) -> dict[str, str]:
    """The parameters of the query's first expected case (typical values), or none."""
    f = ROOT / "queries" / "expected" / f"{name}.json"
    if not f.exists():
        return {}
    cases = json.loads(f.read_text(encoding="utf-8"))["cases"]
    return next((c["params"] for c in cases if c["params"]), {})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=21, help="runs per query for pyoxigraph and mesokg")
    ap.add_argument("--rdflib-repeat", type=int, default=3, help="runs per query for rdflib (slow)")
    ap.add_argument("--cli-repeat", type=int, default=5, help="cold `mesokg query` processes per query")
    ap.add_argument("--only", nargs="*", help="only these saved queries")
    args = ap.parse_args()

    import pyoxigraph as ox
    import rdflib

    from mesokg.knowledge.dataset import dataset_quads
    from mesokg.query import saved as Q
    from mesokg.store import OxigraphStore

    quads = dataset_quads()  # also fills the inference cache the CLI runs use
    store = OxigraphStore()
    store.add(quads)
    raw = ox.Store()
    raw.extend(quads)
    ds = rdflib.Dataset(default_union=True)
    ds.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8"), format="nquads")
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # rdflib's Dataset, on every match

    bare = cli_seconds(["--version"], args.cli_repeat)
    rows = []
    for saved in Q.list_saved():
        if args.only and saved.name not in args.only:
            continue
        params = params_for(saved.name)
        terms = Q.bind_params(saved, params)
        subs = {ox.Variable(k): v for k, v in terms.items()}
        init = {
            k: rdflib.URIRef(v.value)
            if isinstance(v, ox.NamedNode)
            else rdflib.Literal(v.value, datatype=None if v.datatype.value.endswith("#string") else v.datatype.value)
            for k, v in terms.items()
        }

        def pyoxigraph_run(text=saved.text, subs=subs):
            res = raw.query(text, substitutions=subs or None, use_default_graph_as_union=True)
            return [tuple(sol) for sol in res]

        def store_query_run(text=saved.text, terms=terms):
            return store.query(text, terms)

        def run_saved_run(name=saved.name, params=params):
            return store.run_saved(name, **params)

        def rdflib_run(text=saved.text, init=init):
            return list(ds.query(text, initBindings=init))

        base, engine, mine = interleaved_ms([pyoxigraph_run, store_query_run, run_saved_run], args.repeat)
        (theirs,) = interleaved_ms([rdflib_run], args.rdflib_repeat)
        flags = [a for k, v in params.items() for a in ("--param", f"{k}={v}")]
        cold = cli_seconds(["query", saved.name, *flags, "--format", "json"], args.cli_repeat)
        rows.append((saved.name, len(pyoxigraph_run()), base, engine, mine, theirs, cold))
        print(f"  measured {saved.name}", file=sys.stderr)

    print(
        f"\nmedians: {args.repeat} runs (pyoxigraph, store.query, run_saved), {args.rdflib_repeat} (rdflib), "
        f"{args.cli_repeat} cold processes (CLI); {os.cpu_count()} cores; `mesokg --version` {bare:.3f} s\n"
    )
    print(
        "| query | rows | pyoxigraph ms | store.query ms | run_saved ms | run_saved / pyoxigraph "
        "| rdflib ms | rdflib / pyoxigraph | `mesokg query` s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, nrows, base, engine, mine, theirs, cold in rows:
        print(
            f"| {name} | {nrows} | {base:.2f} | {engine:.2f} | {mine:.2f} | {mine / base:.2f} "
            f"| {theirs:.1f} | {theirs / base:.0f} | {cold:.3f} |"
        )
    print()
    for label, k in (("store.query", 3), ("run_saved", 4)):
        ratios = [r[k] / r[2] for r in rows]
        print(
            f"{label} / pyoxigraph: median {statistics.median(ratios):.2f}, max {max(ratios):.2f}; "
            f"≤ 1.2 for {sum(x <= 1.2 for x in ratios)}/{len(ratios)} queries; all queries once "
            f"{sum(r[k] for r in rows):.1f} ms against {sum(r[2] for r in rows):.1f} ms"
        )
    colds = [r[6] for r in rows]
    print(f"`mesokg query` cold: median {statistics.median(colds):.3f} s, max {max(colds):.3f} s (target ≤ 0.5 s)")
    print(f"rdflib, all queries once: {sum(r[5] for r in rows):.0f} ms")


if __name__ == "__main__":
    main()
