"""Large text notices (issue 11.12): the compact paragraph of the text reader, the memo that keeps only what
a rubric may use, the joined texts searched in pieces. Each must leave what the pipeline makes unchanged."""

from __future__ import annotations

import copy
import pickle

import pytest

from zhibiao import extract
from zhibiao.model import Layout, Paragraph, Source, TextParagraph
from zhibiao.normalize import document
from zhibiao.normalize.document import _sentences, document_info
from zhibiao.normalize.entries import CellMemo
from zhibiao.normalize.rubric import regions
from zhibiao.pipeline import ingest

from conftest import CORPUS

TEXT_NOTICES = sorted(p for p in CORPUS.rglob("*.txt") if "hostile" not in p.parts)


def _plain(text: str, file: str, first: int, last: int) -> Paragraph:
    return Paragraph(text=text, source=Source(file=file, lines=(first, last)))


def test_a_text_paragraph_is_a_paragraph_of_the_same_values():
    compact = TextParagraph("一、组织领导（10分）", "n.txt", 7, 7)
    plain = _plain("一、组织领导（10分）", "n.txt", 7, 7)
    assert isinstance(compact, Paragraph)
    assert (compact.kind, compact.text, compact.source) == ("paragraph", plain.text, plain.source)
    assert compact == plain and plain == compact  # either side first
    assert compact != _plain("一、组织领导（10分）", "n.txt", 7, 8)
    assert compact != TextParagraph("一、组织领导（10分）", "m.txt", 7, 7)
    assert compact.model_dump() == plain.model_dump()
    assert compact.model_dump_json() == plain.model_dump_json()


def test_a_text_paragraph_survives_a_layout_round_trip_copies_and_pickles():
    compact = TextParagraph("正文", "n.txt", 3, 3)
    layout = Layout(file="n.txt", sha256="abc", format="txt", blocks=[compact])
    assert layout.blocks[0] is compact  # validation keeps the compact form
    again = Layout.model_validate_json(layout.model_dump_json())
    assert type(again.blocks[0]) is Paragraph and again == layout
    assert pickle.loads(pickle.dumps(compact)) == compact
    assert copy.copy(compact) == compact and copy.deepcopy(compact) == compact


def test_a_text_paragraph_is_read_only_and_a_changed_copy_is_a_paragraph():
    compact = TextParagraph("正文", "n.txt", 3, 3)
    with pytest.raises(AttributeError, match="read-only"):
        compact.text = "别的"
    changed = compact.model_copy(update={"text": "别的"})
    assert type(changed) is Paragraph and changed.text == "别的" and changed.source == compact.source
    assert compact.text == "正文"
    assert compact.source is not compact.source  # made when asked for: changing one changes nothing kept


def test_the_text_reader_makes_compact_paragraphs_with_their_lines():
    layout = extract.read(CORPUS / "001_5886f06ed561739e.txt")
    paragraphs = [b for b in layout.blocks if isinstance(b, Paragraph)]
    assert paragraphs and all(type(b) is TextParagraph for b in paragraphs)
    lines = (CORPUS / "001_5886f06ed561739e.txt").read_text(encoding="utf-8").splitlines()
    for block in paragraphs[:50]:
        first, last = block.source.lines
        assert first == last and lines[first - 1] == block.text


@pytest.mark.parametrize("parts", [["甲。乙", "丙。", "丁"], ["无句号"], [], ["。", "。", ""], ["a\nb。c", "d"]])
@pytest.mark.parametrize("sep", ["", "\n"])
def test_the_joined_text_in_pieces_is_the_joined_text(monkeypatch, parts, sep):
    monkeypatch.setattr(document, "_PIECE", 1)  # cut wherever a part holds a 。
    pieces = list(_sentences(parts, sep))
    assert "".join(pieces) == sep.join(parts)
    assert all(piece.endswith("。") for piece in pieces[:-1])


@pytest.mark.parametrize("path", TEXT_NOTICES, ids=lambda p: p.name)
def test_document_facts_are_the_same_however_small_the_pieces(monkeypatch, path):
    """The 文号 a notice cites and the ones it implements, read from pieces cut at every 。, are the ones
    read from the whole text."""
    layout = extract.read(path)
    whole = document_info(layout)
    monkeypatch.setattr(document, "_PIECE", 1)
    assert document_info(layout) == whole


def test_the_memo_keeps_only_what_a_rubric_may_use():
    memo = CellMemo()
    narrative = "各单位要认真贯彻落实行政执法责任制，加强执法监督。"
    item = "1.成立领导小组（5分）"
    assert memo.parse(narrative) == memo.parse(narrative)
    assert memo.parse(item)[0].points is not None
    assert list(memo._kept) == [item]


def test_several_paragraph_rubrics_in_one_run_are_each_found(tmp_path):
    """regions reads a run of paragraphs once for several rubrics in it (each found as before)."""
    rubric = ("一、组织领导（10分）\n1.成立领导小组（5分）\n2.制定工作方案（5分）\n"
              "二、执法监督（10分）\n3.开展案卷评查（10分）\n")
    gap = "各单位要认真贯彻落实。\n各单位要加强执法监督。\n各单位要规范执法行为。\n"
    path = tmp_path / "notice.txt"
    path.write_text("考核指标\n" + rubric + gap + "考核细则\n" + rubric + gap, encoding="utf-8")
    layout = extract.read(path)
    found = regions(layout)
    assert len(found) == 2
    assert [layout.blocks[a].text for a, _ in found] == ["一、组织领导（10分）"] * 2
    assert [len(r.indicators) for r in ingest(path).rubrics] == [2, 2]


@pytest.mark.parametrize("name", ["001_5886f06ed561739e.txt",
                                  "families/jt02_jiaotong_zhifa/jt02_jiaotong_zhifa.tab.txt"])
def test_a_catalogue_loads_as_the_json_parsed_and_validated(tmp_path, name):
    """load_catalogue lets pydantic parse the JSON itself: the same catalogue as json.loads and validation."""
    import json

    from zhibiao.cli import load_catalogue
    from zhibiao.model import Catalogue

    path = tmp_path / "cat.json"
    path.write_text(ingest(CORPUS / name).model_dump_json(indent=2), encoding="utf-8")
    slow = Catalogue.model_validate(json.loads(path.read_text(encoding="utf-8")), context={"loaded": True})
    fast = load_catalogue(str(path))
    assert fast == slow and fast.model_dump_json() == slow.model_dump_json()


@pytest.mark.parametrize("text", ['{"a": "[[[[\\"[[", "b": [[1], [2]]}', '{"a":"x\\\\","b":[[[]]]}', '["]", "{", [[]]]',
                                  '{"a": "[[[[', '"只有字符串"', '[{"文": "【】[]{}"}, {}]'])
def test_nesting_is_the_same_on_the_text_and_on_its_bytes(text):
    from zhibiao.model import json_nesting

    assert json_nesting(text) == json_nesting(text.encode("utf-8"))


@pytest.mark.parametrize(("text", "depth"), [('["]", "{", [[]]]', 3), ('[{"文": "【】[]{}"}, {}]', 2),
                                             ('"只有字符串"', 0), ('{"a":"x\\\\","b":[[[]]]}', 4)])
def test_nesting_skips_brackets_in_strings(text, depth):
    from zhibiao.model import json_nesting

    assert json_nesting(text) == depth
