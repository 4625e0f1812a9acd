"""Network: substance-indication networks built from the claims, with pictures, pages and files.

- :mod:`.model`: views, vocabulary, the networkx graph built from ``queries/claims-*.rq``.
- :mod:`.layout` / :mod:`.style`: positions and colours; :mod:`.render`: PNG/SVG (matplotlib).
- :mod:`.elements`: Cytoscape.js elements; :mod:`.export`: GraphML/GEXF/JSON/CSV and dispatch by suffix.
- :mod:`.html`: the offline interactive page (``static/``).
"""
