"""Where the chunks of a study run: here, on every local core, or on a Dask cluster.

Every backend evaluates the same chunks with the same function (plan.evaluate_chunk), so the
results are those of a serial run, whatever the order in which chunks finish. The compiled
plan goes to each worker once (pool initializer; Dask: scattered to every worker).
dask.distributed is imported only for ``--scheduler`` (extra ``cluster``).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Self

from estimator.errors import ConfigError
from estimator.studies.plan import Chunk, ChunkResult, Plan, evaluate_chunk

_SHARED: dict[str, Any] = {}
CONNECT_TIMEOUT = "10s"
"""How long to try to reach a Dask scheduler."""


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Executor:
    """Runs chunks of ``plan``; use as a context manager (workers start on entry).

    Args:
        plan: the compiled study.
        keep: selects the rows a chunk returns (None: all).
        workers: local processes (1: this process).
        scheduler: address of a Dask scheduler (then ``workers`` is ignored).
    """

    def __init__(
        self,
        plan: Plan,
        keep: Callable | None = None,
        *,
        workers: int = 1,
        scheduler: str | None = None,
    ):
        self.plan, self.keep, self.workers, self.scheduler = plan, keep, workers, scheduler
        self._pool: Any = None
        self._client: Any = None

    def __enter__(self) -> Self:
        if self.scheduler:
            self._client = _dask_client(self.scheduler)
            self._shared = self._client.scatter((self.plan, self.keep), broadcast=True)
        elif self.workers > 1:
            self._pool = multiprocessing.get_context(_start_method()).Pool(
                self.workers, initializer=_init, initargs=(self.plan, self.keep)
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()  # an interrupted run leaves no worker behind
            self._pool.join()
        if self._client is not None:
            self._client.close()

    def run(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """The results of ``chunks``, in the order they finish."""
        if self._client is not None:
            yield from self._run_dask(chunks)
        elif self._pool is not None:
            yield from self._pool.imap_unordered(_run, chunks)
        else:
            for chunk in chunks:
                yield evaluate_chunk(self.plan, chunk, self.keep)

    def _run_dask(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        from distributed import as_completed

        todo = iter(chunks)
        in_flight = 2 * max(1, sum(self._client.nthreads().values()))
        running = as_completed()
        for chunk in todo:
            running.add(self._client.submit(_run_shared, self._shared, chunk, pure=False))
            if running.count() >= in_flight:
                break
        for future in running:
            yield future.result()
            chunk = next(todo, None)
            if chunk is not None:
                running.add(self._client.submit(_run_shared, self._shared, chunk, pure=False))


def _start_method() -> str:
    """fork (workers start at once, sharing the loaded modules) when no other Python thread
    runs, so that no lock can be held across the fork; else forkserver (or spawn)."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _dask_client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError(
            "--scheduler", "needs dask.distributed: pip install 'msd-estimator[cluster]'"
        ) from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as error:
        raise ConfigError("--scheduler", f"cannot reach {address!r}: {error}") from None


def _init(plan: Plan, keep: Callable | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    _SHARED.update(plan=plan, keep=keep)


def _run(chunk: Chunk) -> ChunkResult:
    return evaluate_chunk(_SHARED["plan"], chunk, _SHARED["keep"])


def _run_shared(shared: tuple[Plan, Callable | None], chunk: Chunk) -> ChunkResult:
    plan, keep = shared
    return evaluate_chunk(plan, chunk, keep)
