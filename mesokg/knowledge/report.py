"""SHACL validation results: one :class:`Result` per problem, a :class:`ValidationReport` that groups
them by shape and focus node, and :func:`compact` for readable terms.

>>> compact(URIRef("https://w3id.org/mesokg/id/minoxidil"))
'mkd:minoxidil'
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rdflib
from rdflib import Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD

MK = "https://w3id.org/mesokg/"
MKD = "https://w3id.org/mesokg/id/"
MKS = "https://w3id.org/mesokg/shapes#"
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}

_PREFIXES = {
    "mkd": MKD,
    "mk": MK,
    "mks": MKS,
    "sh": str(SH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": "http://purl.org/dc/terms/",
}
_BARE_DATATYPES = {XSD.integer, XSD.decimal, XSD.double, XSD.boolean}
# longest namespace first, so mkd: wins over mk:
_PREFIX_ORDER = sorted(_PREFIXES.items(), key=lambda kv: -len(kv[1]))


def compact(term) -> str | None:
    """Short, readable form of an RDF term: ``mkd:dutasteride``, ``"2013"``, ``_:b0``."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        s = str(term)
        for pfx, ns in _PREFIX_ORDER:
            if s.startswith(ns) and len(s) > len(ns):
                return f"{pfx}:{s[len(ns) :]}"
        return f"<{s}>"
    if isinstance(term, Literal):
        lex = str(term)
        if term.language:
            return f'"{lex}"@{term.language}'
        if term.datatype in _BARE_DATATYPES:
            return lex
        if term.datatype and term.datatype != XSD.string:
            return f'"{lex}"^^{compact(term.datatype)}'
        return f'"{lex}"'
    return f"_:{term}"


@dataclass(frozen=True)
class Result:
    """One SHACL result. ``shape`` is the named shape (property shapes resolve to their node shape)."""

    severity: str  # 'Violation' | 'Warning' | 'Info'
    shape: str  # e.g. 'mks:ClaimShape'
    focus: str  # e.g. 'mkd:claim-dutasteride-fphl-moftah'
    path: str | None  # e.g. 'mk:source', '^mk:usesTechnique'
    value: str | None  # offending value, if any
    message: str  # what is wrong and how to fix it
    component: str | None = None  # e.g. 'sh:MinCountConstraintComponent'
    focus_node: object = field(default=None, compare=False, repr=False)
    value_node: object = field(default=None, compare=False, repr=False)


@dataclass
class ValidationReport:
    conforms: bool
    results: list[Result]
    report_graph: rdflib.Graph
    seconds: float = 0.0
    triples: int = 0

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Warning"]

    def by_shape(self) -> dict[str, dict[str, list[Result]]]:
        out: dict[str, dict[str, list[Result]]] = {}
        for r in self.results:
            out.setdefault(r.shape, {}).setdefault(r.focus, []).append(r)
        return out

    def text(self, warnings: bool = True) -> str:
        """Readable report, grouped by shape, then focus node."""
        nv, nw = len(self.violations), len(self.warnings)
        verdict = "conforms" if self.conforms else "does NOT conform"
        lines = [f"SHACL: {verdict}: {nv} violation(s), {nw} warning(s) ({self.triples} triples, {self.seconds:.2f} s)"]
        groups = self.by_shape()

        def key(shape):
            worst = min(SEVERITY_ORDER.get(r.severity, 3) for f in groups[shape].values() for r in f)
            return (worst, shape)

        for shape in sorted(groups, key=key):
            rs = [r for f in groups[shape].values() for r in f if warnings or r.severity == "Violation"]
            if not rs:
                continue
            counts = ", ".join(
                f"{sum(r.severity == s for r in rs)} {s.lower()}(s)"
                for s in SEVERITY_ORDER
                if any(r.severity == s for r in rs)
            )
            lines.append("")
            lines.append(f"{shape}  [{counts}]")
            for focus in sorted(groups[shape]):
                frs = [r for r in groups[shape][focus] if warnings or r.severity == "Violation"]
                if not frs:
                    continue
                lines.append(f"  {focus}")
                for r in frs:
                    where = " ".join(x for x in (r.path, f"= {r.value}" if r.value else None) if x)
                    lines.append(f"    {r.severity}: {where + ': ' if where else ''}{r.message}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


def path_text(g: rdflib.Graph, path) -> str | None:
    """A SHACL path as SPARQL-like text: ``mk:source``, ``^mk:object``, ``(a|b|... 56 relations)``."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return compact(path)
    inv = g.value(path, SH.inversePath)
    if inv is not None:
        return "^" + path_text(g, inv)
    for pred, suffix in ((SH.oneOrMorePath, "+"), (SH.zeroOrMorePath, "*"), (SH.zeroOrOnePath, "?")):
        inner = g.value(path, pred)
        if inner is not None:
            return path_text(g, inner) + suffix
    alt = g.value(path, SH.alternativePath)
    if alt is not None:
        parts = [path_text(g, p) for p in Collection(g, alt)]
        if len(parts) > 4:
            return "(" + "|".join(parts[:3]) + f"|... {len(parts)} relations)"
        return "(" + "|".join(parts) + ")"
    if g.value(path, RDF.first) is not None:
        return "/".join(path_text(g, p) for p in Collection(g, path))
    return compact(path)
