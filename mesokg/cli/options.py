"""Shared CLI options (defined once): the store to open, the inputs to read, HermiT's heap."""

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


def input_options(f):
    """FILES to add to the curated graph, and ``--seeds DIR`` to replace the shipped seeds."""
    f = click.option(
        "--seeds",
        "seeds_dir",
        metavar="DIR",
        default=None,
        help="Take the curated seeds from DIR/*.ttl instead of the shipped seeds/ folder.",
    )(f)
    return click.argument("files", nargs=-1, type=click.Path())(f)


def seed_files(seeds_dir) -> list | None:
    """The .ttl files of a ``--seeds`` folder (None: the shipped seeds)."""
    if seeds_dir is None:
        return None
    from pathlib import Path

    from mesokg.errors import InputError

    p = Path(seeds_dir)
    if not p.is_dir():
        raise InputError(f"{p}: no such folder (--seeds takes a folder of .ttl files)")
    files = sorted(p.glob("*.ttl"))
    if not files:
        raise InputError(f"{p}: holds no .ttl files (--seeds takes a folder of .ttl files)")
    return files


hermit_heap_option = click.option(
    "--hermit-heap",
    type=click.IntRange(64),
    metavar="MIB",
    default=None,
    help="Java heap for HermiT in MiB [MESOKG_HERMIT_HEAP_MB, else owlready2's 2000].",
)


def use_hermit_heap(mib) -> None:
    if mib:
        import os

        os.environ["MESOKG_HERMIT_HEAP_MB"] = str(mib)
