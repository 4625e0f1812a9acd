"""The evidence routes of ``mesokg serve`` and the page's summary-of-findings form in headless Chromium
(every request leaving 127.0.0.1 blocked and recorded; no console errors allowed)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from urllib.parse import urlparse

import pytest

from mesokg.evidence.summary import summarize


def get(base: str, path: str, **params) -> tuple[int, bytes]:
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_summary_route_equals_the_library(mesokg_server, memory_store):
    code, body = get(mesokg_server, "/evidence", subject="hair mesotherapy", indication="pattern baldness")
    assert code == 200
    assert json.loads(body) == json.loads(
        json.dumps(summarize(memory_store, "hair-mesotherapy", "androgenetic-alopecia").to_json())
    )
    code, body = get(mesokg_server, "/evidence", subject="minoxdil", indication="hair loss")
    assert code == 400 and "did you mean minoxidil" in json.loads(body)["error"]
    code, body = get(mesokg_server, "/evidence", subject="minoxidil", indication="hair loss", format="md")
    assert code == 200 and body.decode().startswith("## Summary of findings: minoxidil")
    assert get(mesokg_server, "/evidence", subject="minoxidil")[0] == 400


def test_names_route(mesokg_server):
    code, body = get(mesokg_server, "/evidence/names", q="baldn", kind="indication")
    items = json.loads(body)
    assert code == 200 and items[0]["label"] == "androgenetic alopecia" and items[0]["match"] == "pattern baldness"
    items = json.loads(get(mesokg_server, "/evidence/names", q="minox", kind="subject")[1])
    assert items[0]["label"] == "minoxidil"
    assert get(mesokg_server, "/evidence/names", q="x", kind="nonsense")[0] == 400
    assert get(mesokg_server, "/evidence/static/../app.py")[0] == 404


def test_saved_query_parameters_take_labels(mesokg_server, memory_store):
    code, body = get(
        mesokg_server, "/queries/substances-for-indication", indication="hereditary hair loss", format="json"
    )
    assert code == 200
    rows = json.loads(body)["results"]["bindings"]
    expected = memory_store.run_saved("substances-for-indication", indication="androgenetic-alopecia")
    assert len(rows) == len(expected) > 0
    code, body = get(mesokg_server, "/queries/substances-for-indication", indication="andro alopecia")
    assert code == 400 and "did you mean" in body.decode()


@pytest.fixture()
def page(browser, mesokg_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.outside, pg.errors = [], []

    def route(r):
        url = r.request.url
        if url.startswith("data:") or urlparse(url).hostname == "127.0.0.1":
            r.continue_()
        else:
            pg.outside.append(url)
            r.abort()

    pg.route("**/*", route)
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


def test_form_with_autocomplete(page, mesokg_server, memory_store):
    page.goto(mesokg_server + "/")
    page.wait_for_selector("body[data-ready=true]", timeout=15000)
    page.click("#tab-evidence")
    assert page.is_visible("#sof-form") and not page.is_visible("#panel-saved")
    page.type("#sof-subject", "minox", delay=20)
    page.wait_for_selector("#sof-subject-names[data-count]", state="attached", timeout=10000)
    options = page.eval_on_selector_all("#sof-subject-names option", "os => os.map(o => o.value)")
    assert options[0] == "minoxidil"
    page.fill("#sof-subject", "minoxidil")
    page.fill("#sof-indication", "hair loss")
    page.click("#sof-run")
    page.wait_for_selector("#sof-result[data-certainty]", timeout=30000)
    expected = summarize(memory_store, "minoxidil", "hair loss")
    text = page.inner_text("#sof-result")
    assert "Summary of findings: minoxidil for hair loss (alopecia)" in text
    assert expected.certainty.upper() in text
    for c in expected.usage:
        assert c["sources"][0] in text
    # a mistyped name: one line with suggestions, no summary
    page.fill("#sof-subject", "minoxdil")
    page.click("#sof-run")
    page.wait_for_selector("#sof-status.error", timeout=15000)
    assert "did you mean minoxidil" in page.inner_text("#sof-status")
    # back to the saved queries
    page.click("#tab-saved")
    assert not page.is_visible("#panel-evidence")
    errors = [e for e in page.errors if "status of 400" not in e]  # the mistyped name's answer
    assert page.outside == [] and errors == [], (page.outside, errors)


def test_map_page_from_the_server(page, mesokg_server):
    page.goto(mesokg_server + "/")
    page.wait_for_selector("body[data-ready=true]", timeout=15000)
    page.click("a[href='/evidence/map']")
    page.wait_for_selector("body[data-ready='1']", timeout=60000)
    page.click("td[data-key='mesotherapy|musculoskeletal-pain']")
    assert "Summary of findings: mesotherapy" in page.inner_text("#panel-body")
    assert page.outside == [] and page.errors == [], (page.outside, page.errors)
