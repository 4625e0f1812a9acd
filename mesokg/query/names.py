"""Names as input: a label, synonym, short id, CURIE or IRI -> the IRI of one node of the graph.

Every place that takes a node from a person (``mesokg evidence``, saved-query parameters of type
``iri``, the page's forms, curation tools) resolves it here, so "minoxidil", "hair loss",
``androgenetic-alopecia``, ``mkd:hair-loss`` and ``<https://w3id.org/mesokg/id/hair-loss>`` all work
the same way everywhere.

Resolution, first match wins:

1. ``<IRI>``, a full IRI (``https://…``) or a CURIE with a known prefix (``mkd:``, ``mk:``…): taken as
   written when the graph has it; when it does not, "did you mean" with the closest labels.
2. A short id (the local name of an instance, ``androgenetic-alopecia``).
3. The ``rdfs:label`` (or ``skos:prefLabel``), compared without case, accents, hyphens or extra spaces.
4. A synonym: ``skos:altLabel``, ``skos:hiddenLabel``, the label without its parenthesis
   ("hair loss" for "hair loss (alopecia)") or the short id read as words ("musculoskeletal pain").

Within a step, several nodes sharing a name are narrowed to the preferred type (an ``indication``
parameter prefers indications), then to instances over ontology terms; if more than one remains the
name is ambiguous and the error lists the candidates with their short ids. An unknown name raises
:class:`~mesokg.errors.InputError` with one line: ``no node called 'minoxdil': did you mean
minoxidil, topical minoxidil 5%?``.

>>> idx = NameIndex([("https://w3id.org/mesokg/id/hair-loss", "hair loss (alopecia)", "label", ())])
>>> idx.resolve("Hair Loss")
'https://w3id.org/mesokg/id/hair-loss'
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from mesokg.errors import InputError
from mesokg.query.formats import PREFIXES

MK = "https://w3id.org/mesokg/"
MKD = "https://w3id.org/mesokg/id/"

# the type a parameter (or argument) of this name prefers when a name fits several nodes
PREFERRED_TYPES: dict[str, str] = {
    "indication": MK + "Indication",
    "substance": MK + "Substance",
    "formulation": MK + "Formulation",
    "mechanism": MK + "Mechanism",
    "procedure": MK + "Procedure",
    "technique": MK + "Technique",
    "adverse_event": MK + "AdverseEvent",
    "source": MK + "Source",
    "class": "http://www.w3.org/2002/07/owl#Class",
}

# (property IRI, kind): kind "label" is the main name, "synonym" any other name
_NAME_PROPS = (
    ("http://www.w3.org/2000/01/rdf-schema#label", "label"),
    ("http://www.w3.org/2004/02/skos/core#prefLabel", "label"),
    ("http://www.w3.org/2004/02/skos/core#altLabel", "synonym"),
    ("http://www.w3.org/2004/02/skos/core#hiddenLabel", "synonym"),
)
INDEX_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?node ?prop ?name ?type WHERE {
  VALUES ?prop { rdfs:label skos:prefLabel skos:altLabel skos:hiddenLabel }
  ?node ?prop ?name .
  FILTER(isIRI(?node))
  OPTIONAL { ?node a ?type . FILTER(isIRI(?type)) }
}"""
SUBCLASS_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?c ?super WHERE { ?c rdfs:subClassOf ?super . FILTER(isIRI(?c) && isIRI(?super)) }"""

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SHORT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_PAREN = re.compile(r"\s*\([^()]*\)\s*")


def normalise(text: str) -> str:
    """The comparison key of a name: lower case, no accents, hyphens/underscores as spaces."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c)).casefold()
    t = re.sub(r"[-_\s]+", " ", t)
    return t.strip()


def expand_curie(value: str) -> str | None:
    """``mkd:x`` -> the full IRI when the prefix is known, else ``None``."""
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return None


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


def _local(iri: str) -> str:
    for ns in (MKD, MK):
        if iri.startswith(ns):
            return iri[len(ns) :]
    return re.split(r"[/#]", iri)[-1]


@dataclass
class Node:
    iri: str
    label: str = ""
    names: set[str] = field(default_factory=set)  # display names (label + synonyms)
    types: set[str] = field(default_factory=set)


class NameIndex:
    """Names of the nodes of one graph, ready to resolve text to IRIs.

    ``rows`` are ``(iri, name, kind, types)`` with kind ``"label"`` or ``"synonym"``;
    ``superclasses`` maps a class IRI to its direct superclasses (for preferred types).
    """

    def __init__(self, rows: Iterable[tuple[str, str, str, Iterable[str]]], superclasses=None):
        self.nodes: dict[str, Node] = {}
        self._super = {k: set(v) for k, v in (superclasses or {}).items()}
        self._anc: dict[str, set[str]] = {}
        # step -> normalised key -> IRIs; steps: 0 short id, 1 label, 2 synonym
        self._keys: list[dict[str, set[str]]] = [{}, {}, {}]
        for iri, name, kind, types in rows:
            node = self.nodes.setdefault(iri, Node(iri))
            node.types.update(types)
            if kind == "label" and (not node.label or iri.startswith(MKD)):
                node.label = node.label or name
            node.names.add(name)
            step = 1 if kind == "label" else 2
            self._add(step, name, iri)
            bare = _PAREN.sub(" ", name).strip()
            if bare and bare != name:
                self._add(2, bare, iri)
        for iri, node in self.nodes.items():
            local = _local(iri)
            if local and local != iri:
                self._add(0, local, iri, exact=True)
                self._add(2, local, iri)
            if not node.label:
                node.label = min(node.names, key=len) if node.names else local

    def _add(self, step: int, name: str, iri: str, exact: bool = False) -> None:
        key = name if exact else normalise(name)
        if key:
            self._keys[step].setdefault(key, set()).add(iri)

    # -- reading ---------------------------------------------------------------------------------

    def label(self, iri: str) -> str:
        """The label of a node (its short id when it has none)."""
        node = self.nodes.get(iri)
        return node.label if node else _local(iri)

    def has(self, iri: str) -> bool:
        return iri in self.nodes

    def ancestors(self, cls: str) -> set[str]:
        cached = self._anc.get(cls)
        if cached is not None:
            return cached
        seen, todo = {cls}, [cls]
        while todo:
            for sup in self._super.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        self._anc[cls] = seen
        return seen

    def is_a(self, iri: str, cls: str) -> bool:
        node = self.nodes.get(iri)
        return bool(node) and any(cls in self.ancestors(t) for t in node.types)

    def suggestions(self, text: str, n: int = 3, prefer: str | None = None) -> list[str]:
        """The closest labels to ``text`` (labels of the preferred type first)."""
        key = normalise(text)
        by_key: dict[str, set[str]] = {}
        for step in (1, 2):
            for k, iris in self._keys[step].items():
                by_key.setdefault(k, set()).update(iris)
        pool = list(by_key)
        if prefer:
            typed = [k for k in pool if any(self.is_a(i, prefer) for i in by_key[k])]
            pool = typed or pool
        close = difflib.get_close_matches(key, pool, n=n * 3, cutoff=0.6)
        if key:
            close += sorted((k for k in pool if key in k and k not in close), key=len)[:n]
        labels: list[str] = []
        for k in close:
            for iri in sorted(by_key[k]):
                lab = self.label(iri)
                if lab not in labels:
                    labels.append(lab)
        return labels[:n]

    def resolve(self, text: str, *, prefer: str | None = None, what: str = "node", strict: bool = True) -> str:
        """The IRI ``text`` names; :class:`InputError` (one line) when unknown or ambiguous.

        ``prefer`` is a class IRI that breaks ties; ``what`` names the argument in messages. With
        ``strict=False`` an explicit IRI or CURIE the graph does not name is returned as written
        (a saved query then simply finds nothing); names and short ids must always be known.
        """
        raw = text.strip() if isinstance(text, str) else ""
        if not raw:
            raise InputError(f"{what}: give a name, short id, CURIE or IRI (got nothing)")
        iri = None
        if raw.startswith("<") and raw.endswith(">"):
            iri = raw[1:-1]
        elif (expanded := expand_curie(raw)) is not None:
            iri = expanded
        elif _SCHEME.match(raw) and " " not in raw:
            iri = raw
        if iri is not None:
            if iri in self.nodes or not strict:
                return iri
            return self._unknown(_local(iri), raw, prefer, what)
        steps = [self._keys[0].get(raw), self._keys[1].get(normalise(raw)), self._keys[2].get(normalise(raw))]
        if prefer:  # a node of the preferred type under any name beats another node's label
            for found in steps:
                typed = {i for i in found or () if self.is_a(i, prefer)}
                if typed:
                    return self._pick(typed, raw, None, what)
        for found in steps:
            if found:
                return self._pick(found, raw, prefer, what)
        return self._unknown(raw, raw, prefer, what)

    def _pick(self, found: set[str], raw: str, prefer: str | None, what: str) -> str:
        cands = sorted(found)
        if len(cands) > 1 and prefer:
            cands = [i for i in cands if self.is_a(i, prefer)] or cands
        if len(cands) > 1:
            cands = [i for i in cands if i.startswith(MKD)] or cands
        if len(cands) == 1:
            return cands[0]
        listed = ", ".join(f"{self.label(i)} ({_local(i)})" for i in cands[:5])
        raise InputError(f"{what}: {_shown(raw)} names {len(cands)} nodes: {listed}; give the short id")

    def _unknown(self, key: str, raw: str, prefer: str | None, what: str):
        close = self.suggestions(key.replace("-", " "), prefer=prefer)
        hint = (
            f"did you mean {', '.join(close)}?"
            if close
            else "look it up with `mesokg query find-term --param text=...`"
        )
        raise InputError(
            f"{what}: no node called {_shown(raw)}: {hint} (give a label, synonym, short id, CURIE or IRI)"
        )


def build_index(store) -> NameIndex:
    """Read every named node of ``store`` (any mesokg store: memory, disk or remote)."""
    kinds = dict(_NAME_PROPS)
    rows: dict[tuple[str, str, str], set[str]] = {}
    for node, prop, name, typ in store.query(INDEX_QUERY).rows:
        types = rows.setdefault((node.value, name.value, kinds[prop.value]), set())
        if typ is not None:
            types.add(typ.value)
    supers: dict[str, set[str]] = {}
    for c, sup in store.query(SUBCLASS_QUERY).rows:
        supers.setdefault(c.value, set()).add(sup.value)
    return NameIndex(((i, n, k, t) for (i, n, k), t in rows.items()), supers)


def name_index(store) -> NameIndex:
    """The (cached) index of ``store``; rebuilt when an in-memory or on-disk store changes size."""
    stamp = store.count() if getattr(store, "kind", "") in ("memory", "disk") else 0
    cached = getattr(store, "_mesokg_names", None)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    index = build_index(store)
    try:
        store._mesokg_names = (stamp, index)
    except AttributeError:  # a store object that takes no attributes: no cache
        pass
    return index


def resolve(store, text: str, *, prefer: str | None = None, what: str = "node", strict: bool = True) -> str:
    """``text`` (label, synonym, short id, CURIE or IRI) -> IRI in ``store``; see the module notes.

    ``prefer`` is a class IRI or a parameter name listed in :data:`PREFERRED_TYPES`.
    """
    prefer = PREFERRED_TYPES.get(prefer, prefer) if prefer else None
    return name_index(store).resolve(text, prefer=prefer, what=what, strict=strict)


def is_explicit_iri(text: str) -> bool:
    """``<IRI>``, a CURIE with a known prefix or an absolute IRI: no lookup needed."""
    raw = text.strip()
    return (
        (raw.startswith("<") and raw.endswith(">"))
        or expand_curie(raw) is not None
        or (bool(_SCHEME.match(raw)) and " " not in raw)
    )


def label(store, iri: str) -> str:
    """The label of ``iri`` in ``store`` (its short id when it has none)."""
    return name_index(store).label(iri)
