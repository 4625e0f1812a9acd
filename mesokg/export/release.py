"""Reproducible release files: the same inputs give the same bytes, file by file.

- blank nodes get canonical labels (W3C RDFC-1.0, via pyoxigraph) before anything is written, so a
  blank node has one label across every file of a release and from one build to the next;
- statements are sorted before serialisation; the manifest holds no clock time (``built`` appears
  only when ``SOURCE_DATE_EPOCH`` is set) and full 64-hex SHA-256 digests;
- three OWL ontologies with distinct IRIs: the ontology (``mesokg-ontology.*``), the data
  (``mesokg.*``: ontology axioms + curated instances + mappings) and the full release
  (``mesokg-full.owl``: data + inferences). Data and full ``owl:imports`` the ontology's version IRI;
  ``catalog-v001.xml`` maps every version IRI to its file for Protégé and the OWL API, and owlready2
  finds them with ``dist/`` on ``owlready2.onto_path`` (version IRIs end in the file name).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from mesokg import __version__
from mesokg.rdfio import (
    FORMATS,
    GRAPH_CURATED,
    GRAPH_INFERRED,
    GRAPH_MAPPINGS,
    GRAPH_ONTOLOGY,
    MK,
    MKD,
    serialize,
    write_atomic,
)

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"

ONTOLOGY_IRI = MK + "ontology"
DATA_IRI = MK + "data"
FULL_IRI = MK + "full"
RELEASES = MK + "releases/"

PREFIXES = {
    "mk": MK,
    "mkd": MKD,
    "owl": OWL,
    "rdfs": RDFS,
    "rdf": RDF,
    "xsd": XSD,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": DCTERMS,
    "prov": "http://www.w3.org/ns/prov#",
    "biolink": "https://w3id.org/biolink/vocab/",
    "sh": "http://www.w3.org/ns/shacl#",
}


def version_iri(file_name: str, version: str = __version__) -> str:
    """The version IRI of a release file: ``https://w3id.org/mesokg/releases/VERSION/FILE``."""
    return f"{RELEASES}{version}/{file_name}"


def canonical(quads: list[ox.Quad]) -> list[ox.Quad]:
    """``quads`` with canonical blank-node labels (RDFC-1.0), sorted. Same graph in, same list out."""
    ds = ox.Dataset(quads)
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(ds, key=_sort_key)


def _sort_key(q) -> tuple[str, str, str, str]:
    g = getattr(q, "graph_name", None)
    return (str(g) if g is not None else "", str(q.subject), str(q.predicate), str(q.object))


def _triples(quads, graphs) -> list[ox.Triple]:
    return sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name in graphs}, key=_sort_key)


def _header(iri: str, file_name: str, title: str, imports: str | None, version: str) -> list[ox.Triple]:
    s = ox.NamedNode(iri)
    t = [
        ox.Triple(s, ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + "Ontology")),
        ox.Triple(s, ox.NamedNode(OWL + "versionIRI"), ox.NamedNode(version_iri(file_name, version))),
        ox.Triple(s, ox.NamedNode(OWL + "versionInfo"), ox.Literal(version)),
        ox.Triple(s, ox.NamedNode(DCTERMS + "title"), ox.Literal(title, language="en")),
        ox.Triple(s, ox.NamedNode(DCTERMS + "license"), ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")),
    ]
    if imports:
        t.append(ox.Triple(s, ox.NamedNode(OWL + "imports"), ox.NamedNode(imports)))
    return t


def _without_ontology_header(triples: list[ox.Triple]) -> list[ox.Triple]:
    onto = ox.NamedNode(ONTOLOGY_IRI)
    return [t for t in triples if t.subject != onto]


def _catalog(version: str) -> bytes:
    """An XML catalog (Protégé / OWL API) mapping ontology and version IRIs to the files beside it."""
    rows = [
        (ONTOLOGY_IRI, "mesokg-ontology.owl"),
        (version_iri("mesokg-ontology.owl", version), "mesokg-ontology.owl"),
        (DATA_IRI, "mesokg.owl"),
        (version_iri("mesokg.owl", version), "mesokg.owl"),
        (FULL_IRI, "mesokg-full.owl"),
        (version_iri("mesokg-full.owl", version), "mesokg-full.owl"),
    ]
    body = "".join(f'  <uri name="{name}" uri="{file}"/>\n' for name, file in rows)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<catalog prefer="public" xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n' + body + "</catalog>\n"
    ).encode()


def release_plan(curated: list[ox.Quad], inferred: list[ox.Quad], version: str = __version__):
    """[(file name, triples or quads, format)] for every RDF release file, in canonical form."""
    everything = canonical(curated + inferred)
    curated_graphs = {GRAPH_ONTOLOGY, GRAPH_CURATED, GRAPH_MAPPINGS}
    onto_version = version_iri("mesokg-ontology.owl", version)
    data = _header(DATA_IRI, "mesokg.owl", "mesokg curated data", onto_version, version)
    data += _without_ontology_header(_triples(everything, curated_graphs))
    data.sort(key=_sort_key)
    full = _header(FULL_IRI, "mesokg-full.owl", "mesokg full release (curated and inferred)", onto_version, version)
    full += _without_ontology_header(_triples(everything, curated_graphs | {GRAPH_INFERRED}))
    full.sort(key=_sort_key)
    ontology = _triples(everything, {GRAPH_ONTOLOGY})
    return [
        ("mesokg.ttl", data, "turtle"),
        ("mesokg.nt", data, "nt"),
        ("mesokg.jsonld", data, "jsonld"),
        ("mesokg.owl", data, "xml"),
        ("mesokg-ontology.ttl", ontology, "turtle"),
        ("mesokg-ontology.owl", ontology, "xml"),
        ("mesokg-inferred.ttl", _triples(everything, {GRAPH_INFERRED}), "turtle"),
        ("mesokg-full.trig", everything, "trig"),
        ("mesokg-full.nq", everything, "nq"),
        ("mesokg-full.owl", full, "xml"),
    ]


def render(items, fmt: str) -> bytes:
    """Bytes of one release file; JSON-LD gets a real ``@context`` with compact IRIs."""
    if fmt == "jsonld":
        from .jsonld import to_jsonld

        return to_jsonld(items, PREFIXES)
    if fmt in ("turtle", "trig", "xml"):
        return ox.serialize(items, format=FORMATS[fmt][0], prefixes=PREFIXES)
    return serialize(items, fmt)


def file_entry(data: bytes, fmt: str, statements: int | None) -> dict:
    entry = {"format": fmt, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if statements is not None:
        entry["statements"] = statements
    return entry


def inputs_sha256(files: list[Path]) -> str:
    """Full SHA-256 over the input files (name and bytes, in the given order) and the package version."""
    h = hashlib.sha256(__version__.encode())
    for f in files:
        h.update(f.name.encode() + b"\0")
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def built_stamp() -> str | None:
    """The build time, only when ``SOURCE_DATE_EPOCH`` fixes it (reproducible-builds.org convention)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch or not epoch.strip().isdigit():
        return None
    return datetime.fromtimestamp(int(epoch), timezone.utc).isoformat(timespec="seconds")


def write_release(
    out: Path,
    curated: list[ox.Quad],
    inferred: list[ox.Quad],
    *,
    extra_files: dict[str, bytes] | None = None,
    write: Callable[[Path, bytes], None] = write_atomic,
    version: str = __version__,
) -> dict[str, dict]:
    """Write every release file into ``out``; return the manifest's ``files`` entries (sorted by name)."""
    files: dict[str, dict] = {}
    for name, items, fmt in release_plan(curated, inferred, version):
        data = render(items, fmt)
        write(out / name, data)
        files[name] = file_entry(data, fmt, len(items))
    others = {"catalog-v001.xml": _catalog(version), **(extra_files or {})}
    for name, data in others.items():
        write(out / name, data)
        files[name] = file_entry(data, Path(name).suffix.lstrip(".") or "data", None)
    return dict(sorted(files.items()))


def extra_release_files() -> dict[str, bytes]:
    """Files shipped beside the RDF: the SHACL shapes and the SSSOM mapping table, as curated."""
    from mesokg import paths

    files = {"mesokg-shapes.ttl": paths.shapes_file().read_bytes()}
    if paths.mappings_file().is_file():
        files["mesokg.sssom.tsv"] = paths.mappings_file().read_bytes()
    alignment = paths.mappings_file().with_name("mesokg-alignment.sssom.tsv")
    if alignment.is_file():
        files["mesokg-alignment.sssom.tsv"] = alignment.read_bytes()
    return files


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
