"""Arbitrary notice-like text never crashes the pipeline: it gives a catalogue or one of zhibiao's own errors."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings, strategies as st

from zhibiao.errors import ZhibiaoError
from zhibiao.pipeline import ingest

FRAGMENTS = ["一、", "二、", "（一）", "(二)", "1.", "2、", "(1)", "（3）", "①", "第一条", "第2条", "（1分）",
             "(0.5分)",
             "(0.3)", "【2分】", "(国办发〔2023〕27号,1分)", "每少一项扣0.1分，最多扣0.5分", "扣除1-3分",
             "执法", "公开",
             "指标", "<p>", "</p>", "[bookmark: x]", "\t", "\n", "\n\n", " |", "|", "||", "2", "10", "分值", "一级指标",
             "责任科室", "备注", "陕司通（2023）31号", "2023年9月15日"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          database=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=80))
@example(parts=["||"])  # a pipe table of one empty row: split_at_headers once indexed its first row
def test_any_fragments_give_a_catalogue_or_a_clear_error(tmp_path_factory, parts):
    path = tmp_path_factory.mktemp("fuzz") / "notice.txt"
    path.write_text("".join(parts), encoding="utf-8")
    try:
        cat = ingest(path)
    except ZhibiaoError:
        return
    for rubric in cat.rubrics:
        ids = [i.id for i in rubric.walk()]
        assert all(ids), "every indicator has an id"
        for f in rubric.findings:
            assert f.message
