"""Catalogues chosen by 文号, year, issuer and title: the home page's list (search, sort, archive), the compare
page's proposed predecessor (same title family, earlier year), and the facts the store keeps for them."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import CORPUS, SEED_2019, SEED_2023, csrf_token

PAIRS = CORPUS / "pairs"
P1_OLD, P1_NEW = PAIRS / "p1_fazhi_shifan" / "old.txt", PAIRS / "p1_fazhi_shifan" / "new.txt"
P2_OLD, P2_NEW = PAIRS / "p2_zhifa_kaohe" / "old.txt", PAIRS / "p2_zhifa_kaohe" / "new.txt"


@pytest.fixture
def shelf(store):
    """Six notices of four families, uploaded out of order (the last upload is not the newest year)."""
    ids = {}
    for key, path in (("p1_old", P1_OLD), ("p2_old", P2_OLD), ("s2019", SEED_2019), ("p2_new", P2_NEW),
                      ("s2023", SEED_2023), ("p1_new", P1_NEW)):
        ids[key], _ = store.ingest(path)
    return ids


def _sign_in(client) -> None:
    client.post("/reviewer", data={"csrf_token": csrf_token(client), "name": "张三", "next": "/"})


def _listed(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-id="(\d+)"', html)]


def test_the_store_keeps_what_a_catalogue_is_listed_by(store, shelf):
    rows = {r.id: r for r in store.list()}
    old = rows[shelf["p1_old"]]
    assert (old.doc_number, old.year) == ("滨委法办〔2019〕11号", 2019)
    assert old.issuer == "中共滨江省委全面依法治省委员会办公室"
    assert old.notice_title == "关于印发《滨江省市县法治政府建设示范指标体系（2019年版）》的通知"
    seed = rows[shelf["s2023"]]
    assert (seed.doc_number, seed.year) == ("靖政司函〔2023〕59号", 2023)
    assert not any(r.archived for r in rows.values())


def test_a_database_before_facts_gets_them_from_each_catalogue(tmp_path):
    from sqlalchemy import delete, inspect, update

    from zhibiao import store as zstore
    from zhibiao.store import SCHEMA_VERSION, Store

    url = f"sqlite:///{tmp_path / 'v3.db'}"
    first = Store(url)
    cat, _ = first.ingest(P2_OLD)
    with first.engine.begin() as conn:  # as the zhibiao of schema 3 left it: no facts table
        for table in reversed(zstore.V5_TABLES):  # later versions' tables too: schema 3 had none of them
            table.drop(conn)
        zstore.facts.drop(conn)
        conn.execute(delete(zstore.schema_versions).where(zstore.schema_versions.c.version >= 4))
        conn.execute(update(zstore.catalogues).values(title="x"))
    assert "catalogue_facts" not in inspect(first.engine).get_table_names()
    again = Store(url)
    assert again.migrate() == SCHEMA_VERSION
    row = again.list()[0]
    assert (row.id, row.doc_number, row.year, row.issuer) == (cat, "临司发〔2022〕18号", 2022, "临江省司法厅")


def test_home_lists_by_number_year_issuer_title_and_finds(client, shelf):
    page = client.get("/").text
    for text in ("文号", "年份", "发文机关", "滨委法办〔2021〕8号", "临江省司法厅", "靖政司函〔2023〕59号"):
        assert text in page
    by_year = _listed(page)
    assert by_year[:2] == [shelf["p2_new"], shelf["s2023"]] and by_year[-1] in (shelf["p1_old"], shelf["s2019"])
    assert _listed(client.get("/?sort=uploaded").text)[0] == shelf["p1_new"]
    issuers = re.findall(r'<td data-label="发文机关">([^<]*)</td>', client.get("/?sort=issuer").text)
    assert issuers == sorted(issuers)
    # words: every one must be there (文号, issuer, year, title); full-width digits count as digits
    assert _listed(client.get("/?q=临江").text) == [shelf["p2_new"], shelf["p2_old"]]
    assert _listed(client.get("/?q=滨委法办 ２０１９").text) == [shelf["p1_old"]]
    assert _listed(client.get("/?q=2023").text) == [shelf["s2023"]]
    empty = client.get("/?q=不存在的目录")
    assert _listed(empty.text) == [] and "没有找到与“不存在的目录”相符的目录" in empty.text


def test_archive_takes_a_catalogue_off_the_list_and_back(client, shelf):
    _sign_in(client)
    cat = shelf["p1_old"]
    r = client.post(f"/catalogues/{cat}/archive", data={"csrf_token": csrf_token(client), "archived": "1",
                                                        "next": "/"})
    assert r.status_code == 200 and "已将“滨委法办〔2019〕11号”归档" in r.text
    assert cat not in _listed(r.text) and "已归档（1）" in r.text
    assert _listed(client.get("/?archived=1").text) == [cat]
    assert cat in _listed(client.get("/?q=滨委法办").text), "search finds archived ones too"
    assert client.get(f"/catalogues/{cat}").status_code == 200, "kept"
    r = client.post(f"/catalogues/{cat}/archive", data={"csrf_token": csrf_token(client), "archived": "0"})
    assert cat in _listed(r.text) and "已归档（" not in r.text
    assert client.post(f"/catalogues/{cat}/archive", data={"archived": "1"}).status_code == 403
    assert client.post("/catalogues/999/archive", data={"csrf_token": csrf_token(client)}).status_code == 404


def test_compare_proposes_the_predecessor(client, shelf):
    page = client.get("/compare").text
    selected = dict(re.findall(r'<select name="(old|new)".*?<option value="(\d+)"[^>]*selected', page, re.S))
    # the newest year (2024) is the new one by default, and its predecessor is the 2022 one of its family,
    # not the upload before it
    assert selected == {"new": str(shelf["p2_new"]), "old": str(shelf["p2_old"])}
    assert "建议的旧版：临司发〔2022〕18号 · 2022 年" in page and "年份较早（2022 年）" in page
    page = client.get(f"/compare?new={shelf['p1_new']}").text
    assert re.search(rf'<option value="{shelf["p1_old"]}" selected>滨委法办〔2019〕11号 · 2019 年', page)
    # none of its family is earlier: said so, nothing claimed
    page = client.get(f"/compare?new={shelf['p1_old']}").text
    assert "没有找到与新版标题相近、年份较早的目录" in page and "（建议）" not in page
    # an archived predecessor is still proposed (and marked)
    _sign_in(client)
    client.post(f"/catalogues/{shelf['p1_old']}/archive", data={"csrf_token": csrf_token(client), "archived": "1"})
    page = client.get(f"/compare?new={shelf['p1_new']}").text
    assert re.search(rf'<option value="{shelf["p1_old"]}" selected>[^<]*（已归档）（建议）', page)
    # both given: as given
    page = client.get(f"/compare?old={shelf['s2019']}&new={shelf['s2023']}").text
    assert re.search(rf'<option value="{shelf["s2019"]}" selected>', page)


def test_title_family_and_predecessor_rules():
    from zhibiao.store import CatalogueRow
    from zhibiao.web.listing import predecessor, title_family

    assert title_family("滨江省市县法治政府建设示范指标体系（2019年版）") == title_family(
        "关于印发《滨江省市县法治政府建设示范指标体系(2021 年版)》的通知") == "滨江省市县法治政府建设示范指标体系"
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

    def row(i, title, year, issuer="甲"):
        return CatalogueRow(id=i, title=title, filename=f"{i}.txt", sha256="0" * 64, version=1, verified=False,
                            created_at=now + dt.timedelta(days=i), year=year, issuer=issuer)

    rows = [row(1, "某省考核细则（2020年度）", 2020), row(2, "某省考核细则（2022年度）", 2022),
            row(3, "某省考核细则（2023年度）", 2023), row(4, "另一个指标体系（2022年版）", 2022),
            row(5, "某省考核细则（2022年度）", 2022, "乙")]
    assert predecessor(rows, rows[2]).row.id == 2, "the latest earlier year; the same issuer on a tie"
    assert predecessor(rows, rows[1]).row.id == 1, "never the same or a later year"
    assert predecessor(rows, rows[3]) is None, "another family"
    undated = [row(6, "某省考核细则", None), row(7, "某省考核细则（修订）", None)]
    assert predecessor(undated, undated[1]).row.id == 6 and predecessor(undated, undated[0]) is None
