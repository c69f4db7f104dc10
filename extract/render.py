"""PDF pages as images: one page of a PDF rendered with pdfium (pypdfium2) to a grayscale PNG, and the size of
the page in the coordinates the reader records regions in (PDF points, origin at the top left). A scanned image
notice (JPEG/PNG/TIFF, each TIFF page a page) is shown the same way: its page decoded (its pixels checked from its
header first), made gray and scaled, its size in points from the resolution OCR read it at (extract/ocr.py).

The review app shows an indicator's source page with its region highlighted (``zhibiao/web/pages.py``); no
pdfium object leaves this module: a page comes back as PNG bytes and plain numbers. The PNG is encoded here
(zlib, no imaging library). Calls into pdfium hold the reader's pdfium lock (pdfium is not thread-safe).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from zhibiao.errors import CorruptFile

__all__ = ["PageImage", "render_page", "page_size", "page_count", "MAX_PIXELS"]

MAX_PIXELS = 4_000_000  # a page is rendered at most this many pixels (a poster-sized page is scaled down)


@dataclass(frozen=True)
class PageImage:
    """A rendered page: the PNG, its size in pixels, and the page's size in points (the regions' space)."""

    png: bytes
    pixel_width: int
    pixel_height: int
    width: float
    height: float


def _png(gray: bytes, width: int, height: int, stride: int) -> bytes:
    """An 8-bit grayscale PNG of rows of ``stride`` bytes (the first ``width`` of each row are the pixels)."""
    raw = bytearray()
    for y in range(height):
        raw.append(0)  # filter type None
        raw += gray[y * stride: y * stride + width]

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(raw), 6)) + \
        chunk(b"IEND", b"")


def _open(data: bytes):
    from .pdfium import open_document

    doc = open_document(data)
    if doc is None:
        raise CorruptFile(None, "pdfium cannot open the PDF")
    return doc


def _is_image(data: bytes) -> bool:
    from .ocr import image_kind

    return image_kind(data) is not None


def _image_page(data: bytes, page: int, decode: bool) -> tuple[object, float, float]:
    """Page ``page`` of an image notice: its frame as a gray PIL image (None unless ``decode``) and its size in
    points (as OCR placed its text); IndexError for a page it does not have."""
    import io

    from PIL import Image, UnidentifiedImageError

    from .ocr import SETTINGS, _image_dpi, check_header, check_pixels

    header = check_header(data)
    dpi = _image_dpi(header)
    Image.MAX_IMAGE_PIXELS = SETTINGS.max_pixels
    try:
        with Image.open(io.BytesIO(data)) as im:
            if page < 1:
                raise IndexError(f"page {page}")
            try:
                im.seek(page - 1)
            except EOFError:
                raise IndexError(f"page {page}") from None
            check_pixels(im.width, im.height, f"page {page}")
            size = (im.width * 72 / dpi, im.height * 72 / dpi)
            frame = im.convert("L") if decode else None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise CorruptFile(None, f"the image cannot be decoded ({type(exc).__name__})") from None
    return frame, round(size[0], 3), round(size[1], 3)


def _render_image(data: bytes, page: int, scale: float) -> PageImage:
    frame, width, height = _image_page(data, page, decode=True)
    from PIL import Image

    assert isinstance(frame, Image.Image)
    scale = min(scale, (MAX_PIXELS / (width * height)) ** 0.5)
    pixel_width, pixel_height = max(1, round(width * scale)), max(1, round(height * scale))
    small = frame.resize((pixel_width, pixel_height), Image.Resampling.LANCZOS)
    return PageImage(_png(small.tobytes(), pixel_width, pixel_height, pixel_width), pixel_width, pixel_height,
                     width, height)


def page_count(data: bytes) -> int:
    """How many pages the PDF has."""
    from .pdf import _PDFIUM_LOCK

    with _PDFIUM_LOCK:
        doc = _open(data)
        try:
            return len(doc)
        finally:
            doc.close()


def page_size(data: bytes, page: int) -> tuple[float, float]:
    """The width and height in points of page ``page`` (1-based) of a PDF or an image notice; IndexError for a page
    it does not have."""
    if _is_image(data):
        _, width, height = _image_page(data, page, decode=False)
        return width, height
    from .pdf import _PDFIUM_LOCK

    with _PDFIUM_LOCK:
        doc = _open(data)
        try:
            if not 1 <= page <= len(doc):
                raise IndexError(f"page {page} of {len(doc)}")
            pdf_page = doc[page - 1]
            try:
                width, height = pdf_page.get_size()
            finally:
                pdf_page.close()
        finally:
            doc.close()
    return float(width), float(height)


def render_page(data: bytes, page: int, *, scale: float = 1.5) -> PageImage:
    """Page ``page`` (1-based) of the PDF ``data`` as a grayscale PNG at ``scale`` pixels a point (at most
    MAX_PIXELS); IndexError for a page the PDF does not have, CorruptFile for a file pdfium cannot open. An image
    notice's page is shown at the same scale of its size in points."""
    if _is_image(data):
        return _render_image(data, page, scale)
    from .pdf import _PDFIUM_LOCK

    with _PDFIUM_LOCK:
        doc = _open(data)
        try:
            if not 1 <= page <= len(doc):
                raise IndexError(f"page {page} of {len(doc)}")
            pdf_page = doc[page - 1]
            try:
                width, height = pdf_page.get_size()
                if width <= 0 or height <= 0:
                    raise CorruptFile(None, f"page {page} has no size")
                scale = min(scale, (MAX_PIXELS / (width * height)) ** 0.5)
                bitmap = pdf_page.render(scale=scale, grayscale=True, may_draw_forms=True)
                try:
                    buffer = bytes(bitmap.buffer)
                    pixel_width, pixel_height, stride = bitmap.width, bitmap.height, bitmap.stride
                    channels = stride // max(pixel_width, 1)
                finally:
                    bitmap.close()
            finally:
                pdf_page.close()
        finally:
            doc.close()
    if channels != 1:  # pdfium gave a colour bitmap (BGR/BGRx): its first channel is as good as gray for text
        buffer = bytes(buffer[i * stride + x * channels] for i in range(pixel_height) for x in range(pixel_width))
        stride = pixel_width
    return PageImage(_png(buffer, pixel_width, pixel_height, stride), pixel_width, pixel_height,
                     float(width), float(height))
