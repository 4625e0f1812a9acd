"""Assemble the curated dataset: ontology, seeds and mappings, each in its own named graph."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from mesokg import paths
from mesokg.errors import InputError
from mesokg.rdfio import GRAPH_CURATED, GRAPH_MAPPINGS, GRAPH_ONTOLOGY, parse_file

SKOS = "http://www.w3.org/2004/02/skos/core#"
_DEFAULT_CURIES = {
    "skos": SKOS,
    "semapv": "https://w3id.org/semapv/vocab/",
    "mk": "https://w3id.org/mesokg/",
    "mkd": "https://w3id.org/mesokg/id/",
}
_ALLOWED_PREDICATES = {
    SKOS + "exactMatch",
    SKOS + "closeMatch",
    SKOS + "broadMatch",
    SKOS + "narrowMatch",
    SKOS + "relatedMatch",
}


def read_sssom(path: str | Path) -> list[ox.Quad]:
    """Turn an SSSOM/TSV mapping table into skos mapping triples in the mappings graph."""
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    curies = dict(_DEFAULT_CURIES)
    header_lines = 0
    in_map = False
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header_lines += 1
        body = line[1:].rstrip()
        if re.match(r"^curie_map:\s*$", body.strip()):
            in_map = True
            continue
        m = re.match(r"^\s+([A-Za-z_][\w.-]*):\s*\"?([^\"\s]+)\"?\s*$", body)
        if in_map and m:
            curies[m.group(1)] = m.group(2)
        elif body.strip() and not body.startswith(" "):
            in_map = False

    def expand(curie: str, lineno: int) -> str:
        if curie.startswith(("http://", "https://")):
            return curie
        prefix, sep, local = curie.partition(":")
        if not sep or prefix not in curies:
            raise InputError(f"{p}:{lineno}: unknown prefix in {curie!r} (add it to the curie_map)")
        return curies[prefix] + local

    body_text = "\n".join(text.splitlines()[header_lines:])
    reader = csv.DictReader(io.StringIO(body_text), delimiter="\t")
    quads = []
    for i, row in enumerate(reader, start=header_lines + 2):
        if not row.get("subject_id"):
            continue
        try:
            s = expand(row["subject_id"].strip(), i)
            pred = expand(row["predicate_id"].strip(), i)
            o = expand(row["object_id"].strip(), i)
        except (KeyError, AttributeError):
            raise InputError(f"{p}:{i}: needs subject_id, predicate_id and object_id columns") from None
        if pred not in _ALLOWED_PREDICATES:
            raise InputError(f"{p}:{i}: predicate {row['predicate_id']!r} is not a SKOS mapping relation")
        quads.append(ox.Quad(ox.NamedNode(s), ox.NamedNode(pred), ox.NamedNode(o), GRAPH_MAPPINGS))
    return quads


def curated_quads(extra_files: Iterable[str | Path] = (), seeds: Iterable[str | Path] | None = None) -> list[ox.Quad]:
    """All curated quads: ontology, seed files (or ``seeds``), mappings, plus ``extra_files``."""
    quads = parse_file(paths.ontology_file(), GRAPH_ONTOLOGY)
    for f in paths.seed_files() if seeds is None else seeds:
        quads.extend(parse_file(f, GRAPH_CURATED))
    mp = paths.mappings_file()
    if mp.exists():
        quads.extend(read_sssom(mp))
    for f in extra_files:
        quads.extend(parse_file(f, GRAPH_CURATED))
    return quads


def curated_store(extra_files: Iterable[str | Path] = ()) -> ox.Store:
    """An in-memory Oxigraph store holding the curated dataset."""
    store = ox.Store()
    store.extend(curated_quads(extra_files))
    return store
