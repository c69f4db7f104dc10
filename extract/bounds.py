"""Bounds on what a notice may expand to while it is read: decompressed bytes (zip members, PDF streams).

A notice is refused before it is fully inflated when its decompressed content would total more than
``INFLATE_RATIO`` times the file's own size (at least ``INFLATE_FLOOR``) or more than ``INFLATE_TIMES``
times the file-size limit, whichever is smaller (100× the file, at most 1,000 MiB with the default
50 MiB limit). Real notices stay far below: the XML of a DOCX or XLSX inflates 5-20×, PDF content
streams 3-10×; a zip or flate bomb inflates 1000× and more.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import zipfile
import zlib

from zhibiao.errors import CorruptFile, InflatesTooLarge, ZhibiaoError

__all__ = ["INFLATE_RATIO", "INFLATE_FLOOR", "INFLATE_TIMES", "inflate_limit", "Budget", "budget", "current",
           "check_zip", "bounded_inflate", "MAX_ZIP_MEMBERS", "MAX_PAGES", "check_pages",
           "MAX_TEXT_CHARS", "check_text_lengths", "MAX_ROW_CELLS", "check_row_cells"]

INFLATE_RATIO = 100
INFLATE_FLOOR = 16 * 1024 * 1024
INFLATE_TIMES = 20
_CHUNK = 1 << 20

# The most members a zip package (DOCX, XLSX, OFD) may hold, and the most pages a paged package (OFD) may
# declare. A DOCX holds a few dozen members, an OFD about three per page plus its resources; a package of
# a hundred thousand empty members costs a record each before any text is read.
MAX_ZIP_MEMBERS = 20_000
MAX_PAGES = 5_000


def inflate_limit(size: int, limit: int) -> int:
    """The most a file of ``size`` bytes may decompress to in all, under the file-size limit ``limit``."""
    return min(max(INFLATE_RATIO * size, INFLATE_FLOOR), INFLATE_TIMES * limit)


class Budget:
    """The decompressed bytes one file may still produce; ``take`` refuses what goes beyond."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, n: int, what: str) -> None:
        self.used += n
        if self.used > self.limit:
            raise InflatesTooLarge(None, f"{what} inflates to more than {self.limit:,} bytes (limit: 100× the"
                                         " file's size, at most 20× the size limit)")


_CURRENT: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("zhibiao_inflate_budget", default=None)


def current(size: int) -> Budget:
    """The budget of the file being read, or a fresh one for a file of ``size`` bytes under the default limit."""
    found = _CURRENT.get()
    if found is not None:
        return found
    from . import max_bytes

    return Budget(inflate_limit(size, max_bytes()))


@contextlib.contextmanager
def budget(size: int, limit: int):
    """Reading one file of ``size`` bytes under the file-size limit ``limit``: one budget for all its streams."""
    token = _CURRENT.set(Budget(inflate_limit(size, limit)))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def check_zip(data: bytes, spent: Budget) -> None:
    """Refuse a zip package whose members declare, or really inflate to, more than the budget.

    The declared sizes are summed first (cheap); then every member is inflated as a bounded stream
    and counted, since a declared size may lie. Nothing inflated is kept.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                from zhibiao.errors import TooManyParts

                raise TooManyParts(None, f"its zip container holds {len(infos):,} members, more than"
                                         f" {MAX_ZIP_MEMBERS:,}")
            declared = sum(max(0, i.file_size) for i in infos)
            if declared > spent.limit:
                big = max(infos, key=lambda i: i.file_size)
                raise InflatesTooLarge(None, f"its zip members declare {declared:,} bytes uncompressed (largest"
                                             f" {big.filename}: {big.file_size:,}), more than {spent.limit:,} bytes"
                                             " (limit: 100× the file's size, at most 20× the size limit)")
            counted = Budget(spent.limit)
            for info in infos:
                with zf.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        counted.take(len(chunk), f"zip member {info.filename}")
    except (InflatesTooLarge, ZhibiaoError):
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError) as exc:
        raise CorruptFile(None, f"the zip container is damaged ({exc})") from None


def check_pages(count: int) -> None:
    """Refuse a document that declares more than MAX_PAGES pages (TooManyParts), before any page is read."""
    if count > MAX_PAGES:
        from zhibiao.errors import TooManyParts

        raise TooManyParts(None, f"it declares {count:,} pages, more than {MAX_PAGES:,}")


def bounded_inflate(data: bytes, what: str = "a PDF stream", *, corrupt_ok: bool = False) -> bytes:
    """``zlib.decompress(data)`` that stops with InflatesTooLarge once the file's budget is spent.

    ``corrupt_ok``: keep what inflated before a damaged end (pdfminer's ``decompress_corrupted``: an error
    in the last 3 bytes, the checksum, is ignored; one before them is raised).
    """
    spent = current(len(data))
    d = zlib.decompressobj()
    out: list[bytes] = []
    step = 64 if corrupt_ok else max(1, len(data))
    pos = 0
    try:
        while pos < len(data) and not d.eof:
            buf = data[pos:pos + step]
            pos += len(buf)
            while buf and not d.eof:
                chunk = d.decompress(buf, _CHUNK)
                spent.take(len(chunk), what)
                out.append(chunk)
                buf = d.unconsumed_tail
        while not d.eof and (chunk := d.decompress(b"", _CHUNK)):
            spent.take(len(chunk), what)
            out.append(chunk)
        if not d.eof and not corrupt_ok:
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
    except zlib.error:
        if not corrupt_ok or pos < len(data) - 3:
            raise
    return b"".join(out)


# The longest paragraph or table cell a notice may hold. A printed paragraph runs to a few thousand
# characters and a cell with a whole rubric's rules to a few ten thousand; a longer text is not a
# notice (a 20 MB single line, a dump), and reading it would cost time that grows faster than its length.
MAX_TEXT_CHARS = 200_000


# The most cells one table row of a text notice may hold. A rubric table has a few columns (Word allows
# 63); a line of a million tab-separated cells is no table, and every cell costs a record of its own.
MAX_ROW_CELLS = 1_000


def check_row_cells(count: int, line: int) -> None:
    """Refuse a table row of more than MAX_ROW_CELLS cells (TableTooWide names its 1-based line)."""
    if count > MAX_ROW_CELLS:
        from zhibiao.errors import TableTooWide

        raise TableTooWide(None, f"line {line} is a table row of {count:,} cells")


def check_text_lengths(layout) -> None:
    """Refuse a layout with a paragraph or cell longer than MAX_TEXT_CHARS (TextTooLong names where)."""
    from zhibiao.errors import TextTooLong
    from zhibiao.model import Table

    for block in layout.blocks:
        texts = [(c.text, c.source) for c in block.cells] if isinstance(block, Table) else [(block.text, block.source)]
        for text, source in texts:
            if len(text) > MAX_TEXT_CHARS:
                where = (f"line {source.lines[0]}" if source.lines else source.locator
                         or (f"page {source.pages[0]}" if source.pages else "a block"))
                raise TextTooLong(None, f"{where} holds {len(text):,} characters")
