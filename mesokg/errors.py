"""Errors a user can act on: printed as one line by the CLI, never as a traceback."""

from __future__ import annotations


class MesokgError(Exception):
    """A problem with the user's input or environment. ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class InputError(MesokgError):
    """Malformed input (RDF syntax, SPARQL syntax, bad parameter value): exit status 2."""

    exit_code = 2


class QueryRefused(MesokgError):
    """A query asks for something mesokg does not allow (updates, SERVICE, LOAD, remote FROM)."""

    exit_code = 2


class ValidationFailed(MesokgError):
    """Data does not conform to the shapes or checks."""

    exit_code = 1
