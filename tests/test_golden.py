"""Each seed notice's catalogue equals its hand-verified golden, field by field."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from zhibiao.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLDEN = ROOT / "golden"
RUBRIC_SEEDS = ["000_1c204f1614fc8d36", "001_5886f06ed561739e", "003_fbbff5f31bb9ffc0", "004_46f67c8260b90ac6"]
FIELDS = ["level", "marker", "number", "text", "points", "owner", "refs", "flags", "deduction", "kind", "criteria",
          "notes"]
REGEN_FLAG = "ZHIBIAO_REGEN_GOLDEN"


def _flat(indicators):
    for ind in indicators:
        yield ind
        yield from _flat(ind.get("children", []))


def _catalogue_view(catalogue) -> dict:
    data = json.loads(catalogue.model_dump_json())
    view = {"document": data["document"], "rubrics": [], "regulations": []}
    for r in data["rubrics"]:
        view["rubrics"].append({
            "title": r["title"], "level_names": r["level_names"], "stated_total": r["stated_total"],
            "indicators": [{k: ind[k] for k in ["id"] + FIELDS} for ind in _flat(r["indicators"])],
        })
    for g in data["regulations"]:
        view["regulations"].append({
            "title": g["title"],
            "articles": [{k: a[k] for k in ("id", "marker", "number", "text")} for a in g["articles"]],
        })
    return view


def compare(golden: dict, got: dict) -> list[str]:
    """Every difference, each naming the indicator id and the field."""
    problems = []
    gd, cd = golden["document"], got["document"]
    for key in ("doc_number", "issuer", "date"):
        if gd[key] != cd[key]:
            problems.append(f"document.{key}: golden {gd[key]!r}, got {cd[key]!r}")
    for key in ("forwards", "cites"):
        if set(gd[key]) != set(cd[key]):
            problems.append(f"document.{key}: missing {sorted(set(gd[key]) - set(cd[key]))}, "
                            f"extra {sorted(set(cd[key]) - set(gd[key]))}")
    if len(golden["rubrics"]) != len(got["rubrics"]):
        problems.append(f"rubrics: golden has {len(golden['rubrics'])}, got {len(got['rubrics'])}")
    for n, (gr, cr) in enumerate(zip(golden["rubrics"], got["rubrics"])):
        for key in ("title", "level_names", "stated_total"):
            if gr[key] != cr[key]:
                problems.append(f"rubric[{n}].{key}: golden {gr[key]!r}, got {cr[key]!r}")
        gi = {i["id"]: i for i in gr["indicators"]}
        ci = {i["id"]: i for i in cr["indicators"]}
        for ident in gi.keys() - ci.keys():
            problems.append(f"rubric[{n}] indicator {ident}: missing")
        for ident in ci.keys() - gi.keys():
            problems.append(f"rubric[{n}] indicator {ident}: not in golden")
        if [i for i in gi if i in ci] != [i for i in ci if i in gi]:
            problems.append(f"rubric[{n}]: indicators in a different order")
        for ident in gi.keys() & ci.keys():
            for field in FIELDS:
                want, have = gi[ident].get(field), ci[ident].get(field)
                if want != have:
                    problems.append(f"rubric[{n}] indicator {ident} field {field}: golden {want!r}, got {have!r}")
    if len(golden.get("regulations", [])) != len(got["regulations"]):
        problems.append(f"regulations: golden has {len(golden.get('regulations', []))}, got {len(got['regulations'])}")
    for n, (gg, cg) in enumerate(zip(golden.get("regulations", []), got["regulations"])):
        if gg["title"] != cg["title"]:
            problems.append(f"regulation[{n}].title: golden {gg['title']!r}, got {cg['title']!r}")
        ga = {a["id"]: a for a in gg["articles"]}
        ca = {a["id"]: a for a in cg["articles"]}
        if list(ga) != list(ca):
            problems.append(f"regulation[{n}] articles: golden {list(ga)}, got {list(ca)}")
        for ident in ga.keys() & ca.keys():
            for field in ("marker", "number", "text"):
                if ga[ident][field] != ca[ident][field]:
                    problems.append(f"regulation[{n}] article {ident} field {field}: "
                                    f"golden {ga[ident][field]!r}, got {ca[ident][field]!r}")
    return sorted(problems)


def test_regeneration_flag_is_off():
    """Goldens are hand-verified; the regeneration switch must never be left on."""
    assert not os.environ.get(REGEN_FLAG), f"{REGEN_FLAG} is set: unset it, goldens are verified by hand"


@pytest.mark.parametrize("corpus_id", RUBRIC_SEEDS)
def test_catalogue_matches_golden(corpus_id):
    path = GOLDEN / f"{corpus_id}.json"
    got = _catalogue_view(ingest(CORPUS / f"{corpus_id}.txt"))
    if os.environ.get(REGEN_FLAG):
        path.write_text(json.dumps({"corpus_id": corpus_id, **got}, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
        pytest.fail(f"wrote {path.name} from the code: verify it by hand, then unset {REGEN_FLAG}")
    assert path.exists(), f"golden {path.name} is missing: every rubric seed needs a hand-verified golden"
    golden = json.loads(path.read_text(encoding="utf-8"))
    problems = compare(golden, got)
    assert not problems, f"{len(problems)} differences from {path.name}:\n" + "\n".join(problems[:60])
