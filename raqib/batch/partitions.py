"""Partitions of a batch: ranges of lines of a JSON Lines file, ranges of records of a WARC file, groups
of other files; each with a key that changes when its bytes, its place in the file or the rule set and
gazetteer change, and read exactly as ``raqib.ingest`` reads the whole file (same documents, same origins).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, BinaryIO

from raqib.errors import InputError, UsageError
from raqib.model import Document

#: Bumped when the meaning of a partition (how the input is split or read) changes.
PARTITION_FORMAT = "raqib-batch/1"
DEFAULT_PARTITION_SIZE = 1000


@dataclass(frozen=True)
class Partition:
    """A slice of the input that one Dask task extracts."""

    kind: str
    """``jsonl`` (a range of lines), ``warc`` (a range of records) or ``files`` (whole files)."""
    name: str
    """How errors and progress name it: ``reports.jsonl:1-1000``, ``crawl.warc.gz@0-81234``, ``dir/a.html … (10 files)``."""
    key: str
    """Identity in ``batch_partitions``: sha256 of kind, path, range, content digest and versions."""
    digest: str
    """sha256 of the bytes the partition covers (of each file's path and bytes for ``files``)."""
    path: str = ""
    """The JSON Lines or WARC file, as given (origins name it so)."""
    start: int = 0
    """First byte of the range (``jsonl``, ``warc``)."""
    end: int = 0
    """Byte after the range (``jsonl``, ``warc``)."""
    first_line: int = 1
    """Line number of the range's first line (``jsonl``)."""
    files: tuple[str, ...] = ()
    """The files of a ``files`` partition, read with ``raqib.ingest.read_sources``."""
    size: int = 0
    """Documents expected: non-blank lines, HTML-bearing records or files."""
    root: str = ""
    """The client's working directory: relative paths are read from there (a worker's may differ),
    and errors still name them as given."""

    def file(self, path: str) -> str:
        """Where a worker opens ``path``."""
        return os.path.join(self.root, path) if self.root else path


def _key(kind: str, paths: Sequence[str], start: int, end: int, digest: str, versions: dict[str, str]) -> str:
    ident = [PARTITION_FORMAT, kind, [os.path.abspath(p) for p in paths], start, end, digest,
             versions.get("rules"), versions.get("gazetteer")]  # fmt: skip
    return hashlib.sha256(json.dumps(ident).encode("utf-8")).hexdigest()


def plan(
    sources: Sequence[str], versions: dict[str, str], partition_size: int = DEFAULT_PARTITION_SIZE
) -> tuple[list[Partition], list[InputError]]:
    """The partitions of ``sources`` (files and directories, in order; directories walked as
    ``raqib ingest`` walks them), and the sources that cannot be read at all."""
    from raqib.ingest import _kind_from_name, _walk

    if partition_size < 1:
        raise UsageError(f"partition size {partition_size}: must be at least 1")
    parts: list[Partition] = []
    problems: list[InputError] = []
    group: list[str] = []

    def flush() -> None:
        for i in range(0, len(group), partition_size):
            parts.append(_files_partition(group[i : i + partition_size], versions))
        group.clear()

    for src in sources:
        if src == "-":
            raise UsageError("raqib batch reads files and directories, not stdin; use `raqib ingest -` for a stream")
        if os.path.isdir(src):
            files = [(f, _kind_from_name(f)) for f in _walk(src)]
        elif os.path.exists(src):
            files = [(src, _kind_from_name(src))]
        else:
            problems.append(InputError(src, "no such file or directory"))
            continue
        for path, kind in files:
            ranges = None
            if kind == "jsonl":
                ranges = _jsonl_partitions(path, partition_size, versions)
            elif kind == "warc":
                ranges = _warc_partitions(path, partition_size, versions)
            if ranges is None:  # anything else, or a file that cannot be split: read whole
                group.append(path)
                continue
            flush()
            parts.extend(ranges)
    flush()
    unique: dict[str, Partition] = {}
    cwd = os.getcwd()
    for p in parts:
        unique.setdefault(p.key, replace(p, root=cwd))  # the same file named twice is extracted once
    return list(unique.values()), problems


def _files_partition(files: Sequence[str], versions: dict[str, str]) -> Partition:
    h = hashlib.sha256()
    for f in files:
        h.update(f.encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(f, "rb") as fh:
                h.update(hashlib.file_digest(fh, "sha256").digest())
        except OSError as exc:  # read_sources reports it; the key still differs from a readable file's
            h.update(f"unreadable: {exc}".encode())
    digest = h.hexdigest()
    name = files[0] if len(files) == 1 else f"{files[0]} … {files[-1]} ({len(files)} files)"
    return Partition("files", name, _key("files", files, 0, 0, digest, versions), digest,
                     files=tuple(files), size=len(files))  # fmt: skip


def _jsonl_partitions(path: str, size: int, versions: dict[str, str]) -> list[Partition] | None:
    """Ranges of ``size`` non-blank lines; None for a file the line reader cannot split (UTF-16, binary,
    empty, unreadable), which is then read whole and reported as ``raqib ingest`` reports it."""
    out: list[Partition] = []
    try:
        with open(path, "rb") as fh:
            head = fh.read(8192)
            if b"\x00" in head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                return None
            fh.seek(0)
            offset = start = count = lineno = 0
            first = 1
            h = hashlib.sha256()
            for raw in fh:
                lineno += 1
                blank = not (raw.removeprefix(codecs.BOM_UTF8) if lineno == 1 else raw).strip()
                if count == size and not blank:
                    out.append(_jsonl_partition(path, start, offset, first, lineno - 1, count, h, versions))
                    start, first, count, h = offset, lineno, 0, hashlib.sha256()
                h.update(raw)
                offset += len(raw)
                count += not blank
    except OSError:
        return None
    if count:
        out.append(_jsonl_partition(path, start, offset, first, lineno, count, h, versions))
    return out or None


def _jsonl_partition(path: str, start: int, end: int, first: int, last: int, count: int, h: Any,
                     versions: dict[str, str]) -> Partition:  # fmt: skip
    digest = h.hexdigest()
    return Partition("jsonl", f"{path}:{first}-{last}", _key("jsonl", [path], start, end, digest, versions), digest,
                     path=path, start=start, end=end, first_line=first, size=count)  # fmt: skip


def _warc_partitions(path: str, size: int, versions: dict[str, str]) -> list[Partition] | None:
    """Ranges of whole records holding at most ``size`` responses/resources each; None when the file
    cannot be split at record boundaries (not a WARC, one gzip stream for the whole file, damaged)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    starts, counts = [0], [0]
    try:
        with open(path, "rb") as fh:
            gzipped = fh.read(2) == b"\x1f\x8b"
            fh.seek(0)
            records = ArchiveIterator(fh)
            for record in records:
                if record.format != "warc":
                    return None
                doc = record.rec_type in ("response", "resource")
                offset = records.get_record_offset()
                if doc and counts[-1] == size:
                    starts.append(offset)
                    counts.append(0)
                counts[-1] += doc
            if not counts[-1]:
                return None  # no record that can hold a report: read whole, as ingest would
            # Every cut must be where a record (and, compressed, a gzip member) begins.
            magic = b"\x1f\x8b" if gzipped else b"WARC/"
            for cut in starts[1:]:
                fh.seek(cut)
                if fh.read(len(magic)) != magic:
                    return None
            total = os.path.getsize(path)
            out = []
            for i, (start, count) in enumerate(zip(starts, counts, strict=True)):
                end = starts[i + 1] if i + 1 < len(starts) else total
                fh.seek(start)
                digest = hashlib.sha256(fh.read(end - start)).hexdigest()
                out.append(Partition("warc", f"{path}@{start}-{end}", _key("warc", [path], start, end, digest, versions),
                                     digest, path=path, start=start, end=end, size=count))  # fmt: skip
    except (ArchiveLoadFailed, OSError, ValueError, EOFError):
        return None
    return out


class _Window(io.RawIOBase):
    """Bytes ``start``..``end`` of a file whose ``tell()`` is the file's offset, so that warcio
    names records by their offsets in the whole file (``file@offset``, as ``raqib ingest`` does)."""

    def __init__(self, fh: BinaryIO, start: int, end: int) -> None:
        fh.seek(start)
        self._fh, self._pos, self._end = fh, start, end

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def read(self, size: int | None = -1) -> bytes:
        left = self._end - self._pos
        data = self._fh.read(left if size is None or size < 0 else min(size, left))
        self._pos += len(data)
        return data


def read_partition(part: Partition) -> Iterator[Document | InputError]:
    """The documents of a partition, with the origins ``raqib ingest`` gives them; bad ones as
    ``InputError`` items. Raises ``InputError`` when the file changed since it was planned."""
    from raqib.ingest import read_sources

    if part.kind == "files":
        for path in part.files:
            where = part.file(path)
            for item in read_sources([where]):
                if where == path or not item.origin or not item.origin.startswith(where):
                    yield item
                elif isinstance(item, InputError):
                    yield InputError(path + item.origin[len(where) :], item.problem)
                else:
                    yield replace(item, origin=path + item.origin[len(where) :])
        return
    if part.kind == "warc":
        from raqib.ingest.feeds import _read_warc

        with open(part.file(part.path), "rb") as fh:
            fh.seek(part.start)
            if hashlib.sha256(fh.read(part.end - part.start)).hexdigest() != part.digest:
                raise InputError(part.name, "the file changed since the batch was planned; run the batch again")
            yield from _read_warc(_Window(fh, part.start, part.end), part.path)  # type: ignore[arg-type]
        return
    yield from _jsonl_range(part)


def _jsonl_range(part: Partition) -> Iterator[Document | InputError]:
    """Lines of a JSON Lines range, read exactly as ``raqib.ingest`` reads a JSON Lines file."""
    from raqib.ingest import _json_line, decode_bytes

    with open(part.file(part.path), "rb") as fh:
        fh.seek(part.start)
        data = fh.read(part.end - part.start)
    if hashlib.sha256(data).hexdigest() != part.digest:
        raise InputError(part.name, "the file changed since the batch was planned; run the batch again")
    for lineno, raw in enumerate(io.BytesIO(data), part.first_line):
        if lineno == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if not raw.strip():
            continue
        origin = f"{part.path}:{lineno}"
        try:
            line = decode_bytes(raw, origin)
        except InputError as err:
            yield err
            continue
        yield _json_line(line, origin)

