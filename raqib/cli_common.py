"""What every command module shares: the error console, the --db option and sources argument, failing
with a message, loading resources, opening the store, progress bars."""

from __future__ import annotations

from typing import Annotated

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


def fail(message: str, code: int = 2) -> None:
    err.print(f"raqib: error: {message}", markup=False)
    raise typer.Exit(code)


def load():  # type: ignore[no-untyped-def]
    from raqib.resources import load_resources

    try:
        return load_resources()
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


def open_db(db: str | None):  # type: ignore[no-untyped-def]
    from raqib.store import open_store, resolve_url

    try:
        return open_store(resolve_url(db))
    except RaqibError as exc:
        fail(str(exc))


def clip(text: str, width: int = 320) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"

