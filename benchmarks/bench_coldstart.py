"""Cold start: ``mesokg query NAME`` as a fresh process against a fresh raw-pyoxigraph process.

The baseline is what a user without mesokg would run: a new Python process that imports
pyoxigraph, loads the exported Turtle of the full graph (curated + inferred, as one default graph)
and runs the same query text with the same parameter values, printing the result as CSV.

mesokg runs ``mesokg query NAME --param ... --format csv`` in a new process, with its cache warm
(the first run after a change of the inputs builds it; that run is not timed), and with its
byte-code compiled, as a pip install leaves it. Each run is
measured in CPU seconds (user + system) of the child process, which a busy machine disturbs far
less than wall time. Both run in
alternating order, ``--repeat`` times per saved query; the script prints the median seconds of
each, the ratio per query and the median ratio. Target (issue 15): median ratio ≤ 1.5.

    python benchmarks/bench_coldstart.py [--repeat 7] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
MESOKG = shutil.which("mesokg", path=str(Path(PY).parent)) or "mesokg"
sys.path.insert(0, str(ROOT))

RAW = r"""
import sys, json
import pyoxigraph as ox
text, ttl, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
store = ox.Store()
store.bulk_load(path=ttl, format=ox.RdfFormat.TURTLE)
subs = {
    ox.Variable(k): ox.NamedNode(v[1]) if v[0] == "iri" else ox.Literal(v[1], datatype=ox.NamedNode(v[2]))
    for k, v in params.items()
}
res = store.query(text, substitutions=subs)
out = res.serialize(format=ox.QueryResultsFormat.CSV) if hasattr(res, "serialize") else str(res.value).encode()
sys.stdout.buffer.write(out or b"")
"""


def _cases(only: list[str]) -> list[tuple[str, str, dict[str, list[str]], list[str]]]:
    """(name, query text, raw params as IRIs/strings, CLI --param arguments) for every saved query."""
    import pyoxigraph as ox

    from mesokg.query.saved import bind_params, list_saved

    expected_dir = ROOT / "queries" / "expected"
    cases = []
    for q in list_saved():
        if only and q.name not in only:
            continue
        raw: dict[str, str] = {}
        exp = expected_dir / f"{q.name}.json"
        if exp.is_file():
            cases_ = json.loads(exp.read_text()).get("cases") or [{}]
            raw = {k: str(v) for k, v in (cases_[0].get("params") or {}).items()}
        bound = bind_params(q, raw)
        plain = {
            k: ["iri", t.value] if isinstance(t, ox.NamedNode) else ["lit", t.value, t.datatype.value]
            for k, t in bound.items()
        }
        cli = [a for k, v in raw.items() for a in ("--param", f"{k}={v}")]
        cases.append((q.name, q.text, plain, cli))
    return cases


# Byte-code as an installed package has it (pip compiles on install; an editable checkout under
# PYTHONDONTWRITEBYTECODE=1 would recompile every module on every start).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _time(cmd: list[str]) -> float:
    """CPU seconds (user + system) of the child process: steadier than wall time on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--only", nargs="*", default=[])
    args = ap.parse_args()
    compileall.compile_dir(str(ROOT / "mesokg"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        ttl = str(Path(tmp) / "mesokg-full.ttl")
        subprocess.run([MESOKG, "export", "--graph", "full", "--format", "turtle", "-o", ttl], check=True)
        cases = _cases(args.only)
        ratios = []
        print(f"{'query':34} {'raw cpu s':>9} {'mesokg cpu s':>12} {'ratio':>6}")
        for name, text, plain, cli in cases:
            raw_cmd = [PY, "-c", RAW, text, ttl, json.dumps(plain)]
            mk_cmd = [MESOKG, "query", name, *cli, "--format", "csv"]
            _time(mk_cmd)  # the cache is warm from here on
            raw_t, mk_t = [], []
            for i in range(args.repeat):
                order = (raw_cmd, mk_cmd) if i % 2 == 0 else (mk_cmd, raw_cmd)
                for cmd in order:
                    (raw_t if cmd is raw_cmd else mk_t).append(_time(cmd))
            r, m = statistics.median(raw_t), statistics.median(mk_t)
            ratios.append(m / r)
            print(f"{name:34} {r:9.3f} {m:12.3f} {m / r:6.2f}")
        print(f"median ratio mesokg / raw pyoxigraph over {len(ratios)} saved queries: {statistics.median(ratios):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
