"""The query guard and the network sandbox, tested against the real engine and a real listener.

- every generated SERVICE / LOAD / FROM spelling (tests/variants.py) is refused by the guard;
- the variants are real: run unguarded in this (unsandboxed) process, most of them do connect;
- the sandbox alone stops them all: in a sandboxed child, with the guard switched off, nothing
  connects; the same for ``mesokg query`` run with its guard disabled;
- a Hypothesis property: whenever the engine would call SERVICE, the guard refused the query.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import pyoxigraph as ox
import pytest
from conftest import BIN, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from variants import ISSUE_EXAMPLES, ISSUE_FROM, load_from_variants, service_variants

from mesokg.errors import InputError, QueryRefused
from mesokg.query.guard import check_query, tokens, where_brace


class Listener:
    """A TCP listener on 127.0.0.1 that accepts, counts and closes every connection at once."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.count += 1
            conn.close()

    def settle(self) -> int:
        time.sleep(0.3)
        return self.count

    def close(self):
        self._stop = True
        self._thread.join(2)
        self.sock.close()


@pytest.fixture()
def listener():
    lst = Listener()
    yield lst
    lst.close()


def refused(q: str) -> bool:
    try:
        check_query(q)
    except (QueryRefused, InputError):
        return True
    return False


def run_engine(q: str) -> None:
    try:
        res = ox.Store().query(q, use_default_graph_as_union=True)
        if not isinstance(res, ox.QueryBoolean):
            list(res)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass


# ---------------------------------------------------------------------------------------------
# the guard's verdicts and messages
# ---------------------------------------------------------------------------------------------
def test_issue_examples_refused():
    for q in ISSUE_EXAMPLES:
        with pytest.raises(QueryRefused, match="SERVICE would contact another server"):
            check_query(q.replace("PORT", "9"))


@pytest.mark.parametrize("query,shown", ISSUE_FROM)
def test_issue_from_examples_have_clear_messages(query, shown):
    with pytest.raises(QueryRefused) as e:
        check_query(query)
    assert str(e.value).startswith(f"refused: {shown} names a graph outside mesokg")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <https://w3id.org/mesokg/graph/curated> WHERE { ?s ?p ?o }",
        "PREFIX g: <https://w3id.org/mesokg/graph/> SELECT * FROM g:curated FROM NAMED g:inferred WHERE { ?s ?p ?o }",
        "BASE <https://w3id.org/mesokg/graph/> SELECT * FROM <curated> WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?service ?p 'SERVICE' . ?s <http://ex/load> \"FROM <x>\" } # SERVICE <x>",
        "PREFIX fromage: <http://ex/> SELECT * WHERE { ?s ?p fromage:brie }",
        "PREFIX schema: <http://schema.org/> SELECT * WHERE { ?s a schema:Service }",
        "SELECT * WHERE { ?s ?p '''a ''b'' # SERVICE <x> ''' }",
    ],
)
def test_ordinary_queries_pass(query):
    check_query(query)


@pytest.mark.parametrize(
    "query,words",
    [
        ("SELECT * FROM <https://w3id.org/mesokg/graph/../x> WHERE { }", "outside mesokg"),
        ("SELECT * FROM ?g WHERE { }", "names no graph"),
        ("PREFIX : <http://x/> SELECT * WHERE { SERVICE:x {} }", "SERVICE"),
        ("SELECT * WHERE { ?s ?p 'abc }", "1:24: a string opened here is never closed"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT is a SPARQL update"),
        ("LOADx:data", "LOAD"),
    ],
)
def test_refusals_are_one_line(query, words):
    with pytest.raises((QueryRefused, InputError)) as e:
        check_query(query)
    assert words in str(e.value) and "\n" not in str(e.value)


def test_where_brace_skips_strings_and_comments():
    q = "CONSTRUCT { ?s ?p '{' } # {\nWHERE { ?s ?p ?o }"
    assert q[where_brace(q) - 6 : where_brace(q) + 1] == "WHERE {"
    assert where_brace("SELECT * { }") == 9 and where_brace("ASK") is None


def test_lexer_stress_is_linear_in_tokens():
    """200 KB of each of the inputs that used to take quadratic time: strings that never close, escapes."""
    for body in ('"\\' * 100_000, "'''" * 66_666, "<a" * 100_000, "x:a\\#" * 40_000):
        t0 = time.process_time()
        refused(body)
        assert time.process_time() - t0 < 10  # quadratic would be hours; linear is about a second
    assert sum(1 for _ in tokens("<a" * 100_000)) == 1  # one run of "other": memory stays small


# ---------------------------------------------------------------------------------------------
# differential: guard, engine and sandbox on thousands of variants
# ---------------------------------------------------------------------------------------------
def test_guard_refuses_every_variant():
    variants = service_variants(9) + load_from_variants(9)
    assert len(variants) > 3000
    passed = [q for q in variants if not refused(q)]
    assert not passed, passed[:3]


def test_variants_really_connect_without_the_guard(listener):
    """Run unguarded and unsandboxed (this test process), the variants do reach the listener."""
    variants = service_variants(listener.port)
    for q in ISSUE_EXAMPLES:
        before = listener.count
        run_engine(q.replace("PORT", str(listener.port)))
        deadline = time.time() + 2
        while listener.count == before and time.time() < deadline:
            time.sleep(0.01)
        assert listener.count > before, q
    sample = variants[3::12]
    before = listener.settle()
    for q in sample:
        run_engine(q)
    assert listener.settle() - before > len(sample) // 3


_CHILD = """
import sys, pyoxigraph as ox
sys.path.insert(0, {tests!r})
from variants import service_variants, load_from_variants
from mesokg.sandbox import no_network
print(no_network(), flush=True)
denied = 0
for q in service_variants({port}) + load_from_variants({port}):
    try:
        res = ox.Store().query(q, use_default_graph_as_union=True)  # no guard here
        if not isinstance(res, ox.QueryBoolean):
            list(res)
    except PermissionError:
        denied += 1
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
print(denied)
"""


def test_sandbox_alone_stops_every_variant(listener):
    tests = os.path.dirname(__file__)
    code = _CHILD.format(tests=tests, port=listener.port)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    how, denied = r.stdout.split()
    assert how in ("seccomp", "netns") and int(denied) > 1000
    assert listener.settle() == 0, "a sandboxed process connected"


def test_sandbox_blocks_sockets_but_keeps_socket_pairs():
    code = (
        "import socket; from mesokg.sandbox import no_network\n"
        "a, b = socket.socketpair(); how = no_network(); a.sendall(b'x'); assert b.recv(1) == b'x'\n"
        "c, d = socket.socketpair()\n"
        "try:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\nexcept PermissionError:\n    print(how)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() in ("seccomp", "netns"), r.stderr[-2000:]


# ---------------------------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------------------------
def test_cli_refuses_issue_examples_without_connecting(listener):
    for q in [*ISSUE_EXAMPLES, ISSUE_FROM[0][0]]:
        r = run_cli("query", q.replace("PORT", str(listener.port)), timeout=120)
        assert r.returncode == 2 and "refused" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert listener.settle() == 0


def test_cli_with_its_guard_disabled_still_cannot_connect(listener, dataset):
    """The sandbox, not the guard, is what stops ``mesokg query``: switch the guard off and try.

    ``dataset`` first fills the session's cache, so the child loads the graph instead of building it.
    """
    queries = [ISSUE_EXAMPLES[0].replace("PORT", str(listener.port))]  # all variants: test_sandbox_alone_...
    script = (
        "import sys, mesokg.store as s, mesokg.query.guard as g\n"
        "s.check_query = g.check_query = lambda q: None\n"
        "from mesokg.cli import main\n"
        "sys.exit(main(['query', sys.argv[1], '--format', 'json']))\n"
    )
    for i, q in enumerate(queries[:6]):
        r = subprocess.run(
            [str(BIN / "python"), "-c", script, q], capture_output=True, text=True, timeout=120, env=os.environ
        )
        assert "Traceback" not in r.stderr, r.stderr[-1500:]
        if i < len(ISSUE_EXAMPLES):  # these call SERVICE on an empty result too: the sandbox says no
            assert r.returncode == 2 and "tried to open a network connection" in r.stderr, r.stderr[-500:]
    assert listener.settle() == 0, "mesokg query connected with its guard disabled"


# ---------------------------------------------------------------------------------------------
# property: the guard never says "safe" for a query in which the engine calls SERVICE
# ---------------------------------------------------------------------------------------------
_PIECES = [
    " ",
    "\n",
    "\t",
    "#",
    "'",
    '"',
    "'''",
    '"""',
    "\\",
    "\\'",
    '\\"',
    "\\#",
    "x:a",
    "x:",
    ":",
    "<http://ex/a>",
    "<",
    ">",
    "?v",
    "$v",
    "_:b",
    "@en",
    "{",
    "}",
    ".",
    "(",
    ")",
    "true",
    "1",
    "\u00a0",
    "\u00e9",
    "%23",
    "BIND(1 AS ?z)",
    "FILTER(true)",
    "OPTIONAL",
    "SELECT",
    "WHERE",
    "SERVICE",
    "service",
    "SILENT",
    "svc:",
    "<SVC>",
]


@st.composite
def service_queries(draw):
    pre = "".join(draw(st.lists(st.sampled_from(_PIECES), max_size=8)))
    mid = "".join(draw(st.lists(st.sampled_from(_PIECES), max_size=4)))
    post = "".join(draw(st.lists(st.sampled_from(_PIECES), max_size=4)))
    keyword = draw(st.sampled_from(["SERVICE", "service", "SERVICE SILENT", "SERVICE#\n", "SERVICE"]))
    target = draw(st.sampled_from(["<SVC>", "svc:", "svc:x", "<SVC>", "?u"]))
    return f"PREFIX x: <http://ex/> PREFIX svc: <SVC> SELECT * WHERE {{ {pre} {keyword}{mid}{target} {{ }} {post} }}"


_PROPERTY_LISTENER = Listener()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(service_queries())
def test_guard_never_passes_a_query_that_calls_service(query):
    lst = _PROPERTY_LISTENER
    q = query.replace("SVC", f"http://127.0.0.1:{lst.port}/")
    q = q.replace("?u {", f"?u {{ }} VALUES ?u {{ <http://127.0.0.1:{lst.port}/> }} {{")
    if refused(q):
        return
    before = lst.count
    run_engine(q)
    time.sleep(0.02)
    assert lst.count == before, f"the guard passed a query that called SERVICE: {q!r}"


_NO_SANDBOX = (
    "import sys, mesokg.sandbox as s\n"
    "def blocked():\n    raise OSError(1, 'not permitted here')\n"
    "s._seccomp = s._new_netns = blocked\n"
    "from mesokg.cli import main\n"
    "sys.exit(main(['query', 'ASK {}', '--format', 'csv']))\n"
)


def test_without_any_sandbox_queries_are_refused_clearly():
    r = subprocess.run([sys.executable, "-c", _NO_SANDBOX], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and r.stdout == "", r.stderr[-800:]
    assert "cannot run queries" in r.stderr and "MESOKG_UNSANDBOXED=1" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    env = {**os.environ, "MESOKG_UNSANDBOXED": "1"}
    opt_out = _NO_SANDBOX.split("from mesokg.cli")[0] + "print(s.no_network())\n"
    r = subprocess.run([sys.executable, "-c", opt_out], capture_output=True, text=True, timeout=120, env=env)
    assert r.stdout.strip() == "none" and "WITHOUT a network sandbox" in r.stderr, r.stderr
