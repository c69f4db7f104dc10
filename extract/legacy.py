"""Legacy office files (.doc, .wps, .xls, .et, .rtf): converted with LibreOffice headless, then read as DOCX/XLSX.

The file's kind comes from its bytes (extract.sniff: an OLE2 compound file, ``D0 CF 11 E0``, is a Word or
WPS text document unless it holds a ``Workbook`` stream, then an Excel or WPS spreadsheet; ``{\\rtf`` is
RTF), its name only tells .doc from .wps and .xls from .et. WPS Office saves .wps/.et in the binary Word
and Excel formats (OLE2), which LibreOffice reads as .doc/.xls; the bytes are therefore handed to
LibreOffice under the name of the format they are (``notice.doc``, ``notice.xls``, ``notice.rtf``), never
under .wps (which LibreOffice takes for Microsoft Works).

Each conversion runs ``soffice --headless --convert-to docx|xlsx`` in a private temporary folder with its
own LibreOffice profile (``-env:UserInstallation=file:///…``: conversions never share or touch a user's
profile, and several may run at once), in a process group of its own that is killed whole when it
outlives ``CONVERT_TIMEOUT`` seconds (``ZHIBIAO_CONVERT_TIMEOUT``). The folder is removed afterwards,
whatever happened. The converted package is bounded like any DOCX/XLSX (extract/bounds.py) under the
original file's budget, and the layout records the conversion (``Layout.conversion``: source and
target format, LibreOffice's version as the converted file names it).

Where LibreOffice is not installed (no ``soffice`` on PATH, or ``ZHIBIAO_SOFFICE`` naming one), the
error says what to install: ``apt install libreoffice-writer-nogui libreoffice-calc-nogui``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

from zhibiao.errors import ConversionFailed, ConverterMissing, ZhibiaoError
from zhibiao.model import Conversion, Layout

from .bounds import Budget, check_zip

__all__ = ["CONVERT_TIMEOUT", "INSTALL", "soffice", "convert", "read_legacy", "source_format"]

CONVERT_TIMEOUT = 120.0  # seconds one conversion may take (a cold start in a fresh profile: 10-18 s on 2 shared cores)
INSTALL = "apt install libreoffice-writer-nogui libreoffice-calc-nogui"
_TARGET = {"ole": "docx", "ole-xls": "xlsx", "rtf": "docx"}
_AS = {"ole": "doc", "ole-xls": "xls", "rtf": "rtf"}  # the name LibreOffice is given: the format the bytes are


def soffice() -> str | None:
    """The LibreOffice program: ZHIBIAO_SOFFICE if set, else soffice (or libreoffice) on PATH."""
    named = os.environ.get("ZHIBIAO_SOFFICE")
    if named:
        return named if Path(named).is_file() and os.access(named, os.X_OK) else shutil.which(named)
    return shutil.which("soffice") or shutil.which("libreoffice")


def timeout() -> float:
    """CONVERT_TIMEOUT, or ZHIBIAO_CONVERT_TIMEOUT where set to a positive number of seconds."""
    try:
        value = float(os.environ.get("ZHIBIAO_CONVERT_TIMEOUT", ""))
    except ValueError:
        return CONVERT_TIMEOUT
    return value if value > 0 else CONVERT_TIMEOUT


def source_format(kind: str, suffix: str) -> str:
    """The legacy format a file is: its sniffed kind, told apart by its extension (.wps/.et: WPS Office)."""
    suffix = suffix.lower()
    if kind == "ole":
        return "wps" if suffix == ".wps" else "doc"
    if kind == "ole-xls":
        return "et" if suffix == ".et" else "xls"
    return "rtf"


def _tool(converted: bytes) -> str:
    """LibreOffice's version as the converted package's docProps/app.xml names it."""
    try:
        with zipfile.ZipFile(BytesIO(converted)) as zf:
            app = zf.read("docProps/app.xml")[:4096].decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return "LibreOffice"
    m = re.search(r"<Application>LibreOffice/([0-9.]+)", app)
    return f"LibreOffice {m[1]}" if m else "LibreOffice"


def _kill(proc: subprocess.Popen) -> None:
    """Kill the converter's whole process group (LibreOffice starts a child of its own), pipes closed."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:  # a process that left the group still holds the pipe: do not wait on it
        pass
    finally:
        if proc.stderr is not None:
            proc.stderr.close()
        proc.wait()


def convert(data: bytes, kind: str) -> tuple[bytes, str]:
    """The file converted by LibreOffice (DOCX for text documents, XLSX for spreadsheets), and the tool."""
    program = soffice()
    if program is None:
        raise ConverterMissing(None, "no `soffice` on PATH")
    target = _TARGET[kind]
    limit = timeout()
    with tempfile.TemporaryDirectory(prefix="zhibiao-soffice-") as tmp:
        folder = Path(tmp)
        source = folder / f"notice.{_AS[kind]}"
        source.write_bytes(data)
        out = folder / "out"
        out.mkdir()
        cmd = [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
               "--nologo", "--nodefault", "--nolockcheck", "--convert-to", target, "--outdir", str(out), str(source)]
        env = {**os.environ, "HOME": str(folder)}  # nothing of LibreOffice's lands in the user's home either
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    cwd=tmp, env=env, start_new_session=True)
        except OSError as exc:
            raise ConverterMissing(None, f"{program} cannot be started ({exc.strerror or exc})") from None
        try:
            _, err = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise ConversionFailed(None, f"LibreOffice did not finish within {limit:g} s (ZHIBIAO_CONVERT_TIMEOUT)"
                                   ) from None
        except BaseException:
            _kill(proc)
            raise
        result = out / f"notice.{target}"
        if not result.is_file() or result.stat().st_size == 0:
            lines = [ln.strip() for ln in err.decode("utf-8", "replace").splitlines() if ln.strip()]
            said = " ".join(ln for ln in lines if ln.startswith("Error")) or (lines[-1] if lines else "")
            raise ConversionFailed(None, f"no {target.upper()} came out (exit code {proc.returncode}"
                                         + (f", LibreOffice says: {said[:200]}" if said else "")
                                         + "); is the file damaged or password-protected?")
        return result.read_bytes(), _tool(result.read_bytes())


def read_legacy(data: bytes, kind: str, suffix: str, name: str, sha256: str, spent: Budget) -> Layout:
    """A legacy file's layout: converted, then read by the DOCX or XLSX reader; the conversion recorded."""
    converted, tool = convert(data, kind)
    target = _TARGET[kind]
    try:
        check_zip(converted, spent)
    except ZhibiaoError as exc:
        raise type(exc)(None, f"its {target.upper()} conversion: {exc.detail}") from None
    if target == "docx":
        from .docx import read_docx

        layout = read_docx(converted, name, sha256)
    else:
        from .xlsx import read_xlsx

        layout = read_xlsx(converted, name, sha256)
    fmt = source_format(kind, suffix)
    layout.format = fmt  # type: ignore[assignment]
    layout.conversion = Conversion(source_format=fmt, target_format=target, tool=tool)  # type: ignore[arg-type]
    return layout
