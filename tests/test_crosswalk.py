"""Crosswalk 2019 -> 2023 and 2019 -> 汉中 2020: completeness, kinds, evidence, facts of 陕司通〔2023〕31号, reports."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from zhibiao.cli import crosswalk_schema, main
from zhibiao.diff import crosswalk
from zhibiao.diff.match import leaves, main_rubric
from zhibiao.diff.report import to_html, to_xlsx
from zhibiao.normalize.cleanup import squash
from zhibiao.pipeline import ingest

from conftest import ARTIFACTS, CORPUS, ROOT

OLD, NEW, HANZHONG = "001_5886f06ed561739e", "000_1c204f1614fc8d36", "003_fbbff5f31bb9ffc0"


@pytest.fixture(scope="module")
def cats():
    return {cid: ingest(CORPUS / f"{cid}.txt") for cid in (OLD, NEW, HANZHONG)}


@pytest.fixture(scope="module")
def cw(cats):
    return crosswalk(cats[OLD], cats[NEW])


@pytest.mark.parametrize("new_id", [NEW, HANZHONG])
def test_every_leaf_appears_exactly_once(cats, new_id):
    result = crosswalk(cats[OLD], cats[new_id])
    old_ids = [i.id for i in leaves(main_rubric(cats[OLD]))]
    new_ids = [i.id for i in leaves(main_rubric(cats[new_id]))]
    placed_old = [x for link in result.links for x in link.old] + result.removed
    placed_new = [x for link in result.links for x in link.new] + result.added
    assert sorted(placed_old) == sorted(old_ids)
    assert sorted(placed_new) == sorted(new_ids)


def test_kind_follows_the_component(cw):
    expected = {(1, 1): "one_to_one"}
    for link in cw.links:
        size = (len(link.old), len(link.new))
        kind = expected.get(size) or ("split" if size[0] == 1 else "merge" if size[1] == 1 else "many_to_many")
        assert link.kind == kind, link
    ids_old = [x for link in cw.links for x in link.old]
    ids_new = [x for link in cw.links for x in link.new]
    assert len(ids_old) == len(set(ids_old)) and len(ids_new) == len(set(ids_new)), "components are disjoint"


def test_facts_announced_by_notice_31(cw):
    """陕司通〔2023〕31号 announces the revision; the crosswalk must agree, and show what it does not say."""
    notice = (CORPUS / "002_c943348d01e8f118.txt").read_text(encoding="utf-8")
    # "将全面落实行政执法责任制、全面推行行政执法裁量基准制提升为一级固定指标…专设一项阶段性重点工作任务为一级固定指标"
    for phrase in ("行政执法责任制", "行政执法裁量基准制提升为一级固定指标", "阶段性重点工作任务为一级固定指标"):
        assert phrase in notice
    new_first = {a.title: a for a in cw.areas if a.level == 1 and a.side == "new"}
    assert new_first["行政执法责任制"].status == "new"
    assert new_first["行政执法裁量基准制度"].status == "new"
    assert new_first["年度重点"].status == "new"
    # what 31号 does not say
    assert new_first["行政执法办案"].status == "new"
    old_first = {a.title: a for a in cw.areas if a.level == 1 and a.side == "old"}
    publicity = old_first["全面推行行政执法公示制度"]
    assert publicity.counterpart_title == "行政执法公示制度"
    assert (str(publicity.points), str(publicity.counterpart_points)) == ("24", "10")
    assert any("new first-level areas: 行政执法办案 (15); 行政执法责任制 (10); 行政执法裁量基准制度 (10); 年度重点 (15)"
               == line for line in cw.summary)
    assert "renamed: 全面推行行政执法公示制度 24 → 行政执法公示制度 10 (−14)" in cw.summary


def test_stricter_threshold_is_evidence(cw):
    """(88) 50% of decisions reviewed by full-time reviewers became 60% in 2023 item 98: stricter."""
    link = next(link for link in cw.links if "3.1.1.88" in link.old)
    assert link.new == ["5.1.98"]
    assert "numbers" in link.changes
    [change] = [n for n in link.evidence.numbers if n.kind == "percent"]
    assert (change.old, change.new, change.direction) == ("占 50%以上", "占 60%以上", "stricter")
    assert any(op.op == "insert" and "60%" in op.text for op in link.evidence.text_diff)


def test_hanzhong_near_identity_matches_its_golden(cats):
    golden = json.loads((ROOT / "golden" / "crosswalk-2019-2020.json").read_text(encoding="utf-8"))
    result = crosswalk(cats[OLD], cats[HANZHONG])
    pairs = {(o, n) for link in result.links for o in link.old for n in link.new}
    assert pairs == {(o, n) for link in golden["links"] for o in link["old"] for n in link["new"]}
    assert not result.removed and not result.added
    flagged = {link.old[0] for link in result.links if "text" in link.changes}
    listed = {w["id"]: w for w in golden["wording"] if w["level"] == 4}
    assert flagged <= set(listed), "every reworded item is one the golden lists"
    for ident in set(listed) - flagged:  # the rest differ only in spacing, which is not a change of wording
        assert squash(listed[ident]["old"]) == squash(listed[ident]["new"]), ident
    assert "the new version adds an owner (责任科室) column: 170 items, 16 units" in result.summary
    reworded = {a.id for a in result.areas if a.side == "old" and a.status == "renamed"}
    golden_labels = {w["id"] for w in golden["wording"] if w["level"] < 4}
    assert reworded <= golden_labels


def test_html_report_escapes_source_text(cats):
    evil = cats[NEW].model_copy(deep=True)
    first = main_rubric(evil).indicators[0].children[0].children[0]
    first.text = first.text + "<script>alert('x')</script>&"
    html = to_html(crosswalk(cats[OLD], evil), cats[OLD], evil)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;" in html
    assert html.count("<style>") == 1 and "http" not in html.split("<body>")[1], "self-contained"
    for heading in ("一级指标分值变化", "新增指标（旧版无对应）", "删除指标（新版无对应）",
                    "三、行政执法公示制度（10分）"):
        assert heading in html


def test_html_report_renders_in_chromium(cw, cats, tmp_path):
    """The report opens in headless Chromium (Debian's package); the screenshot is kept as a test artefact."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "Debian's chromium is needed for this test: apt-get install chromium (.ci/run does it)"
    page = tmp_path / "report.html"
    page.write_text(to_html(cw, cats[OLD], cats[NEW]), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "crosswalk-2019-2023.png"
    shot.unlink(missing_ok=True)
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,2000",
                    f"--screenshot={shot}", page.as_uri()], check=True, capture_output=True, timeout=120)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000


def test_xlsx_report(cw, cats, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "cw.xlsx"
    path.write_bytes(to_xlsx(cw, cats[OLD], cats[NEW]))
    wb = load_workbook(path)
    links, weights = wb["links"], wb["weights"]
    assert [c.value for c in links[1]][:9] == ["old id", "old text", "old points", "new id", "new text",
                                               "new points", "kind", "changes", "score"]
    assert links.freeze_panes == "A2" and links.auto_filter.ref
    assert links.max_row == 1 + len(cw.links) + len(cw.removed) + len(cw.added)
    rows = {r[1].value: [c.value for c in r] for r in weights.iter_rows(min_row=2)}
    assert rows["全面推行行政执法公示制度"][2:7] == [24, "3", "行政执法公示制度", 10, -14]
    assert weights.freeze_panes == "A2"


def test_diff_command(tmp_path, capsys):
    a = tmp_path / "a.json"
    assert main(["ingest", str(CORPUS / f"{OLD}.txt"), "-o", str(a)]) == 0
    capsys.readouterr()
    out = tmp_path / "cw.json"
    code = main(["diff", str(a), str(CORPUS / f"{NEW}.txt"), "-o", str(out), "--html", str(tmp_path / "r.html"),
                 "--xlsx", str(tmp_path / "r.xlsx")])
    assert code == 0
    stdout = capsys.readouterr().out
    assert "new first-level areas" in stdout and "wrote" in stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["direction"] == "old -> new" and data["schema_version"] == "1.0"
    assert (tmp_path / "r.html").exists() and (tmp_path / "r.xlsx").exists()
    assert main(["diff", str(CORPUS / "002_c943348d01e8f118.txt"), str(a)]) == 2


def test_published_crosswalk_schema_is_current():
    published = json.loads((ROOT / "docs" / "crosswalk.schema.json").read_text(encoding="utf-8"))
    assert published == crosswalk_schema(), "docs/crosswalk.schema.json is stale: run `zhibiao schema crosswalk`"


def test_candidate_mode_agrees_with_exact_mode(cats, monkeypatch):
    """Large inputs use sparse candidates and a greedy assignment; on the seeds it finds nearly the same pairs."""
    import zhibiao.diff.match as match

    exact = crosswalk(cats[OLD], cats[NEW])
    monkeypatch.setattr(match, "EXACT_LIMIT", 0)
    sparse = crosswalk(cats[OLD], cats[NEW])
    a = {(o, n) for x in exact.links for o in x.old for n in x.new}
    b = {(o, n) for x in sparse.links for o in x.old for n in x.new}
    assert len(a & b) / len(a | b) >= 0.95
    assert len(sparse.removed) + sum(len(x.old) for x in sparse.links) == 170


def test_rewritten_links_take_the_leftover_their_sibling_left(cw):
    """2023 rewrote sections: 47 (执法手册) beside 48 (流程图) for (11)-(18), 181 beside 182 for (150), 53 for
    (25)(26). 47 and 181 were added and (26) removed, their wording alone under the assignment bar."""
    groups = {(tuple(link.old), tuple(link.new)) for link in cw.links}
    linked = {(o, n) for old_ids, new_ids in groups for o in old_ids for n in new_ids}
    assert {("1.1.3.18", "3.1.47"), ("1.1.3.11", "3.1.48"), ("5.3.1.150", "8.5.181"), ("5.3.1.150", "8.5.182"),
            ("1.2.2.25", "3.2.53"), ("1.2.2.26", "3.2.53")} <= linked
    assert "3.1.47" not in cw.added and "8.5.181" not in cw.added and "1.2.2.26" not in cw.removed


def test_a_section_rewritten_as_a_whole_is_one_many_to_many_link(cw):
    """(110) 审核规定 and (111) its scope became 121 (责任) and 122 (流程、协调): two one-to-one links before,
    though neither 2023 item is the rewrite of one 2019 item alone."""
    link = next(link for link in cw.links if "3.4.2.110" in link.old)
    assert (link.old, link.new, link.kind) == (["3.4.2.110", "3.4.2.111"], ["5.4.121", "5.4.122"], "many_to_many")


def _link_pairs(links) -> set[tuple[str, str]]:
    return {(o, n) for link in links for o in link["old"] for n in link["new"]}


def _prf(got: set, want: set) -> tuple[float, float, float]:
    tp = len(got & want)
    p, r = tp / len(got), tp / len(want)
    return p, r, 2 * p * r / (p + r)


def test_the_2019_2023_crosswalk_meets_the_accuracy_targets(cw):
    """Issue 10's targets on the hand-made golden: precision and recall >= 0.95 on all links (recall was 0.905:
    rewritten sections left their paraphrased successors added), >= 0.98 on certain links, splits and merges
    F1 >= 0.85 (certain and split/merge pairs counted as bench/bench_diff.py counts them)."""
    golden = json.loads((ROOT / "golden" / "crosswalk-2019-2023.json").read_text(encoding="utf-8"))
    got = _link_pairs([link.model_dump() for link in cw.links])
    p, r, _ = _prf(got, _link_pairs(golden["links"]))
    assert p >= 0.95 and r >= 0.95, (p, r)
    for chosen, target in (([g for g in golden["links"] if g["certain"]], "certain"),
                           ([g for g in golden["links"] if len(g["old"]) > 1 or len(g["new"]) > 1], "split/merge")):
        ids_o = {o for g in chosen for o in g["old"]}
        ids_n = {n for g in chosen for n in g["new"]}
        mine = {(o, n) for o, n in got if o in ids_o or n in ids_n}
        p, r, f = _prf(mine, _link_pairs(chosen))
        assert (min(p, r) >= 0.98) if target == "certain" else (f >= 0.85), (target, p, r, f)


@pytest.mark.parametrize("pair", ["p1_fazhi_shifan", "p2_zhifa_kaohe"])
def test_the_corpus_pairs_meet_the_accuracy_target(pair):
    """F1 >= 0.95 on each blind-annotated version pair (the rewrite rules must not cost them precision)."""
    golden = json.loads((ROOT / "golden" / f"crosswalk-{pair}.json").read_text(encoding="utf-8"))
    cw = crosswalk(ingest(CORPUS / "pairs" / pair / "old.txt"), ingest(CORPUS / "pairs" / pair / "new.txt"))
    assert _prf(_link_pairs([link.model_dump() for link in cw.links]), _link_pairs(golden["links"]))[2] >= 0.95
