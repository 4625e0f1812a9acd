"""Summary of findings for one subject and one indication (``mesokg evidence SUBJECT INDICATION``).

The claims come from one internal query, ``queries/pair-claims.rq`` — the project's single definition
of "evidence for a pair" (indication plus its narrower forms; subject plus the formulations that
contain it and its named variants; efficacy and usage apart; one vote per independent source).
Certainty follows the rules in :mod:`mesokg.evidence.grade`.

>>> s = summarize(store, "minoxidil", "hair loss")   # doctest: +SKIP
>>> s.to_json()["certainty"]                          # doctest: +SKIP
'very low'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from . import grade

MK = "https://w3id.org/mesokg/"
QUERY_DIR = Path(__file__).resolve().with_name("queries")
POLARITY = {
    MK + "Supports": "supports",
    MK + "Refutes": "refutes",
    MK + "Mixed": "mixed",
    MK + "Insufficient": "insufficient",
}
VIA_ORDER = {"direct": 0, "variant": 1, "formulation": 2, "inherited": 3}
JSON_KEYS = (
    "subject",
    "indication",
    "included_indications",
    "claims",
    "sources",
    "best_level",
    "certainty",
    "reasons",
    "direction",
    "adverse_events",
    "usage",
)


@functools.cache
def load_query(name: str) -> str:
    return (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")


def _value(t):
    if t is None:
        return None
    from mesokg.query.formats import to_python

    return to_python(t)


def _rows(store, name: str, bindings: dict) -> list[dict]:
    import pyoxigraph as ox

    terms = {k: ox.NamedNode(v) for k, v in bindings.items() if v}
    res = store.query(load_query(name), terms or None)
    return [{v: _value(t) for v, t in zip(res.variables, row, strict=True)} for row in res.rows]


def _short(iri: str | None) -> str | None:
    if iri is None:
        return None
    for ns in (MK + "id/", MK):
        if iri.startswith(ns):
            return iri[len(ns) :]
    return iri


def group_claims(rows: list[dict], label, indication: str | None = None) -> list[dict]:
    """Rows of pair-claims.rq (one per claim x source x conflict) -> one dict per claim."""
    claims: dict[str, dict] = {}
    for r in rows:
        c = claims.get(r["claim"])
        if c is None:
            c = claims[r["claim"]] = {
                "claim": _short(r["claim"]),
                "kind": r["kind"],
                "subject": _short(r["claim_subject"]),
                "subject_label": label(r["claim_subject"]),
                "via": r["via"],
                "indication": _short(r["claim_indication"]),
                "indication_label": label(r["claim_indication"]),
                "polarity": POLARITY.get(r["polarity"], _short(r["polarity"])),
                "level": str(r["level"]),
                "rank": int(r["rank"]),
                "design": label(r["design"]) if r.get("design") else None,
                "sample_size": r.get("sample_size"),
                "studies": r.get("studies"),
                "effect_size": str(r["effect_size"]) if r.get("effect_size") is not None else None,
                "effect_measure": r.get("effect_measure"),
                "certainty": r.get("certainty"),
                "comparator": label(r["comparator"]) if r.get("comparator") else None,
                "route": _short(r.get("route")),
                "sources": [],
                "conflicts": [],
                "summary": r.get("summary"),
                "indirect_population": bool(indication) and r["claim_indication"] != indication,
            }
        if VIA_ORDER.get(r["via"], 9) < VIA_ORDER.get(c["via"], 9):
            c["via"] = r["via"]
        src = _short(r["source"])
        if src and src not in c["sources"]:
            c["sources"].append(src)
        conflict = _short(r.get("conflict"))
        if conflict and conflict not in c["conflicts"]:
            c["conflicts"].append(conflict)
    for c in claims.values():
        c["sources"].sort()
        c["conflicts"].sort()
    return sorted(claims.values(), key=lambda c: (c["rank"], VIA_ORDER.get(c["via"], 9), c["claim"]))


def independent_sources(claims: list[dict], label) -> list[dict]:
    """One entry per evidence source: the claims resting on it, its best level and polarities."""
    out: dict[str, dict] = {}
    for c in claims:
        for s in c["sources"]:
            e = out.setdefault(
                s,
                {
                    "source": s,
                    "label": label(MK + "id/" + s),
                    "claims": [],
                    "best_level": c["level"],
                    "best_rank": c["rank"],
                    "polarities": [],
                },
            )
            e["claims"].append(c["claim"])
            if c["rank"] < e["best_rank"]:
                e["best_rank"], e["best_level"] = c["rank"], c["level"]
            if c["polarity"] not in e["polarities"]:
                e["polarities"].append(c["polarity"])
            for key in ("sample_size", "studies"):
                if c.get(key) is not None:
                    e[key] = max(e.get(key) or 0, int(c[key]))
            if c.get("design") and c["rank"] <= e["best_rank"]:
                e["design"] = c["design"]
    for e in out.values():
        e["claims"].sort()
        e["polarities"].sort(key=list(POLARITY.values()).index)
    return sorted(out.values(), key=lambda e: (e["best_rank"], e["source"]))


def adverse_events(rows: list[dict], label) -> list[dict]:
    """Rows of adverse-events.rq -> one entry per event, repeated reports aggregated with their sources."""
    events: dict[str, dict] = {}
    for r in rows:
        e = events.setdefault(
            r["event"],
            {
                "event": _short(r["event"]),
                "kind": r.get("kind") or "adverse event",
                "label": label(r["event"]),
                "claims": [],
                "sources": [],
                "polarities": [],
                "best_level": str(r["level"]),
                "best_rank": int(r["rank"]),
                "via": r["via"],
                "inherited_from": [],
                "frequency": None,
                "severity": None,
            },
        )
        claim = _short(r["claim"])
        if claim not in e["claims"]:
            e["claims"].append(claim)
        src = _short(r["source"])
        if src and src not in e["sources"]:
            e["sources"].append(src)
        pol = POLARITY.get(r["polarity"], _short(r["polarity"]))
        if pol not in e["polarities"]:
            e["polarities"].append(pol)
        if int(r["rank"]) < e["best_rank"]:
            e["best_rank"], e["best_level"] = int(r["rank"]), str(r["level"])
        if VIA_ORDER.get(r["via"], 9) < VIA_ORDER.get(e["via"], 9):
            e["via"] = r["via"]
        if r["via"] == "inherited":
            frm = label(r["claim_subject"])
            if frm not in e["inherited_from"]:
                e["inherited_from"].append(frm)
        for key in ("frequency", "severity"):
            if r.get(key) and not e[key]:
                e[key] = r[key]
    out = list(events.values())
    for e in out:
        e["claims"].sort()
        e["sources"].sort()
        e["inherited_from"].sort()
        e["polarities"].sort(key=list(POLARITY.values()).index)
        e["inherited"] = e["via"] == "inherited"  # only reported for the general procedure
        e["reports"] = len(e["claims"])
    return sorted(
        out,
        key=lambda e: (e["kind"] != "safety profile", e["inherited"], -len(e["sources"]), e["best_rank"], e["label"]),
    )


@dataclass
class Summary:
    """A summary of findings; :meth:`to_json` has exactly the keys of :data:`JSON_KEYS`."""

    subject: dict
    indication: dict
    included_indications: list[dict]
    included_subjects: list[dict]
    claims: list[dict]
    usage: list[dict]
    sources: list[dict]
    rating: dict
    adverse_events: list[dict] = field(default_factory=list)
    broader: list[dict] = field(default_factory=list)  # context only: efficacy claims on broader indications

    @property
    def best_level(self) -> str | None:
        """The best level of the *supporting* efficacy claims (seeds/README.md, "Efficacy evidence for
        a pair"); None when nothing supports the pair."""
        support = [c for c in self.claims if c["polarity"] == "supports"]
        return support[0]["level"] if support else None

    @property
    def best_level_against(self) -> str | None:
        """The best level of the refuting, mixed or insufficient efficacy claims."""
        against = [c for c in self.claims if c["polarity"] != "supports"]
        return against[0]["level"] if against else None

    @property
    def certainty(self) -> str:
        return self.rating["certainty"]

    @property
    def direction(self) -> str:
        return self.rating["direction"]

    def counts(self) -> dict:
        pols = [c["polarity"] for c in self.claims]
        return {p: pols.count(p) for p in ("supports", "refutes", "mixed", "insufficient")}

    def participants(self) -> int | None:
        sizes = [s["sample_size"] for s in self.sources if s.get("sample_size")]
        return sum(sizes) if sizes else None

    def studies(self) -> int | None:
        ks = [s["studies"] for s in self.sources if s.get("studies")]
        return sum(ks) if ks else None

    def to_json(self) -> dict:
        def clean(c: dict) -> dict:
            return {k: v for k, v in c.items() if k != "indirect_population"}

        return {
            "subject": self.subject,
            "indication": self.indication,
            "included_indications": self.included_indications,
            "claims": [clean(c) for c in self.claims],
            "sources": self.sources,
            "best_level": self.best_level,
            "certainty": self.certainty,
            "reasons": self.rating["reasons"],
            "direction": self.direction,
            "adverse_events": self.adverse_events,
            "usage": [clean(c) for c in self.usage],
        }


def narrower_indications(store) -> dict[str, set[str]]:
    """Indication IRI -> itself and every narrower form (mk:subConditionOf, any depth)."""
    q = "PREFIX mk: <https://w3id.org/mesokg/> SELECT ?n ?i WHERE { ?n mk:subConditionOf+ ?i }"
    out: dict[str, set[str]] = {}
    for n, i in store.query(q).rows:
        out.setdefault(i.value, set()).add(n.value)
    return out


def build_summary(
    s_iri: str, i_iri: str, claim_rows: list[dict], ae_rows: list[dict], narrower: set[str], label
) -> Summary:
    """A summary from rows of pair-claims.rq (for this pair) and adverse-events.rq (for this subject)."""
    all_claims = group_claims(claim_rows, label, i_iri)
    efficacy = [c for c in all_claims if c["kind"] == "efficacy"]
    usage = [c for c in all_claims if c["kind"] == "usage"]
    subjects: dict[str, dict] = {_short(s_iri): {"id": _short(s_iri), "label": label(s_iri), "via": "asked"}}
    for c in all_claims:
        subjects.setdefault(c["subject"], {"id": c["subject"], "label": c["subject_label"], "via": c["via"]})
    inds = sorted(set(narrower) | {i_iri}, key=lambda i: (i != i_iri, label(i)))
    return Summary(
        subject={"id": _short(s_iri), "iri": s_iri, "label": label(s_iri)},
        indication={"id": _short(i_iri), "iri": i_iri, "label": label(i_iri)},
        included_indications=[{"id": _short(i), "label": label(i), "asked": i == i_iri} for i in inds],
        included_subjects=list(subjects.values()),
        claims=efficacy,
        usage=usage,
        sources=independent_sources(efficacy, label),
        rating=grade.rate(efficacy),
        adverse_events=adverse_events(ae_rows, label),
    )


def resolve_pair(store, subject: str, indication: str) -> tuple[str, str]:
    """(subject IRI, indication IRI) from names; one-line InputError when unknown or not an indication."""
    from mesokg.errors import InputError
    from mesokg.query.names import name_index

    idx = name_index(store)
    s_iri = idx.resolve(subject, what="subject")
    i_iri = idx.resolve(indication, prefer=MK + "Indication", what="indication")
    if not idx.is_a(i_iri, MK + "Indication"):
        raise InputError(f"indication: {idx.label(i_iri)!r} ({_short(i_iri)}) is not an indication")
    return s_iri, i_iri


def summarize(store, subject: str, indication: str) -> Summary:
    """The summary of findings for ``subject`` and ``indication`` (label, synonym, short id, CURIE or IRI)."""
    from mesokg.query.names import name_index

    s_iri, i_iri = resolve_pair(store, subject, indication)
    label = name_index(store).label
    rows = _rows(store, "pair-claims", {"subject": s_iri, "indication": i_iri})
    ae_rows = _rows(store, "adverse-events", {"subject": s_iri})
    narrower = narrower_indications(store).get(i_iri, set())
    summary = build_summary(s_iri, i_iri, rows, ae_rows, narrower, label)
    summary.broader = broader_context(store, s_iri, i_iri, label)
    return summary


def broader_context(store, s_iri: str, i_iri: str, label) -> list[dict]:
    """Efficacy claims of the subject about the broader indications (not counted for the pair, shown
    as context: a reviewer asking about androgenetic alopecia wants to know that hair loss in general
    has refuting claims)."""
    import pyoxigraph as ox

    q = "PREFIX mk: <https://w3id.org/mesokg/> SELECT DISTINCT ?b ?i WHERE { ?i mk:subConditionOf+ ?b }"
    out = []
    for (b,) in [(r[0],) for r in store.query(q, {"i": ox.NamedNode(i_iri)}).rows]:
        rows = [
            r
            for r in _rows(store, "pair-claims", {"subject": s_iri, "indication": b.value})
            if r["claim_indication"] == b.value
        ]
        claims = [c for c in group_claims(rows, label) if c["kind"] == "efficacy"]
        if claims:
            pols = [c["polarity"] for c in claims]
            out.append(
                {
                    "id": _short(b.value),
                    "label": label(b.value),
                    "claims": len(claims),
                    "counts": {p: pols.count(p) for p in POLARITY.values() if p in pols},
                    "best_level": claims[0]["level"],
                }
            )
    return out
