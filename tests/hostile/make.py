"""Build hostile notice files at test time (nothing binary is committed): bombs, huge spans, broken PDFs.

``python -m tests.hostile.make OUTDIR`` (from the repository root) writes one of each, for trying by hand.
"""

from __future__ import annotations

import struct
import sys
import zipfile
import zlib
from pathlib import Path

GIB = 1 << 30
_CHUNK = 1 << 20

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>')


def _deflate_repeat(byte: bytes, size: int, *, raw: bool) -> bytes:
    """A deflate stream of ``size`` copies of ``byte`` (raw, or zlib-wrapped), built from one flushed block.

    After a full flush the compressor starts afresh, so every 1 MiB block compresses to the same bytes:
    compress one and repeat it (milliseconds instead of deflating a gibibyte through zlib).
    """
    chunk = byte * _CHUNK
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    n = size // _CHUNK
    body = block * n + c.flush(zlib.Z_FINISH)
    if raw:
        return body
    adler = 1
    for _ in range(n):
        adler = zlib.adler32(chunk, adler)
    return b"\x78\xda" + body + struct.pack(">I", adler)


def _zip_with(path: Path, members: dict[str, str], big_name: str, big_head: str, size: int,
              declared: int | None = None) -> Path:
    """A zip of small members plus ``big_name``: ``big_head`` followed by spaces up to ``size`` bytes.

    ``declared``: the uncompressed size the headers claim for the big member (a lie), else the truth.
    """
    head = big_head.encode()
    body = _deflate_repeat(b" ", size, raw=True)
    # the big member is the head, then the spaces: deflate both as one raw stream (head block first)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH) + body
    crc = zlib.crc32(head)
    chunk = b" " * _CHUNK
    for _ in range(size // _CHUNK):
        crc = zlib.crc32(chunk, crc)
    real = len(head) + size // _CHUNK * _CHUNK
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    # append the big member by hand (zipfile cannot take precompressed data): rewrite the archive
    data = path.read_bytes()
    end = data.rindex(b"PK\x05\x06")
    cd_offset = struct.unpack("<I", data[end + 16:end + 20])[0]
    entries = struct.unpack("<H", data[end + 10:end + 12])[0]
    local_part, central = data[:cd_offset], data[cd_offset:end]
    name = big_name.encode()
    claim = real if declared is None else declared
    local = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(stream), claim, len(name), 0) + name
    cd = struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(stream), claim, len(name),
                     0, 0, 0, 0, 0, len(local_part)) + name
    central_all = central + cd
    offset = len(local_part) + len(local) + len(stream)
    eocd = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, entries + 1, entries + 1, len(central_all), offset, 0)
    path.write_bytes(local_part + local + stream + central_all + eocd)
    return path


def docx_bomb(path: Path, size: int = GIB, declared: int | None = None) -> Path:
    """A ~1 MB DOCX whose word/document.xml inflates to ``size`` bytes (whitespace after the body)."""
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W}><w:body><w:p><w:r>'
           '<w:t>考核指标</w:t></w:r></w:p></w:body></w:document>')
    return _zip_with(path, {"[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _RELS}, "word/document.xml",
                     xml, size, declared)


def xlsx_bomb(path: Path, size: int = GIB) -> Path:
    """A ~1 MB XLSX whose first sheet's XML inflates to ``size`` bytes."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "考核指标"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n != "xl/worksheets/sheet1.xml"}
        sheet = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    path.unlink()
    return _zip_with(path, members, "xl/worksheets/sheet1.xml", sheet, size)


def xlsx_merge(path: Path, ref: str = "A3:XFD1048576") -> Path:
    """A small XLSX whose sheet merges ``ref`` (the whole sheet: 17 billion cells)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "考核指标"
    wb.active["A2"] = "x"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode("utf-8")
    members["xl/worksheets/sheet1.xml"] = sheet.replace(
        "</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>').encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return path


def _pdf(objects: list[bytes], *, xref: bool = True) -> bytes:
    """A PDF of the numbered objects (1 = catalog), with a correct xref table unless ``xref`` is False."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    start = len(out)
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    else:
        out += b"xref\n0 %d\nthis is not an xref table\n" % (len(objects) + 1)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)
    return bytes(out)


def _page_pdf(content: bytes, *, flate: bool = False, xref: bool = True) -> bytes:
    stream = content
    extra = b""
    if flate:
        extra = b" /Filter /FlateDecode"
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d%s >>\nstream\n" % (len(stream), extra) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ], xref=xref)


def pdf_bomb(path: Path, size: int = GIB) -> Path:
    """A ~1 MB PDF whose one page's flate content stream inflates to ``size`` bytes of spaces."""
    stream = _deflate_repeat(b" ", size, raw=False)
    path.write_bytes(_page_pdf(stream, flate=True))
    return path


def pdf_broken_xref(path: Path) -> Path:
    """A PDF whose xref table and objects are garbage (pdfminer can find no page in it)."""
    good = _page_pdf(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET")
    broken = good.replace(b"obj", b"ojb").replace(b"xref\n", b"xerf\n")
    path.write_bytes(broken)
    return path


def pdf_no_catalog(path: Path) -> Path:
    """A PDF with a good xref whose trailer names no catalogue (pdfminer: 'PDFDocument is not initialized')."""
    good = _page_pdf(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET")
    path.write_bytes(good.replace(b"/Root 1 0 R", b"/Info 1 0 R"))
    return path


def docx_gridspan(path: Path, span: int = 999_999_999) -> Path:
    """A ~1 KB DOCX whose one table cell claims gridSpan=``span`` (and a vMerge run under it)."""
    row = (f'<w:tr><w:tc><w:tcPr><w:gridSpan w:val="{span}"/><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r>'
           '<w:t>考核内容</w:t></w:r></w:p></w:tc></w:tr>')
    more = f'<w:tr><w:tc><w:tcPr><w:gridSpan w:val="{span}"/><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>' * 3
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W}><w:body>'
           '<w:p><w:r><w:t>考核指标</w:t></w:r></w:p><w:tbl><w:tblGrid><w:gridCol w:w="2000"/>'
           '<w:gridCol w:w="2000"/></w:tblGrid>' + row + more +
           '<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>'
           '</w:body></w:document>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", xml)
    return path


def html_spans(path: Path, rows: int = 2000) -> Path:
    """An HTML table of cells with rowspan=65534 colspan=1000 over many empty rows (~20 KB)."""
    cells = '<td rowspan="65534" colspan="1000">a</td>' * 20
    body = f"<tr>{cells}</tr>" + "<tr></tr>" * rows + '<tr><td colspan="999999999">b</td><td>c</td></tr>'
    path.write_text(f"<!doctype html><html><body><p>考核指标</p><table>{body}</table></body></html>",
                    encoding="utf-8")
    return path


def long_line(path: Path, size: int = 20_000_000) -> Path:
    """A text notice that is one line of ``size`` bytes (items with points, never a line break)."""
    unit = "执法案卷评查得分，得1分。"
    path.write_text("考核指标体系\n" + unit * (size // len(unit.encode())) + "\n", encoding="utf-8")
    return path


def dense_line(path: Path, unit: str, chars: int = 190_000) -> Path:
    """A text notice with one line just under the text-length limit, ``unit`` repeated (markers, points, tabs)."""
    path.write_text("考核指标体系\n" + unit * (chars // len(unit)) + "\n", encoding="utf-8")
    return path


def big_text(path: Path, size: int = 49 * _CHUNK) -> Path:
    """A text notice of ``size`` bytes: a short rubric, then many narrative paragraphs."""
    head = ("考核指标\n一、组织领导（10分）\n1.成立领导小组（5分）\n2.制定工作方案（5分）\n"
            "二、执法监督（10分）\n3.开展案卷评查（10分）\n")
    para = "各单位要认真贯彻落实行政执法责任制，加强执法监督，规范执法行为，提高执法质量和水平。\n"
    n = (size - len(head.encode())) // len(para.encode())
    with path.open("w", encoding="utf-8") as fh:
        fh.write(head)
        for _ in range(n // 1000):
            fh.write(para * 1000)
        fh.write(para * (n % 1000))
    return path


def tab_line(path: Path, size: int = 20_000_000) -> Path:
    """A text notice whose second line is ``size`` bytes of short tab-separated cells (one table row)."""
    unit = "执法案卷\t1\t"
    path.write_text("考核指标体系\n" + unit * (size // len(unit.encode())) + "\n", encoding="utf-8")
    return path


def catalogue(path: Path, sections: int, groups: int = 100, items: int = 30) -> list[str]:
    """A catalogue JSON (every field, as `zhibiao ingest` writes it) of sections × groups × items leaves of
    1 point, the points reconciling at every level; returns the leaf ids in document order."""
    import json

    ids: list[str] = []

    def node(ident: str, level: int, number: int, points: int, children: list) -> dict:
        return {"id": ident, "level": level, "marker": f"{number}.", "number": number, "text": f"第{ident}项",
                "points": str(points), "kind": "scored", "deduction": None, "criteria": None, "notes": [],
                "refs": [], "owner": None, "source": {"file": "large.txt", "lines": [len(ids) + 1, len(ids) + 1],
                                                      "pages": None, "regions": None, "locator": None},
                "flags": [], "children": children}

    tops = []
    for s in range(1, sections + 1):
        kids = []
        for g in range(1, groups + 1):
            leaves = []
            for i in range(1, items + 1):
                ids.append(f"{s}.{g}.{i}")
                leaves.append(node(ids[-1], 3, i, 1, []))
            kids.append(node(f"{s}.{g}", 2, g, items, leaves))
        tops.append(node(str(s), 1, s, groups * items, kids))
    data = {"schema_version": "1.2",
            "document": {"doc_number": None, "issuer": None, "title": None, "date": None, "forwards": [],
                         "implements": [], "cites": [], "source_file": "large.txt", "sha256": "0" * 64,
                         "format": "txt"},
            "rubrics": [{"title": "考核指标", "level_names": ["一级指标", "二级指标", "三级指标"], "stated_total": None,
                         "total": str(len(ids)), "indicators": tops, "findings": [], "rows_total": len(ids),
                         "rows_placed": len(ids)}],
            "regulations": [], "findings": [], "verification": None}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return ids


def assessment(path: Path, ids: list[str]) -> Path:
    """An assessment CSV of one row per id: every 7th n/a, every 3rd 0.5, else 1."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("id,awarded\n")
        fh.writelines(f"{ident},{'n/a' if k % 7 == 0 else '0.5' if k % 3 == 0 else '1'}\n"
                      for k, ident in enumerate(ids))
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for make, name in [(docx_bomb, "bomb.docx"), (xlsx_bomb, "bomb.xlsx"), (pdf_bomb, "bomb.pdf"),
                       (pdf_broken_xref, "broken_xref.pdf"), (pdf_no_catalog, "no_catalog.pdf"),
                       (docx_gridspan, "gridspan.docx"), (html_spans, "spans.html"),
                       (long_line, "long_line.txt"), (tab_line, "tab_line.txt"), (big_text, "big.txt")]:
        print(make(out / name))
