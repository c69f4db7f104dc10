"""`zhibiao score`: exact completion per level, rejected assessments, verification, cohort statistics.

The assessments in tests/data/scoring/ score the 2023 seed rubric (9 first-level, 35 second-level,
205 leaf items, 100 points). Every expected number below is worked out by hand from what each file
deducts, not from the code:

full.csv (and bom_crlf.csv, the same rows saved by Excel as "CSV UTF-8"): full points except
1.1.1 0.5 of 1, 1.2.6 0.25 of 0.5, 3.1.39 0 of 0.4, all ten 7.3 items 0 (4 points); n/a: 9.1.6, 9.1.7,
9.1.9 (1 each), 9.1.10 (0.5) and all of 9.2 (4) — 7.5 points do not apply.
  applicable 100 - 7.5 = 92.5; awarded 92.5 - 0.5 - 0.25 - 0.4 - 4 = 87.35; 87.35 / 92.5 = 0.94432… → 0.9443.

gbk.csv (GBK, with a 备注 column): full points except 4.1.65 0.25 of 0.5 and 8.2.168 0 of 0.2;
9.1.6 (1 point) 不适用 (n/a).  applicable 99, awarded 99 - 0.45 = 98.55; 98.55 / 99 = 0.995454… → 0.9955.

cohort/: five units, full points except
  县市场监管局  1.1.1 0.5 of 1, 7.3 zero (4), 8.4.176 zero (1)          94.5 / 100 = 0.9450
  县交通运输局  area 9 zero (15)                                         85 / 100   = 0.8500
  县自然资源局  area 7 zero (10), 6.1 zero (4), 9.1.1 0.6 of 1; 9.2 n/a   81.6 / 96  = 0.8500
  县卫生健康局  areas 4, 5 zero (20), 2.4 zero (4), 8.4.176 zero (1)      75 / 100   = 0.7500
  县应急管理局  areas 3, 4, 5, 7 zero (40), 6.1 zero (4), 8.4.176 (1)     55 / 100   = 0.5500
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from decimal import Decimal

import pytest

from zhibiao.model import Catalogue
from zhibiao.pipeline import ingest
from zhibiao.scoring import InvalidAssessment, UnverifiedCatalogue, ratio
from zhibiao.signature import signed

from conftest import SCORING as DATA, SEED_2023, run_cli as run

COHORT = DATA / "cohort"

# first-level ids with their number of second-level indicators, in document order
SHAPE = [(1, 7), (2, 4), (3, 3), (4, 4), (5, 4), (6, 3), (7, 3), (8, 5), (9, 2)]
LEVEL_IDS = [x for a, n in SHAPE for x in [str(a)] + [f"{a}.{b}" for b in range(1, n + 1)]]


@pytest.fixture(scope="module", autouse=True)
def data_directory(tmp_path_factory):
    """A data directory of this module's own, holding the store's signing key (zhibiao/signature.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZHIBIAO_DATA", str(tmp_path_factory.mktemp("data")))
        yield


def write_signed(path, data) -> None:
    """Write a catalogue JSON signed as the store signs a verified catalogue it exports."""
    cat = signed(Catalogue.model_validate(data))
    path.write_text(cat.model_dump_json(), encoding="utf-8")


@pytest.fixture(scope="module")
def catalogues(tmp_path_factory, data_directory):
    """The 2023 seed as an unverified catalogue JSON (as ingested) and as a verified one (signed by the store)."""
    folder = tmp_path_factory.mktemp("catalogues")
    data = json.loads(ingest(SEED_2023).model_dump_json())
    assert data["verification"] is None
    unverified = folder / "2023.json"
    unverified.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    data["verification"] = {"verified": True, "by": "审核员", "at": "2023-10-08T09:30:00",
                            "indicators": LEVEL_IDS}
    verified = folder / "2023-verified.json"
    write_signed(verified, data)
    return {"verified": verified, "unverified": unverified, "data": data}


@pytest.fixture
def verified(catalogues):
    return catalogues["verified"]


def score_json(catalogue, assessment, capsys, *extra):
    code, stdout, stderr = run(["score", catalogue, assessment, "--json", *extra], capsys)
    assert code == 0, stderr
    return json.loads(stdout)


# --- exact arithmetic --------------------------------------------------------------------------


def test_ratio_rounds_half_up_exactly():
    assert ratio(Decimal("0.12345"), 1) == Decimal("0.1235")  # half-even and float both give 0.1234
    assert ratio(1, 32) == Decimal("0.0313")  # 0.03125: half-up, not half-even
    assert ratio(2, 3) == Decimal("0.6667")
    assert ratio(Decimal("87.35"), Decimal("92.5")) == Decimal("0.9443")
    assert format(ratio(Decimal("7.5"), Decimal("7.5")), "f") == "1.0000"
    assert format(ratio(0, 4), "f") == "0.0000"
    assert ratio(0, 0) is None
    assert isinstance(ratio(1, 3), Decimal)


# --- one assessment ----------------------------------------------------------------------------


def test_full_assessment_json(verified, capsys):
    result = score_json(verified, DATA / "full.csv", capsys)
    assert result["total"] == {"awarded": "87.35", "applicable": "92.5", "completion": "0.9443",
                               "target": "0.9", "meets_target": True}
    assert result["verified"] is True
    assert set(result) == {"total", "levels", "verified"}
    assert [lv["id"] for lv in result["levels"]] == LEVEL_IDS
    assert all(set(lv) == {"id", "awarded", "applicable", "completion"} for lv in result["levels"])
    by_id = {lv["id"]: (lv["awarded"], lv["applicable"], lv["completion"]) for lv in result["levels"]}
    assert by_id["1"] == ("14.25", "15", "0.9500")
    assert by_id["1.1"] == ("2.5", "3", "0.8333")
    assert by_id["1.2"] == ("1.75", "2", "0.8750")
    assert by_id["2"] == ("10", "10", "1.0000")
    assert by_id["3"] == ("9.6", "10", "0.9600")
    assert by_id["3.1"] == ("2.6", "3", "0.8667")
    assert by_id["7"] == ("6", "10", "0.6000")
    assert by_id["7.3"] == ("0", "4", "0.0000")
    assert by_id["9"] == ("7.5", "7.5", "1.0000")
    assert by_id["9.1"] == ("7.5", "7.5", "1.0000")
    assert by_id["9.2"] == ("0", "0", None), "every 9.2 item is n/a: no completion"


def test_full_assessment_table(verified, capsys):
    code, stdout, stderr = run(["score", verified, DATA / "full.csv"], capsys)
    assert code == 0 and stderr == ""
    lines = stdout.splitlines()
    assert "陕西省行政执法质量考评指标体系（2023年版）" in lines[0] and "full.csv" in lines[0]
    assert "警告" not in stdout
    assert lines[1].split() == ["编号", "得分", "应得分", "完成度", "90%", "指标"], "the app's terms"
    total = next(line for line in lines if line.startswith("合计"))
    assert total.split() == ["合计", "87.35", "92.5", "94.43%", "达标"]
    row = {line.split()[0]: line.split() for line in lines if line.strip()[:1].isdigit()}
    assert row["7.3"][1:5] == ["0", "4", "0.00%", "未达标"]
    assert row["1.2"][1:5] == ["1.75", "2", "87.50%", "未达标"]
    assert row["9.2"][1:5] == ["0", "0", "—", "—"]
    assert "完成度 94.43% ≥ 90% → 达标" in stdout and "陕司通〔2023〕31号" in stdout
    assert "不适用：9 项，共 7.5 分未计入" in stdout and "9.1.10" in stdout


def test_long_not_applicable_list_is_in_chinese(tmp_path, capsys):
    """The score table listed the not-applicable ids with an English "… and 10 more" (issue 12): the table
    is in the app's Chinese, so is its listing."""
    from hostile.make import catalogue

    ids = catalogue(tmp_path / "c.json", 1, groups=2, items=15)
    (tmp_path / "a.csv").write_text("id,awarded\n" + "".join(f"{i},n/a\n" for i in ids), encoding="utf-8")
    code, stdout, _ = run(["score", tmp_path / "c.json", tmp_path / "a.csv", "--allow-unverified"], capsys)
    assert code == 0
    line = next(line for line in stdout.splitlines() if line.startswith("不适用"))
    assert line.startswith("不适用：30 项，共 30 分未计入：1.1.1、1.1.2、") and line.endswith(" 等，其余 10 项从略")
    assert "more" not in stdout


def test_excel_utf8_bom_and_crlf_read_like_plain_utf8(verified, capsys):
    assert (DATA / "bom_crlf.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in (DATA / "bom_crlf.csv").read_bytes()
    assert score_json(verified, DATA / "bom_crlf.csv", capsys) == score_json(verified, DATA / "full.csv", capsys)


def test_gbk_assessment_with_remarks_column(verified, capsys):
    raw = (DATA / "gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "备注" in raw.decode("gbk")
    result = score_json(verified, DATA / "gbk.csv", capsys)
    assert result["total"]["awarded"] == "98.55" and result["total"]["applicable"] == "99"
    assert result["total"]["completion"] == "0.9955"
    by_id = {lv["id"]: (lv["awarded"], lv["applicable"], lv["completion"]) for lv in result["levels"]}
    assert by_id["4.1"] == ("2.75", "3", "0.9167")
    assert by_id["8.2"] == ("0.8", "1", "0.8000")
    assert by_id["9.1"] == ("10", "10", "1.0000"), "9.1.6 (不适用) is left out of 9.1"


def test_not_applicable_spellings(verified, tmp_path, capsys):
    text = (DATA / "full.csv").read_text(encoding="utf-8")
    assert "9.2.1,n/a" in text and "9.2.2,n/a" in text
    variant = tmp_path / "variant.csv"
    variant.write_text(text.replace("9.2.1,n/a", "9.2.1,不适用").replace("9.2.2,n/a", "9.2.2, N/A "),
                       encoding="utf-8")
    assert score_json(verified, variant, capsys) == score_json(verified, DATA / "full.csv", capsys)


def test_below_target_is_marked(verified, capsys):
    code, stdout, _ = run(["score", verified, COHORT / "县应急管理局.csv"], capsys)
    assert code == 0, "a unit below target is a result, not an error"
    assert "完成度 55.00% < 90% → 未达标" in stdout
    result = score_json(verified, COHORT / "县应急管理局.csv", capsys)
    assert result["total"]["completion"] == "0.5500" and result["total"]["meets_target"] is False


# --- rejected assessments ----------------------------------------------------------------------


@pytest.mark.parametrize("name, fragments", [
    ("unknown_id.csv", ["line 207 (10.1.1): unknown id"]),
    ("not_leaf.csv", ["line 207 (1.1): not a leaf indicator"]),
    ("duplicate.csv", ["line 207 (1.1.2): duplicate id, already given on line 3"]),
    ("over_points.csv", ["line 2 (1.1.1): awarded 1.5 is more than the item's 1 points"]),
    ("negative.csv", ["line 2 (1.1.1): awarded -0.5 is negative"]),
    ("not_decimal.csv", ["line 2 (1.1.1): awarded '满分' is not a decimal number",
                         "line 3 (1.1.2): awarded '0.4分' is not a decimal number", "2 problem(s)"]),
    ("missing.csv", ["2 leaf indicator(s) missing", "3.1.38, 8.2.171"]),
    ("several.csv", ["4 problem(s)", "line 2 (1.1.1): awarded 2 is more than",
                     "line 206 (10.1.1): unknown id", "line 207 (1.1.2): duplicate id, already given on line 3",
                     "1 leaf indicator(s) missing", "8.2.171"]),
])
def test_invalid_assessment_names_file_rows_and_ids(verified, capsys, name, fragments):
    code, stdout, stderr = run(["score", verified, DATA / name], capsys)
    assert code == 6 == InvalidAssessment.exit_code
    assert stdout == "", "nothing is scored from an invalid assessment"
    assert name in stderr and "not a valid assessment" in stderr
    for fragment in fragments:
        assert fragment in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("content, fragment", [
    ("编号,得分\n1.1.1,1\n", "line 1: the header must be id,awarded"),
    ("", "the file is empty"),
    ("id,awarded\n1.1.1,\n", "line 2 (1.1.1): awarded is empty"),
    ("id,awarded\n1.1.1,1e0\n", "line 2 (1.1.1): awarded '1e0' is not a decimal number"),
    ("id,awarded\n,1\n", "line 2: the id is empty"),
])
def test_malformed_assessment(verified, tmp_path, capsys, content, fragment):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    code, _, stderr = run(["score", verified, path], capsys)
    assert code == 6
    assert "bad.csv" in stderr and fragment in stderr


def test_utf16_and_missing_assessment(verified, tmp_path, capsys):
    path = tmp_path / "unicode.csv"
    path.write_bytes("id,awarded\n1.1.1,1\n".encode("utf-16"))
    code, _, stderr = run(["score", verified, path], capsys)
    assert code == 6 and "unicode.csv" in stderr and "UTF-16" in stderr
    code, _, stderr = run(["score", verified, tmp_path / "absent.csv"], capsys)
    assert code == 3 and "absent.csv" in stderr and "not found" in stderr


def test_leaf_without_points_cannot_be_scored(catalogues, tmp_path, capsys):
    data = json.loads(json.dumps(catalogues["data"]))
    data["rubrics"][0]["indicators"][0]["children"][0]["children"][0]["points"] = None
    path = tmp_path / "pointless.json"
    write_signed(path, data)
    code, _, stderr = run(["score", path, DATA / "full.csv"], capsys)
    assert code == 4
    assert "pointless.json" in stderr and "1.1.1" in stderr and "without points" in stderr


def test_main_rubric_is_the_largest(catalogues, tmp_path, capsys):
    data = json.loads(json.dumps(catalogues["data"]))
    small = {"title": "附件2 自评表", "level_names": ["项目"], "stated_total": None, "total": "5", "findings": [],
             "indicators": [{"id": "1", "level": 1, "marker": "一、", "number": 1, "text": "自查", "points": "5"}]}
    data["rubrics"].insert(0, small)
    path = tmp_path / "two.json"
    write_signed(path, data)
    assert score_json(path, DATA / "full.csv", capsys)["total"]["completion"] == "0.9443"


# --- verification ------------------------------------------------------------------------------


def test_unverified_catalogue_is_refused(catalogues, tmp_path, capsys):
    code, stdout, stderr = run(["score", catalogues["unverified"], DATA / "full.csv"], capsys)
    assert code == 7 == UnverifiedCatalogue.exit_code
    assert stdout == ""
    assert "2023.json" in stderr and "review app" in stderr and "--allow-unverified" in stderr
    data = json.loads(json.dumps(catalogues["data"]))
    data["verification"]["verified"] = False
    rejected = tmp_path / "rejected.json"
    rejected.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, _, stderr = run(["score", rejected, DATA / "full.csv"], capsys)
    assert code == 7 and "verified is false" in stderr
    code, _, stderr = run(["score", SEED_2023, DATA / "full.csv"], capsys)
    assert code == 7, "a notice ingested on the fly has never been verified"


def test_allow_unverified_says_so(catalogues, capsys):
    code, stdout, _ = run(["score", catalogues["unverified"], DATA / "full.csv", "--allow-unverified"], capsys)
    assert code == 0
    assert stdout.splitlines()[1].startswith("警告：指标目录未核实")
    result = score_json(SEED_2023, DATA / "full.csv", capsys, "--allow-unverified")
    assert result["verified"] is False
    assert result["total"]["completion"] == "0.9443", "the notice ingested on the fly scores like its JSON"
    code, stdout, stderr = run(["score", catalogues["unverified"], DATA / "full.csv", "--json",
                                "--allow-unverified"], capsys)
    assert json.loads(stdout)["verified"] is False and "指标目录未核实" in stderr


# --- cohort ------------------------------------------------------------------------------------

RANKING = [("1", "县市场监管局", "94.50%"), ("2", "县交通运输局", "85.00%"), ("2", "县自然资源局", "85.00%"),
           ("4", "县卫生健康局", "75.00%"), ("5", "县应急管理局", "55.00%")]


def _section(stdout: str, title: str) -> list[str]:
    lines = stdout.splitlines()
    start = lines.index(title) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def test_cohort_tables(verified, capsys):
    code, stdout, _ = run(["score", verified, COHORT], capsys)
    assert code == 0
    assert "中 5 个单位" in stdout.splitlines()[0]
    summary = {line.split()[0] + " " + line.split()[1] + " " + line.split()[2]: line.split()[-2:]
               for line in _section(stdout, "概况") if line.split()[0] == "完成度"}
    assert summary == {"完成度 ≥ 90%": ["1", "20.00%"], "完成度 < 90%": ["4", "80.00%"],
                       "完成度 < 80%": ["2", "40.00%"], "完成度 < 60%": ["1", "20.00%"]}
    assert "78.85%" in stdout, "overall: 391.1 / 496"
    assert "78.90%" in stdout, "mean of the five unit completions: 3.945 / 5"
    area_lines = _section(stdout, "一级指标（全部单位）")[1:]
    areas = {line.split()[0]: line.split()[1:5] for line in area_lines}
    assert areas["1"] == ["74.5", "75", "99.33%", "99.33%"]
    assert areas["7"] == ["26", "50", "52.00%", "52.00%"]
    assert areas["9"] == ["55.6", "71", "78.31%", "79.27%"], "aggregate and mean differ where 9.2 is n/a"
    ranking = [(line.split()[0], line.split()[-1], line.split()[1]) for line in _section(stdout, "排名")[1:]]
    assert ranking == RANKING


def test_cohort_csv(verified, tmp_path, capsys):
    out = tmp_path / "cohort.csv"
    code, stdout, _ = run(["score", verified, COHORT, "-o", out], capsys)
    assert code == 0 and f"wrote {out}" in stdout
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    sections: dict[str, list[list[str]]] = {}
    for row in csv.reader(io.StringIO(raw.decode("utf-8-sig"))):
        if row and row[0].startswith("["):
            current = sections.setdefault(row[0].strip("[]"), [])
        elif row:
            current.append(row)
    assert list(sections) == ["单位排名", "一级指标", "概况"]  # in Chinese, as the report's sheets (issue 12)
    assert sections["单位排名"][0] == ["名次", "单位", "得分", "应得分", "完成度", "是否达标"]
    assert sections["一级指标"][0] == ["编号", "指标", "得分", "应得分", "完成度", "各单位平均完成度", "单位数"]
    assert sections["概况"][0] == ["项目", "数量", "占比"]
    assert not [cell for rows in sections.values() for row in rows for cell in row if cell.isascii()
                and any(ch.isalpha() for ch in cell) and cell != "--allow-unverified"]
    assert sections["单位排名"][1:] == [
        ["1", "县市场监管局", "94.5", "100", "0.9450", "达标"], ["2", "县交通运输局", "85", "100", "0.8500", "未达标"],
        ["2", "县自然资源局", "81.6", "96", "0.8500", "未达标"], ["4", "县卫生健康局", "75", "100", "0.7500", "未达标"],
        ["5", "县应急管理局", "55", "100", "0.5500", "未达标"]]
    areas = {r[0]: r for r in sections["一级指标"][1:]}
    assert areas["9"] == ["9", "九、年度重点", "55.6", "71", "0.7831", "0.7927", "5"]
    assert areas["2"] == ["2", "二、行政执法责任制", "46", "50", "0.9200", "0.9200", "5"]
    summary = {r[0]: r[1:] for r in sections["概况"][1:]}
    assert summary["单位数"] == ["5", ""] and summary["指标目录已核实"] == ["是", ""]
    assert summary["完成度 ≥ 90% (达标)"] == ["1", "0.2000"]
    assert summary["完成度 < 80%"] == ["2", "0.4000"]
    assert summary["完成度 < 60%"] == ["1", "0.2000"]
    assert summary["总完成度（Σ得分 / Σ应得分）"] == ["", "0.7885"]


def test_cohort_xlsx(verified, tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "cohort.xlsx"
    code, _, _ = run(["score", verified, COHORT, "-o", out], capsys)
    assert code == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["评估报告", "一级指标", "二级指标", "单位排名", "ranking", "areas", "summary"]
    ranking = [[c.value for c in row] for row in wb["ranking"].iter_rows(min_row=2)]
    assert [(r[0], r[1], Decimal(str(r[4]))) for r in ranking] == [
        (int(rank), unit, Decimal(pct.rstrip("%")) / 100) for rank, unit, pct in RANKING]
    assert wb["ranking"]["E2"].number_format == "0.00%"
    areas = {row[0].value: [c.value for c in row] for row in wb["areas"].iter_rows(min_row=2)}
    assert Decimal(str(areas["9"][4])) == Decimal("0.7831") and Decimal(str(areas["9"][5])) == Decimal("0.7927")
    summary = {row[0].value: row[1].value for row in wb["summary"].iter_rows(min_row=2)}
    assert summary["units"] == 5 and summary["完成度 < 80%"] == 2


def test_cohort_with_invalid_files_fails_whole(verified, tmp_path, capsys):
    folder = tmp_path / "units"
    shutil.copytree(COHORT, folder)
    shutil.copy(DATA / "negative.csv", folder / "县林业局.csv")
    shutil.copy(DATA / "missing.csv", folder / "县水利局.csv")
    out = tmp_path / "cohort.xlsx"
    code, stdout, stderr = run(["score", verified, folder, "-o", out], capsys)
    assert code == 6
    assert stdout == "" and not out.exists()
    assert "2 of 7 file(s) invalid" in stderr
    assert "县林业局.csv" in stderr and "line 2 (1.1.1): awarded -0.5 is negative" in stderr
    assert "县水利局.csv" in stderr and "3.1.38, 8.2.171" in stderr
    assert "县市场监管局.csv" not in stderr


def test_cohort_refuses_unverified_and_marks_allowed(catalogues, capsys):
    code, _, stderr = run(["score", catalogues["unverified"], COHORT], capsys)
    assert code == 7 and "--allow-unverified" in stderr
    code, stdout, _ = run(["score", catalogues["unverified"], COHORT, "--allow-unverified"], capsys)
    assert code == 0 and "警告：指标目录未核实" in stdout


def test_empty_folder_and_usage_errors(verified, tmp_path, capsys):
    code, _, stderr = run(["score", verified, tmp_path], capsys)
    assert code == 3 and "no assessment .csv files" in stderr
    code, _, stderr = run(["score", verified, DATA / "full.csv", "-o", tmp_path / "x.csv"], capsys)
    assert code == 64 and "folder" in stderr
    code, _, stderr = run(["score", verified, COHORT, "--json"], capsys)
    assert code == 64
    code, _, stderr = run(["score", verified, COHORT, "-o", tmp_path / "x.txt"], capsys)
    assert code == 64 and "OUT.xlsx" in stderr
    assert list(tmp_path.iterdir()) == []


def _leaves(data: dict) -> list[tuple[str, str]]:
    def walk(ind):
        yield ind
        for child in ind["children"]:
            yield from walk(child)

    return [(i["id"], i["points"]) for top in data["rubrics"][0]["indicators"] for i in walk(top) if not i["children"]]


def test_exactly_90_percent_meets_target(catalogues, verified, tmp_path, capsys):
    """Area 2 (10 points) zero: 90 / 100 = 0.9000 is 达标; 1.2.7 also at 0.19 of 0.2: 89.99 / 100 is not."""
    leaves = _leaves(catalogues["data"])
    assert len(leaves) == 205
    folder = tmp_path / "units"
    folder.mkdir()
    at = {i: "0" if i.startswith("2.") else p for i, p in leaves}
    below = {**at, "1.2.7": "0.19"}
    for name, values in (("甲", at), ("乙", below)):
        (folder / f"{name}.csv").write_text("id,awarded\n" + "".join(f"{i},{v}\n" for i, v in values.items()),
                                             encoding="utf-8")
    result = score_json(verified, folder / "甲.csv", capsys)
    assert result["total"]["completion"] == "0.9000" and result["total"]["meets_target"] is True
    result = score_json(verified, folder / "乙.csv", capsys)
    assert result["total"]["completion"] == "0.8999" and result["total"]["meets_target"] is False
    code, stdout, _ = run(["score", verified, folder], capsys)
    assert code == 0
    bands = [line.split()[-2:] for line in _section(stdout, "概况") if line.split()[0] == "完成度"]
    assert bands == [["1", "50.00%"], ["1", "50.00%"], ["0", "0.00%"], ["0", "0.00%"]]


# --- the cohort report to hand on (tiers, sentences, charts) ------------------------------------
#
# tiers.csv: 省级 县交通运输局 (85/100), 县卫生健康局 (75/100); 市县区 县市场监管局 (94.5/100), 县自然资源局 (81.6/96);
# 乡镇 县应急管理局 (55/100). By hand:
#   省级   0 of 2 达标; < 90% 2 (100%), < 80% 1 (50%), < 60% 0; overall 160 / 200 = 80%. Every second-level
#          indicator either unit zeroed is at 50% (the other has it in full): the first in document order is 2.4
#          (四)开展评议考核; first level likewise 50% where one unit zeroed it, first 四 (area 4).
#   市县区 1 of 2 达标 (50%); overall 176.1 / 196 = 0.89846… → 89.85%; highest 94.5% 县市场监管局,
#          lowest 85% 县自然资源局.
#   乡镇   0 of 1; areas 3, 4, 5, 7 zero: the lowest first level is 三 (0%), the lowest second level 3.1 (0%).

TIERS = {"县交通运输局": "省级", "县卫生健康局": "省级", "县市场监管局": "市县区", "县自然资源局": "市县区",
         "县应急管理局": "乡镇"}


@pytest.fixture
def tiers_csv(tmp_path):
    path = tmp_path / "tiers.csv"
    path.write_text("单位,层级\n" + "".join(f"{u},{t}\n" for u, t in TIERS.items()), encoding="utf-8-sig")
    return path


def test_cohort_report_xlsx_tiers_charts_print(verified, tiers_csv, tmp_path, capsys):
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart

    out = tmp_path / "report.xlsx"
    code, stdout, _ = run(["score", verified, COHORT, "-o", out, "--tiers", tiers_csv], capsys)
    assert code == 0
    wb = load_workbook(out)
    ws = wb["评估报告"]
    assert ws["A1"].value.endswith("完成度评估结果（已核实）") and ws["A2"].value.startswith("状态：已核实")
    texts = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert "抽评的2个省级单位中，没有单位达标（完成度达到90%）。" in texts
    assert "抽评的2个市县区单位中，有1个单位达标，占50%。" in texts
    assert "完成度90%以下的单位占比100%，完成度80%以下的单位占比50%，完成度60%以下的单位占比0%。" in texts
    assert "二级指标中，“(四)开展评议考核”总体完成度最低，仅为50%。" in texts
    assert "单位总体完成度最高为94.5%（县市场监管局），最低仅为85%（县自然资源局）。" in texts, texts
    assert sum(1 for t in texts if t.startswith("一级指标中，“三、") and t.endswith("”总体完成度最低，仅为0%。")) == 1
    head = next(c.row for c in ws["A"] if c.value == "层级")
    assert all(c.font.bold for c in ws[head] if c.value)
    rows = {r[0]: r for r in ws.iter_rows(min_row=head + 1, max_row=head + 3, values_only=True)}
    assert list(rows) == ["省级", "市县区", "乡镇"]
    assert rows["省级"][1:4] == (2, 0, 0) and Decimal(str(rows["省级"][7])) == Decimal("0.8")
    assert Decimal(str(rows["市县区"][7])) == Decimal("0.8985") and rows["市县区"][12] == "县市场监管局"
    assert rows["乡镇"][10].startswith("(一)") and Decimal(str(rows["乡镇"][11])) == 0
    assert ws.cell(row=head + 1, column=4).number_format == "0.00%"
    charts = ws._charts
    assert len(charts) == 2 and all(isinstance(ch, BarChart) for ch in charts)
    for name in ("一级指标", "二级指标", "单位排名"):
        sheet = wb[name]
        assert len(sheet._charts) == 1, name
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
        assert int(sheet.page_setup.fitToWidth) == 1 and sheet.print_title_rows == "$1:$3"
        assert sheet.oddHeader.right.text == "已核实"
    assert ws.page_setup.paperSize is not None and int(ws.page_setup.fitToHeight) == 1
    areas = {r[0]: r for r in wb["一级指标"].iter_rows(min_row=4, values_only=True)}
    # area 7 (10 points): 省级 both full; 市县区 (6 + 0) / 20 (县市场监管局 zeroed 7.3's 4 points, 县自然资源局 all);
    # 乡镇 zero
    assert [Decimal(str(v)) for v in areas["7"][2:5]] == [Decimal(1), Decimal("0.3"), Decimal(0)]
    ranking = [r[:3] for r in wb["单位排名"].iter_rows(min_row=4, values_only=True)]
    assert ranking[0] == (1, "县市场监管局", "市县区") and ranking[-1] == (5, "县应急管理局", "乡镇")
    assert "评估结论" in stdout and "【乡镇单位】抽评的1个乡镇单位中，没有单位达标" in stdout


def test_cohort_report_without_tiers_is_one_group(verified, tmp_path, capsys):
    code, stdout, _ = run(["score", verified, COHORT], capsys)
    assert code == 0
    conclusion = stdout.split("评估结论", 1)[1]
    assert "【全部单位】抽评的5个单位中，仅有1个单位达标，占20%。" in conclusion
    assert "一级指标中，“七、行政执法信息化建设”总体完成度最低，仅为52%。" in conclusion
    assert "最高为94.5%（县市场监管局），最低仅为55%（县应急管理局）。" in conclusion


def test_cohort_tier_from_a_column_of_the_assessment(verified, tmp_path, capsys):
    folder = tmp_path / "units"
    folder.mkdir()
    for path in sorted(COHORT.glob("*.csv")):
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        tier = TIERS[path.stem]
        (folder / path.name).write_text("\n".join([lines[0] + ",层级"] + [f"{line},{tier}" for line in lines[1:]]),
                                        encoding="utf-8")
    code, stdout, stderr = run(["score", verified, folder, "-o", tmp_path / "c.csv"], capsys)
    assert code == 0, stderr
    assert "【市县区单位】抽评的2个市县区单位中，有1个单位达标，占50%。" in stdout
    raw = (tmp_path / "c.csv").read_bytes().decode("utf-8-sig")
    section = raw.split("[层级统计]\n", 1)[1].splitlines()
    assert section[0].startswith("层级,单位数,达标单位数,达标率")
    assert section[1].split(",")[:4] == ["省级", "2", "0", "0.0000"]
    assert section[2].split(",")[7] == "0.8985"


def test_cohort_report_html_charts_and_print(catalogues, tiers_csv, tmp_path, capsys):
    out = tmp_path / "report.html"
    code, _, _ = run(["score", catalogues["unverified"], COHORT, "--allow-unverified", "-o", out,
                      "--tiers", tiers_csv], capsys)
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") == 3 and "<script" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=|@import|url\(""", page), "no external asset"
    assert "@page { size: A4 portrait" in page and "@media print" in page and "print-color-adjust: exact" in page
    assert "（未核实）" in page and "抽评的2个市县区单位中，有1个单位达标，占50%。" in page
    leaders = page.split('<section class="leaders">', 1)[1].split("</section>", 1)[0]
    assert "各层级达标率" in leaders and "一级指标总体完成度" in leaders and "二级指标总体完成度" not in leaders


def test_svg_bars_escape_and_scale():
    from zhibiao.scoring.cohort_report import svg_bars

    svg = svg_bars("<t>", ["<script>x</script>", "b"], [("s&1", [Decimal("0.5"), None])], width=400)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "s&amp;1" not in svg  # one series: no legend
    widths = [float(w) for w in re.findall(r'<rect x="190" y="\d+" width="([\d.]+)"', svg)]
    assert widths == [(400 - 190 - 48) * 0.5, 0.0]


def test_tier_mapping_problems(verified, tmp_path, capsys):
    bad = tmp_path / "tiers.csv"
    bad.write_text("名字,分类x\n县交通运输局,省级\n", encoding="utf-8")
    code, _, stderr = run(["score", verified, COHORT, "--tiers", bad], capsys)
    assert code == 6 and "单位,层级" in stderr
    bad.write_text("单位,层级\n县交通运输局,省级\n县交通运输局,乡镇\n", encoding="utf-8")
    code, _, stderr = run(["score", verified, COHORT, "--tiers", bad], capsys)
    assert code == 6 and "two tiers" in stderr
    code, _, stderr = run(["score", verified, DATA / "full.csv", "--tiers", bad], capsys)
    assert code == 64
