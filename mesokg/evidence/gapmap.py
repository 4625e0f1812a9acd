"""The evidence and gap map: interventions x indications, each cell a summary of findings.

Rows are substances, formulations and procedures (grouped by class), columns indications (grouped
by area, each umbrella before its narrower forms). A cell is the pair's evidence under the one
definition of ``queries/pair-claims.rq`` — the same claims, sources, best level and certainty as
``mesokg evidence ROW COLUMN``: an umbrella column also counts its narrower forms, a substance row
also the formulations containing it, a procedure row also its named variants. Cells are coloured by
the best *efficacy* level on the project's one scale (:mod:`mesokg.evidence.scale`); usage-only
cells are grey; empty cells are the gaps. A cell whose sources disagree carries the conflict mark;
the harm column counts the adverse events reported for the row (its own and inherited).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from . import summary as S

ROW_KINDS = ("substance", "formulation", "procedure")
AREA_ORDER = (
    "hair",
    "skin",
    "pigmentation",
    "scars",
    "body-fat",
    "cellulite",
    "musculoskeletal",
    "vascular",
    "neurological",
    "other",
)


@dataclass
class Row:
    iri: str
    label: str
    group: str  # class label, e.g. "drug", "formulation", "procedure"
    harms: int = 0  # adverse events reported (supports), own and inherited
    harm_level: str | None = None


@dataclass
class Column:
    iri: str
    label: str
    area: str
    area_label: str
    depth: int = 0  # 0 for an umbrella, 1 for a narrower form, ...


@dataclass
class Cell:
    summary: S.Summary

    @property
    def empty(self) -> bool:
        return not self.summary.claims and not self.summary.usage

    @property
    def conflict(self) -> bool:
        return self.summary.direction == "inconsistent"

    def brief(self) -> dict:
        s = self.summary
        return {
            "sources": len(s.sources),
            "claims": len(s.claims),
            "usage": len(s.usage),
            "best_level": s.best_level,
            "best_level_against": s.best_level_against,
            "certainty": s.certainty,
            "direction": s.direction,
            "conflict": self.conflict,
        }


@dataclass
class GapMap:
    rows: list[Row]
    columns: list[Column]
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    filters: str = "no filters"
    hidden_rows: int = 0  # rows without any claim in the kept columns

    def cell(self, row: str, column: str) -> Cell | None:
        return self.cells.get((row, column))

    def groups(self) -> list[tuple[str, list[Row]]]:
        out: dict[str, list[Row]] = {}
        for r in self.rows:
            out.setdefault(r.group, []).append(r)
        return list(out.items())

    def areas(self) -> list[tuple[str, list[Column]]]:
        out: dict[str, list[Column]] = {}
        for c in self.columns:
            out.setdefault(c.area_label, []).append(c)
        return list(out.items())


def _column_order(cols: list[Column], parents: dict[str, set[str]], label) -> list[Column]:
    """Area order, then each umbrella followed by its narrower forms (depth-first, by label)."""
    by_iri = {c.iri: c for c in cols}
    children: dict[str, list[str]] = defaultdict(list)
    roots = []
    for c in cols:
        ps = [p for p in parents.get(c.iri, ()) if p in by_iri and by_iri[p].area == c.area]
        if ps:
            children[sorted(ps)[0]].append(c.iri)
        else:
            roots.append(c.iri)
    out: list[Column] = []

    def walk(iri: str, depth: int) -> None:
        col = by_iri[iri]
        col.depth = depth
        out.append(col)
        for ch in sorted(children.get(iri, []), key=lambda i: label(i).lower()):
            walk(ch, depth + 1)

    def area_key(area: str) -> tuple:
        return (AREA_ORDER.index(area) if area in AREA_ORDER else len(AREA_ORDER), area)

    for r in sorted(roots, key=lambda i: (area_key(by_iri[i].area), label(i).lower())):
        walk(r, 0)
    return out


def build_map(
    store,
    areas: tuple[str, ...] | list[str] = (),
    substance_classes: tuple[str, ...] | list[str] = (),
    min_level: str | None = None,
    too_big=None,
) -> GapMap:
    """The gap map of the graph in ``store``; filters as ``mesokg network`` (area, class, level).

    ``too_big(rows, columns, at_least)`` is called with a lower bound of the map's size before the
    claims are read (no level filter) and with its size before its cells are summarised (the
    costly parts): it may raise to refuse a map too big to show."""
    from mesokg.network.model import VIEWS, local_name, make_filters, node_table, vocabulary
    from mesokg.query.names import name_index

    vocab = vocabulary(store)
    filters = make_filters(
        vocab, VIEWS["substance-indication"], area=areas, substance_class=substance_classes, min_level=min_level
    )
    nodes = node_table(store, vocab)
    label = name_index(store).label
    area_names = {local_name(a).removeprefix("area-") for a in filters.areas}
    class_names = {local_name(c) for c in filters.classes}

    parents: dict[str, set[str]] = defaultdict(set)
    q = "PREFIX mk: <https://w3id.org/mesokg/> SELECT ?n ?p WHERE { ?n mk:subConditionOf ?p }"
    for n, p in store.query(q).rows:
        parents[n.value].add(p.value)

    columns = []
    for iri, d in nodes.items():
        if d["kind"] != "indication" or (area_names and d["area"] not in area_names):
            continue
        columns.append(Column(iri, d["label"], d["area"] or "other", d["area_label"] or "other"))
    columns = _column_order(columns, parents, label)
    col_iris = {c.iri for c in columns}

    candidates = []
    for iri, d in nodes.items():
        if d["kind"] not in ROW_KINDS:
            continue
        if class_names and not class_names & set(d["classes"].split()):
            continue
        candidates.append(Row(iri, d["label"], d["kind"] if d["kind"] != "substance" else d["class_label"]))

    if too_big is not None and filters.min_rank is None:  # at least these rows, known in seconds
        too_big(_direct_rows(store, {r.iri for r in candidates}, col_iris), len(columns), True)
    rows_by_pair: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in S._rows(store, "pair-claims", {}):
        rows_by_pair[(r["subject"], r["indication"])].append(r)
    ae_by_subject: dict[str, list[dict]] = defaultdict(list)
    for r in S._rows(store, "adverse-events", {}):
        ae_by_subject[r["subject"]].append(r)
    narrower = S.narrower_indications(store)

    def pair_rows(row: Row, col: Column) -> list[dict]:
        """The claims of a cell, with the level filter applied."""
        rows = rows_by_pair.get((row.iri, col.iri)) or []
        if filters.min_rank is not None:
            rows = [r for r in rows if r["kind"] == "efficacy" and int(r["rank"]) <= filters.min_rank]
        return rows

    if too_big is not None:
        by_row = defaultdict(set)
        for s, c in rows_by_pair:
            by_row[s].add(c)
        shown = sum(
            1 for row in candidates if any(pair_rows(row, col) for col in columns if col.iri in by_row[row.iri])
        )
        too_big(shown, len(columns), False)
    gm = GapMap([], columns, filters=filters.describe() or "no filters")
    for row in candidates:
        kept = False
        for col in columns:
            rows = pair_rows(row, col)
            if not rows:
                continue
            summ = S.build_summary(
                row.iri, col.iri, rows, ae_by_subject.get(row.iri, []), narrower.get(col.iri, set()), label
            )
            gm.cells[(row.iri, col.iri)] = Cell(summ)
            kept = True
        if kept:
            harms = [
                e
                for e in S.adverse_events(ae_by_subject.get(row.iri, []), label)
                if e["kind"] == "adverse event" and "supports" in e["polarities"]
            ]
            row.harms = len(harms)
            row.harm_level = min(harms, key=lambda e: e["best_rank"])["best_level"] if harms else None
            gm.rows.append(row)
        else:
            gm.hidden_rows += 1
    group_rank = {"procedure": 0, "formulation": 1}
    gm.rows.sort(key=lambda r: (group_rank.get(r.group, 2), r.group.lower(), r.label.lower()))
    return gm


def _direct_rows(store, candidates: set, columns: set) -> int:
    """Rows the map has at least: candidates that are the subject of a use or efficacy claim (graded,
    sourced) about one of the columns' indications (formulations and variants add more)."""
    q = """PREFIX mk: <https://w3id.org/mesokg/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT DISTINCT ?s ?i WHERE {
      VALUES ?p { mk:effectiveFor mk:usedFor }
      ?c mk:predicate ?p ; mk:subject ?s ; mk:object ?i ; mk:polarity ?pol ; mk:evidenceLevel ?l .
      ?l skos:notation ?n ; mk:rank ?r .
      FILTER EXISTS { ?c mk:source|mk:gradeBasis ?src }
    }"""
    return len({s.value for s, i in store.query(q).rows if s.value in candidates and i.value in columns})
