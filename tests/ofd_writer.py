"""A small OFD (GB/T 33190) writer for the tests: pages of text runs and ruling lines, written as a valid package.

``OfdPage`` collects what a page prints (``text``: a run of glyphs at a baseline with its advances;
``line``/``rect``: ruling lines and boxes), ``write_ofd`` writes the package: ``OFD.xml`` (DocBody,
DocInfo, DocRoot) → ``Doc_0/Document.xml`` (CommonData with PageArea, PublicRes, TemplatePage; Pages)
→ ``Doc_0/PublicRes.xml`` (Fonts) and ``Doc_0/Pages/Page_N/Content.xml`` (a body layer of text, a
background layer of paths; the page's footer text in its own template, ``Doc_0/Tpls/Tpl_N``).
Coordinates are millimetres from the page's top left, as OFD's.

``pdf_to_ofd`` renders a PDF of the corpus as OFD: every glyph pdfplumber (pdfminer) reads on a page,
at its baseline and advance, and every line and rectangle, so that the OFD prints what the PDF
prints. It is written independently of zhibiao's readers (pdfplumber's objects, OFD's XML): a
glyph run is one ``TextCode`` (``DeltaX`` with the ``g N v`` repetition where advances repeat), the
runs of a printed line one ``TextObject``; every other text object is written in a scaled object
space (``CTM``) and later runs of a line leave out ``Y`` (they go on at the line's baseline), so that
the reader's handling of both is exercised on whole notices.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

NS = "http://www.ofdspec.org/2016"
PT_TO_MM = 25.4 / 72


def _n(v: float) -> str:
    """A number as OFD writes it: up to 6 decimals (a nanometre), no trailing zeros."""
    text = f"{v:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def deltas(values: list[float]) -> str:
    """DeltaX with runs of one value written ``g N v``."""
    out: list[str] = []
    i = 0
    while i < len(values):
        j = i
        while j < len(values) and _n(values[j]) == _n(values[i]):
            j += 1
        if j - i >= 3:
            out.append(f"g {j - i} {_n(values[i])}")
        else:
            out.extend(_n(v) for v in values[i:j])
        i = j
    return " ".join(out)


@dataclass
class Run:
    """Glyphs printed from (x, baseline) with the advances between them (mm)."""

    x: float
    y: float
    text: str
    advances: list[float]


@dataclass
class TextLine:
    """Runs of one font and size on one baseline: one TextObject."""

    font: str
    size: float
    runs: list[Run]
    template: bool = False  # printed by the page's template (a footer), not its body


@dataclass
class OfdPage:
    width: float = 210.0
    height: float = 297.0
    lines: list[TextLine] = field(default_factory=list)
    paths: list[tuple[str, tuple[float, float, float, float], bool]] = field(default_factory=list)

    def text(self, x: float, y: float, text: str, size: float = 3.7, font: str = "SimSun",
             advances: list[float] | None = None, template: bool = False) -> None:
        """A run of glyphs from (x, baseline y); advances default to the size (CJK em)."""
        adv = advances if advances is not None else [size] * max(0, len(text) - 1)
        self.lines.append(TextLine(font, size, [Run(x, y, text, adv)], template))

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """A stroked ruling line."""
        box = (min(x0, x1), min(y0, y1), max(abs(x1 - x0), 0.01), max(abs(y1 - y0), 0.01))
        bx, by = box[0], box[1]
        self.paths.append((f"M {_n(x0 - bx)} {_n(y0 - by)} L {_n(x1 - bx)} {_n(y1 - by)}", box, False))

    def rect(self, x: float, y: float, w: float, h: float, fill: bool = False) -> None:
        """A box (stroked, or filled: a thin filled box is a ruling line too)."""
        self.paths.append((f"M 0 0 L {_n(w)} 0 L {_n(w)} {_n(h)} L 0 {_n(h)} C", (x, y, w, h), fill))

    def grid(self, x: float, y: float, widths: list[float], heights: list[float]) -> None:
        """A ruled table grid: every row and column line, across the whole table."""
        right, bottom = x + sum(widths), y + sum(heights)
        yy = y
        for h in [0.0, *heights]:
            yy += h
            self.line(x, yy, right, yy)
        xx = x
        for w in [0.0, *widths]:
            xx += w
            self.line(xx, y, xx, bottom)


def _page_xml(page: OfdPage, number: int, fonts: dict[str, int], ids: list[int], template_id: int | None,
              scaled_every: int) -> tuple[str, str | None]:
    def next_id() -> int:
        ids[0] += 1
        return ids[0]

    body: list[str] = []
    footer: list[str] = []
    for k, tl in enumerate(page.lines):
        xs = [r.x for r in tl.runs]
        x0 = min(xs)
        top = min(r.y for r in tl.runs) - tl.size
        right = max(r.x + sum(r.advances) + tl.size for r in tl.runs)
        bottom = max(r.y for r in tl.runs) + tl.size * 0.3
        scale = 2.0 if scaled_every and k % scaled_every == 1 else 1.0  # object space = page mm / scale
        ctm = f' CTM="{_n(scale)} 0 0 {_n(scale)} 0 0"' if scale != 1.0 else ""
        codes = []
        for j, r in enumerate(tl.runs):
            attrs = f'X="{_n((r.x - x0) / scale)}"'
            if j == 0 or r.y != tl.runs[j - 1].y:
                attrs += f' Y="{_n((r.y - top) / scale)}"'
            if r.advances:
                attrs += f' DeltaX="{deltas([a / scale for a in r.advances])}"'
            codes.append(f"<ofd:TextCode {attrs}>{escape(r.text)}</ofd:TextCode>")
        obj = (f'<ofd:TextObject ID="{next_id()}" Boundary="{_n(x0)} {_n(top)} {_n(right - x0)} {_n(bottom - top)}"'
               f' Font="{fonts[tl.font]}" Size="{_n(tl.size / scale)}"{ctm}><ofd:FillColor Value="0 0 0"/>'
               + "".join(codes) + "</ofd:TextObject>")
        (footer if tl.template else body).append(obj)
    paths = []
    for data, (x, y, w, h), fill in page.paths:
        attrs = ' Fill="true" Stroke="false"' if fill else ' LineWidth="0.18"'
        paths.append(f'<ofd:PathObject ID="{next_id()}" Boundary="{_n(x)} {_n(y)} {_n(w)} {_n(h)}"{attrs}>'
                     f"<ofd:AbbreviatedData>{data}</ofd:AbbreviatedData></ofd:PathObject>")
    tpl_ref = f'<ofd:Template TemplateID="{template_id}" ZOrder="Background"/>' if template_id else ""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}">{tpl_ref}'
               f'<ofd:Area><ofd:PhysicalBox>0 0 {_n(page.width)} {_n(page.height)}</ofd:PhysicalBox></ofd:Area>'
               f'<ofd:Content><ofd:Layer ID="{next_id()}" Type="Background"><ofd:PageBlock ID="{next_id()}">'
               + "".join(paths) + f'</ofd:PageBlock></ofd:Layer><ofd:Layer ID="{next_id()}" Type="Body">'
               + "".join(body) + "</ofd:Layer></ofd:Content></ofd:Page>")
    tpl = None
    if footer:
        tpl = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
               f'<ofd:Layer ID="{next_id()}" Type="Foreground">' + "".join(footer)
               + "</ofd:Layer></ofd:Content></ofd:Page>")
    return content, tpl


def write_ofd(pages: list[OfdPage], *, scaled_every: int = 2, omit: set[str] = frozenset(),
              extra: dict[str, bytes] | None = None) -> bytes:
    """The OFD package of pages. ``omit``: member names left out (bad-input tests); ``extra``: more members."""
    fonts: dict[str, int] = {}
    ids = [0]
    for page in pages:
        for tl in page.lines:
            if tl.font not in fonts:
                ids[0] += 1
                fonts[tl.font] = ids[0]
    members: dict[str, str] = {}
    page_refs, tpl_refs = [], []
    for n, page in enumerate(pages):
        tpl_id = ids[0] + 1 if any(tl.template for tl in page.lines) else None
        if tpl_id:
            ids[0] += 1
        content, tpl = _page_xml(page, n, fonts, ids, tpl_id, scaled_every)
        ids[0] += 1
        page_refs.append(f'<ofd:Page ID="{ids[0]}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
        members[f"Doc_0/Pages/Page_{n}/Content.xml"] = content
        if tpl is not None:
            tpl_refs.append(f'<ofd:TemplatePage ID="{tpl_id}" BaseLoc="Tpls/Tpl_{n}/Content.xml"/>')
            members[f"Doc_0/Tpls/Tpl_{n}/Content.xml"] = tpl
    font_xml = "".join(
        f'<ofd:Font ID="{fid}" FontName={quoteattr(name)} FamilyName={quoteattr(name.split("-")[0])}'
        + (' Bold="true"' if "bold" in name.lower() else "") + "/>" for name, fid in fonts.items())
    members["Doc_0/PublicRes.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res">'
                                      f"<ofd:Fonts>{font_xml}</ofd:Fonts></ofd:Res>")
    width, height = (pages[0].width, pages[0].height) if pages else (210.0, 297.0)
    members["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        f"<ofd:MaxUnitID>{ids[0]}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {_n(width)} {_n(height)}"
        "</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>" + "".join(tpl_refs)
        + "</ofd:CommonData><ofd:Pages>" + "".join(page_refs) + "</ofd:Pages></ofd:Document>")
    members["OFD.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0"'
                          ' DocType="OFD">'
                          "<ofd:DocBody><ofd:DocInfo><ofd:DocID>0f0d0000000000000000000000000000</ofd:DocID>"
                          "<ofd:Creator>zhibiao tests/ofd_writer.py</ofd:Creator></ofd:DocInfo>"
                          "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ["OFD.xml", *sorted(k for k in members if k != "OFD.xml")]:
            if name not in omit:
                zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), members[name].encode("utf-8"),
                            zipfile.ZIP_DEFLATED)
        for name, data in (extra or {}).items():
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


# --- a PDF of the corpus as OFD ----------------------------------------------------------------


def _font(name: str) -> str:
    tag, plus, rest = name.partition("+")
    return rest if plus and len(tag) == 6 and tag.isupper() else name


def pdf_pages(path: Path, footer: float = 42.0) -> list[OfdPage]:
    """The pages of a PDF as OfdPages: its glyphs (runs of adjoining glyphs at one baseline), lines and boxes.

    Text within ``footer`` points of the page's bottom (page numbers) goes to the page's template.
    """
    import pdfplumber

    out: list[OfdPage] = []
    with pdfplumber.open(path) as pdf:
        for p in pdf.pages:
            height = float(p.height)
            page = OfdPage(float(p.width) * PT_TO_MM, height * PT_TO_MM)
            lines: dict[tuple, TextLine] = {}
            run: Run | None = None
            prev = None
            for c in p.chars:
                m = c["matrix"]
                if not c.get("upright", True) or m[1] or m[2]:
                    continue
                base = (height - m[5]) * PT_TO_MM
                size = float(c["size"]) * PT_TO_MM
                font = _font(c["fontname"])
                x0 = float(c["x0"]) * PT_TO_MM
                key = (round(base, 3), font, round(size, 3))
                joined = (run is not None and prev is not None and prev[0] == key
                          and abs(x0 - prev[1]) <= 0.02 * size)
                if joined and run is not None:
                    run.advances.append(x0 - run.x - sum(run.advances))
                    run.text += c["text"]
                else:
                    run = Run(x0, base, c["text"], [])
                    tl = lines.get(key)
                    if tl is None:
                        tl = lines[key] = TextLine(font, size, [], template=m[5] < footer)
                    tl.runs.append(run)
                prev = (key, float(c["x1"]) * PT_TO_MM)
            page.lines = list(lines.values())
            for ln in p.lines:
                x0, x1 = float(ln["x0"]) * PT_TO_MM, float(ln["x1"]) * PT_TO_MM
                t, b = float(ln["top"]) * PT_TO_MM, float(ln["bottom"]) * PT_TO_MM
                page.line(x0, t, x1, b)
            for r in p.rects:
                page.rect(float(r["x0"]) * PT_TO_MM, float(r["top"]) * PT_TO_MM,
                          (float(r["x1"]) - float(r["x0"])) * PT_TO_MM,
                          (float(r["bottom"]) - float(r["top"])) * PT_TO_MM, fill=bool(r.get("fill")))
            out.append(page)
            p.close()
    return out


def pdf_to_ofd(path: Path) -> bytes:
    """The PDF at path written as OFD (see the module's docstring)."""
    return write_ofd(pdf_pages(path))


# --- a scanned OFD: each page one image ------------------------------------------------------------


def scanned_ofd(images: list[bytes], width: float = 210.0, height: float = 297.0) -> bytes:
    """An OFD whose pages are images only (as a scanner that writes OFD makes them): each page one
    ``ImageObject`` over the whole page (``CTM`` the unit square onto the page), its JPEG/PNG a ``MultiMedia``
    of the document's resources (``Doc_0/DocumentRes.xml``, files under its ``BaseLoc`` ``Res``)."""
    members: dict[str, bytes] = {}
    media, refs = [], []
    for n, data in enumerate(images):
        ext = "png" if data.startswith(b"\x89PNG") else "jpg"
        media.append(f'<ofd:MultiMedia ID="{100 + n}" Type="Image" Format="{ext.upper()}">'
                     f"<ofd:MediaFile>page_{n}.{ext}</ofd:MediaFile></ofd:MultiMedia>")
        members[f"Doc_0/Res/page_{n}.{ext}"] = data
        refs.append(f'<ofd:Page ID="{200 + n}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
        members[f"Doc_0/Pages/Page_{n}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
            f'<ofd:Layer ID="{300 + n}"><ofd:ImageObject ID="{400 + n}" ResourceID="{100 + n}"'
            f' Boundary="0 0 {_n(width)} {_n(height)}" CTM="{_n(width)} 0 0 {_n(height)} 0 0"/>'
            "</ofd:Layer></ofd:Content></ofd:Page>").encode()
    members["Doc_0/DocumentRes.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}"'
                                        f' BaseLoc="Res"><ofd:MultiMedias>{"".join(media)}</ofd:MultiMedias>'
                                        "</ofd:Res>").encode()
    members["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        f"<ofd:MaxUnitID>{400 + len(images)}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {_n(width)}"
        f" {_n(height)}</ofd:PhysicalBox></ofd:PageArea><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
        "</ofd:CommonData><ofd:Pages>" + "".join(refs) + "</ofd:Pages></ofd:Document>").encode("utf-8")
    members["OFD.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0"'
                          ' DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
                          "<ofd:DocID>0f0d0000000000000000000000000001</ofd:DocID></ofd:DocInfo>"
                          "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>").encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ["OFD.xml", *sorted(k for k in members if k != "OFD.xml")]:
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), members[name], zipfile.ZIP_DEFLATED)
    return buf.getvalue()
