"""Network views, the vocabulary read from the graph (areas, levels, classes) and filters.

>>> get_view("substance-indication").query
'claims-substance-indication'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from mesokg.errors import InputError

MK = "https://w3id.org/mesokg/"
QUERY_DIR = Path(__file__).resolve().with_name("queries")

#: aggregate polarities of an edge, in the order legends list them
POLARITIES = ("supports", "refutes", "mixed", "conflicting", "insufficient")
_CLAIM_POLARITY = {
    MK + "Supports": "supports",
    MK + "Refutes": "refutes",
    MK + "Mixed": "mixed",
    MK + "Insufficient": "insufficient",
}
#: node kinds by root class; a formulation is a substance subclass shown as its own kind
_ROOT_KIND = {
    MK + "Substance": "substance",
    MK + "Procedure": "procedure",
    MK + "Technique": "technique",
    MK + "Indication": "indication",
    MK + "AdverseEvent": "adverse-event",
    MK + "Mechanism": "mechanism",
}
SUBJECT_ROOTS = (MK + "Substance", MK + "Procedure", MK + "Technique")
_CURIE_PREFIXES = (
    ("http://id.nlm.nih.gov/mesh/", "MESH:"),
    ("https://id.nlm.nih.gov/mesh/", "MESH:"),
    ("http://identifiers.org/mesh/", "MESH:"),
    ("https://identifiers.org/mesh/", "MESH:"),
)
_OBO = re.compile(r"^https?://purl\.obolibrary\.org/obo/([A-Za-z]+)_(\w+)$")


@dataclass(frozen=True)
class View:
    """One kind of network: which claim query feeds it and how to describe it."""

    name: str
    query: str  # file stem in queries/
    title: str
    subjects: str  # plural noun for the subject column
    objects: str  # plural noun for the object column
    indications: bool  # objects are indications (the --area filter applies)
    projection: bool = False


VIEWS: dict[str, View] = {
    v.name: v
    for v in (
        View(
            "substance-indication",
            "claims-substance-indication",
            "Substances and procedures and the indications they are used for",
            "substances and procedures",
            "indications",
            True,
        ),
        View(
            "technique-indication",
            "claims-technique-indication",
            "Techniques and procedures and the indications they are used for",
            "techniques and procedures",
            "indications",
            True,
        ),
        View(
            "substance-adverse-event",
            "claims-substance-adverse-event",
            "Substances and procedures and the adverse events reported after them",
            "substances and procedures",
            "adverse events",
            False,
        ),
        View(
            "substance-mechanism",
            "claims-substance-mechanism",
            "Substances and the mechanisms they are held to act by",
            "substances and procedures",
            "mechanisms",
            False,
        ),
        View(
            "projection",
            "claims-substance-indication",
            "Substances that share indications (edge weight: number of shared indications)",
            "substances",
            "substances",
            True,
            projection=True,
        ),
    )
}


def local_name(iri: str) -> str:
    """The last part of an IRI (after ``#`` or ``/``).

    >>> local_name("https://w3id.org/mesokg/id/area-hair")
    'area-hair'
    """
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def compact_id(iri: str) -> str:
    """A CURIE for common external vocabularies, else the IRI.

    >>> compact_id("http://purl.obolibrary.org/obo/CHEBI_15377")
    'CHEBI:15377'
    >>> compact_id("http://id.nlm.nih.gov/mesh/D008636")
    'MESH:D008636'
    """
    m = _OBO.match(iri)
    if m:
        return f"{m.group(1)}:{m.group(2)}"
    for base, prefix in _CURIE_PREFIXES:
        if iri.startswith(base):
            return prefix + iri[len(base) :]
    return iri


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@cache
def load_query(name: str) -> str:
    """The text of ``queries/<name>.rq``."""
    return (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")


def run_query(store, name: str) -> list[dict]:
    """Run one of the network queries; rows as dicts of plain Python values."""
    return store.query(load_query(name)).dicts()


def get_view(name: str) -> View:
    """The view called ``name``, or a one-line :class:`InputError` naming the views."""
    try:
        return VIEWS[name]
    except KeyError:
        raise InputError(f"unknown view {name!r}: use one of {', '.join(VIEWS)}") from None


# ---------------------------------------------------------------------------------------------
# Vocabulary: areas, evidence levels and classes, read from the graph
# ---------------------------------------------------------------------------------------------
@dataclass
class Vocabulary:
    """The controlled values filters accept, as the graph defines them."""

    areas: dict[str, str] = field(default_factory=dict)  # area IRI -> label
    levels: dict[str, tuple[int, str]] = field(default_factory=dict)  # notation -> (rank, level IRI)
    classes: dict[str, str] = field(default_factory=dict)  # class IRI -> label
    parents: dict[str, set[str]] = field(default_factory=dict)  # class IRI -> direct superclasses
    class_root: dict[str, str] = field(default_factory=dict)  # class IRI -> root class IRI

    def ancestors(self, cls: str) -> set[str]:
        """``cls`` and all its named superclasses."""
        seen, todo = set(), [cls]
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(self.parents.get(c, ()))
        return seen

    def level_notation(self, rank: int) -> str:
        for notation, (r, _) in self.levels.items():
            if r == rank:
                return notation
        return str(rank)

    def resolve_area(self, text: str) -> str:
        """An area IRI from a label (``hair``), a local name (``area-hair``) or the name without ``area-``."""
        key = _norm(text)
        for iri, label in self.areas.items():
            name = local_name(iri)
            if key in (_norm(label), _norm(name), _norm(name.removeprefix("area-"))) or text == iri:
                return iri
        names = ", ".join(sorted(local_name(i).removeprefix("area-") for i in self.areas))
        raise InputError(f"unknown area {text!r}: use one of {names}")

    def subject_classes(self) -> dict[str, str]:
        """Classes the --substance-class filter accepts: substance classes, procedure, technique."""
        return {c: lbl for c, lbl in self.classes.items() if self.class_root.get(c) in SUBJECT_ROOTS}

    def resolve_class(self, text: str) -> str:
        """A subject class IRI from its label (``plant extract``) or local name (``PlantExtract``)."""
        key = _norm(text)
        choices = self.subject_classes()
        for iri, label in choices.items():
            if key in (_norm(label), _norm(local_name(iri))) or text == iri:
                return iri
        names = ", ".join(sorted(_kebab(local_name(i)) for i in choices))
        raise InputError(f"unknown substance class {text!r}: use one of {names}")

    def resolve_level(self, text: str) -> tuple[str, int]:
        """(notation, rank) from a CEBM notation such as ``2b`` (also ``CEBM_2b``, ``CEBM 2b``)."""
        key = re.sub(r"^cebm[\s_-]*", "", text.strip().lower())
        for notation, (rank, _) in self.levels.items():
            if key == notation.lower():
                return notation, rank
        names = ", ".join(sorted(self.levels, key=lambda n: self.levels[n][0]))
        raise InputError(f"unknown evidence level {text!r}: use one of {names} (CEBM; 1a is best)")


def _kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def vocabulary(store) -> Vocabulary:
    """Read areas, evidence levels and the class hierarchy from the graph."""
    voc = Vocabulary()
    for r in run_query(store, "areas"):
        voc.areas[r["area"]] = r.get("label") or local_name(r["area"])
    for r in run_query(store, "levels"):
        voc.levels.setdefault(str(r["notation"]), (int(r["rank"]), r["level"]))
    for r in run_query(store, "class-hierarchy"):
        c = r["class"]
        voc.classes.setdefault(c, r.get("label") or local_name(c))
        voc.parents.setdefault(c, set())
        if r.get("super"):
            voc.parents[c].add(r["super"])
        # a class under two roots keeps the first (roots are disjoint in the ontology)
        voc.class_root.setdefault(c, r["root"])
    return voc


# ---------------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    """What to keep. Area and class act on nodes, level and polarity on aggregated edges.

    An edge is kept when its indication is in one of ``areas``, its subject is in one of
    ``classes`` (or a subclass), its best evidence level ranks at ``min_level`` or better, and its
    aggregate polarity is ``polarity``. Nodes left without edges are dropped.
    """

    areas: tuple[str, ...] = ()  # area IRIs
    area_labels: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()  # class IRIs
    class_labels: tuple[str, ...] = ()
    min_level: str | None = None  # CEBM notation
    min_rank: int | None = None
    polarity: str | None = None

    def describe(self) -> str:
        """A short human-readable description, '' when nothing is filtered."""
        parts = []
        if self.area_labels:
            parts.append("area: " + ", ".join(self.area_labels))
        if self.class_labels:
            parts.append("class: " + ", ".join(self.class_labels))
        if self.min_level:
            parts.append(f"evidence {self.min_level} or better")
        if self.polarity:
            parts.append(f"polarity: {self.polarity}")
        return "; ".join(parts)

    def is_empty(self) -> bool:
        return not (self.areas or self.classes or self.min_rank or self.polarity)


def make_filters(
    vocab: Vocabulary,
    view: View,
    area=(),
    substance_class=(),
    min_level: str | None = None,
    polarity: str | None = None,
) -> Filters:
    """Check user-given filter values against the graph's vocabulary; one-line errors otherwise."""
    areas = tuple(area or ())
    if areas and not view.indications:
        raise InputError(f"--area works only with views that show indications, not {view.name}")
    area_iris = tuple(vocab.resolve_area(a) for a in areas)
    class_iris = tuple(vocab.resolve_class(c) for c in (substance_class or ()))
    notation, rank = vocab.resolve_level(min_level) if min_level else (None, None)
    if polarity is not None and polarity.lower() not in POLARITIES:
        raise InputError(f"unknown polarity {polarity!r}: use one of {', '.join(POLARITIES)}")
    return Filters(
        areas=area_iris,
        area_labels=tuple(vocab.areas[a] for a in area_iris),
        classes=class_iris,
        class_labels=tuple(vocab.classes[c] for c in class_iris),
        min_level=notation,
        min_rank=rank,
        polarity=polarity.lower() if polarity else None,
    )
