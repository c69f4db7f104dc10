"""The one comparison of a catalogue with a golden (golden/FORMAT.md), used by every golden test.

`catalogue_view` turns a catalogue into the golden's shape (indicators as a flat pre-order list,
the document block whole, the findings' codes); `compare` lists every difference, each naming the
indicator id and the field. What a golden does not record is not compared: `document.title`,
`document.implements` and `findings` are compared only where the golden has them (see
golden/README.md).
"""

from __future__ import annotations

import json
from collections import Counter

FIELDS = ["level", "marker", "number", "text", "points", "owner", "refs", "flags", "deduction", "kind", "criteria",
          "notes"]
DOCUMENT_EXACT = ("doc_number", "issuer", "date")
DOCUMENT_OPTIONAL_EXACT = ("title",)              # compared where the golden records it
DOCUMENT_SETS = ("forwards", "cites")
DOCUMENT_OPTIONAL_SETS = ("implements",)          # compared where the golden records it


def flat(indicators):
    """Indicators (dicts with `children`) in document pre-order."""
    for ind in indicators:
        yield ind
        yield from flat(ind.get("children", []))


def catalogue_view(catalogue) -> dict:
    """The catalogue in the golden's shape; `findings` holds the codes of all its findings, sorted."""
    data = json.loads(catalogue.model_dump_json())
    view = {"document": data["document"], "rubrics": [], "regulations": [],
            "findings": sorted(f.code for f in catalogue.all_findings())}
    for r in data["rubrics"]:
        view["rubrics"].append({
            "title": r["title"], "level_names": r["level_names"], "stated_total": r["stated_total"],
            "indicators": [{k: ind[k] for k in ["id"] + FIELDS} for ind in flat(r["indicators"])],
        })
    for g in data["regulations"]:
        view["regulations"].append({
            "title": g["title"],
            "articles": [{k: a[k] for k in ("id", "marker", "number", "text")} for a in g["articles"]],
        })
    return view


def _set_difference(name: str, want, have) -> list[str]:
    if set(want) == set(have):
        return []
    return [f"{name}: missing {sorted(set(want) - set(have))}, extra {sorted(set(have) - set(want))}"]


def compare_document(gd: dict, cd: dict) -> list[str]:
    problems = []
    for key in DOCUMENT_EXACT + tuple(k for k in DOCUMENT_OPTIONAL_EXACT if k in gd):
        if gd[key] != cd.get(key):
            problems.append(f"document.{key}: golden {gd[key]!r}, got {cd.get(key)!r}")
    for key in DOCUMENT_SETS + tuple(k for k in DOCUMENT_OPTIONAL_SETS if k in gd):
        problems += _set_difference(f"document.{key}", gd[key], cd.get(key, []))
    return problems


def compare_findings(want: list[str], have: list[str]) -> list[str]:
    """The findings' codes as a multiset: each code as often as the golden lists it."""
    want_n, have_n = Counter(want), Counter(have)
    if want_n == have_n:
        return []
    return [f"findings: missing {sorted((want_n - have_n).elements())}, "
            f"extra {sorted((have_n - want_n).elements())}"]


def compare(golden: dict, got: dict, *, findings: bool = True) -> list[str]:
    """Every difference, each naming the indicator id and the field.

    `findings=False` leaves the findings out even where the golden records them: for renderings
    whose format reports other findings than the seed the golden was read from.
    """
    problems = compare_document(golden["document"], got["document"])
    if findings and "findings" in golden:
        problems += compare_findings(golden["findings"], got.get("findings", []))
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


def load_golden(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
