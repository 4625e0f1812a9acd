"""``mesokg serve``, started for real on 127.0.0.1, exercised with real HTTP clients.

Protocol (GET, POST form, direct POST; every result format; service description; saved queries;
the graph), then safety: refused updates, SERVICE, LOAD and FROM with no connection attempted;
the time limit stopping a runaway query while others are answered; row and body limits.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import BIN, serving, serving_function
from variants import ISSUE_EXAMPLES, ISSUE_FROM, load_from_variants, service_variants

from mesokg.query.saved import get_saved, list_saved
from mesokg.store import open_store

JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
FORM = "application/x-www-form-urlencoded"
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = "SELECT ?s WHERE { ?s a <https://w3id.org/mesokg/Claim> } LIMIT 3"


@pytest.fixture(scope="module")
def base(mesokg_server):
    return mesokg_server


@pytest.fixture(scope="module")
def client(base):
    with httpx.Client(base_url=base, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def strict(dataset):
    """A server with tight limits, started through the plain function run_serve()."""
    with serving_function(
        timeout=2, max_rows=5, max_body=4096, workers=2, max_memory=400, cors=["https://example.org"]
    ) as (url, _):
        yield url


def bindings(r: httpx.Response) -> list[dict]:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(JSON)
    return r.json()["results"]["bindings"]


def assert_error(r: httpx.Response, status: int, *words: str) -> str:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    msg = r.json()["error"]
    assert "\n" not in msg and "Traceback" not in r.text
    for w in words:
        assert w.lower() in msg.lower(), msg
    return msg


# ---------------------------------------------------------------------------------------------
# content negotiation (no server needed)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "accept,select,graph",
    [
        (None, "json", "turtle"),
        ("*/*", "json", "turtle"),
        ("application/sparql-results+json,*/*;q=0.9", "json", "turtle"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "xml", "turtle"),
        ("text/csv;q=0.5, text/tab-separated-values", "tsv", None),
        ("text/*", "xml", "turtle"),
        ("application/n-triples, application/sparql-results+json;q=0.1", "json", "nt"),
        ("application/ld+json;q=0", None, None),
        ("image/png", None, None),
    ],
)
def test_negotiation(accept, select, graph):
    from mesokg.serve.negotiate import formats

    assert formats(accept) == (select, graph)


def test_format_names():
    from mesokg.errors import InputError
    from mesokg.serve.negotiate import dataset_format, formats

    assert formats("text/csv", "json") == ("json", "jsonld")
    assert formats(None, "ttl") == (None, "turtle")
    assert dataset_format(None, "n-quads") == "nq" and dataset_format("application/trig") == "trig"
    with pytest.raises(InputError, match="csv"):
        formats(None, "docx")


# ---------------------------------------------------------------------------------------------
# SPARQL 1.1 Protocol
# ---------------------------------------------------------------------------------------------
def test_healthz(client):
    doc = client.get("/healthz").json()
    assert doc["status"] == "ok" and doc["workers"] >= 2 and doc["triples"] > 1000


def test_get_post_and_direct_body_agree(client):
    get = bindings(client.get("/sparql", params={"query": SIMPLE}, headers={"Accept": JSON}))
    form = bindings(client.post("/sparql", data={"query": SIMPLE}, headers={"Accept": JSON}))
    direct = bindings(
        client.post(
            "/sparql", content=SIMPLE.encode(), headers={"Content-Type": "application/sparql-query", "Accept": JSON}
        )
    )
    assert len(get) == 3 and get == form == direct
    assert all(b["s"]["type"] == "uri" for b in get)


def test_no_accept_header_gives_json(client):
    r = client.get("/sparql", params={"query": SIMPLE}, headers={"Accept": ""})
    assert r.headers["content-type"].startswith(JSON) and len(r.json()["results"]["bindings"]) == 3


@pytest.mark.parametrize(
    "accept,fmt",
    [
        (JSON, ox.QueryResultsFormat.JSON),
        (SPARQL_XML, ox.QueryResultsFormat.XML),
        ("text/csv", ox.QueryResultsFormat.CSV),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ],
)
def test_select_result_formats(client, accept, fmt):
    r = client.post("/sparql", data={"query": SIMPLE}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    assert r.headers["vary"] == "Accept"
    if fmt == ox.QueryResultsFormat.CSV:  # lossy: pyoxigraph does not read it back
        rows = list(csv.reader(io.StringIO(r.text)))
        assert rows[0] == ["s"] and len(rows) == 4 and all(row[0].startswith("https://") for row in rows[1:])
        return
    parsed = ox.parse_query_results(r.content, format=fmt)
    assert [v.value for v in parsed.variables] == ["s"] and len(list(parsed)) == 3


def test_format_parameter_overrides_accept(client):
    r = client.get("/sparql", params={"query": SIMPLE, "format": "csv"}, headers={"Accept": JSON})
    assert r.headers["content-type"].startswith("text/csv")
    assert next(csv.reader(io.StringIO(r.text))) == ["s"]


@pytest.mark.parametrize(
    "accept,body",
    [
        (JSON, b'"boolean": true'),
        (SPARQL_XML, b"<boolean>true</boolean>"),
        ("text/csv", b"true"),
        ("text/tab-separated-values", b"true"),
    ],
)
def test_ask_result_formats(client, accept, body):
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept) and body in r.content


@pytest.mark.parametrize(
    "accept,fmt",
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_construct_result_formats(client, accept, fmt):
    q = "CONSTRUCT { ?s a <https://w3id.org/mesokg/Claim> } WHERE { ?s a <https://w3id.org/mesokg/Claim> } LIMIT 4"
    r = client.post("/sparql", data={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    assert len(list(ox.parse(r.content, format=fmt))) == 4


def test_unacceptable_format_is_406(client):
    r = client.get("/sparql", params={"query": SIMPLE}, headers={"Accept": "image/png"})
    assert_error(r, 406, "application/sparql-results+json")


def test_service_description(client, base):
    r = client.get("/sparql")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = ox.NamedNode(base + "/sparql")
    objects = {(t.predicate.value, t.object.value) for t in triples if t.subject == endpoint}
    assert (sd + "endpoint", endpoint.value) in objects
    assert (sd + "supportedLanguage", sd + "SPARQL11Query") in objects
    assert (sd + "feature", sd + "UnionDefaultGraph") in objects
    assert ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", sd + "Service") in objects
    names = {t.object.value for t in triples if t.predicate.value == sd + "name"}
    assert "https://w3id.org/mesokg/graph/curated" in names and "https://w3id.org/mesokg/graph/inferred" in names
    for accept, fmt in (
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ):
        other = client.get("/sparql", headers={"Accept": accept})
        assert other.headers["content-type"].startswith(accept)
        assert len(list(ox.parse(other.content, format=fmt))) == len(triples)


def test_graph_parameters_within_mesokg(client):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    inferred = "https://w3id.org/mesokg/graph/inferred"
    r = client.get("/sparql", params={"query": q, "default-graph-uri": inferred}, headers={"Accept": JSON})
    only_inferred = int(bindings(r)[0]["n"]["value"])
    everything = int(bindings(client.get("/sparql", params={"query": q}, headers={"Accept": JSON}))[0]["n"]["value"])
    assert 0 < only_inferred < everything


def test_errors_are_one_line_json_without_traceback(client):
    assert_error(client.post("/sparql", data={"query": "SELEC * WHERE { ?s ?p ?o }"}), 400, "syntax")
    assert_error(client.post("/sparql", data={"nothing": "here"}), 400, "query")
    assert_error(client.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"}), 415, "sparql-query")
    assert_error(client.get("/no/such/page"), 404)
    assert_error(client.delete("/sparql"), 405)
    r = client.post("/sparql", data={"query": "SELEC"}, headers={"Accept": "text/plain"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/plain") and "Traceback" not in r.text


# ---------------------------------------------------------------------------------------------
# saved queries, the graph, the page
# ---------------------------------------------------------------------------------------------
def test_queries_listing(client):
    listing = client.get("/queries").json()
    assert [q["name"] for q in listing] == [q.name for q in list_saved()]
    sfi = next(q for q in listing if q["name"] == "substances-for-indication")
    assert sfi["title"] and sfi["description"] and sfi["url"] == "/queries/substances-for-indication"
    assert sfi["params"][0]["name"] == "indication" and sfi["params"][0]["type"] == "iri"
    assert sfi["network"] == ["substance", "indication"]
    pair = next(q for q in listing if q["name"] == "evidence-for-pair")
    level = next(p for p in pair["params"] if p["name"] == "min_level")
    assert level["type"] == "enum" and "1a" in level["allowed"] and level["default"] == "5"


def test_saved_query_with_parameter(client, memory_store):
    r = client.get(
        "/queries/substances-for-indication", params={"indication": "androgenetic-alopecia"}, headers={"Accept": JSON}
    )
    rows = bindings(r)
    expected = memory_store.run_saved("substances-for-indication", indication="androgenetic-alopecia")
    assert len(rows) == len(expected) > 0
    assert {b["indication"]["value"] for b in rows} == {"https://w3id.org/mesokg/id/androgenetic-alopecia"}
    assert [b["substance"]["value"] for b in rows] == [e["substance"] for e in expected]
    csv_text = client.get(
        "/queries/substances-for-indication", params={"indication": "androgenetic-alopecia", "format": "csv"}
    ).text
    assert len(csv_text.strip().splitlines()) == len(expected) + 1


def test_saved_query_typed_parameters(client):
    rows = bindings(client.get("/queries/history-timeline", params={"from_year": "1950", "to_year": "2000"}))
    assert rows and all(1950 <= int(b["year"]["value"]) <= 2000 for b in rows if "year" in b)


@pytest.mark.parametrize(
    "name,params,words",
    [
        ("evidence-for-pair", {"min_level": "9z"}, ["min_level", "1a, 1b"]),
        ("history-timeline", {"from_year": "last year"}, ["from_year", "integer"]),
        ("substances-for-indication", {"colour": "red"}, ["colour", "indication"]),
        ("substances-for-indication", {"indication": "not an iri"}, ["indication", "IRI"]),
    ],
)
def test_saved_query_bad_parameters_are_400(client, name, params, words):
    assert_error(client.get(f"/queries/{name}", params=params), 400, *words)


def test_unknown_saved_query_is_404(client):
    assert_error(client.get("/queries/substances-for-indicaton"), 404, "substances-for-indication")


@pytest.mark.parametrize(
    "fmt,media,rdf",
    [
        ("turtle", "text/turtle", ox.RdfFormat.TURTLE),
        ("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("nq", "application/n-quads", ox.RdfFormat.N_QUADS),
        ("trig", "application/trig", ox.RdfFormat.TRIG),
        ("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_graph_in_each_format(client, dataset, fmt, media, rdf):
    by_param = client.get("/graph", params={"format": fmt})
    by_accept = client.get("/graph", headers={"Accept": media})
    assert by_param.status_code == 200 and by_param.headers["content-type"].startswith(media)
    assert by_accept.content == by_param.content and by_accept.headers["etag"] == by_param.headers["etag"]
    parsed = list(ox.parse(by_param.content, format=rdf))

    def ground(quads, keep_graph: bool) -> set:  # blank node labels differ from parse to parse
        return {
            (q.subject, q.predicate, q.object, q.graph_name if keep_graph else None)
            for q in quads
            if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
        }

    quads = fmt in ("nq", "trig")
    assert ground(parsed, quads) == ground(dataset, quads)
    if quads:
        assert len(set(parsed)) == len(set(dataset))
    again = client.get("/graph", params={"format": fmt}, headers={"If-None-Match": by_param.headers["etag"]})
    assert again.status_code == 304


def test_graph_unknown_format(client):
    assert_error(client.get("/graph", params={"format": "docx"}), 400, "turtle")


def test_sparqlwrapper_runs_a_saved_query(base, memory_store):
    from SPARQLWrapper import JSON as SW_JSON
    from SPARQLWrapper import SPARQLWrapper

    sw = SPARQLWrapper(base + "/sparql")
    sw.setQuery(get_saved("indications-by-area").text)
    sw.setReturnFormat(SW_JSON)
    sw.setMethod("POST")
    res = sw.query().convert()
    expected = memory_store.run_saved("indications-by-area")
    assert len(res["results"]["bindings"]) == len(expected) > 0
    assert res["head"]["vars"][:2] == ["area", "area_label"]


def test_mesokg_remote_store_against_the_endpoint(base, memory_store):
    remote = open_store(endpoint=base + "/sparql")
    got = remote.run_saved("substances-for-indication", indication="androgenetic-alopecia")
    assert got == memory_store.run_saved("substances-for-indication", indication="androgenetic-alopecia")


def test_page_and_its_files(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "connect-src 'self'" in csp and "default-src 'self'" in csp
    assert "/static/vendor/yasgui.min.js" in r.text and 'id="settings"' in r.text
    for path in (
        "/static/app.js",
        "/static/app.css",
        "/static/vendor/yasgui.min.js",
        "/static/vendor/yasgui.min.css",
        "/static/vendor/cytoscape.min.js",
        "/static/vendor/yasgui.LICENSE",
    ):
        assert client.get(path).status_code == 200, path
    assert "sourceMappingURL" not in client.get("/static/vendor/yasgui.min.js").text[-300:]


def test_vendored_yasgui_fetches_nothing_by_itself():
    """The vendored bundle's defaults ask only the endpoint they are given (and prefix.cc/LOV only if enabled)."""
    js = (Path(__file__).resolve().parent.parent / "mesokg/serve/static/vendor/yasgui.min.js").read_text()
    app = (Path(__file__).resolve().parent.parent / "mesokg/serve/static/app.js").read_text()
    assert "lov.linkeddata.es" in js  # the completer exists in the bundle ...
    assert 'autocompleters = ["mesokgPrefixes", "variables"]' in app  # ... and the page leaves it off
    assert "prefixCcApi = null" in app and "corsProxy: undefined" in app


# ---------------------------------------------------------------------------------------------
# safe by default
# ---------------------------------------------------------------------------------------------
def _listening_addresses(port: int) -> set[str]:
    out = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, p = local.split(":")
            if int(p, 16) == port and state == "0A":
                out.add(addr)
    return out


def test_binds_loopback_only(base):
    port = int(base.rsplit(":", 1)[1])
    addrs = _listening_addresses(port)
    assert addrs == {"0100007F"}, addrs  # 127.0.0.1, little-endian hex


def test_other_host_names_refused(client):
    r = client.get("/healthz", headers={"Host": "attacker.example"})
    assert_error(r, 421, "127.0.0.1")


def test_cors_off_by_default(client):
    r = client.get("/sparql", params={"query": SIMPLE}, headers={"Origin": "https://example.org"})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers


def test_security_headers(client):
    r = client.get("/healthz")
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.fixture()
def listener():
    """A TCP listener on 127.0.0.1 that records whether anything connected to it."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(0.5)
    yield srv
    srv.close()


def _connected(srv: socket.socket) -> bool:
    try:
        conn, _ = srv.accept()
    except TimeoutError:
        return False
    conn.close()
    return True


def test_service_is_refused_without_connecting(client, listener):
    port = listener.getsockname()[1]
    target = f"http://127.0.0.1:{port}/sparql"
    variants = [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <http://127.0.0.1:{port}/>\nSELECT * WHERE {{ SeRvIcE x:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ # comment }}\n SERVICE <{target}> {{ ?s ?p ?o }} }}",
        *(q.replace("PORT", str(port)) for q in ISSUE_EXAMPLES),
    ]
    for q in variants:
        for r in (
            client.get("/sparql", params={"query": q}),
            client.post("/sparql", data={"query": q}),
            client.post("/sparql", content=q.encode(), headers={"Content-Type": "application/sparql-query"}),
        ):
            assert_error(r, 403, "SERVICE")
    assert not _connected(listener), "the server connected to the SERVICE target"


def test_thousands_of_variants_refused_without_connecting(client, listener):
    """Every generated SERVICE / LOAD / FROM spelling gets a 4xx and nothing reaches the listener."""
    port = listener.getsockname()[1]
    direct = {"Content-Type": "application/sparql-query"}

    def send(q: str) -> tuple[str, httpx.Response]:
        return q, client.post("/sparql", content=q.encode(), headers=direct)

    with ThreadPoolExecutor(4) as pool:
        for q, r in pool.map(send, service_variants(port) + load_from_variants(port)):
            assert r.status_code in (400, 403), (q, r.text)
            assert "\n" not in r.json()["error"]
    assert not _connected(listener), "the server connected to a target named in a query"


def test_workers_are_sandboxed(client):
    assert client.get("/healthz").json()["sandbox"] in ("seccomp", "netns")


@pytest.mark.parametrize(
    "params",
    [
        {"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"},
        {"query": "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }"},
        {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": "file:///etc/passwd"},
        {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": "file:///etc/passwd"},
        {"query": "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }"},
        {"query": ISSUE_FROM[0][0]},
        {"query": ISSUE_FROM[1][0]},
    ],
)
def test_outside_graphs_refused(client, params):
    r = client.get("/sparql", params=params)
    assert_error(r, 403, "outside mesokg")
    assert "root:" not in r.text


@pytest.mark.parametrize(
    "how,text",
    [
        ("update-param", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
        ("update-form", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
        ("update-body", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
        ("query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
        ("query", "LOAD <file:///etc/passwd>"),
        ("update-form", "LOAD <file:///etc/passwd> INTO GRAPH <urn:g>"),
        ("query", "CLEAR ALL"),
        ("update-form", "CLEAR ALL"),
        ("query", "DROP ALL"),
        ("query", "DELETE WHERE { ?s ?p ?o }"),
        ("update-body", "DELETE WHERE { ?s ?p ?o }"),
    ],
)
def test_updates_refused(client, how, text):
    if how == "update-param":
        r = client.get("/sparql", params={"update": text})
    elif how == "update-form":
        r = client.post("/sparql", data={"update": text})
    elif how == "update-body":
        r = client.post("/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-update"})
    else:
        r = client.post("/sparql", data={"query": text})
    assert r.status_code == 403, r.text
    assert "Traceback" not in r.text
    # nothing changed
    count = client.get("/sparql", params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"}, headers={"Accept": JSON})
    assert count.json()["boolean"] is False


def test_runaway_query_is_stopped_while_others_are_answered(strict):
    out: dict = {}

    def explode():
        t0 = time.perf_counter()
        r = httpx.post(strict + "/sparql", data={"query": EXPLOSIVE}, timeout=60)
        out["explosive"] = (r, time.perf_counter() - t0)

    t = threading.Thread(target=explode)
    t.start()
    time.sleep(0.4)  # the explosive query is running now
    t0 = time.perf_counter()
    simple = httpx.get(strict + "/sparql", params={"query": SIMPLE}, headers={"Accept": JSON}, timeout=30)
    simple_time = time.perf_counter() - t0
    assert simple.status_code == 200 and len(simple.json()["results"]["bindings"]) == 3
    assert simple_time < 1.0, f"a simple query took {simple_time:.2f} s while another ran away"
    t.join(30)
    r, elapsed = out["explosive"]
    assert_error(r, 503, "time limit", "2 s")
    assert 1.5 < elapsed < 6, elapsed
    # the killed worker is replaced and the server goes on answering
    deadline = time.time() + 10
    while time.time() < deadline:
        health = httpx.get(strict + "/healthz").json()
        if health["workers"] == 2:
            break
        time.sleep(0.1)
    assert health["workers"] == 2 and health["stopped_for_time"] >= 1
    again = [httpx.get(strict + "/sparql", params={"query": SIMPLE}, headers={"Accept": JSON}) for _ in range(4)]
    assert all(a.status_code == 200 for a in again)


def test_memory_hungry_query_is_stopped(strict):
    q = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"  # sorts ~10^8 rows: far beyond 400 MiB
    t0 = time.perf_counter()
    r = httpx.post(strict + "/sparql", data={"query": q}, timeout=30)
    assert r.status_code in (503, 507), r.text  # 507 when memory runs out first, 503 when the time limit does
    assert_error(r, r.status_code, "more memory than a worker may use" if r.status_code == 507 else "time limit")
    assert time.perf_counter() - t0 < 6
    assert httpx.get(strict + "/sparql", params={"query": "ASK {}"}).status_code == 200


def test_row_cap(strict):
    r = httpx.get(strict + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": JSON})
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 5
    assert r.headers["x-mesokg-truncated"] == "5"
    small = httpx.get(strict + "/sparql", params={"query": SIMPLE}, headers={"Accept": JSON})
    assert "x-mesokg-truncated" not in small.headers
    g = httpx.get(
        strict + "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
    )
    assert len(g.text.strip().splitlines()) == 5 and g.headers["x-mesokg-truncated"] == "5"


def test_oversized_requests_refused(strict):
    big = "SELECT * WHERE { ?s ?p ?o } " + "#" * 5000
    assert_error(
        httpx.post(strict + "/sparql", content=big.encode(), headers={"Content-Type": "application/sparql-query"}),
        413,
        "4096",
    )
    assert_error(httpx.post(strict + "/sparql", data={"query": big}), 413)
    assert_error(httpx.get(strict + "/sparql", params={"query": big}), 413)

    def chunks():  # no Content-Length: the limit applies while reading
        for _ in range(10):
            yield b"#" * 1000

    assert_error(
        httpx.post(strict + "/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"}), 413
    )
    ok = httpx.post(strict + "/sparql", content=b"ASK {}", headers={"Content-Type": "application/sparql-query"})
    assert ok.status_code == 200


def test_cors_when_asked(strict):
    allowed = httpx.get(strict + "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert allowed.headers["access-control-allow-origin"] == "https://example.org"
    other = httpx.get(strict + "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    pre = httpx.options(
        strict + "/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    )
    assert pre.status_code == 200


# ---------------------------------------------------------------------------------------------
# processes
# ---------------------------------------------------------------------------------------------
def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d))
    out, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.add(c)
            todo.append(c)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("how", ["terminate", "kill"])
def test_workers_end_with_the_server(dataset, how):
    with serving("--workers", "2") as (url, proc):
        family = _descendants(proc.pid)
        assert len(family) >= 3  # the zygote and two workers
        if how == "terminate":
            proc.send_signal(signal.SIGTERM)
        else:
            proc.kill()
        proc.wait(15)
        deadline = time.time() + 10
        while time.time() < deadline and any(_alive(p) for p in family):
            time.sleep(0.1)
        assert not any(_alive(p) for p in family)


def test_serve_help_lists_the_options():
    exe = BIN / "mesokg"
    out = subprocess.run([str(exe), "serve", "--help"], capture_output=True, text=True, timeout=60).stdout
    for opt in ("--host", "--port", "--store", "--timeout", "--max-rows", "--max-body", "--workers", "--cors"):
        assert opt in out


def test_bad_options_are_one_line(dataset):
    exe = BIN / "mesokg"
    r = subprocess.run([str(exe), "serve", "--timeout", "0"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "--timeout" in r.stderr and "Traceback" not in r.stderr


def test_serves_an_on_disk_store(tmp_path, dataset):
    db = tmp_path / "db"
    with serving("--store", str(db), "--workers", "2") as (url, _):
        r = httpx.get(
            url + "/sparql",
            params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": JSON},
        )
        n = int(r.json()["results"]["bindings"][0]["n"]["value"])
        nq = httpx.get(url + "/graph", params={"format": "nq"}).text
        assert n == len(nq.strip().splitlines()) > 1000
