"""Adding curated files to an on-disk store, all or nothing.

The files are read as a stream straight into a staging graph of the store (a large file is never
held as Python objects), and checked there with everything the store holds: SHACL only for what
they can affect (:func:`mesokg.knowledge.validate.validate_store` with ``changed``), the curation
checks, and reasoning for the nodes next to them
(:func:`mesokg.knowledge.increment.reason_incrementally`; everything again when they change the
ontology or are many). Only when the result is consistent and conforms are the new curated
statements, and the inferences they add, written — by one SPARQL update, one transaction.
Otherwise the store keeps exactly what it held (the staging graphs are removed either way).
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from mesokg.errors import InputError, ValidationFailed
from mesokg.rdfio import GRAPH_CURATED, GRAPH_INFERRED, GRAPH_MAPPINGS, GRAPH_ONTOLOGY, existing_file, iter_file


@dataclass
class Added:
    curated: int
    inferred: int


GRAPH_STAGING = ox.NamedNode("https://w3id.org/mesokg/graph/staging")
GRAPH_STAGING_INFERRED = ox.NamedNode("https://w3id.org/mesokg/graph/staging-inferred")
SMALL = 5_000  # staged statements: up to this many are checked incrementally (held as a list)
_COMMIT = f"""ADD GRAPH <{GRAPH_STAGING.value}> TO GRAPH <{GRAPH_CURATED.value}> ;
ADD GRAPH <{GRAPH_STAGING_INFERRED.value}> TO GRAPH <{GRAPH_INFERRED.value}>"""


def _stage(raw: ox.Store, quads, graph: ox.NamedNode) -> None:
    """Add ``quads`` (any iterable: a parser's stream) to ``graph``, 100 000 at a time."""
    it = iter(quads)
    while batch := list(itertools.islice(it, 100_000)):
        raw.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in batch)


def _drop_staging(raw: ox.Store) -> None:
    for g in (GRAPH_STAGING, GRAPH_STAGING_INFERRED):
        if g in raw.named_graphs():
            raw.remove_graph(g)


def load_into_store(files, store_path: str | Path) -> Added:
    from mesokg.curation.load import is_table, table_quads
    from mesokg.store import open_store

    files = [existing_file(f) for f in files]  # a missing file is reported before the store is touched
    tables = [f for f in files if is_table(f)]
    store = open_store(path=store_path)
    raw = store.raw
    curated_graphs = [GRAPH_ONTOLOGY, GRAPH_CURATED, GRAPH_MAPPINGS]
    try:
        _drop_staging(raw)  # a killed load's leftovers
        for f in files:  # a syntax error anywhere changes nothing: the staging graph goes
            if not is_table(f):
                _stage(raw, iter_file(f), GRAPH_STAGING)
        if tables:  # claims.tsv / nodes.tsv: curated against what the store (and the Turtle files) hold
            existing = [q for g in [*curated_graphs, GRAPH_STAGING] for q in raw.quads_for_pattern(None, None, None, g)]
            _stage(raw, table_quads(tables, existing, GRAPH_CURATED), GRAPH_STAGING)
        if next(raw.quads_for_pattern(None, None, None, GRAPH_STAGING), None) is None:
            raise InputError("the given files hold no statements; nothing to load")
        known = [
            q
            for q in raw.quads_for_pattern(None, None, None, GRAPH_STAGING)
            if any(ox.Quad(q.subject, q.predicate, q.object, g) in raw for g in curated_graphs)
        ]
        for q in known:  # already in the store: not added again
            raw.remove(q)
        return _check_and_commit(raw, curated_graphs)
    finally:
        try:
            _drop_staging(raw)
        except Exception:  # noqa: BLE001 - nothing was staged
            pass
        store.close()


def _check_and_commit(raw: ox.Store, curated_graphs: list) -> Added:
    from mesokg.knowledge import rules
    from mesokg.knowledge.checks import run_checks_on_graphs
    from mesokg.knowledge.increment import reason_incrementally
    from mesokg.knowledge.reason import InconsistentOntology
    from mesokg.knowledge.validate import validate_store

    staged = raw.quads_for_pattern(None, None, None, GRAPH_STAGING)
    few = list(itertools.islice(staged, SMALL + 1))
    if not few:
        return Added(0, 0)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in few] if len(few) <= SMALL else None
    graphs = [*curated_graphs, GRAPH_STAGING]
    schema = rules.touches_schema(
        (q for q in raw.quads_for_pattern(None, None, None, GRAPH_STAGING)), rules.View(raw, [GRAPH_ONTOLOGY])
    )
    changed = None if schema else triples
    report = validate_store(raw, graphs, changed=changed)
    failures = run_checks_on_graphs(raw, graphs, changed)
    if not report.conforms or failures:
        lines = [report.text(warnings=False)] if not report.conforms else []
        lines += [f"{f.check}: {f.node}: {f.problem}" for f in failures]
        raise ValidationFailed(
            "not loaded: the store with these files would not validate; the store is unchanged:\n" + "\n".join(lines)
        )
    try:
        if changed is None:
            raise rules.Unsupported("the ontology changes, or a large load")
        inferred = reason_incrementally(raw, graphs, GRAPH_INFERRED, triples, InconsistentOntology)
    except rules.Unsupported:  # reason over everything again
        inferred = _reason_everything(raw, graphs)
    more = (t for t in dict.fromkeys(inferred) if ox.Quad(t.subject, t.predicate, t.object, GRAPH_INFERRED) not in raw)
    _stage(raw, more, GRAPH_STAGING_INFERRED)
    curated = sum(1 for _ in raw.quads_for_pattern(None, None, None, GRAPH_STAGING))
    added = sum(1 for _ in raw.quads_for_pattern(None, None, None, GRAPH_STAGING_INFERRED))
    raw.update(_COMMIT)  # the curated statements and their inferences: one transaction
    return Added(curated, added)


def _reason_everything(raw: ox.Store, graphs: list) -> list:
    """Inferences for everything in ``graphs``, streamed into the reasoner (rules above
    ``RULES_ABOVE`` statements unless ``MESOKG_REASONER`` says otherwise, else HermiT)."""
    from mesokg.knowledge import rules
    from mesokg.knowledge.reason import RULES_ABOVE, InconsistentOntology, reason

    engine = (os.environ.get("MESOKG_REASONER") or "auto").lower()
    if engine != "hermit":
        mem, tbox = rules.collect(q for g in graphs for q in raw.quads_for_pattern(None, None, None, g))
        if engine == "rules" or len(mem) > RULES_ABOVE:
            try:
                return rules.reason_collected(mem, tbox, lambda t: reason(t, engine="hermit"), InconsistentOntology)[0]
            except rules.Unsupported:
                pass  # the ontology needs HermiT on everything
        del mem
    return reason([q for g in graphs for q in raw.quads_for_pattern(None, None, None, g)], engine="hermit").inferred
