"""Reading a template table (TSV, or the ``.xlsx`` workbook) into rows that remember where they are.

Row numbers are the file's line numbers (the header is row 1), the same numbers a spreadsheet
shows. Rows whose first cell starts with ``#`` are comments (the templates' example rows are
such comments); empty rows are skipped.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import io
from dataclasses import dataclass
from pathlib import Path

from .problems import Problems, TemplateError


@dataclass
class Row:
    file: str
    row: int
    cells: dict[str, str]
    colnum: dict[str, int]

    def get(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()


@dataclass
class Table:
    path: Path
    kind: str  # "claims" | "nodes"
    header: list[str]
    rows: list[Row]


def _norm(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _cell_text(v) -> str:
    """A workbook cell as the text a TSV would hold (whole numbers without .0, dates as YYYY-MM-DD)."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime.datetime):
        return v.date().isoformat() if v.time() == datetime.time() else v.isoformat()
    if isinstance(v, datetime.date):
        return v.isoformat()
    return str(v)


def _read_cells(path: Path, sheet: str | None) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        try:
            import openpyxl
        except ImportError as e:  # pragma: no cover - openpyxl is a dependency
            raise TemplateError(f"{path}: reading .xlsx needs openpyxl ({e})") from None
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as e:  # noqa: BLE001 - any damage to the workbook: one line
            raise TemplateError(f"{path}: not a readable .xlsx workbook ({e})") from None
        ws = wb[sheet] if sheet and sheet in wb.sheetnames else wb.worksheets[0]
        out = [[_cell_text(v) for v in r] for r in ws.iter_rows(values_only=True)]
        wb.close()
        return out
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TemplateError(f"{path}: no such file (check the path)") from None
    except UnicodeDecodeError as e:
        raise TemplateError(
            f"{path}: not UTF-8 text (byte {e.start}); save the sheet as UTF-8 tab-separated text"
        ) from None
    except OSError as e:
        raise TemplateError(f"{path}: cannot read ({e.strerror or e})") from None
    delimiter = "," if suffix == ".csv" else "\t"
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def read_table(path, columns: dict[str, dict], kind: str, problems: Problems, sheet: str | None = None) -> Table:
    """Read ``path``; header problems go to ``problems`` (row 1). ``columns``: name -> spec with
    ``required_column`` (must be in the header)."""
    path = Path(path)
    if not path.is_file():
        raise TemplateError(f"{path}: no such file (check the path)")
    cells = _read_cells(path, sheet)
    start = next((i for i, r in enumerate(cells) if any(c.strip() for c in r) and not r[0].startswith("#")), None)
    if start is None:
        raise TemplateError(f"{path}: empty table: the first row must name the columns ({', '.join(columns)})")
    header_raw = cells[start]
    header: list[str] = []
    for i, h in enumerate(header_raw, start=1):
        name = _norm(h)
        if not name:
            header.append("")
            continue
        if name not in columns:
            close = difflib.get_close_matches(name, list(columns), n=1, cutoff=0.6)
            hint = f'did you mean "{close[0]}"?' if close else f"the columns are: {', '.join(columns)}"
            problems.error(path, f'unknown column "{h.strip()}": {hint}', start + 1, h.strip(), i)
            header.append("")
            continue
        if name in header:
            problems.error(path, f'column "{name}" appears twice: keep one', start + 1, name, i)
            header.append("")
            continue
        header.append(name)
    for name, spec in columns.items():
        if spec.get("required_column") and name not in header:
            problems.error(
                path,
                f'the header has no "{name}" column ({spec["help"]}): add it (`mesokg curate --template` writes a '
                "header with every column)",
                start + 1,
                name,
            )
    rows = []
    for i, r in enumerate(cells[start + 1 :], start=start + 2):
        if not any(c.strip() for c in r) or r[0].lstrip().startswith("#"):
            continue
        row = Row(str(path), i, {}, {})
        for j, value in enumerate(r):
            if j < len(header) and header[j]:
                row.cells[header[j]] = value
                row.colnum[header[j]] = j + 1
            elif value.strip() and j >= len(header):
                problems.error(
                    path, f"a value beyond the last column ({value.strip()[:40]!r}): remove it", i, None, j + 1
                )
        for j, name in enumerate(header):
            if name:
                row.colnum.setdefault(name, j + 1)
        rows.append(row)
    return Table(path, kind, header, rows)


def table_kind(path) -> str | None:
    """``"claims"`` or ``"nodes"`` from the header of a TSV/xlsx file; ``None`` if neither."""
    try:
        cells = _read_cells(Path(path), None)
    except TemplateError:
        return None
    for r in cells:
        if any(c.strip() for c in r) and not r[0].startswith("#"):
            names = {_norm(c) for c in r}
            if {"subject", "predicate", "object"} <= names:
                return "claims"
            if {"type", "label"} <= names:
                return "nodes"
            return None
    return None
