"""Saved queries: mesokg's query path against raw pyoxigraph and rdflib, and ``mesokg query`` cold.

For every saved query (with the parameters of its first expected case), in one run:

- **pyoxigraph** (run in alternation with mesokg): ``pyoxigraph.Store.query(text, substitutions=..., use_default_graph_as_union=True)``
  on the same quads, every solution read into a tuple (the baseline);
- **mesokg**: ``store.run_saved(name, **params)``: parameter parsing, the safety check, the same
  evaluation, and rows turned into dicts of plain Python values;
- **rdflib**: rdflib's own SPARQL engine on an rdflib ``Dataset`` (default graph = union), the
  parameters passed as ``initBindings``;
- **CLI**: ``mesokg query NAME --param ... --format json`` as a fresh process (cold start: Python,
  imports, loading the graph with cached inferences, the query, printing).

Prints medians and ratios; asserts nothing. Targets: mesokg ≤ 1.2 × pyoxigraph per query;
the CLI ≤ 0.5 s end to end.

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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
MESOKG = shutil.which("mesokg", path=str(Path(PY).parent)) or "mesokg"
sys.path.insert(0, str(ROOT))


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm: plans, caches
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs) * 1000


def paired_ms(a: Callable[[], object], b: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Medians of a and b run in alternation, so a busy machine slows both alike."""
    a(), b()
    ta, tb = [], []
    for i in range(repeat):
        for fn, out in ((a, ta), (b, tb)) if i % 2 else ((b, tb), (a, ta)):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
    return statistics.median(ta) * 1000, statistics.median(tb) * 1000


def cli_seconds(args: list[str], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = subprocess.run([MESOKG, *args], cwd=ROOT, capture_output=True)
        runs.append(time.perf_counter() - t)
        if r.returncode != 0:
            sys.exit(f"mesokg {' '.join(args)} failed: {r.stderr.decode()[-500:]}")
    return statistics.median(runs)


def params_for(name: str) -> dict[str, str]:
    f = ROOT / "queries" / "expected" / f"{name}.json"
    if not f.exists():
        return {}
    cases = json.loads(f.read_text(encoding="utf-8"))["cases"]
    return next((c["params"] for c in cases if c["params"]), {})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=21, help="runs per query for mesokg and pyoxigraph")
    ap.add_argument("--rdflib-repeat", type=int, default=3, help="runs per query for rdflib (slow)")
    ap.add_argument("--cli-repeat", type=int, default=5, help="cold `mesokg query` processes per query")
    ap.add_argument("--only", nargs="*", help="only these saved queries")
    args = ap.parse_args()

    import pyoxigraph as ox
    import rdflib

    from mesokg import query as Q
    from mesokg.dataset import dataset_quads
    from mesokg.store import OxigraphStore

    quads = dataset_quads()  # also fills the inference cache the CLI runs will use
    store = OxigraphStore()
    store.add(quads)
    raw = ox.Store()
    raw.extend(quads)
    ds = rdflib.Dataset(default_union=True)
    ds.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8"), format="nquads")
    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning)  # rdflib's Dataset, on every match

    bare = cli_seconds(["--version"], args.cli_repeat)
    rows = []
    for saved in Q.list_saved():
        if args.only and saved.name not in args.only:
            continue
        params = params_for(saved.name)
        terms = Q.bind_params(saved, params)
        subs = {ox.Variable(k): v for k, v in terms.items()}

        def pyoxigraph_run(text=saved.text, subs=subs):
            res = raw.query(text, substitutions=subs or None, use_default_graph_as_union=True)
            return [tuple(sol) for sol in res]

        def mesokg_run(name=saved.name, params=params):
            return store.run_saved(name, **params)

        def rdflib_run(text=saved.text, terms=terms):
            init = {
                k: rdflib.URIRef(v.value)
                if isinstance(v, ox.NamedNode)
                else rdflib.Literal(
                    v.value, datatype=None if v.datatype.value.endswith("#string") else v.datatype.value
                )
                for k, v in terms.items()
            }
            return list(ds.query(text, initBindings=init))

        base, mine = paired_ms(pyoxigraph_run, mesokg_run, args.repeat)
        theirs = median_ms(rdflib_run, args.rdflib_repeat)
        cli_args = ["query", saved.name, *[a for k, v in params.items() for a in ("--param", f"{k}={v}")]]
        cold = cli_seconds([*cli_args, "--format", "json"], args.cli_repeat)
        rows.append((saved.name, len(pyoxigraph_run()), base, mine, theirs, cold))
        print(f"  measured {saved.name}", file=sys.stderr)

    print(
        f"\nmedians: {args.repeat} runs (mesokg, pyoxigraph), {args.rdflib_repeat} (rdflib), "
        f"{args.cli_repeat} cold processes (CLI); {os.cpu_count()} cores; `mesokg --version` {bare:.3f} s\n"
    )
    print(
        "| query | rows | pyoxigraph ms | mesokg ms | mesokg / pyoxigraph | rdflib ms | rdflib / pyoxigraph "
        "| `mesokg query` s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, nrows, base, mine, theirs, cold in rows:
        print(
            f"| {name} | {nrows} | {base:.2f} | {mine:.2f} | {mine / base:.2f} | {theirs:.1f} | "
            f"{theirs / base:.0f} | {cold:.3f} |"
        )
    ratios = [m / b for _, _, b, m, _, _ in rows]
    colds = [c for *_, c in rows]
    print(
        f"\nmesokg / pyoxigraph: median {statistics.median(ratios):.2f}, max {max(ratios):.2f} "
        f"(target ≤ 1.2); within target: {sum(r <= 1.2 for r in ratios)}/{len(ratios)}"
    )
    print(f"`mesokg query` cold: median {statistics.median(colds):.3f} s, max {max(colds):.3f} s (target ≤ 0.5 s)")
    sum_base, sum_mine = sum(r[2] for r in rows), sum(r[3] for r in rows)
    print(
        f"all queries once: pyoxigraph {sum_base:.1f} ms, mesokg {sum_mine:.1f} ms "
        f"({sum_mine / sum_base:.2f}×), rdflib {sum(r[4] for r in rows):.0f} ms"
    )


if __name__ == "__main__":
    main()
