"""Adding curated files to an on-disk store, all or nothing.

The new statements are staged in their own graph of the store and checked with everything it
holds: SHACL only for what they can affect (:func:`mesokg.knowledge.validate.validate_store`
with ``changed``), the curation checks, and reasoning for the nodes next to them
(:func:`mesokg.knowledge.increment.reason_incrementally`; everything again when they change the
ontology). Only when the result is consistent and conforms are the new curated statements, and
the inferences they add, written — in one transaction. Otherwise the store keeps exactly what it
held (the staging graph is removed either way).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from mesokg.errors import InputError, ValidationFailed
from mesokg.rdfio import GRAPH_CURATED, GRAPH_INFERRED, GRAPH_MAPPINGS, GRAPH_ONTOLOGY, parse_file


@dataclass
class Added:
    curated: int
    inferred: int


GRAPH_STAGING = ox.NamedNode("https://w3id.org/mesokg/graph/staging")


def load_into_store(files, store_path: str | Path) -> Added:
    from mesokg.curation.load import is_table, table_quads
    from mesokg.knowledge import rules
    from mesokg.knowledge.checks import run_checks_on_graphs
    from mesokg.knowledge.increment import reason_incrementally
    from mesokg.knowledge.reason import InconsistentOntology, reason
    from mesokg.knowledge.validate import validate_store
    from mesokg.store import open_store

    new = []
    for f in files:  # parse everything first: a syntax error anywhere changes nothing
        if not is_table(f):
            new.extend(parse_file(f, GRAPH_CURATED))
    tables = [f for f in files if is_table(f)]
    if not new and not tables:
        raise InputError("the given files hold no statements; nothing to load")
    store = open_store(path=store_path)
    raw = store.raw
    curated_graphs = [GRAPH_ONTOLOGY, GRAPH_CURATED, GRAPH_MAPPINGS]
    try:
        raw.remove_graph(GRAPH_STAGING) if GRAPH_STAGING in raw.named_graphs() else None  # a killed load's leftovers
        if tables:  # claims.tsv / nodes.tsv: curated against what the store (and the Turtle files) hold
            existing = [q for g in curated_graphs for q in store.quads(g)]
            new.extend(table_quads(tables, existing + new, GRAPH_CURATED))
        fresh = [
            q
            for q in dict.fromkeys(ox.Quad(q.subject, q.predicate, q.object, GRAPH_CURATED) for q in new)
            if not any(ox.Quad(q.subject, q.predicate, q.object, g) in raw for g in curated_graphs)
        ]
        if not fresh:
            return Added(0, 0)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in fresh]
        # the new statements sit in a staging graph while they are checked with everything else
        raw.extend(ox.Quad(t.subject, t.predicate, t.object, GRAPH_STAGING) for t in triples)
        graphs = [*curated_graphs, GRAPH_STAGING]
        schema = rules.touches_schema(triples, rules.View(raw, [GRAPH_ONTOLOGY]))
        report = validate_store(raw, graphs, changed=None if schema else triples)
        failures = run_checks_on_graphs(raw, graphs, None if schema or len(triples) > 5000 else triples)
        if not report.conforms or failures:
            lines = [report.text(warnings=False)] if not report.conforms else []
            lines += [f"{f.check}: {f.node}: {f.problem}" for f in failures]
            raise ValidationFailed(
                "not loaded: the store with these files would not validate; the store is "
                "unchanged:\n" + "\n".join(lines)
            )
        try:
            if schema:
                raise rules.Unsupported("the ontology changes")
            inferred = reason_incrementally(raw, graphs, GRAPH_INFERRED, triples, InconsistentOntology)
        except rules.Unsupported:  # reason over everything again
            candidate = [q for g in graphs for q in raw.quads_for_pattern(None, None, None, g)]
            inferred = reason(candidate).inferred
        more = [
            ox.Quad(t.subject, t.predicate, t.object, GRAPH_INFERRED)
            for t in dict.fromkeys(inferred)
            if ox.Quad(t.subject, t.predicate, t.object, GRAPH_INFERRED) not in raw
        ]
        raw.extend(fresh + more)  # one transaction
        return Added(len(fresh), len(more))
    finally:
        try:
            raw.remove_graph(GRAPH_STAGING)
        except Exception:  # noqa: BLE001 - nothing was staged
            pass
        store.close()
