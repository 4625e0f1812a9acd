"""The query page of ``mesokg serve`` in headless Chromium, with every request leaving 127.0.0.1 blocked.

The page must work offline: it may load nothing but this server's files, and the test fails if it
even tries. It must also log no console errors.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest


@pytest.fixture()
def page(browser, mesokg_server):
    """A fresh page that blocks (and records) every request not addressed to 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.outside = []  # requests that would have left 127.0.0.1
    pg.errors = []  # console errors and uncaught exceptions

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
    pg.goto(mesokg_server + "/")
    pg.wait_for_selector("body[data-ready=true]", timeout=15000)
    yield pg
    context.close()


def test_saved_query_form_table_and_network(page, memory_store):
    expected = memory_store.run_saved("substances-for-indication", indication="androgenetic-alopecia")
    page.click('button[data-query="substances-for-indication"]')
    page.fill("#param-indication", "androgenetic-alopecia")
    page.click("#run")
    page.wait_for_selector("table.results tbody tr", timeout=15000)
    assert page.locator("table.results tbody tr").count() == len(expected) > 0
    text = page.inner_text("table.results")
    for row in expected:
        assert row["substance_label"] in text
    assert f"{len(expected)} rows" in page.inner_text("#status")

    page.click("#view-network")
    page.wait_for_selector("#network[data-edges]", timeout=15000)
    assert int(page.get_attribute("#network", "data-edges")) == len(expected)
    assert int(page.get_attribute("#network", "data-nodes")) == len(expected) + 1  # one indication

    assert page.outside == [], page.outside
    assert page.errors == [], page.errors


def test_enum_parameters_and_a_bad_value(page):
    page.click('button[data-query="evidence-for-pair"]')
    options = page.locator("#param-min_level option").all_inner_texts()
    assert "1a" in options and "5" in options
    page.fill("#param-subject", "not an iri")
    page.click("#run")
    page.wait_for_selector("#status.error", timeout=15000)
    assert "subject" in page.inner_text("#status") and "IRI" in page.inner_text("#status")
    assert page.outside == [], page.outside


def test_yasgui_editor_runs_a_query(page):
    page.click("#tab-editor")
    page.wait_for_selector(".yasqe .CodeMirror", timeout=15000)
    endpoint = page.input_value(".yasgui .autocompleteWrapper input.autocomplete")
    assert endpoint.endswith("/sparql")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table tbody tr", timeout=15000)
    assert page.locator(".yasr table tbody tr").count() > 0
    # a saved query opened in the editor
    page.click("#tab-saved")
    page.click('button[data-query="lipolytic-substances"]')
    page.click("#open-editor")
    page.wait_for_function("document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue().includes('lipoly')")
    assert page.outside == [], page.outside
    assert page.errors == [], page.errors
