"""The command line: help on every command, exit codes, outputs written whole or not at all."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from click.testing import CliRunner

from zhibiao.cli import catalogue_schema, cli

from conftest import CORPUS, DATA, NARRATIVE, ROOT, SEED_2019, SEED_2023, run_cli as run


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help(name):
    command = cli.commands[name]
    assert command.help and len(command.help.strip()) > 20, f"`zhibiao {name}` lacks help text"
    for param in command.params:
        if param.param_type_name == "option":
            assert param.help, f"option {param.opts} of `zhibiao {name}` lacks help"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_top_level_help_documents_exit_codes():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for code in ("0 ok", "1 checks", "2 no rubric", "3 unreadable", "4 invalid catalogue", "6 invalid assessment",
                 "7 unverified catalogue"):
        assert code in result.output


def test_ingest_writes_catalogue_and_prints_summary(tmp_path, capsys):
    out = tmp_path / "c.json"
    code, stdout, _ = run(["ingest", SEED_2019, "-o", out], capsys)
    assert code == 0
    assert "一级指标 5 · 二级指标 20 · 三级指标 59 · 工作要求及分值构成 170" in stdout
    assert "sum check: every level reconciles" in stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.4"
    assert data["document"]["doc_number"] == "陕司通〔2019〕164号"


def test_ingest_summary_in_the_apps_terms(tmp_path, capsys, monkeypatch):
    """`--lang zh` (or ZHIBIAO_LANG=zh) prints the summary and the batch table in the review app's Chinese terms,
    the findings in Chinese; the default stays English."""
    monkeypatch.delenv("ZHIBIAO_LANG", raising=False)
    code, stdout, _ = run(["--lang", "zh", "ingest", SEED_2023, "-o", tmp_path / "c.json"], capsys)
    assert code == 0  # the 2023 seed has warnings, no errors
    assert "指标体系 1: 陕西省行政执法质量考评指标体系（2023年版）" in stdout and "分值核对" in stdout
    assert "检查提示: 错误" in stdout and "sum check" not in stdout and "已写入" in stdout
    warnings = [ln for ln in stdout.splitlines() if ln.strip().startswith(("警告", "错误"))]
    assert warnings and not any(w for w in warnings if "the " in w), warnings[:3]
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_2019, folder / "a.txt")
    monkeypatch.setenv("ZHIBIAO_LANG", "zh")
    code, stdout, _ = run(["ingest", folder, "-o", tmp_path / "out", "--jobs", "1"], capsys)
    assert code == 0
    assert "文件" in stdout and "状态" in stdout and "通过" in stdout and "共 1 个文件：读取 1 个，失败 0 个" in stdout
    monkeypatch.delenv("ZHIBIAO_LANG")
    code, stdout, _ = run(["ingest", folder / "a.txt", "-o", tmp_path / "c2.json"], capsys)
    assert "sum check: every level reconciles" in stdout


def test_ingest_json_to_stdout(capsys):
    code, stdout, stderr = run(["ingest", SEED_2023, "-o", "-"], capsys)
    assert code == 0
    assert json.loads(stdout)["rubrics"][0]["title"] == "陕西省行政执法质量考评指标体系（2023年版）"
    assert "every level reconciles" in stderr


def test_narrative_notice_has_no_rubric_but_has_info(tmp_path, capsys):
    out = tmp_path / "none.json"
    code, _, stderr = run(["ingest", NARRATIVE, "-o", out], capsys)
    assert code == 2
    assert "002_c943348d01e8f118.txt" in stderr and "no rubric" in stderr
    assert "Traceback" not in stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []
    code, stdout, _ = run(["info", NARRATIVE], capsys)
    assert code == 0
    assert "陕司通〔2023〕31号" in stdout
    code, stdout, _ = run(["info", NARRATIVE, "--json"], capsys)
    assert json.loads(stdout)["doc_number"] == "陕司通〔2023〕31号"


def test_ingest_folder_reports_every_file(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for src in (SEED_2019, NARRATIVE, DATA / "bad_input" / "binary.bin"):
        shutil.copy(src, folder / (src.stem + ".txt"))
    code, stdout, stderr = run(["ingest", folder, "-o", tmp_path / "out"], capsys)
    assert code == 3, "a failed file makes the batch exit non-zero"
    assert "binary.txt" in stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["001_5886f06ed561739e.json", "_manifest.jsonl"]
    table = stdout[stdout.index("file "):]
    assert "no rubric" in table and "failed" in table and " ok" in table


def test_ingest_folder_recurses_and_mirrors_paths(tmp_path, capsys):
    """Notices in subfolders are read; catalogues land at the same relative paths, the rows placed in the table."""
    folder = tmp_path / "in"
    (folder / "2019").mkdir(parents=True)
    (folder / "2023" / ".hidden").mkdir(parents=True)
    shutil.copy(SEED_2019, folder / "2019" / SEED_2019.name)
    shutil.copy(CORPUS / "renderings" / "000_1c204f1614fc8d36_rows.xlsx", folder / "2023" / "a.xlsx")
    shutil.copy(SEED_2019, folder / "2023" / ".hidden" / "skip.txt")
    code, stdout, _ = run(["ingest", folder, "-o", tmp_path / "out"], capsys)
    assert code == 0
    written = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*.json"))
    assert written == ["2019/001_5886f06ed561739e.json", "2023/a_xlsx.json"]
    table = stdout[stdout.index("file "):]
    assert "rows placed" in table and "2023/a.xlsx" in table
    assert "2 file(s): 2 read, 0 failed" in stdout


CSV_LOST_ROW = ("序号,考核内容,分值,评分标准\n1,制度建设,10,未建立的扣10分\n2,队伍建设,10,未配备的扣10分\n"
                "3,,,\n合计,,20,\n")


def test_a_numbered_row_not_placed_fails_the_ingest(tmp_path, capsys):
    """A row that prints a 序号 but lands in no indicator is counted and named, and the exit code is 1."""
    src = tmp_path / "lost.csv"
    src.write_text(CSV_LOST_ROW, encoding="utf-8")
    code, stdout, _ = run(["ingest", src, "-o", tmp_path / "c.json"], capsys)
    assert code == 1
    assert "rows placed 4/5" in stdout and "'3' (lost.csv [row 4 col 1])" in stdout
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert [f["code"] for f in data["rubrics"][0]["findings"]] == ["unplaced_item"]
    src.write_text(CSV_LOST_ROW.replace("3,,,\n", ""), encoding="utf-8")
    code, stdout, _ = run(["ingest", src, "-o", tmp_path / "c.json"], capsys)
    assert code == 0, "two items and a printed 合计 they reach are a rubric"
    assert "rows placed 4/4" in stdout and "total 20 = 10 + 10 (stated 20)" in stdout


def test_check_json_catches_edited_points(tmp_path, capsys):
    out = tmp_path / "c.json"
    run(["ingest", SEED_2019, "-o", out], capsys)
    code, stdout, _ = run(["check", out], capsys)
    assert code == 0 and "0 error(s)" in stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    data["rubrics"][0]["indicators"][0]["children"][0]["children"][0]["children"][0]["points"] = "0.7"
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, stdout, _ = run(["check", out], capsys)
    assert code == 1
    assert "[1.1.1]" in stdout and "sum_mismatch" not in stdout
    assert "1.1.1 has 1 points but its children add up to 1.2" in stdout


def test_check_expect_total(capsys):
    code, stdout, _ = run(["check", SEED_2019, "--expect-total", "100"], capsys)
    assert code == 0
    code, stdout, _ = run(["check", SEED_2019, "--expect-total", "90"], capsys)
    assert code == 1
    assert "add up to 100, expected 90" in stdout


def test_show_depth(tmp_path, capsys):
    out = tmp_path / "c.json"
    run(["ingest", SEED_2023, "-o", out], capsys)
    code, stdout, _ = run(["show", out, "--depth", "2"], capsys)
    assert code == 0
    lines = [line for line in stdout.splitlines() if line.startswith("  ")]
    assert len(lines) == 9 + 35
    assert "7.2" in stdout and "(label not printed)" in stdout and "label_missing" in stdout


def test_export_csv_and_xlsx(tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "c.json"
    run(["ingest", SEED_2023, "-o", out], capsys)
    code, _, _ = run(["export", out, "--format", "csv"], capsys)
    assert code == 0
    raw = (tmp_path / "c.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV starts with a BOM so Excel reads UTF-8"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 9 + 35 + 187 + 18
    assert list(rows[0]) == ["编号", "层级", "上级指标", "序号", "指标内容", "分值", "类型", "评分标准", "备注",
                             "责任单位", "引用文号", "核对提示"]
    by_id = {r["编号"]: r for r in rows}
    assert by_id["7.2"]["核对提示"] == "原文未印出指标名称；分值由下级指标合计得出" and by_id["7.2"]["分值"] == "2"
    assert by_id["7.2"]["指标内容"] == "（原文未印出）" and by_id["7.2"]["类型"] == "计分"
    assert by_id["9.1.8"]["引用文号"] == "陕司通〔2022〕26号"
    assert by_id["1.5.16"]["上级指标"] == "(五)定案证据" and by_id["1.5.16"]["层级"] == "3"
    code, _, _ = run(["export", out, "--format", "xlsx", "-o", tmp_path / "c.xlsx"], capsys)
    assert code == 0
    ws = load_workbook(tmp_path / "c.xlsx")["indicators"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["rubric", "id", "path", "level"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert ws.max_row == 1 + len(rows)
    values = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=7).value for r in range(2, ws.max_row + 1)}
    assert str(values["8.5.185"]) == "0.3"


@pytest.mark.parametrize("bad, reason", [
    ('{"schema_version": "1.0"}', "document"),
    ("not json at all", "not JSON"),
    ('{"schema_version": "9.9", "document": {}, "rubrics": []}', "schema_version"),
    ("[1, 2]", "top level"),
])
def test_invalid_catalogue_json(tmp_path, capsys, bad, reason):
    path = tmp_path / "bad.json"
    path.write_text(bad, encoding="utf-8")
    for command in (["check", path], ["show", path], ["export", path, "--format", "csv"],
                    ["score", path, DATA / "scoring" / "full.csv"]):
        code, _, stderr = run(command, capsys)
        assert code == 4, command
        assert "bad.json" in stderr and reason in stderr
        assert "Traceback" not in stderr
    assert not (tmp_path / "bad.csv").exists()


def test_catalogue_read_from_its_bytes(tmp_path, capsys):
    """A catalogue is parsed from its UTF-8 bytes (no str of the whole file): one with a BOM reads as the same
    catalogue, one in GBK is "not JSON" (exit 4), a lone-surrogate escape is still found (issue 11)."""
    from zhibiao.cli import load_catalogue

    out = tmp_path / "c.json"
    run(["ingest", SEED_2019, "-o", out], capsys)
    plain = load_catalogue(str(out))
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + out.read_bytes())
    assert load_catalogue(str(bom)) == plain
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes(out.read_text(encoding="utf-8").encode("gb18030"))
    code, _, stderr = run(["check", gbk], capsys)
    assert code == 4 and "gbk.json" in stderr and "not JSON" in stderr and "Traceback" not in stderr
    lone = tmp_path / "lone.json"
    lone.write_text(out.read_text(encoding="utf-8").replace('"text": "', '"text": "\\ud800', 1), encoding="utf-8")
    code, _, stderr = run(["check", lone], capsys)
    assert code == 4 and "lone surrogate" in stderr


def test_float_points_are_refused(tmp_path, capsys):
    out = tmp_path / "c.json"
    run(["ingest", SEED_2019, "-o", out], capsys)
    text = out.read_text(encoding="utf-8").replace('"points": "24"', '"points": 24.0', 1)
    out.write_text(text, encoding="utf-8")
    code, _, stderr = run(["check", out], capsys)
    assert code == 4 and "float" in stderr


def test_usage_errors_have_their_own_code(capsys):
    code, _, stderr = run(["ingest"], capsys)
    assert code == 64 and "Missing argument" in stderr
    code, _, _ = run(["nonsense"], capsys)
    assert code == 64


def test_unwritable_output(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, stderr = run(["ingest", SEED_2019, "-o", blocker / "c.json"], capsys)
    assert code == 5 and "cannot write output" in stderr


def test_published_schema_is_current():
    published = json.loads((ROOT / "docs" / "catalogue.schema.json").read_text(encoding="utf-8"))
    assert published == catalogue_schema(), "docs/catalogue.schema.json is stale: run `zhibiao schema`"


def test_batch_of_every_format_in_parallel(tmp_path, capsys):
    """A folder mixing TXT, PDF, DOCX and a broken file: everything is read with --jobs 2, failures reported."""
    folder = tmp_path / "in"
    folder.mkdir()
    renderings = CORPUS / "renderings"
    for src in (SEED_2019, renderings / "004_46f67c8260b90ac6.pdf", renderings / "000_1c204f1614fc8d36.docx",
                renderings / "003_fbbff5f31bb9ffc0.html", ROOT / "tests" / "data" / "bad_input" / "truncated.pdf"):
        shutil.copy(src, folder / src.name)
    code, stdout, stderr = run(["ingest", folder, "-o", tmp_path / "out", "--jobs", "2"], capsys)
    assert code == 3
    assert "truncated.pdf" in stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["000_1c204f1614fc8d36_docx.json", "001_5886f06ed561739e.json",
                       "003_fbbff5f31bb9ffc0_html.json", "004_46f67c8260b90ac6_pdf.json", "_manifest.jsonl"]
    table = stdout[stdout.index("file "):]
    assert table.count(" ok") == 4 and "failed" in table
    assert "5 file(s): 4 read, 1 failed" in stdout


@pytest.mark.parametrize("name", sorted(cli.commands["store"].commands))
def test_every_store_command_has_help(name):
    command = cli.commands["store"].commands[name]
    assert command.help and len(command.help.strip()) > 20, f"`zhibiao store {name}` lacks help text"
    for param in command.params:
        if param.param_type_name == "option":
            assert param.help, f"option {param.opts} of `zhibiao store {name}` lacks help"


def test_store_commands(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 's.db'}"
    code, stdout, _ = run(["store", "--db", db, "ingest", SEED_2019], capsys)
    assert code == 0 and "stored: catalogue 1" in stdout
    code, stdout, _ = run(["store", "--db", db, "ingest", SEED_2019], capsys)
    assert code == 0 and "already stored: catalogue 1" in stdout
    code, stdout, _ = run(["store", "--db", db, "list"], capsys)
    assert "陕西省全面推行“三项制度”工作指标体系" in stdout and " no " in stdout
    out = tmp_path / "c.xlsx"
    code, stdout, _ = run(["store", "--db", db, "export", "1", "--format", "xlsx", "-o", out], capsys)
    assert code == 0 and out.read_bytes().startswith(b"PK")
    code, _, stderr = run(["store", "--db", db, "export", "7", "--format", "json"], capsys)
    assert code == 8 and "catalogue 7" in stderr
    code, _, stderr = run(["store", "--db", "nosuchdriver://x", "list"], capsys)
    assert code == 8 and "Traceback" not in stderr


def test_crosswalk_review_on_the_command_line(tmp_path, capsys):
    """A crosswalk reviewed without the app: compare, list what is undecided, decide (refusals exit 8 with the
    rule), accept the rest, and the 新旧对照表 says 未核实 until every item is decided."""
    from docx import Document

    db = f"sqlite:///{tmp_path / 's.db'}"
    for seed in (SEED_2019, SEED_2023):
        assert run(["store", "--db", db, "ingest", seed], capsys)[0] == 0
    code, stdout, _ = run(["store", "--db", db, "compare", "1", "2"], capsys)
    assert code == 0 and "crosswalk 1 -> 2:" in stdout and "one-to-one" in stdout
    code, stdout, _ = run(["store", "--db", db, "review", "1", "2", "--todo", "--texts", "20"], capsys)
    total = int(stdout.rsplit(" of ", 1)[1].split()[0])
    assert code == 0 and total > 200 and "link-0 " in stdout and "undecided" in stdout and "not verified" in stdout
    assert "        old 1.1.1.1 制定行政执法事前公开规定" in stdout
    removed = next(line.split()[0] for line in stdout.splitlines() if line.startswith("removed-"))
    code, stdout, _ = run(["store", "--db", db, "decide", "1", "2", "link-0", "accept", "--by", "张三"], capsys)
    assert code == 0 and f"1 of {total} items decided" in stdout
    code, _, stderr = run(["store", "--db", db, "decide", "1", "2", "link-1", "reject"], capsys)
    assert code == 8 and "reject needs a reason" in stderr and "Traceback" not in stderr
    code, _, stderr = run(["store", "--db", db, "decide", "1", "2", "link-0", "accept", "--revision", "0"], capsys)
    assert code == 8 and "link-0" in stderr
    code, _, stderr = run(["store", "--db", db, "decide", "1", "2", removed, "link", "--new", "9.9",
                           "--reason", "手工"], capsys)
    assert code == 8 and "9.9" in stderr
    code, stdout, _ = run(["store", "--db", db, "review", "1", "2", "--todo"], capsys)
    assert "link-0 " not in stdout and f"{total - 1} undecided shown" in stdout
    code, stdout, _ = run(["store", "--db", db, "review", "1", "2"], capsys)
    assert "accept by 张三" in stdout
    draft = tmp_path / "draft.docx"
    code, stdout, _ = run(["store", "--db", db, "handout", "1", "2", "-o", draft], capsys)
    assert code == 0 and "未核实" in stdout
    assert "未核实" in "\n".join(p.text for s in Document(str(draft)).sections for p in s.header.paragraphs)
    code, stdout, _ = run(["store", "--db", db, "decide-rest", "1", "2", "--reason", "逐条核对无误"], capsys)
    assert code == 0 and f"{total - 1} item(s) decided" in stdout and "verified" in stdout
    final = tmp_path / "final.docx"
    code, stdout, _ = run(["store", "--db", db, "handout", "1", "2", "-o", final], capsys)
    assert code == 0 and "未核实" not in stdout
    doc = Document(str(final))
    assert "未核实" not in "\n".join(p.text for s in doc.sections for p in s.header.paragraphs)
    assert [c.text for c in doc.tables[0].rows[0].cells] == ["序号", "原条目", "现条目", "变化"]
    assert run(["store", "--db", db, "review", "1", "9"], capsys)[0] == 8
    assert run(["store", "--db", db, "compare", "1", "1"], capsys)[0] == 64
