"""A full disk, said as such.

When the data directory's file system fills up, SQLite says "database or disk is full", the
keyword index's writer "N requested and M written", and Chroma "Error in compaction: Failed to
apply logs to the metadata segment", none of which tells an operator what to do. A write is
refused before it starts when less than ``settings.min_free_bytes`` is free, and a write that
fails on a full disk becomes :class:`DiskFull`, whose message names the directory, the space
left and what to do.

>>> check_free(Path("/var/lib/nianbao"), 64 << 20)   # raises DiskFull under 64 MiB free
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

#: Words by which the libraries below say the disk is full.
_FULL_WORDS = ("disk is full", "no space left", "disk full", "database or disk is full")
#: A write that failed with less than this free failed for want of space, whatever it said
#: (Chroma's "Error in compaction", a short write of the keyword index).
NEARLY_FULL = 16 * 1024 * 1024


class DiskFull(RuntimeError):
    """The data directory's file system is (nearly) full; nothing was written."""


def free_bytes(path: Path) -> int:
    """Free bytes on the file system holding ``path`` (or its nearest existing parent)."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return shutil.disk_usage(path).free


def full_message(path: Path, free: int, minimum: int) -> str:
    """What an operator reads: where, how much is left, and what to do."""
    return (
        f"disk full: the file system of the data directory {path} has {free / 2**20:,.1f} MiB free "
        f"(at least {minimum / 2**20:,.0f} MiB is kept free, NIANBAO_MIN_FREE_BYTES); nothing was "
        "written; free some space (or move NIANBAO_DATA_DIR), then try again"
    )


def check_free(path: Path, minimum: int) -> None:
    """Raise DiskFull when less than ``minimum`` bytes are free where ``path`` lives."""
    free = free_bytes(path)
    if free < minimum:
        raise DiskFull(full_message(path, free, minimum))


def as_disk_full(exc: BaseException, path: Path, minimum: int) -> DiskFull | None:
    """``exc`` as a DiskFull when it (or what caused it) says the disk is full, or when the disk
    is in fact nearly full now (under ``minimum`` or ``NEARLY_FULL``: the libraries do not all
    say so); else None."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            break
        if any(word in str(seen).lower() for word in _FULL_WORDS):
            break
        seen = seen.__cause__ or seen.__context__
    free = free_bytes(path)
    if seen is None and free >= max(minimum, NEARLY_FULL):
        return None
    return DiskFull(full_message(path, free, minimum) + f" ({type(exc).__name__}: {str(exc)[:200]})")
