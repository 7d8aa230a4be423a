"""Large runs on a Dask cluster: split the input into partitions, extract them on worker processes,
store the results from the client side, one transaction per partition.

- ``plan`` splits the sources: a JSON Lines file into ranges of lines, a WARC file into ranges of
  records, other files (HTML, text, JSON, feeds, in directories or named) into groups of files.
  Each partition has a key: sha256 of its kind, path, byte range, the bytes themselves and the
  versions of the rule set and the gazetteer, so a changed file or a new rule set is extracted again.
- ``ResourcesPlugin`` loads the resources (gazetteer, dictionaries, rules) once in every worker
  process when it joins, not once per task; ``extract_partition`` is the task.
- ``run_batch`` submits the partitions (a bounded window of them, so finished results do not pile
  up on the workers), stores each finished partition with ``Store.save_many`` and records it in the
  ``batch_partitions`` table. Partitions recorded as done are skipped when the batch runs again; a
  partition whose task raises is retried (Dask ``retries``) and, if it still fails, reported by
  name with its error. A bad document never stops its partition: it is an error naming its input
  (``file:line``, ``file@offset``), as in ``raqib ingest``, also kept with ``Store.note_problem``.
- ``cluster_stored`` runs the cross-report step after a batch: events of one happening in several
  stored reports get one cluster id (the rules of ``raqib.dedup``), computed with blocking so it
  scales past the all-pairs comparison of ``raqib.dedup.assign_clusters``.

Documents are stored in the order their partitions finish. When one document id appears in two
partitions with different texts, the one stored last becomes the current version (``raqib ingest``
stores them in input order).
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import io
import json
import logging
import math
import os
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, BinaryIO, cast

from distributed import WorkerPlugin

from raqib.errors import InputError, RaqibError, StoreError, UsageError
from raqib.model import Document

#: Bumped when the meaning of a partition (how the input is split or read) changes.
PARTITION_FORMAT = "raqib-batch/1"
DEFAULT_PARTITION_SIZE = 250
DEFAULT_RETRIES = 2
#: Topic of the Dask events a failing task logs before it raises (how attempts are counted).
FAILURE_TOPIC = "raqib-batch-failure"

Pair = tuple[Document, dict[str, Any]]


# --------------------------------------------------------------------------------------------
# Partitions


@dataclass(frozen=True)
class Partition:
    """A slice of the input that one Dask task extracts."""

    kind: str
    """``jsonl`` (a range of lines), ``warc`` (a range of records) or ``files`` (whole files)."""
    name: str
    """How errors and progress name it: ``reports.jsonl:1-250``, ``crawl.warc.gz@0-81234``, ``dir/a.html … (10 files)``."""
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


# --------------------------------------------------------------------------------------------
# Worker side


class ResourcesPlugin(WorkerPlugin):
    """Loads the resources once when a worker starts (or joins later), for every task it runs."""

    name = "raqib-resources"
    #: A second batch on the same cluster keeps the loaded resources instead of loading them again.
    idempotent = True

    def setup(self, worker: Any) -> None:
        from raqib.resources import load_resources

        t0 = time.perf_counter()
        self.res = load_resources()
        self.load_seconds = time.perf_counter() - t0
        self.token = uuid.uuid4().hex
        """Names this load: tasks report it, so a test can see how often a process loaded."""


@dataclass(frozen=True)
class WorkerInfo:
    """Where a partition ran and which load of the resources it used."""

    pid: int
    """The worker process."""
    host: str
    """The worker's host name."""
    resources_token: str
    """Unique per ``load_resources()`` call; the same in every task of one worker process."""
    load_seconds: float
    """How long that load took."""


@dataclass(frozen=True)
class PartitionResult:
    """What a task returns to the client."""

    key: str
    """The partition's key."""
    pairs: tuple[Pair, ...]
    """(document, record) of every document extracted."""
    problems: tuple[tuple[str, str], ...]
    """(origin, problem) of every document refused."""
    versions: dict[str, str]
    """Rule set and gazetteer versions of the worker's resources."""
    worker: WorkerInfo
    """Where it ran."""
    seconds: float
    """Time spent reading and extracting."""


def run_partition(part: Partition, res: Any, worker: WorkerInfo | None = None) -> PartitionResult:
    """Extract every document of ``part`` with ``res``. A document that fails is a problem naming
    its input; it never stops the partition."""
    from raqib.pipeline import process

    t0 = time.perf_counter()
    pairs: list[Pair] = []
    problems: list[tuple[str, str]] = []
    for item in read_partition(part):
        if isinstance(item, InputError):
            problems.append((item.origin, item.problem))
            continue
        try:
            pairs.append((item, process(item, res)))
        except RaqibError as exc:
            problems.append((item.origin or item.id, str(exc)))
        except Exception as exc:  # noqa: BLE001 - one odd document must not cost the partition's others
            problems.append((item.origin or item.id, f"extraction failed: {type(exc).__name__}: {exc}"))
    info = worker or WorkerInfo(os.getpid(), os.uname().nodename, "in-process", 0.0)
    return PartitionResult(part.key, tuple(pairs), tuple(problems), dict(res.versions), info,
                           time.perf_counter() - t0)  # fmt: skip


def extract_partition(part: Partition) -> PartitionResult:
    """The Dask task: ``run_partition`` with the resources ``ResourcesPlugin`` loaded in this worker."""
    from distributed import get_worker

    worker = get_worker()
    plugin = cast("ResourcesPlugin | None", worker.plugins.get(ResourcesPlugin.name))
    if plugin is None:
        raise RuntimeError("the raqib resources are not loaded on this worker (ResourcesPlugin not registered)")
    info = WorkerInfo(os.getpid(), os.uname().nodename, plugin.token, plugin.load_seconds)
    return run_partition(part, plugin.res, info)


def _attempt(part: Partition, task: Callable[[Partition], PartitionResult], tag: str) -> PartitionResult:
    """Runs ``task``; a failure is logged to the scheduler (under the Dask key ``tag``) before it is
    raised, so the client can count the attempts and name their errors."""
    try:
        return task(part)
    except Exception as exc:
        from distributed import get_worker

        get_worker().log_event(FAILURE_TOPIC, {"task": tag, "error": f"{type(exc).__name__}: {exc}"})
        raise


# --------------------------------------------------------------------------------------------
# Client side


@dataclass(frozen=True)
class PartitionOutcome:
    """One partition of a batch, as the client saw it."""

    name: str
    """The partition's name."""
    key: str
    """Its key in ``batch_partitions``."""
    status: str
    """``done``, ``skipped`` (done by an earlier run) or ``failed``."""
    attempts: int
    """Task runs in this batch (0 when skipped)."""
    documents: int
    """Documents stored."""
    events: int
    """Events extracted."""
    problems: tuple[str, ...]
    """``origin: problem`` of every refused document (for a skipped partition: as recorded then)."""
    error: str | None = None
    """Why the partition failed (after its retries)."""
    retried_after: tuple[str, ...] = ()
    """Errors of the attempts that failed before the last one."""
    worker: WorkerInfo | None = None
    """Where it ran."""


@dataclass
class BatchReport:
    """The outcome of ``run_batch``."""

    outcomes: list[PartitionOutcome] = field(default_factory=list)
    """Every partition, in the order they finished (skipped ones first)."""
    seconds: float = 0.0
    """Wall-clock time of the whole run."""
    startup_seconds: float = 0.0
    """Of which: reading the bookkeeping and starting (or reaching) the cluster."""

    @property
    def documents(self) -> int:
        return sum(o.documents for o in self.outcomes if o.status == "done")

    @property
    def events(self) -> int:
        return sum(o.events for o in self.outcomes if o.status == "done")

    @property
    def errors(self) -> int:
        """Refused documents and failed partitions: the run exits 1 when this is not 0."""
        return sum(len(o.problems) for o in self.outcomes) + sum(o.status == "failed" for o in self.outcomes)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def partition_states(store: Any, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The ``batch_partitions`` rows of these keys."""
    from sqlalchemy import select

    from raqib.store.tables import batch_partitions as bp

    out: dict[str, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        for i in range(0, len(keys), 500):
            for row in conn.execute(select(bp).where(bp.c.key.in_(keys[i : i + 500]))).mappings():
                out[row["key"]] = dict(row)
    return out


def _record(store: Any, key: str, status: str, attempts: int, documents: int, events: int, error: str | None) -> None:
    from sqlalchemy import delete
    from sqlalchemy.exc import SQLAlchemyError

    from raqib.store.tables import batch_partitions as bp

    try:
        with store.engine.begin() as conn:
            conn.execute(delete(bp).where(bp.c.key == key))
            conn.execute(bp.insert().values(key=key, status=status, attempts=attempts, documents=documents,
                                            events=events, error=error, updated=_now()))  # fmt: skip
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot record batch partition {key[:12]}: {type(exc).__name__}: {exc}") from exc


def _save(store: Any, pairs: Sequence[Pair], versions: dict[str, str]) -> tuple[int, list[tuple[str, str]]]:
    """Store a partition's documents in one transaction; if that fails, one by one to name the
    documents at fault. (documents stored, problems)."""
    if not pairs:
        return 0, []
    try:
        store.save_many(pairs, versions)
        return len(pairs), []
    except StoreError:
        pass
    stored, problems = 0, []
    for doc, record in pairs:
        try:
            store.save(doc, record, versions)
            stored += 1
        except StoreError as exc:
            problems.append((doc.origin or doc.id, str(exc)))
    return stored, problems


def run_batch(
    store: Any,
    partitions: Sequence[Partition],
    versions: dict[str, str],
    connect: Callable[[], AbstractContextManager[Any]],
    *,
    retries: int = DEFAULT_RETRIES,
    task: Callable[[Partition], PartitionResult] = extract_partition,
    on_outcome: Callable[[PartitionOutcome], None] | None = None,
    window: int | None = None,
) -> BatchReport:
    """Extract ``partitions`` on a Dask cluster and store them; see the module text.

    ``connect()`` gives the Dask client (``dask_client``); it is called only when some partition
    is not done yet, so a finished batch run again starts no cluster. ``task`` runs on a worker
    (``extract_partition`` unless a test wants another); ``on_outcome`` is called on the client for
    every partition as it is skipped, stored or given up on; at most ``window`` partitions (default:
    twice the workers' threads) are queued or held at a time."""
    t0 = time.perf_counter()
    report = BatchReport()

    def finish(outcome: PartitionOutcome) -> None:
        report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    states = partition_states(store, [p.key for p in partitions])
    todo = []
    for p in partitions:
        st = states.get(p.key)
        if st is not None and st["status"] == "done":
            problems = tuple(st["error"].splitlines()) if st["error"] else ()
            finish(PartitionOutcome(p.name, p.key, "skipped", 0, st["documents"], st["events"], problems))
        else:
            todo.append(p)
    if not todo:
        report.seconds = time.perf_counter() - t0
        return report

    with connect() as client:
        client.register_plugin(ResourcesPlugin())  # returns once every worker has loaded the resources
        t1 = time.perf_counter()
        _run(store, client, todo, states, versions, retries, task, finish, window)
        report.startup_seconds = t1 - t0
    report.seconds = time.perf_counter() - t0
    return report


def _run(store: Any, client: Any, todo: Sequence[Partition], states: dict[str, dict[str, Any]],
         versions: dict[str, str], retries: int, task: Callable[[Partition], PartitionResult],
         finish: Callable[[PartitionOutcome], None], window: int | None) -> None:  # fmt: skip
    import distributed

    dist: Any = distributed  # not annotated for mypy --strict
    if window is None:
        window = max(2, 2 * sum(client.nthreads().values()))
    run_id = uuid.uuid4().hex[:8]
    pending = iter(todo)
    running: dict[Any, Partition] = {}
    futures = dist.as_completed()

    def submit() -> None:
        part = next(pending, None)
        if part is not None:
            key = f"raqib-batch-{part.key[:16]}-{run_id}"
            fut = client.submit(_attempt, part, task, key, key=key, retries=retries, pure=False)
            running[fut] = part
            futures.add(fut)

    for _ in range(window):
        submit()
    for fut in futures:
        part = running.pop(fut)
        submit()
        earlier = states.get(part.key, {}).get("attempts") or 0
        failures = tuple(m["error"] for _, m in client.get_events(FAILURE_TOPIC) if m.get("task") == fut.key)
        if fut.status != "finished":
            exc = fut.exception() if fut.status == "error" else None
            error = f"{type(exc).__name__}: {exc}" if exc is not None else f"task {fut.status}"
            attempts = max(len(failures), 1)
            _record(store, part.key, "failed", earlier + attempts, 0, 0, error)
            finish(PartitionOutcome(part.name, part.key, "failed", attempts, 0, 0, (), error, failures[:-1]))
            fut.release()
            continue
        result: PartitionResult = fut.result()
        fut.release()
        attempts = len(failures) + 1
        if result.versions != versions:
            error = (f"worker {result.worker.host} (pid {result.worker.pid}) extracts with rules "
                     f"{result.versions.get('rules')} and gazetteer {result.versions.get('gazetteer')}, this client "
                     f"with {versions.get('rules')} and {versions.get('gazetteer')}; install the same raqib and "
                     "data on every worker")  # fmt: skip
            _record(store, part.key, "failed", earlier + attempts, 0, 0, error)
            finish(PartitionOutcome(part.name, part.key, "failed", attempts, 0, 0, (), error, failures,
                                    result.worker))  # fmt: skip
            continue
        stored, store_problems = _save(store, result.pairs, versions)
        problems = [*result.problems, *store_problems]
        for origin, reason in problems:
            store.note_problem(origin, reason)
        refused = {o for o, _ in store_problems}
        events = sum(len(r["events"]) for d, r in result.pairs if (d.origin or d.id) not in refused)
        lines = tuple(f"{o}: {r}" for o, r in problems)
        _record(store, part.key, "done", earlier + attempts, stored, events, "\n".join(lines) or None)
        finish(PartitionOutcome(part.name, part.key, "done", attempts, stored, events, lines, None, failures,
                                result.worker))  # fmt: skip


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A Dask client: of the scheduler at ``scheduler`` (``tcp://HOST:PORT``), or of a local cluster
    of ``workers`` single-threaded worker processes (default: one per CPU), closed afterwards."""
    import distributed

    dist: Any = distributed  # not annotated for mypy --strict
    if scheduler is not None:
        try:
            client = dist.Client(scheduler)  # waits distributed.comm.timeouts.connect (Dask config, 30 s)
        except (OSError, TimeoutError) as exc:
            raise UsageError(
                f"cannot reach the Dask scheduler at {scheduler}: {exc}; start one with `dask scheduler` "
                "(and workers with `dask worker ADDRESS`), or leave out --scheduler for a local cluster"
            ) from exc
        try:
            try:
                client.wait_for_workers(1, timeout=60)
            except TimeoutError as exc:
                raise UsageError(
                    f"no Dask worker joined the scheduler at {scheduler} within 60 s; start one with "
                    f"`dask worker {scheduler}`"
                ) from exc
            yield client
        finally:
            client.close()
        return
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n < 1:
        raise UsageError(f"--workers {n}: must be at least 1")
    cluster = dist.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                silence_logs=logging.ERROR)  # fmt: skip
    try:
        client = dist.Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


# --------------------------------------------------------------------------------------------
# Cross-report step: clusters over the stored events


#: Grid cell for the "within 5 km" test of ``raqib.dedup``: 0.1° is at least 5.5 km north-south
#: everywhere and east-west below 60° latitude (the regions raqib covers), so two places 5 km apart
#: are in the same or neighbouring cells.
_CELL_DEG = 0.1
_FINE = frozenset(["village", "town", "city", "neighbourhood", "landmark", "camp"])


class _Class:
    """Events of one bucket that ``same_happening`` cannot tell apart but by day and document: same
    kind class, sides, place name, point and precision. An undated event matches every member of a
    class or none, except those of its own document; ``hubs`` remembers, per document left out
    ("*": none), a member of the component that already holds all the other members."""

    __slots__ = ("by_doc", "hubs", "pick", "rep")

    def __init__(self, rep: int) -> None:
        self.rep = rep
        self.by_doc: dict[str, list[int]] = {}
        self.hubs: dict[str, int | None] = {}
        self.pick: list[int] | None = None
        """Once the whole class is one component: members of (up to) two different documents."""


def cluster_events(items: Sequence[tuple[str, int, dict[str, Any]]]) -> list[str]:
    """The cluster id of every event (``(document id, seq, event record)``), the same as
    ``raqib.dedup.assign_clusters`` gives over the documents' records.

    Instead of comparing every pair of a kind group, events are compared only when they could pass
    ``same_happening``'s place test: they share a word of the place name (one name inside the other
    implies that) or lie in neighbouring grid cells. Inside such a bucket, two dated events are
    compared only when at most ``MAX_DAYS`` apart; an undated event (it matches any day) is compared
    with one member of each ``_Class`` and joined to the members of the classes it matches, so a
    bucket costs about (undated events x classes), not (undated events x events). Pairs already in
    one cluster are not compared again."""
    from raqib.dedup import _UNORDERED, GROUPS, MAX_DAYS, same_happening
    from raqib.normalize import bare

    parent = list(range(len(items)))
    docs = [doc for doc, _, _ in items]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj

    buckets: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    days: list[int | None] = []
    sigs: list[tuple[Any, ...] | None] = []
    for n, (_doc, _seq, ev) in enumerate(items):
        date = ev.get("date")
        days.append(dt.date.fromisoformat(date["from"]).toordinal() if date and date.get("from") else None)
        loc = ev.get("location")
        if not loc:
            sigs.append(None)
            continue  # no place: same_happening never matches it
        group = GROUPS.get(ev["kind"])
        name = bare(loc.get("name_ar") or "")
        unordered = ev["kind"] in _UNORDERED
        sigs.append((unordered, ev["actor1"], ev.get("actor2") if unordered else None, name, loc.get("lat"),
                     loc.get("lon"), loc.get("precision")))  # fmt: skip
        for word in set(name.split()):
            buckets[(group, "w", word)].append(n)
        if loc.get("lat") is not None and loc.get("lon") is not None and loc.get("precision") in _FINE:
            cell = (math.floor(loc["lat"] / _CELL_DEG), math.floor(loc["lon"] / _CELL_DEG))
            buckets[(group, "c", cell, loc["precision"])].append(n)

    classes_of: dict[tuple[Any, ...], list[_Class]] = {}

    def classes(bkey: tuple[Any, ...]) -> list[_Class]:
        if bkey not in classes_of:
            by_sig: dict[Any, _Class] = {}
            for n in buckets[bkey]:
                k = by_sig.setdefault(sigs[n], _Class(n))
                k.by_doc.setdefault(docs[n], []).append(n)
            classes_of[bkey] = list(by_sig.values())
        return classes_of[bkey]

    def join(x: int, k: _Class) -> None:
        """Join the undated event ``x`` to every member of ``k`` from another document."""
        dx = docs[x]
        if k.pick is not None:
            for m in k.pick:
                if docs[m] != dx:
                    union(x, m)
                    return
            return
        left_out = dx if dx in k.by_doc else "*"
        if left_out in k.hubs:
            hub = k.hubs[left_out]
            if hub is not None:
                union(x, hub)
            return
        members = [m for d, ms in k.by_doc.items() if d != left_out for m in ms]
        k.hubs[left_out] = members[0] if members else None
        for m in members:
            union(x, m)
        # All members in one component: every member left out by one hub is in the other (or "*").
        if "*" in k.hubs or (len(k.hubs) >= 2 and len(k.by_doc) >= 3):
            k.pick = [ms[0] for ms in list(k.by_doc.values())[:2]]

    def link(i: int, j: int) -> None:
        if docs[i] != docs[j] and find(i) != find(j) and same_happening(items[i][2], items[j][2]):
            union(i, j)

    def compare(mine: tuple[Any, ...], theirs: tuple[Any, ...] | None = None) -> None:
        """Events of bucket ``mine`` among themselves, or against those of bucket ``theirs``."""
        a = buckets[mine]
        b = a if theirs is None else buckets[theirs]
        pool = a if theirs is None else a + b
        in_a = set(a)
        dated = sorted((d, i) for i in pool if (d := days[i]) is not None)
        for x, (dx, i) in enumerate(dated):
            for dy, j in dated[x + 1 :]:
                if dy - dx > MAX_DAYS:
                    break
                if theirs is None or (i in in_a) != (j in in_a):
                    link(i, j)
        for side, target in [(a, mine)] if theirs is None else [(a, theirs), (b, mine)]:
            targets = classes(target)
            matches: dict[Any, list[_Class]] = {}
            for x in side:
                if days[x] is not None:
                    continue
                if sigs[x] not in matches:
                    matches[sigs[x]] = [k for k in targets if same_happening(items[x][2], items[k.rep][2])]
                for k in matches[sigs[x]]:
                    join(x, k)

    for bkey in list(buckets):
        compare(bkey)
        if bkey[1] == "c":
            group, _, (la, lo), precision = bkey
            for dla, dlo in ((0, 1), (1, -1), (1, 0), (1, 1)):  # each neighbouring pair of cells once
                other = (group, "c", (la + dla, lo + dlo), precision)
                if other in buckets:
                    compare(bkey, other)

    groups: dict[int, list[int]] = defaultdict(list)
    for n in range(len(items)):
        groups[find(n)].append(n)
    out = [""] * len(items)
    for members in groups.values():
        keys = sorted(f"{items[n][0]}#{items[n][1]}" for n in members)
        cluster = "evt-" + hashlib.sha256("|".join(keys).encode()).hexdigest()[:12]
        for n in members:
            out[n] = cluster
    return out


@dataclass(frozen=True)
class ClusterReport:
    """The outcome of ``cluster_stored``."""

    events: int
    """Events considered (all not rejected)."""
    clusters: int
    """Clusters, singletons included."""
    multi: int
    """Clusters with events of more than one report."""
    changed: int
    """Events whose cluster id was written."""
    seconds: float
    """Time taken."""


def cluster_stored(store: Any) -> ClusterReport:
    """Give the stored events of one happening one cluster id (``cluster_events``) and write the ids
    that changed (``Store.set_clusters``)."""
    from raqib.store import iter_events

    t0 = time.perf_counter()
    rows = [(r["uid"], r["document_id"], r["seq"], r["record"], r["cluster"]) for r in iter_events(store)]
    ids = cluster_events([(doc, seq, rec) for _, doc, seq, rec, _ in rows])
    changed = {uid: cid for (uid, *_, old), cid in zip(rows, ids, strict=True) if old != cid}
    if changed:
        store.set_clusters(changed)
    docs: dict[str, set[str]] = defaultdict(set)
    for (_, doc, *_), cid in zip(rows, ids, strict=True):
        docs[cid].add(doc)
    return ClusterReport(len(rows), len(docs), sum(len(d) > 1 for d in docs.values()), len(changed),
                         time.perf_counter() - t0)  # fmt: skip
