"""Hostile inputs, built in code (never committed as files): PDFs whose streams inflate hugely,
PDFs with a huge page count, a one-line text file of many megabytes.

Used by tests/reliability, benchmarks/load.py and benchmarks/fuzz.py.

>>> len(pdf_bomb(2 << 20)) < 4096
True
"""

from __future__ import annotations

import zlib

_REPORT_TITLE = "白鹭县人民政府2023年政府信息公开工作年度报告"


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (numbered from 1; object 1 is the catalog) with a correct xref."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def pdf_bomb(inflated: int, *, filters: int = 1, damaged: bool = False) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated`` bytes of path operators
    (``0 0 m``): a few kB that pdfminer would turn into millions of objects. ``filters=2``
    compresses the stream twice (``/Filter [/FlateDecode /FlateDecode]``), so only the second
    inflation is large. ``damaged`` breaks the stream's checksum (its last byte), which zlib
    refuses and pdfminer reads past."""
    data = b"0 0 m " * (inflated // 6)
    for _ in range(filters):
        data = zlib.compress(data, 9)
    if damaged:
        data = data[:-1] + bytes([data[-1] ^ 0xFF])
    names = b" ".join([b"/FlateDecode"] * filters)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            _stream(data, b" /Filter [%s]" % names),
        ]
    )


def many_pages_pdf(pages: int, *, declared: int | None = None) -> bytes:
    """A PDF of ``pages`` empty pages sharing one tiny content stream; ``declared`` is the
    page count its page tree claims (``/Count``), the true one unless given (a liar)."""
    first = 4  # objects 1-3: catalog, page tree, the shared content stream
    kids = b" ".join(b"%d 0 R" % (first + i) for i in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages if declared is None else declared),
        _stream(b"0 0 m"),
        *([page] * pages),
    ]
    return _pdf(objects)


def one_line_txt(size: int) -> bytes:
    """A ``.txt`` report of ``size`` bytes on one line: a real-looking title, then the same
    sentence over and over, with no line break."""
    head = (_REPORT_TITLE + " 一、总体情况 ").encode("utf-8")
    sentence = "本机关认真贯彻落实政府信息公开条例，主动公开政府信息120条。".encode()
    return head + sentence * ((size - len(head)) // len(sentence))


def slow_pdf(operators: int, *, boxes: bool = False, seed: int = 7) -> bytes:
    """A one-page PDF whose content stream holds ``operators`` path operators at random points
    (``boxes``: filled rectangles, each an object the reader keeps): it inflates no more than
    ordinary content (random digits compress about 2×), so only the time and memory of reading
    it give it away."""
    import random

    rng = random.Random(seed)
    op = b"%d %d 4 4 re f " if boxes else b"%d %d m "
    ops = b"".join(op % (rng.randrange(10_000), rng.randrange(10_000)) for _ in range(operators))
    stream = zlib.compress(ops, 9)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            _stream(stream, b" /Filter /FlateDecode"),
        ]
    )
