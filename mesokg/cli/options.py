"""Shared CLI options (defined once, used by every command that opens a store)."""

from __future__ import annotations

import click

store_option = click.option(
    "--store",
    "store_path",
    metavar="PATH",
    default=None,
    help="On-disk Oxigraph store (built on first use, reused after).",
)
endpoint_option = click.option(
    "--endpoint",
    metavar="URL",
    default=None,
    help="Remote SPARQL 1.1 query endpoint, e.g. http://127.0.0.1:7878/query.",
)


def store_options(f):
    return store_option(endpoint_option(f))


def open_from_options(store_path, endpoint):
    from mesokg.store import open_store

    return open_store(path=store_path, endpoint=endpoint)
