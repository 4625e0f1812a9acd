"""Reading and writing RDF files: clear ``file:line`` errors on input, atomic writes on output."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from mesokg.errors import InputError, MesokgError

MK = "https://w3id.org/mesokg/"
MKD = "https://w3id.org/mesokg/id/"
GRAPH_ONTOLOGY = ox.NamedNode("https://w3id.org/mesokg/graph/ontology")
GRAPH_CURATED = ox.NamedNode("https://w3id.org/mesokg/graph/curated")
GRAPH_MAPPINGS = ox.NamedNode("https://w3id.org/mesokg/graph/mappings")
GRAPH_INFERRED = ox.NamedNode("https://w3id.org/mesokg/graph/inferred")

# name -> (RdfFormat, file suffix, media type)
FORMATS: dict[str, tuple[ox.RdfFormat, str, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, ".ttl", "text/turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, ".nt", "application/n-triples"),
    "nq": (ox.RdfFormat.N_QUADS, ".nq", "application/n-quads"),
    "trig": (ox.RdfFormat.TRIG, ".trig", "application/trig"),
    "xml": (ox.RdfFormat.RDF_XML, ".owl", "application/rdf+xml"),
    "jsonld": (ox.RdfFormat.JSON_LD, ".jsonld", "application/ld+json"),
}
ALIASES = {
    "ttl": "turtle",
    "ntriples": "nt",
    "n-triples": "nt",
    "rdfxml": "xml",
    "rdf": "xml",
    "owl": "xml",
    "json-ld": "jsonld",
    "nquads": "nq",
}
SUFFIX_FORMAT = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nq",
    ".trig": "trig",
    ".owl": "xml",
    ".rdf": "xml",
    ".xml": "xml",
    ".jsonld": "jsonld",
    ".json": "jsonld",
}


def format_name(name: str) -> str:
    """Normalise a user-given RDF format name, or fail with the allowed names."""
    key = ALIASES.get(name.lower(), name.lower())
    if key not in FORMATS:
        allowed = ", ".join(FORMATS)
        raise InputError(f"unknown format {name!r}: use one of {allowed}")
    return key


def parse_file(path: str | os.PathLike, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
    """Parse an RDF file into quads (in ``graph``); syntax errors become ``file:line:col: reason``."""
    return list(iter_file(path, graph))


def existing_file(path: str | os.PathLike) -> Path:
    """``path`` as a Path, or a one-line error when there is no such file."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file (check the path)")
    return p


def iter_file(path: str | os.PathLike, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
    """The quads of an RDF file as it is read (a large file is never held in memory); a syntax
    error raises ``file:line:col: reason`` where it is met."""
    p = existing_file(path)
    fmt = FORMATS[SUFFIX_FORMAT.get(p.suffix.lower(), "turtle")][0]
    try:
        for q in ox.parse(path=str(p), format=fmt, base_iri=p.resolve().as_uri()):
            yield q if graph is None else ox.Quad(q.subject, q.predicate, q.object, graph)
    except SyntaxError as e:
        line = e.lineno or 0
        col = e.offset or 0
        msg = str(e.msg or e).split(": ", 1)[-1] if "Parser error" in str(e.msg or e) else str(e.msg or e)
        raise InputError(f"{p}:{line}:{col}: {msg}") from None
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror or e})") from None


def serialize(quads, fmt: str) -> bytes:
    """Serialise triples or quads in one of :data:`FORMATS` (graph names dropped for triple formats)."""
    rdf_fmt = FORMATS[format_name(fmt)][0]
    items = list(quads)
    if rdf_fmt not in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):  # only these keep graph names
        items = [ox.Triple(q.subject, q.predicate, q.object) if isinstance(q, ox.Quad) else q for q in items]
    prefixes = {
        "mk": MK,
        "mkd": MKD,
        "owl": "http://www.w3.org/2002/07/owl#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "dcterms": "http://purl.org/dc/terms/",
    }
    kwargs = {}
    if rdf_fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
        kwargs["prefixes"] = prefixes
    out = ox.serialize(items, format=rdf_fmt, **kwargs)
    return out


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike) -> Iterator[object]:
    """Write to a temporary file beside ``path`` and rename it over ``path`` only on success.

    An interrupted write never leaves a truncated file where a good one was.
    """
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise MesokgError(f"{p}: folder {parent} does not exist (create it or choose another path)")
    try:
        import tempfile  # only writers need it

        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=parent)
    except OSError as e:
        raise MesokgError(f"{p}: cannot write here ({e.strerror}); choose a writable path") from None
    try:
        # mkstemp makes owner-only files; give the result the mode a plain open() would (or keep the old one)
        try:
            mode = p.stat().st_mode & 0o777
        except OSError:
            mask = os.umask(0)
            os.umask(mask)
            mode = 0o666 & ~mask
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    with atomic_writer(path) as fh:
        fh.write(data)


def readable(path: str | Path) -> None:
    """Give a written file the usual permissions (the atomic writer's temporary file is private)."""
    mask = os.umask(0)
    os.umask(mask)
    try:
        os.chmod(path, 0o666 & ~mask)
    except OSError:
        pass
