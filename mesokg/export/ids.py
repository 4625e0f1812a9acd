"""Stable identifiers: every published id stays, live or deprecated with a successor (issue 13).

``seeds/released-ids.txt`` lists the ids of past releases. Each must still be a subject in the
curated graph; a retired one carries ``owl:deprecated true`` and ``dcterms:isReplacedBy`` with at
least one successor, and following successors (a merged id may be merged again) ends at live ids.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from mesokg.rdfio import GRAPH_CURATED, MKD

DEPRECATED = "http://www.w3.org/2002/07/owl#deprecated"
REPLACED_BY = "http://purl.org/dc/terms/isReplacedBy"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def released_ids(path: Path | None = None) -> list[str]:
    """The ids (local names under ``mkd:``) of past releases."""
    from mesokg import paths

    p = path or paths.resource("seeds/released-ids.txt")
    return [line.strip() for line in p.read_text(encoding="utf-8").splitlines() if line.strip() and line[0] != "#"]


def check_ids(quads: list[ox.Quad], released: list[str]) -> list[str]:
    """One line per problem: a vanished id, a deprecation without successor, a successor that leads nowhere."""
    subjects: set[str] = set()
    deprecated: set[str] = set()
    typed: set[str] = set()
    successors: dict[str, list[str]] = {}
    for q in quads:
        if q.graph_name != GRAPH_CURATED or not isinstance(q.subject, ox.NamedNode):
            continue
        s, p = q.subject.value, q.predicate.value
        subjects.add(s)
        if p == DEPRECATED and q.object.value == "true":
            deprecated.add(s)
        elif p == REPLACED_BY:
            successors.setdefault(s, []).append(q.object.value)
        elif p == RDF_TYPE:
            typed.add(s)

    def live(iri: str, seen: frozenset = frozenset()) -> bool:
        if iri in seen:
            return False
        if iri not in deprecated:
            return iri in typed
        return any(live(n, seen | {iri}) for n in successors.get(iri, []))

    problems = []
    for name in released:
        iri = MKD + name
        if iri not in subjects:
            problems.append(
                f"mkd:{name}: published in an earlier release but gone; restore it in seeds/deprecated.ttl with "
                "owl:deprecated true and dcterms:isReplacedBy (seeds/README.md, Identifiers)"
            )
        elif iri in deprecated and not successors.get(iri):
            problems.append(f"mkd:{name}: deprecated without dcterms:isReplacedBy; name the id(s) to use instead")
        elif iri in deprecated and not live(iri):
            problems.append(f"mkd:{name}: its dcterms:isReplacedBy successors lead to no live node")
    return problems
