"""The light check of a catalogue file (zhibiao/shape.py): the same catalogues pass and fail, with the same
messages, as when the record model reads them; the cached shape is the model's own."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from zhibiao import shape
from zhibiao.cli import load_catalogue
from zhibiao.errors import InvalidCatalogue
from zhibiao.pipeline import ingest

from conftest import CORPUS, DATA, FAMILIES, GOLDEN, RENDERINGS, run_cli

JSON_FILES = sorted([*GOLDEN.rglob("*.json"), *DATA.rglob("*.json")])


def test_cached_shape_is_the_models():
    """A change of the model (a field, a type, a bound, a validator's code) without `python -m zhibiao.shape`
    leaves the light check applying the old rules."""
    cached = json.loads(shape.SHAPE_FILE.read_text(encoding="utf-8"))
    assert cached == json.loads(json.dumps(shape.model_shape())), "stale: run python -m zhibiao.shape"


def _both(args, capsys, monkeypatch) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """`zhibiao ARGS` with the light check, and with every file read by the model."""
    light = run_cli(args, capsys)
    with monkeypatch.context() as m:
        m.setattr(shape, "light_catalogue", lambda path: None)
        model = run_cli(args, capsys)
    return light, model


def _light_agrees(path: Path) -> bool:
    """Whether the light check vouched for the file; when it did, the model reads it too."""
    light = shape.light_catalogue(str(path))
    if light is None:
        return False
    load_catalogue(str(path))  # raises InvalidCatalogue if the light check let through what the model refuses
    return True


@pytest.fixture(scope="module")
def catalogues(tmp_path_factory) -> list[Path]:
    """Catalogues as the pipeline writes them, from text, PDF (pages, regions), DOCX and XLSX (locators)."""
    folder = tmp_path_factory.mktemp("catalogues")
    sources = [FAMILIES / "jt02_jiaotong_zhifa" / "jt02_jiaotong_zhifa.tab.txt", CORPUS / "000_1c204f1614fc8d36.txt",
               *sorted(RENDERINGS.glob("000_*.pdf"))[:1], *sorted(RENDERINGS.glob("000_*.docx"))[:1],
               *sorted(RENDERINGS.glob("*.xlsx"))[:1],
               *(sorted(family.glob("*.txt"))[0] for family in sorted(FAMILIES.iterdir())
                 if family.is_dir() and any(family.glob("*.txt")))]
    out = []
    for src in sources:
        path = folder / f"{src.name}.json"
        path.write_text(ingest(src).model_dump_json(), encoding="utf-8")
        out.append(path)
    return out


def test_every_stored_json_file_checks_alike(capsys, monkeypatch):
    """Every JSON file of golden/ and tests/data: exit code, findings and messages as the model gives them."""
    readable = []
    for path in JSON_FILES:
        light, model = _both(["check", path], capsys, monkeypatch)
        assert light == model, path
        if model[0] in (0, 1):  # a catalogue (with or without errors found): the light check reads it too
            readable.append(path)
            assert _light_agrees(path), path
    assert readable  # tests/data/catalogue_1_0.json (the goldens are in the golden format, not catalogues)


def test_written_catalogues_check_alike(catalogues, capsys, monkeypatch):
    for path in catalogues:
        assert _light_agrees(path), path
        light, model = _both(["check", path, "--expect-total", "100"], capsys, monkeypatch)
        assert light == model, path


def _leaf(data: dict) -> dict:
    ind = data["rubrics"][0]["indicators"][0]
    while ind["children"]:
        ind = ind["children"][0]
    return ind


def _set(key: str, value):
    def edit(data: dict) -> None:
        _leaf(data)[key] = value
    return edit


def _top(key: str, value):
    def edit(data: dict) -> None:
        data[key] = value
    return edit


def _doc(key: str, value):
    def edit(data: dict) -> None:
        data["document"][key] = value
    return edit


def _source(key: str, value):
    def edit(data: dict) -> None:
        _leaf(data).setdefault("source", {"file": "x.pdf"})[key] = value
    return edit


def _drop(key: str):
    def edit(data: dict) -> None:
        del _leaf(data)[key]
    return edit


def _duplicate_id(data: dict) -> None:
    tops = data["rubrics"][0]["indicators"]
    tops[1]["id"] = tops[0]["id"]


def _first_level_points(data: dict) -> None:
    data["rubrics"][0]["indicators"][0]["points"] = "999"


def _verification(at: str):
    def edit(data: dict) -> None:
        data["verification"] = {"verified": False, "at": at, "indicators": []}
    return edit


def _deep_params(depth: int):
    def edit(data: dict) -> None:
        value: object = 1
        for _ in range(depth):
            value = [value]
        data["findings"] = [{"severity": "info", "code": "tree_from_sums", "message": "m", "params": {"x": value}}]
    return edit


EDITS = {
    "points float": _set("points", 1.5), "points words": _set("points", "三分"),
    "points negative": _set("points", "-1"),
    "points huge": _set("points", "1e999"), "points too fine": _set("points", "0.00001"),
    "points boolean": _set("points", True), "points padded": _set("points", " 2 "), "points int": _set("points", 2),
    "points none": _set("points", None), "level wrong": _set("level", 9), "level string": _set("level", "1"),
    "number negative": _set("number", -1), "number float": _set("number", 1.0), "number huge": _set("number", 1 << 70),
    "extra key": _set("colour", "red"), "text missing": _drop("text"), "text number": _set("text", 3),
    "kind veto": _set("kind", "veto"), "kind unknown": _set("kind", "penalty"),
    "flags label missing": _set("flags", ["label_missing", "points_unit_missing"]),
    "flags not list": _set("flags", "label_missing"), "children dict": _set("children", {}),
    "schema old": _top("schema_version", "1.0"), "schema unknown": _top("schema_version", "9.9"),
    "schema number": _top("schema_version", 1.4), "top extra": _top("extra", 1),
    "date valid": _doc("date", "2023-01-05"), "date invalid": _doc("date", "2023-13-01"),
    "date number": _doc("date", 20230105), "date other form": _doc("date", "2023-01-05T00:00:00"),
    "sha upper": _doc("sha256", "A" * 64), "sha short": _doc("sha256", "a" * 63),
    "sha newline": _doc("sha256", "a" * 64 + "\n"), "issuer list": _doc("issuer", ["x"]),
    "bbox short": _source("regions", [{"page": 1, "bbox": [0, 0, 1]}]),
    "bbox ok": _source("regions", [{"page": 1, "bbox": [0, 0.5, 1, 2]}]),
    "page zero": _source("pages", [0]), "lines reversed ok": _source("lines", [5, 3]),
    "lines three": _source("lines", [1, 2, 3]), "confidence high": _source("confidence", 1.5),
    "confidence ok": _source("confidence", 0.75), "locator": _source("locator", "表1 第2行"),
    "duplicate id": _duplicate_id, "sum mismatch": _first_level_points,
    "verified at": _verification("2024-01-01T10:00:00Z"), "verified at space": _verification("2024-01-01 10:00:00"),
    "verified at bad": _verification("2024-02-30T10:00:00"),
    "params deep ok": _deep_params(20), "params too deep": _deep_params(100),
    "rows_total string": lambda d: d["rubrics"][0].update(rows_total="5"),
    "rubrics missing": lambda d: d.pop("rubrics"), "top list": lambda d: d.clear(),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_edited_catalogues_check_alike(name, catalogues, tmp_path, capsys, monkeypatch):
    """An edited catalogue: the light check refuses what the model refuses, and checks alike what it reads."""
    data = json.loads(catalogues[2].read_text(encoding="utf-8"))  # a PDF's: pages, regions
    edited = copy.deepcopy(data)
    EDITS[name](edited)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(edited, ensure_ascii=False) if edited else "[]", encoding="utf-8")
    try:
        load_catalogue(str(path))
    except InvalidCatalogue:
        assert shape.light_catalogue(str(path)) is None
    light, model = _both(["check", path], capsys, monkeypatch)
    assert light == model


RAW = {
    "nan": lambda t: t.replace('"bbox":[', '"bbox":[NaN,', 1),
    "infinity": lambda t: t.replace('"confidence":null', '"confidence":Infinity', 1).replace("{", '{"x":-Infinity,', 1),
    "bom": lambda t: "\ufeff" + t,
    "surrogate": lambda t: t.replace('"text":"', '"text":"\\ud800', 1),
    "duplicate key": lambda t: t.replace("{", '{"schema_version": "1.0", ', 1),
    "truncated": lambda t: t[: len(t) // 2],
    "empty": lambda t: "",
}


@pytest.mark.parametrize("name", sorted(RAW))
def test_raw_text_edits_check_alike(name, catalogues, tmp_path, capsys, monkeypatch):
    path = tmp_path / "raw.json"
    text = catalogues[2].read_text(encoding="utf-8")
    edited = RAW[name](text)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    light, model = _both(["check", path], capsys, monkeypatch)
    assert light == model


def test_not_utf8_and_missing_file_check_alike(tmp_path, capsys, monkeypatch):
    path = tmp_path / "gbk.json"
    path.write_bytes('{"document": "指标"}'.encode("gb18030"))
    for target in (path, tmp_path / "absent.json"):
        light, model = _both(["check", target], capsys, monkeypatch)
        assert light == model and light[0] != 0


def test_large_catalogue_goes_to_the_model(catalogues, tmp_path, monkeypatch):
    """Above LIGHT_MAX_BYTES the model reads the file (pydantic's parser is faster there)."""
    monkeypatch.setattr(shape, "LIGHT_MAX_BYTES", 100)
    assert shape.light_catalogue(str(catalogues[0])) is None


def test_an_unknown_validator_sends_every_file_to_the_model(catalogues, monkeypatch):
    """A model validator the light check does not apply: it vouches for nothing rather than skip the rule."""
    monkeypatch.setattr(shape, "_AFTER", {"Catalogue._migrate": None})
    monkeypatch.setattr(shape, "_VALIDATOR", [])
    assert shape.light_catalogue(str(catalogues[0])) is None
