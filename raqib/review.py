"""Analyst review: reject a stored event or control row, or correct one of its fields, with a reason.

A correction is kept in the ``corrections`` table and applied at once to the stored row; ``Store.save``
applies it again whenever the document is re-extracted (a new rule set, ``raqib reprocess``), because
rows keep their ids (``raqib.store.keys``). Every change is also written to the ``audit`` table: who,
when, the field, the value before and after, and the reason.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from raqib.errors import RaqibError, StoreError
from raqib.store import Store, _json, _now, corrected
from raqib.store import corrections as fix
from raqib.store.bulk import control_columns, event_columns
from raqib.store.tables import audit, control, corrections, events


class ReviewError(RaqibError):
    """An unknown row id, field or value, or a missing reason."""


def default_reviewer() -> str:
    """Who is reviewing: ``RAQIB_REVIEWER``, else the login name."""
    try:
        return os.environ.get("RAQIB_REVIEWER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _change(store: Store, target: str, uid: str, field: str, value: Any, reason: str, who: str) -> dict[str, Any]:
    if not reason or not reason.strip():
        raise ReviewError("give a reason for the change (--reason)")
    if not who or not who.strip():
        raise ReviewError("say who makes the change")
    try:
        value = fix.check_value(target, field, value)
    except fix.CorrectionError as exc:
        raise ReviewError(str(exc)) from None
    table = events if target == "event" else control
    columns = event_columns if target == "event" else control_columns
    try:
        with store.engine.begin() as conn:
            row = conn.execute(
                select(table.c.pk, table.c.document_id, table.c.record, table.c.review_status, table.c.machine)
                .where(table.c.uid == uid)
            ).first()  # fmt: skip
            if row is None:
                raise ReviewError(f"no stored {target} has the id {uid!r}")
            before = dict(_json(row.record))
            after, status = fix.apply(target, before, row.review_status, field, value)
            at = _now()
            conn.execute(insert(corrections).values(
                target=target, uid=uid, document_id=row.document_id, field=field, value=value, reason=reason,
                who=who, at=at,
            ))  # fmt: skip
            conn.execute(update(table).where(table.c.pk == row.pk).values(
                record=after, review_status=status, reviewed=True, machine=row.machine or before, **columns(after)
            ))  # fmt: skip
            conn.execute(insert(audit).values(
                at=at, who=who, action="reject" if field == "reject" else "restore" if field == "restore" else "correct",
                target=target, uid=uid, document_id=row.document_id, field=field,
                before={"status": row.review_status, "record": before}, after={"status": status, "record": after},
                reason=reason,
            ))  # fmt: skip
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot record the review of {uid!r}: {exc.__class__.__name__}: {exc}") from exc
    return {"uid": uid, "target": target, "field": field, "value": value, "status": status, "record": after}


def correct_event(store: Store, uid: str, field: str, value: Any, *, reason: str, who: str) -> dict[str, Any]:
    """Set one field of a stored event (kind, actor1, actor2, place, date, counts, certainty)."""
    if field in ("reject", "restore"):
        raise ReviewError(f"use reject_event/restore_event, not a correction of {field!r}")
    return _change(store, "event", uid, field, value, reason, who)


def reject_event(store: Store, uid: str, *, reason: str, who: str) -> dict[str, Any]:
    """Mark a stored event as wrong: it disappears from queries, exports and the map."""
    return _change(store, "event", uid, "reject", None, reason, who)


def restore_event(store: Store, uid: str, *, reason: str, who: str) -> dict[str, Any]:
    """Undo a rejection."""
    return _change(store, "event", uid, "restore", None, reason, who)


def correct_control(store: Store, uid: str, field: str, value: Any, *, reason: str, who: str) -> dict[str, Any]:
    """Set one field of a stored control row (controller, status, as_of, place), or reject it
    (``field="reject"``) or undo that (``"restore"``)."""
    return _change(store, "control", uid, field, value, reason, who)


def audit_log(store: Store, limit: int = 100, uid: str | None = None) -> list[dict[str, Any]]:
    """The latest changes, newest first."""
    q = select(audit).order_by(audit.c.pk.desc()).limit(limit)
    if uid is not None:
        q = q.where(audit.c.uid == uid)
    with store.engine.connect() as conn:
        return [{**r, "before": _json(r["before"]), "after": _json(r["after"])} for r in conn.execute(q).mappings()]


def unmatched_corrections(store: Store) -> list[dict[str, Any]]:
    """Corrections whose row is no longer stored (a revised text moved or dropped the sentence):
    kept, never applied to another row, listed so an analyst can look again."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(corrections).order_by(corrections.c.pk)).mappings().all()
        known = {
            "event": set(conn.execute(select(events.c.uid)).scalars()),
            "control": set(conn.execute(select(control.c.uid)).scalars()),
        }
    return [dict(r) for r in rows if r["uid"] not in known[r["target"]]]


__all__ = [
    "ReviewError", "audit_log", "correct_control", "correct_event", "corrected", "default_reviewer", "reject_event",
    "restore_event", "unmatched_corrections",
]  # fmt: skip
