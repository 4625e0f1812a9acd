"""SHACL validation of the mesokg graph against ``ontology/shapes.ttl``.

>>> from mesokg.knowledge.validate import validate, shipped_graph      # doctest: +SKIP
>>> report = validate(shipped_graph())                        # doctest: +SKIP
>>> report.conforms, len(report.violations)                   # doctest: +SKIP
>>> print(report.text())                                      # doctest: +SKIP

Convention: the data graph is the ontology merged with the curated seeds (and mappings), so
``rdfs:subClassOf`` triples are present for ``sh:targetClass`` and the controlled values are
there; pyshacl runs with ``inference='none'``, ``advanced=True`` (SPARQL targets) and
``allow_warnings=True``. ``conforms`` is True when there is no ``sh:Violation``; warnings alone
do not fail. Command line: ``python -m mesokg.knowledge.validate [EXTRA.ttl ...]``.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, SH, XSD

MK = "https://w3id.org/mesokg/"
MKD = "https://w3id.org/mesokg/id/"
MKS = "https://w3id.org/mesokg/shapes#"
ONTOLOGY_IRI = URIRef("https://w3id.org/mesokg/ontology")
from mesokg.knowledge.report import (  # noqa: E402,F401  (public names stay importable from here)
    SEVERITY_ORDER,
    Result,
    ValidationReport,
    compact,
)
from mesokg.knowledge.report import path_text as _path_text  # noqa: E402

# ---------------------------------------------------------------------------------------------
# loading

_cache: dict[tuple, rdflib.Graph] = {}


def _cached_parse(path: Path) -> rdflib.Graph:
    p = Path(path).resolve()
    key = (str(p), p.stat().st_mtime_ns)
    g = _cache.get(key)
    if g is None:
        g = rdflib.Graph()
        g.parse(p, format="turtle")
        _cache[key] = g
    return g


def _resource(rel: str) -> Path:
    from mesokg.paths import resource

    return resource(rel)


def default_shapes_path() -> Path:
    return _resource("ontology/shapes.ttl")


def _to_rdflib(term):
    """pyoxigraph term -> rdflib term (plain strings stay untyped, as rdflib parses them)."""
    kind = type(term).__name__
    if kind == "NamedNode":
        return URIRef(term.value)
    if kind == "BlankNode":
        return BNode(term.value)
    if kind == "Literal":
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    raise TypeError(f"unsupported term {term!r}")


def shipped_graph(extra_files: Iterable[str | Path] = (), seeds: Iterable[str | Path] | None = None) -> rdflib.Graph:
    """The graph to validate: ontology + seeds/*.ttl (or ``seeds``) + mappings + ``extra_files``."""
    from mesokg.knowledge.assemble import curated_quads

    g = rdflib.Graph()
    for q in curated_quads(extra_files=list(extra_files), seeds=seeds):
        g.add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
    return g


def _flatten(data_graph) -> rdflib.Graph:
    if isinstance(data_graph, rdflib.Dataset | rdflib.ConjunctiveGraph):
        g = rdflib.Graph()
        for s, p, o, _ in data_graph.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    return data_graph


# ---------------------------------------------------------------------------------------------
# validation


def _shape_name(sg: rdflib.Graph, node, memo: dict) -> str:
    """Named shape that owns ``node`` (property shapes and nested shapes are blank nodes)."""
    if node in memo:
        return memo[node]
    cur, seen = node, set()
    while isinstance(cur, BNode) and cur not in seen:
        seen.add(cur)
        parents = list(sg.subjects(None, cur))
        if not parents:
            break
        cur = parents[0]
    memo[node] = compact(cur) if isinstance(cur, URIRef) else compact(node)
    return memo[node]


_TARGET_PREDICATES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
_NOT_CONSTRAINTS = {
    *_TARGET_PREDICATES,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.prefixes,
}


def _hoisted(sg: rdflib.Graph) -> tuple[rdflib.Graph, dict]:
    """Speed-up, same results: give each property shape of a targeted node shape that node
    shape's targets and validate it on its own. pyshacl validates nested property shapes once
    per focus node (rebuilding every constraint each time) but a top-level shape once for all
    its focus nodes. Returns the new graph and {property shape: owning node shape}."""
    h = rdflib.Graph()
    h += sg
    owner = {}
    for ns in list(h.subjects(RDF.type, SH.NodeShape)):
        targets = [(p, o) for p in _TARGET_PREDICATES for o in h.objects(ns, p)]
        if not targets or (ns, SH.deactivated, Literal(True)) in h:
            continue
        for ps in list(h.objects(ns, SH.property)):
            h.remove((ns, SH.property, ps))
            h.add((ps, RDF.type, SH.PropertyShape))
            for p, o in targets:
                h.add((ps, p, o))
            owner[ps] = ns
        if not any(p.startswith(str(SH)) and p not in _NOT_CONSTRAINTS for p in h.predicates(ns)):
            for p, o in targets:  # nothing left to check here: do not compute its focus nodes twice
                h.remove((ns, p, o))
    return h, owner


_shapes_cache: dict[tuple, tuple] = {}


def _load_shapes(path: Path):
    p = Path(path).resolve()
    key = (str(p), p.stat().st_mtime_ns)
    if key not in _shapes_cache:
        sg = rdflib.Graph()
        sg.parse(p, format="turtle")
        _shapes_cache[key] = (sg, *_hoisted(sg))
    return _shapes_cache[key]


class _QueryCache:
    """Parse each SPARQL text once: pyshacl hands rdflib the same query text for every focus
    node of a SPARQL constraint, and rdflib re-parses it each time (~15-50 ms)."""

    cache: dict = {}

    def __enter__(self):
        from rdflib.plugins.sparql import processor

        self._proc = processor
        self._orig = orig = processor.SPARQLProcessor.query
        cache = self.cache

        def query(this, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
            if isinstance(strOrQuery, str):
                key = (strOrQuery, base, tuple(sorted((initNs or {}).items())))
                q = cache.get(key)
                if q is None:
                    if len(cache) > 1000:
                        cache.clear()
                    q = cache[key] = processor.translateQuery(processor.parseQuery(strOrQuery), base, initNs)
                strOrQuery = q
            return orig(this, strOrQuery, initBindings, initNs, base, DEBUG)

        processor.SPARQLProcessor.query = query
        return self

    def __exit__(self, *exc):
        self._proc.SPARQLProcessor.query = self._orig
        return False


def validate(data_graph: rdflib.Graph, shapes_path=None, ontology_graph=None) -> ValidationReport:
    """Validate ``data_graph`` against the mesokg shapes.

    ``ontology_graph``: merged into the data before validation. If None, the shipped ontology is
    merged unless ``data_graph`` already contains it (it is needed for rdfs:subClassOf and the
    controlled values). ``shapes_path``: defaults to the packaged ``ontology/shapes.ttl``.
    """
    import pyshacl  # heavy import, only when validating

    t0 = time.perf_counter()
    data = _flatten(data_graph)
    if ontology_graph is None and (ONTOLOGY_IRI, RDF.type, OWL.Ontology) not in data:
        ontology_graph = _cached_parse(_resource("ontology/mesokg.ttl"))
    if ontology_graph is not None:
        merged = rdflib.Graph()
        merged += data
        merged += ontology_graph
        data = merged
    sg, run_sg, owner = _load_shapes(Path(shapes_path) if shapes_path else default_shapes_path())

    # inplace=True skips pyshacl's slow clone of the data graph; it only writes to the data
    # graph when running SHACL rules, and the mesokg shapes have none.
    # The cyclic garbage collector only slows this allocation-heavy run down (~15%).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with _QueryCache():
            conforms, rg, _text = pyshacl.validate(
                data,
                shacl_graph=run_sg,
                inference="none",
                advanced=True,
                allow_warnings=True,
                abort_on_first=False,
                meta_shacl=False,
                debug=False,
                inplace=True,
            )
    finally:
        if gc_was_enabled:
            gc.enable()
    if not isinstance(rg, rdflib.Graph):  # pyshacl reports a broken shape this way
        raise RuntimeError(f"SHACL validation could not run: {_text}")

    memo: dict = {}
    results = []
    for r in rg.subjects(RDF.type, SH.ValidationResult):
        sev = rg.value(r, SH.resultSeverity)
        severity = str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation"
        focus = rg.value(r, SH.focusNode)
        value = rg.value(r, SH.value)
        if value == focus and rg.value(r, SH.resultPath) is None:
            value = None  # pyshacl repeats the focus node as value for node-level SPARQL results
        msgs = sorted({str(m) for m in rg.objects(r, SH.resultMessage)})
        src = rg.value(r, SH.sourceShape)
        src = owner.get(src, src)
        results.append(
            Result(
                severity=severity,
                shape=_shape_name(sg, src, memo),
                focus=compact(focus),
                path=_path_text(rg, rg.value(r, SH.resultPath)),
                value=compact(value),
                message=" ".join(msgs) if msgs else "(no message)",
                component=compact(rg.value(r, SH.sourceConstraintComponent)),
                focus_node=focus,
                value_node=value,
            )
        )
    results.sort(
        key=lambda x: (
            SEVERITY_ORDER.get(x.severity, 3),
            x.shape,
            x.focus or "",
            x.path or "",
            x.value or "",
            x.message,
        )
    )
    ok = not any(x.severity == "Violation" for x in results)
    return ValidationReport(
        conforms=ok, results=results, report_graph=rg, seconds=time.perf_counter() - t0, triples=len(data)
    )


def validate_store(store, graphs=None, changed=None, shapes_path=None) -> ValidationReport:
    """Validate what an Oxigraph ``store`` holds in ``graphs`` (None: its default graph).

    The linear engine (:mod:`mesokg.knowledge.fastshacl`) runs on the store itself; with
    ``changed`` (triples just added) it checks only what they can affect. When the shapes use
    something that engine does not implement, or ``MESOKG_SHACL=pyshacl`` is set, pyshacl
    validates the whole graph instead (the reference the tests compare the engine against).
    """
    import os

    import pyoxigraph as ox

    from mesokg.knowledge import fastshacl

    if os.environ.get("MESOKG_SHACL", "").lower() != "pyshacl":
        try:
            return fastshacl.validate_store(store, graphs, changed=changed, shapes_path=shapes_path)
        except fastshacl.Unsupported:
            pass
    if graphs is None:
        quads = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    else:
        quads = (q for g in graphs for q in store.quads_for_pattern(None, None, None, g))
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    g = rdflib.Graph()
    g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return validate(g, shapes_path=shapes_path)


def validate_files(files: Iterable[str | Path] = (), shapes_path=None, seeds=None) -> ValidationReport:
    """Validate the shipped graph (ontology + seeds + mappings) plus the given Turtle files."""
    return validate(shipped_graph(extra_files=files, seeds=seeds), shapes_path=shapes_path)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m mesokg.knowledge.validate",
        description="Validate ontology + seeds (+ FILES) against the SHACL shapes.",
    )
    ap.add_argument("files", nargs="*", help="extra Turtle files to add to the shipped graph")
    ap.add_argument("--shapes", help="shapes file (default: ontology/shapes.ttl)")
    ap.add_argument("--no-warnings", action="store_true", help="list violations only")
    args = ap.parse_args(argv)
    from mesokg.errors import MesokgError

    try:
        report = validate_files(args.files, shapes_path=args.shapes)
    except MesokgError as e:
        print(e, file=sys.stderr)
        return 2
    try:
        print(report.text(warnings=not args.no_warnings))
    except BrokenPipeError:  # e.g. piped into head
        pass
    return 0 if report.conforms else 1


if __name__ == "__main__":
    sys.exit(main())
