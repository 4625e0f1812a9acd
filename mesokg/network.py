"""Substance–indication networks, built from the knowledge graph through SPARQL.

Every edge comes from the claim queries in ``mesokg/network_queries/claims-*.rq`` (one row per claim
and cited source), every node attribute from the node queries beside them; nothing is kept by hand.
Claims about the same subject and object become one edge carrying the best evidence level, the
aggregate polarity, the number of claims and of distinct sources, and the sources' labels.

Views (:data:`VIEWS`): ``substance-indication`` (substances, formulations, procedures and techniques
to indications, by ``mk:usedFor`` / ``mk:effectiveFor`` claims), ``technique-indication``,
``substance-adverse-event``, ``substance-mechanism`` and ``projection`` (substances linked when
they share indications, weighted by how many).

>>> from mesokg.network import aggregate_polarity
>>> aggregate_polarity({"supports", "refutes"})
'conflicting'
>>> aggregate_polarity({"supports", "insufficient"})
'supports'
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import networkx as nx

from .errors import InputError

MK = "https://w3id.org/mesokg/"
QUERY_DIR = Path(__file__).resolve().with_name("network_queries")

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
    query: str  # file stem in network_queries/
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
    """The text of ``network_queries/<name>.rq``."""
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


# ---------------------------------------------------------------------------------------------
# Edges and nodes
# ---------------------------------------------------------------------------------------------
def aggregate_polarity(polarities: set[str], conflicted: bool = False) -> str:
    """One polarity for an edge from the polarities of its claims.

    Supports and refutes together (or claims marked ``mk:conflictsWith`` each other) are
    ``conflicting``; any mixed claim makes ``mixed``; ``insufficient`` counts only when alone.
    """
    if conflicted or {"supports", "refutes"} <= polarities:
        return "conflicting"
    if "mixed" in polarities:
        return "mixed"
    for p in ("supports", "refutes"):
        if p in polarities:
            return p
    return "insufficient"


def evidence_weight(rank: int) -> float:
    """Edge weight from a CEBM rank: 1a (rank 1) weighs 1.0, level 5 (rank 10) weighs 0.1."""
    return round((11 - rank) / 10, 2)


def aggregate_edges(rows: list[dict]) -> dict[tuple[str, str], dict]:
    """Group claim rows (one per claim and source) into one attribute dict per (subject, object)."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        groups[(r["subject"], r["object"])].append(r)
    edges = {}
    for key, grp in groups.items():
        claims: dict[str, dict] = {}
        sources: dict[str, str] = {}
        for r in grp:
            claims.setdefault(r["claim"], r)
            if r.get("source"):
                sources[r["source"]] = r.get("sourceLabel") or local_name(r["source"])
        pols = [_CLAIM_POLARITY.get(c["polarity"], local_name(c["polarity"]).lower()) for c in claims.values()]
        best = min(claims.values(), key=lambda c: int(c["rank"]))
        conflicted = any(bool(c.get("conflicted")) for c in claims.values())
        edges[key] = {
            "predicates": " ".join(sorted({local_name(c["predicate"]) for c in claims.values()})),
            "level": str(best["notation"]),
            "level_rank": int(best["rank"]),
            "weight": evidence_weight(int(best["rank"])),
            "polarity": aggregate_polarity(set(pols), conflicted),
            "n_claims": len(claims),
            "n_sources": len(sources),
            "n_supports": pols.count("supports"),
            "n_refutes": pols.count("refutes"),
            "n_mixed": pols.count("mixed"),
            "n_insufficient": pols.count("insufficient"),
            "conflicted": conflicted,
            "sources": " | ".join(sorted(sources.values(), key=str.lower)),
            "source_ids": " ".join(sorted(sources)),
            "claims": " ".join(sorted(claims)),
        }
    return edges


def node_table(store, vocab: Vocabulary) -> dict[str, dict]:
    """Attributes of every node the views can show, keyed by IRI (all values scalar)."""
    types: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    roots: dict[str, str] = {}
    for r in run_query(store, "node-types"):
        n = r["node"]
        types[n].add(r["type"])
        if r.get("label"):
            labels.setdefault(n, r["label"])
        roots.setdefault(n, r["root"])
    areas: dict[str, list[str]] = defaultdict(list)
    for r in run_query(store, "node-areas"):
        areas[r["node"]].append(r["area"])
    ext: dict[str, list[str]] = defaultdict(list)
    for r in run_query(store, "external-ids"):
        ext[r["node"]].append(compact_id(r["match"]))
    table = {}
    for n, ts in types.items():
        ancestors = {t: vocab.ancestors(t) for t in ts}
        # most specific: a type no other type of the node lies below
        specific = sorted(t for t in ts if not any(t in anc and o != t for o, anc in ancestors.items()))
        cls = specific[0] if specific else roots[n]
        all_classes = set().union(*ancestors.values()) if ancestors else {cls}
        kind = _ROOT_KIND.get(vocab.class_root.get(cls, roots[n]), "other")
        if MK + "Formulation" in all_classes:
            kind = "formulation"
        area = sorted(areas.get(n, []))
        area_iri = area[0] if area else ""
        itype = (
            "cosmetic"
            if MK + "CosmeticIndication" in all_classes
            else "medical"
            if MK + "MedicalIndication" in all_classes
            else ""
        )
        class_label = vocab.classes.get(cls, local_name(cls))
        area_label = vocab.areas.get(area_iri, local_name(area_iri)) if area_iri else ""
        table[n] = {
            "label": labels.get(n, local_name(n)),
            "kind": kind,
            "class": local_name(cls),
            "class_label": class_label,
            "classes": " ".join(sorted(local_name(c) for c in all_classes)),
            "category": area_label or class_label,
            "area": local_name(area_iri).removeprefix("area-") if area_iri else "",
            "area_label": area_label,
            "indication_type": itype,
            "external_ids": " ".join(sorted(set(ext.get(n, [])))),
            "iri": n,
        }
    return table


def _fallback_node(iri: str) -> dict:
    return {
        "label": local_name(iri),
        "kind": "other",
        "class": "",
        "class_label": "",
        "classes": "",
        "category": "",
        "area": "",
        "area_label": "",
        "indication_type": "",
        "external_ids": "",
        "iri": iri,
    }


def claim_rows(store, view: View | str) -> list[dict]:
    """The rows of the view's claim query, unchanged (one per claim and cited source)."""
    v = get_view(view) if isinstance(view, str) else view
    return run_query(store, v.query)


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------
def bipartite_network(rows: list[dict], nodes: dict[str, dict]) -> nx.DiGraph:
    """Subjects → objects, one edge per pair, from claim rows and the node table."""
    G = nx.DiGraph()
    edges = aggregate_edges(rows)
    subjects = {s for s, _ in edges}
    objects = {o for _, o in edges}
    for role, members in (("subject", subjects), ("object", objects)):
        for n in sorted(members, key=lambda i: (nodes.get(i, {}).get("label", i).lower(), i)):
            attrs = dict(nodes.get(n) or _fallback_node(n))
            attrs["role"] = role
            G.add_node(n, **attrs)
    for (s, o), attrs in sorted(
        edges.items(), key=lambda kv: (G.nodes[kv[0][0]]["label"].lower(), G.nodes[kv[0][1]]["label"].lower())
    ):
        G.add_edge(s, o, **attrs)
    return G


def apply_filters(G: nx.DiGraph, filters: Filters) -> nx.DiGraph:
    """A copy of ``G`` with only the edges ``filters`` keep, and no node left without edges."""
    area_names = {local_name(a).removeprefix("area-") for a in filters.areas}
    class_names = {local_name(c) for c in filters.classes}
    H = nx.DiGraph()
    H.graph.update(G.graph)
    for s, o, d in G.edges(data=True):
        if area_names and G.nodes[o].get("area") not in area_names:
            continue
        if class_names and not class_names & set(G.nodes[s].get("classes", "").split()):
            continue
        if filters.min_rank is not None and d["level_rank"] > filters.min_rank:
            continue
        if filters.polarity and d["polarity"] != filters.polarity:
            continue
        for n in (s, o):
            if n not in H:
                H.add_node(n, **G.nodes[n])
        H.add_edge(s, o, **d)
    # keep G's node order
    order = [n for n in G.nodes if n in H]
    K = nx.DiGraph()
    K.graph.update(H.graph)
    K.add_nodes_from((n, H.nodes[n]) for n in order)
    K.add_edges_from(H.edges(data=True))
    return K


def project(G: nx.DiGraph, kinds: tuple[str, ...] = ("substance", "formulation")) -> nx.Graph:
    """One-mode projection: subjects of ``kinds`` linked when they share objects.

    Edge attributes: ``weight`` and ``shared`` (number of shared objects), their labels and IRIs.
    """
    P = nx.Graph()
    P.graph.update(G.graph)
    subjects = [n for n, d in G.nodes(data=True) if d.get("role") == "subject" and d.get("kind") in kinds]
    targets = {n: set(G.successors(n)) for n in subjects}
    for a_i, a in enumerate(subjects):
        for b in subjects[a_i + 1 :]:
            shared = targets[a] & targets[b]
            if not shared:
                continue
            for n in (a, b):
                if n not in P:
                    P.add_node(n, **G.nodes[n])
            names = sorted(shared, key=lambda i: G.nodes[i]["label"].lower())
            P.add_edge(
                a,
                b,
                weight=float(len(shared)),
                shared=len(shared),
                shared_labels=" | ".join(G.nodes[i]["label"] for i in names),
                shared_ids=" ".join(names),
            )
    return P


def build_network(
    store,
    view: str | View = "substance-indication",
    filters: Filters | None = None,
    *,
    stats: bool = True,
    vocab: Vocabulary | None = None,
) -> nx.Graph:
    """Build the network of ``view`` from the graph in ``store``, filtered, with per-node stats.

    Bipartite views give a :class:`networkx.DiGraph` (subject → object); ``projection`` gives an
    undirected :class:`networkx.Graph`. ``G.graph`` holds ``view``, ``title`` and ``filters``.
    """
    v = get_view(view) if isinstance(view, str) else view
    filters = filters or Filters()
    vocab = vocab or vocabulary(store)
    G = bipartite_network(claim_rows(store, v), node_table(store, vocab))
    G.graph.update(view=v.name, title=v.title, filters=filters.describe())
    if not filters.is_empty():
        G = apply_filters(G, filters)
    if v.projection:
        G = project(G)
    if stats:
        add_stats(G)
    return G


# ---------------------------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------------------------
def communities(G: nx.Graph) -> list[set]:
    """Communities by greedy modularity on the undirected, weighted graph (largest first)."""
    U = G.to_undirected() if G.is_directed() else G
    if U.number_of_edges() == 0:
        comms = [{n} for n in U.nodes]
    else:
        comms = [set(c) for c in nx.community.greedy_modularity_communities(U, weight="weight")]
    return sorted(comms, key=lambda c: (-len(c), min(U.nodes[n].get("label", n).lower() for n in c)))


def add_stats(G: nx.Graph) -> None:
    """Store ``degree``, ``weighted_degree``, ``betweenness`` and ``community`` on every node.

    Weighted degree sums edge weights: evidence weight (11 - rank) / 10 in bipartite views,
    number of shared indications in the projection. Betweenness is normalised and unweighted.
    """
    U = G.to_undirected() if G.is_directed() else G
    betweenness = nx.betweenness_centrality(U, normalized=True) if len(U) else {}
    comm_of = {n: i for i, c in enumerate(communities(U)) for n in c}
    for n in G.nodes:
        G.nodes[n]["degree"] = int(U.degree(n))
        G.nodes[n]["weighted_degree"] = round(float(U.degree(n, weight="weight")), 4)
        G.nodes[n]["betweenness"] = round(float(betweenness.get(n, 0.0)), 6)
        G.nodes[n]["community"] = int(comm_of.get(n, -1))


def top_nodes(G: nx.Graph, role: str | None = None, n: int = 10, key: str = "degree") -> list[tuple[str, dict]]:
    """The ``n`` nodes (of ``role``: subject/object) ranked by ``key``, then weighted degree, then label."""
    items = [(k, d) for k, d in G.nodes(data=True) if role is None or d.get("role") == role]
    items.sort(key=lambda kd: (-kd[1].get(key, 0), -kd[1].get("weighted_degree", 0), kd[1]["label"].lower()))
    return items[:n]


def summary(G: nx.Graph) -> dict:
    """Counts describing the network."""
    U = G.to_undirected() if G.is_directed() else G
    roles = [d.get("role") for _, d in G.nodes(data=True)]
    comms = {d.get("community") for _, d in G.nodes(data=True)}
    return {
        "view": G.graph.get("view", ""),
        "filters": G.graph.get("filters", ""),
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "subjects": roles.count("subject"),
        "objects": roles.count("object"),
        "components": nx.number_connected_components(U) if len(U) else 0,
        "communities": len(comms - {None}),
        "density": round(nx.density(U), 4) if len(U) > 1 else 0.0,
    }


def title_of(G: nx.Graph) -> str:
    """Title line plus the filters, for pictures and pages."""
    v = VIEWS.get(G.graph.get("view", ""), None)
    title = v.title if v else G.graph.get("title", "mesokg network")
    filters = G.graph.get("filters") or "no filters"
    return f"{title} — {filters}"
