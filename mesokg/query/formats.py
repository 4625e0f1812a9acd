"""Result formatting: plain Python values, text and markdown tables, and dispatch to the W3C formats."""

from __future__ import annotations

import re
from decimal import Decimal

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
    XSD + "decimal": Decimal,
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

SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
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


def format_table(res: QueryResult, title: str | None = None) -> str:
    """A readable text table (rich), IRIs shortened to CURIEs."""
    import io

    from rich.console import Console
    from rich.table import Table

    if res.kind == "ask":
        return f"{str(bool(res.boolean)).lower()}\n"
    table = Table(title=title, show_lines=False, header_style="bold", caption=f"{len(res.rows)} row(s)")
    for v in res.variables:
        table.add_column(v, overflow="fold")
    for row in res.rows:
        table.add_row(*(shorten(t) for t in row))
    buf = io.StringIO()
    Console(file=buf, width=table_width(), no_color=True, highlight=False, soft_wrap=False).print(table)
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
    return res.serialize(fmt)
