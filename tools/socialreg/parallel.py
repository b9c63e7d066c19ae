"""Work on every core for a large run: how many workers, the collector pause, one fork protocol.

Every speed trick that concerns processes lives here, so the code that loads, checks and builds
reads as if it ran in one process:

- `worker_count` decides whether a run is large enough to be worth other processes;
- `collector_paused` keeps Python's cyclic garbage collector from rescanning millions of
  parsed values while records pile up;
- `forked_workers` starts one forked process per share of the work and gives the parent a
  `Channel` to each, so that a worker can answer in several phases (load, then check against
  the whole repository's index) and keep what it loaded to itself.

Workers are forked, never spawned: they inherit the compiled schemas and the parent's state
for free, and nothing but what they send back is pickled.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

Share = TypeVar("Share")
T = TypeVar("T")

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 1500
MAX_WORKERS = 8


def worker_count(jobs: int) -> int:
    """How many processes to use for `jobs` files: 1 unless the run is large and fork exists."""
    if jobs < PARALLEL_THRESHOLD or not can_fork():
        return 1
    return min(os.cpu_count() or 1, MAX_WORKERS)


def can_fork() -> bool:
    """Whether this system forks processes (not Windows)."""
    return "fork" in get_all_start_methods()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while records pile up in memory.

    The collector runs again and again as millions of parsed values accumulate, each time
    scanning all of them: it took a third of the time of loading 12,000 files. Parsed records
    hold no reference cycles, so nothing is lost by pausing it; it resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class WorkerError(RuntimeError):
    """A worker process failed; the message carries its traceback's last line."""


class Channel:
    """One end of the pipe between the parent and a worker.

    What a side sends is pickled; `send_bytes` passes bytes that were pickled once for every
    worker. A worker's failure travels as a message, so the parent never waits forever.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @property
    def connection(self) -> Connection:
        return self._connection

    def send(self, payload: Any) -> None:
        self._connection.send(("ok", payload))

    def send_bytes(self, payload: bytes) -> None:
        self._connection.send_bytes(payload)

    def receive(self) -> Any:
        try:
            status, payload = self._connection.recv()
        except EOFError:
            raise WorkerError("a worker process stopped unexpectedly") from None
        if status != "ok":
            raise WorkerError(f"a worker process failed: {payload}")
        return payload

    def poll(self) -> bool:
        """Whether something has arrived to be received."""
        return self._connection.poll()

    def receive_bytes(self) -> bytes:
        return self._connection.recv_bytes()

    def fail(self, error: BaseException) -> None:
        last = traceback.format_exception_only(type(error), error)[-1].strip()
        self._connection.send(("error", last))

    def close(self) -> None:
        self._connection.close()


Work = Callable[[Channel, Share], None]


def answers(channels: list[Channel]) -> Iterator[Any]:
    """What the workers send, in the order it arrives, until each has sent None (its end).

    Reading one worker to its end before the next would leave the others blocked on a full
    pipe, waiting to be read, instead of working."""
    waiting = {channel.connection: channel for channel in channels}
    while waiting:
        for ready in wait(list(waiting)):
            assert isinstance(ready, Connection)
            payload = waiting[ready].receive()
            if payload is None:
                del waiting[ready]
            else:
                yield payload


@contextlib.contextmanager
def forked_workers(shares: Sequence[Share], work: Work[Share]) -> Iterator[list[Channel]]:
    """Run `work(channel, share)` in one forked process per share; yield the parent's channels.

    The worker's collector is off (a short-lived process that holds parsed records: see
    `collector_paused`); any exception in it reaches the parent as a `WorkerError` on the
    next `receive`. Leaving the block waits for the workers, and ends any that hang.
    When the caller fails, the workers are ended at once (see `read_to_the_end` for workers
    that write files).
    """
    context = get_context("fork")
    channels: list[Channel] = []
    processes = []
    try:
        for share in shares:
            ours, theirs = context.Pipe()
            process = context.Process(target=_run_worker, args=(work, Channel(theirs), share))
            process.start()
            theirs.close()
            channels.append(Channel(ours))
            processes.append(process)
        yield channels
    except BaseException:
        # Nobody will read what they send (the caller failed, or stopped reading early): a
        # worker waiting for its pipe to be read would only be killed after the wait below.
        for process in processes:
            process.kill()
        raise
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():  # pragma: no cover - only after a failure elsewhere
                process.kill()
        for channel in channels:
            channel.close()


FINISH_WAIT = 10.0  # seconds a failed caller's workers have to finish (`read_to_the_end`)


def read_to_the_end(channels: list[Channel], seconds: float = FINISH_WAIT) -> None:
    """Read and drop what the workers of `channels` send until each has ended, for at most
    `seconds`: what a caller that failed does before leaving `forked_workers`, which ends
    them at once, when they write files (one ended half-way through a file leaves it cut
    short). The caller first tells them to stop early, if they can, and waits only for
    workers that have all they need: one waiting for more would never end. A worker blocked
    on a full pipe ends once it is read."""
    waiting = [channel.connection for channel in channels]
    deadline = time.monotonic() + seconds
    while waiting and (left := deadline - time.monotonic()) > 0:
        for ready in wait(waiting, timeout=left):
            assert isinstance(ready, Connection)
            try:
                ready.recv_bytes()
            except (EOFError, OSError):
                waiting.remove(ready)


@contextlib.contextmanager
def read_to_the_end_on_failure(channels: list[Channel]) -> Iterator[None]:
    """A block whose failure (an Exception) first reads `channels` to their end
    (`read_to_the_end`); the list may grow while the block runs."""
    try:
        yield
    except Exception:
        read_to_the_end(channels)
        raise


@contextlib.contextmanager
def begun_apart(
    work: Callable[[], T], then: Callable[[T], object] | None = None
) -> Iterator[Callable[[], T]]:
    """`work()` begun now in a forked process; yields a function that waits for its result.

    Once it has sent the result, the process runs `then(result)`, if given: what only it
    needs to finish (writing a cache file, say), where the caller would have done it. The end
    of the block waits for that, even when the block fails: cut short, it would leave half a
    file. When nobody asked for the result, the end of the block ends the process.
    """

    def run(channel: Channel, _: object) -> None:
        result = work()
        channel.send(result)
        if then is not None:
            then(result)

    context = get_context("fork")
    ours, theirs = context.Pipe()
    process = context.Process(target=_run_worker, args=(run, Channel(theirs), None))
    process.start()
    theirs.close()
    channel = Channel(ours)
    received: list[T] = []

    def result() -> T:
        if not received:
            received.append(channel.receive())
        return received[0]

    try:
        yield result
    finally:
        if not received:  # it may be waiting for its result to be read: nobody will
            process.kill()
        process.join()
        channel.close()


def _run_worker(work: Work[Share], channel: Channel, share: Share) -> None:
    gc.disable()
    try:
        work(channel, share)
    except BaseException as error:  # the parent must hear of any failure, or it waits forever
        channel.fail(error)
    finally:
        channel.close()


def interleaved(items: Sequence[Share], parts: int) -> list[Sequence[Share]]:
    """`items` dealt into `parts` shares like cards, so every share gets a mix of kinds."""
    return [items[number::parts] for number in range(parts)]
