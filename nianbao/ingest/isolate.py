"""Read a file in a child process with the budget's memory and time limits.

The readers count what they can (``ingest.budget``), but a library can spend memory or time
they do not see: pdfminer interpreting a page, lxml building a tree, a regular expression on a
pathological line. So a file is read in a child process whose address space is capped
(``RLIMIT_AS`` = ``Budget.parse_memory_bytes``: an allocation past it is a ``MemoryError``
there, not a swapping server), which runs at a lower priority (the server's answers come
first), and which is killed at ``Budget.parse_seconds`` or when the caller cancels. A child
that dies takes only its own memory with it; the caller gets an ``IngestError`` saying why.

Children are forked from a small server process started once (``forkserver``), which has the
readers imported already, so a child starts in milliseconds without inheriting the threads,
model or connections of the process that asks.

>>> parsed = read_isolated(parse_file, data, "a.pdf", Budget(), body=None, year=None)
"""

from __future__ import annotations

import math
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from functools import cache
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.reduction import ForkingPickler
from typing import Any, TypeVar

from nianbao.ingest.errors import Cancelled, IngestError, OverBudget, UnreadableFile
from nianbao.settings import Budget

T = TypeVar("T")
#: Imported once in the fork server, so that children start with the readers loaded. The
#: script that started the process (``__main__``) is imported there once too, instead of in
#: every child; as with any ``multiprocessing`` code, a script must keep its work under
#: ``if __name__ == "__main__":``.
PRELOAD = ["__main__", "nianbao.ingest.forkserver"]
#: How much lower the child's scheduling priority is than its parent's.
NICENESS = 10
#: How often the parent looks at the child, the deadline and the cancel flag (seconds).
POLL = 0.05


def read_isolated(
    target: Callable[..., T],
    data: bytes,
    source: str,
    budget: Budget,
    *,
    cancel: threading.Event | None = None,
    **kwargs: Any,
) -> T:
    """``target(data, source, budget, **kwargs)`` in a child process under the budget's limits.

    Raises what ``target`` raised if it is an IngestError; OverBudget when the child ran out of
    memory or time; Cancelled when ``cancel`` was set first; UnreadableFile when it crashed.
    """
    if cancel is not None and cancel.is_set():
        raise Cancelled(f"{source}: cancelled before it was read; nothing stored")
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(  # type: ignore[attr-defined]  # BaseContext has Process at runtime
        target=_child,
        args=(sender, budget, target, data, source, kwargs),
        name=f"nianbao-read {source[:40]}",
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        ok, value = _result(receiver, child, source, budget, cancel)
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if ok:
        return value
    raise value


@cache
def _context() -> BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _result(
    receiver: Connection,
    child: Any,
    source: str,
    budget: Budget,
    cancel: threading.Event | None,
) -> tuple[bool, Any]:
    deadline = time.monotonic() + budget.parse_seconds
    while not receiver.poll(POLL):
        if cancel is not None and cancel.is_set():
            return False, Cancelled(f"{source}: cancelled while it was being read; nothing stored")
        if time.monotonic() > deadline:
            return False, OverBudget(
                source,
                f"reading it took over {budget.parse_seconds:g} s",
                "parse_seconds",
                budget.parse_seconds,
            )
    try:
        return receiver.recv()
    except (EOFError, OSError):
        child.join(5)
        return False, _died(source, child.exitcode, budget)


def _died(source: str, code: int | None, budget: Budget) -> IngestError:
    """The child ended without a result: killed by a signal (the kernel's, or its CPU limit)."""
    if code is not None and code < 0:
        how = f"killed by {signal.Signals(-code).name}"
    else:
        how = f"exit code {code}"
    if code == -signal.SIGXCPU:
        used = f"reading it used over {budget.parse_seconds:g} s of CPU"
        return OverBudget(source, used, "parse_seconds", budget.parse_seconds)
    return UnreadableFile(
        f"{source}: the reading process ended without a result ({how}); the file crashes the "
        f"reader or needs more than {budget.parse_memory_bytes:,} bytes of memory "
        "(NIANBAO_BUDGET__PARSE_MEMORY_BYTES); skipped, nothing of it stored"
    )


def _child(
    sender: Connection,
    budget: Budget,
    target: Callable[..., Any],
    data: bytes,
    source: str,
    kwargs: dict[str, Any],
) -> None:
    """In the child: set the limits, read, send back (True, result) or (False, the error)."""
    limit = budget.parse_memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = math.ceil(budget.parse_seconds) + 5  # in case the parent is gone and cannot kill it
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    os.nice(NICENESS)
    # made now: once memory has run out, even pickling a message can fail
    out_of_memory = ForkingPickler.dumps(
        (False, OverBudget(source, "reading it needed more memory", "parse_memory_bytes", limit))
    )
    message: bytes | None = None
    try:
        result = True, target(data, source, budget, **kwargs)
    except Exception as exc:  # noqa: BLE001 - a reader's bug is a skipped file, with the reason
        if _ran_out_of_memory(exc):  # also when a reader caught it and raised its own error
            message = bytes(out_of_memory)
        elif isinstance(exc, IngestError):
            result = False, exc
        else:
            result = False, UnreadableFile(f"{source}: could not be read ({type(exc).__name__}: {exc})")
    try:
        if message is not None:
            sender.send_bytes(message)
        else:
            sender.send(result)
    finally:
        sender.close()


def _ran_out_of_memory(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, MemoryError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
