"""OFD notices (GB/T 33190, the national format of electronic official documents) in the PDF reader's page form.

An OFD file is a zip package of XML parts: ``OFD.xml`` names the document root (``DocBody/DocRoot``),
its ``Document.xml`` the pages (``Pages/Page@BaseLoc``), the page templates (``CommonData/TemplatePage``)
and the resources (``PublicRes``/``DocumentRes``: fonts); each page's ``Content.xml`` holds layers of
graphic objects. A page is read into the same ``PageForm`` as a PDF page (extract/pdf.py: chars with
their boxes, font size and font name; the edges of ruling lines and boxes), and the PDF reader's one
path (``page_blocks``) turns the forms into paragraphs and tables, so that normalize/ never sees the
difference.

What is read:

- ``TextObject``: its ``TextCode`` runs (``X``/``Y`` the baseline start of a run in the object's space,
  ``DeltaX``/``DeltaY`` the advances between glyphs, ``g N v`` meaning N advances of v), the object's
  ``Boundary`` (its origin on the page), ``CTM`` (object space -> boundary space), ``Size`` (the font
  size) and ``Font`` (resolved through the resources to its ``FontName``, ``-Bold``/``-Italic`` added
  where the font says so). OFD carries no glyph metrics outside embedded fonts: a glyph's box is taken
  as ``OFD_ASCENT`` of the size above the baseline and ``OFD_DESCENT`` below it (the ideographic em box
  of CJK fonts), and its width as the advance to the next glyph, or where there is none (the run's last
  glyph) or the advance is wider than ``OFD_WIDE`` ems (a gap follows), 1 em for a wide (CJK, full-width)
  glyph (and an East Asian ambiguous one: “”—…, full-width in CJK fonts) and ``OFD_NARROW`` em for a
  narrow one.
- ``PathObject``: its ``AbbreviatedData`` (``M``/``S`` move, ``L`` line, ``B`` cubic and ``Q`` quadratic
  Bézier, ``A`` arc, ``C``/``Z`` close), through its ``CTM`` and ``Boundary``, as lines, rectangles and
  curves exactly as the PDF engines give them (so thin filled rectangles and stroked lines are ruling
  lines alike); a path neither stroked nor filled draws nothing.
- ``PageBlock`` and ``CompositeObject`` groups, every layer of the page, and the page's templates
  (``Template@TemplateID``; background and foreground alike, since only positions matter here).
  Objects with ``Visible="false"`` are skipped.
- ``ImageObject`` (a scanned OFD: each page one image of the paper): its ``ResourceID`` resolved through the
  resources' ``MultiMedias`` (``MediaFile``, under the resource file's ``BaseLoc``). A page without text that
  carries images is read by OCR (extract/ocr.py): its images drawn (through their ``CTM``, the unit square
  onto the boundary) on a white page at ``OcrSettings.dpi``, and that page image read as a scanned PDF page is;
  an image's pixels are counted from its header and refused over the limit before it is decoded, and images
  placed coarser than ``min_dpi`` are not read.

For the review app a page is drawn as an image (``render_page``, ``page_size``): its images as above (any
resolution), its ruling lines, and its glyphs at their boxes in a CJK font (their outlines where none is
installed); OFD carries no page raster of its own.

Units: OFD's millimetres become points (1/72 inch, rounded to 1/1000 pt), y measured from the page's top
as in pdfplumber.
Provenance is the PDF reader's: page numbers and boxes in points. Bounds: the package's members are
inflated under the file's budget and counted (extract/bounds.py ``check_zip``: decompressed bytes,
member count) before any XML is parsed, and a document of more than ``MAX_PAGES`` pages is refused.
"""

from __future__ import annotations

import functools
import io
import math
import os
import posixpath
import unicodedata
import zipfile
from collections.abc import Iterator
from types import SimpleNamespace

from lxml import etree

from zhibiao.errors import CorruptFile, NoTextLayer, ZhibiaoError
from zhibiao.findings import reader_note
from zhibiao.model import Layout

from . import bounds
from .pdf import PageForm, page_blocks, region_text

__all__ = ["read_ofd", "text_in_region", "page_size", "render_page", "is_ofd", "OFD_ASCENT", "OFD_DESCENT",
           "OFD_NARROW", "OFD_WIDE", "MM_TO_PT"]

MM_TO_PT = 72 / 25.4
OFD_ASCENT = 0.88  # font sizes above the baseline a glyph's box reaches
OFD_DESCENT = 0.12  # font sizes below it
OFD_NARROW = 0.5  # ems: the width of a narrow glyph (Latin letter, digit, ASCII sign) where no advance gives it
OFD_WIDE = 1.0  # ems: the width of a wide glyph; an advance wider than this is the glyph and a gap after it
_DIGITS = 3  # positions in points are rounded to 1/1000 pt: what mm -> pt arithmetic adds below it is noise
_DEFAULT_BOX = (0.0, 0.0, 210.0, 297.0)  # A4 in millimetres, where no PhysicalBox is given
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True, remove_pis=True)
_SKIPPED = {"Annotation", "Annot"}


def is_ofd(names: set[str]) -> bool:
    """A zip package whose entry part is OFD.xml (any letter case, at the root)."""
    return any(n.lower() == "ofd.xml" for n in names)


def _local(el) -> str:
    tag = el.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _kids(el, name: str) -> Iterator:
    for child in el:
        if _local(child) == name:
            yield child


def _kid(el, name: str):
    return next(_kids(el, name), None)


def _path(el, *names: str):
    for name in names:
        if el is None:
            return None
        el = _kid(el, name)
    return el


def _numbers(text: str | None, what: str) -> list[float]:
    try:
        values = [float(t) for t in (text or "").split()]
        if not all(math.isfinite(v) for v in values):
            raise ValueError
        return values
    except ValueError:
        raise CorruptFile(None, f"{what} is not a list of numbers: {(text or '')[:60]!r}") from None


def _box(text: str | None, what: str) -> tuple[float, float, float, float] | None:
    values = _numbers(text, what)
    if not values:
        return None
    if len(values) != 4:
        raise CorruptFile(None, f"{what} has {len(values)} numbers, not 4 (x y width height)")
    return values[0], values[1], values[2], values[3]


def _deltas(text: str | None, what: str) -> list[float]:
    """DeltaX/DeltaY: numbers, ``g N v`` for N advances of v."""
    out: list[float] = []
    tokens = (text or "").split()
    i = 0
    try:
        while i < len(tokens):
            if tokens[i] == "g":
                count, value = int(tokens[i + 1]), float(tokens[i + 2])
                if count < 0 or count > bounds.MAX_TEXT_CHARS or not math.isfinite(value):
                    raise ValueError
                out.extend([value] * count)
                i += 3
            else:
                out.append(float(tokens[i]))
                if not math.isfinite(out[-1]):
                    raise ValueError
                i += 1
    except (ValueError, IndexError):
        raise CorruptFile(None, f"{what} is not a list of advances: {(text or '')[:60]!r}") from None
    return out


class _Package:
    """The parts of an OFD zip, read by name (relative to a part's folder, or from the root)."""

    def __init__(self, data: bytes) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.names = {n.lstrip("/"): n for n in self.zip.namelist()}
        except zipfile.BadZipFile:
            raise CorruptFile(None, "the zip container is damaged") from None
        self.lower = {k.lower(): v for k, v in self.names.items()}

    def resolve(self, base: str, loc: str | None) -> str | None:
        """The member a location names: ``/x`` from the root, else relative to the folder ``base``."""
        if not loc:
            return None
        loc = loc.strip().replace("\\", "/")
        joined = loc.lstrip("/") if loc.startswith("/") else posixpath.join(base, loc)
        key = posixpath.normpath(joined).lstrip("/")
        if key.startswith(".."):
            return None
        found = self.names.get(key) or self.lower.get(key.lower())
        if found is None and not loc.startswith("/"):  # some producers write root-relative paths without "/"
            key = posixpath.normpath(loc).lstrip("/")
            found = self.names.get(key) or self.lower.get(key.lower())
        return found

    def xml(self, member: str, what: str):
        try:
            raw = self.zip.read(member)
            return etree.fromstring(raw, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise CorruptFile(None, f"{what} ({member}) is not well-formed XML: {exc.msg}") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise CorruptFile(None, f"{what} ({member}) cannot be read from the zip ({exc})") from None


def _folder(member: str) -> str:
    return posixpath.dirname(member)


class _Document:
    """One OFD document: its pages (member, own box), templates, fonts and default page box."""

    def __init__(self, pkg: _Package) -> None:
        self.pkg = pkg
        entry = next((v for k, v in pkg.lower.items() if k == "ofd.xml"), None)
        if entry is None:
            raise CorruptFile(None, "it has no OFD.xml: not an OFD package")
        root = pkg.xml(entry, "OFD.xml")
        body = _kid(root, "DocBody")
        doc_root = _kid(body, "DocRoot") if body is not None else None
        member = pkg.resolve("", doc_root.text if doc_root is not None else None)
        if member is None:
            loc = (doc_root.text or "").strip() if doc_root is not None else ""
            raise CorruptFile(None, f"the document root {loc!r} named in OFD.xml is missing" if loc
                              else "OFD.xml names no document (DocBody/DocRoot)")
        self.base = _folder(member)
        doc = pkg.xml(member, "the document (Document.xml)")
        common = _kid(doc, "CommonData")
        self.box = _box(_path(common, "PageArea", "PhysicalBox").text if _path(common, "PageArea", "PhysicalBox")
                        is not None else None, "the document's PhysicalBox") or _DEFAULT_BOX
        self.fonts: dict[str, str] = {}
        self.media: dict[str, str] = {}  # MultiMedia ID -> its member (an image file)
        self.images: dict[int, list[tuple[str, tuple]]] = {}  # page -> its images (resource id, matrix)
        for res in [*(_kids(common, "PublicRes") if common is not None else ()),
                    *(_kids(common, "DocumentRes") if common is not None else ())]:
            self._fonts(self.pkg.resolve(self.base, res.text))
        self.templates: dict[str, str] = {}
        for tpl in _kids(common, "TemplatePage") if common is not None else ():
            found = pkg.resolve(self.base, tpl.get("BaseLoc"))
            if found is not None and tpl.get("ID"):
                self.templates[tpl.get("ID", "")] = found
        pages = _kid(doc, "Pages")
        self.pages: list[str | None] = []
        for page in _kids(pages, "Page") if pages is not None else ():
            self.pages.append(pkg.resolve(self.base, page.get("BaseLoc")))
            bounds.check_pages(len(self.pages))
        if not self.pages:
            raise CorruptFile(None, "its document lists no page")

    def _fonts(self, member: str | None) -> None:
        if member is None:
            return
        root = self.pkg.xml(member, "a resource file")
        for fonts in _kids(root, "Fonts"):
            for font in _kids(fonts, "Font"):
                name = font.get("FontName") or font.get("FamilyName") or ""
                if font.get("Bold") == "true" and "bold" not in name.lower():
                    name += "-Bold"
                if font.get("Italic") == "true" and "italic" not in name.lower():
                    name += "-Italic"
                if font.get("ID"):
                    self.fonts[font.get("ID", "")] = name
        folder = posixpath.join(_folder(member), (root.get("BaseLoc") or "").strip().lstrip("/"))
        for medias in _kids(root, "MultiMedias"):
            for media in _kids(medias, "MultiMedia"):
                file = _kid(media, "MediaFile")
                found = self.pkg.resolve(folder, file.text if file is not None else None)
                if found is None and file is not None:
                    found = self.pkg.resolve(_folder(member), file.text)
                if found is not None and media.get("ID"):
                    self.media[media.get("ID", "")] = found

    def page(self, number: int) -> PageForm:
        member = self.pages[number - 1]
        if member is None:
            raise CorruptFile(None, f"page {number}: its content (Content.xml) is missing")
        root = self.pkg.xml(member, f"page {number}")
        for res in _kids(root, "PageRes"):
            self._fonts(self.pkg.resolve(_folder(member), res.text))
        box_el = _path(root, "Area", "PhysicalBox")
        box = _box(box_el.text, f"page {number}'s PhysicalBox") if box_el is not None else None
        x0, y0, w, h = box or self.box
        painter = _Painter(self.fonts, (x0, y0))
        for tpl in _kids(root, "Template"):
            tpl_member = self.templates.get(tpl.get("TemplateID", ""))
            if tpl_member is not None:
                tpl_root = self.pkg.xml(tpl_member, "a page template")
                for content in _kids(tpl_root, "Content"):
                    painter.content(content)
        for content in _kids(root, "Content"):
            painter.content(content)
        height = h * MM_TO_PT
        page = SimpleNamespace(height=height, mediabox=(0.0, 0.0, w * MM_TO_PT, height))
        from .pdfium import _to_edges

        edges = _to_edges(page, [dict(s, pts=[(x, height - y) for x, y in s["pts"]]) for s in painter.shapes])
        self.images[number] = [(rid, m) for rid, m in painter.images if rid in self.media]
        return PageForm(number, height, (0.0, 0.0, w * MM_TO_PT, height), painter.chars, edges)

    def scanned(self, form: PageForm) -> PageForm | None:
        """A page of images without text read by OCR (None: it has no image fine enough to read)."""
        images = self.images.get(form.number) or []
        if not images or any(not c["text"].isspace() for c in form.chars):
            return None
        from . import ocr

        width_pt, height_pt = form.bbox[2], form.bbox[3]
        dpi = ocr.SETTINGS.dpi
        scale = dpi / 25.4  # page pixels a millimetre
        cw, ch = round(width_pt / MM_TO_PT * scale), round(height_pt / MM_TO_PT * scale)
        ocr.check_pixels(cw, ch, f"page {form.number} drawn for OCR")
        canvas = self.drawn_images(form.number, scale, (cw, ch), ocr.SETTINGS.min_dpi)
        if canvas is None:
            return None
        return ocr.ocr_page(canvas, form.number, dpi, width_pt, height_pt)

    def drawn_images(self, number: int, scale: float, size: tuple[int, int], min_dpi: float):
        """The images of page ``number`` (read by ``page`` first) drawn in gray on a white canvas of ``size``
        pixels at ``scale`` pixels a millimetre (a numpy array; None where no image is placed ``min_dpi`` or
        finer); each image's pixels counted from its header first."""
        import cv2
        import numpy as np

        from . import ocr

        canvas = None
        for rid, (a, b, c, d, e, f) in self.images.get(number) or []:
            data = self.pkg.zip.read(self.media[rid])
            header = ocr.check_header(data)
            w_mm, h_mm = math.hypot(a, b), math.hypot(c, d)
            placed = min(header.width / w_mm, header.height / h_mm) * 25.4 if w_mm > 0 and h_mm > 0 else 0.0
            if placed <= 0 or placed < min_dpi:
                continue  # placed too coarse for OCR (or not at all)
            gray = ocr.decode_gray(data, header)

            # image pixels -> the unit square -> the page (mm, through the object's matrix) -> page pixels
            warp = np.array([[a / header.width * scale, c / header.height * scale, e * scale],
                             [b / header.width * scale, d / header.height * scale, f * scale]])
            drawn = cv2.warpAffine(gray, warp, size, flags=cv2.INTER_AREA, borderValue=255)
            canvas = drawn if canvas is None else np.minimum(canvas, drawn)
        return canvas


def _matrix(text: str | None, what: str) -> tuple[float, float, float, float, float, float] | None:
    values = _numbers(text, what)
    if not values:
        return None
    if len(values) != 6:
        raise CorruptFile(None, f"{what} has {len(values)} numbers, not 6")
    a, b, c, d, e, f = values
    return a, b, c, d, e, f


def _then(inner, outer):
    """The matrix of ``inner`` followed by ``outer`` (OFD's row-vector convention, as PDF's)."""
    a1, b1, c1, d1, e1, f1 = inner
    a0, b0, c0, d0, e0, f0 = outer
    return (a1 * a0 + b1 * c0, a1 * b0 + b1 * d0, c1 * a0 + d1 * c0, c1 * b0 + d1 * d0,
            e1 * a0 + f1 * c0 + e0, e1 * b0 + f1 * d0 + f0)


def _apply(m, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _wide(ch: str) -> bool:
    """A glyph a CJK font prints 1 em wide: wide and full-width forms, and the ambiguous ones (“ ” ‘ ’ — … ·
    ×), which CJK fonts print full-width."""
    return unicodedata.east_asian_width(ch) in ("W", "F", "A")


class _Painter:
    """Collects a page's chars (pdfplumber's dicts, in points) and path shapes (in points, y from the top)."""

    def __init__(self, fonts: dict[str, str], origin: tuple[float, float]) -> None:
        self.fonts = fonts
        self.origin = origin  # the page box's own origin (mm): positions are relative to it
        self.chars: list[dict] = []
        self.shapes: list[dict] = []
        self.images: list[tuple[str, tuple]] = []  # (resource id, unit square -> page mm)

    def content(self, content) -> None:
        for layer in _kids(content, "Layer"):
            self.objects(layer, _IDENTITY)

    def objects(self, parent, outer) -> None:
        for obj in parent:
            kind = _local(obj)
            if kind in _SKIPPED or obj.get("Visible") == "false":
                continue
            if kind == "PageBlock":
                self.objects(obj, outer)
            elif kind in ("TextObject", "PathObject", "CompositeObject", "ImageObject"):
                box = _box(obj.get("Boundary"), f"the Boundary of {kind} {obj.get('ID', '')}".strip())
                bx, by = (box[0], box[1]) if box else (0.0, 0.0)
                ctm = _matrix(obj.get("CTM"), f"the CTM of {kind} {obj.get('ID', '')}".strip()) or _IDENTITY
                m = _then(_then(ctm, (1.0, 0.0, 0.0, 1.0, bx - self.origin[0], by - self.origin[1])), outer)
                if kind == "TextObject":
                    self.text(obj, m)
                elif kind == "PathObject":
                    self.path(obj, m)
                elif kind == "ImageObject":
                    if obj.get("ResourceID"):
                        self.images.append((obj.get("ResourceID", "").strip(), m))
                else:
                    self.objects(obj, m)

    def text(self, obj, m) -> None:
        size = _numbers(obj.get("Size"), "a TextObject's Size")
        em = size[0] if size else 0.0
        if em <= 0:
            return
        font = self.fonts.get(obj.get("Font", ""), obj.get("Font", ""))
        x = y = 0.0  # where the next glyph stands: a TextCode without X or Y goes on from the last one
        for code in _kids(obj, "TextCode"):
            text = code.text or ""
            if code.get("X") is not None:
                x = _numbers(code.get("X"), "a TextCode's X")[0]
            if code.get("Y") is not None:
                y = _numbers(code.get("Y"), "a TextCode's Y")[0]
            dx = _deltas(code.get("DeltaX"), "a TextCode's DeltaX")
            dy = _deltas(code.get("DeltaY"), "a TextCode's DeltaY")
            for i, ch in enumerate(text):
                natural = (OFD_WIDE if _wide(ch) else OFD_NARROW) * em
                adv = dx[i] if i < len(dx) else None
                width = adv if adv is not None and 0 < adv <= OFD_WIDE * em else natural
                self.glyph(ch, x, y, width, em, font, m)
                if adv is not None:
                    x += adv
                elif i >= len(dy):  # no advance given either way: the glyph's own width
                    x += natural
                if i < len(dy):
                    y += dy[i]

    def glyph(self, ch: str, x: float, y: float, width: float, em: float, font: str, m) -> None:
        corners = [_apply(m, px, py) for px, py in ((x, y - OFD_ASCENT * em), (x + width, y - OFD_ASCENT * em),
                                                    (x, y + OFD_DESCENT * em), (x + width, y + OFD_DESCENT * em))]
        xs = [round(p[0] * MM_TO_PT, _DIGITS) for p in corners]
        ys = [round(p[1] * MM_TO_PT, _DIGITS) for p in corners]
        top, bottom = min(ys), max(ys)
        self.chars.append({"text": ch, "x0": min(xs), "x1": max(xs), "top": top, "bottom": bottom,
                           "size": bottom - top, "fontname": font})

    def path(self, obj, m) -> None:
        stroke = obj.get("Stroke", "true") != "false"
        fill = obj.get("Fill", "false") == "true"
        if not stroke and not fill:
            return
        data = _kid(obj, "AbbreviatedData")
        if data is None or not (data.text or "").strip():
            return
        tokens = data.text.split()
        subpaths: list[list[tuple[str, tuple[float, float]]]] = []
        arity = {"M": 2, "S": 2, "L": 2, "B": 6, "Q": 4, "A": 7, "C": 0, "Z": 0}
        i = 0
        pos = (0.0, 0.0)
        try:
            while i < len(tokens):
                op = tokens[i].upper()
                if op not in arity:
                    raise ValueError(op)
                args = [float(t) for t in tokens[i + 1:i + 1 + arity[op]]]
                if len(args) != arity[op] or not all(math.isfinite(a) for a in args):
                    raise ValueError(op)
                i += 1 + arity[op]
                if op in ("M", "S"):
                    pos = (args[0], args[1])
                    subpaths.append([("m", _apply(m, *pos))])
                    continue
                if op in ("C", "Z"):
                    if subpaths and len(subpaths[-1]) > 1:
                        subpaths[-1].append(("h", subpaths[-1][0][1]))
                        start = subpaths[-1][0][1]
                        subpaths.append([("m", start)])
                    continue
                if not subpaths:
                    subpaths.append([("m", _apply(m, *pos))])
                end = (args[-2], args[-1]) if op != "A" else (args[5], args[6])
                pos = end
                subpaths[-1].append(("l" if op == "L" else "c", _apply(m, *end)))
        except (ValueError, IndexError):
            raise CorruptFile(None, f"the path of PathObject {obj.get('ID', '')} cannot be read"
                                    f" ({' '.join(tokens[i:i + 4])[:40]!r})") from None
        for sub in subpaths:
            self.shape(sub)

    def shape(self, sub: list[tuple[str, tuple[float, float]]]) -> None:
        """A subpath as pdfium's engine classifies it (extract/pdfium.py ``_path_shapes``), in points."""
        kinds = "".join(op for op, _ in sub)
        pts = [(round(x * MM_TO_PT, _DIGITS), round(y * MM_TO_PT, _DIGITS)) for _, (x, y) in sub]
        if len(kinds) < 2:
            return
        if len(kinds) > 3 and kinds[-2:] == "lh" and _same(pts[-2], pts[0]):
            kinds = kinds[:-2] + "h"
            pts.pop()
        if kinds in ("mlh", "ml"):
            self.shapes.append({"kind": "line", "pts": pts[:2]})
        elif kinds in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            closed = _same(pts[0], pts[4])
            square = (_eq(x0, x1) and _eq(y1, y2) and _eq(x2, x3) and _eq(y3, y0)) or \
                     (_eq(y0, y1) and _eq(x1, x2) and _eq(y2, y3) and _eq(x3, x0))
            self.shapes.append({"kind": "rect" if closed and square else "curve", "pts": pts})
        else:
            self.shapes.append({"kind": "curve", "pts": pts})


def _eq(a: float, b: float) -> bool:
    return math.isclose(a, b, abs_tol=1e-6)


def _same(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return _eq(p[0], q[0]) and _eq(p[1], q[1])


def _open(data: bytes) -> _Document:
    return _Document(_Package(data))


def _page_error(number: int, exc: Exception) -> ZhibiaoError:
    return CorruptFile(None, f"page {number}: its content cannot be read ({type(exc).__name__})")


def _page_ranges(numbers: list[int]) -> str:
    from .pdf import _page_ranges as ranges

    return ranges(numbers)


def read_ofd(data: bytes, name: str, sha256: str) -> Layout:
    """Read an OFD: every page into the PDF reader's page form, then the PDF reader's tables and paragraphs."""
    from . import ocr

    doc = _open(data)
    count = len(doc.pages)
    scanned: dict[int, list[dict]] = {}

    def page(number: int) -> PageForm:
        form = doc.page(number)
        read = doc.scanned(form)
        if read is None:
            return form
        if read.chars:
            scanned[number] = read.chars
        ocr._progress(number, count, name)
        return read

    blocks, empty = page_blocks(page, count, name, _page_error)
    if len(empty) == count:
        raise NoTextLayer(None, f"OFD page(s) {_page_ranges(empty)} carry no text"
                          + (": OCR found none in their images" if any(doc.images.values()) else ""))
    ocr.annotate(blocks, scanned)
    notes = [reader_note("pdf_no_text_layer", pages=_page_ranges(empty))] if empty else []
    if scanned:
        notes.append(reader_note("ocr_read", pages=_page_ranges(sorted(scanned)), engine=ocr.engine().name,
                                 dpi=ocr.SETTINGS.dpi))
    return Layout(file=name, sha256=sha256, format="ofd", pages=count, notes=notes, blocks=blocks,
                  ocr_pages=sorted(scanned))


def text_in_region(data: bytes, page: int, bbox: tuple[float, float, float, float]) -> str:
    """The text printed inside bbox (points) on a page (1-based) of an OFD."""
    from . import max_bytes

    with bounds.budget(len(data), max_bytes()) as spent:
        bounds.check_zip(data, spent)
        doc = _open(data)
        if not 1 <= page <= len(doc.pages):
            return ""
        return region_text(doc.page(page).chars, bbox)


# --- a page as an image, for the review app ------------------------------------------------------------------


def _page_form(data: bytes, page: int) -> tuple[_Document, PageForm]:
    """The document and its page ``page`` (1-based) read under the file's bounds; IndexError for a page it
    does not have."""
    from . import max_bytes

    with bounds.budget(len(data), max_bytes()) as spent:
        bounds.check_zip(data, spent)
        doc = _open(data)
        if not 1 <= page <= len(doc.pages):
            raise IndexError(f"page {page} of {len(doc.pages)}")
        return doc, doc.page(page)


def page_size(data: bytes, page: int) -> tuple[float, float]:
    """The width and height in points of page ``page`` (1-based) of an OFD; IndexError for a page it does not
    have."""
    _, form = _page_form(data, page)
    return form.bbox[2], form.bbox[3]


# where a CJK font is looked for when fontconfig does not name one (Debian's fonts-noto-cjk, WenQuanYi)
_CJK_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
              "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


@functools.lru_cache(maxsize=1)
def _cjk_font_file() -> tuple[str, int] | None:
    """A font file (and its index in a collection) that draws Simplified Chinese, or None."""
    import shutil
    import subprocess

    if shutil.which("fc-match"):
        try:
            done = subprocess.run(["fc-match", "-f", "%{file}:%{index}", ":lang=zh-cn"], capture_output=True,
                                  text=True, timeout=10)
            file, _, index = done.stdout.rpartition(":")
            if done.returncode == 0 and file and os.path.isfile(file) and index.isdigit():
                return file, int(index)
        except (OSError, subprocess.SubprocessError):
            pass
    for file in _CJK_FONTS:
        if os.path.isfile(file):
            return file, 2 if "NotoS" in file else 0  # a Noto CJK collection: JP, KR, SC, TC, HK
    return None


@functools.lru_cache(maxsize=64)
def _font(pixels: int):
    from PIL import ImageFont

    found = _cjk_font_file()
    if found is None:
        return None
    try:
        return ImageFont.truetype(found[0], max(pixels, 1), index=found[1])
    except OSError:
        return None


def render_page(data: bytes, page: int, *, scale: float = 1.5):
    """Page ``page`` (1-based) of an OFD as a grayscale PNG at ``scale`` pixels a point (at most
    render.MAX_PIXELS), as a ``render.PageImage``: its images (a scanned page), its ruling lines and its glyphs
    at their positions (in a CJK font where one is installed, else their boxes outlined); IndexError for a
    page it does not have."""
    import numpy as np
    from PIL import Image, ImageDraw

    from .render import MAX_PIXELS, PageImage, _png

    doc, form = _page_form(data, page)
    width, height = form.bbox[2], form.bbox[3]
    if width <= 0 or height <= 0:
        raise CorruptFile(None, f"page {page} has no size")
    scale = min(scale, (MAX_PIXELS / (width * height)) ** 0.5)
    size = max(1, round(width * scale)), max(1, round(height * scale))
    canvas = doc.drawn_images(page, scale * MM_TO_PT, size, 0.0)
    image = Image.fromarray(canvas if canvas is not None else np.full((size[1], size[0]), 255, np.uint8), "L")
    draw = ImageDraw.Draw(image)
    for edge in form.edges:
        draw.rectangle((edge["x0"] * scale, edge["top"] * scale, edge["x1"] * scale, edge["bottom"] * scale),
                       fill=0)
    for c in form.chars:
        if c["text"].isspace():
            continue
        font = _font(round(c["size"] * scale))
        if font is None:
            draw.rectangle((c["x0"] * scale, c["top"] * scale, c["x1"] * scale, c["bottom"] * scale), outline=96)
            continue
        baseline = c["bottom"] - OFD_DESCENT * c["size"]
        draw.text((c["x0"] * scale, baseline * scale), c["text"], font=font, fill=0, anchor="ls")
    return PageImage(_png(image.tobytes(), size[0], size[1], size[0]), size[0], size[1], width, height)
