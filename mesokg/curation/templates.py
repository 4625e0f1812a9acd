"""Empty templates: ``claims.tsv``, ``nodes.tsv`` and ``mesokg-curation.xlsx`` (pick-lists).

Each template has a header row and one example row. The example row starts with ``#`` so it is
read as a comment: copy it without the ``#`` (or overwrite it) to make a real row. The example
describes a fictional trial (see :mod:`mesokg.curation.columns`).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import MesokgError
from ..rdfio import write_atomic
from .columns import CLAIM_COLUMNS, NODE_COLUMNS

NAMES = {"claims": "claims.tsv", "nodes": "nodes.tsv", "xlsx": "mesokg-curation.xlsx"}
INTRO = {
    "claims": "# mesokg claims: one row per claim. Rows starting with # are ignored (the example below is one). "
    "Check with: mesokg curate claims.tsv nodes.tsv -o additions.ttl",
    "nodes": "# mesokg nodes: one row per new substance, indication, adverse event, ... that claims.tsv names. "
    "Rows starting with # are ignored.",
}


def _tsv(kind: str, columns: dict[str, dict]) -> str:
    header = "\t".join(columns)
    example = "\t".join(spec.get("example", "") for spec in columns.values())
    return f"{INTRO[kind]}\n{header}\n#{example}\n"


def pick_lists() -> dict[str, list[str]]:
    """Column -> the values offered in its drop-down, read from the ontology."""
    from .. import paths
    from ..rdfio import parse_file
    from ..store import OxigraphStore
    from .vocab import closed_sets

    store = OxigraphStore()
    store.add(parse_file(paths.ontology_file()))
    out = {}
    for column, cs in closed_sets(store).items():
        values = sorted(set(cs.labels.values()), key=lambda v: (column == "level" and len(v) > 2, v))
        out[column] = values
    return out


def _xlsx(path: Path, lists: dict[str, list[str]]) -> None:
    import io

    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws_lists = wb.active
    ws_lists.title = "lists"
    ranges = {}
    for j, (column, values) in enumerate(sorted(lists.items()), start=1):
        letter = get_column_letter(j)
        ws_lists.cell(1, j, column).font = Font(bold=True)
        for i, v in enumerate(values, start=2):
            ws_lists.cell(i, j, v)
        ranges[column] = f"lists!${letter}$2:${letter}${len(values) + 1}"
    for kind, columns in (("claims", CLAIM_COLUMNS), ("nodes", NODE_COLUMNS)):
        ws = wb.create_sheet(kind, index=0 if kind == "claims" else 1)
        for j, (name, spec) in enumerate(columns.items(), start=1):
            cell = ws.cell(1, j, name)
            cell.font = Font(bold=True)
            cell.comment = Comment(spec["help"] + (" (required)" if spec.get("required") else ""), "mesokg")
            example = spec.get("example", "")
            ex = ws.cell(2, j, ("#" + example) if j == 1 else example)
            ex.font = Font(italic=True, color="808080")
            ws.column_dimensions[get_column_letter(j)].width = max(12, min(40, len(name) + 4))
            if spec.get("pick") in ranges:
                dv = DataValidation(type="list", formula1=ranges[spec["pick"]], allow_blank=True)
                dv.error = f"Pick a value from the list ({spec['help']})"
                dv.showErrorMessage = True
                ws.add_data_validation(dv)
                dv.add(f"{get_column_letter(j)}3:{get_column_letter(j)}1000")
        ws.freeze_panes = "A2"
    ws_lists.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    write_atomic(path, buf.getvalue())


def write_templates(folder=".", *, force: bool = False) -> list[Path]:
    """Write the templates into ``folder``; refuse to overwrite existing files unless ``force``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MesokgError(f"{folder}: no such folder (create it first)")
    targets = {k: folder / n for k, n in NAMES.items()}
    existing = [str(p) for p in targets.values() if p.exists()]
    if existing and not force:
        raise MesokgError(f"{', '.join(existing)}: already there; use --force to overwrite, or another folder")
    write_atomic(targets["claims"], _tsv("claims", CLAIM_COLUMNS).encode())
    write_atomic(targets["nodes"], _tsv("nodes", NODE_COLUMNS).encode())
    _xlsx(targets["xlsx"], pick_lists())
    return list(targets.values())
