"""Read a file in a child process with the budget's memory and time limits.

The readers count what they can (``ingest.budget``), but a library can spend memory or time
they do not see: pdfminer interpreting a page, lxml building a tree, a regular expression on a
pathological line. So a file is read in a child process whose address space is capped
(``RLIMIT_AS`` = ``Budget.parse_memory_bytes``: an allocation past it is a ``MemoryError``
there, not a swapping server), which runs at a lower priority (the server's answers come
first), and which is killed at ``Budget.parse_seconds`` or when the caller cancels. A child
that dies takes only its own memory with it; the caller gets an ``IngestError`` saying why.

The child is a plain new interpreter (``python -c CHILD``): the call comes in pickled on its
standard input and the result goes back pickled on its standard output. Unlike a
``multiprocessing`` child it needs nothing of the process that asks, so any process may start
one: a server's worker, a daemonic process, a Celery (billiard) pool process. It costs a start of
the interpreter and the readers' imports (~0.5 CPU-seconds) per file, small beside embedding
the file.

>>> parsed = read_isolated(parse_file, data, "a.pdf", Budget(), body=None, year=None)
"""

from __future__ import annotations

import math
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from nianbao.ingest.errors import Cancelled, IngestError, OverBudget, UnreadableFile
from nianbao.settings import Budget

T = TypeVar("T")
#: How much lower the child's scheduling priority is than its parent's.
NICENESS = 10
#: How often the parent looks at the deadline and the cancel flag while the child reads (seconds).
POLL = 0.05
#: The child's program: its priority is lowered first, so that even its imports yield to the
#: answers of the process that started it.
CHILD = f"import os; os.nice({NICENESS}); from nianbao.ingest.isolate import child_main; child_main()"


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

    ``target`` must be importable by its name (a module-level function). Raises what ``target``
    raised if it is an IngestError; OverBudget when the child ran out of memory or time;
    Cancelled when ``cancel`` was set first; UnreadableFile when it crashed.
    """
    if cancel is not None and cancel.is_set():
        raise Cancelled(f"{source}: cancelled before it was read; nothing stored")
    # the import path first, so that the child can find the target's module when it unpickles it
    call = pickle.dumps(sys.path) + pickle.dumps((budget, target, data, source, kwargs))
    command = [sys.executable, "-c", CHILD]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE) as child:
        try:
            ok, value = _result(child, call, source, budget, cancel)
        except BaseException:  # interrupted: the with-block would otherwise wait for the child
            child.kill()
            raise
    if ok:
        return value
    raise value


def _result(
    child: subprocess.Popen[bytes],
    call: bytes,
    source: str,
    budget: Budget,
    cancel: threading.Event | None,
) -> tuple[bool, Any]:
    """Send the call and read the answer on a thread (either may be larger than a pipe holds),
    while this one watches the deadline and the cancel flag and kills the child at either."""
    answer: list[bytes] = []
    talk = threading.Thread(target=lambda: answer.append(child.communicate(call)[0]), daemon=True)
    talk.start()
    deadline = time.monotonic() + budget.parse_seconds
    stopped: IngestError | None = None
    while talk.is_alive() and stopped is None:
        if cancel is not None and cancel.is_set():
            stopped = Cancelled(f"{source}: cancelled while it was being read; nothing stored")
        elif time.monotonic() > deadline:
            spent = f"reading it took over {budget.parse_seconds:g} s"
            stopped = OverBudget(source, spent, "parse_seconds", budget.parse_seconds)
        else:
            talk.join(POLL)
    if stopped is not None:
        child.kill()
        talk.join()  # its pipes close at once; the with-block must not close them under it
        return False, stopped
    try:
        return pickle.loads(answer[0])  # our own child's answer, as multiprocessing's would be
    except Exception:  # noqa: BLE001 - no answer (or half of one): the child died
        return False, _died(source, child.wait(), budget)


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


#: The child's exit status when its call never arrived whole (the parent was killed meanwhile).
PARENT_GONE = 3


def child_main() -> None:
    """In the child (``CHILD``): read the call, set the limits, run it, write (True, result) or
    (False, the error) pickled on standard output."""
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what a library prints goes to standard error, not into the answer
    try:
        sys.path[:] = pickle.load(sys.stdin.buffer)
        budget, target, data, source, kwargs = pickle.load(sys.stdin.buffer)
    except (EOFError, pickle.UnpicklingError):
        sys.exit(PARENT_GONE)  # the parent died while handing over the call: nothing to say
    limit = budget.parse_memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = math.ceil(budget.parse_seconds) + 5  # in case the parent is gone and cannot kill it
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    # made now: once memory has run out, even pickling a message can fail
    out_of_memory = pickle.dumps(
        (False, OverBudget(source, "reading it needed more memory", "parse_memory_bytes", limit))
    )
    try:
        message = pickle.dumps((True, target(data, source, budget, **kwargs)))
    except Exception as exc:  # noqa: BLE001 - a reader's bug is a skipped file, with the reason
        if _ran_out_of_memory(exc):  # also when a reader caught it and raised its own error
            message = out_of_memory
        elif isinstance(exc, IngestError):
            message = pickle.dumps((False, exc))
        else:
            error = UnreadableFile(f"{source}: could not be read ({type(exc).__name__}: {exc})")
            message = pickle.dumps((False, error))
    answer.write(message)
    answer.close()


def _ran_out_of_memory(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, MemoryError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
