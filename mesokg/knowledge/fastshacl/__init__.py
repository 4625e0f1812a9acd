"""Linear SHACL validation on Oxigraph, with the results pyshacl gives.

pyshacl evaluates targets and SPARQL constraints with rdflib's SPARQL engine, once per focus
node; on a graph 100 times the seeds that grows faster than the graph. Here:

- the focus nodes of each shape come from one query per target (SPARQL targets included) on
  Oxigraph;
- the value nodes of each property shape of a targeted node shape come from one query for all
  its focus nodes; core constraints are checked in Python on those values (class membership and
  nested shapes by index lookups), with pyshacl's own comparison rules;
- each SPARQL constraint runs once over all its focus nodes (bound by ``VALUES ?this``).

Shapes that use anything this engine does not implement raise :class:`Unsupported`; the caller
then validates with pyshacl. pyshacl stays the reference: a test checks that both give the same
results on every shape case.

Incremental use: ``validate(..., changed=triples)`` checks only the focus nodes the changed
triples can affect (walking each shape's paths backwards from them); SPARQL targets and
constraints, which can join anything, run in full (one query each on Oxigraph).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from mesokg.knowledge.fastshacl.shapes import Unsupported

__all__ = ["Unsupported", "validate_quads", "validate_store", "validator"]

_validators: dict = {}


def validator(shapes_path: str | Path | None = None):
    """The compiled shapes (cached per file and modification time); raises :class:`Unsupported`."""
    import rdflib

    from mesokg.knowledge.fastshacl.engine import Validator
    from mesokg.paths import shapes_file

    p = Path(shapes_path or shapes_file()).resolve()
    key = (str(p), p.stat().st_mtime_ns)
    v = _validators.get(key)
    if v is None:
        v = _validators[key] = Validator(rdflib.Graph().parse(p, format="turtle"))
    return v


def validate_store(store: ox.Store, graphs: list | None = None, changed: Iterable | None = None, shapes_path=None):
    """Validate what ``store`` holds in ``graphs`` (None: its default graph).

    With ``changed`` (the triples just added), only the results those triples can affect."""
    from mesokg.knowledge.fastshacl.engine import Data
    from mesokg.knowledge.fastshacl.values import report_graph, results
    from mesokg.knowledge.report import ValidationReport

    t0 = time.perf_counter()
    v = validator(shapes_path)
    data = Data(store, graphs)
    res = results(v.run(data, changed), v.sg)
    ok = not any(r.severity == "Violation" for r in res)
    size = len(store) if graphs is None else 0  # counting an on-disk store would cost a full scan
    return ValidationReport(ok, res, report_graph(res), seconds=time.perf_counter() - t0, triples=size)


def validate_quads(quads: Iterable, shapes_path=None):
    """Validate quads or triples (their graph names are ignored) in a fresh in-memory store."""
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    return validate_store(store, None, shapes_path=shapes_path)
