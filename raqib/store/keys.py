"""Stable ids of stored events and control rows.

An id names what a row says and where the report says it, not when it was stored: the document id,
the evidence span and, for several rows on one span, their order. Re-extracting the same text
(``raqib reprocess``, a new rule set) gives the same ids, so analyst corrections find their rows
again; a revised text that moves the sentence gives new ids (the correction is kept, and listed as
unmatched by ``raqib review list``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable


def _digest(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def event_uids(document_id: str, spans: Iterable[tuple[int, int]]) -> list[str]:
    """One id per event, given the events' evidence spans in order."""
    seen: Counter[tuple[int, int]] = Counter()
    out = []
    for span in spans:
        span = (int(span[0]), int(span[1]))
        out.append("e" + _digest(document_id, span[0], span[1], seen[span])[1:])
        seen[span] += 1
    return out


def control_uids(document_id: str, rows: Iterable[tuple[str, int, int]]) -> list[str]:
    """One id per control row, given (place, evidence start, evidence end) in order."""
    seen: Counter[tuple[str, int, int]] = Counter()
    out = []
    for row in rows:
        out.append("c" + _digest(document_id, *row, seen[row])[1:])
        seen[row] += 1
    return out
