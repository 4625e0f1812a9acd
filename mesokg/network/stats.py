"""Statistics on a network: communities, degree, betweenness, a summary."""

from __future__ import annotations

import networkx as nx


def communities(G: nx.Graph) -> list[set]:
    """Communities by greedy modularity on the undirected, weighted graph (largest first)."""
    U = G.to_undirected() if G.is_directed() else G
    if U.number_of_edges() == 0:
        comms = [{n} for n in U.nodes]
    else:
        comms = [set(c) for c in nx.community.greedy_modularity_communities(U, weight="weight")]
    return sorted(comms, key=lambda c: (-len(c), min(U.nodes[n].get("label", n).lower() for n in c)))


BETWEENNESS_SAMPLE = 500  # exact below this many nodes; sampled above (O(k·E) instead of O(N·E))


def add_stats(G: nx.Graph) -> None:
    """Store ``degree``, ``weighted_degree``, ``betweenness`` and ``community`` on every node.

    Weighted degree sums edge weights: evidence weight (11 - rank) / 10 in bipartite views,
    number of shared indications in the projection. Betweenness is normalised and unweighted;
    above ``BETWEENNESS_SAMPLE`` nodes it is estimated from that many source nodes (a fixed seed,
    so the same graph gives the same numbers).
    """
    U = G.to_undirected() if G.is_directed() else G
    sample = BETWEENNESS_SAMPLE if len(U) > BETWEENNESS_SAMPLE else None
    betweenness = nx.betweenness_centrality(U, k=sample, normalized=True, seed=0) if len(U) else {}
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
