"""The catalogue-level API of zhibiao.model: walk, find by id / printed numbers / marker, main rubric, label."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from zhibiao.model import Catalogue, Indicator, Place
from zhibiao.pipeline import ingest

SEED = Path(__file__).resolve().parent.parent / "corpus" / "000_1c204f1614fc8d36.txt"


@cache
def _ingested() -> str:
    return ingest(SEED).model_dump_json()


def _catalogue() -> Catalogue:
    return Catalogue.model_validate_json(_ingested())


def test_walk_and_size_cover_every_indicator_in_document_order():
    cat = _catalogue()
    ids = [i.id for i in cat.walk()]
    assert ids == [i.id for r in cat.rubrics for i in r.walk()]
    assert cat.size() == len(ids) == sum(r.size() for r in cat.rubrics)
    assert all(not i.children for r in cat.rubrics for i in r.leaves())


def test_find_and_place_by_id():
    cat = _catalogue()
    for ind in list(cat.walk())[:50]:
        assert cat.find(ind.id) is ind
        place = cat.place(ind.id)
        assert isinstance(place, Place) and place.indicator is ind
        if place.parent is None:
            assert ind in place.rubric.indicators
        else:
            assert ind in place.parent.children
    assert cat.find("999.999") is None and cat.place("999.999") is None


def test_find_by_printed_numbers_and_marker():
    cat = _catalogue()
    rubric = cat.main_rubric()
    deep = max(rubric.walk(), key=lambda i: i.level)
    numbers = [int(n) for n in deep.id.split(".")]
    assert rubric.by_numbers(numbers) is deep
    assert rubric.by_numbers([10_000]) is None
    if deep.marker:
        assert deep in rubric.by_marker(deep.marker)


def test_main_rubric_is_the_largest_first_of_equals():
    cat = _catalogue()
    assert cat.main_rubric() is max(cat.rubrics, key=lambda r: r.size())
    twice = cat.model_copy(update={"rubrics": [cat.rubrics[0], cat.rubrics[0].model_copy()]})
    assert twice.main_rubric() is twice.rubrics[0]
    assert cat.model_copy(update={"rubrics": []}).main_rubric() is None


def test_label_is_marker_and_text_with_one_fallback():
    ind = Indicator(id="7.2", level=2, marker="（二）", number=2, text="执法监督")
    assert ind.label() == "（二）执法监督"
    blank = Indicator(id="7.2", level=2, marker=None, number=2, text="")
    assert blank.label() == "[7.2]" and blank.label("(label not printed)") == "(label not printed)"
    assert blank.label("") == ""
