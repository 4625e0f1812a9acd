"""Query: saved SPARQL queries, their parameters and result formats, and the safety guard.

- :mod:`.saved`: the catalogue of ``queries/*.rq``, parameter binding, execution, table formats.
- :mod:`.results`: :class:`~mesokg.query.results.QueryResult` and the W3C result formats.
- :mod:`.guard`: refuses updates, SERVICE, LOAD and foreign FROM before evaluation.
"""
