"""Ingest on many hosts: Celery workers over Redis (``pip install 'nianbao[queue]'``).

``nianbao ingest --queue PATH...`` sends each file as one task (its bytes travel in the message,
so a worker needs no shared disk) and lists it under ``nianbao:jobs`` in Redis; ``nianbao worker``
runs a Celery worker whose processes each keep one Library (and load the model once); ``nianbao
jobs`` shows every submitted file's state and outcome.

A task is idempotent by content hash: a file whose bytes are stored already is ``unchanged``, so
a task run twice stores its report once. Tasks are acknowledged only when done
(``acks_late``): a worker process killed mid-file (its transaction never commits, so no partial
report is left) has its task put back on the queue at once (``reject_on_worker_lost``) and run
by another; a whole worker host that vanishes has its tasks redelivered after
``NIANBAO_QUEUE_VISIBILITY_TIMEOUT`` seconds. A file skipped because the store stayed busy is
retried with back-off. Every worker needs the same ``NIANBAO_DATABASE_URL`` (PostgreSQL: one
store for all hosts) and ``NIANBAO_REDIS_URL``.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterable
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from celery import Celery
from celery.result import AsyncResult

from nianbao.library import Library
from nianbao.settings import Settings

#: The Redis list of submitted jobs, newest last: {"id", "source", "submitted"} as JSON.
JOBS_KEY = "nianbao:jobs"
#: A busy store (another writer held the lock past the busy timeout) is tried again this often.
BUSY_RETRIES = 5


def make_app(settings: Settings) -> Celery:
    """The Celery app over ``settings.redis_url`` (broker and results)."""
    if not settings.redis_url:
        raise RuntimeError("set NIANBAO_REDIS_URL (redis://host:6379/0) to use the ingest queue")
    app = Celery("nianbao", broker=settings.redis_url, backend=settings.redis_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_track_started=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_expires=7 * 24 * 3600,
        result_extended=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": settings.queue_visibility_timeout},
        worker_hijack_root_logger=False,
    )
    app.task(name="nianbao.ingest", bind=True, max_retries=BUSY_RETRIES)(ingest_task)
    return app


@cache
def _library() -> Library:
    """This worker process's Library, with the search index of its settings (made once)."""
    from nianbao.retrieval.backend import open_index

    settings = Settings()
    return Library(settings, open_index(settings))


def ingest_task(
    task: Any,
    source: str,
    data: str,
    body: str | None = None,
    year: int | None = None,
    force: bool = False,
    actor: str | None = None,
) -> dict[str, Any]:
    """One file (``data``: its bytes, base64) ingested; its Outcome as a dict."""
    outcome = _library().ingest_bytes(
        base64.b64decode(data), source, body=body, year=year, force=force, actor=actor
    )
    if outcome.status == "skipped" and "store is busy" in outcome.message:
        raise task.retry(countdown=2 ** min(task.request.retries, 5))
    return asdict(outcome)


def submit(
    settings: Settings,
    paths: Iterable[Path],
    *,
    body: str | None = None,
    year: int | None = None,
    force: bool = False,
    actor: str | None = None,
) -> list[tuple[str, str]]:
    """Send one task per file; (job id, file name) of each. A file that cannot be read raises."""
    app = make_app(settings)
    sent = []
    with app.connection_for_write() as connection, app.backend.client.pipeline() as jobs:
        for path in paths:
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            result = app.signature(
                "nianbao.ingest",
                args=(path.name, data),
                kwargs={"body": body, "year": year, "force": force, "actor": actor},
            ).apply_async(connection=connection)
            jobs.rpush(JOBS_KEY, json.dumps({"id": result.id, "source": path.name, "submitted": time.time()}))
            sent.append((result.id, path.name))
        jobs.execute()
    return sent


def jobs(settings: Settings, limit: int = 200) -> list[dict[str, Any]]:
    """The last ``limit`` submitted jobs, oldest first: id, source, submitted, state (PENDING,
    STARTED, RETRY, SUCCESS, FAILURE) and, when done, the Outcome's status and message."""
    app = make_app(settings)
    out = []
    for raw in app.backend.client.lrange(JOBS_KEY, -limit, -1):
        job = json.loads(raw)
        result = AsyncResult(job["id"], app=app)
        job["state"] = result.state
        if result.state == "SUCCESS" and isinstance(result.result, dict):
            job["status"] = result.result.get("status")
            job["message"] = result.result.get("message")
        elif result.state == "FAILURE":
            job["status"], job["message"] = "failed", repr(result.result)
        out.append(job)
    return out


def run_worker(settings: Settings, concurrency: int, loglevel: str = "INFO") -> None:
    """Run a Celery worker (until it is stopped) with ``concurrency`` processes."""
    app = make_app(settings)
    app.worker_main(["worker", f"--concurrency={concurrency}", f"--loglevel={loglevel}", "--pool=prefork"])
