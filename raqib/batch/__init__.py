"""Large runs on a Dask cluster: split the input into partitions, extract them on worker processes,
store the results from the client side, one transaction per partition.

- ``plan`` splits the sources: a JSON Lines file into ranges of lines, a WARC file into ranges of
  records, other files (HTML, text, JSON, feeds, in directories or named) into groups of files.
  Each partition has a key: sha256 of its kind, path, byte range, the bytes themselves and the
  versions of the rule set and the gazetteer, so a changed file or a new rule set is extracted again.
- ``ResourcesPlugin`` loads the resources (gazetteer, dictionaries, rules) once in every worker
  process when it joins, not once per task; ``extract_partition`` is the task. It returns every
  document as the rows the store writes (``raqib.store.bulk.prepare``: tuples, records as JSON text),
  so the client neither decodes nor encodes records.
- ``run_batch`` submits the partitions (a bounded window of them, so finished results do not pile
  up on the workers) and stores each finished partition with ``Store.save_prepared``: its documents,
  its refused inputs (``input_problems``) and its row in ``batch_partitions`` in one transaction, so
  a run killed at any point has recorded as done exactly the partitions whose documents it stored.
  Partitions recorded as done are skipped when the batch runs again; a partition whose task raises
  is retried (Dask ``retries``) and, if it still fails, reported by name with its error. A bad
  document never stops its partition: it is an error naming its input (``file:line``,
  ``file@offset``), as in ``raqib ingest``.
- ``cluster_stored`` runs the cross-report step after a batch: events of one happening in several
  stored reports get one cluster id (the rules of ``raqib.dedup``), computed with blocking so it
  scales past the all-pairs comparison of ``raqib.dedup.assign_clusters``.

The modules: ``partitions`` (splitting and reading the input), ``clusters`` (the cross-report step);
the worker side and the client's loop are here. Import from ``raqib.batch``.

Documents are stored in the order their partitions finish. When one document id appears in two
partitions with different texts, the one stored last becomes the current version (``raqib ingest``
stores them in input order).
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from distributed import WorkerPlugin

from raqib.batch.clusters import ClusterReport, cluster_events, cluster_stored
from raqib.batch.partitions import DEFAULT_PARTITION_SIZE, PARTITION_FORMAT, Partition, plan, read_partition
from raqib.errors import InputError, RaqibError, StoreError, UsageError
from raqib.heap import heap_frozen
from raqib.store.bulk import Prepared

__all__ = [
    "DEFAULT_PARTITION_SIZE", "DEFAULT_RETRIES", "PARTITION_FORMAT", "BatchReport", "ClusterReport", "Partition",
    "PartitionOutcome", "PartitionResult", "ResourcesPlugin", "WorkerInfo", "cluster_events", "cluster_stored",
    "dask_client", "extract_partition", "partition_states", "plan", "read_partition", "run_batch", "run_partition",
]  # fmt: skip

DEFAULT_RETRIES = 2
#: Topic of the Dask events a failing task logs before it raises (how attempts are counted).
FAILURE_TOPIC = "raqib-batch-failure"


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
        # They live as long as the worker: keep the cyclic collector from walking them again and again
        # (raqib.heap; tenths of a second each time it collects its oldest generation).
        gc.freeze()
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
    documents: tuple[Prepared, ...]
    """The rows of every document extracted, ready for the store (``raqib.store.bulk.prepare``)."""
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
    from raqib.store.bulk import prepare

    t0 = time.perf_counter()
    prepared: list[Prepared] = []
    problems: list[tuple[str, str]] = []
    for item in read_partition(part):
        if isinstance(item, InputError):
            problems.append((item.origin, item.problem))
            continue
        try:
            prepared.append(prepare(item, process(item, res), res.versions))
        except RaqibError as exc:
            problems.append((item.origin or item.id, str(exc)))
        except Exception as exc:  # noqa: BLE001 - one odd document must not cost the partition's others
            problems.append((item.origin or item.id, f"extraction failed: {type(exc).__name__}: {exc}"))
    info = worker or WorkerInfo(os.getpid(), os.uname().nodename, "in-process", 0.0)
    return PartitionResult(part.key, tuple(prepared), tuple(problems), dict(res.versions), info,
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


def _write_record(conn: Any, key: str, status: str, attempts: int, documents: int, events: int, error: str | None,
                  problems: Sequence[tuple[str, str]] = ()) -> None:  # fmt: skip
    """The partition's row in ``batch_partitions`` and its refused documents in ``input_problems``."""
    from sqlalchemy import delete

    from raqib.store import problem_row
    from raqib.store.tables import batch_partitions as bp
    from raqib.store.tables import input_problems

    if problems:
        conn.execute(input_problems.insert(), [problem_row(origin, reason) for origin, reason in problems])
    conn.execute(delete(bp).where(bp.c.key == key))
    conn.execute(bp.insert().values(key=key, status=status, attempts=attempts, documents=documents, events=events,
                                    error=error, updated=_now()))  # fmt: skip


def _record(store: Any, key: str, status: str, attempts: int, documents: int, events: int, error: str | None,
            problems: Sequence[tuple[str, str]] = ()) -> None:  # fmt: skip
    """``_write_record`` in a transaction of its own."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with store.engine.begin() as conn:
            _write_record(conn, key, status, attempts, documents, events, error, problems)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot record batch partition {key[:12]}: {type(exc).__name__}: {exc}") from exc


def _store_done(store: Any, key: str, attempts: int, result: PartitionResult) -> tuple[int, int, list[tuple[str, str]]]:
    """Store a partition's documents and record it done, in one transaction: a run killed at any
    point has stored the documents of exactly the partitions it recorded. When the transaction
    fails, the documents one by one to name those at fault, then the record. (documents stored,
    events stored, problems)."""
    docs, problems = result.documents, list(result.problems)
    events = sum(len(p.events) for p in docs)
    done = functools.partial(_write_record, key=key, status="done", attempts=attempts, documents=len(docs),
                             events=events, error=_lines(problems), problems=problems)  # fmt: skip
    try:
        store.save_prepared(docs, then=done)
        return len(docs), events, problems
    except StoreError:
        pass
    stored, events = 0, 0
    for p in docs:
        try:
            store.save_prepared([p])
            stored, events = stored + 1, events + len(p.events)
        except StoreError as exc:
            problems.append((p.origin or p.id, str(exc)))
    _record(store, key, "done", attempts, stored, events, _lines(problems), problems)
    return stored, events, problems


def _lines(problems: Sequence[tuple[str, str]]) -> str | None:
    return "\n".join(f"{origin}: {reason}" for origin, reason in problems) or None


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
        with heap_frozen():  # the modules, the plan, Dask's state: the collector need not walk them each time
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
        stored, events, problems = _store_done(store, part.key, earlier + attempts, result)
        lines = tuple(f"{o}: {r}" for o, r in problems)
        finish(PartitionOutcome(part.name, part.key, "done", attempts, stored, events, lines, None, failures,
                                result.worker))  # fmt: skip


#: Dask settings of the local cluster. The client process also runs the scheduler and the nannies, and
#: on 2 cores every process shares them with extraction; these defaults serve the dashboard, which a
#: batch does not start, or cases a batch does not have. Client CPU besides storing, 1,200 documents:
#: 0.82-1.16 ms a document with the defaults, 0.44-0.63 with these (``BENCHMARKS.md``). An idle cluster of 2
#: workers costs the client 9.5 ms of CPU a second and each worker 4 (16.5 and 6 before the slower timers,
#: the active memory manager off and the client's slower look at the cluster).
LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,  # a look at every worker's stack each 10 ms
    "distributed.admin.tick.interval": "1s",  # the event-loop watchdog of every process (Dask: 50 times a second)
    "distributed.admin.system-monitor.disk": False,  # disk counters every 500 ms
    # the scheduler's and workers' look at CPU, memory and network (dashboard figures; Dask: 2 a second)
    "distributed.admin.system-monitor.interval": "10s",
    # each nanny's and worker's look at the worker's memory (Dask: 10 a second); still stops a worker that runs away
    "distributed.worker.memory.monitor-interval": "5s",
    # the active memory manager (every 2 s) moves results between workers: a batch's are fetched at once
    "distributed.scheduler.active-memory-manager.start": False,
    "distributed.client.scheduler-info-interval": "10s",  # the client's copy of the cluster's state, every 2 s
    # the client keeps a few partitions queued (``run_batch``'s window), handed out as workers free up
    "distributed.scheduler.work-stealing": False,
}


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
    import dask

    with dask.config.set(LOCAL_CLUSTER_CONFIG):  # read when the scheduler, nannies and workers start
        cluster = dist.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                    silence_logs=logging.CRITICAL)  # failures are reported per partition  # fmt: skip
    try:
        # Results come straight from the worker that made them; by default they would pass through the
        # scheduler (in this process too: each partition's rows read and written once more on loopback).
        client = dist.Client(cluster, direct_to_workers=True)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()

