"""The golden comparison itself (tests/golden_compare.py): what it compares, and only where the golden records it."""

from __future__ import annotations

import copy

import pytest

from zhibiao.pipeline import ingest

from conftest import DATA, SEED_2023
from golden_compare import catalogue_view, compare

IND = {"id": "1", "level": 1, "marker": "一、", "number": 1, "text": "制度建设", "points": "2", "owner": None,
       "refs": [], "flags": [], "deduction": None, "kind": "scored", "criteria": None, "notes": []}
GOT = {
    "document": {"doc_number": "某司通〔2024〕7号", "issuer": "某某县司法局", "date": "2024-04-22",
                 "title": "关于印发考核细则的通知", "forwards": [], "implements": ["某办发〔2023〕1号"],
                 "cites": ["某司通〔2024〕7号", "某办发〔2023〕1号"]},
    "rubrics": [{"title": "考核细则", "level_names": ["考核项目"], "stated_total": None, "indicators": [IND]}],
    "regulations": [],
    "findings": ["label_missing", "label_missing", "tree_from_sums"],
}


def golden_of(got: dict, **document) -> dict:
    """A golden equal to `got` without the fields goldens do not record today, plus `document`."""
    golden = copy.deepcopy(got)
    del golden["findings"]
    for key in ("title", "implements"):
        del golden["document"][key]
    golden["document"].update(document)
    return golden


def test_fields_the_golden_does_not_record_are_not_compared():
    assert compare(golden_of(GOT), GOT) == []


def test_document_title_is_compared_where_recorded():
    assert compare(golden_of(GOT, title="关于印发考核细则的通知"), GOT) == []
    assert compare(golden_of(GOT, title="另一个标题"), GOT) == [
        "document.title: golden '另一个标题', got '关于印发考核细则的通知'"]


def test_implements_is_compared_as_a_set_where_recorded():
    assert compare(golden_of(GOT, implements=["某办发〔2023〕1号"]), GOT) == []
    assert compare(golden_of(GOT, implements=[]), GOT) == [
        "document.implements: missing [], extra ['某办发〔2023〕1号']"]
    assert compare(golden_of(GOT, implements=["某办发〔2023〕1号", "某办发〔2023〕2号"]), GOT) == [
        "document.implements: missing ['某办发〔2023〕2号'], extra []"]


def test_findings_codes_are_compared_as_a_multiset_where_recorded():
    golden = golden_of(GOT)
    golden["findings"] = ["tree_from_sums", "label_missing", "label_missing"]
    assert compare(golden, GOT) == []
    golden["findings"] = ["label_missing", "tree_from_sums"]
    assert compare(golden, GOT) == ["findings: missing [], extra ['label_missing']"]
    golden["findings"] = []
    assert compare(golden, GOT) == ["findings: missing [], extra ['label_missing', 'label_missing', 'tree_from_sums']"]
    assert compare(golden, GOT, findings=False) == []


def test_indicator_fields_and_document_are_still_compared():
    golden = golden_of(GOT, issuer="别的单位")
    golden["rubrics"][0]["indicators"][0] = dict(IND, points="3")
    assert compare(golden, GOT) == ["document.issuer: golden '别的单位', got '某某县司法局'",
                                    "rubric[0] indicator 1 field points: golden '3', got '2'"]


@pytest.mark.parametrize("path", [SEED_2023, DATA / "gbk_notice.txt"], ids=["seed_2023", "gbk_notice"])
def test_view_carries_what_the_comparison_reads(path):
    cat = ingest(path)
    view = catalogue_view(cat)
    assert view["findings"] == sorted(f.code for f in cat.all_findings())
    assert view["document"]["title"] == cat.document.title
    assert view["document"]["implements"] == cat.document.implements
    assert compare(golden_of(view, title=cat.document.title, implements=cat.document.implements) | {
        "findings": view["findings"]}, view) == []


def test_scripts_still_import_the_old_names():
    from test_golden import _catalogue_view, compare as old_compare

    assert _catalogue_view is catalogue_view and old_compare is compare
