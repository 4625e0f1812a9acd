"""Result formatting: plain Python values, text and markdown tables, and dispatch to the W3C formats."""

from __future__ import annotations

import re

import pyoxigraph as ox

from mesokg.errors import InputError
from mesokg.query.results import QueryResult

XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES: dict[str, str] = {
    "mkd": "https://w3id.org/mesokg/id/",
    "mk": "https://w3id.org/mesokg/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": XSD,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
}
_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")  # CURIE local parts worth shortening


def shorten(term) -> str:
    """A readable form of a term: IRIs as CURIEs where a prefix fits, literals as their text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in PREFIXES.items():  # mkd before mk: the longest namespace wins
            if term.value.startswith(ns) and _LOCAL.match(term.value[len(ns) :]):
                return f"{prefix}:{term.value[len(ns) :]}"
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


_INTEGERS = frozenset(XSD + t for t in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger"))
_CONVERT = {
    **dict.fromkeys(_INTEGERS, int),
    XSD + "decimal": lambda v: __import__("decimal").Decimal(v),
    XSD + "double": float,
    XSD + "float": float,
    XSD + "boolean": lambda v: v in ("true", "1"),
}


def to_python(t):
    """A plain Python value for a term, as :func:`mesokg.query.results.term_python` (and a little faster):
    IRIs and strings as ``str``, numbers as ``int``/``Decimal``/``float``, booleans as ``bool``."""
    if t is None:
        return None
    if type(t) is not ox.Literal or t.language:
        return t.value
    convert = _CONVERT.get(t.datatype.value)
    if convert is None:
        return t.value
    try:
        return convert(t.value)
    except (ValueError, ArithmeticError):
        return t.value


def limit_result(res: QueryResult, limit: int | None) -> QueryResult:
    """The first ``limit`` rows (or triples) of a result; the rest unchanged."""
    if limit is None or res.kind == "ask":
        return res
    return QueryResult(res.kind, list(res.variables), res.rows[:limit], res.boolean, res.triples[:limit])


# ---------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------

SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md", "csv-plain", "tsv-plain")
GRAPH_FORMATS = ("turtle", "jsonld", "nt")


def format_markdown(res: QueryResult) -> str:
    """A GitHub-flavoured markdown table (IRIs as CURIEs)."""

    def cell(t) -> str:
        return shorten(t).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    if res.kind == "ask":
        return f"| boolean |\n| --- |\n| {str(bool(res.boolean)).lower()} |\n"
    lines = ["| " + " | ".join(res.variables) + " |", "|" + " --- |" * len(res.variables)]
    lines += ["| " + " | ".join(cell(t) for t in row) + " |" for row in res.rows]
    return "\n".join(lines) + "\n"


def table_width() -> int:
    """The terminal's width, or 160 columns when the output is not a terminal (or $COLUMNS)."""
    import shutil

    return max(80, shutil.get_terminal_size((160, 24)).columns)


MAX_CELL = 60  # a cell wider than this is cut with "…" in the text table (csv/tsv/json keep it whole)


def _cut(text: str, width: int) -> str:
    text = text.replace("\n", " ").replace("\t", " ")
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def format_table(res: QueryResult, title: str | None = None, width: int | None = None) -> str:
    """A plain text table that fits the terminal, IRIs shortened to CURIEs.

    Columns are kept from the left while they fit in ``width`` (the terminal's by default); long
    cells are cut with "…". When columns or text are left out, the last line says how to see them.

    >>> r = QueryResult("select", ["a", "b"], [(ox.Literal("x"), ox.NamedNode("https://w3id.org/mesokg/id/y"))])
    >>> print(format_table(r, width=80), end="")
    a  b
    -  -----
    x  mkd:y
    1 row
    """
    if res.kind == "ask":
        return f"{str(bool(res.boolean)).lower()}\n"
    width = width or table_width()
    cells = [[shorten(t).replace("\n", " ") for t in row] for row in res.rows]
    cols, used, cut = [], 0, False
    for i, name in enumerate(res.variables):
        full = max([len(name)] + [len(r[i]) for r in cells])
        w = min(full, max(MAX_CELL, len(name)))
        cut = cut or w < full
        if cols and used + 2 + w > width:
            break
        cols.append((i, name, w))
        used += w + (2 if len(cols) > 1 else 0)
    lines = [title] if title else []
    lines.append("  ".join(name.ljust(w) for _, name, w in cols).rstrip())
    lines.append("  ".join("-" * w for _, _, w in cols))
    for r in cells:
        lines.append("  ".join(_cut(r[i], w).ljust(w) for i, _, w in cols).rstrip())
    n = len(res.rows)
    foot = f"{n} row" + ("" if n == 1 else "s")
    hidden = [name for name in res.variables[len(cols) :]]
    if hidden:
        foot += f"; {len(hidden)} more column(s) not shown ({', '.join(hidden)}): use --format csv or --columns"
    elif cut:
        foot += "; long values cut with …: use --format csv for whole values"
    lines.append(foot)
    return "\n".join(lines) + "\n"


def format_plain(res: QueryResult, sep: str) -> str:
    """CSV or TSV for spreadsheets (issue 10): plain values (IRIs as CURIEs where a prefix fits,
    literals as their text, no ``<…>`` or ``"…"@en``) under a header of bare variable names.
    The W3C formats (``csv``, ``tsv``) stay as they are."""
    import csv
    import io

    buf = io.StringIO()
    if res.kind == "ask":
        res = QueryResult("select", ["boolean"], [(ox.Literal(str(bool(res.boolean)).lower()),)])
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(res.variables)
    for row in res.rows:
        cells = [shorten(t) for t in row]
        w.writerow([c.replace("\t", " ").replace("\n", " ") for c in cells] if sep == "\t" else cells)
    return buf.getvalue()


def format_result(res: QueryResult, fmt: str, title: str | None = None) -> bytes:
    """Serialise a result: table/md/W3C result formats for SELECT and ASK, RDF formats for graphs."""
    if res.kind == "graph":
        fmt = "turtle" if fmt == "table" else fmt
        if fmt not in GRAPH_FORMATS:
            raise InputError(
                f"format {fmt!r} does not fit a graph result (CONSTRUCT/DESCRIBE): use {', '.join(GRAPH_FORMATS)}"
            )
        return res.serialize(fmt)
    if fmt not in SELECT_FORMATS:
        raise InputError(f"format {fmt!r} does not fit a {res.kind.upper()} result: use {', '.join(SELECT_FORMATS)}")
    if fmt == "table":
        return format_table(res, title).encode("utf-8")
    if fmt == "md":
        return format_markdown(res).encode("utf-8")
    if fmt in ("csv-plain", "tsv-plain"):
        return format_plain(res, "," if fmt == "csv-plain" else "\t").encode("utf-8")
    return res.serialize(fmt)
