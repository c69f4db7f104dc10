"""Scanned pages and images read by OCR into the PDF reader's page form: tables and paragraphs come the same way.

A page image (a PDF page with no text layer, or a garbled one, rendered by pdfium at ``OcrSettings.dpi``; or a
JPEG/PNG/TIFF notice) is cleaned and measured here, read by an OCR engine (``OcrEngine``: image -> text boxes; the
default ``RapidOcrEngine``, RapidOCR's PP-OCRv4 Chinese models shipped in its wheel, nothing downloaded), and
turned into a ``PageForm`` (extract/pdf.py): every recognised glyph a char with its box in points and its
confidence, every ruling line found in the raster an edge. The PDF reader's one path (``page_blocks``) then makes
ruled tables from the lines, borderless tables from the box positions, and paragraphs.

The raster, before OCR:

- colour dropped by keeping each pixel's brightest channel: black print stays black, a red (or blue) seal over
  the table turns light and neither hides text nor draws lines;
- skew measured by the projection profile (the angle within ``max_skew`` degrees at which rows of ink are
  sharpest) and undone;
- ruling lines found by morphology (opening the inked pixels with a long thin kernel, ``line_min`` inches along
  and one pixel across), each connected run a line edge; they stay in the image the text is read from (a
  column line keeps the texts of two cells apart).

Positions are in points (72 a inch) from the page's top left, as a PDF page's: a PDF page's own size; an image's
from its resolution (its header's dots per inch where they are plausible, else its short side taken as A4's
210 mm). Bounds: an image's pixels are counted from its header alone (PNG ``IHDR``, JPEG ``SOFn``, TIFF's first
IFD) and an image over ``max_pixels`` is refused before it is decoded (``ImageTooLarge``), as is a rendering of a
PDF page that would be; a TIFF's pages are bounded as any document's (``bounds.MAX_PAGES``).
"""

from __future__ import annotations

import io
import struct
import sys
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Literal, Protocol

import numpy as np

from zhibiao.errors import CorruptFile, ImageTooLarge, NoTextLayer, OcrEngineMissing
from zhibiao.findings import reader_note
from zhibiao.model import Layout, Source

from . import bounds
from .pdf import PageForm, page_blocks

__all__ = ["OcrSettings", "SETTINGS", "TextBox", "OcrEngine", "RapidOcrEngine", "TesseractEngine", "ENGINES",
           "engine_named", "engine", "set_engine", "IMAGE_KINDS",
           "image_kind", "image_header", "check_header", "check_pixels", "decode_gray", "read_image", "ocr_page",
           "garbled", "confidence_in",
           "annotate", "ImageHeader", "PdfPages"]

IMAGE_KINDS = ("png", "jpeg", "tiff")


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """Every number the OCR path uses, in one place.

    ``dpi``: PDF pages are rendered at 200 dots per inch (12 pt type is then 33 px high, what the recogniser reads
    best; 300 dpi reads no better and takes 2.2x as long). ``low_confidence``: text the engine is less sure of than
    this (0-1) gets flag ``ocr_low_confidence``; its points a finding. ``keep_score``: boxes scored below this are
    noise and dropped. ``max_pixels``: an image or a page rendering of more pixels is refused (A3 at 600 dpi is
    70 million). ``line_min``: inches a ruling line runs at least. ``max_skew``: degrees of skew looked for.
    ``min_dpi``: below 100 dots per inch 12 pt type is under 17 px high and OCR reads it wrong more often than right.
    """

    dpi: int = 200
    low_confidence: float = 0.9
    keep_score: float = 0.3
    max_pixels: int = 80_000_000
    line_min: float = 0.3
    max_skew: float = 3.0
    ink: int = 160  # a pixel darker than this (0-255, after colour is dropped) is ink
    min_ink: float = 0.0005  # a page with a smaller share of ink pixels is blank: not read
    gap: float = 0.6  # line heights: a blank this wide between two glyphs of a line is kept (a column gap)
    min_dpi: int = 100  # a page image coarser than this (a PDF page's images, an image's resolution) is not read
    garbled_share: float = 0.2  # a text layer with this share of unreadable glyphs is garbled
    common_share: float = 0.6  # ...or whose Chinese characters are less often than this among the 3,755 common ones


SETTINGS = OcrSettings()


@dataclass(frozen=True, slots=True)
class TextBox:
    """One line of text an engine found: its corners (pixels, clockwise from top left), text and confidence (0-1).

    ``glyphs``: each glyph's text, its box (x0, top, x1, bottom in pixels) and confidence, where the engine gives
    them (None: spread over the box by the glyphs' natural widths). A glyph's char takes its line's confidence (a
    recogniser's probability per glyph is low on many a glyph it reads right).
    """

    quad: tuple[tuple[float, float], ...]
    text: str
    confidence: float
    glyphs: tuple[tuple[str, tuple[float, float, float, float], float], ...] | None = None


class OcrEngine(Protocol):
    """What reads text from a page image: a grayscale image (2-D uint8 array) -> its text boxes."""

    name: str

    def read(self, image: np.ndarray) -> list[TextBox]: ...


class RapidOcrEngine:
    """RapidOCR (rapidocr-onnxruntime): PP-OCRv4 Chinese detection and recognition, its models in the wheel."""

    name = "RapidOCR"

    def __init__(self, keep_score: float = SETTINGS.keep_score) -> None:
        self._keep = keep_score
        self._ocr: Callable | None = None
        self._lock = threading.Lock()

    def read(self, image: np.ndarray) -> list[TextBox]:
        import cv2

        with self._lock:  # one onnxruntime session per engine, used by one thread at a time
            ocr = self._session()
            # no angle classifier: pages come upright (skew undone), and it turns a clean line upside down now
            # and then (the line is then read as nothing and lost)
            result, _ = ocr(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), use_cls=False, return_word_box=True,
                            text_score=self._keep)
        return [_rapid_box(item) for item in result or []]

    def _session(self) -> Callable:
        """RapidOCR's pipeline, made on first use (call with the lock held)."""
        if self._ocr is None:
            from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped]

            self._ocr = RapidOCR(text_score=self._keep, print_verbose=False)
        return self._ocr

    def reread(self, image: np.ndarray, box: tuple[float, float, float, float]) -> TextBox | None:
        """The text of one box of the page (x0, top, x1, bottom in pixels) read again by the recogniser alone
        (no detection), None where the engine cannot (its recogniser's parts are not there)."""
        import cv2

        x0, top, x1, bottom = (int(round(v)) for v in box)
        crop = image[max(0, top):bottom, max(0, x0):x1]
        if crop.size == 0:
            return None
        with self._lock:
            ocr = self._session()
            rec, boxes = getattr(ocr, "text_rec", None), getattr(ocr, "cal_rec_boxes", None)
            if rec is None or boxes is None:
                return None
            bgr = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
            quad = np.array([[x0, top], [x1, top], [x1, bottom], [x0, bottom]], np.float32)
            found, _ = rec([bgr], True)
            if not found or float(found[0][1]) < self._keep:
                return None
            words = boxes([bgr], [quad], found)[0]
        return _rapid_box([quad.tolist(), words[0], words[1], words[2], words[3], words[4]])


def _rapid_box(item) -> TextBox:
    """One RapidOCR result (quad, text, score[, glyph corners, glyphs, glyph scores]) as a text box."""
    quad = tuple((float(x), float(y)) for x, y in item[0])
    raw, score = str(item[1]), float(item[2])
    text = _balanced(raw)
    glyphs = None
    if len(item) >= 6:
        corners, contents, scores = item[3], item[4], item[5]
        conf = list(scores) if len(scores) == len(contents) else [score] * len(contents)
        # a space the recogniser read is a glyph of its own there (机制 (3分)): its box left out
        kept = [(c, t, s) for c, t, s in zip(corners, contents, conf) if not str(t).isspace()]
        if len(corners) == len(contents) and "".join(t for _, t, _ in kept) == raw.replace(" ", ""):
            fixed = text.replace(" ", "")  # the same glyphs, brackets balanced
            glyphs = tuple((ch, _bbox(c), float(s)) for ch, (c, _, s) in zip(fixed, kept))
    return TextBox(quad, text, score, glyphs)


# an opening bracket -> (the full-width pair's opening, the closings it pairs with); 〈 is how Tesseract reads a
# full-width （ now and then (〈3分)), always closed by a round bracket
_PAIRS = {"(": ("（", ")", "）"), "（": ("（", ")", "）"), "〈": ("（", ")", "）"), "[": ("〔", "]", "〕"),
          "〔": ("〔", "]", "〕")}


def _balanced(text: str) -> str:
    """A bracket pair printed in one width: the recogniser reads the full-width （ or 〔 of a pair as the
    half-width one now and then ((二）, 〔2023]), or （ as 〈 (〈3分)); a pair with one full-width side (or 〈) is made
    full-width."""
    out = list(text)
    opened: list[int] = []
    for i, ch in enumerate(out):
        if ch in "(（〈[〔":
            opened.append(i)
        elif ch in ")）]〕" and opened:
            j = opened.pop()
            full, half_close, full_close = _PAIRS[out[j]]
            if ch not in (half_close, full_close):
                continue
            if out[j] in (full, "〈") or ch == full_close:
                out[j], out[i] = full, full_close
    return "".join(out)


def _bbox(corners) -> tuple[float, float, float, float]:
    xs = [float(p[0]) for p in corners]
    ys = [float(p[1]) for p in corners]
    return min(xs), min(ys), max(xs), max(ys)


class TesseractEngine:
    """Tesseract (Debian's tesseract-ocr and tesseract-ocr-chi-sim) through its command line, TSV output.

    The program is ZHIBIAO_TESSERACT if set, else ``tesseract`` on PATH; ``OcrEngineMissing`` (saying what to
    install) where it or its Simplified Chinese model is missing. Each page is one run (PNG on stdin, one thread,
    ``timeout`` seconds at most); its words (level 5 of the TSV) are grouped by line into text boxes, a word's
    box spread over its glyphs by their natural widths, a word's confidence (0-100) its glyphs' (0-1) and a line's
    the mean of its words'.
    """

    name = "Tesseract"
    INSTALL = "apt install tesseract-ocr tesseract-ocr-chi-sim"

    def __init__(self, lang: str = "chi_sim", psm: int = 3, timeout: float = 300.0,
                 keep_score: float = SETTINGS.keep_score) -> None:
        self.lang = lang
        self.psm = psm
        self.timeout = timeout
        self._keep = keep_score
        self._checked: str | None = None

    def program(self) -> str:
        """The tesseract program, checked once to have the model ``lang``; OcrEngineMissing if not."""
        import os
        import shutil
        import subprocess

        if self._checked is not None:
            return self._checked
        named = os.environ.get("ZHIBIAO_TESSERACT")
        found = (shutil.which(named) if named else None) or (None if named else shutil.which("tesseract"))
        if found is None:
            where = f"ZHIBIAO_TESSERACT={named!r} is not a program" if named else "no `tesseract` on PATH"
            raise OcrEngineMissing(None, where)
        try:
            done = subprocess.run([found, "--list-langs"], capture_output=True, text=True, timeout=60,
                                  env=self._env())
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise OcrEngineMissing(None, f"{found} cannot be run ({type(exc).__name__})") from None
        langs = {line.strip() for line in (done.stdout + done.stderr).splitlines()}
        if self.lang not in langs:
            raise OcrEngineMissing(None, f"{found} has no {self.lang} model (package tesseract-ocr-chi-sim)")
        self._checked = found
        return found

    @staticmethod
    def _env() -> dict[str, str]:
        import os

        return {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one thread a page: batches run pages side by side

    def read(self, image: np.ndarray) -> list[TextBox]:
        import subprocess

        import cv2

        program = self.program()
        ok, png = cv2.imencode(".png", _without_lines(image))
        if not ok:
            raise CorruptFile(None, "the page image cannot be encoded for Tesseract")
        try:
            done = subprocess.run([program, "stdin", "stdout", "-l", self.lang, "--psm", str(self.psm), "tsv"],
                                  input=png.tobytes(), capture_output=True, timeout=self.timeout, env=self._env())
        except subprocess.TimeoutExpired:
            raise CorruptFile(None, f"Tesseract did not read a page within {self.timeout:.0f} s") from None
        if done.returncode != 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise CorruptFile(None, f"Tesseract failed on a page (exit {done.returncode}: {tail[0][:200]})")
        return tesseract_boxes(done.stdout.decode("utf-8", "replace"), self._keep)


def _without_lines(gray: np.ndarray) -> np.ndarray:
    """The page with its ruling lines painted white (Tesseract reads a column line as a glyph, | or 丨, and a
    row line through a cell's text as nothing)."""
    out = gray.copy()
    out[_rule_mask(np.where(gray < SETTINGS.ink, 255, 0).astype(np.uint8), SETTINGS.dpi) > 0] = 255
    return out


def tesseract_boxes(tsv: str, keep: float = SETTINGS.keep_score) -> list[TextBox]:
    """Tesseract's TSV (level 5: words) as text boxes, one per line; words scored below ``keep`` dropped."""
    lines: dict[tuple[str, str, str, str], list[tuple[float, float, float, float, float, str]]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        try:
            left, top, width, height = (float(v) for v in cols[6:10])
            conf = float(cols[10]) / 100
        except ValueError:
            continue
        if not text or conf < keep or width <= 0 or height <= 0:
            continue
        lines.setdefault((cols[1], cols[2], cols[3], cols[4]), []).append(
            (left, top, left + width, top + height, conf, text))
    boxes = []
    for words in lines.values():
        words.sort(key=lambda w: w[0])
        glyphs: list[tuple[str, tuple[float, float, float, float], float]] = []
        text = ""
        for x0, top, x1, bottom, conf, word in words:
            if text and text[-1].isascii() and text[-1].isalnum() and word[0].isascii() and word[0].isalnum():
                text += " "  # two Latin words or numbers stay apart
            text += word
            chars = [ch for ch in word if not ch.isspace()]
            widths = [1.0 if _wide(ch) else 0.5 for ch in chars]
            unit = (x1 - x0) / (sum(widths) or 1.0)
            x = x0
            for ch, w in zip(chars, widths):
                glyphs.append((ch, (x, top, x + w * unit, bottom), conf))
                x += w * unit
        x0, x1 = words[0][0], max(w[2] for w in words)
        top, bottom = min(w[1] for w in words), max(w[3] for w in words)
        fixed = _balanced(text)
        glyphs = [(ch, b, c) for ch, (_, b, c) in zip(fixed.replace(" ", ""), glyphs)]
        conf = sum(w[4] for w in words) / len(words)
        boxes.append(TextBox(((x0, top), (x1, top), (x1, bottom), (x0, bottom)), fixed, conf, tuple(glyphs)))
    return boxes


ENGINES: dict[str, Callable[[], OcrEngine]] = {"rapidocr": RapidOcrEngine, "tesseract": TesseractEngine}


def engine_named(name: str | None) -> OcrEngine:
    """The engine of a name in ``ENGINES`` (None or empty: ZHIBIAO_OCR_ENGINE, else RapidOCR); ValueError if unknown."""
    import os

    key = (name or os.environ.get("ZHIBIAO_OCR_ENGINE") or "rapidocr").strip().lower()
    if key not in ENGINES:
        raise ValueError(f"unknown OCR engine {key!r} (known: {', '.join(ENGINES)})")
    return ENGINES[key]()


_ENGINE: OcrEngine | None = None


def engine() -> OcrEngine:
    """The engine pages are read with (``set_engine``'s, else ZHIBIAO_OCR_ENGINE's, else RapidOCR)."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = engine_named(None)
    return _ENGINE


def set_engine(new: OcrEngine | None) -> None:
    """Read pages with ``new`` from now on (None: the default RapidOCR)."""
    global _ENGINE
    _ENGINE = new


# --- image headers ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImageHeader:
    """What an image's header says: its kind, size in pixels and resolution (dots per inch; None if not given)."""

    kind: str
    width: int
    height: int
    dpi: float | None


def image_kind(data: bytes) -> str | None:
    """png, jpeg or tiff from the magic bytes; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    return None


def image_header(data: bytes) -> ImageHeader:
    """The header of a PNG, JPEG or TIFF, read without decoding a pixel; CorruptFile where it cannot be read."""
    kind = image_kind(data)
    try:
        if kind == "png":
            return _png_header(data)
        if kind == "jpeg":
            return _jpeg_header(data)
        if kind == "tiff":
            return _tiff_header(data)
    except (struct.error, IndexError, ValueError):
        pass
    raise CorruptFile(None, f"its {kind.upper() if kind else 'image'} header cannot be read")


def _png_header(data: bytes) -> ImageHeader:
    if data[12:16] != b"IHDR":
        raise ValueError("no IHDR")
    width, height = struct.unpack(">II", data[16:24])
    dpi = None
    at = data.find(b"pHYs", 33, 1 << 20)
    if at > 0:
        ppx, _ppy, unit = struct.unpack(">IIB", data[at + 4:at + 13])
        dpi = ppx * 0.0254 if unit == 1 else None
    return ImageHeader("png", width, height, dpi)


def _jpeg_header(data: bytes) -> ImageHeader:
    dpi = None
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise ValueError("not a marker")
        marker = data[at + 1]
        if marker == 0xFF:
            at += 1
            continue
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        if marker == 0xE0 and data[at + 4:at + 9] == b"JFIF\x00":
            unit, xd = data[at + 11], struct.unpack(">H", data[at + 12:at + 14])[0]
            dpi = float(xd) if unit == 1 else xd * 2.54 if unit == 2 else None
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return ImageHeader("jpeg", width, height, dpi)
        at += 2 + length
    raise ValueError("no frame header")


def _tiff_header(data: bytes) -> ImageHeader:
    order = "<" if data[:2] == b"II" else ">"
    ifd = struct.unpack(order + "I", data[4:8])[0]
    count = struct.unpack(order + "H", data[ifd:ifd + 2])[0]
    values: dict[int, float] = {}
    for k in range(count):
        entry = data[ifd + 2 + 12 * k: ifd + 14 + 12 * k]
        tag, kind, _n = struct.unpack(order + "HHI", entry[:8])
        if kind == 3:
            values[tag] = struct.unpack(order + "H", entry[8:10])[0]
        elif kind == 4:
            values[tag] = struct.unpack(order + "I", entry[8:12])[0]
        elif kind == 5 and tag == 282:
            off = struct.unpack(order + "I", entry[8:12])[0]
            num, den = struct.unpack(order + "II", data[off:off + 8])
            values[tag] = num / den if den else 0.0
    if 256 not in values or 257 not in values:
        raise ValueError("no size")
    unit = values.get(296, 2)
    res = values.get(282)
    dpi = res if res and unit == 2 else res * 2.54 if res and unit == 3 else None
    return ImageHeader("tiff", int(values[256]), int(values[257]), dpi)


def check_header(data: bytes) -> ImageHeader:
    """An image's header, refused when it cannot be read (CorruptFile) or names too many pixels (ImageTooLarge)."""
    header = image_header(data)
    _check_pixels(header.width, header.height, f"the {header.kind.upper()} image")
    return header


def check_pixels(width: int, height: int, what: str) -> None:
    """Refuse an image (or a page to be drawn) of no size (CorruptFile) or too many pixels (ImageTooLarge)."""
    _check_pixels(width, height, what)


def decode_gray(data: bytes, header: ImageHeader) -> np.ndarray:
    """An image's first frame as one channel (each pixel's brightest: a seal turns light); CorruptFile if it
    cannot be decoded."""
    return _gray(_frames(data, header, first=True)[0])


def _check_pixels(width: int, height: int, what: str) -> None:
    if width <= 0 or height <= 0:
        raise CorruptFile(None, f"{what} has no size ({width} x {height} pixels)")
    if width * height > SETTINGS.max_pixels:
        raise ImageTooLarge(None, f"{what} is {width:,} x {height:,} pixels, limit {SETTINGS.max_pixels:,} pixels;"
                                  " refused before decoding")


# --- the raster --------------------------------------------------------------------------------------


def _gray(rgb: np.ndarray) -> np.ndarray:
    """One channel: each pixel's brightest (a red or blue seal turns light, black print stays black)."""
    if rgb.ndim == 2:
        return rgb
    return rgb[:, :, :3].max(axis=2)


def _skew(ink: np.ndarray) -> float:
    """The angle (degrees) the page is turned by: where its rows of ink are sharpest (projection profile)."""
    import cv2

    h, w = ink.shape
    scale = min(1.0, 800 / max(w, 1))
    small = cv2.resize(ink, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(small, m, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST)
        rows = turned.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    limit = SETTINGS.max_skew
    best = max(np.arange(-limit, limit + 1e-9, 0.25), key=sharpness)
    best = max(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05), key=sharpness)
    return float(best)


def _rule_mask(ink: np.ndarray, dpi: float) -> np.ndarray:
    """The pixels of the ink mask that belong to ruling lines (runs of ``line_min`` inches), a pixel around."""
    import cv2

    length = max(8, int(SETTINGS.line_min * dpi))
    rows, cols = (cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
                  for kernel in ((length, 1), (1, length)))
    return cv2.dilate(np.maximum(rows, cols), cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))


def _lines(ink: np.ndarray, dpi: float) -> list[tuple[int, int, int, int]]:
    """The ruling lines in the ink mask, as (x0, y0, x1, y1) pixel segments."""
    import cv2

    length = max(8, int(SETTINGS.line_min * dpi))
    found: list[tuple[int, int, int, int]] = []
    for kernel, bridge, horizontal in (((length, 1), (max(3, length // 8), 1), True),
                                       ((1, length), (1, max(3, length // 8)), False)):
        # runs of ink this long only (a glyph's stroke is shorter), then gaps of noise along them bridged
        opened = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        opened = cv2.morphologyEx(opened, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, bridge))
        n, _labels, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=8)
        for k in range(1, n):
            x, y, w, h, _area = stats[k]
            thick = h if horizontal else w
            if thick > max(6, dpi / 25):  # a filled block (a black bar, a photo), not a line
                continue
            if horizontal:
                found.append((x, y + h // 2, x + w, y + h // 2))
            else:
                found.append((x + w // 2, y, x + w // 2, y + h))
    return found


def _points(px: float, dpi: float) -> float:
    return round(px * 72.0 / dpi, 3)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F", "A")


def _first_ink(mask: np.ndarray | None, x0: float, x1: float, top: float, bottom: float) -> float:
    """The first column in x0..x1 with ink between top and bottom (x0 where there is none, or no mask)."""
    if mask is None or bottom <= top or x1 <= x0:
        return x0
    a, b = max(0, int(top)), min(mask.shape[0], int(bottom) + 1)
    left = max(0, int(x0))
    cols = np.flatnonzero(mask[a:b, left:max(0, int(x1)) + 1].any(axis=0))
    return float(left + cols[0]) if len(cols) and left + cols[0] > x0 else x0


def _glyphs(box: TextBox, ink: np.ndarray | None = None,
            text_ink: np.ndarray | None = None) -> list[tuple[str, tuple[float, float, float, float], float]]:
    """The glyphs of a box with their pixel boxes: the engine's, else spread over the box's inked columns by
    natural width; their top and bottom the line's inked rows within the box (``ink``: the page's ink mask), as a
    text layer's glyphs stand on their line (an engine's boxes reach beyond the ink by a margin of their own).
    ``text_ink``: the ink without ruling lines, where the spread starts and ends (a box reaching back over a column
    line put its first glyph in the cell before: fz02's 解 of 司法调解联动)."""
    x0, top, x1, bottom = _bbox(box.quad)
    if ink is not None:
        a, b = max(0, int(top)), min(ink.shape[0], int(bottom) + 1)
        rows = np.flatnonzero(ink[a:b, max(0, int(x0)):max(0, int(x1)) + 1].any(axis=1))
        if len(rows):
            top, bottom = float(a + rows[0]), float(a + rows[-1] + 1)
    if box.glyphs:
        # a line's glyphs abut, as a text layer's do (the recogniser's glyph boxes are only their centres'
        # columns): each reaches the next one's start, unless the recogniser read a space between them or a gap
        # of ``gap`` line heights stands between them (two columns of a table without lines, read as one line)
        spaced = [False] * len(box.glyphs)
        k = 0
        for ch in box.text:
            if ch.isspace():
                if k:
                    spaced[k - 1] = True
            else:
                k += 1
        # a glyph starts at its first column of text ink (the first glyph's box reaches back over a column line
        # now and then, into the cell before: fz02's 解 of 司法调解联动)
        starts = [_first_ink(text_ink, b[0], b[2], top, bottom) for _, b, _ in box.glyphs]
        out = []
        for i, (ch, b, _) in enumerate(box.glyphs):
            follows = starts[i + 1] if i + 1 < len(box.glyphs) else b[2]
            apart = i + 1 == len(box.glyphs) or spaced[i] or follows - b[2] >= SETTINGS.gap * (bottom - top)
            end = b[2] if apart else max(b[2], follows)
            out.append((ch, (starts[i], top, end, bottom), box.confidence))
        return out
    chars = [ch for ch in box.text if not ch.isspace()]
    mask = text_ink if text_ink is not None else ink
    if mask is not None and bottom > top:
        a, b = max(0, int(top)), min(mask.shape[0], int(bottom) + 1)
        left = max(0, int(x0))
        cols = np.flatnonzero(mask[a:b, left:max(0, int(x1)) + 1].any(axis=0))
        if len(cols):
            x0, x1 = float(left + cols[0]), float(left + cols[-1] + 1)
    widths = [1.0 if _wide(ch) else 0.5 for ch in chars]
    unit = (x1 - x0) / (sum(widths) or 1.0)
    out, x = [], x0
    for ch, w in zip(chars, widths):
        out.append((ch, (x, top, x + w * unit, bottom), box.confidence))
        x += w * unit
    return out


_Glyph = tuple[str, tuple[float, float, float, float], float]
_BARS = frozenset("|丨｜│")
_THIN = frozenset("1lI!｜")  # glyphs a vertical line is read as, besides the bars


def _inked(mask: np.ndarray, x0: float, top: float, x1: float, bottom: float) -> bool:
    """Whether the mask (text ink, the ruling lines painted out) holds ink in the middle half of the box (pixels:
    its edges may reach the ink of the glyphs beside it)."""
    a, b = x0 + (x1 - x0) / 4, x1 - (x1 - x0) / 4
    region = mask[max(0, int(top)):max(0, int(bottom) + 1), max(0, int(a)):max(0, int(b) + 1)]
    return bool(region.size and region.any())


def _on_rule(segments: list[tuple[int, int, int, int]], x0: float, top: float, x1: float, bottom: float) -> bool:
    """Whether a vertical ruling line runs through the box x0..x1 over most of top..bottom (pixels)."""
    high = bottom - top
    return any(sx0 == sx1 and x0 <= sx0 <= x1 and min(bottom, sy1) - max(top, sy0) >= 0.5 * high
               for sx0, sy0, sx1, sy1 in segments)


def _beside_rule(line: list[_Glyph], i: int, segments: list[tuple[int, int, int, int]]) -> bool:
    """Whether glyph i ends or begins its line a column gap from the rest of it, with a vertical ruling line
    between it and the rest or within half a line height of it (a text box reaching back over a column line)."""
    if len(line) < 2 or i not in (0, len(line) - 1):
        return False
    x0, top, x1, bottom = line[i][1]
    high = bottom - top
    rest = line[1][1][0] if i == 0 else line[-2][1][2]
    if (rest - x1 if i == 0 else x0 - rest) < SETTINGS.gap * high:
        return False
    lo, hi = (x0 - high / 2, rest) if i == 0 else (rest, x1 + high / 2)
    return any(sx0 == sx1 and lo <= sx0 <= hi and min(bottom, sy1) - max(top, sy0) >= 0.5 * high
               for sx0, sy0, sx1, sy1 in segments)


def _own_ink(mask: np.ndarray, boxes: list[TextBox], k: int, box: tuple[float, float, float, float]) -> bool:
    """Whether the glyph box holds text ink in its middle half outside every other text box of the page."""
    x0, top, x1, bottom = box
    a, b = int(x0 + (x1 - x0) / 4), int(x1 - (x1 - x0) / 4) + 1
    region = mask[max(0, int(top)):max(0, int(bottom) + 1), max(0, a):max(0, b)].copy()
    for m, other in enumerate(boxes):
        if m == k:
            continue
        ox0, otop, ox1, obottom = _bbox(other.quad)
        if otop < bottom and obottom > top:
            region[:, max(0, int(ox0) - a):max(0, int(ox1) + 1 - a)] = 0
    return bool(region.size and region.any())


def _widened(reader: OcrEngine, gray: np.ndarray, boxes: list[TextBox], text_ink: np.ndarray,
             segments: list[tuple[int, int, int, int]]) -> list[TextBox]:
    """The boxes, each whose line of ink goes on beyond its last glyph read (a glyph of ink apart, within a column
    gap, before a column line or another box) read again over that ink: the detector leaves a thin last glyph out
    now and then (the “一 of 实现“一网通办” at a line's end, lost), or the recogniser one inside a short box (the 。 of
    100%。); the recogniser alone reads the box it is given. The new reading is kept only where it reads the old
    one and more."""
    reread = getattr(reader, "reread", None)
    if reread is None:
        return boxes
    rects = [_bbox(b.quad) for b in boxes]
    verticals = [s for s in segments if s[0] == s[2]]
    out = list(boxes)
    for k, (x0, top, x1, bottom) in enumerate(rects):
        a, b = max(0, int(top)), min(text_ink.shape[0], int(bottom) + 1)
        inked = np.flatnonzero(text_ink[a:b, max(0, int(x0)):max(0, int(x1)) + 1].any(axis=1))
        if len(inked) < 4:
            continue
        ta, tb = a + int(inked[0]), a + int(inked[-1]) + 1
        high = tb - ta
        band = text_ink[ta + high // 4:tb - high // 4]
        limit = SETTINGS.gap * high
        stops = [sx for sx, sy0, _, sy1 in verticals if sy0 <= ta + high / 2 <= sy1 and sx > x1] + \
            [r[0] for m, r in enumerate(rects) if m != k and r[1] < tb and r[3] > ta and r[0] > x1 - 1] + \
            [text_ink.shape[1]]
        stop = min(stops)
        glyphs = boxes[k].glyphs
        x = int(min(x1, glyphs[-1][1][2])) if glyphs else int(x1)  # where the reading ends
        while x < stop - 1 and band[:, x].any():
            x += 1  # the ink of the last glyph read
        begin, end, blank = None, x1, 0
        while x < stop - 1 and blank < limit:
            if band[:, x].any():
                begin = x if begin is None else begin
                end, blank = float(x + 1), 0
            elif x >= x1:
                blank += 1  # blank within the detector's box is of the line
            x += 1
        if begin is None or end - begin < high / 6:
            continue
        new = reread(gray, (x0, top, min(end + high / 4, stop - 1), bottom))
        old = boxes[k].text.replace(" ", "")
        if new is not None and new.glyphs and new.text.replace(" ", "").startswith(old) \
                and len(new.text.replace(" ", "")) > len(old):
            out[k] = new
    return out


def _unmatched(line: list[_Glyph]) -> tuple[list[int], list[int]]:
    """The round brackets of a line left open, and those closed with no opening before them (glyph indexes)."""
    opened: list[int] = []
    closed: list[int] = []
    for i, (ch, _, _) in enumerate(line):
        if ch in "(（":
            opened.append(i)
        elif ch in ")）":
            if opened:
                opened.pop()
            else:
                closed.append(i)
    return opened, closed


def _pairs_across(lines: list[list[_Glyph]]) -> list[list[_Glyph]]:
    """The lines with a round bracket pair broken over two lines of one cell printed in one width: a pair with a
    full-width side is full-width (the （ of （应当组织听证…等） and its ) a line below read half-width)."""
    out = [list(line) for line in lines]
    spans = [(min(g[1][0] for g in line), min(g[1][1] for g in line), max(g[1][2] for g in line),
              max(g[1][3] for g in line)) if line else None for line in out]
    for k, line in enumerate(out):
        _, closed = _unmatched(line)
        span = spans[k]
        if not closed or span is None:
            continue
        x0, top, x1, _ = span
        above = [m for m, sp in enumerate(spans) if sp is not None and m != k and sp[3] <= top + 0.3 * (sp[3] - sp[1])
                 and top - sp[3] < sp[3] - sp[1] and min(x1, sp[2]) - max(x0, sp[0]) > 0]
        if not above:
            continue
        m = max(above, key=lambda j: spans[j][3])  # type: ignore[index]
        opened, _ = _unmatched(out[m])
        if len(opened) != 1 or len(closed) != 1:
            continue
        i, j = closed[0], opened[0]
        if "（" in (out[m][j][0], line[i][0]) and out[m][j][0] + line[i][0] != "（）":
            out[m][j] = ("（",) + out[m][j][1:]
            line[i] = ("）",) + line[i][1:]
    return out


def _without_strays(lines: list[list[_Glyph]]) -> list[list[_Glyph]]:
    """The lines without the glyphs one line read of its neighbour's: a glyph at the end of a line, a column gap
    away from the rest of it, lying over a glyph of another line that stands with its own, is that glyph read
    twice (a text box of the next cell reaching back over the column line: fz02's 2 of （2分） read again as the
    start of the cell beside it, and its points read as 22) and is dropped."""
    def apart(line: list[_Glyph], i: int) -> bool:
        """Whether glyph i stands a column gap (``gap`` line heights) from the glyphs beside it in its line."""
        if len(line) < 2:
            return False
        x0, top, x1, bottom = line[i][1]
        gap = SETTINGS.gap * (bottom - top)
        left = i == 0 or x0 - line[i - 1][1][2] >= gap
        right = i == len(line) - 1 or line[i + 1][1][0] - x1 >= gap
        return left and right

    def over(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
        wide = min(a[2], b[2]) - max(a[0], b[0])
        high = min(a[3], b[3]) - max(a[1], b[1])
        return wide >= 0.5 * min(a[2] - a[0], b[2] - b[0]) and high >= 0.5 * min(a[3] - a[1], b[3] - b[1])

    drop: set[tuple[int, int]] = set()
    for k, line in enumerate(lines):
        for i in (0, len(line) - 1) if len(line) > 1 else ():
            if not apart(line, i):
                continue
            box = line[i][1]
            for m, other in enumerate(lines):
                if m == k or not other or other[0][1][1] > box[3] or other[-1][1][3] < box[1]:
                    continue
                if any(over(box, g[1]) and not apart(other, j) for j, g in enumerate(other)):
                    drop.add((k, i))
                    break
    if not drop:
        return lines
    return [[g for i, g in enumerate(line) if (k, i) not in drop] for k, line in enumerate(lines)]


def ocr_page(rgb: np.ndarray, number: int, dpi: float, width_pt: float | None = None,
             height_pt: float | None = None) -> PageForm:
    """A page image (H x W, gray or RGB) as the PDF reader's page form: recognised glyphs as chars, lines as edges.

    ``dpi``: the image's resolution (its pixels to points); ``width_pt``/``height_pt``: the page's size where it
    is known (a PDF page), else the image's. Chars carry ``confidence`` (0-1) besides pdfplumber's keys.
    """
    import cv2

    gray = _gray(rgb)
    ink = np.where(gray < SETTINGS.ink, 255, 0).astype(np.uint8)
    h, w = gray.shape
    height_pt = height_pt if height_pt is not None else _points(h, dpi)
    width_pt = width_pt if width_pt is not None else _points(w, dpi)
    if ink.mean() / 255 < SETTINGS.min_ink:
        return PageForm(number, height_pt, (0.0, 0.0, width_pt, height_pt), [], [])
    angle = _skew(ink)
    if abs(angle) >= 0.05:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        gray = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
        ink = np.where(gray < SETTINGS.ink, 255, 0).astype(np.uint8)
    # the lines stay in the image the engine reads: erased, the texts of neighbouring cells run together into
    # one line of text (jt01's 六、减分项 and the cell beside it, read with a 页 between them)
    segments = _lines(ink, dpi)
    text_ink = np.where(_rule_mask(ink, dpi) > 0, 0, ink).astype(np.uint8) if segments else ink
    chars: list[dict] = []
    boxes = _widened(engine(), gray, engine().read(gray), text_ink, segments)
    lines = [_glyphs(box, ink, text_ink) for box in boxes]
    for k, line in enumerate(_pairs_across(_without_strays(lines))):
        for i, (ch, (x0, top, x1, bottom), conf) in enumerate(line):
            if ch in _BARS and _on_rule(segments, x0, top, x1, bottom):
                continue  # a column line read as a glyph (公正|文明)
            if ch in _THIN and _on_rule(segments, x0, top, x1, bottom) and not _inked(text_ink, x0, top, x1, bottom):
                continue  # a column line read as a 1 (a 分值 of 3 read as 13): no ink in its middle but the line's
            if ch in _THIN and _beside_rule(line, i, segments) and not _own_ink(text_ink, boxes, k, line[i][1]):
                continue  # a column line and the neighbour cell's last stroke read as a 1 (产权和1合法权益)

            t, b = _points(top, dpi), _points(bottom, dpi)
            chars.append({"text": ch, "x0": _points(x0, dpi), "x1": _points(x1, dpi), "top": t, "bottom": b,
                          "size": round(b - t, 3), "fontname": "OCR", "confidence": round(conf, 3)})
    shapes = [{"kind": "line", "pts": [(_points(x0, dpi), height_pt - _points(y0, dpi)),
                                       (_points(x1, dpi), height_pt - _points(y1, dpi))]}
              for x0, y0, x1, y1 in segments]
    from .pdfium import _to_edges

    page = SimpleNamespace(height=height_pt, mediabox=(0.0, 0.0, width_pt, height_pt))
    return PageForm(number, height_pt, (0.0, 0.0, width_pt, height_pt), chars, _to_edges(page, shapes))


# --- garbled text layers -----------------------------------------------------------------------------

_COMMON: frozenset[str] | None = None


def _common() -> frozenset[str]:
    """The 3,755 most common Chinese characters (GB 2312 level 1, rows 16-55)."""
    global _COMMON
    if _COMMON is None:
        _COMMON = frozenset(bytes((hi, lo)).decode("gb2312", "ignore") for hi in range(0xB0, 0xD8)
                            for lo in range(0xA1, 0xFF)) - {""}
    return _COMMON


def _unreadable(ch: str) -> bool:
    if ch.startswith("(cid:"):
        return True
    if len(ch) != 1:
        return False
    o = ord(ch)
    return (0xE000 <= o <= 0xF8FF or o >= 0xF0000 or o == 0xFFFD or 0x80 <= o <= 0x2FF
            or unicodedata.category(ch) == "Cc" and ch not in "\t\n\r")


def garbled(chars: list[dict]) -> str | None:
    """Why a page's text layer is garbage (fonts without ToUnicode, wrong mappings), or None when it reads.

    Garbled: at least ``garbled_share`` of its glyphs unreadable ((cid:N), private use, U+FFFD, controls, or
    Latin-1/Latin Extended letters: CIDs read as codes), or its Chinese characters rarely the common ones.
    """
    texts = [c["text"] for c in chars if c["text"] and not c["text"].isspace()]
    if len(texts) < 20:
        return None
    bad = sum(map(_unreadable, texts))
    if bad >= SETTINGS.garbled_share * len(texts):
        return f"{bad} of {len(texts)} glyphs unreadable"
    han = [t for t in texts if len(t) == 1 and "\u4e00" <= t <= "\u9fff"]
    if len(han) >= 20:
        common = _common()
        share = sum(t in common for t in han) / len(han)
        if share < SETTINGS.common_share:
            return f"only {share:.0%} of its {len(han)} Chinese characters are common ones"
    return None


# --- confidence on the layout ------------------------------------------------------------------------


def confidence_in(chars: list[dict], bbox: tuple[float, float, float, float]) -> float | None:
    """The lowest confidence of the OCR'd chars whose centre lies in bbox (None: no OCR'd char there)."""
    x0, top, x1, bottom = bbox
    found = [c["confidence"] for c in chars if "confidence" in c
             and x0 - 1 <= (c["x0"] + c["x1"]) / 2 <= x1 + 1 and top - 1 <= (c["top"] + c["bottom"]) / 2 <= bottom + 1]
    return min(found) if found else None


def annotate(blocks: list, pages: dict[int, list[dict]]) -> None:
    """Give every source of the blocks that lies on an OCR'd page the lowest confidence of its chars."""
    def source(src: Source) -> None:
        values = [confidence_in(pages[r.page], r.bbox) for r in src.regions or () if r.page in pages]
        found = [v for v in values if v is not None]
        if found:
            src.confidence = min(found)

    for block in blocks:
        if block.kind == "table":
            for cell in block.cells:
                source(cell.source)
        else:
            source(block.source)


# --- images -----------------------------------------------------------------------------------------


def _progress(done: int, count: int, name: str) -> None:
    """A progress bar per OCR'd page on stderr, where stderr is a terminal (or ZHIBIAO_PROGRESS=1)."""
    import os

    if not (sys.stderr.isatty() or os.environ.get("ZHIBIAO_PROGRESS") == "1"):
        return
    bar = "#" * (20 * done // max(count, 1))
    sys.stderr.write(f"\rOCR {name}: [{bar:<20}] page {done}/{count}")
    if done == count:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _image_dpi(header: ImageHeader) -> float:
    """Dots per inch: the header's where plausible (the page then between A6 and A2), else A4's short side."""
    short = min(header.width, header.height)
    if header.dpi and 50 <= header.dpi <= 1200 and 3.5 <= short / header.dpi <= 17:
        return header.dpi
    return short / (210 / 25.4)


def _frames(data: bytes, header: ImageHeader, first: bool = False) -> list[np.ndarray]:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = SETTINGS.max_pixels
    try:
        with Image.open(io.BytesIO(data)) as im:
            frames = []
            for n, frame in enumerate(ImageSequence.Iterator(im), start=1):
                if n > bounds.MAX_PAGES:
                    bounds.check_pages(n)
                _check_pixels(frame.width, frame.height, f"page {n}")
                frames.append(np.asarray(frame.convert("RGB")))
                if first:
                    break
            return frames
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise CorruptFile(None, f"the {header.kind.upper()} image cannot be decoded ({type(exc).__name__})") from None


def read_image(data: bytes, name: str, sha256: str,
               progress: Callable[[int, int, str], None] = _progress) -> Layout:
    """Read a JPEG/PNG/TIFF notice by OCR (each TIFF page a page), refusing one of too many pixels before decoding."""
    header = check_header(data)
    dpi = _image_dpi(header)
    if dpi < SETTINGS.min_dpi:
        raise NoTextLayer(None, f"the image is {dpi:.0f} dpi, too coarse for OCR (at least {SETTINGS.min_dpi} dpi)")
    frames = _frames(data, header)
    forms: dict[int, PageForm] = {}
    for n, frame in enumerate(frames, start=1):
        forms[n] = ocr_page(frame, n, dpi)
        progress(n, len(frames), name)
    blocks, empty = page_blocks(forms.__getitem__, len(frames), name, _page_error)
    if len(empty) == len(frames):
        raise NoTextLayer(None, "OCR found no text in the image")
    annotate(blocks, {n: f.chars for n, f in forms.items()})
    notes = [reader_note("ocr_read", pages=_ranges(list(forms)), engine=engine().name, dpi=round(dpi))]
    kinds: dict[str, Literal["png", "jpeg", "tiff"]] = {"png": "png", "jpeg": "jpeg", "tiff": "tiff"}
    kind = kinds[header.kind]
    return Layout(file=name, sha256=sha256, format=kind, pages=len(frames), notes=notes, blocks=blocks,
                  ocr_pages=[n for n, f in forms.items() if f.chars])


def _ranges(numbers: list[int]) -> str:
    from .pdf import _page_ranges

    return _page_ranges(numbers)


def _page_error(number: int, exc: Exception):
    return CorruptFile(None, f"page {number}: it cannot be read by OCR ({type(exc).__name__})")


# --- PDF pages ---------------------------------------------------------------------------------------


def _images_dpi(page) -> float | None:
    """The finest resolution of a PDF page's images (pixels per inch as placed), None for a page without images."""
    import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

    best = None
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        px_w, px_h = obj.get_px_size()
        x0, y0, x1, y1 = obj.get_bounds()
        if x1 - x0 > 1 and y1 - y0 > 1:
            dpi = min(px_w / ((x1 - x0) / 72), px_h / ((y1 - y0) / 72))
            best = dpi if best is None else max(best, dpi)
    return best


class PdfPages:
    """A PDF's page forms with OCR where the text layer fails: a page of images only, or a garbled layer.

    ``page(number)`` wraps a PDF engine's page reader; the pages OCR read (``scanned``, ``garbled``) and their
    chars (for ``annotate``) are kept, the page images are not.
    """

    def __init__(self, data: bytes, count: int, name: str, read: Callable[[int], PageForm],
                 progress: Callable[[int, int, str], None] = _progress) -> None:
        self.data = data
        self.count = count
        self.name = name
        self.read = read
        self.progress = progress
        self.scanned: list[int] = []
        self.garbled: list[int] = []
        self.chars: dict[int, list[dict]] = {}
        self.coarse: dict[int, int] = {}  # pages whose images are too coarse to read, and their resolution
        self._doc = None

    def page(self, number: int) -> PageForm:
        form = self.read(number)
        if not any(not c["text"].isspace() for c in form.chars):
            done = self._ocr(form)
            if done.chars:
                self.scanned.append(number)
            return done
        if garbled(form.chars) is not None:
            self.garbled.append(number)
            return self._ocr(form)
        return form

    def _ocr(self, form: PageForm) -> PageForm:
        from .pdf import _PDFIUM_LOCK

        width, height = form.bbox[2] - form.bbox[0], form.bbox[3] - form.bbox[1]
        scale = SETTINGS.dpi / 72
        _check_pixels(round(width * scale), round(height * scale), f"page {form.number} rendered for OCR")
        with _PDFIUM_LOCK:
            if self._doc is None:
                from .pdfium import open_document

                self._doc = open_document(self.data)
                if self._doc is None:
                    raise CorruptFile(None, "pdfium cannot open the PDF to render its pages for OCR")
            page = self._doc[form.number - 1]
            try:
                dpi = _images_dpi(page)
                if dpi is not None and dpi < SETTINGS.min_dpi:
                    self.coarse[form.number] = round(dpi)
                    return form
                bitmap = page.render(scale=scale, rev_byteorder=True, may_draw_forms=True)
                rgb = bitmap.to_numpy().copy()
                bitmap.close()
            finally:
                page.close()
        done = ocr_page(rgb, form.number, SETTINGS.dpi, width, form.height)
        if done.chars:
            self.chars[form.number] = done.chars
        self.progress(form.number, self.count, self.name)
        return done

    def refusal(self, empty: list[int]) -> NoTextLayer:
        """Why no page could be read: no text layer, and the images too coarse or without text OCR can read."""
        coarse = [n for n in empty if n in self.coarse]
        if coarse:
            low, high = min(self.coarse[n] for n in coarse), max(self.coarse[n] for n in coarse)
            dpi = str(low) if low == high else f"{low}-{high}"
            return NoTextLayer(None, f"page(s) {_ranges(coarse)} are images of {dpi} dpi, too coarse for OCR (at"
                                     f" least {SETTINGS.min_dpi} dpi)")
        return NoTextLayer(None, f"page(s) {_ranges(empty)}: OCR found no text")

    def close(self) -> None:
        from .pdf import _PDFIUM_LOCK

        if self._doc is not None:
            with _PDFIUM_LOCK:
                self._doc.close()
            self._doc = None

    def notes(self) -> list:
        """The reader notes of the pages OCR read."""
        out = []
        if self.garbled:
            out.append(reader_note("pdf_garbled_text", pages=_ranges(self.garbled)))
        read = sorted(self.scanned + self.garbled)
        if read:
            out.append(reader_note("ocr_read", pages=_ranges(read), engine=engine().name, dpi=SETTINGS.dpi))
        return out
