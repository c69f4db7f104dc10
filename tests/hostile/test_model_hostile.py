"""Hostile catalogues and exports (issue 11, items 5, 8, 9): formula injection in every CSV/XLSX export, JSON that
nests too deep, points out of bounds, impossible catalogues, and a verification flag typed by hand.

Every payload is generated here at test time. The deep and huge cases run the command line in a subprocess
bounded by resource.setrlimit (1 GiB of address space, 30 s of CPU) and assert its exit code and message.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from zhibiao.cells import safe_row, safe_text
from zhibiao.cli import main
from zhibiao.model import MAX_INDICATOR_DEPTH, MAX_JSON_NESTING, Catalogue, json_nesting
from zhibiao.pipeline import ingest
from zhibiao.signature import signed

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
SEED_2023 = ROOT / "corpus" / "000_1c204f1614fc8d36.txt"
SCORING = TESTS / "data" / "scoring"

PAYLOADS = ["=HYPERLINK(\"http://x.invalid\",\"点击\")", "+1+2", "-2+3", "@SUM(A1:A2)", "\tTAB", "\rCR",
            "=cmd|' /C calc'!A0"]
LIMIT_BYTES = 1 << 30
LIMIT_CPU = 30


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (LIMIT_CPU, LIMIT_CPU))


def run_limited(args, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The command line in a subprocess under 1 GiB and 30 s of CPU (and 60 s of wall time)."""
    return subprocess.run([sys.executable, "-m", "zhibiao.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=60, preexec_fn=_limits, cwd=ROOT, env={**os.environ, **(env or {})})


def run(args, capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module", autouse=True)
def data_directory(tmp_path_factory):
    """A data directory (and signing key) of this module's own."""
    folder = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZHIBIAO_DATA", str(folder))
        yield folder


@pytest.fixture(scope="module")
def base() -> dict:
    """The 2023 seed as catalogue JSON data (unverified, as ingested)."""
    return json.loads(ingest(SEED_2023).model_dump_json())


def _copy(data: dict) -> dict:
    return json.loads(json.dumps(data))


def _write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _verification(data: dict) -> dict:
    leaves = [i for i in Catalogue.model_validate(data).walk()]
    return {"verified": True, "by": "审核员", "at": "2023-10-08T09:30:00", "indicators": [i.id for i in leaves]}


def _first_leaf(data: dict) -> dict:
    node = data["rubrics"][0]["indicators"][0]
    while node["children"]:
        node = node["children"][0]
    return node


# --- item 5: formula injection ----------------------------------------------------------------


def test_safe_text_quotes_formula_starts_and_keeps_numbers():
    for payload in PAYLOADS:
        assert safe_text(payload) == "'" + payload.replace("\r", "\n")
    assert safe_text("a\r=1+1") == "a\n=1+1" and safe_text("a\r\nb") == "a\nb"
    for plain in ("组织领导", "-2", "+0.5", "3", "", "a=b", "'=already"):
        assert safe_text(plain) == plain
    assert safe_row(["=1", 3, None, "x"]) == ["'=1", 3, None, "x"]


def _poisoned(base: dict) -> dict:
    data = _copy(base)
    leaves = [i for i in _walk(data["rubrics"][0]["indicators"]) if not i["children"]]
    for ind, payload in zip(leaves, PAYLOADS):
        ind["text"] = payload
        ind["owner"] = payload
    data["document"]["title"] = PAYLOADS[0]
    data["rubrics"][0]["title"] = PAYLOADS[0]
    return data


def _walk(items):
    for ind in items:
        yield ind
        yield from _walk(ind["children"])


def _assert_csv_safe(text: str, payloads=PAYLOADS) -> None:
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    for payload in payloads:
        assert payload not in cells, f"{payload!r} written as it is"
        assert "'" + payload.replace("\r", "\n") in cells, f"{payload!r} not written quoted"
    assert not [c for c in cells if c and c[0] in "=+-@\t\r" and not c.lstrip("+-").replace(".", "").isdigit()]


def _assert_xlsx_safe(data: bytes, payloads=PAYLOADS) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, f"a formula cell in {name}"
    wb = load_workbook(io.BytesIO(data))
    values = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    values.append(cell.value)
    assert not [v for v in values if v[:1] in ("=", "+", "-", "@", "\t", "\r") and v[:1]
                and not v.lstrip("+-").replace(".", "").isdigit()]
    for payload in payloads:
        assert not any(v.startswith(payload) for v in values), f"{payload!r} written as it is"
        assert any("'" + payload.replace("\r", "\n") in v for v in values), f"{payload!r} not in the workbook"


def test_catalogue_csv_and_xlsx_exports_escape_formulas(base, tmp_path, capsys):
    path = _write(tmp_path / "poisoned.json", _poisoned(base))
    code, _, err = run(["export", path, "--format", "csv", "-o", tmp_path / "out.csv"], capsys)
    assert code == 0, err
    _assert_csv_safe((tmp_path / "out.csv").read_bytes().decode("utf-8-sig"))
    code, _, err = run(["export", path, "--format", "xlsx", "-o", tmp_path / "out.xlsx"], capsys)
    assert code == 0, err
    _assert_xlsx_safe((tmp_path / "out.xlsx").read_bytes())


def test_store_exports_escape_formulas(base, tmp_path):
    from zhibiao.store import Store

    st = Store(f"sqlite:///{tmp_path / 'z.db'}")
    notice = tmp_path / "notice.txt"
    text = SEED_2023.read_text(encoding="utf-8")
    notice.write_text(text, encoding="utf-8")
    cid, _ = st.ingest(notice, by="t")
    cat, _ = st.get(cid)
    first = next(cat.rubrics[0].leaves())
    st.edit(cid, first.id, "text", PAYLOADS[0], by="t", revision=st.revisions(cid)[first.id])
    _assert_csv_safe(st.export(cid, "csv").decode("utf-8-sig"), payloads=PAYLOADS[:1])
    _assert_xlsx_safe(st.export(cid, "xlsx"), payloads=PAYLOADS[:1])


def test_cohort_csv_and_xlsx_escape_unit_names(base, tmp_path, capsys):
    cat = _write(tmp_path / "2023.json", base)
    folder = tmp_path / "cohort"
    folder.mkdir()
    sources = sorted((SCORING / "cohort").glob("*.csv"))
    names = ["=1+2", "+SUM(1)", "-3+4", "@A1"]
    for src, name in zip(sources, names):
        shutil.copy(src, folder / f"{name}.csv")
    code, _, err = run(["score", cat, folder, "--allow-unverified", "-o", tmp_path / "c.csv"], capsys)
    assert code == 0, err
    cells = [c for row in csv.reader(io.StringIO((tmp_path / "c.csv").read_bytes().decode("utf-8-sig"))) for c in row]
    for name in names:
        assert "'" + name in cells and name not in cells
    code, _, err = run(["score", cat, folder, "--allow-unverified", "-o", tmp_path / "c.xlsx"], capsys)
    assert code == 0, err
    _assert_xlsx_safe((tmp_path / "c.xlsx").read_bytes(), payloads=names)


def test_crosswalk_and_chain_xlsx_escape_formulas(base, tmp_path, capsys):
    old = _poisoned(base)
    new = _poisoned(base)
    for ind, payload in zip([i for i in _walk(new["rubrics"][0]["indicators"]) if not i["children"]],
                            reversed(PAYLOADS)):
        ind["text"] = payload + " 新"
    a, b = _write(tmp_path / "old.json", old), _write(tmp_path / "new.json", new)
    code, _, err = run(["diff", a, b, "--xlsx", tmp_path / "cw.xlsx"], capsys)
    assert code == 0, err
    _assert_xlsx_safe((tmp_path / "cw.xlsx").read_bytes())  # 新旧对照表, 一级指标分值变化, links, weights
    c = _write(tmp_path / "third.json", old)
    code, _, err = run(["diff", a, b, c, "--xlsx", tmp_path / "chain.xlsx"], capsys)
    assert code == 0, err
    _assert_xlsx_safe((tmp_path / "chain.xlsx").read_bytes(), payloads=())  # ids before texts: no cell starts so


# --- item 8: depth and decimal bounds ----------------------------------------------------------


def test_json_nesting_is_counted_on_the_raw_text():
    assert json_nesting('{"a": "[[[[\\"[[", "b": [[1], [2]]}') == 3
    assert json_nesting("[" * 100_000) == MAX_JSON_NESTING + 1  # stops just past the limit


@pytest.mark.parametrize("command", ["check", "score"])
def test_100k_deep_arrays_exit_4(tmp_path, command):
    path = tmp_path / "deep.json"
    path.write_text('{"schema_version": "1.2", "document": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    args = [command, path] + ([SCORING / "full.csv"] if command == "score" else [])
    result = run_limited(args)
    assert result.returncode == 4, result.stderr
    assert "deep.json" in result.stderr and f"nested more than {MAX_JSON_NESTING} deep" in result.stderr
    assert "Traceback" not in result.stderr


def _nested_children(base: dict, depth: int) -> str:
    """The catalogue with a chain of `depth` indicators under its first first-level one, written by hand (json.dumps
    itself would recurse)."""
    data = _copy(base)
    rubric = data["rubrics"][0]
    rubric["indicators"] = rubric["indicators"][:1]
    top = rubric["indicators"][0]
    top["children"] = ["__CHAIN__"]
    opening, closing = [], []
    ident = top["id"]
    for level in range(2, depth + 2):
        ident += ".1"
        opening.append(f'{{"id": "{ident}", "level": {level}, "marker": null, "number": 1, "text": "x", '
                       f'"points": "1", "children": [')
        closing.append("]}")
    return json.dumps(data, ensure_ascii=False).replace('"__CHAIN__"', "".join(opening) + "".join(closing))


def test_3000_deep_children_exit_4(base, tmp_path):
    path = tmp_path / "children.json"
    path.write_text(_nested_children(base, 3000), encoding="utf-8")
    result = run_limited(["check", path])
    assert result.returncode == 4, result.stderr
    assert "nested more than" in result.stderr and f"{MAX_INDICATOR_DEPTH} levels of indicators" in result.stderr


def test_more_than_32_levels_exit_4(base, tmp_path):
    path = tmp_path / "levels.json"
    path.write_text(_nested_children(base, MAX_INDICATOR_DEPTH + 2), encoding="utf-8")
    assert json_nesting(path.read_text(encoding="utf-8")) <= MAX_JSON_NESTING  # passes the pre-scan
    result = run_limited(["check", path])
    assert result.returncode == 4, result.stderr
    assert f"more than {MAX_INDICATOR_DEPTH} levels of indicators" in result.stderr


@pytest.mark.parametrize("points, fragment", [
    ('"1E+999999999"', "at most 6 integer digits"),
    ('"1E-999999999"', "at most 4 fractional digits"),
    ('"0E+999999999"', "at most 6 integer digits"),
    ('"1000000"', "at most 6 integer digits"),
    ('"0.00001"', "at most 4 fractional digits"),
    ('"' + "9" * 100_000 + '"', "at most 64 characters"),
    ("1" + "0" * 5000, "not JSON"),  # a bare integer beyond Python's 4,300-digit conversion limit
    ("10000000", "at most 6 integer digits"),
])
def test_points_out_of_bounds_exit_4_and_score_does_not_hang(base, tmp_path, points, fragment):
    data = _copy(base)
    _first_leaf(data)["points"] = "__POINTS__"
    data["verification"] = _verification(base)
    path = tmp_path / "points.json"
    path.write_text(json.dumps(data, ensure_ascii=False).replace('"__POINTS__"', points), encoding="utf-8")
    for args in (["check", path], ["score", path, SCORING / "full.csv", "--allow-unverified"]):
        result = run_limited(args)
        assert result.returncode == 4, (args[0], result.stderr)
        assert fragment in result.stderr and "points.json" in result.stderr
        assert "Traceback" not in result.stderr


def test_points_at_the_bounds_still_read(base):
    data = _copy(base)
    for value in ("999999.9999", "2.50000", "0", "0.0001"):
        _first_leaf(data)["points"] = value
        Catalogue.model_validate(data)


# --- item 9: impossible catalogues, a verification that must be shown ------------------------


def _negative(d):
    _first_leaf(d)["points"] = "-1"


def _duplicate(d):
    d["rubrics"][0]["indicators"][1]["id"] = d["rubrics"][0]["indicators"][0]["id"]


def _level(d):
    _first_leaf(d)["level"] = 1


def _level_string(d):
    d["rubrics"][0]["indicators"][0]["level"] = "1"


def _number_string(d):
    d["rubrics"][0]["indicators"][0]["number"] = "1"


def _sha(d):
    d["document"]["sha256"] = "not-a-digest"


def _lines(d):
    _first_leaf(d)["source"] = {"file": "x.txt", "lines": [-3, 2]}


def _signature(d):
    d["verification"] = {**_verification(d), "signature": "forged"}


@pytest.mark.parametrize("change, fragments", [
    (_negative, ["negative"]),
    (_duplicate, ["used twice"]),
    (_level, ["has level 1 but stands at depth"]),
    (_level_string, ["level", "valid integer"]),
    (_number_string, ["number", "valid integer"]),
    (_sha, ["sha256", "pattern"]),
    (_lines, ["lines", "greater than or equal to 1"]),
    (_signature, ["signature", "pattern"]),
])
def test_impossible_catalogues_exit_4(base, tmp_path, capsys, change, fragments):
    data = _copy(base)
    change(data)
    path = _write(tmp_path / "impossible.json", data)
    code, _, stderr = run(["check", path], capsys)
    assert code == 4, stderr
    assert "impossible.json" in stderr
    for fragment in fragments:
        assert fragment in stderr, (fragment, stderr)


def test_typed_verified_flag_is_not_believed(base, tmp_path, capsys):
    data = _copy(base)
    data["verification"] = _verification(base)
    path = _write(tmp_path / "typed.json", data)
    code, stdout, stderr = run(["score", path, SCORING / "full.csv"], capsys)
    assert code == 9 and stdout == ""
    assert "says it is verified" in stderr and "no signature" in stderr and "typed.json" in stderr
    code, stdout, stderr = run(["score", path, SCORING / "full.csv", "--json", "--allow-unverified"], capsys)
    assert code == 0 and json.loads(stdout)["verified"] is False
    assert "cannot be shown" in stderr and "scored as unverified" in stderr


def test_signed_catalogue_scores_and_an_edit_breaks_the_signature(base, tmp_path, capsys, data_directory):
    data = _copy(base)
    data["verification"] = _verification(base)
    cat = signed(Catalogue.model_validate(data))
    assert (data_directory / "signing.key").stat().st_mode & 0o777 == 0o600
    good = tmp_path / "signed.json"
    good.write_text(cat.model_dump_json(indent=1), encoding="utf-8")
    code, stdout, stderr = run(["score", good, SCORING / "full.csv", "--json"], capsys)
    assert code == 0, stderr
    assert json.loads(stdout)["verified"] is True
    edited = json.loads(good.read_text(encoding="utf-8"))
    _first_leaf(edited)["points"] = "9"
    bad = _write(tmp_path / "edited.json", edited)
    code, _, stderr = run(["score", bad, SCORING / "full.csv"], capsys)
    assert code == 9 and "does not match its content" in stderr
    # another data directory: no key there, nothing can be shown
    result = run_limited(["score", good, SCORING / "full.csv"], env={"ZHIBIAO_DATA": str(tmp_path / "elsewhere")})
    assert result.returncode == 9 and "no signing key" in result.stderr


def test_store_export_of_a_verified_catalogue_is_signed_and_scores(tmp_path, capsys):
    from zhibiao.store import Store

    st = Store(f"sqlite:///{tmp_path / 'z.db'}")
    cid, _ = st.ingest(SEED_2023, by="t")
    revs = st.revisions(cid)
    st.verify(cid, list(revs), by="alice", revisions_seen=revs, accept=list(revs))  # warnings accepted too
    st.verify_catalogue(cid, by="alice")
    exported = tmp_path / "exported.json"
    exported.write_bytes(st.export(cid, "json"))
    assert json.loads(exported.read_text(encoding="utf-8"))["verification"]["signature"]
    code, stdout, stderr = run(["score", exported, SCORING / "full.csv", "--json"], capsys)
    assert code == 0, stderr
    assert json.loads(stdout)["verified"] is True
