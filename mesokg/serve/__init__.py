"""``mesokg serve``: a read-only SPARQL 1.1 endpoint with a query page.

- :mod:`.config`: the settings (:class:`~.config.ServeConfig`) and their defaults;
- :mod:`.worker`: what a worker process does with one request (query → serialized bytes);
- :mod:`.pool`: worker processes forked from a loaded store, with a time limit per query;
- :mod:`.negotiate`: ``Accept`` header → result format;
- :mod:`.protocol`: reading SPARQL Protocol requests (GET, form POST, direct POST) safely;
- :mod:`.description`: the SPARQL 1.1 Service Description;
- :mod:`.app`: the Starlette application; :mod:`.cli`: the ``serve`` command and :func:`run_serve`;
- :mod:`.vendor`: copies YASGUI from ``node_modules`` into ``static/vendor/``.
"""

from __future__ import annotations


def run_serve(*args, **kwargs):
    """Load the graph and serve it until interrupted (see :func:`mesokg.cli.serve.run_serve`)."""
    from mesokg.cli.serve import run_serve as _run

    return _run(*args, **kwargs)


__all__ = ["run_serve"]
