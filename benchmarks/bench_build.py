"""Build, validate, export and start-up: mesokg against doing the same with rdflib alone.

Prints, for one run on this machine, the median wall time of each task and the ratio to its
baseline measured in the same run (machines are noisy; only ratios within one run mean much).

    python benchmarks/bench_build.py [--repeat 3]

Targets (issue 3): start-up ≤ 0.3 s above bare Python; the whole build, HermiT included, ≤ 5 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
MESOKG = shutil.which("mesokg", path=str(Path(PY).parent)) or "mesokg"

RDFLIB_BUILD = r"""
import glob, sys, rdflib, pyshacl
g = rdflib.Graph()
for f in ["ontology/mesokg.ttl", *sorted(glob.glob("seeds/*.ttl"))]:
    g.parse(f, format="turtle")
shapes = rdflib.Graph().parse("ontology/shapes.ttl", format="turtle")
if sys.argv[1] in ("build", "validate"):
    pyshacl.validate(g, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
out = sys.argv[2]
if sys.argv[1] == "build":
    for fmt, ext in [("turtle", "ttl"), ("nt", "nt"), ("json-ld", "jsonld"), ("xml", "owl")]:
        g.serialize(f"{out}/rdflib.{ext}", format=fmt)
if sys.argv[1] == "export":
    g.serialize(f"{out}/rdflib.ttl", format="turtle")
"""


def timed(cmd: list[str], repeat: int, env: dict | None = None) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, env={**os.environ, **(env or {})})
        runs.append(time.perf_counter() - t)
        if r.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr.decode()[-2000:]}")
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mesokg-bench-"))
    cold = {"MESOKG_CACHE": str(tmp / "cold-cache")}  # never reuse inferences: HermiT runs each time
    warm = {"MESOKG_CACHE": str(tmp / "warm-cache")}
    subprocess.run([MESOKG, "stats"], cwd=ROOT, capture_output=True, env={**os.environ, **warm})
    rows = []

    def compare(task: str, mine: list[str], base: list[str], base_name: str, env=None, diff: bool = False):
        m = timed(mine, args.repeat, env)
        b = timed(base, args.repeat, env)
        rows.append((task, m, base_name, b, (m - b) if diff else m / b, diff))

    out = tmp / "out"
    out.mkdir()
    compare(
        "build (HermiT + SHACL + 10 files)",
        [MESOKG, "build", "--out", str(out), "-q"],
        [PY, "-c", RDFLIB_BUILD, "build", str(out)],
        "rdflib+pyshacl+4 files, no OWL",
        cold,
    )
    compare("validate", [MESOKG, "validate"], [PY, "-c", RDFLIB_BUILD, "validate", str(out)], "rdflib+pyshacl", warm)
    compare(
        "export (turtle to file)",
        [MESOKG, "export", "--format", "turtle", "-o", str(out / "x.ttl")],
        [PY, "-c", RDFLIB_BUILD, "export", str(out)],
        "rdflib parse+turtle",
        warm,
    )
    compare("mesokg --help start-up", [MESOKG, "--help"], [PY, "-c", "pass"], "python -c pass", warm, diff=True)
    compare(
        "mesokg stats start-up",
        [MESOKG, "stats", "--format", "csv"],
        [PY, "-c", "pass"],
        "python -c pass",
        warm,
        diff=True,
    )
    print(f"median of {args.repeat} runs; machine: {os.cpu_count()} cores")
    print(f"{'task':38} {'mesokg':>8} {'baseline':>30} {'time':>8} {'ratio / extra':>14}")
    for task, m, bname, b, r, diff in rows:
        rel = f"+{r:.2f} s" if diff else f"{r:.2f}x"
        print(f"{task:38} {m:7.2f}s {bname:>30} {b:7.2f}s {rel:>14}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
