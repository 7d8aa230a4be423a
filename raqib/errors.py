"""Every error raqib raises on purpose. The library raises; only the CLI exits.

Each message names the bad value, what was expected and, where there is one, the fix.
"""

from __future__ import annotations


class RaqibError(Exception):
    """Base class: a problem with the user's input or setup, reported in one line."""


class InputError(RaqibError):
    """A document or file that cannot be read. ``origin`` names the file (and line) at fault."""

    def __init__(self, origin: str, problem: str) -> None:
        self.origin = origin
        self.problem = problem
        super().__init__(f"{origin}: {problem}")


class DataFileError(RaqibError):
    """A packaged or user-supplied data file (dictionary, rules, gazetteer) is malformed."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class StoreError(RaqibError):
    """The database cannot be opened or written."""


class UsageError(RaqibError):
    """A command-line option or API argument has a value raqib cannot use."""
