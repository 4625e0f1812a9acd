"""Shared fixtures. Outbound network is blocked: tests may talk to 127.0.0.1 only.

Servers the tests need (the real ``oxigraph`` SPARQL server, mesokg's own endpoint, Chromium)
are started by the tests on 127.0.0.1 and stopped after.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from mesokg.procs import free_port, stop_process, wait_http  # noqa: F401 (re-exported for tests)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# a private cache of reasoner output for this test session (subprocesses inherit it)
os.environ.setdefault("MESOKG_CACHE", tempfile.mkdtemp(prefix="mesokg-test-cache-"))


def pytest_report_header(config):
    """Say at the top of every run whether the checks that need the source documents run in full."""
    from mesokg.curation.overlap import documents_folder

    docs = documents_folder(ROOT.parent / "shared" / "seeds")
    if docs:
        return f"source documents: {docs} (copy and coverage checks run in full)"
    return "source documents: NOT FOUND (../shared/seeds, $MESOKG_SOURCE_DOCUMENTS): checks that need them do not run"


_real_connect = socket.socket.connect


def _guarded_connect(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6):
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            ip = None if host != "localhost" else ipaddress.ip_address("127.0.0.1")
        if ip is None or not ip.is_loopback:
            raise ConnectionRefusedError(f"tests may not connect to {host!r}: outbound network is blocked")
    return _real_connect(self, address)


socket.socket.connect = _guarded_connect


@pytest.fixture(scope="session")
def dataset():
    """Curated + inferred quads of the shipped graph."""
    from mesokg.knowledge.dataset import dataset_quads

    return dataset_quads()


@pytest.fixture(scope="session")
def memory_store(dataset):
    from mesokg.store import OxigraphStore

    s = OxigraphStore()
    s.add(dataset)
    return s


@pytest.fixture(scope="session")
def release(tmp_path_factory):
    """One ``mesokg build`` (reasoning afresh) shared by every test that reads the release files."""
    out = tmp_path_factory.mktemp("dist")
    r = run_cli("build", "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    assert "built" in r.stdout
    return out


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """The real Oxigraph SPARQL server (PyPI ``oxigraph``), empty, on 127.0.0.1, union default graph.

    Yields its base URL (``/query``, ``/update`` and ``/store`` below it).
    """
    exe = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
    if not exe:
        pytest.fail("the oxigraph server is not installed: pip install oxigraph")
    port = free_port()
    loc = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen(
        [exe, "serve", "--location", str(loc), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/query?query=ASK%7B%7D")
        yield base
    finally:
        stop_process(proc, 10)


def run_cli(
    *args: str, input: str | None = None, timeout: float = 300, env: dict | None = None, cwd: str | Path | None = None
) -> subprocess.CompletedProcess:
    """Run the installed ``mesokg`` command as a user would."""
    exe = shutil.which("mesokg", path=str(BIN)) or "mesokg"
    return subprocess.run(
        [exe, *args],
        capture_output=True,
        text=True,
        input=input,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


@contextlib.contextmanager
def _server(command, what: str, timeout: float):
    """Start ``command(port)`` on a free 127.0.0.1 port until /healthz answers; yield (base URL, process).

    The server is stopped (SIGTERM, then SIGKILL) on exit; its output is shown if it fails to start.
    """
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(command(port), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    log.seek(0)
                    out = log.read().decode("utf-8", "replace")[-3000:]
                    raise RuntimeError(f"{what} did not start:\n{out}") from None
                time.sleep(0.1)
        yield base, proc
    finally:
        stop_process(proc, 15)
        log.close()


def serving(*args: str, timeout: float = 180.0):
    """Run ``mesokg serve ARGS`` (the command) until it answers; yield (base URL, process)."""
    exe = shutil.which("mesokg", path=str(BIN)) or "mesokg"
    return _server(lambda port: [exe, "serve", "--port", str(port), *args], f"mesokg serve {' '.join(args)}", timeout)


def serving_function(start_timeout: float = 180.0, **kwargs):
    """Run the plain Python function ``mesokg.serve.run_serve(**kwargs)`` in a child process until it
    answers (within ``start_timeout`` seconds); yield (base URL, process)."""

    def command(port: int) -> list[str]:
        call = ", ".join(f"{k}={v!r}" for k, v in {"port": port, **kwargs}.items())
        return [sys.executable, "-c", f"from mesokg.serve import run_serve; run_serve({call})"]

    return _server(command, "run_serve()", start_timeout)


@pytest.fixture(scope="session")
def mesokg_server(dataset):
    """``mesokg serve`` with its default settings on 127.0.0.1; yields the base URL.

    Depends on ``dataset`` so the reasoning cache the server reads is filled first.
    """
    with serving() as (base, _):
        yield base


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright (its own browser download does not work here)."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is not installed: run `make sysdeps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
