#!/usr/bin/env bash
# System packages and services the full test suite uses, on a Debian machine where we may use apt:
# Chromium (the report and the review app are tested in a real browser), a local PostgreSQL
# (the store is tested on PostgreSQL as well as SQLite) and LibreOffice Writer/Calc (legacy files are
# converted with it), with the Noto CJK fonts, the libraries OpenCV loads for OCR (libgl1, libglib2.0-0) and
# Tesseract with its Chinese model (the second OCR engine).
# Prints the PostgreSQL URL for the tests.
# Without root (or sudo) it installs nothing and says what is missing.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
fi
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
# LibreOffice converts legacy .doc/.wps/.xls/.et/.rtf notices (extract/legacy.py): Writer and Calc, without the GUI
for part in writer calc; do
  dpkg-query -W -f='${Status}' "libreoffice-$part-nogui" 2>/dev/null | grep -q "ok installed" \
    || dpkg-query -W -f='${Status}' "libreoffice-$part" 2>/dev/null | grep -q "ok installed" \
    || need+=("libreoffice-$part-nogui")
done
# CJK fonts: LibreOffice (legacy conversions, bench/bench_adversary.py's PDFs) and the browser screenshots
# print Chinese with them instead of empty boxes
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed" || need+=(fonts-noto-cjk)
# OpenCV (the OCR path, extract/ocr.py: opencv-python comes with rapidocr-onnxruntime) loads libGL and GLib
for pkg in libgl1 libglib2.0-0; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need+=("$pkg")
done
# Tesseract, the second OCR engine (extract/ocr.py TesseractEngine, --ocr-engine tesseract), with its Simplified
# Chinese model
for pkg in tesseract-ocr tesseract-ocr-chi-sim; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need+=("$pkg")
done
# pdftotext (poppler-utils): corpus/families/render.py --check reads the PDF renderings' text with it
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$SUDO" = none ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "system.sh: cannot install ${need[*]} here (no root/apt); the tests that need them will say so" >&2
    exit 0
  fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ "$SUDO" != none ]; then
  cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
  if [ -n "$cluster" ]; then
    # shellcheck disable=SC2086
    pg_lsclusters -h | awk 'NR==1 {print $4}' | grep -q online || $SUDO pg_ctlcluster $cluster start >&2
    port=$(pg_lsclusters -h | awk 'NR==1 {print $3}')
    $SUDO runuser -u postgres -- psql -qtp "$port" -c \
      "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'zhibiao_test') THEN
         CREATE ROLE zhibiao_test LOGIN PASSWORD 'zhibiao_test' CREATEDB; END IF; END \$\$;" >&2
    $SUDO runuser -u postgres -- psql -qtp "$port" -c "SELECT 1 FROM pg_database WHERE datname = 'zhibiao_test'" \
      | grep -q 1 || $SUDO runuser -u postgres -- createdb -p "$port" -O zhibiao_test zhibiao_test >&2
    echo "postgresql+psycopg://zhibiao_test:zhibiao_test@127.0.0.1:${port}/zhibiao_test"
  fi
fi
