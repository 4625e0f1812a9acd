"""Writing a summary of findings: ``table`` (terminal), ``md``, ``json`` and ``csv``."""

from __future__ import annotations

import csv
import io
import json

from .scale import LEVEL_MEANING

FORMATS = ("table", "md", "json", "csv")
CSV_COLUMNS = (
    "section",
    "id",
    "label",
    "subject",
    "via",
    "indication",
    "polarity",
    "level",
    "design",
    "sources",
    "participants",
    "studies",
    "effect_size",
    "effect_measure",
    "comparator",
    "certainty",
    "note",
)
POLARITY_WORD = {"supports": "for", "refutes": "against", "mixed": "mixed", "insufficient": "insufficient"}
VIA_WORD = {"direct": "", "variant": "variant", "formulation": "contains it", "inherited": "inherited"}


def _level(level) -> str:
    return f"{level} — {LEVEL_MEANING.get(str(level), '?')}" if level else "none"


def headline(s) -> list[tuple[str, str]]:
    """The summary lines as (label, text) pairs, shared by table and markdown."""
    j = s.to_json()
    counts = s.counts()
    n_src = len(s.sources)
    inds = j["included_indications"]
    narrower = [i["label"] for i in inds if not i["asked"]]
    subs = [f"{x['label']} ({VIA_WORD.get(x['via'], x['via'])})" for x in s.included_subjects if x["via"] != "asked"]
    effects = []
    for c in s.claims:
        if c.get("effect_size"):
            effects.append(f"{c['effect_size']} {c.get('effect_measure') or ''} [{', '.join(c['sources'])}]".strip())
    reasons = [f"{r['domain']} (-{r['levels']}): {r['detail']}" for r in j["reasons"]] or ["not rated down"]
    participants = s.participants()
    studies = s.studies()
    return [
        ("indication", f"{j['indication']['label']}" + (f" + narrower: {', '.join(narrower)}" if narrower else "")),
        ("subject", f"{j['subject']['label']}" + (f" + {', '.join(subs)}" if subs else "")),
        (
            "efficacy claims",
            f"{len(s.claims)}: {counts['supports']} for, {counts['refutes']} against, "
            f"{counts['mixed']} mixed, {counts['insufficient']} insufficient",
        ),
        ("independent sources", f"{n_src} (one study counted once)"),
        ("best level (for)", _level(j["best_level"])),
        ("best level (against)", _level(s.best_level_against) + "  [refuting, mixed or insufficient claims]"),
        ("participants", str(participants) if participants else "not stated"),
        ("studies pooled", str(studies) if studies else "not stated"),
        ("effect sizes", "; ".join(effects) if effects else "none stated"),
        ("direction", j["direction"]),
        ("certainty", j["certainty"].upper()),
        ("rated down", " | ".join(reasons)),
        ("usage-only claims", f"{len(s.usage)} (given or studied for; not evidence of benefit, not rated)"),
        *[
            (
                "broader (not counted)",
                f"{b['label']}: {b['claims']} efficacy claim(s), "
                + ", ".join(f"{n} {POLARITY_WORD.get(p, p)}" for p, n in b["counts"].items())
                + f", best {b['best_level']} — see `mesokg evidence {j['subject']['id']} {b['id']}`",
            )
            for b in getattr(s, "broader", [])
        ],
        ("adverse events", f"{len(s.adverse_events)} events"),
    ]


def _claim_rows(claims) -> list[list[str]]:
    rows = []
    for c in claims:
        subject = c["subject_label"] + (f" [{VIA_WORD[c['via']]}]" if VIA_WORD.get(c["via"]) else "")
        numbers = []
        if c.get("sample_size"):
            numbers.append(f"n={c['sample_size']}")
        if c.get("studies"):
            numbers.append(f"{c['studies']} studies")
        if c.get("effect_size"):
            numbers.append(f"effect {c['effect_size']}")
        rows.append(
            [
                c["level"],
                POLARITY_WORD.get(c["polarity"], c["polarity"]),
                subject,
                c["indication_label"],
                c.get("design") or "not stated",
                ", ".join(c["sources"]),
                " ".join(numbers),
            ]
        )
    return rows


CLAIM_HEADER = ["level", "finding", "subject", "indication", "design", "sources", "numbers"]
AE_HEADER = [
    "adverse event",
    "reports",
    "sources",
    "best level",
    "polarity",
    "frequency",
    "reported for",
]  # sources: a count


def _ae_rows(events) -> list[list[str]]:
    rows = []
    for e in events:
        where = "this subject" if not e["inherited_from"] else "this subject; " if e["via"] != "inherited" else ""
        if e["inherited_from"]:
            where += "inherited from " + ", ".join(e["inherited_from"])
        elif e["via"] in ("variant", "formulation"):
            where = VIA_WORD[e["via"]]
        rows.append(
            [
                ("safety profile: " if e.get("kind") == "safety profile" else "") + e["label"],
                str(e["reports"]),
                str(len(e["sources"])),
                e["best_level"],
                "/".join(e["polarities"]),
                e.get("frequency") or "",
                where,
            ]
        )
    return rows


def to_table(s, width: int | None = None) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from mesokg.query.formats import table_width

    buf = io.StringIO()
    con = Console(file=buf, width=width or table_width(), no_color=True, highlight=False, soft_wrap=False)
    con.print(Text(f"Summary of findings: {s.subject['label']} for {s.indication['label']}", style="bold"))
    head = Table(show_header=False, box=None, pad_edge=False)
    head.add_column(style="bold", no_wrap=True)
    head.add_column(overflow="fold")
    for k, v in headline(s):
        head.add_row(Text(k), Text(v))
    con.print(head)
    for title, header, rows in (
        ("Efficacy claims (rated)", CLAIM_HEADER, _claim_rows(s.claims)),
        ("Usage-only claims (not rated)", CLAIM_HEADER, _claim_rows(s.usage)),
        ("Adverse events (repeated reports aggregated)", AE_HEADER, _ae_rows(s.adverse_events)),
    ):
        if not rows:
            con.print(Text(f"\n{title}: none"))
            continue
        t = Table(title=Text(title), title_justify="left", header_style="bold")
        for h in header:
            t.add_column(h, overflow="fold", no_wrap=h in ("level", "finding", "reports", "best level"))
        for r in rows:
            t.add_row(*(Text(c) for c in r))
        con.print(t)
    con.print(Text("All columns, claim ids and source lists: --format csv or --format json"))
    return buf.getvalue()


def _md_cell(v) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def to_markdown(s) -> str:
    out = [f"## Summary of findings: {s.subject['label']} for {s.indication['label']}", ""]
    out += ["| | |", "|---|---|"] + [f"| {k} | {_md_cell(v)} |" for k, v in headline(s)]
    for title, header, rows in (
        ("Efficacy claims (rated)", CLAIM_HEADER, _claim_rows(s.claims)),
        ("Usage-only claims (not rated)", CLAIM_HEADER, _claim_rows(s.usage)),
        ("Adverse events", AE_HEADER, _ae_rows(s.adverse_events)),
    ):
        out += ["", f"### {title}", ""]
        if not rows:
            out.append("none")
            continue
        out += ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
        out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def to_csv(s) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    j = s.to_json()
    w.writerow(
        {
            "section": "summary",
            "id": f"{j['subject']['id']} / {j['indication']['id']}",
            "label": f"{j['subject']['label']} for {j['indication']['label']}",
            "level": j["best_level"] or "",
            "sources": len(s.sources),
            "participants": s.participants() or "",
            "studies": s.studies() or "",
            "certainty": j["certainty"],
            "note": f"direction {j['direction']}; "
            + "; ".join(f"{r['domain']} -{r['levels']}: {r['detail']}" for r in j["reasons"]),
        }
    )
    for section, claims in (("efficacy", s.claims), ("usage", s.usage)):
        for c in claims:
            w.writerow(
                {
                    "section": section,
                    "id": c["claim"],
                    "label": c.get("summary") or "",
                    "subject": c["subject"],
                    "via": c["via"],
                    "indication": c["indication"],
                    "polarity": c["polarity"],
                    "level": c["level"],
                    "design": c.get("design") or "",
                    "sources": " ".join(c["sources"]),
                    "participants": c.get("sample_size") or "",
                    "studies": c.get("studies") or "",
                    "effect_size": c.get("effect_size") or "",
                    "effect_measure": c.get("effect_measure") or "",
                    "comparator": c.get("comparator") or "",
                    "certainty": (c.get("certainty") or "").rsplit("/", 1)[-1],
                }
            )
    for e in s.adverse_events:
        w.writerow(
            {
                "section": "adverse event",
                "id": e["event"],
                "label": e["label"],
                "via": e["via"],
                "polarity": "/".join(e["polarities"]),
                "level": e["best_level"],
                "sources": " ".join(e["sources"]),
                "note": f"{e['reports']} reports"
                + (f"; inherited from {', '.join(e['inherited_from'])}" if e["inherited_from"] else ""),
            }
        )
    return buf.getvalue()


def render(s, fmt: str) -> str:
    """The summary ``s`` in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return json.dumps(s.to_json(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return to_markdown(s)
    if fmt == "csv":
        return to_csv(s)
    if fmt == "table":
        return to_table(s)
    from mesokg.errors import InputError

    raise InputError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
