"""zhibiao.nlp: the span patterns (DOCNUM, DEADLINE, TIME_LIMIT, PERCENT, COUNT, QUANTITY), their normalized
values (Decimal, unit, sense), and the spaCy pipeline that carries them as spans."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhibiao import nlp
from zhibiao.diff.text import number_changes, quantities


def one(text: str, label: str) -> nlp.Mention:
    found = [m for m in nlp.find(text) if m.label == label]
    assert len(found) == 1, (text, nlp.find(text))
    return found[0]


def labels(text: str) -> list[str]:
    return [m.label for m in nlp.find(text)]


# ------------------------------------------------------------------------------------------- DOCNUM

@pytest.mark.parametrize(("text", "norm"), [
    ("根据陕司发〔2023〕31号文件", "陕司发〔2023〕31号"),
    ("按照陕司发[2023]31号要求", "陕司发〔2023〕31号"),
    ("转发陕司发(2023)31号", "陕司发〔2023〕31号"),
    ("见陕司发（2023）第31号", "陕司发〔2023〕31号"),
    ("国办发【2019】13号", "国办发〔2019〕13号"),
    ("陕司通 〔 2023 〕 31 号", "陕司通〔2023〕31号"),
    ("按照《办法》（临财\n绩〔2022〕9号）要求", "临财绩〔2022〕9号"),  # a line wrap inside the agency's name
])
def test_docnum_forms(text, norm):
    m = one(text, "DOCNUM")
    assert m.norm == m.text == norm
    assert m.value is None
    printed = text[m.start:m.end]
    assert printed.endswith("号") and not printed.startswith(("根据", "按照", "转发", "见"))


def test_docnum_wrapped_span_covers_both_lines():
    text = "按照《办法》（临财\n绩〔2022〕9号）要求"
    m = one(text, "DOCNUM")
    assert text[m.start:m.end] == "临财\n绩〔2022〕9号"


@pytest.mark.parametrize("text", ["2023年3月27日印发，共27号文件", "〔2023〕27号", "国办发〔23〕27号",
                                  "国办发〔2023〕"])
def test_docnum_negative(text):
    assert "DOCNUM" not in labels(text)


def test_docnum_is_not_read_as_a_count_or_quantity():
    assert labels("陕司发〔2023〕31号") == ["DOCNUM"]


# ----------------------------------------------------------------------------------------- DEADLINE

@pytest.mark.parametrize(("text", "value"), [
    ("每年3月31日前报送", Decimal(331)),
    ("每年 1 月 31 日以前", Decimal(131)),
    ("每年十二月底前", Decimal(1231)),
    ("每年三月十五日前", Decimal(315)),
])
def test_deadline(text, value):
    m = one(text, "DEADLINE")
    assert (m.value, m.unit, m.sense) == (value, "date", "max")
    assert isinstance(m.value, Decimal)


@pytest.mark.parametrize("text", ["2023年3月31日印发", "3月31日前报送", "每年3月31日召开"])
def test_deadline_negative(text):
    assert "DEADLINE" not in labels(text)


# --------------------------------------------------------------------------------------- TIME_LIMIT

@pytest.mark.parametrize(("text", "value", "unit"), [
    ("10个工作日内办结", Decimal(10), "工作日"),
    ("3日内答复", Decimal(3), "日"),
    ("七日以内", Decimal(7), "日"),
    ("二十个工作日内", Decimal(20), "工作日"),
    ("24小时内", Decimal(24), "小时"),
    ("6个月内", Decimal(6), "月"),  # 6个月内 and 6月内 are one unit
    ("6月内", Decimal(6), "月"),
])
def test_time_limit(text, value, unit):
    m = one(text, "TIME_LIMIT")
    assert (m.value, m.unit, m.sense) == (value, unit, "max")


@pytest.mark.parametrize("text", ["10个工作日", "工作日内办结", "3日召开"])
def test_time_limit_negative(text):
    assert "TIME_LIMIT" not in labels(text)


# ------------------------------------------------------------------------------------------ PERCENT

@pytest.mark.parametrize(("text", "value", "sense", "shown"), [
    ("公示率达到100%", Decimal(100), "min", "达到 100%"),
    ("不低于本单位执法人员总数5%", Decimal(5), "min", "不低于 5%"),
    ("占总数的50%以上", Decimal(50), "min", "占 50%以上"),
    ("不超过12.5%", Decimal("12.5"), "max", "不超过 12.5%"),
    ("差错率在3%以下", Decimal(3), "max", "3%以下"),
    ("比例为30%", Decimal(30), "", "30%"),
    ("覆盖率不低于90%", Decimal(90), "min", "不低于 90%"),  # the qualifier is found after other words too
])
def test_percent(text, value, sense, shown):
    m = one(text, "PERCENT")
    assert (m.value, m.unit, m.sense, m.text) == (value, "%", sense, shown)


def test_percent_qualifier_stays_in_its_clause():
    m = one("不少于3人，比例为30%", "PERCENT")
    assert (m.sense, m.text) == ("", "30%")


@pytest.mark.parametrize("text", ["百分之三十", "30分", "第30条"])
def test_percent_negative(text):
    assert "PERCENT" not in labels(text)


# -------------------------------------------------------------------------------------------- COUNT

@pytest.mark.parametrize(("text", "value", "unit", "sense", "period"), [
    ("每季度至少1次", Decimal(1), "次", "min", "每季度"),
    ("不少于2次", Decimal(2), "次", "min", ""),
    ("每年组织培训不少于40学时", Decimal(40), "学时", "min", "每年"),
    ("最多3项", Decimal(3), "项", "max", ""),
    ("配备2名专职人员", Decimal(2), "名", "", ""),
    ("每月开展一次", Decimal(1), "次", "", "每月"),
])
def test_count(text, value, unit, sense, period):
    m = one(text, "COUNT")
    assert (m.value, m.unit, m.sense, m.period) == (value, unit, sense, period)


def test_count_and_percent_in_one_text():
    assert labels("每季度至少1次，覆盖率不低于90%") == ["PERCENT", "COUNT"]


@pytest.mark.parametrize("text", ["一次性告知", "统一标准", "1分", "第3次会议", "第十二次", "2023年"])
def test_count_negative(text):
    assert "COUNT" not in labels(text)


# ----------------------------------------------------------------------------------------- QUANTITY

@pytest.mark.parametrize(("text", "value", "unit", "sense"), [
    ("经费不少于5万元", Decimal(5), "万元", "min"),
    ("罚款2000元以下", Decimal(2000), "元", "max"),
    ("办理案件30件", Decimal(30), "件", ""),
])
def test_quantity(text, value, unit, sense):
    m = one(text, "QUANTITY")
    assert (m.value, m.unit, m.sense) == (value, unit, sense)


@pytest.mark.parametrize("text", ["（2分）", "一件事一次办", "第3期"])
def test_quantity_negative(text):
    assert "QUANTITY" not in labels(text)


# ------------------------------------------------------------------------------------ Chinese numbers

@pytest.mark.parametrize(("raw", "value"), [
    ("12", Decimal(12)), ("0.5", Decimal("0.5")), ("三", Decimal(3)), ("两", Decimal(2)), ("十", Decimal(10)),
    ("十五", Decimal(15)), ("二十", Decimal(20)), ("二十三", Decimal(23)), ("三三", None), ("十十", None), ("", None),
])
def test_cn_number(raw, value):
    assert nlp.cn_number(raw) == value
    assert value is None or isinstance(nlp.cn_number(raw), Decimal)


def test_values_are_never_float():
    text = "每年3月31日前，10个工作日内，不低于90.5%，至少1次，5万元，陕司发〔2023〕31号"
    for m in nlp.find(text):
        assert m.value is None or type(m.value) is Decimal


# ---------------------------------------------------------------------------------------- the pipeline

def test_pipeline_is_blank_zh_with_jieba_and_loaded_once():
    pipe = nlp.load()
    assert pipe is nlp.load()
    assert pipe.lang == "zh"
    assert pipe.pipe_names == ["zhibiao_spans"]
    assert pipe.tokenizer.segmenter == "jieba"
    assert pipe.meta.get("vectors", {}).get("width", 0) == 0  # blank: no model, nothing downloaded


def test_doc_spans_carry_the_normalized_values():
    text = "按照陕司发〔2023〕31号要求，每年3月31日前报送，10个工作日内办结，每季度至少1次，覆盖率不低于90%"
    doc = nlp.doc(text)
    spans = list(doc.spans[nlp.SPANS_KEY])
    assert [s.label_ for s in spans] == ["DOCNUM", "DEADLINE", "TIME_LIMIT", "PERCENT", "COUNT"]
    by = {s.label_: s for s in spans}
    assert by["DOCNUM"]._.norm == "陕司发〔2023〕31号"
    assert (by["DEADLINE"]._.value, by["DEADLINE"]._.sense) == (Decimal(331), "max")
    assert (by["TIME_LIMIT"]._.value, by["TIME_LIMIT"]._.unit) == (Decimal(10), "工作日")
    assert (by["PERCENT"]._.value, by["PERCENT"]._.sense) == (Decimal(90), "min")
    assert (by["COUNT"]._.value, by["COUNT"]._.period) == (Decimal(1), "每季度")
    for s in spans:  # snapped out to whole jieba tokens, so each span covers at least its mention
        m = s._.mention
        assert s.start_char <= m.start and s.end_char >= m.end
    assert list(doc.ents) == sorted(spans, key=lambda s: s.start)


def test_docs_through_pipe():
    texts = ["10个工作日内", "没有数字的要求", "陕司发(2023)31号"]
    got = [[s.label_ for s in d.spans[nlp.SPANS_KEY]] for d in nlp.docs(texts)]
    assert got == [["TIME_LIMIT"], [], ["DOCNUM"]]


# ------------------------------------------------------------------------- the crosswalk evidence

def test_quantities_read_the_spans():
    qs = quantities("按照陕司发〔2023〕31号和陕司发(2023)31号要求，10个工作日内办结")
    assert [(q.kind, q.text, q.value) for q in qs] == [
        ("docnum", "陕司发〔2023〕31号", None), ("time_limit", "10个工作日内", Decimal(10))]
    assert quantities("没有数字的要求") == []


@pytest.mark.parametrize(("old", "new", "kind", "direction"), [
    ("10个工作日内办结", "5个工作日内办结", "time_limit", "stricter"),
    ("每年3月31日前报送", "每年1月31日前报送", "deadline", "stricter"),
    ("覆盖率不低于90%", "覆盖率不低于80%", "percent", "looser"),
    ("每季度至少1次", "每季度至少2次", "count", "stricter"),
    ("不超过3项", "不超过5项", "count", "looser"),
    ("经费不少于5万元", "经费不少于10万元", "number", "stricter"),
    ("依据陕司发〔2022〕3号", "依据陕司发〔2023〕31号", "docnum", "changed"),
])
def test_number_changes_direction(old, new, kind, direction):
    [change] = number_changes(old, new)
    assert (change.kind, change.direction) == (kind, direction)


def test_same_quantity_spaced_differently_is_no_change():
    assert number_changes("10 个工作日内", "10个工作日内") == []
    assert number_changes("陕司发(2023)31号", "陕司发〔2023〕31号") == []
