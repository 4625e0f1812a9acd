"""Certainty of a body of evidence, GRADE-style, from the claims of one pair.

The rules (each is tested on constructed cases in ``tests/test_evidence.py``):

**What is rated.** Only *efficacy* claims (``mk:effectiveFor``, any polarity) for the pair, as
defined in ``queries/pair-claims.rq``. Usage claims (``mk:usedFor``: "given / studied for") are
listed apart and never enter the rating, never raise it. No efficacy claim: certainty
``"no evidence"``.

**Body of evidence.** The claims of the best *design tier* present; lower tiers are shown but not
rated (GRADE rates the best available evidence):

- tier 1, randomised: CEBM 1a, 1b, 1c (systematic reviews of RCTs, RCTs);
- tier 2, controlled but not randomised, or observational: CEBM 2a–3b;
- tier 3, case series, case reports, expert opinion and narrative reviews: CEBM 4 and 5.

**Start and rate down** (never up): start at *high* and lose one step per level rated down,
down to *very low* (the floor; reasons found below the floor are still listed):

1. *design* — tier 2: down 2 (non-randomised evidence starts at low in GRADE); tier 3: down 3.
2. *source's own rating* — where a claim of the body carries ``mk:certainty`` (a source that judged
   its body of evidence, e.g. a meta-analysis rating its result "moderate"), the result is capped at
   the best such judgement.
3. *inconsistency* — down 1 when the independent sources of the body disagree (one supports, another
   refutes or finds mixed results), or a claim of the body is marked ``mk:conflictsWith`` another
   efficacy claim of the pair at the same tier.
4. *imprecision* — down 1 when the body states fewer than 400 participants in all (GRADE's
   rule-of-thumb optimal information size), or states no number of participants and pools no
   studies (a meta-analysis stating ``mk:numberOfStudies`` >= 2 is not rated down for an unstated
   total; its own rating, rule 2, covers it); down 1 more when a source of the body calls the
   evidence insufficient (polarity ``mk:Insufficient``).
5. *indirectness* — down 1 when no claim of the body is about the pair itself: every one is about a
   formulation that contains the substance (another product), or about a narrower form of the
   indication (another population), or given by another route (``mk:route`` topical or oral rather
   than an injection). Claims about a named variant of the procedure for the indication are direct
   (hair mesotherapy *is* mesotherapy of the scalp). An active comparator is reported, not rated down.

Publication bias is not assessed (the graph holds no register of unpublished studies).

**Direction** (over all efficacy claims, every tier, one vote per independent source): ``consistent``
when every source points the same way, ``inconsistent`` when some support and others refute (or a
conflict link joins two of the pair's efficacy claims), ``mixed`` otherwise (supports or refutes
beside mixed or insufficient findings), ``none`` without efficacy claims.

>>> rate([])["certainty"]
'no evidence'
>>> rate([{"rank": 1, "polarity": "supports", "source": "s1", "sample_size": 600, "via": "direct"}])["certainty"]
'high'
"""

from __future__ import annotations

CERTAINTIES = ("high", "moderate", "low", "very low")
SOURCE_CERTAINTY = {  # mk:certainty individuals -> steps from high
    "https://w3id.org/mesokg/CertaintyHigh": 0,
    "https://w3id.org/mesokg/CertaintyModerate": 1,
    "https://w3id.org/mesokg/CertaintyLow": 2,
    "https://w3id.org/mesokg/CertaintyVeryLow": 3,
}
TIERS = {
    1: "randomised (CEBM 1a-1c)",
    2: "controlled or observational (CEBM 2a-3b)",
    3: "case reports, case series and opinion (CEBM 4-5)",
}
OPTIMAL_INFORMATION_SIZE = 400
#: routes other than injection into or under the skin (mk:route of a claim): evidence by these is indirect
OTHER_ROUTES = {"RouteTopical": "topical", "RouteOral": "oral"}


def tier(rank: int) -> int:
    """Design tier of a CEBM rank (1 = 1a ... 10 = 5)."""
    return 1 if rank <= 3 else 2 if rank <= 8 else 3


def _votes(claims: list[dict]) -> dict[str, set[str]]:
    """Polarities per independent source."""
    votes: dict[str, set[str]] = {}
    for c in claims:
        for s in c.get("sources") or [c.get("source")]:
            votes.setdefault(s, set()).add(c["polarity"])
    return votes


def direction(claims: list[dict]) -> str:
    """consistent / inconsistent / mixed / none, over the efficacy claims of a pair."""
    if not claims:
        return "none"
    pols = set().union(*_votes(claims).values())
    ids = {c.get("claim") for c in claims}
    conflicted = any(set(c.get("conflicts") or ()) & ids for c in claims)
    if ("supports" in pols and "refutes" in pols) or conflicted:
        return "inconsistent"
    return "consistent" if len(pols) == 1 else "mixed"


def rate(claims: list[dict]) -> dict:
    """Certainty and reasons for the efficacy claims of one pair (see the module notes).

    Each claim is a dict with ``rank`` (CEBM rank), ``polarity`` (supports / refutes / mixed /
    insufficient), ``sources`` (or one ``source``), ``via`` (direct / formulation / variant),
    ``indirect_population`` (bool: a narrower indication), and where stated ``sample_size``,
    ``certainty`` (the source's own rating, an IRI), ``conflicts`` (claim ids) and ``claim`` (id).
    """
    if not claims:
        return {"certainty": "no evidence", "tier": None, "body": [], "reasons": [], "direction": "none"}
    best = min(tier(int(c["rank"])) for c in claims)
    body = [c for c in claims if tier(int(c["rank"])) == best]
    reasons: list[dict] = []
    steps = 0

    def down(domain: str, levels: int, detail: str) -> None:
        nonlocal steps
        floor = steps + levels > 3
        steps = min(3, steps + levels)
        reasons.append(
            {
                "domain": domain,
                "levels": levels,
                "detail": detail + (" (already at the floor)" if floor and levels else ""),
            }
        )

    if best == 2:
        down("design", 2, f"the best evidence is {TIERS[2]}, not randomised")
    elif best == 3:
        down("design", 3, f"the best evidence is {TIERS[3]}")

    judged = [SOURCE_CERTAINTY[c["certainty"]] for c in body if c.get("certainty") in SOURCE_CERTAINTY]
    if judged and min(judged) > steps:
        levels = min(judged) - steps
        down("source's own rating", levels, f"the source rates its own evidence {CERTAINTIES[min(judged)]}")

    votes = _votes(body)
    pols = set().union(*votes.values())
    body_ids = {c.get("claim") for c in body}
    conflicted = any(set(c.get("conflicts") or ()) & body_ids for c in body)
    if len(votes) > 1 and (("supports" in pols and len(pols) > 1) or ("refutes" in pols and len(pols) > 1)):
        down("inconsistency", 1, f"{len(votes)} independent sources disagree ({', '.join(sorted(pols))})")
    elif conflicted:
        down("inconsistency", 1, "claims of the body are marked as conflicting")

    sizes: dict[str, int] = {}
    for c in body:
        if c.get("sample_size") is not None:
            for s in c.get("sources") or [c.get("source")]:
                sizes[s] = max(sizes.get(s, 0), int(c["sample_size"]))
    total = sum(sizes.values())
    pooled = any(int(c.get("studies") or 0) >= 2 for c in body)
    if not sizes and not pooled:
        down("imprecision", 1, "no number of participants is stated and no pooled analysis")
    elif sizes and total < OPTIMAL_INFORMATION_SIZE:
        down("imprecision", 1, f"{total} participants in all, fewer than {OPTIMAL_INFORMATION_SIZE}")
    if "insufficient" in pols:
        down("imprecision", 1, "a source calls the evidence insufficient")

    def direct(c: dict) -> bool:
        return (
            c.get("via") in ("direct", "variant")
            and not c.get("indirect_population")
            and c.get("route") not in OTHER_ROUTES
        )

    if not any(direct(c) for c in body):
        kinds = []
        if any(c.get("via") == "formulation" for c in body):
            kinds.append("a formulation containing the substance")
        if any(c.get("indirect_population") for c in body):
            kinds.append("a narrower form of the indication")
        if any(c.get("route") in OTHER_ROUTES for c in body):
            kinds.append(
                "another route ("
                + ", ".join(sorted({OTHER_ROUTES[c["route"]] for c in body if c.get("route") in OTHER_ROUTES}))
                + ")"
            )
        down("indirectness", 1, "the evidence is about " + " or ".join(kinds or ["another subject or population"]))

    return {
        "certainty": CERTAINTIES[steps],
        "tier": best,
        "body": body,
        "reasons": reasons,
        "direction": direction(claims),
    }
