"""``claims.tsv``: one row per claim -> claim node, plain triple, source node, curation record."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from .nodes import lang, slug
from .turtle import Block
from .vocab import LEVEL_RANK, MK, MKD, PROV, RDFS, SKOS, SOURCE_TYPE, XSD, best_level, local

ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
# predicate -> class its object must have (used to prefer the right node when a name is shared)
OBJECT_CLASS = {
    "usedFor": MK + "Indication",
    "effectiveFor": MK + "Indication",
    "causesAdverseEvent": MK + "AdverseEvent",
    "actsByMechanism": MK + "Mechanism",
    "contraindicatedIn": MK + "Contraindication",
    "combinedWith": MK + "Substance",
}
TOPIC = {
    "causesAdverseEvent": "safety.ttl",
    "contraindicatedIn": "safety.ttl",
    "actsByMechanism": "substances.ttl",
    "combinedWith": "procedures.ttl",
}
AREA_TOPIC = {
    "area-hair": "uses-hair.ttl",
    "area-skin": "uses-skin.ttl",
    "area-pigmentation": "uses-skin.ttl",
    "area-scars": "uses-skin.ttl",
    "area-body-fat": "uses-body.ttl",
    "area-cellulite": "uses-body.ttl",
}


def orcid_ok(orcid: str) -> bool:
    """ISO 7064 MOD 11-2 check digit of an ORCID iD."""
    digits = orcid.replace("-", "")
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def _number(ctx, row, column, integer: bool):
    text = row.get(column)
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "") if integer else text)
    except InvalidOperation:
        value = None
    if value is None or "e" in text.lower() or (integer and (value != value.to_integral() or value <= 0)):
        want = "a positive whole number, e.g. 40" if integer else "a plain decimal number, e.g. 1.8 (no e-notation)"
        ctx.error(row, column, f'"{text}" is not {want}')
        return None
    if integer:
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal"))


def _curator(ctx, row):
    text = row.get("curator")
    if not text:
        ctx.error(row, "curator", "empty: give your name and/or ORCID iD, e.g. Jane Doe (0000-0002-1825-0097)")
        return None
    m = ORCID.search(text)
    name = re.sub(r"(https?://orcid\.org/)?\d{4}-\d{4}-\d{4}-\d{3}[\dX]", "", text).strip(" ()<>,;")
    if m:
        if not orcid_ok(m.group(1)):
            ctx.error(row, "curator", f"ORCID iD {m.group(1)} has a wrong check digit: copy it again from orcid.org")
            return None
        iri = "https://orcid.org/" + m.group(1)
    elif re.search(r"\d{4}-\d{4}", text):
        ctx.error(row, "curator", f'"{text}" looks like a broken ORCID iD: write it as 0000-0002-1825-0097')
        return None
    else:
        iri = MKD + "curator-" + slug(name)
    if iri not in ctx.existing and iri not in ctx.by_iri:
        b = Block(iri, "curator", row, [MK + "Curator"], topic="agents.ttl")
        b.add(RDFS + "label", ox.Literal(name or m.group(1)))
        ctx.push(b)
    return iri


def _when(ctx, row):
    text = row.get("curated_on") or ctx.now
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?", text):
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "dateTime"))
    ctx.error(row, "curated_on", f'"{text}" is not a date: write YYYY-MM-DD, e.g. 2026-12-02')
    return None


def _source(ctx, row, design):
    """The source node's IRI: an existing source, or a new one described by the source_* columns."""
    if row.get("source"):
        text = row.get("source")
        found = ctx.source_by_id(text)
        return found or ctx.node(row, "source", MK + "Source")
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", row.get("doi"), flags=re.I)
    pmid = re.sub(r"^pmid:\s*", "", row.get("pmid"), flags=re.I)
    if doi and not DOI.match(doi):
        ctx.error(
            row,
            "doi",
            f'"{row.get("doi")}" is not a DOI: it starts with 10. and a registrant code, e.g. '
            "10.4103/2229-5178.110586 (or leave it empty)",
        )
        doi = ""
    if pmid and not re.fullmatch(r"\d{1,9}", pmid):
        ctx.error(row, "pmid", f'"{pmid}" is not a PubMed id: digits only, e.g. 23741676 (or leave it empty)')
        pmid = ""
    known = ctx.source_by_id(doi) or ctx.source_by_id(pmid)
    if known:
        return known
    title, authors, year = row.get("source_title"), row.get("source_authors"), row.get("source_year")
    if not (title or authors or year or doi or pmid):
        ctx.error(
            row,
            "source_title",
            "no source: give source_title, source_authors and source_year (with doi "
            "and/or pmid where known), or a source already in the graph in column source",
        )
        return None
    key = (doi or pmid or re.sub(r"\W+", " ", title.lower())).strip()
    if key in ctx.new_sources:
        return ctx.new_sources[key]
    ok = True
    for col, val in (("source_title", title), ("source_authors", authors), ("source_year", year)):
        if not val:
            ctx.error(row, col, f"empty: a new source needs its {col[7:]} ({ctx.spec('claims', col)['help']})")
            ok = False
    if year and not (year.isdigit() and 1800 <= int(year) <= 2100):
        ctx.error(row, "source_year", f'"{year}" is not a year: four digits, e.g. 2020')
        ok = False
    if not ok:
        return None
    family = slug(re.split(r"[,;]| and ", authors)[0].split()[0]) if authors.split() else "unknown"
    iri = base = f"{MKD}src-{family}-{year}"
    n = 1
    while iri in ctx.existing or iri in ctx.by_iri:
        n += 1
        iri = f"{base}-{chr(ord('a') + n - 1)}"
    design_name = local(design) if design else ""
    b = Block(iri, "source", row, [MK + SOURCE_TYPE.get(design_name, "ResearchArticle")], topic="sources.ttl")
    b.add(RDFS + "label", lang(title))
    what = ctx.label(design) if design else "publication"
    first = authors.split(",")[0].split()[0]
    b.add(SKOS + "definition", lang(f"A {what} by {first} and colleagues, published in {year}."))
    b.add(MK + "authors", ox.Literal(authors))
    b.add(MK + "year", ox.Literal(year, datatype=ox.NamedNode(XSD + "integer")))
    if row.get("source_venue"):
        b.add(MK + "venue", ox.Literal(row.get("source_venue")))
    if doi:
        b.add(MK + "doi", ox.Literal(doi))
    if pmid:
        b.add(MK + "pmid", ox.Literal(pmid))
    if design:
        b.add(MK + "studyDesign", ox.NamedNode(design))
    ctx.push(b)
    ctx.new_sources[key] = iri
    return iri


def _contradicted(ctx, subject, pname, obj, polarity) -> list[str]:
    """Claims (in the graph or made from earlier rows) that this one contradicts: the other side
    of an efficacy question, or use against contraindication. Disagreement is kept and linked."""
    if polarity not in ("Supports", "Refutes") or pname not in ("effectiveFor", "usedFor", "contraindicatedIn"):
        return []
    if pname == "contraindicatedIn":
        want = [(p, "Supports") for p in ("usedFor", "effectiveFor")] if polarity == "Supports" else []
    elif pname == "effectiveFor":
        want = [("effectiveFor", "Refutes" if polarity == "Supports" else "Supports")]
        want += [("contraindicatedIn", "Supports")] if polarity == "Supports" else []
    else:
        want = [("contraindicatedIn", "Supports")] if polarity == "Supports" else []
    found = []
    for p, pol in want:
        q = f"""SELECT ?c WHERE {{ ?c <{MK}subject> <{subject}> ; <{MK}predicate> <{MK}{p}> ;
            <{MK}object> <{obj}> ; <{MK}polarity> <{MK}{pol}> }} ORDER BY ?c"""
        found += [r[0].value for r in ctx.store.query(q).rows]
        for b in ctx.blocks:
            props = {k: v.value for k, v in b.props}
            if b.kind == "claim" and (
                props.get(MK + "subject"),
                props.get(MK + "predicate"),
                props.get(MK + "object"),
                props.get(MK + "polarity"),
            ) == (subject, MK + p, obj, MK + pol):
                found.append(b.iri)
    return found


def claim_rows(ctx, table) -> None:
    for row in table.rows:
        subject = ctx.node(row, "subject", MK + "Substance", required=True)
        predicate = ctx.pick(row, "predicate", "a claim predicate", required=True)
        pname = local(predicate) if predicate else ""
        obj = ctx.node(row, "object", OBJECT_CLASS.get(pname), required=True)
        polarity = ctx.pick(row, "polarity", "a polarity", required=True)
        design = ctx.pick(row, "design", "a study design", required=True)
        level = ctx.pick(row, "level", "a CEBM level") if row.get("level") else None
        best = best_level(design) if design else None
        if level and best and LEVEL_RANK[ctx.label(level)] < LEVEL_RANK[best]:
            ctx.error(
                row,
                "level",
                f"CEBM {ctx.label(level)} is better than a {ctx.label(design)} can support: by "
                f"the rubric (seeds/README.md, Grading) it is graded {best} at best; set level to {best} or "
                "leave it empty to derive it from the design",
            )
            level = None
        elif not level and best:
            level = ctx.set_term("level", best)
        elif not level and design:
            ctx.error(row, "level", f"the rubric has no grade for a {ctx.label(design)}: give the level (1a ... 5)")
        certainty = ctx.pick(row, "certainty", "a GRADE certainty") if row.get("certainty") else None
        route = ctx.pick(row, "route", "a route") if row.get("route") else None
        comparator = ctx.node(row, "comparator", MK + "Substance") if row.get("comparator") else None
        sample = _number(ctx, row, "sample_size", True)
        studies = _number(ctx, row, "studies", True)
        effect = _number(ctx, row, "effect_size", False)
        if effect is not None and not row.get("effect_measure"):
            ctx.error(
                row,
                "effect_measure",
                "an effect_size needs its effect_measure (what is measured, on which "
                "scale), or leave effect_size empty",
            )
        source = _source(ctx, row, design)
        curator = _curator(ctx, row)
        when = _when(ctx, row)
        read_from = None
        rf = row.get("read_from")
        if rf and rf.lower() not in ("paper", "the paper", "source", "the source"):
            read_from = ctx.node(row, "read_from", MK + "Source")
        if not row.get("summary"):
            ctx.error(row, "summary", "empty: say in your own words what the source found")
        if not all((subject, predicate, obj, polarity, level, source, curator, when, row.get("summary"))):
            continue
        tail = local(source).removeprefix("src-")
        iri = base = f"{MKD}claim-{local(subject)}-{local(obj)}-{tail}"
        n = 1
        while iri in ctx.by_iri or iri in ctx.existing:
            if iri in ctx.existing and ctx.same_claim(iri, subject, predicate, obj, source):
                ctx.error(row, "subject", f"this claim is already in the graph as mkd:{local(iri)}: delete the row")
                break
            n += 1
            iri = f"{base}-{n}"
        else:
            b = Block(iri, "claim", row, [MK + "Claim"])
            b.add(RDFS + "label", lang(f"{ctx.label(subject)} {ctx.label(predicate)} {ctx.label(obj)} ({tail})"))
            for p, v in (
                ("subject", subject),
                ("predicate", predicate),
                ("object", obj),
                ("polarity", polarity),
                ("evidenceLevel", level),
                ("studyDesign", design),
                ("certainty", certainty),
                ("comparator", comparator),
                ("route", route),
            ):
                b.add(MK + p, ox.NamedNode(v) if v else None)
            for p, v in (("sampleSize", sample), ("numberOfStudies", studies), ("effectSize", effect)):
                b.add(MK + p, v)
            if row.get("effect_measure"):
                b.add(MK + "effectMeasure", ox.Literal(row.get("effect_measure")))
            b.add(MK + "source", ox.NamedNode(source))
            derived = read_from or source
            if ctx.is_a(derived, MK + "SeedDocument"):
                b.add(MK + "curatedFrom", ox.NamedNode(derived))
            b.add(PROV + "wasDerivedFrom", ox.NamedNode(derived))
            b.add(PROV + "wasAttributedTo", ox.NamedNode(curator))
            b.add(PROV + "generatedAtTime", when)
            b.add(MK + "summary", lang(row.get("summary")))
            if local(polarity) == "Supports":
                b.plain.append((subject, predicate, obj))
            elif local(polarity) == "Refutes" and pname == "effectiveFor":
                b.plain.append((subject, MK + "notEffectiveFor", obj))
            for other in _contradicted(ctx, subject, pname, obj, local(polarity)):
                b.add(MK + "conflictsWith", ox.NamedNode(other))
            area = ctx.value(obj, MK + "inArea")
            b.topic = TOPIC.get(pname) or AREA_TOPIC.get(local(area or ""), "uses-medical.ttl")
            ctx.push(b)
