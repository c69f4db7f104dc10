"""Structured findings: one registry of codes (zhibiao/findings.py), params in every finding, Chinese from params."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select, update

from zhibiao import findings as registry
from zhibiao.cli import load_catalogue
from zhibiao.findings import (
    READER_WARNINGS,
    REGISTRY,
    RENDER_NAMES,
    finding,
    input_warning,
    placeholders,
    reader_note,
    render_zh,
)
from zhibiao.model import SCHEMA_VERSION, Catalogue, Finding, Source
from zhibiao.pipeline import ingest
from zhibiao.store import Store, versions
from zhibiao.web import create_app

from conftest import DATA, RECOVERY, ROOT, csrf_token

LIBRARY = ["normalize", "diff", "extract", "zhibiao"]
CJK = re.compile(r"[\u4e00-\u9fff]")
SOURCE = Source(file="notice.pdf", pages=[3, 4])


def _sample(name: str) -> str:
    return {"first_source": {"file": "notice.txt", "lines": [12, 14]}}.get(name, f"<{name}>")


def _notices() -> list[Path]:
    return sorted((ROOT / "corpus").glob("*.txt")) + sorted(RECOVERY.glob("*.txt"))


def test_every_code_has_a_severity_a_title_and_both_templates():
    assert len(REGISTRY) >= 15
    for code, entry in REGISTRY.items():
        assert entry.code == code
        assert entry.severity in ("error", "warning", "info"), code
        assert CJK.search(entry.title_zh), code
        assert entry.forms, code
        seen = []
        for form in entry.forms:
            assert form.en.strip() and not CJK.fullmatch(form.en[:1]), (code, form.en)
            assert CJK.search(form.zh), (code, form.zh)
            # the Chinese names nothing the English does not (both are filled from the same params)
            assert placeholders(form.zh) <= placeholders(form.en) | RENDER_NAMES, (code, form.zh)
            seen.append(frozenset(placeholders(form.en) - RENDER_NAMES))
        assert len(set(seen)) == len(seen), f"{code}: two wordings take the same params"
    for kind, form in READER_WARNINGS.items():
        assert CJK.search(form.zh) and placeholders(form.zh) <= placeholders(form.en), kind


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_each_template_fills_all_its_placeholders(code):
    for form in REGISTRY[code].forms:
        params = {name: _sample(name) for name in placeholders(form.en) - RENDER_NAMES}
        for source in (SOURCE, None):
            f = Finding(severity=REGISTRY[code].severity, code=code, message=registry.render_en(code, params, source),
                        params=params, source=source)
            zh = render_zh(f)
            assert "{" not in zh and "}" not in zh, (code, zh)
            assert CJK.search(zh) and "{" not in f.message, (code, zh, f.message)
            assert not re.search(r"[A-Za-z]{3,}", re.sub(r"<[a-z_]+>|notice\.(pdf|txt)|OCR|UTF-8|altChunk", "", zh)), zh


@pytest.mark.parametrize("kind", sorted(READER_WARNINGS))
def test_each_reader_warning_keeps_its_values_and_renders_in_chinese(kind):
    """A reader's note carries its kind and values to the finding (no reading back of English text)."""
    form = READER_WARNINGS[kind]
    params = {name: f"X{i}" for i, name in enumerate(sorted(placeholders(form.en)))}
    text = form.en.format(**params)
    note = reader_note(kind, **params)
    assert note.message == text and note.params == params
    f = input_warning("a.docx", note)
    assert f.params is not None and f.params["warning"] == kind
    assert f.message == f"a.docx: {text}"
    zh = render_zh(f)
    assert "{" not in zh and text not in zh and CJK.search(zh), zh


def _finding_calls() -> tuple[set[str], list[str]]:
    """Codes passed to finding(...) anywhere in the library, and every place that builds a Finding directly."""
    codes, direct = set(), []
    for package in LIBRARY:
        for path in (ROOT / package).rglob("*.py"):
            if ".venv" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if name == "Finding" and path.name != "findings.py":
                    direct.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                if name == "finding" and node.args:
                    codes |= {c.value for c in ast.walk(node.args[0]) if isinstance(c, ast.Constant)}
    return codes, direct


def test_every_code_the_library_creates_is_registered():
    codes, direct = _finding_calls()
    assert not direct, f"Finding(...) built outside the registry: {direct}"
    assert len(codes) >= 14
    for code in codes:
        assert code in REGISTRY and not REGISTRY[code].retired, code


def test_corpus_findings_carry_params_and_their_message_is_the_english_template():
    seen = set()
    for path in _notices():
        try:
            cat = ingest(path, require_rubric=False)
        except Exception:  # noqa: BLE001 - bad-input samples are tested elsewhere
            continue
        for f in cat.all_findings():
            seen.add(f.code)
            assert f.code in REGISTRY and f.params is not None, f
            assert f.severity == REGISTRY[f.code].severity
            assert f.message == registry.render_en(f.code, f.params, f.source)
            assert json.loads(json.dumps(f.params)) == f.params
            assert "{" not in render_zh(f) and CJK.search(render_zh(f))
    assert {"sum_mismatch", "label_missing"} <= seen


def test_decimals_are_strings_in_params():
    from decimal import Decimal

    f = finding("sum_mismatch", indicator="1.1", id="1.1", points=Decimal("3.00"), children_sum=Decimal("2.5"))
    assert f.params == {"id": "1.1", "points": "3", "children_sum": "2.5"}
    assert f.message == "1.1 has 3 points but its children add up to 2.5"
    assert render_zh(f) == "本级 3 分，下级合计 2.5 分，两者不符。"
    with pytest.raises(KeyError):
        finding("no_such_code")


def test_a_1_0_catalogue_still_loads():
    cat = load_catalogue(str(DATA / "catalogue_1_0.json"))
    assert cat.schema_version == SCHEMA_VERSION == "1.4" and cat.document.conversion is None
    rubric = cat.rubrics[0]
    assert [i.kind for i in rubric.walk()] == ["scored"] * 4 and rubric.rows_total is None
    old = rubric.findings
    assert [f.params for f in old] == [None, None, None]
    # no params: the message as written, unless the code's one wording needs none
    assert render_zh(old[0]) == old[0].message
    assert render_zh(old[1]) == "该指标找不到上一级指标。"
    assert render_zh(old[2]).startswith("按原文排列顺序分值对不上")
    again = Catalogue.model_validate_json(cat.model_dump_json())
    assert again.schema_version == "1.4" and again.rubrics[0].findings[0].params is None


# --- the review app ---------------------------------------------------------------------------

@pytest.fixture
def client(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'web.db'}")
    with TestClient(create_app(store, max_upload_bytes=2 * 1024 * 1024, secret_key="test-secret")) as c:
        c.store = store
        tok = csrf_token(c)
        c.post("/reviewer", data={"name": "张三", "next": "/", "csrf_token": tok})
        c.tok = tok
        yield c


def _upload(client, path: Path, data: bytes | None = None) -> tuple[int, str]:
    r = client.post("/upload", data={"csrf_token": client.tok},
                    files={"file": (path.name, path.read_bytes() if data is None else data)})
    assert r.status_code == 200
    return int(re.search(r"/catalogues/(\d+)", str(r.url))[1]), r.text


# numbering gaps (1 then 3; 3 then 5) and a sum that does not reconcile
GAPS_TXT = ("示例指标体系\n\n一级指标\t二级指标\t三级指标\n"
            "一、执法办案（5分）\t（一）基本认识（3分）\t"
            "1. 执法人员清楚基本要求。（1分） 3. 执法人员熟悉执法事项。（1分）\n"
            "\t（二）组织权限（2分）\t5. 案源均有记录。（1分） 6. 所办案件属本单位管辖。（1分）\n")


@pytest.mark.parametrize("name", ["corpus/000_1c204f1614fc8d36.txt", "tests/data/recovery/sum_mismatch.txt",
                                  "tests/data/recovery/scrambled_labels.txt", "gaps.txt"])
def test_catalogue_page_shows_no_english_finding_text(client, name):
    cat_id, page = _upload(client, ROOT / name, GAPS_TXT.encode() if name == "gaps.txt" else None)
    cat, _ = client.store.get(cat_id)
    assert cat.all_findings()
    for f in cat.all_findings():
        assert f.message not in page, f.message
        assert str(escape(render_zh(f))) in page
    for f in cat.all_findings():
        if f.indicator:
            html = client.get(f"/catalogues/{cat_id}/indicators/{f.indicator}").text
            assert f.message not in html


def test_old_findings_without_params_show_their_message(client):
    cat_id, _ = _upload(client, RECOVERY / "sum_mismatch.txt")
    with client.store.engine.begin() as conn:
        body = json.loads(conn.execute(select(versions.c.body).where(versions.c.catalogue_id == cat_id)).scalar())
        for rubric in body["rubrics"]:
            for f in rubric["findings"]:
                f.pop("params", None)
        body["schema_version"] = "1.1"
        conn.execute(update(versions).where(versions.c.catalogue_id == cat_id).values(body=json.dumps(body)))
    cat, _ = client.store.get(cat_id)
    old = [f for f in cat.all_findings() if f.code == "sum_mismatch"]
    assert old and old[0].params is None
    r = client.get(f"/catalogues/{cat_id}")
    assert r.status_code == 200
    assert str(escape(old[0].message)) in r.text
