"""The fast PDF character engine: a page's characters and ruling edges read with pdfium (pypdfium2).

pdfplumber builds every object of a page's layout through pdfminer's Python content interpreter,
which is most of the time a PDF takes to read. pdfium interprets the content in C. This module reads
from it what the PDF reader asks of a page (``extract.pdf.PageForm``): each character with its text,
box, font size and font name, and the edges of the ruling lines, boxes and curves pdfplumber's table
finder works from, in pdfplumber's coordinates and with pdfminer's arithmetic, so that both engines
give the same page:

- a char's box is pdfminer's: from its origin, ``descent × size`` below to ``size`` above that, as wide
  as its advance (the font's width of the glyph), through the char's matrix. pdfium's own boxes use
  the glyph outlines or other font metrics, so the descent and font name are read from each font's
  descriptor as pdfminer reads them (``_FontTable``: the document's structure is open through
  pdfminer anyway, for its page tree and for the reasons a damaged file is refused);
- the characters pdfium generates (spaces and line breaks it infers from positions) are dropped;
- paths are pdfminer's shapes: one line segment (``ml``, ``mlh``) a line, a closed axis-aligned
  four-point path a rect, anything else a curve; a path neither stroked nor filled is no object.

- what pdfium's text page leaves out is put back (``_restore_spaces``, ``_refine_advances``): a text
  object whose glyphs have no ink (a run of spaces of its own) is skipped by pdfium, and of a run of
  spaces it keeps the first; both come back as spaces, as many as whole advances reach to the next
  glyph on the line. A ligature (one glyph, text "ff") comes as its pieces at one origin and is one
  char again, as wide as its ink but not beyond the next glyph of its text object.

Where the engines may still differ (none of it happens in the corpus; ``tests/test_pdf_engines.py``
holds them to the same layout on every PDF there): pdfium drops a text object that repeats one of the
five before it nearly in place, and a glyph repeating one of the seven before it within 0.07 em (fake
bold), where the reader drops a glyph repeated within ``PdfSettings.same_glyph`` points: a copy offset
by more than that but less than pdfium's reach is kept by the reference engine only. Spaces are only
put back in upright text; an object of blank glyphs other than spaces (U+3000) comes back as spaces;
the positions of spaces put back are their advances, not the kerning the content may give them; a
hyphen pdfium marks at a line end reads ``-`` whatever hyphen was printed. pdfium is not thread-safe:
extract/pdf.py holds one lock over every call into it.

The page's content streams are decoded once through the file's inflate budget before pdfium reads
them (extract/bounds.py), as pdfminer decodes them in the reference engine. A file pdfium cannot
open, or whose pages it counts differently from pdfminer, is read by the reference engine.
"""

from __future__ import annotations

import bisect
import ctypes
from typing import Any

from .pdf import RADICALS, untagged

__all__ = ["LostGlyphs", "PdfiumPages", "open_document"]

_MAX_FORM_DEPTH = 16  # nested form XObjects followed this deep (pdfminer follows them without a bound)


class LostGlyphs(Exception):
    """pdfium leaves glyphs of this page out of its text page: the reference engine reads the page."""


def open_document(data: bytes):
    """The PDF opened with pdfium; None where pdfium cannot open what pdfminer could."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None


def _literal(value) -> str | None:
    from pdfminer.psparser import PSLiteral

    if isinstance(value, PSLiteral):
        name = value.name
        return name.decode("latin-1") if isinstance(name, bytes) else str(name)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value if isinstance(value, str) else None


class _FontTable:
    """Each font's name and descent as pdfminer gives them to a char, by the font's BaseFont name.

    pdfminer (pdffont.py): a standard-14 font's metrics come from its AFM; a Type3 font's descent
    is its FontBBox's bottom through its FontMatrix; any other font's from its descriptor
    (``/Descent`` in 1/1000 em, made negative), a Type0 font's from its descendant's descriptor. The
    name is the descriptor's ``/FontName``.
    """

    def __init__(self) -> None:
        self.by_name: dict[str, tuple[Any, float]] = {}
        self._seen: set[object] = set()

    def add_resources(self, resources, depth: int = 0) -> None:
        """The fonts of a resource dictionary and of the form XObjects it holds."""
        from pdfminer.pdftypes import PDFStream, resolve1

        resources = resolve1(resources)
        if not isinstance(resources, dict) or depth > _MAX_FORM_DEPTH:
            return
        fonts = resolve1(resources.get("Font"))
        if isinstance(fonts, dict):
            for ref in fonts.values():
                key = id(ref) if not hasattr(ref, "objid") else ref.objid
                if key in self._seen:
                    continue
                self._seen.add(key)
                spec = resolve1(ref)
                if isinstance(spec, dict):
                    self._add(spec)
        xobjects = resolve1(resources.get("XObject"))
        if isinstance(xobjects, dict):
            for ref in xobjects.values():
                key = ref.objid if hasattr(ref, "objid") else id(ref)
                if ("x", key) in self._seen:
                    continue
                self._seen.add(("x", key))
                xobj = resolve1(ref)
                if isinstance(xobj, PDFStream) and _literal(xobj.get("Subtype")) == "Form":
                    self.add_resources(xobj.get("Resources"), depth + 1)

    def _add(self, spec: dict) -> None:
        from pdfminer.pdffont import FontMetricsDB
        from pdfminer.pdftypes import resolve1
        from pdfminer.utils import apply_matrix_norm

        base = _literal(resolve1(spec.get("BaseFont"))) or "unknown"
        subtype = _literal(resolve1(spec.get("Subtype"))) or "Type1"
        names = [base]
        if subtype == "Type0":
            dfonts = resolve1(spec.get("DescendantFonts"))
            sub = resolve1(dfonts[0]) if isinstance(dfonts, list) and dfonts else None
            spec = sub if isinstance(sub, dict) else {}
            names.append(_literal(resolve1(spec.get("BaseFont"))) or "unknown")
            subtype = "CID"
        vscale = 0.001
        if subtype == "Type3":
            descriptor = resolve1(spec.get("FontDescriptor"))
            descriptor = descriptor if isinstance(descriptor, dict) else {}
            bbox = resolve1(spec.get("FontBBox") or descriptor.get("FontBBox")) or [0, 0, 0, 0]
            matrix = resolve1(spec.get("FontMatrix")) or [0.001, 0, 0, 0.001, 0, 0]
            descent = float(resolve1(bbox[1]))
            a, b, c, d, e, f = (float(resolve1(v)) for v in matrix)
            vscale = apply_matrix_norm((a, b, c, d, e, f), (1, 1))[1]
        else:
            if subtype in ("Type1", "MMType1", "TrueType") or subtype not in ("CID", "CIDFontType0", "CIDFontType2"):
                try:
                    descriptor = FontMetricsDB.get_metrics(base)[0]
                except KeyError:
                    descriptor = resolve1(spec.get("FontDescriptor"))
            else:
                descriptor = resolve1(spec.get("FontDescriptor"))
            descriptor = descriptor if isinstance(descriptor, dict) else {}
            descent = float(resolve1(descriptor.get("Descent", 0)) or 0)
            if descent > 0:
                descent = -descent
        fontname = untagged(_literal(resolve1(descriptor.get("FontName", "unknown"))) or "")
        for name in names:
            self.by_name.setdefault(untagged(name), (fontname, descent * vscale))


def _ctm(page_obj) -> tuple[float, float, float, float, float, float]:
    """pdfminer's initial matrix for a page (PDFPageInterpreter.process_page): rotation and mediabox."""
    x0, y0, x1, y1 = page_obj.mediabox
    rotate = page_obj.rotate
    if rotate == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


class _Api:
    """The pdfium calls of the hot loops, with handles passed as plain integers.

    pypdfium2's bindings return typed pointers, and turning one into a key (``ctypes.cast``) costs more
    than the call: these prototypes over the same functions take and return ``c_void_p`` instead.
    """

    def __init__(self) -> None:
        import pypdfium2.raw as raw  # type: ignore[import-untyped]

        P, N, U, F, D = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_float, ctypes.c_double
        PF = ctypes.POINTER(F)
        PM = ctypes.POINTER(raw.FS_MATRIX)

        def fn(name: str, restype, *argtypes):
            address = ctypes.cast(getattr(raw, name), ctypes.c_void_p).value
            assert address, name
            return ctypes.CFUNCTYPE(restype, *argtypes)(address)

        self.load_page = fn("FPDF_LoadPage", P, P, N)
        self.close_page = fn("FPDF_ClosePage", None, P)
        self.load_text = fn("FPDFText_LoadPage", P, P)
        self.close_text = fn("FPDFText_ClosePage", None, P)
        self.count_chars = fn("FPDFText_CountChars", N, P)
        self.unicode = fn("FPDFText_GetUnicode", U, P, N)
        self.generated = fn("FPDFText_IsGenerated", N, P, N)
        self.hyphen = fn("FPDFText_IsHyphen", N, P, N)
        self.text_object = fn("FPDFText_GetTextObject", P, P, N)
        self.origin = fn("FPDFText_GetCharOrigin", N, P, N, P, P)  # doubles passed by address
        self.char_size = fn("FPDFText_GetFontSize", D, P, N)
        self.char_matrix = fn("FPDFText_GetMatrix", N, P, N, PM)
        self.loose_box = fn("FPDFText_GetLooseCharBox", N, P, N, ctypes.POINTER(raw.FS_RECTF))
        self.loose_box_at = fn("FPDFText_GetLooseCharBox", N, P, N, P)  # the box passed by address
        self.object_font = fn("FPDFTextObj_GetFont", P, P)
        self.object_size = fn("FPDFTextObj_GetFontSize", N, P, PF)
        self.glyph_width = fn("FPDFFont_GetGlyphWidth", N, P, ctypes.c_uint32, F, PF)
        self.font_name = fn("FPDFFont_GetBaseFontName", ctypes.c_size_t, P, ctypes.c_char_p, ctypes.c_size_t)
        self.font_embedded = fn("FPDFFont_GetIsEmbedded", N, P)
        self.count_objects = fn("FPDFPage_CountObjects", N, P)
        self.get_object = fn("FPDFPage_GetObject", P, P, N)
        self.form_count = fn("FPDFFormObj_CountObjects", N, P)
        self.form_object = fn("FPDFFormObj_GetObject", P, P, ctypes.c_ulong)
        self.object_type = fn("FPDFPageObj_GetType", N, P)
        self.object_matrix = fn("FPDFPageObj_GetMatrix", N, P, PM)
        self.object_bounds = fn("FPDFPageObj_GetBounds", N, P, PF, PF, PF, PF)
        self.draw_mode = fn("FPDFPath_GetDrawMode", N, P, ctypes.POINTER(N), ctypes.POINTER(N))
        self.stroke_width = fn("FPDFPageObj_GetStrokeWidth", N, P, PF)
        self.count_segments = fn("FPDFPath_CountSegments", N, P)
        self.segment = fn("FPDFPath_GetPathSegment", P, P, N)
        self.segment_type = fn("FPDFPathSegment_GetType", N, P)
        self.segment_point = fn("FPDFPathSegment_GetPoint", N, P, PF, PF)
        self.segment_close = fn("FPDFPathSegment_GetClose", N, P)
        self.TEXT, self.PATH, self.FORM = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM
        self.MOVETO, self.LINETO = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO
        self.FILL_NONE = raw.FPDF_FILLMODE_NONE
        self.Matrix, self.Rect = raw.FS_MATRIX, raw.FS_RECTF


_API: _Api | None = None


def _api() -> _Api:
    global _API
    if _API is None:
        _API = _Api()
    return _API


class PdfiumPages:
    """The pages of a PDF read with pdfium into the reader's page form, one page open at a time.

    ``plumber``: the same PDF opened with pdfplumber (its page tree, boxes and fonts come from there,
    nothing of its layout is built). The caller holds pdfium's lock (pdfium is not thread-safe).
    """

    def __init__(self, plumber, doc) -> None:
        self.plumber = plumber
        self.doc = doc
        self.handle = ctypes.cast(doc.raw, ctypes.c_void_p).value
        self.fonts = _FontTable()
        self.api = _api()
        self._font_cache: dict[int, tuple[Any, float]] = {}
        self._bounds = tuple(ctypes.c_float() for _ in range(4))
        self._bounds_at = tuple(ctypes.byref(v) for v in self._bounds)

    def page(self, index: int) -> tuple[list[dict], list[dict]]:
        """The chars and edges of page ``index`` (0-based): pdfium's page and text page closed after."""
        api = self.api
        ppage = self.plumber.pages[index]
        self.fonts.add_resources(ppage.page_obj.resources)
        raw_page = api.load_page(self.handle, index)
        if not raw_page:
            raise ValueError("pdfium cannot load the page")
        try:
            blanks: list[_Glyph] = []
            shapes: list[dict] = []
            ctm = _ctm(ppage.page_obj)
            identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
            for k in range(api.count_objects(raw_page)):
                self._visit(api.get_object(raw_page, k), identity, ctm, blanks, shapes, 0)
            text_page = api.load_text(raw_page)
            if not text_page:
                raise ValueError("pdfium cannot read the page's text")
            try:
                glyphs = self._glyphs(text_page)
            finally:
                api.close_text(text_page)
        finally:
            api.close_page(raw_page)
        glyphs = _restore_spaces(glyphs, blanks)
        return _to_chars(glyphs, ctm, ppage.height, *ppage.mediabox[:2]), _to_edges(ppage, shapes)

    def _font(self, font: int) -> tuple[Any, float]:
        """The font's name and descent as pdfminer gives them (``_FontTable``), by pdfium's font handle."""
        found = self._font_cache.get(font)
        if found is None:
            size = self.api.font_name(font, None, 0)
            buf = ctypes.create_string_buffer(max(1, size))
            self.api.font_name(font, buf, size)
            name = untagged(buf.value.decode("utf-8", "replace"))
            found = self.fonts.by_name.get(name) or (name, 0.0)
            self._font_cache[font] = found
        return found

    # --- characters ----------------------------------------------------------------------------------

    def _glyphs(self, tp: int) -> list[_Glyph]:
        """The text page's chars, the ones pdfium generates dropped, pieces of one glyph joined.

        A ligature (a glyph whose text is "ff") comes from pdfium as its pieces at one origin, a char
        beyond the BMP as its two UTF-16 units; the hyphen pdfium marks at a line end is ``-``.
        """
        api = self.api
        unicode, generated, text_object, origin = api.unicode, api.generated, api.text_object, api.origin
        loose_box = api.loose_box_at
        ox, oy = ctypes.c_double(), ctypes.c_double()
        rox, roy = ctypes.addressof(ox), ctypes.addressof(oy)
        m = api.Matrix()
        box = (ctypes.c_float * 4)()  # FS_RECTF: left, top, right, bottom
        rbox = ctypes.addressof(box)
        width = ctypes.c_float()
        runs: dict[int, _Run] = {}
        widths: dict[tuple, dict[int, float]] = {}
        glyphs: list[_Glyph] = []
        append = glyphs.append
        last: _Glyph | None = None
        maybe_generated = _MAYBE_GENERATED
        # the run of the char before, and what the loop asks of it (chars of one text object follow each other)
        run_obj: int | None = None
        run: _Run | None = None
        run_widths: dict[int, float] = {}
        a = 0.0
        upright = False
        for i in range(api.count_chars(tp)):
            code = unicode(tp, i)
            if code in maybe_generated and generated(tp, i) == 1:
                continue
            obj = text_object(tp, i)
            if not obj:
                continue
            if obj != run_obj:
                run = runs.get(obj)
                if run is None:
                    font = api.object_font(obj)
                    api.char_matrix(tp, i, m)
                    size = api.char_size(tp, i)
                    run = runs[obj] = _Run(obj, font, *self._font(font), size, (m.a, m.b, m.c, m.d),
                                           widths.setdefault((font, size), {}))
                run_obj, run_widths = obj, run.widths
                a = run.m[0]
                upright = a > 0 and run.m[1] == 0 and run.m[2] == 0
            assert run is not None
            origin(tp, i, rox, roy)
            x, y = ox.value, oy.value
            if last is not None and last.run is run and last.x == x and last.y == y:
                # a piece of the same glyph (a ligature, a surrogate pair)
                last.units = [*last.units, code] if isinstance(last.units, list) else [last.units, code]
                if not 0xDC00 <= code < 0xE000 and a > 0:
                    loose_box(tp, i, rbox)
                    last.adv = -(box[2] - box[0]) / a
                continue
            if code == 2 and api.hyphen(tp, i) == 1:
                code = 0x2D
            adv = run_widths.get(code)
            if adv is None:
                api.glyph_width(run.font, code, run.size, width)
                adv = run_widths[code] = width.value
            if upright:
                # pdfium's loose box is as wide as the width of the char's own code, but for some fonts
                # pdfium's widths are wider than the PDF's /Widths; the glyph width is the /Widths entry
                # of the first code that maps to the char's text, which need not be this char's code:
                # the smaller of the two is pdfminer's advance (for every char of the corpus)
                loose_box(tp, i, rbox)
                loose = (box[2] - box[0]) / a
                if adv <= 0 and code != 0x20:  # no code of the font maps to the text alone
                    adv = -loose  # negative: a guess, refined below
                elif 0 < loose < adv and not (code in _RADICAL_OF and loose < _INK * adv):
                    # (but an ideograph a radical stands for, 日 of ⽇: where the font maps the glyph to
                    # the radical, pdfium's loose box is its ink, and a space opened after it: 日 常)
                    adv = loose
            last = _Glyph(run, code, x, y, adv)
            append(last)
        _refine_advances(glyphs)
        return glyphs

    # --- the page's objects: blank text objects, paths -----------------------------------------------

    def _visit(self, obj: int, form, ctm, blanks: list[_Glyph], shapes: list[dict], depth: int) -> None:
        """One page object (form XObjects followed): a text object the text page skips, or a path.

        A text object none of whose glyphs has ink (spaces) is left out of pdfium's text page
        (cpdf_textpage.cpp); it is kept here as its first space, ``_restore_spaces`` counts them.
        """
        api = self.api
        kind = api.object_type(obj)
        if kind == api.TEXT:
            left, bottom, right, top = self._bounds
            api.object_bounds(obj, *self._bounds_at)
            if abs(right.value - left.value) >= _SIZE_EPSILON:
                return
            font = api.object_font(obj)
            if api.font_embedded(font) != 1:
                # a font not embedded, drawn with a substitute that lacks the glyphs (no CJK font on
                # the machine): its glyphs have no ink, and pdfium's text page drops an object of one
                # glyph (序, （) as it drops objects of spaces, which cannot be told apart here
                raise LostGlyphs
            m = api.Matrix()
            api.object_matrix(obj, m)
            tm = _mult((m.a, m.b, m.c, m.d, m.e, m.f), form)
            size, width = ctypes.c_float(), ctypes.c_float()
            api.object_size(obj, size)
            api.glyph_width(font, 0x20, size.value, width)
            run = _Run(obj, font, *self._font(font), size.value, tm[:4], {})
            blanks.append(_Glyph(run, 0x20, tm[4], tm[5], width.value))
        elif kind == api.PATH:
            shapes.extend(_path_shapes(api, obj, _mult(form, ctm)))
        elif kind == api.FORM and depth < _MAX_FORM_DEPTH:
            m = api.Matrix()
            api.object_matrix(obj, m)
            inner = _mult((m.a, m.b, m.c, m.d, m.e, m.f), form)
            for k in range(api.form_count(obj)):
                self._visit(api.form_object(obj, k), inner, ctm, blanks, shapes, depth + 1)


_RADICAL_OF = frozenset(ord(text) for text in RADICALS.values() if len(text) == 1)  # 日 of ⽇
_INK = 0.9  # of an ideograph's advance: a loose box narrower than this is its ink
_MAYBE_GENERATED = frozenset((0x20, 0x0D, 0x0A))  # the only chars pdfium generates

_SIZE_EPSILON = 0.01  # pdfium (cpdf_textpage.cpp): a text object narrower than this is left out of the text page
_SAME_LINE = 0.01  # font sizes: glyphs whose baselines differ by less stand on one line
_WHOLE = 0.15  # advances: a gap this near a whole number of a space's advance is that many spaces


class _Run:
    """A text object as its chars share it: font, pdfminer's font name and descent, size, matrix."""

    __slots__ = ("obj", "font", "fontname", "descent", "size", "m", "widths")

    def __init__(self, obj, font, fontname, descent, size, m, widths) -> None:
        self.obj, self.font, self.fontname, self.descent = obj, font, fontname, descent
        self.size, self.m, self.widths = size, m, widths  # widths: the advances of its font and size by code


class _Glyph:
    """One char of pdfium's text page: its run, text (a code, or UTF-16 units), origin and advance."""

    __slots__ = ("run", "units", "x", "y", "adv")

    def __init__(self, run: _Run, units, x: float, y: float, adv: float) -> None:
        self.run, self.units, self.x, self.y, self.adv = run, units, x, y, adv

    @property
    def text(self) -> str:
        if isinstance(self.units, int):
            return chr(self.units)
        raw = b"".join(u.to_bytes(2, "little") for u in self.units)
        return raw.decode("utf-16-le", "replace")

    def moved(self, steps: int) -> _Glyph:
        """A space ``steps`` advances further along the baseline."""
        a, b = self.run.m[0], self.run.m[1]
        return _Glyph(self.run, 0x20, self.x + steps * self.adv * a, self.y + steps * self.adv * b, self.adv)


def _to_chars(glyphs: list[_Glyph], ctm, height: float, mb_x0: float, mb_top: float) -> list[dict]:
    """pdfplumber's char dicts: pdfminer's LTChar box (0, descent) - (adv, descent + size) through the
    char's matrix and the page's initial matrix, top and bottom from the page's top."""
    ca, cb, cc, cd, ce, cf = ctm
    plain = cb == 0 and cc == 0  # an unrotated page
    out: list[dict] = []
    append = out.append
    # what a char's box takes of its run, worked out once a run: its matrix, the box's bottom and top
    # in text space, upright or not, the font name
    per_run: dict[int, tuple] = {}
    for g in glyphs:
        run = g.run
        known = per_run.get(id(run))
        if known is None:
            a, b, c, d = run.m
            lo = run.descent * run.size
            hi = lo + run.size
            known = per_run[id(run)] = (a, b, c, d, lo, hi, plain and b == 0 and c == 0, run.fontname)
        a, b, c, d, lo, hi, upright, fontname = known
        adv = g.adv
        if upright:  # upright text: two corners give the box
            x0 = ca * g.x + ce
            x1 = ca * (a * adv + g.x) + ce
            y0 = cd * (d * lo + g.y) + cf
            y1 = cd * (d * hi + g.y) + cf
            if x1 < x0:
                x0, x1 = x1, x0
            if y1 < y0:
                y0, y1 = y1, y0
        else:
            xs, ys = [], []
            for px, py in ((0.0, lo), (adv, hi), (0.0, hi), (adv, lo)):
                ux = a * px + c * py + g.x
                uy = b * px + d * py + g.y
                xs.append(ca * ux + cc * uy + ce)
                ys.append(cb * ux + cd * uy + cf)
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        if mb_x0 != 0:
            x0, x1 = x0 + mb_x0, x1 + mb_x0
        units = g.units
        text = chr(units) if type(units) is int else g.text
        append({"text": text, "x0": x0, "x1": x1, "top": (height - y1) + mb_top,
                "bottom": (height - y0) + mb_top, "size": y1 - y0, "fontname": fontname})
    return out


def _refine_advances(glyphs: list[_Glyph]) -> None:
    """The advance of a glyph whose text no single char code of its font gives (a ligature: "ff" for
    one glyph, shown by pdfium as its pieces): its ink's width, but not beyond the next glyph of its text
    object on its line; a surrogate pair is measured by its code point."""
    api = _api()
    width = ctypes.c_float()
    for n, g in enumerate(glyphs):
        units = g.units
        if not isinstance(units, int) and len(units) == 2 and 0xD800 <= units[0] < 0xDC00 \
                and 0xDC00 <= units[1] < 0xE000:
            api.glyph_width(g.run.font, ord(g.text), g.run.size, width)
            if width.value > 0:
                g.adv = width.value
                continue
        if g.adv >= 0:
            continue
        g.adv = -g.adv
        nxt = glyphs[n + 1] if n + 1 < len(glyphs) else None
        a = g.run.m[0]
        if nxt is not None and nxt.run is g.run and abs(nxt.y - g.y) < 1e-3 and nxt.x > g.x and a > 0:
            g.adv = min(g.adv, (nxt.x - g.x) / a)


def _upright(g: _Glyph) -> bool:
    a, b, c, d = g.run.m
    return b == 0 and c == 0 and a > 0


def _spaces_in(gap: float, adv: float) -> int | None:
    """How many advances ``adv`` a gap holds, where it is (nearly) a whole number of them."""
    if adv <= 0:
        return None
    k = round(gap / adv)
    return k if k >= 1 and abs(gap / adv - k) <= _WHOLE else None


class _Lines:
    """Glyphs by baseline, for the nearest glyph to the right of a point on its line."""

    def __init__(self, glyphs: list[_Glyph]) -> None:
        self.ys = sorted({g.y for g in glyphs})
        self.xs: dict[float, list[float]] = {}
        for g in glyphs:
            self.xs.setdefault(g.y, []).append(g.x)
        for xs in self.xs.values():
            xs.sort()

    def next_x(self, g: _Glyph) -> float | None:
        tol = _SAME_LINE * max(g.run.size * abs(g.run.m[3]), 1.0)
        best = None
        lo = bisect.bisect_left(self.ys, g.y - tol)
        hi = bisect.bisect_right(self.ys, g.y + tol)
        for y in self.ys[lo:hi]:
            xs = self.xs[y]
            k = bisect.bisect_right(xs, g.x + 1e-6)
            if k < len(xs) and (best is None or xs[k] < best):
                best = xs[k]
        return best


def _restore_spaces(glyphs: list[_Glyph], blanks: list[_Glyph]) -> list[_Glyph]:
    """Put back the spaces pdfium's text page leaves out (upright text only).

    A blank text object is as many spaces as whole advances reach to the next glyph on its line (one
    where they do not); after a space, a gap of k whole advances to the next glyph on its line holds
    k - 1 more spaces (pdfium keeps the first space of a run only).
    """
    spaces = [g for g in glyphs if g.units == 0x20 and _upright(g)]
    if not spaces and not blanks:
        return glyphs
    lines = _Lines(glyphs)
    added: list[_Glyph] = []
    for blank in blanks:
        nxt = lines.next_x(blank) if _upright(blank) else None
        k = _spaces_in(nxt - blank.x, blank.adv * blank.run.m[0]) if nxt is not None else None
        added.extend(blank.moved(j) for j in range(k or 1))
    if added:
        lines = _Lines(glyphs + added)
    for g in spaces:
        nxt = lines.next_x(g)
        k = _spaces_in(nxt - g.x, g.adv * g.run.m[0]) if nxt is not None else None
        if k and k > 1:
            added.extend(g.moved(j) for j in range(1, k))
    return glyphs + added


def _apply(m, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return (a * x + c * y + e, b * x + d * y + f)


def _path_shapes(api: _Api, obj: int, ctm) -> list[dict]:
    """pdfminer's objects for one path object (converter.paint_path): lines, rects and curves."""
    mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not api.draw_mode(obj, mode, stroke):
        return []
    fill = mode.value != api.FILL_NONE
    if not fill and not stroke.value:
        return []
    mat = api.Matrix()
    api.object_matrix(obj, mat)
    full = _mult((mat.a, mat.b, mat.c, mat.d, mat.e, mat.f), ctm)
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[list[tuple[str, tuple[float, float]]]] = []
    for k in range(api.count_segments(obj)):
        seg = api.segment(obj, k)
        kind = api.segment_type(seg)
        api.segment_point(seg, x, y)
        pt = _apply(full, x.value, y.value)
        if kind == api.MOVETO or not subpaths:
            subpaths.append([("m", pt)])
        else:
            subpaths[-1].append(("l" if kind == api.LINETO else "c", pt))
        if api.segment_close(seg):
            subpaths[-1].append(("h", subpaths[-1][0][1]))
    width = ctypes.c_float()
    api.stroke_width(obj, width)
    shapes = []
    for sub in subpaths:
        shape = "".join(op for op, _ in sub)
        pts = [p for _, p in sub]
        if shape[0] != "m" or len(shape) < 2:
            continue
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"
            pts.pop()
        if shape in ("mlh", "ml"):
            shapes.append({"kind": "line", "pts": pts[:2], "width": width.value})
        elif shape in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            closed = pts[0] == pts[4]
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3
                                                                            and x3 == x0)
            shapes.append({"kind": "rect" if closed and square else "curve", "pts": pts, "width": width.value})
        else:
            shapes.append({"kind": "curve", "pts": pts, "width": width.value})
    return shapes


def _mult(m1, m0):
    """pdfminer's mult_matrix(m1, m0): m1 then m0."""
    a1, b1, c1, d1, e1, f1 = m1
    a0, b0, c0, d0, e0, f0 = m0
    return (a0 * a1 + c0 * b1, b0 * a1 + d0 * b1, a0 * c1 + c0 * d1, b0 * c1 + d0 * d1,
            a0 * e1 + c0 * f1 + e0, b0 * e1 + d0 * f1 + f0)


def _to_edges(ppage, shapes: list[dict]) -> list[dict]:
    """pdfplumber's page.edges for the shapes: a line its edge, a rect its four, a curve its segments."""
    height = ppage.height
    mb_x0, mb_top = ppage.mediabox[:2]
    lines, rects, curves = [], [], []
    for s in shapes:
        pts = s["pts"]
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        if s["kind"] == "rect":
            pts = [pts[0], pts[2]]
            xs = [p[0] for p in pts]
            ys = [p[1] for p in pts]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        top, bottom = (height - y1) + mb_top, (height - y0) + mb_top
        if mb_x0 != 0:
            x0, x1 = x0 + mb_x0, x1 + mb_x0
        obj = {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "y0": y0, "y1": y1,
               "width": x1 - x0, "height": bottom - top, "object_type": s["kind"]}
        if s["kind"] == "line":
            lines.append(obj)
        elif s["kind"] == "rect":
            rects.append(obj)
        else:
            obj["pts"] = [(mb_x0 + px, mb_top + height - py) for px, py in s["pts"]]
            curves.append(obj)
    from pdfplumber.utils import curve_to_edges, line_to_edge, rect_to_edges

    edges = [line_to_edge(o) for o in lines]
    for o in rects:
        edges.extend(rect_to_edges(o))
    for o in curves:
        edges.extend(curve_to_edges(o))
    return edges
