"""Which SHACL engine could replace pyshacl? Agreement on every shape case, then speed.

For each of the shape test cases (tests/shapes/cases/*.ttl, merged with tests/shapes/base.ttl and
the ontology, as the tests do) and for the seed graph, every engine that is installed validates
the same N-Triples against ontology/shapes.ttl. pyshacl (through ``mesokg.validate``, the
project's reference) gives the expected answer; an engine *agrees* on a case when it gives the
same ``conforms`` and the same set of (focus node, severity) results. Only an engine that agrees on
every case is a candidate. Prints a table: cases agreed, first disagreements, total time on the
cases, time on the seed graph.

The engines are not dependencies of mesokg; install them into a separate environment:

    python3 -m venv /tmp/engines && /tmp/engines/bin/pip install pyrudof shacl-rust shacl pyshacl pyoxigraph rdflib
    (cd /tmp/npm-shacl && npm install shacl-engine rdf-ext n3)      # optional, for shacl-engine
    PYTHONPATH=. /tmp/engines/bin/python benchmarks/shacl_engines.py [--node-dir /tmp/npm-shacl]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import rdflib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHAPES = ROOT / "ontology" / "shapes.ttl"
CASES = sorted((ROOT / "tests" / "shapes" / "cases").glob("*.ttl"))
SH = "http://www.w3.org/ns/shacl#"
NODE_SCRIPT = r"""
import fs from 'fs'
import rdf from 'rdf-ext'
import N3 from 'n3'
import { Validator } from 'shacl-engine'
import { validations as sparqlValidations } from 'shacl-engine/sparql.js'
function load (path) {
  const ds = rdf.dataset()
  for (const q of new N3.Parser().parse(fs.readFileSync(path, 'utf8'))) ds.add(rdf.quad(q.subject, q.predicate, q.object))
  return ds
}
function nt (t) {
  if (!t) return null
  if (t.termType === 'NamedNode') return '<' + t.value + '>'
  if (t.termType === 'BlankNode') return '_:b'
  if (t.termType === 'Literal') {
    const lex = JSON.stringify(t.value)
    if (t.language) return lex + '@' + t.language
    return t.datatype.value === 'http://www.w3.org/2001/XMLSchema#string' ? lex : lex + '^^<' + t.datatype.value + '>'
  }
  return String(t.value)
}
const validator = new Validator(load(process.argv[2]), { factory: rdf, validations: sparqlValidations })
for (const f of process.argv.slice(3)) {
  const data = load(f)
  const t = Date.now()
  let out
  try {
    const report = await validator.validate({ dataset: data })
    out = { conforms: report.conforms, ms: Date.now() - t,
      results: report.results.map(r => [nt(r.focusNode?.term), r.severity?.value ?? null, nt(r.value?.term)]) }
  } catch (e) { out = { error: String(e).slice(0, 200) } }
  console.log(JSON.stringify(out))
}
"""


def case_files(tmp: Path) -> list[tuple[str, Path]]:
    onto = rdflib.Graph().parse(ROOT / "ontology" / "mesokg.ttl")
    base = rdflib.Graph().parse(ROOT / "tests" / "shapes" / "base.ttl")
    case = rdflib.URIRef("urn:case")
    out = []
    for p in CASES:
        g = rdflib.Graph().parse(p)
        g.remove((case, None, None))
        m = rdflib.Graph()
        m += onto
        m += base
        m += g
        f = tmp / (p.stem + ".nt")
        f.write_text(m.serialize(format="nt"), encoding="utf-8")
        out.append((p.name, f))
    return out


def seed_file(tmp: Path) -> Path:
    import pyoxigraph as ox

    from mesokg.knowledge.assemble import curated_quads

    f = tmp / "seed-graph.nt"
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in curated_quads()]
    f.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    return f


def nt(term) -> str:
    """A term in N-Triples form, whatever the engine returned (rdflib term, string, None)."""
    if term is None:
        return "-"
    if isinstance(term, rdflib.BNode) or str(term).startswith("_:"):
        return "_"  # blank node labels differ between engines
    if isinstance(term, rdflib.term.Node):
        return term.n3()
    s = str(term)
    return s if s.startswith(("<", '"')) else f"<{s}>"


def key(conforms: bool, results) -> tuple:
    """conforms, and the set of (focus node, severity, value) of the results."""
    return (
        bool(conforms),
        frozenset((nt(f), str(s).strip("<>").rsplit("#", 1)[-1], nt(v)) for f, s, v in results),
    )


def run_reference(f: Path):
    from mesokg.knowledge.validate import validate

    g = rdflib.Graph().parse(f, format="nt")
    r = validate(g)
    return key(r.conforms, [(x.focus_node, x.severity, _ref_value(x)) for x in r.results])


def _ref_value(x):
    # mesokg.validate drops the value pyshacl repeats for node-level results; engines keep it
    return x.value_node if x.value_node is not None or x.path is not None else x.focus_node


def run_shacl_rust(f: Path):
    import shacl_rust

    r = shacl_rust.validate(f.read_text(encoding="utf-8"), SHAPES.read_text(encoding="utf-8"), data_format="nt")
    res = [(x["focusNode"], x["severity"], x.get("value")) for x in r["results"]]
    return key(not any(s.endswith("Violation>") for _, s, _v in res), res)


def run_shacl_pypi(f: Path):
    import shacl

    r = shacl.validate(str(f), str(SHAPES), allow_warnings=True)
    res = [(x.focus_node, x.severity_iri, x.value) for x in r.results]
    return key(not any(str(s).endswith("Violation") for _, s, _v in res), res)


def run_pyrudof(f: Path):
    import pyrudof

    ru = pyrudof.Rudof(pyrudof.RudofConfig())
    ru.read_data(str(f), format=pyrudof.RDFFormat.NTriples)
    ru.read_shacl(str(SHAPES))
    rep = ru.validate_shacl()
    data = ru.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.Turtle)
    g = rdflib.Graph().parse(data=data, format="turtle")
    res = [
        (
            g.value(r, rdflib.URIRef(SH + "focusNode")),
            g.value(r, rdflib.URIRef(SH + "resultSeverity")),
            g.value(r, rdflib.URIRef(SH + "value")),
        )
        for r in g.subjects(rdflib.RDF.type, rdflib.URIRef(SH + "ValidationResult"))
    ]
    return key(not any(str(s).endswith("Violation") for _, s, _v in res), res) if rep is not None else None


ENGINES = {"pyrudof": run_pyrudof, "shacl-rust": run_shacl_rust, "shacl (PyPI)": run_shacl_pypi}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--node-dir", help="folder where shacl-engine, rdf-ext and n3 are installed with npm")
    ap.add_argument("--no-seed", action="store_true", help="skip the seed graph")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mesokg-engines-"))
    cases = case_files(tmp)
    if not args.no_seed:
        cases.append(("seed graph", seed_file(tmp)))
    t = {}
    expected = {}
    t0 = time.perf_counter()
    for name, f in cases:
        s = time.perf_counter()
        expected[name] = run_reference(f)
        t.setdefault("pyshacl (reference)", {})[name] = time.perf_counter() - s
    rows = [("pyshacl (reference)", len(cases), [], t["pyshacl (reference)"])]
    print(f"reference done in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    for eng, fn in ENGINES.items():
        agree, bad, times = 0, [], {}
        for name, f in cases:
            s = time.perf_counter()
            try:
                got = fn(f)
            except ImportError:
                bad = ["not installed"]
                break
            except Exception as e:  # noqa: BLE001 - an engine error is a disagreement
                got = ("error", str(e)[:80])
            times[name] = time.perf_counter() - s
            if got == expected[name]:
                agree += 1
            else:
                bad.append(name)
        rows.append((eng, agree, bad, times))
    if args.node_dir:
        script = Path(args.node_dir) / "mesokg-shacl-engine.mjs"
        script.write_text(NODE_SCRIPT, encoding="utf-8")
        s = time.perf_counter()
        p = subprocess.run(
            ["node", str(script), str(SHAPES), *[str(f) for _, f in cases]],
            cwd=args.node_dir,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        outs = [json.loads(x) for x in p.stdout.splitlines() if x.startswith("{")]
        agree, bad, times = 0, [], {}
        for (name, _), o in zip(cases, outs, strict=False):
            times[name] = o.get("ms", 0) / 1000
            got = key(o["conforms"], o["results"]) if "error" not in o else ("error",)
            if got == expected[name]:
                agree += 1
            else:
                bad.append(name)
        if len(outs) < len(cases):
            bad.append(f"crashed after {len(outs)} files: {p.stderr[-200:]}")
        rows.append(("shacl-engine (npm)", agree, bad, times))
        print(f"shacl-engine wall {time.perf_counter() - s:.1f} s (node start-up included)", file=sys.stderr)
    n = len(cases)
    print(f"{'engine':22} {'agrees':>9} {'cases s':>9} {'seed s':>8}  first disagreements")
    for eng, agree, bad, times in rows:
        case_s = sum(v for k, v in times.items() if k != "seed graph")
        seed_s = times.get("seed graph")
        seed = f"{seed_s:8.2f}" if seed_s is not None else "       -"
        print(f"{eng:22} {agree:>4}/{n:<4} {case_s:9.2f} {seed}  {', '.join(bad[:4])}{' …' if len(bad) > 4 else ''}")


if __name__ == "__main__":
    main()
