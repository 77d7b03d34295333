"""Every compressed stream of a PDF inflated with a bound, before pdfminer sees the file.

pdfminer inflates a stream whole when it first needs it, and then interprets a page's content
operator by operator: a few kB of Flate data can inflate to gigabytes, and a content stream of
millions of operators takes minutes. This scan finds each stream in the raw bytes (after its
``stream`` keyword, so streams inside object streams and hidden from the cross-reference table
are found too) and inflates it with ``zlib.decompressobj`` in steps of at most what the budget
has left, so it never holds more than one stream's budget. A stream whose inflated bytes start
another zlib stream (``/Filter [/FlateDecode /FlateDecode]``) is inflated again, within the
same budget. Streams that are not zlib (images in DCT, raw data) cost pdfminer nothing extra.

>>> check_streams(b"%PDF-1.4 ...", "a.pdf", Budget())  # raises OverBudget for a bomb
"""

from __future__ import annotations

import re
import zlib

from nianbao.ingest.errors import OverBudget
from nianbao.settings import Budget

#: Compressed bytes fed to zlib at a time.
STEP = 64 * 1024
#: Below this, a stream may inflate by any ratio (a page of one repeated rule is tiny anyway).
RATIO_EXEMPT_BYTES = 1024 * 1024
#: Streams inside streams followed at most this deep.
MAX_LAYERS = 4

_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")


def check_streams(data: bytes, source: str, budget: Budget) -> int:
    """The inflated size of all the file's zlib streams; OverBudget at the first stream (or the
    running total) over the budget, or a stream that inflates like a compression bomb."""
    view = memoryview(data)
    total = 0
    for number, match in enumerate(_STREAM.finditer(data), 1):
        start = match.end()
        if data[match.start() - 3 : match.start()] == b"end" or not _zlib_header(data, start):
            continue
        inflated, used = _inflated_size(view[start:], budget.stream_inflated_bytes)
        if inflated > budget.stream_inflated_bytes:
            raise OverBudget(
                source,
                f"compressed stream {number} (at byte {start:,}) inflates to more than "
                f"{budget.stream_inflated_bytes:,} bytes",
                "stream_inflated_bytes",
                budget.stream_inflated_bytes,
            )
        if inflated > RATIO_EXEMPT_BYTES and inflated > budget.inflate_ratio * max(used, 1):
            raise OverBudget(
                source,
                f"compressed stream {number} inflates {inflated / max(used, 1):,.0f}× "
                f"({used:,} bytes to {inflated:,}): a compression bomb",
                "inflate_ratio",
                budget.inflate_ratio,
            )
        total += inflated
        if total > budget.file_inflated_bytes:
            raise OverBudget(
                source,
                f"its compressed streams inflate to more than {budget.file_inflated_bytes:,} bytes",
                "file_inflated_bytes",
                budget.file_inflated_bytes,
            )
    return total


def _zlib_header(data: bytes, at: int) -> bool:
    head = data[at : at + 2]
    return len(head) == 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0


def _inflated_size(compressed: memoryview, limit: int, layer: int = 1) -> tuple[int, int]:
    """(bytes the stream inflates to, or ``limit + 1`` once past the limit; compressed bytes it
    used). A damaged stream counts what inflates before the damage, as pdfminer reads it."""
    inflater = zlib.decompressobj()
    out = _Output(limit)
    fed = 0
    while not inflater.eof and fed < len(compressed) and not out.full:
        chunk = compressed[fed : fed + STEP]
        fed += len(chunk)
        before = inflater.copy()
        try:
            _feed(inflater, chunk, out)
        except zlib.error:  # what came out of this chunk before the damage, byte by byte
            out.size, out.pieces = out.size - out.last, out.pieces[: len(out.pieces) - out.count]
            _salvage(before, chunk, out)
            inflater = before
            break
    used = fed - len(inflater.unused_data) - len(inflater.unconsumed_tail)
    inflated = b"".join(out.pieces) if not out.full and layer < MAX_LAYERS else b""
    if _zlib_header(inflated, 0):
        return max(out.size, _inflated_size(memoryview(inflated), limit, layer + 1)[0]), used
    return out.size, used


class _Output:
    """What a stream inflated to, kept up to one byte past the limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.pieces: list[bytes] = []
        self.last = self.count = 0  # bytes and pieces the last feed added

    @property
    def room(self) -> int:
        return self.limit + 1 - self.size

    @property
    def full(self) -> bool:
        return self.size > self.limit

    def add(self, piece: bytes) -> None:
        self.size += len(piece)
        self.pieces.append(piece)
        self.last += len(piece)
        self.count += 1


def _feed(inflater: zlib._Decompress, data: bytes | memoryview, out: _Output) -> None:
    out.last = out.count = 0
    out.add(inflater.decompress(data, out.room))
    while inflater.unconsumed_tail and not out.full:
        out.add(inflater.decompress(inflater.unconsumed_tail, out.room))


def _salvage(inflater: zlib._Decompress, chunk: memoryview, out: _Output) -> None:
    for i in range(len(chunk)):
        try:
            _feed(inflater, chunk[i : i + 1], out)
        except zlib.error:
            return
        if out.full or inflater.eof:
            return
