"""Substance–indication networks, built from the knowledge graph through SPARQL.

Every edge comes from the claim queries in ``mesokg/network/queries/claims-*.rq`` (one row per claim
and cited source), every node attribute from the node queries beside them; nothing is kept by hand.
Claims about the same subject and object become one edge carrying the best evidence level, the
aggregate polarity, the number of claims and of distinct sources, and the sources' labels.

Views (:data:`VIEWS`): ``substance-indication`` (substances, formulations, procedures and techniques
to indications, by ``mk:usedFor`` / ``mk:effectiveFor`` claims), ``technique-indication``,
``substance-adverse-event``, ``substance-mechanism`` and ``projection`` (substances linked when
they share indications, weighted by how many).

>>> from mesokg.network.model import aggregate_polarity
>>> aggregate_polarity({"supports", "refutes"})
'conflicting'
>>> aggregate_polarity({"supports", "insufficient"})
'supports'
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from mesokg.network.stats import add_stats, communities, summary, top_nodes  # noqa: F401  (public API)
from mesokg.network.views import (  # noqa: F401  (public API)
    _CLAIM_POLARITY,
    _ROOT_KIND,
    MK,
    POLARITIES,
    QUERY_DIR,
    SUBJECT_ROOTS,
    VIEWS,
    Filters,
    View,
    Vocabulary,
    compact_id,
    get_view,
    load_query,
    local_name,
    make_filters,
    run_query,
    vocabulary,
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


USED_FOR = MK + "usedFor"
USAGE_LEVEL = "usage"  # the level of an edge with usage claims only
USAGE_RANK = 11


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
        # usage claims (mk:usedFor: given or studied for) never set the level (issue 10); an edge
        # with usage claims only has the level "usage", ranked below every CEBM level
        rated = [c for c in claims.values() if c["predicate"] != USED_FOR] or None
        # the level of the supporting claims when any support the pair (as mesokg evidence), else of the rest
        support = [c for c in rated or () if c["polarity"] == MK + "Supports"]
        best = min(support or rated, key=lambda c: int(c["rank"])) if rated else None
        conflicted = any(bool(c.get("conflicted")) for c in claims.values())
        edges[key] = {
            "predicates": " ".join(sorted({local_name(c["predicate"]) for c in claims.values()})),
            "level": str(best["notation"]) if best else USAGE_LEVEL,
            "level_rank": int(best["rank"]) if best else USAGE_RANK,
            "weight": evidence_weight(int(best["rank"])) if best else 0.05,
            "n_usage": len(claims) - len(rated or ()),
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


def title_of(G: nx.Graph) -> str:
    """Title line plus the filters, for pictures and pages."""
    v = VIEWS.get(G.graph.get("view", ""), None)
    title = v.title if v else G.graph.get("title", "mesokg network")
    filters = G.graph.get("filters") or "no filters"
    return f"{title} — {filters}"
