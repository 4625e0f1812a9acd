"""SPARQL safety guard: refuses, before evaluation, what would let a query reach outside the graph or
change it: updates, ``SERVICE``, ``LOAD`` and ``FROM``/``FROM NAMED`` with an IRI outside mesokg's own
graph names (rdflib would fetch such URLs; Oxigraph would read them as graph names).
"""

from __future__ import annotations

import functools
import re

from mesokg.errors import QueryRefused

OWN_GRAPHS = "https://w3id.org/mesokg/graph/"

_LEX = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                  |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\s]*>)""",
    re.X,
)
_UPDATE_WORDS = ("INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_KEYWORD = re.compile(r"(?<![?$:\w])(SERVICE|LOAD|{})(?![:\w])".format("|".join(_UPDATE_WORDS)), re.I)
_FROM = re.compile(r"(?<![?$:\w])FROM(?![:\w])\s+(?:NAMED\s+)?(\S+)", re.I)


@functools.lru_cache(maxsize=1024)
def check_query(query: str) -> None:
    """Raise :class:`QueryRefused` if the query could leave the graph or modify it.

    >>> check_query("SELECT * WHERE { ?s ?p 'SERVICE' }")
    >>> check_query("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    mesokg.errors.QueryRefused: refused: SERVICE would contact another server; mesokg queries only its own graph
    """
    iris: list[str] = []

    def blank(m: re.Match) -> str:
        if m.group("iri"):
            iris.append(m.group("iri"))
            return f"<{len(iris) - 1}>"
        return " " if m.group("comment") else '""'

    code = _LEX.sub(blank, query)
    m = _KEYWORD.search(code)
    if m:
        word = m.group(1).upper()
        if word == "SERVICE":
            raise QueryRefused("refused: SERVICE would contact another server; mesokg queries only its own graph")
        if word == "LOAD":
            raise QueryRefused("refused: LOAD would fetch or read a file; the graph is read-only")
        raise QueryRefused(f"refused: {word} is a SPARQL update; the graph is read-only here")
    for fm in _FROM.finditer(code):
        target = fm.group(1)
        idx = re.fullmatch(r"<(\d+)>", target)
        iri = iris[int(idx.group(1))][1:-1] if idx else target
        if not iri.startswith(OWN_GRAPHS):
            raise QueryRefused(
                f"refused: FROM {iri} names a graph outside mesokg; use FROM <{OWN_GRAPHS}...> or no FROM"
            )
