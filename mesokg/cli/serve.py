"""``mesokg serve`` and :func:`run_serve`, the plain function behind it."""

from __future__ import annotations

import logging
import socket
import sys

import click

from mesokg.cli.options import store_option
from mesokg.errors import MesokgError
from mesokg.serve.config import (
    DEFAULT_HOST,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_MEMORY,
    DEFAULT_MAX_ROWS,
    DEFAULT_PORT,
    DEFAULT_SERVER_MEMORY,
    DEFAULT_TIMEOUT,
    ServeConfig,
    default_workers,
)


def load_store(store_path: str | None):
    """The graph to serve, in memory: the built dataset, or a copy of an on-disk store.

    Returns ``(pyoxigraph.Store, quads)``. An on-disk store is opened read-only and copied, so
    workers never share a database handle across a fork.
    """
    import pyoxigraph as ox

    from mesokg.store import open_store

    if store_path:
        disk = open_store(path=store_path, read_only=True)
        try:
            quads = disk.quads()
        finally:
            disk.close()
    else:
        from mesokg.knowledge.dataset import dataset_quads

        quads = dataset_quads()
    store = ox.Store()
    store.extend(quads)
    return store, quads


log = logging.getLogger("mesokg.serve")


def _log_to_stderr() -> None:
    """The server's own messages (ready, queries stopped, workers replaced) as ``mesokg serve: …`` lines."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("mesokg serve: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def run_serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    store_path: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_body: int = DEFAULT_MAX_BODY,
    workers: int | None = None,
    cors: tuple[str, ...] | list[str] = (),
    max_memory: int = DEFAULT_MAX_MEMORY,
    access_log: bool = False,
    **settings,
) -> None:
    """Load the graph, start the workers and serve HTTP on ``host:port`` until interrupted.

    The default host is 127.0.0.1: only this machine can connect unless ``host`` says otherwise.
    """
    import uvicorn

    from mesokg.serve.app import Backend, create_app

    config = ServeConfig(
        host=host,
        port=port,
        store_path=store_path,
        timeout=timeout,
        max_rows=max_rows,
        max_body=max_body,
        workers=workers or default_workers(),
        cors=tuple(cors),
        max_memory=max_memory,
        access_log=access_log,
        **settings,  # the other ServeConfig fields: max_bytes, server_memory, burst, per_client, timeouts, caps
    ).check()
    _log_to_stderr()
    sock = listen(config.host, config.port)  # fail at once if the port is taken, before loading
    config.port = sock.getsockname()[1]  # the real one when port 0 asked for any free port
    store, quads = load_store(store_path)
    # forks the zygote (no thread may run before this), which must not keep the listening socket
    backend = Backend(config, store, quads, close_fds=(sock.fileno(),))
    del store
    app = create_app(config, backend)
    if not config.loopback:
        log.warning("listening beyond this machine (%s): anyone who can reach it can query it", host)
    from mesokg.serve.conn import protocol_class

    max_url = max(65536, 3 * config.max_body)  # a query of --max-body bytes, percent-encoded, fits
    protocol = protocol_class(
        header_timeout=config.header_timeout,
        per_client=config.max_client_connections,
        total=config.max_connections,
        max_request_line=max_url,
    )
    app.state.connections = protocol.registry_.stats
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            http=protocol,
            log_level="warning",
            access_log=access_log,
            server_header=False,
            proxy_headers=False,
            limit_concurrency=config.max_connections + 16,
            timeout_keep_alive=config.keep_alive,
            h11_max_incomplete_event_size=max_url + 65536,
            lifespan="on",
        )
    )
    limit_server_memory(config.server_memory)
    server.run(sockets=[sock])


def limit_server_memory(mib: int) -> None:
    """Let this process grow by at most ``mib`` MiB of address space from now on (0: no limit)."""
    import resource

    if not mib:
        return
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            size = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize:"))
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + mib * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError, StopIteration):
        log.warning("cannot limit the server's memory on this system")


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``; a one-line error if that address cannot be had."""
    try:
        family, kind, proto, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(addr)
        sock.listen(1024)
    except OSError as e:
        raise MesokgError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    sock.set_inheritable(False)
    return sock


@click.command("serve")
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="Address to listen on; anything but a loopback address exposes the endpoint to the network.",
)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int, help="TCP port.")
@store_option
@click.option(
    "--timeout",
    default=DEFAULT_TIMEOUT,
    show_default=True,
    type=float,
    metavar="S",
    help="Seconds a query may run; a longer one is stopped and its client gets HTTP 503.",
)
@click.option(
    "--max-rows",
    default=DEFAULT_MAX_ROWS,
    show_default=True,
    type=int,
    metavar="N",
    help="Rows (or triples) per response; more are cut off and X-Mesokg-Truncated is set.",
)
@click.option(
    "--max-body",
    default=DEFAULT_MAX_BODY,
    show_default=True,
    type=int,
    metavar="BYTES",
    help="Largest request body (or query in a URL); larger ones get HTTP 413.",
)
@click.option(
    "--workers",
    default=None,
    type=int,
    metavar="N",
    help="Worker processes answering queries [default: cores + 1, at least 3].",
)
@click.option(
    "--cors",
    multiple=True,
    metavar="ORIGIN",
    help="Let web pages from ORIGIN (e.g. https://example.org, or *) query the endpoint; repeatable.",
)
@click.option(
    "--max-memory",
    default=DEFAULT_MAX_MEMORY,
    show_default=True,
    type=int,
    metavar="MIB",
    help="Address space a worker may use (0: no limit); a query that needs more is stopped.",
)
@click.option(
    "--max-bytes",
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    type=int,
    metavar="BYTES",
    help="Bytes of results per response; more rows are cut off and X-Mesokg-Truncated is set.",
)
@click.option(
    "--server-memory",
    default=DEFAULT_SERVER_MEMORY,
    show_default=True,
    type=int,
    metavar="MIB",
    help="Address space the server process may add once loaded (0: no limit); beyond it, HTTP 507.",
)
@click.option(
    "--max-connections",
    default=512,
    show_default=True,
    type=int,
    metavar="N",
    help="Open connections in total (64 per client address); idle and slow ones are closed first.",
)
@click.option("--access-log", is_flag=True, help="Log every request to stderr.")
def serve_cmd(
    host,
    port,
    store_path,
    timeout,
    max_rows,
    max_body,
    workers,
    cors,
    max_memory,
    max_bytes,
    server_memory,
    max_connections,
    access_log,
):
    """Serve a read-only SPARQL 1.1 endpoint with a query page (http://127.0.0.1:8000/ by default)."""
    run_serve(
        host=host,
        port=port,
        store_path=store_path,
        timeout=timeout,
        max_rows=max_rows,
        max_body=max_body,
        workers=workers,
        cors=cors,
        max_memory=max_memory,
        access_log=access_log,
        max_bytes=max_bytes,
        server_memory=server_memory,
        max_connections=max_connections,
        max_client_connections=min(64, max_connections),
    )
