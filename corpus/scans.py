"""Scans of the corpus PDFs, made as offices make them: pages rendered to images and degraded, for the OCR tests.

Run: .venv/bin/python corpus/scans.py OUTDIR [PDF ...]   (default: the jt01 family rubric)

Each PDF (corpus/renderings/, corpus/families/) is rendered with pdfium (pypdfium2) and written as:

- ``<name>.clean200.pdf``: every page a 200 dpi image, nothing else (an image-only PDF, as a scanner writes);
- ``<name>.degraded.pdf``: each page at a resolution between 150 and 300 dpi, turned by up to 2 degrees, with
  sensor noise and JPEG artefacts (quality 35-60), and a red seal stamped over the tallest table;
- ``<name>.no-tounicode.pdf``: the PDF with its fonts' ``/ToUnicode`` maps renamed away (same length: the
  cross-reference offsets hold), so that its text layer reads as CIDs or wrong characters.

Everything is made from a seed (``--seed``), so a run makes the same files. The goldens stay the PDFs' own
(golden/): a scan prints what its PDF prints.
"""

from __future__ import annotations

import argparse
import io
import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "corpus" / "families" / "jt01_jiaotong_pingyi" / "jt01_jiaotong_pingyi.pdf"

__all__ = ["Degradation", "render", "degrade", "seal", "images_pdf", "no_tounicode", "clean_scan", "degraded_scan",
           "DEFAULT"]


@dataclass(frozen=True)
class Degradation:
    """How one page is degraded: its resolution, skew (degrees), noise (grey levels), JPEG quality, a seal or not."""

    dpi: int = 200
    skew: float = 0.0
    noise: float = 0.0
    quality: int = 90
    seal: bool = False


def render(pdf: bytes, dpi: int) -> list[np.ndarray]:
    """Every page of a PDF as an RGB image (H x W x 3, uint8) at ``dpi``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in doc:
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            pages.append(bitmap.to_numpy()[:, :, :3].copy())
            bitmap.close()
            page.close()
        return pages
    finally:
        doc.close()


def _table_box(rgb: np.ndarray) -> tuple[int, int, int, int] | None:
    """The box of the page's longest ruled lines (a table), else None: where the seal goes."""
    import cv2

    ink = (rgb.min(axis=2) < 128).astype(np.uint8) * 255
    w = rgb.shape[1]
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (w // 4, 1)))
    ys, xs = np.nonzero(lines)
    if len(ys) == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def seal(rgb: np.ndarray, rng: random.Random) -> np.ndarray:
    """A red round seal (ring, star, an arc of strokes) stamped over the table, as ink multiplies over print."""
    import cv2

    h, w = rgb.shape[:2]
    box = _table_box(rgb) or (w // 4, h // 3, 3 * w // 4, 2 * h // 3)
    radius = int(min(w, h) * 0.13)
    cx = rng.randint(min(box[0] + radius, box[2] - radius), max(box[0] + radius, box[2] - radius))
    cy = rng.randint(min(box[1] + radius, box[3]), max(box[1] + radius, box[3]))
    stamp = np.full((h, w, 3), 255, np.uint8)
    red = (40, 40, 215)[::-1]  # RGB
    thick = max(3, radius // 18)
    cv2.circle(stamp, (cx, cy), radius, red, thick, lineType=cv2.LINE_AA)
    star = [(cx + radius * 0.3 * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
             cy - radius * 0.3 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
    cv2.fillPoly(stamp, [np.array(star, np.int32)], red, lineType=cv2.LINE_AA)
    for k in range(12):  # the arc of the issuer's name: short strokes along the ring
        a = math.pi * (0.15 + 0.7 * k / 11)
        x = int(cx - math.cos(a) * radius * 0.72)
        y = int(cy - math.sin(a) * radius * 0.72)
        cv2.rectangle(stamp, (x - radius // 14, y - radius // 14), (x + radius // 14, y + radius // 14), red, thick)
    return (rgb.astype(np.uint16) * stamp // 255).astype(np.uint8)


def degrade(rgb: np.ndarray, how: Degradation, rng: random.Random) -> np.ndarray:
    """One page scanned badly: sealed, turned, noisy (the JPEG artefacts come when it is written)."""
    import cv2

    out = seal(rgb, rng) if how.seal else rgb
    if how.skew:
        h, w = out.shape[:2]
        m = cv2.getRotationMatrix2D((w / 2, h / 2), how.skew, 1.0)
        out = cv2.warpAffine(out, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    if how.noise:
        noise = np.random.default_rng(rng.randint(0, 2 ** 31)).normal(0, how.noise, out.shape)
        out = np.clip(out.astype(np.float64) + noise, 0, 255).astype(np.uint8)
    return out


def images_pdf(pages: list[np.ndarray], dpis: list[int], quality: list[int]) -> bytes:
    """An image-only PDF: each page one JPEG at its resolution (as a scanner writes it)."""
    from PIL import Image

    images = []
    for rgb, q in zip(pages, quality):
        buf = io.BytesIO()
        Image.fromarray(rgb).save(buf, "JPEG", quality=q)
        images.append(Image.open(io.BytesIO(buf.getvalue())))
    out = io.BytesIO()
    # one resolution for the file (PIL's PDF writer takes one): each page's own size follows from it
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=float(dpis[0]))
    return out.getvalue()


def no_tounicode(pdf: bytes) -> bytes:
    """The PDF with its fonts' ToUnicode maps renamed away (a key of the same length: offsets hold)."""
    return pdf.replace(b"/ToUnicode", b"/ToUnicodX")


def clean_scan(pdf: bytes, dpi: int = 200) -> bytes:
    """The PDF as an image-only PDF at ``dpi``, nothing degraded."""
    pages = render(pdf, dpi)
    return images_pdf(pages, [dpi] * len(pages), [92] * len(pages))


def degraded_scan(pdf: bytes, seed: int = 13) -> bytes:
    """The PDF scanned badly: one resolution (150-300 dpi) for the file, each page turned up to 2 degrees, noisy,
    JPEG quality 35-60, a red seal over the tallest table."""
    rng = random.Random(seed)
    dpi = rng.choice((150, 200, 300))
    pages = render(pdf, dpi)
    boxes = [_table_box(p) for p in pages]
    sealed = max(range(len(pages)), key=lambda k: boxes[k][3] - boxes[k][1] if boxes[k] else -1)  # the tallest table
    out, quality = [], []
    for k, rgb in enumerate(pages):
        how = Degradation(dpi=dpi, skew=rng.uniform(-2, 2), noise=rng.uniform(4, 10), quality=rng.randint(35, 60),
                          seal=k == sealed)
        out.append(degrade(rgb, how, rng))
        quality.append(how.quality)
    return images_pdf(out, [dpi] * len(out), quality)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("pdfs", nargs="*", type=Path, default=[DEFAULT])
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    for pdf in args.pdfs:
        data = pdf.read_bytes()
        stem = pdf.stem
        (args.outdir / f"{stem}.clean200.pdf").write_bytes(clean_scan(data))
        (args.outdir / f"{stem}.degraded.pdf").write_bytes(degraded_scan(data, args.seed))
        (args.outdir / f"{stem}.no-tounicode.pdf").write_bytes(no_tounicode(data))
        print(f"wrote {stem}: clean200, degraded, no-tounicode")


if __name__ == "__main__":
    main()
