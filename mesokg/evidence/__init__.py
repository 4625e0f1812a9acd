"""Evidence views (issue 10): the summary of findings for a pair and the evidence and gap map.

- :mod:`.summary`: ``summarize(store, subject, indication)`` -> :class:`~.summary.Summary`
  (``mesokg evidence``; ``store.evidence(subject, indication)`` is the same).
- :mod:`.grade`: the certainty rules (GRADE-style, written down and tested).
- :mod:`.formats`: the summary as table, markdown, JSON or CSV.
- :mod:`.gapmap`, :mod:`.mapdraw`, :mod:`.mapfiles`: ``mesokg map`` (PNG, SVG, HTML, CSV).
- :mod:`.scale`: the one ordered colour scale of evidence levels used by every picture and page.
- ``queries/pair-claims.rq``: the one definition of "evidence for a pair".

>>> from mesokg.evidence import summarize                       # doctest: +SKIP
>>> summarize(store, "minoxidil", "hair loss").certainty        # doctest: +SKIP
'very low'
"""

from __future__ import annotations


def summarize(store, subject: str, indication: str):
    """The summary of findings for ``subject`` and ``indication`` (names, short ids, CURIEs or IRIs)."""
    from mesokg.evidence.summary import summarize as _summarize

    return _summarize(store, subject, indication)


def gap_map(store, **filters):
    """The evidence and gap map (filters: ``areas``, ``substance_classes``, ``min_level``)."""
    from mesokg.evidence.gapmap import build_map

    return build_map(store, **filters)
