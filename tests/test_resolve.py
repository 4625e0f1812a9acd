"""Resolvable ids on a real ``mesokg serve`` on 127.0.0.1: /id/NAME, term IRIs, /ontology (issue 13)."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request

import pyoxigraph as ox

MKD = "https://w3id.org/mesokg/id/"


def get(url: str, accept: str | None = None) -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.headers.get("content-type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type", ""), e.read()


def test_curl_with_accept_turtle_returns_the_nodes_triples(mesokg_server):
    r = subprocess.run(
        ["curl", "-s", "-f", "-H", "Accept: text/turtle", mesokg_server + "/id/minoxidil"],
        capture_output=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    triples = list(ox.parse(r.stdout, format=ox.RdfFormat.TURTLE))
    minoxidil = ox.NamedNode(MKD + "minoxidil")
    out = [t for t in triples if t.subject == minoxidil]
    assert any(t.predicate.value.endswith("#label") and t.object.value == "minoxidil" for t in out)
    assert any(t.object == ox.NamedNode("https://w3id.org/mesokg/Drug") for t in out)
    # and the claims that name it, as incoming triples
    assert any(t.object == minoxidil and t.predicate.value == "https://w3id.org/mesokg/subject" for t in triples)


def test_html_page_lists_the_claims_and_links_on_this_server(mesokg_server):
    status, ctype, body = get(mesokg_server + "/id/minoxidil", "text/html,application/xhtml+xml,*/*;q=0.8")
    assert status == 200 and ctype.startswith("text/html")
    text = body.decode()
    assert "<h1>minoxidil</h1>" in text and "Claims about minoxidil" in text
    assert 'href="/id/claim-' in text and 'href="/Drug"' in text  # links resolve here, not on w3id.org
    assert "CEBM" in text  # the evidence level of each claim


def test_json_ld_and_other_formats_by_accept_or_format(mesokg_server):
    status, ctype, body = get(mesokg_server + "/id/minoxidil", "application/ld+json")
    assert status == 200 and ctype.startswith("application/ld+json")
    doc = json.loads(body)
    assert doc["@context"]["mkd"] == MKD and any(n["@id"] == "mkd:minoxidil" for n in doc["@graph"])
    status, ctype, body = get(mesokg_server + "/id/minoxidil?format=nt")
    assert status == 200 and ctype.startswith("application/n-triples") and b"minoxidil" in body


def test_term_iris_resolve_too(mesokg_server):
    status, _, body = get(mesokg_server + "/Drug", "text/turtle")
    assert status == 200
    triples = {(t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(body, format=ox.RdfFormat.TURTLE)}
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert ("https://w3id.org/mesokg/Drug", rdf_type, "http://www.w3.org/2002/07/owl#Class") in triples
    assert (MKD + "minoxidil", rdf_type, "https://w3id.org/mesokg/Drug") in triples  # its members point here


def test_unknown_ids_and_unacceptable_formats_get_one_line_errors(mesokg_server):
    status, ctype, body = get(mesokg_server + "/id/no-such-thing", "text/turtle")
    assert status == 404 and "not in the graph" in json.loads(body)["error"]
    status, _, body = get(mesokg_server + "/id/minoxidil", "image/png")
    assert status == 406
    status, _, _ = get(mesokg_server + "/sparql")  # the term route comes after every other route
    assert status == 200


def test_ontology_page_is_the_pylode_documentation(mesokg_server):
    status, ctype, body = get(mesokg_server + "/ontology", "text/html")
    assert status == 200 and ctype.startswith("text/html")
    text = body.decode()
    assert "mesokg: the evidence-graded knowledge graph of mesotherapy" in text
    assert "https://w3id.org/mesokg/Drug" in text
    assert "<script src=" not in text  # nothing fetched from elsewhere
    status, ctype, body = get(mesokg_server + "/ontology", "text/turtle")
    assert status == 200 and ctype.startswith("text/turtle") and b"owl:Ontology" in body


def test_a_deprecated_id_resolves_and_names_its_replacements(mesokg_server):
    status, _, body = get(mesokg_server + "/id/mesotherapy-indications-general", "text/html")
    assert status == 200
    text = body.decode()
    assert "deprecated" in text and 'href="/id/cosmetic-concerns"' in text
    assert 'href="/id/localized-medical-conditions"' in text
