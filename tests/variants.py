"""Generated spellings of queries that would reach outside the graph, for the guard and sandbox tests.

:func:`service_variants` combines what comes before a SERVICE clause (escapes in prefixed names,
strings holding ``#`` or quotes, comments, no-break spaces in IRIs, unicode names), how SERVICE and
its target are written (case, SILENT, no blank, comments inside, prefixed, relative to BASE,
variables) and where it sits (top level, OPTIONAL, MINUS, UNION, GRAPH, EXISTS, a sub-query).
:func:`load_from_variants` does the same for LOAD and FROM / FROM NAMED.
"""

from __future__ import annotations

import itertools

#: the issue's examples, verbatim but for the port (PORT)
ISSUE_EXAMPLES = [
    "PREFIX x: <http://ex/> SELECT * WHERE { BIND(x:a\\# AS ?z) SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } }",
    # an escaped quote in a local name, then a '#'
    "PREFIX x: <http://ex/> SELECT * WHERE { BIND(x:a\\' AS ?z) # '\n SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } }",
    # a no-break space inside an IRI before '#'
    "SELECT * WHERE { BIND(<http://ex/a\u00a0#> AS ?z) SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } }",
]
ISSUE_FROM = [
    ("SELECT * FROM<file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM <file:///etc/passwd>"),
    ("SELECT * FROM NAMED<file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM NAMED <file:///etc/passwd>"),
]

BEFORE = [
    "",
    "BIND(x:a\\# AS ?z)",
    "BIND(x:a\\' AS ?z)",
    'BIND(x:a\\" AS ?z) }',  # a syntax error for the engine: must stay refused, never crash
    "BIND(x:\\#\\#\\% AS ?z)",
    "BIND(x:a%23 AS ?z)",
    "BIND('#' AS ?z)",
    "BIND('\\'#' AS ?z)",
    'BIND("\\"#" AS ?z)',
    "BIND('''#\n''' AS ?z)",
    'BIND("""a"b""c#""" AS ?z)',
    "BIND(<http://ex/a\u00a0#> AS ?z)",
    "BIND(<http://ex/\\u0023> AS ?z)",
    "# a comment with 'quotes\" and <brackets\n",
    "BIND(x:caf\u00e9\u00b7\u0301 AS ?z)",
    "BIND('\u2028#' AS ?z)",
    "?s ?p ?o .",
    "BIND(true AS ?t)",
    "BIND(1 AS ?one) .",
]
SERVICE = [
    "SERVICE <{url}> {{ ?s ?p ?o }}",
    "service <{url}> {{ ?s ?p ?o }}",
    "SeRvIcE SILENT <{url}> {{ ?s ?p ?o }}",
    "SERVICE<{url}>{{?s ?p ?o}}",
    "SERVICE#c\n<{url}> {{ }}",
    "SERVICE svc:sparql {{ ?s ?p ?o }}",
    "SERVICE svc: {{ }}",
    "SERVICE:sparql {{ }}",
    "SERVICE <sparql> {{ }}",
    "SERVICE ?u {{ ?s ?p ?o }}",
    "SERVICE <{url_escaped}> {{ }}",
]
WRAP = [
    "{}",
    "OPTIONAL {{ {} }}",
    "MINUS {{ {} }}",
    "{{ }} UNION {{ {} }}",
    "GRAPH ?g {{ {} }}",
    "FILTER(EXISTS {{ {} }})",
    "{{ SELECT * WHERE {{ {} }} }}",
]


def _escaped(url: str) -> str:
    return "".join(f"\\u{ord(c):04X}" if c in ":/." else c for c in url)


def service_variants(port: int) -> list[str]:
    """Thousands of queries, each with a SERVICE call to 127.0.0.1:port written some other way."""
    url = f"http://127.0.0.1:{port}/sparql"
    head = (
        f"BASE <http://127.0.0.1:{port}/> PREFIX x: <http://ex/> PREFIX svc: <http://127.0.0.1:{port}/> "
        f"PREFIX : <http://127.0.0.1:{port}/>\n"
    )
    out = [q.replace("PORT", str(port)) for q in ISSUE_EXAMPLES]
    for blank, before, service, wrap in itertools.product((" ", "\t\r\n"), BEFORE, SERVICE, WRAP):
        clause = service.format(url=url, url_escaped=_escaped(url))
        if "?u" in clause:
            clause = f"VALUES ?u {{ <{url}> }} " + clause
        body = wrap.format(clause)
        out.append(f"{head}SELECT * WHERE {{{blank}{before}{blank}{body}{blank}}}")
    out += [
        f"{head}ASK {{ SERVICE <{url}> {{ }} }}",
        f"{head}SELECT (EXISTS {{ SERVICE <{url}> {{ }} }} AS ?x) WHERE {{ }}",
        f"{head}SELECT * WHERE {{ }} ORDER BY (EXISTS {{ SERVICE <{url}> {{ }} }})",
        f"{head}SELECT * WHERE {{ BIND(trueSERVICE<{url}>{{}}) }}",
        f"{head}SELECT * WHERE {{ ?s ?p true SERVICE<{url}>{{}} }}",
        f"{head}SELECT * WHERE {{ SERVICESILENT:x {{ }} }}",
    ]
    return out


def load_from_variants(port: int) -> list[str]:
    """LOAD and FROM / FROM NAMED naming something outside mesokg, in many spellings."""
    url = f"http://127.0.0.1:{port}/data.ttl"
    targets = [f"<{url}>", "<file:///etc/passwd>", "x:data", f"<{_escaped(url)}>", "<data.ttl>"]
    head = f"BASE <http://127.0.0.1:{port}/> PREFIX x: <http://127.0.0.1:{port}/>\n"
    out = []
    for before, target in itertools.product(["", "# c\n", "#'\"<\n"], targets):
        for form in ("FROM {}", "from {}", "FROM NAMED {}", "FROM NAMED{}", "FROM#c\n{}", "FROM{}", "FROMNAMED{}"):
            clause = form.format(target)
            out.append(f"{head}{before}SELECT * {clause} WHERE {{ ?s ?p ?o }}")
        for form in ("LOAD {}", "load SILENT {} INTO GRAPH <urn:g>", "LOAD{}"):
            out.append(head + before + form.format(target))
    return out
