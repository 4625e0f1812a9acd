"""Validation for curators: SHACL and the curation checks, each problem once, at its place.

- :func:`check_additions`: the additions made from tables, validated with the graph they join;
  each result goes back to its table row and column.
- :func:`check_turtle`: Turtle files validated with the shipped graph; each result goes to the
  file and line where its node (and property) is written. Only the files' own problems are
  reported unless ``show_all``.

One mistake, one line: a curation check that a shape already reports for the same node is
dropped, and results about a value that is itself an undefined (dangling) node are left to the
dangling-reference result.
"""

from __future__ import annotations

from pathlib import Path

from ..rdfio import GRAPH_CURATED, parse_file
from .problems import Problems
from .vocab import MK, PROV, RDF, RDFS, SKOS, XSD

# curation check -> shapes that report the same problem
CHECK_SHAPES = {
    "claim-plain-triple-violation": {"mks:PlainTripleShape"},
    "claim-provenance-violation": {
        "mks:ClaimShape",
        "mks:ClaimCurationShape",
        "mks:RegulatoryStatusShape",
        "mks:HistoricalEventShape",
    },
    "dangling-reference-violation": {"mks:DanglingReferenceShape"},
    "label-count-violation": {"mks:LabelShape", "mks:SummaryShape", "mks:CuratorShape"},
    "unbacked-plain-triple-violation": {"mks:BackedTripleShape"},
    "unmarked-conflict-violation": set(),  # its two former shapes were dropped (issue 16): the check alone
}
# (kind of node, property) -> template column
CLAIM_PATHS = {
    MK + "subject": "subject",
    MK + "predicate": "predicate",
    MK + "object": "object",
    MK + "polarity": "polarity",
    MK + "evidenceLevel": "level",
    MK + "studyDesign": "design",
    MK + "sampleSize": "sample_size",
    MK + "numberOfStudies": "studies",
    MK + "effectSize": "effect_size",
    MK + "effectMeasure": "effect_measure",
    MK + "certainty": "certainty",
    MK + "comparator": "comparator",
    MK + "route": "route",
    MK + "source": "source_title",
    MK + "summary": "summary",
    MK + "curatedFrom": "read_from",
    PROV + "wasDerivedFrom": "read_from",
    PROV + "wasAttributedTo": "curator",
    PROV + "generatedAtTime": "curated_on",
    MK + "conflictsWith": "polarity",
    MK + "notEffectiveFor": "polarity",
}
SOURCE_PATHS = {
    MK + "doi": "doi",
    MK + "pmid": "pmid",
    MK + "year": "source_year",
    MK + "authors": "source_authors",
    RDFS + "label": "source_title",
    MK + "venue": "source_venue",
    MK + "studyDesign": "design",
}
NODE_PATHS = {
    RDFS + "label": "label",
    SKOS + "definition": "definition",
    SKOS + "altLabel": "synonyms",
    MK + "inArea": "area",
    MK + "subConditionOf": "parent",
    MK + "hasIngredient": "ingredients",
    SKOS + "exactMatch": "external_ids",
    RDF + "type": "type",
}
# a result of this shape is a consequence of a missing value of this property on the same node
CONSEQUENCE_OF = {"mks:TopEvidenceSourceShape": "mk:source"}
DEFAULT_COLUMN = {"claim": "subject", "source": "source_title", "curator": "curator", "node": "label"}
_CURIES = {"mk:": MK, "prov:": PROV, "rdfs:": RDFS, "skos:": SKOS, "rdf:": RDF, "xsd:": XSD}


def path_iri(path: str | None) -> str | None:
    """``mk:source`` -> full IRI; ``<...>`` -> its IRI; complex paths -> ``None``."""
    if not path:
        return None
    if path.startswith("<") and path.endswith(">"):
        return path[1:-1]
    for c, ns in _CURIES.items():
        if path.startswith(c) and path[len(c) :].isidentifier():
            return ns + path[len(c) :]
    return None


def _iri(term) -> str | None:
    v = getattr(term, "toPython", None)
    return str(term) if v is not None and type(term).__name__ == "URIRef" else None


def unique(report, failures) -> tuple[list, list]:
    """Results and check failures with each problem once (see the module notes)."""
    results = list(report.results)
    dangling = {_iri(r.focus_node) for r in results if r.shape == "mks:DanglingReferenceShape"}
    results = [
        r
        for r in results
        if r.shape == "mks:DanglingReferenceShape" or _iri(r.value_node) not in dangling or r.value_node is None
    ]
    missing = {(r.focus, r.path) for r in results if r.component == "sh:MinCountConstraintComponent"}
    results = [r for r in results if (r.focus, CONSEQUENCE_OF.get(r.shape)) not in missing]
    seen, out = set(), []
    for r in results:
        key = (r.focus, r.path, r.value, r.message)
        if key not in seen:
            seen.add(key)
            out.append(r)
    covered = {(_iri(r.focus_node), r.shape) for r in out}
    kept = [f for f in failures if not any((f.node, s) in covered for s in CHECK_SHAPES.get(f.check, ()))]
    return out, kept


def _validate(quads):
    from ..knowledge.build import validate_quads

    report, failures = validate_quads(quads)
    return (*unique(report, failures), report)


def check_additions(result, background) -> None:
    """Validate the additions of ``result`` with ``background``; add their problems to it."""
    by_iri = {b.iri: b for b in result.blocks}
    plain = {t: b for b in result.blocks for t in b.plain}
    results, failures, _ = _validate(list(background) + result.quads(GRAPH_CURATED))
    probs: Problems = result.problems

    def place(block, column, message, severity):
        row = block.origin
        add = probs.error if severity == "Violation" else probs.warning
        add(row.file, message, row.row, column, row.colnum.get(column))

    # violations first, and results about a new node before those about a plain triple
    for r in sorted(results, key=lambda r: (r.severity != "Violation", _iri(r.focus_node) not in by_iri)):
        focus, path = _iri(r.focus_node), path_iri(r.path)
        block = by_iri.get(focus)
        if block is None and (focus, path, _iri(r.value_node)) in plain:
            block = plain[(focus, path, _iri(r.value_node))]
            conflict = r.shape in CHECK_SHAPES["unmarked-conflict-violation"] or r.severity != "Violation"
            place(block, "polarity" if conflict else "object", r.message, r.severity)
            continue
        if block is None:
            block = by_iri.get(_iri(r.value_node))  # e.g. a new node that a shipped node's rule points at
            if block is None:
                continue  # a problem of the graph the additions join, not of the additions
        paths = {"claim": CLAIM_PATHS, "source": SOURCE_PATHS, "node": NODE_PATHS}.get(block.kind, {})
        place(block, paths.get(path, DEFAULT_COLUMN[block.kind]), r.message, r.severity)
    for f in failures:
        block = by_iri.get(f.node)
        if block is not None:
            place(block, DEFAULT_COLUMN[block.kind], f"{f.title}: {f.problem} ({f.fix})", "Violation")


def check_turtle(files, *, show_all: bool = False, probs: Problems | None = None):
    """Validate the shipped graph plus Turtle ``files``; problems of the files at ``file:line``.

    Returns the problems, how many results of the shipped graph were left out (all of them are
    reported, at their seed file and line, when ``show_all``) and the full SHACL report.
    """
    from ..knowledge.assemble import curated_quads
    from .lines import TurtleLines

    files = [Path(f) for f in files]
    probs = probs if probs is not None else Problems()
    own: dict[Path, tuple[set, set, TurtleLines]] = {}
    for f in files:
        triples = {(q.subject.value, q.predicate.value, getattr(q.object, "value", None)) for q in parse_file(f)}
        own[f] = ({t[0] for t in triples}, triples, TurtleLines.from_file(f))
    results, failures, report = _validate(curated_quads(extra_files=files))
    if show_all:
        from .. import paths

        for f in paths.seed_files():
            triples = {(q.subject.value, q.predicate.value, getattr(q.object, "value", None)) for q in parse_file(f)}
            own.setdefault(f, ({t[0] for t in triples}, triples, TurtleLines.from_file(f)))
    hidden = 0

    def home(node, path, value, dangling=False):
        for f, (subjects, triples, loc) in own.items():
            if node in subjects or (node, path, value) in triples:
                return f, loc.line(node, path)
        for f, (_s, _t, loc) in own.items():  # an undefined node: where it is used
            if dangling and node in loc.mentions:
                return f, loc.mentions[node]
        return None, None

    for r in sorted(results, key=lambda r: r.severity != "Violation"):
        node, path = _iri(r.focus_node), path_iri(r.path)
        value = _iri(r.value_node) or (str(r.value_node) if r.value_node is not None else None)
        f, line = home(node, path, value, r.shape == "mks:DanglingReferenceShape")
        if f is None:
            hidden += 1
            continue
        what = r.focus + (f" {r.path}" if r.path else "")
        add = probs.error if r.severity == "Violation" else probs.warning
        add(f, r.message, line, None, None, what)
    for c in failures:
        f, line = home(c.node, None, None, c.check == "dangling-reference-violation")
        if f is None:
            hidden += 1
            continue
        probs.error(f, f"{c.title}: {c.problem} ({c.fix})", line, None, None, c.node)
    return probs, hidden, report
