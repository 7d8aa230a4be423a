"""What every command module shares: the error console, the --db option and sources argument, failing
with a message, loading resources, opening the store, progress bars."""

from __future__ import annotations

from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from raqib.errors import RaqibError

err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="RAQIB_DB", help="Database URL (default sqlite:///raqib.db; env RAQIB_DB)."),
]
Sources = Annotated[
    list[str] | None,
    typer.Argument(help="Files or directories (.txt .html .json .jsonl .rss/.xml .warc); '-' or none for stdin."),
]


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"raqib: error: {one_line(message)}", markup=False)
    raise typer.Exit(code)


def one_line(message: str) -> str:
    """``message`` on one line: drivers' messages span several (psycopg's hint, SQLAlchemy's link to its
    error catalogue, which tells an analyst nothing raqib's message does not)."""
    lines = [ln.strip() for ln in message.splitlines() if not ln.strip().startswith("(Background on this error")]
    return " ".join(ln for ln in lines if ln)


def load():  # type: ignore[no-untyped-def]
    from raqib.resources import load_resources

    try:
        return load_resources()
    except RaqibError as exc:
        fail(str(exc))


def load_versions() -> dict[str, str]:
    """The versions ``load().versions`` gives, without building the resources (for the batch client)."""
    from raqib.resources import resource_versions

    try:
        return resource_versions()
    except RaqibError as exc:
        fail(str(exc))


def progress_bar(total: int | None) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


DB_FORMS = "sqlite:///FILE (e.g. sqlite:///raqib.db) or postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"


def db_url(db: str | None) -> str:
    """The database URL of ``--db`` / ``RAQIB_DB`` / the default, checked before a driver sees it."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from raqib.store import resolve_url

    url = resolve_url(db)
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        fail(f"database URL {url!r}: not a URL; expected {DB_FORMS}")
    if backend not in ("sqlite", "postgresql"):
        fail(f"database URL {shown_url(url)!r}: raqib stores in SQLite or PostgreSQL, not {backend!r}; "
             f"expected {DB_FORMS}")  # fmt: skip
    return url


def shown_url(url: str) -> str:
    """``url`` as messages and titles show it: the password masked."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _sqlite_path(url: str) -> str | None:
    """The file of a SQLite URL; None for other databases and in-memory ones."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() != "sqlite" or u.database in (None, "", ":memory:") or u.query.get("mode") == "memory":
        return None
    return u.database


def missing_sqlite_file(url: str) -> str | None:
    """The path of a SQLite database file that does not exist yet (opening it would create it empty)."""
    import os

    path = _sqlite_path(url)
    return None if path is None or os.path.exists(path) else os.path.abspath(path)


def sqlite_folder(url: str) -> str | None:
    """The path of a SQLite URL that names a directory (SQLite says only "unable to open database file")."""
    import os

    path = _sqlite_path(url)
    return os.path.abspath(path).rstrip("/") if path is not None and os.path.isdir(path) else None


def open_db(db: str | None, *, existing: bool = False, bulk: bool = False):  # type: ignore[no-untyped-def]
    """Open the store of ``--db``; with ``existing``, a SQLite file that is not there is an error rather
    than a new, empty database (a typo in the path would otherwise show no events and no error); ``bulk``
    as in ``open_store``."""
    from raqib.store import open_store

    url = db_url(db)
    folder = sqlite_folder(url)
    if folder is not None:
        fail(f"{url}: {folder} is a directory; name a database file in it, e.g. sqlite:///{folder}/raqib.db")
    path = missing_sqlite_file(url) if existing else None
    if path is not None:
        fail(f"{url}: no database at {path}; store reports first (`raqib ingest FILES --db {url}`) "
             "or check --db / RAQIB_DB")  # fmt: skip
    try:
        return open_store(url, bulk=bulk)
    except RaqibError as exc:
        fail(str(exc).replace(url, shown_url(url)))


def clip(text: str, width: int = 320) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"

