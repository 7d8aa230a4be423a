"""The actor dictionary and the outlet registry, read from versioned tab-separated data files.

The files live in ``raqib/data`` (or in the directory named by ``RAQIB_DATA_DIR``)::

    actors/actors.tsv        one row per actor id (ACLED-style name, interaction code, state or not)
    actors/aliases.tsv       press forms of the actors' names, by country and period
    actors/affiliations.tsv  which actor is part of, fights for or is backed by which, and when
    outlets.tsv              news outlets and agencies, with the actor each one speaks for

Every file starts with ``#`` header lines (what it is, ``version:``, provenance, the columns),
then one row of column names, then the rows. Nothing is read at import time:
``load_actor_book()`` reads and checks the files and raises ``DataFileError`` naming the file
and line of the first bad row.

Alias keys are ``normalize.bare`` of the alias, so they compare equal to the token stems of
``segment.tokens`` whatever the article, proclitics, hamza or ta marbuta.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

from raqib.errors import DataFileError
from raqib.normalize import bare

#: Environment variable naming a directory that holds ``actors/`` and ``outlets.tsv``.
ENV_DATA_DIR = "RAQIB_DATA_DIR"

#: The column names of each file, in order.
ACTOR_COLUMNS = ("id", "name_en", "inter", "state", "countries", "description")
ALIAS_COLUMNS = ("alias", "actor", "countries", "valid_from", "valid_to", "kind", "note")
AFFILIATION_COLUMNS = ("actor", "member_of", "valid_from", "valid_to", "note")
OUTLET_COLUMNS = ("name", "aliases", "domain", "affiliation", "country", "note")

#: What an alias does: names the actor outright, refers back to it or names it only in
#: context, or names a unit or sub-group folded into it.
ALIAS_KINDS = frozenset({"name", "generic", "member"})

#: ACLED interaction codes: 1 state forces, 2 rebel groups, 3 political militias, 4 identity
#: militias, 5 rioters, 6 protesters, 7 civilians, 8 external/other forces.
INTER_CODES = range(1, 9)

_ID = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")
_COUNTRY = re.compile(r"[A-Z]{2}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_VERSION = re.compile(r"#\s*version\s*:\s*(\S+)", re.IGNORECASE)
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]")
# Separators inside a compound outlet string such as "Arabi21 (عربي21), citing the SOHR".
_OUTLET_PARTS = re.compile(r"[()،,;]|\s/\s|\s(?:via|citing|on|from)\s", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ActorInfo:
    """One actor id of ``actors.tsv``."""

    id: str
    """Canonical id (SDF, ISIS, SYR-GOV ...)."""
    name_en: str
    """Display name in ACLED's style ("SDF: Syrian Democratic Forces")."""
    inter: int
    """ACLED interaction code, 1-8."""
    state: bool
    """Whether a takeover by this actor counts as "Government regains territory"."""
    countries: frozenset[str]
    """ISO 3166 alpha-2 codes of the countries where it operates."""
    description: str = ""
    """What the id covers."""


@dataclass(frozen=True, slots=True)
class Alias:
    """One press form of an actor's name (a row of ``aliases.tsv``)."""

    text: str
    """The alias as written in the press, without a leading و/ب/ل."""
    key: str
    """``normalize.bare(text)``: words without article or proclitics, spelling variants folded."""
    actor: str
    """The actor id it names."""
    countries: frozenset[str]
    """Reports about these countries only; empty for any country."""
    valid_from: dt.date | None
    """First day on which the alias names this actor (inclusive); None for always."""
    valid_to: dt.date | None
    """Last day on which the alias names this actor (inclusive); None for still."""
    kind: str
    """``name``, ``generic`` or ``member`` (see ``ALIAS_KINDS``)."""
    note: str = ""
    """Why, and where the alias may mislead."""

    @property
    def words(self) -> tuple[str, ...]:
        """The words of ``key``: the look-up form of ``ActorBook.alias_index``."""
        return tuple(self.key.split())

    def applies(self, country: str | None = None, day: dt.date | None = None) -> bool:
        """Whether the alias names its actor in a report about ``country`` on ``day``.

        An unknown country or day places no constraint.
        """
        if self.countries and country is not None and country not in self.countries:
            return False
        if day is not None:
            if self.valid_from is not None and day < self.valid_from:
                return False
            if self.valid_to is not None and day > self.valid_to:
                return False
        return True


@dataclass(frozen=True, slots=True)
class Affiliation:
    """A row of ``affiliations.tsv``: ``actor`` is part of, fights for or is backed by ``member_of``."""

    actor: str
    member_of: str
    valid_from: dt.date | None
    """First day (inclusive); None for always."""
    valid_to: dt.date | None
    """Last day (inclusive); None for still."""
    note: str = ""
    """Which relation ("part of", "fights for", "backed by") and the source of the dates."""

    def applies(self, day: dt.date | None = None) -> bool:
        """Whether the affiliation holds on ``day`` (an unknown day places no constraint)."""
        if day is None:
            return True
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True, slots=True)
class Outlet:
    """A news outlet or agency of ``outlets.tsv``."""

    name: str
    """Arabic name (or the Latin one where no Arabic name is in use)."""
    aliases: tuple[str, ...]
    """Other names, Arabic and Latin, and extra web domains."""
    domain: str | None
    """Main web domain, without scheme or ``www.``."""
    affiliation: str | None
    """The actor id it is run by or speaks for; None for independent outlets and monitors."""
    country: str | None
    """ISO code of the country it is based in."""
    note: str = ""


@dataclass(frozen=True)
class ActorBook:
    """The loaded actor dictionary and outlet registry (see ``load_actor_book``)."""

    actors: Mapping[str, ActorInfo]
    """Actor id → its row, in file order."""
    aliases: tuple[Alias, ...]
    """All aliases, in file order (where one alias names several actors, the first is the default)."""
    affiliations: tuple[Affiliation, ...]
    outlets: tuple[Outlet, ...]
    versions: Mapping[str, str] = field(default_factory=dict)
    """File name → the ``version:`` of its header."""
    _index: Mapping[tuple[str, ...], tuple[Alias, ...]] = field(init=False, repr=False, compare=False)
    _outlet_names: Mapping[str, Outlet] = field(init=False, repr=False, compare=False)
    _outlet_hosts: Mapping[str, Outlet] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[tuple[str, ...], list[Alias]] = {}
        for alias in self.aliases:
            index.setdefault(alias.words, []).append(alias)
        object.__setattr__(self, "_index", MappingProxyType({k: tuple(v) for k, v in index.items()}))
        names: dict[str, Outlet] = {}
        hosts: dict[str, Outlet] = {}
        for outlet in self.outlets:
            for label in (outlet.name, *outlet.aliases):
                if _DOMAIN.fullmatch(label.lower()):
                    hosts.setdefault(label.lower(), outlet)
                names.setdefault(bare(label), outlet)
            if outlet.domain:
                hosts.setdefault(outlet.domain, outlet)
        object.__setattr__(self, "_outlet_names", MappingProxyType(names))
        object.__setattr__(self, "_outlet_hosts", MappingProxyType(hosts))

    def alias_index(self) -> dict[tuple[str, ...], tuple[Alias, ...]]:
        """Aliases keyed by the words of their key, for look-ups of token-stem n-grams.

        The value keeps file order, so its first alias is the default reading of the words.
        """
        return dict(self._index)

    def affiliations_of(self, actor: str, day: dt.date | None = None) -> tuple[Affiliation, ...]:
        """The affiliations of ``actor`` that hold on ``day``."""
        return tuple(a for a in self.affiliations if a.actor == actor and a.applies(day))

    def outlet_for(self, name_or_domain: str) -> Outlet | None:
        """The outlet named, or whose site is, ``name_or_domain``; None when unknown.

        Accepts a name or alias in any spelling variant ("الأناضول", "Anadolu"), a domain or URL
        ("https://www.syriahr.com/..."), or a compound source line such as
        "SMART News Agency (سمارت), republished by Micro Syria", whose first known part wins.
        """
        text = name_or_domain.strip()
        if not text:
            return None
        found = self._outlet_by_host(text) or self._outlet_names.get(bare(text))
        if found is not None:
            return found
        for part in _OUTLET_PARTS.split(text):
            part = part.strip()
            if part and part != text:
                found = self._outlet_by_host(part) or self._outlet_names.get(bare(part))
                if found is not None:
                    return found
        return None

    def _outlet_by_host(self, text: str) -> Outlet | None:
        host = _host(text)
        while host:
            if host in self._outlet_hosts:
                return self._outlet_hosts[host]
            _, _, host = host.partition(".")
            if "." not in host:
                return None
        return None


def load_actor_book(data_dir: Traversable | Path | str | None = None) -> ActorBook:
    """Read and check the actor files and the outlet registry.

    ``data_dir`` is a directory holding ``actors/`` and ``outlets.tsv`` (like ``RAQIB_DATA_DIR``)
    or the ``actors`` directory itself (``outlets.tsv`` is then looked for beside it, then one
    level up). Without it: ``$RAQIB_DATA_DIR`` when set, else the packaged ``raqib/data``.
    """
    if data_dir is None:
        env = os.environ.get(ENV_DATA_DIR)
        data_dir = Path(env) if env else resources.files("raqib") / "data"
    elif isinstance(data_dir, str):
        data_dir = Path(data_dir)
    actors_dir, outlets_file = _locate(data_dir)
    versions: dict[str, str] = {}

    actors: dict[str, ActorInfo] = {}
    path = actors_dir / "actors.tsv"
    for origin, row in _rows(path, ACTOR_COLUMNS, versions):
        info = _actor(origin, row)
        if info.id in actors:
            raise DataFileError(origin[0], f"line {origin[1]}: actor id {info.id!r} is defined twice")
        actors[info.id] = info

    aliases: list[Alias] = []
    seen: set[tuple] = set()
    for origin, row in _rows(actors_dir / "aliases.tsv", ALIAS_COLUMNS, versions):
        alias = _alias(origin, row, actors)
        ident = (alias.key, alias.actor, alias.countries, alias.valid_from, alias.valid_to)
        if ident in seen:
            raise DataFileError(
                origin[0],
                f"line {origin[1]}: alias {alias.text!r} → {alias.actor} repeats an earlier row "
                f"(same key {alias.key!r}, countries and validity)",
            )
        seen.add(ident)
        aliases.append(alias)

    affiliations = [
        _affiliation(origin, row, actors)
        for origin, row in _rows(actors_dir / "affiliations.tsv", AFFILIATION_COLUMNS, versions)
    ]
    outlets = [_outlet(origin, row, actors) for origin, row in _rows(outlets_file, OUTLET_COLUMNS, versions)]
    return ActorBook(
        actors=MappingProxyType(actors),
        aliases=tuple(aliases),
        affiliations=tuple(affiliations),
        outlets=tuple(outlets),
        versions=MappingProxyType(versions),
    )


def _locate(data_dir: Traversable | Path) -> tuple[Traversable | Path, Traversable | Path]:
    """(actors directory, outlets file) for a data root or an actors directory."""
    if (data_dir / "actors.tsv").is_file():
        outlets = data_dir / "outlets.tsv"
        if not outlets.is_file() and isinstance(data_dir, Path):
            outlets = data_dir.parent / "outlets.tsv"
        return data_dir, outlets
    return data_dir / "actors", data_dir / "outlets.tsv"


Origin = tuple[str, int]


def _rows(
    path: Traversable | Path, columns: tuple[str, ...], versions: dict[str, str]
) -> Iterator[tuple[Origin, dict[str, str]]]:
    """The data rows of a TSV file as dicts, each with its (file, line) origin."""
    name = str(path)
    if not path.is_file():
        raise DataFileError(
            name, "file not found; expected a tab-separated file with columns " + ", ".join(columns)
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(name, f"cannot read as UTF-8 text ({exc})") from exc
    header: list[str] | None = None
    version = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            if header is None and (m := _VERSION.match(line)):
                version = m.group(1)
            continue
        cells = line.split("\t")
        if header is None:
            if version is None:
                raise DataFileError(name, f"line {number}: no '# version: ...' line before the column names")
            header = [c.strip() for c in cells]
            if tuple(header) != columns:
                raise DataFileError(
                    name,
                    f"line {number}: columns are {', '.join(header)}; expected {', '.join(columns)} (tab-separated)",
                )
            versions[path.name] = version
            continue
        if len(cells) != len(columns):
            raise DataFileError(
                name,
                f"line {number}: {len(cells)} tab-separated fields, expected {len(columns)} ({', '.join(columns)})",
            )
        yield (name, number), {c: v.strip() for c, v in zip(columns, cells, strict=True)}
    if header is None:
        raise DataFileError(name, "no header row of column names (" + ", ".join(columns) + ")")


def _fail(origin: Origin, problem: str) -> DataFileError:
    return DataFileError(origin[0], f"line {origin[1]}: {problem}")


def _countries(origin: Origin, value: str) -> frozenset[str]:
    codes = [c.strip() for c in value.split("|")] if value else []
    for code in codes:
        if not _COUNTRY.fullmatch(code):
            raise _fail(
                origin,
                f"country {code!r} is not an ISO 3166 alpha-2 code such as SY (separate several with |)",
            )
    return frozenset(codes)


def _date(origin: Origin, column: str, value: str) -> dt.date | None:
    if not value:
        return None
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(origin, f"{column} {value!r} is not an ISO date YYYY-MM-DD") from None


def _period(origin: Origin, row: dict[str, str]) -> tuple[dt.date | None, dt.date | None]:
    start = _date(origin, "valid_from", row["valid_from"])
    end = _date(origin, "valid_to", row["valid_to"])
    if start and end and end < start:
        raise _fail(origin, f"valid_to {end} is before valid_from {start}")
    return start, end


def _known(origin: Origin, column: str, value: str, actors: Mapping[str, ActorInfo]) -> str:
    if value not in actors:
        raise _fail(origin, f"{column} {value!r} is not an actor id of actors.tsv")
    return value


def _actor(origin: Origin, row: dict[str, str]) -> ActorInfo:
    if not _ID.fullmatch(row["id"]):
        raise _fail(origin, f"id {row['id']!r} must be upper-case letters, digits and hyphens (e.g. SYR-GOV)")
    if not row["name_en"]:
        raise _fail(origin, "name_en is empty")
    try:
        inter = int(row["inter"])
    except ValueError:
        inter = 0
    if inter not in INTER_CODES:
        raise _fail(origin, f"inter {row['inter']!r} is not an ACLED interaction code 1-8")
    if row["state"] not in ("yes", "no"):
        raise _fail(origin, f"state {row['state']!r} must be yes or no")
    return ActorInfo(
        id=row["id"],
        name_en=row["name_en"],
        inter=inter,
        state=row["state"] == "yes",
        countries=_countries(origin, row["countries"]),
        description=row["description"],
    )


def _alias(origin: Origin, row: dict[str, str], actors: Mapping[str, ActorInfo]) -> Alias:
    text = row["alias"]
    key = bare(text)
    if not key:
        raise _fail(origin, f"alias {text!r} has no letters to match")
    if row["kind"] not in ALIAS_KINDS:
        raise _fail(origin, f"kind {row['kind']!r} is not one of {', '.join(sorted(ALIAS_KINDS))}")
    start, end = _period(origin, row)
    return Alias(
        text=text,
        key=key,
        actor=_known(origin, "actor", row["actor"], actors),
        countries=_countries(origin, row["countries"]),
        valid_from=start,
        valid_to=end,
        kind=row["kind"],
        note=row["note"],
    )


def _affiliation(origin: Origin, row: dict[str, str], actors: Mapping[str, ActorInfo]) -> Affiliation:
    actor = _known(origin, "actor", row["actor"], actors)
    member_of = _known(origin, "member_of", row["member_of"], actors)
    if actor == member_of:
        raise _fail(origin, f"{actor} cannot be affiliated with itself")
    start, end = _period(origin, row)
    return Affiliation(actor=actor, member_of=member_of, valid_from=start, valid_to=end, note=row["note"])


def _outlet(origin: Origin, row: dict[str, str], actors: Mapping[str, ActorInfo]) -> Outlet:
    if not row["name"] or not bare(row["name"]):
        raise _fail(origin, "name is empty")
    domain = row["domain"].lower() or None
    if domain is not None and not _DOMAIN.fullmatch(domain):
        raise _fail(origin, f"domain {row['domain']!r} is not a bare host name such as syriahr.com")
    affiliation = _known(origin, "affiliation", row["affiliation"], actors) if row["affiliation"] else None
    country = row["country"] or None
    if country is not None and not _COUNTRY.fullmatch(country):
        raise _fail(origin, f"country {country!r} is not an ISO 3166 alpha-2 code")
    aliases = tuple(a.strip() for a in row["aliases"].split("|") if a.strip())
    return Outlet(
        name=row["name"],
        aliases=aliases,
        domain=domain,
        affiliation=affiliation,
        country=country,
        note=row["note"],
    )


def _host(text: str) -> str | None:
    """The lower-case host name of a URL or bare domain, without ``www.``; None for other text."""
    text = text.strip().lower()
    if "://" in text:
        host = urlsplit(text).hostname or ""
    elif _DOMAIN.fullmatch(text.split("/", 1)[0]):
        host = text.split("/", 1)[0]
    else:
        return None
    host = host.removeprefix("www.")
    return host if _DOMAIN.fullmatch(host) else None
