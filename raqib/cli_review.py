"""``raqib review``: analyst corrections of stored events and control rows, kept across re-extraction
and audited (raqib/review.py)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from raqib.cli_common import DbOption, clip, err, fail, open_db

review_app = typer.Typer(
    help="Analyst review: reject or correct stored events and control rows (kept across re-extraction, audited).",
    no_args_is_help=True,
)

Who = Annotated[
    str | None, typer.Option("--who", envvar="RAQIB_REVIEWER", help="Reviewer name for the audit (default: login name).")
]
Reason = Annotated[str, typer.Option("--reason", "-r", help="Why (kept in the audit table).")]


def _parse_value(field: str, value: str) -> Any:
    """A command-line value: JSON when it parses (objects, numbers), else the plain string;
    ``place`` also takes NAME,LAT,LON and ``date`` FROM..TO."""
    if field == "place" and not value.lstrip().startswith("{"):
        parts = [p.strip() for p in value.rsplit(",", 2)]
        if len(parts) != 3:
            fail(f"place: give NAME,LAT,LON or a JSON object, not {value!r}")
        try:
            return {"name_ar": parts[0], "lat": float(parts[1]), "lon": float(parts[2])}
        except ValueError:
            fail(f"place: {parts[1]!r}, {parts[2]!r} are not numbers (NAME,LAT,LON)")
    if field == "date" and ".." in value:
        start, _, end = value.partition("..")
        return {"from": start.strip(), "to": end.strip()}
    if field == "counts" or value.lstrip().startswith("{"):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            fail(f"{field}: {value!r} is not JSON ({exc.msg}); counts look like {{\"killed\": 3}}")
    return value


def _review(db: str | None, uid: str, field: str, value: Any, reason: str, who: str | None) -> None:
    from raqib.review import (
        ReviewError,
        correct_control,
        correct_event,
        default_reviewer,
        reject_event,
        restore_event,
    )

    store = open_db(db, existing=True)
    who = who or default_reviewer()
    try:
        if uid.startswith("c"):
            done = correct_control(store, uid, field, value, reason=reason, who=who)
        elif field == "reject":
            done = reject_event(store, uid, reason=reason, who=who)
        elif field == "restore":
            done = restore_event(store, uid, reason=reason, who=who)
        else:
            done = correct_event(store, uid, field, value, reason=reason, who=who)
    except ReviewError as exc:
        fail(str(exc))
    err.print(f"raqib: {done['target']} {uid}: {field} recorded by {who} (status {done['status']})", markup=False)


@review_app.command("set")
def review_set(
    uid: Annotated[str, typer.Argument(help="Event id (e…) or control row id (c…), as `raqib events` / `raqib review list` show.")],
    field: Annotated[str, typer.Argument(help="Event: kind actor1 actor2 place date counts certainty. Control: controller status as_of place.")],
    value: Annotated[str, typer.Argument(help="New value: an id or word; place NAME,LAT,LON; date D or D1..D2; counts JSON.")],
    reason: Reason,
    db: DbOption = None,
    who: Who = None,
) -> None:
    """Correct one field of a stored event or control row."""
    _review(db, uid, field, _parse_value(field, value), reason, who)


@review_app.command("reject")
def review_reject(uid: Annotated[str, typer.Argument(help="Event or control row id.")], reason: Reason,
                  db: DbOption = None, who: Who = None) -> None:  # fmt: skip
    """Mark a stored event or control row as wrong (hidden from queries, exports, the map)."""
    _review(db, uid, "reject", None, reason, who)


@review_app.command("restore")
def review_restore(uid: Annotated[str, typer.Argument(help="Event or control row id.")], reason: Reason,
                   db: DbOption = None, who: Who = None) -> None:  # fmt: skip
    """Undo a rejection."""
    _review(db, uid, "restore", None, reason, who)


@review_app.command("list")
def review_list(
    db: DbOption = None,
    document: Annotated[str | None, typer.Option(help="Only this document.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 50,
) -> None:
    """Events and control rows with their ids, review status and evidence."""
    from raqib.store import EventFilter, control_rows, query_events

    store = open_db(db, existing=True)
    out = Console(highlight=False, width=170)
    table = Table(title="events")
    for col in ("id", "status", "kind", "actor1", "actor2", "place", "date", "evidence"):
        table.add_column(col)
    for e in query_events(store, EventFilter(document_id=document, include_rejected=True), limit=limit):
        status = e["status"] + (" (reviewed)" if e["reviewed"] else "")
        table.add_row(e["uid"], status, e["kind"], e["actor1"], e["actor2"] or "-", e["place_ar"] or "-",
                      e["date_from"] or "-", clip(e["evidence"], 70))  # fmt: skip
    out.print(table)
    table = Table(title="control rows (not rejected)")
    for col in ("id", "place", "controller", "status", "as of", "evidence"):
        table.add_column(col)
    rows = [r for r in control_rows(store) if document is None or r["document_id"] == document][:limit]
    for r in rows:
        table.add_row(r["uid"], r["place_ar"], r["controller"], r["status"], r["as_of"] or "-", clip(r["evidence"], 70))
    out.print(table)


@review_app.command("audit")
def review_audit(
    db: DbOption = None,
    uid: Annotated[str | None, typer.Option(help="Only changes of this row.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many changes.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines.")] = False,
) -> None:
    """Every change an analyst made: who, when, what before and after, why (newest first)."""
    from raqib.review import audit_log, unmatched_corrections

    store = open_db(db, existing=True)
    rows = audit_log(store, limit=limit, uid=uid)
    if as_json:
        for r in rows:
            print(json.dumps(r, ensure_ascii=False))
        return
    out = Console(highlight=False, width=170)
    table = Table(title="audit")
    for col in ("when", "who", "action", "id", "field", "before", "after", "reason"):
        table.add_column(col)
    for r in rows:
        field = r["field"]
        before = r["before"]["record"].get(field) if field not in ("reject", "restore") else r["before"]["status"]
        after = r["after"]["record"].get(field) if field not in ("reject", "restore") else r["after"]["status"]
        table.add_row(r["at"], r["who"], r["action"], r["uid"], field, clip(json.dumps(before, ensure_ascii=False), 40),
                      clip(json.dumps(after, ensure_ascii=False), 40), r["reason"])  # fmt: skip
    out.print(table)
    lost = unmatched_corrections(store)
    if lost:
        out.print(f"{len(lost)} corrections name rows no longer stored (a revised text moved their sentence): "
                  + ", ".join(sorted({c["uid"] for c in lost})))  # fmt: skip
