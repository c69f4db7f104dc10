"""The review app in a real browser: Playwright driving Debian's Chromium against uvicorn on 127.0.0.1.

Upload the 2023 PDF through the form, fill in the label the PDF never printed (7.2), verify section by
section and then the whole catalogue, download the XLSX and read it back. Then review the 2019 → 2023
crosswalk: accept, reject, re-link, confirm the rest (verified), and read the downloaded DOCX.
Screenshots of every step go to tests/artifacts/. Without Chromium this test fails (CI installs it); it never skips.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time

import pytest

from conftest import ARTIFACTS, PDF_2023 as PDF

NEW_LABEL = "推进信息共享"
REASON = "对照省厅原文补填二级指标名称"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """The app over a fresh SQLite store, served by uvicorn in a background thread: its base URL and store."""
    import uvicorn

    from zhibiao.store import Store
    from zhibiao.web import create_app

    store = Store(f"sqlite:///{tmp_path / 'browser.db'}")
    port = _free_port()
    config = uvicorn.Config(create_app(store, secret_key="browser-test"), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", store
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Chromium is not installed: the browser test needs Debian's chromium "
                    "(apt-get install chromium; .ci/run installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is missing: pip install -e '.[test]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


WIDTHS = (1366, 390)
# the innermost elements that reach past the viewport (to say what makes a page too wide)
_TOO_WIDE = """(width) => Array.from(document.querySelectorAll("body *"))
  .filter(el => el.getBoundingClientRect().right > width + 1 &&
                !Array.from(el.children).some(c => c.getBoundingClientRect().right > width + 1))
  .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                   (el.className ? "." + String(el.className).split(" ").join(".") : "") +
                   " " + Math.round(el.getBoundingClientRect().right))"""


def english_messages(store, *cat_ids: int) -> set[str]:
    """The English text of every finding of these catalogues: none of it may be shown (the app speaks Chinese)."""
    out = set()
    for cat_id in cat_ids:
        cat, _ = store.get(cat_id)
        out.update(f.message for f in cat.all_findings() if f.message)
    return out


def inspect_page(page, name: str, english: set[str]) -> None:
    """Screenshot the page at every width in tests/artifacts, every section rendered, and fail if it is wider
    than its viewport there or shows a finding's English text."""
    height = page.viewport_size["height"] if page.viewport_size else 900
    # sections the app renders only near the viewport (content-visibility: auto) are rendered for the check
    page.evaluate("document.querySelectorAll('ul.tree > li').forEach(e => e.style.contentVisibility = 'visible')")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"web-{name}-{width}.png"))
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width:
            culprits = page.evaluate(_TOO_WIDE, width)
            pytest.fail(f"{name}: the page is {wide} px wide in a {width} px viewport: {culprits}")
        shown = page.inner_text("body")
        leaked = [m for m in english if m in shown]
        assert not leaked, f"{name}: English finding text shown: {leaked[:3]}"
    page.set_viewport_size({"width": WIDTHS[0], "height": height})


def test_find_review_verify_and_restore_in_the_browser(server, browser):
    """Search by a printed number, the review mode with the keyboard (no reload), accepting a warning, a section
    verified after confirmation, an inline error, restoring a version; every page at 1366 and 390 px."""
    from conftest import SEED_2023

    base, store = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    cat, _ = store.ingest(SEED_2023)
    english = english_messages(store, cat)
    assert english, "the seed has findings whose English text must stay hidden"
    context = browser.new_context(locale="zh-CN", viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(base + "/")
    inspect_page(page, "r01-home", english)
    page.fill("#reviewer-form input[name=name]", "王五")
    page.click("#reviewer-form button")
    page.wait_for_selector("#reviewer-name")

    # finding: a printed number in the search box and in the address
    page.goto(base + f"/catalogues/{cat}")
    inspect_page(page, "r02-catalogue", english)
    page.fill("#find-form input[name=q]", "44")
    page.click("#find-form button")
    page.wait_for_selector("#find-result")
    assert [li.get_attribute("data-id") for li in page.locator("li.ind").all()] == ["3", "3.1", "3.1.44"]
    assert "找到 1 项" in page.inner_text("#find-result")
    inspect_page(page, "r03-search-44", english)
    page.select_option("#find-form select[name=show]", "warnings")
    page.fill("#find-form input[name=q]", "")
    page.click("#find-form button")
    page.wait_for_selector("#find-result")
    assert [li.get_attribute("data-id") for li in page.locator("li.ind").all()] == [
        "7", "7.2", "7.3", "8", "8.5", "8.5.185", "8.5.186", "8.5.187"]
    inspect_page(page, "r04-filter-warnings", english)
    page.goto(base + f"/catalogues/{cat}/indicators/44")
    assert page.url.endswith(f"/catalogues/{cat}/indicators/3.1.44")
    inspect_page(page, "r05-indicator-3.1.44", english)

    # review mode: keyboard, saves without reloading
    page.goto(base + f"/catalogues/{cat}/review")
    page.wait_for_selector('#item[data-id="1"]')
    inspect_page(page, "r06-review", english)
    page.evaluate("window.__sameDocument = true")
    page.keyboard.press("j")
    page.wait_for_selector('#item[data-id="1.1"]')
    assert page.url.endswith("at=1.1&show=unverified")
    page.keyboard.press("k")
    page.wait_for_selector('#item[data-id="1"]')
    page.keyboard.press("v")
    page.wait_for_selector('#item[data-id="1.1"]')
    assert "已核实指标 1" in page.inner_text("#review-status")
    page.keyboard.press("e")
    page.keyboard.press("Control+a")
    page.keyboard.type("（一）基本认识与要求")
    page.fill("#item form.edit input[name=points]", "x分")
    page.fill("#item form.edit input[name=reason]", "核对原文")
    page.focus("#item form.edit input[name=reason]")
    page.keyboard.press("Control+Enter")
    page.locator('#item .field-error[data-field="points"]').wait_for()
    assert "x分" in page.inner_text('#item .field-error[data-field="points"]')
    assert store.get(cat)[1] == 2, "nothing saved"
    inspect_page(page, "r07-review-inline-error", english)
    page.fill("#item form.edit input[name=points]", "３ 分")  # fullwidth, spaced, with 分: 3
    page.focus("#item form.edit input[name=points]")
    page.keyboard.press("Control+Enter")
    page.locator("#review-status", has_text="已保存指标 1.1").wait_for()
    assert page.locator("#item .field-error").count() == 0
    edited = store.get(cat)[0].find("1.1")
    assert (edited.marker, edited.text) == ("（一）", "基本认识与要求"), "the typed marker went to its own field"
    assert page.evaluate("window.__sameDocument === true"), "no reload"
    inspect_page(page, "r08-review-saved", english)

    # a warning is accepted on purpose: V refuses, A accepts
    page.fill("#review-mode input[name=at]", "7.3")
    page.click("#review-mode form.find button")
    page.wait_for_selector('#item[data-id="7.3"][data-pending="1"]')
    page.evaluate("window.__sameDocument = true")
    page.keyboard.press("v")
    page.locator("#review-status", has_text="有警告").wait_for()
    assert "7.3" not in (store.get(cat)[0].verification.indicators or [])
    inspect_page(page, "r09-review-warning", english)
    page.keyboard.press("a")
    page.wait_for_selector('#item[data-id="7.3.149"], #item[data-id="7.3.150"], #item:not([data-id="7.3"])')
    assert "已确认指标 7.3 的警告并核实" in page.inner_text("#review-status")
    assert store.acceptances(cat)["7.3"].by == "王五" and page.evaluate("window.__sameDocument === true")

    # a section verified in bulk, after confirmation; the summary says who verified what, when
    page.goto(base + f"/catalogues/{cat}")
    page.locator('[id="ind-2"] > .row form.verify-section.section button').click()
    page.locator("#verify-confirm").wait_for()
    inspect_page(page, "r10-confirm-section", english)
    count = int(page.inner_text("#confirm-count"))
    page.locator("form.verify-section.confirmed button").click()
    page.locator(".flash").wait_for()
    assert f"已核实“2”部分 {count} 项指标" in page.inner_text(".flash")
    summary = page.inner_text("#verifiers")
    assert "王五" in summary and f"{count + 2} 项" in summary and "7.3" in summary
    inspect_page(page, "r11-verified-summary", english)

    # undo: restore version 1 from the history, as a new version
    page.click("nav.actions >> text=修改历史")
    page.wait_for_url(re.compile(r"/history$"))
    inspect_page(page, "r12-history", english)
    page.click("#versions >> text=第 1 版")
    page.wait_for_url(re.compile(r"\?version=1$"))
    inspect_page(page, "r13-version-1", english)
    before = store.get(cat)[1]
    page.fill("form.restore input[name=reason]", "撤销对 1.1 的修改")
    page.click("form.restore button")
    page.wait_for_url(re.compile(r"/history$"))
    assert f"已将第 1 版恢复为当前版本（目录第 {before + 1} 版）" in page.inner_text(".flash")
    restored = store.get(cat)[0].find("1.1")
    assert (restored.marker, restored.text) == ("（一）", "基本认识") and store.get(cat)[1] == before + 1
    assert "恢复版本" in page.inner_text("#history")
    inspect_page(page, "r14-restored", english)
    assert not errors, errors
    context.close()


def test_review_a_pdf_in_the_browser(server, browser, tmp_path):
    from openpyxl import load_workbook

    base, store = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    english: set[str] = set()

    def shot(name: str) -> None:
        inspect_page(page, name, english)

    # 首页: the reviewer's name is asked once
    page.goto(base + "/")
    assert page.title() == "首页 · 指标目录审核"
    shot("01-home")
    page.fill("#reviewer-form input[name=name]", "张三")
    page.click("#reviewer-form button")
    page.wait_for_selector("#reviewer-name")
    assert page.inner_text("#reviewer-name") == "张三"
    shot("02-reviewer")

    # upload the PDF through the form
    page.set_input_files("#upload-form input[type=file]", str(PDF))
    page.evaluate("window.__sameDocument = true")
    page.click("#upload-form button")
    # read in the background: the page stays, says what is being done and for how long
    page.locator("#upload-status .job-line", has_text="000_1c204f1614fc8d36.pdf").wait_for()
    assert page.evaluate("window.__sameDocument === true"), "the upload did not leave the page while it is read"
    assert page.locator("#upload-form button").is_disabled()
    page.wait_for_url(re.compile(r"/catalogues/\d+$"), timeout=180_000)
    cat_id = int(re.search(r"/catalogues/(\d+)", page.url)[1])
    english.update(english_messages(store, cat_id))
    assert "已上传" in page.inner_text(".flash")
    assert "末级 205 项" in page.inner_text(".rubric .totals")
    shot("03-catalogue")

    # 7.2: a placeholder the PDF never printed a label for
    item = page.locator('[id="ind-7.2"]')
    row = item.locator(":scope > .row")
    assert "标签缺失" in row.inner_text() and "分值由下级推算" in row.inner_text()
    assert "sev-warning" in item.get_attribute("class")
    item.locator(":scope > details > summary").click()
    panel = item.locator(":scope > details")
    panel.locator(".source .nosource").wait_for()
    assert "标签单元格为空" in panel.locator(".source").inner_text()
    assert "p.10" in panel.locator(".source").inner_text(), "the empty label cell's page"
    panel.locator("textarea[name=text]").fill(NEW_LABEL)
    panel.locator("form.edit input[name=reason]").fill(REASON)
    item.scroll_into_view_if_needed()
    shot("04-edit-7.2")
    panel.locator("form.edit button[type=submit]").click()
    page.wait_for_url(re.compile(r"#ind-7\.2$"))
    page.locator(".flash").wait_for()
    assert "已保存指标 7.2 的修改（标签）" in page.inner_text(".flash")
    row = page.locator('[id="ind-7.2"] > .row')
    assert row.locator(".text").inner_text() == NEW_LABEL
    assert "标签由审核人补填" in row.inner_text() and "标签缺失" not in row.inner_text()
    shot("05-saved-7.2")

    # a PDF indicator's source: the page and the text in its region
    first = page.locator('[id="ind-1.1"]')
    first.locator(":scope > details > summary").click()
    first.locator(":scope > details .source figure").first.wait_for()
    snippet = first.locator(":scope > details .source").inner_text()
    assert "第 4 页" in snippet and "基本认识" in snippet
    first.scroll_into_view_if_needed()
    shot("06-source-1.1")

    # verify section by section, each confirmed first: 一、 first, then the rest at once
    page.locator('[id="ind-1"] > .row form.verify-section.section button').click()
    page.locator("#verify-confirm").wait_for()
    assert page.inner_text("#confirm-count") == "33"
    page.locator("form.verify-section.confirmed button").click()
    page.wait_for_url(re.compile(r"#ind-1$"))
    assert "已核实“1”部分 33 项指标" in page.inner_text(".flash")
    assert page.inner_text("#verified-count") == "33"
    shot("07-section-1-verified")
    page.locator("#verify-box form.verify-section.all button").click()
    page.locator("#verify-confirm").wait_for()
    assert page.inner_text("#confirm-count") == "212" and "另有 4 项指标有警告" in page.inner_text("#verify-confirm")
    page.locator("form.verify-section.confirmed button").click()
    page.locator(".flash").wait_for()
    assert "已核实目录 212 项指标" in page.inner_text(".flash") and "8.5.185" in page.inner_text(".flash")
    assert page.inner_text("#verified-count") == "245"
    # the warnings, one by one
    for ident in ("7.3", "8.5.185", "8.5.186", "8.5.187"):
        item = page.locator(f'[id="ind-{ident}"]')
        item.locator(":scope > details > summary").click()
        item.locator(":scope > details form.accept-warnings button").click()
        page.locator(".flash").wait_for()
        assert f"已确认指标 {ident} 的警告并核实" in page.inner_text(".flash")
    assert page.inner_text("#verified-count") == "249"
    shot("08-all-indicators-verified")
    page.locator("#verify-box form.verify-catalogue button").click()
    page.locator(".flash").wait_for()
    assert "整个目录已标记为已核实" in page.inner_text(".flash")
    assert page.inner_text("#catalogue-state").startswith("已核实")
    shot("09-catalogue-verified")

    # 修改历史: who, field, old -> new, reason
    page.click("nav.actions >> text=修改历史")
    page.wait_for_url(re.compile(r"/history$"))
    label_row = page.locator("#history tr.field-label")
    text = label_row.inner_text()
    assert "张三" in text and "7.2" in text and "标签" in text and NEW_LABEL in text and REASON in text
    assert "整个目录" in page.inner_text("#history")
    shot("10-history")

    # download the XLSX and read it back
    page.click("nav.actions >> text=目录")
    with page.expect_download() as info:
        page.click("nav.actions >> text=XLSX")
    download = info.value
    assert re.fullmatch(r"靖政司函〔2023〕59号_指标目录_v\d+\.xlsx", download.suggested_filename), "named by 文号"
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    workbook = load_workbook(target)
    assert workbook.active.title == "指标目录"
    sheet = workbook["指标目录"]  # the sheet staff hand on: Chinese bold frozen header, A4 landscape one page wide
    assert [c.value for c in sheet[4]][:6] == ["编号", "层级", "上级指标", "序号", "指标内容", "分值"]
    assert all(c.font.bold for c in sheet[4]) and sheet.freeze_panes == "A5"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.fitToWidth) == 1
    assert sheet.print_title_rows == "$1:$4" and "已核实" in sheet["A1"].value
    rows = list(workbook["indicators"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    by_id = {r[col["id"]]: r for r in body}
    assert len(body) == 249
    assert by_id["7.2"][col["text"]] == NEW_LABEL
    assert "label_missing" not in by_id["7.2"][col["flags"]] and "label_by_reviewer" in by_id["7.2"][col["flags"]]
    ids = [r[col["id"]] for r in body]
    assert sum(1 for i in ids if not any(j.startswith(i + ".") for j in ids)) == 205
    shot("11-downloaded")

    # the 附件 DOCX: one column a level, a first-level label merged over the rows of its items
    from docx import Document

    with page.expect_download() as info:
        page.click("#download-attachment")
    attachment = tmp_path / info.value.suggested_filename
    info.value.save_as(str(attachment))
    assert attachment.name.endswith(".docx") and "未核实" not in attachment.name
    table = Document(str(attachment)).tables[0]
    first = table.cell(1, 0)
    spanned = sum(1 for r in range(1, len(table.rows)) if table.cell(r, 0)._tc is first._tc)
    assert first.text.strip() and spanned > 1, "the first first-level label spans its items' rows"

    cat, _ = store.get(cat_id)
    assert cat.verification.verified and cat.verification.by == "张三"
    assert not errors, errors
    context.close()


def test_review_a_crosswalk_in_the_browser(server, browser, tmp_path):
    """Compare 2019 with 2023, accept, reject and re-link links, confirm the rest (verified), download the DOCX."""
    from docx import Document

    from conftest import SEED_2019, SEED_2023

    base, store = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    old, _ = store.ingest(SEED_2019)
    new, _ = store.ingest(SEED_2023)
    context = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    english = english_messages(store, old, new)

    def shot(name: str) -> None:
        inspect_page(page, f"cw-{name}", english)

    page.goto(base + "/")
    page.fill("#reviewer-form input[name=name]", "张三")
    page.click("#reviewer-form button")
    page.wait_for_selector("#reviewer-name")
    page.goto(base + f"/compare?old={old}&new={new}")
    page.click("form[action='/compare'] button[type=submit]")
    page.locator("#compare-progress .job-line").wait_for()
    shot("00-comparing")
    page.wait_for_url(re.compile(rf"/compare/{old}/{new}$"), timeout=180_000)
    assert "对比已完成并保存" in page.inner_text(".flash")
    assert page.locator("iframe").count() == 0 and "一级指标分值变化" in page.inner_text("#cw-report")
    assert page.inner_text("#cw-state").startswith("未核实")
    shot("01-compare")

    def decide(key: str, action: str, reason: str = "", **ids: str) -> None:
        row = page.locator(f'[id="item-{key}"]')
        form = row.locator(f"form.decide.{action}")
        if action in ("relink", "link"):
            row.locator("details > summary").click()
        for name, value in ids.items():
            form.locator(f"input[name={name}]").fill(value)
        form.locator("input[name=reason]").fill(reason)
        form.locator("button[type=submit]").click()
        page.locator(".flash").wait_for()

    decide("link-0", "accept")
    assert "已确认条目 link-0" in page.inner_text(".flash")
    decide("link-1", "reject", "并非同一要求")
    assert "已否定条目 link-1" in page.inner_text(".flash")
    l2, l3 = store.review(old, new).items[2:4]
    decide("link-2", "relink", "应对应下一项", new_ids=" ".join(l3.new))
    assert "已重新对应条目 link-2" in page.inner_text(".flash")
    row = page.locator('[id="item-link-2"] .decision').inner_text()
    assert "重新对应" in row and l3.new[0] in row and "应对应下一项" in row
    shot("02-decided")
    assert "已核定 3 /" in page.inner_text("#cw-state")

    page.click("#show-todo")  # 仅看待核定: the decided links leave the table, a decision there returns to it
    page.wait_for_url(re.compile(r"\?show=todo#review-box$"))
    assert page.locator('[id="item-link-0"]').count() == 0 and page.locator('[id="item-link-3"]').count() == 1
    decide("link-3", "accept")
    assert "已确认条目 link-3" in page.inner_text(".flash") and "show=todo" in page.url
    assert page.locator('[id="item-link-3"]').count() == 0 and "仅显示待核定条目" in page.inner_text("#review-filter")
    shot("02b-todo")
    page.click("#show-all")
    page.wait_for_selector('[id="item-link-0"]')
    assert "已核定 4 /" in page.inner_text("#cw-state")

    with page.expect_download() as info:
        page.click("#download-docx")
    assert "未核实" in info.value.suggested_filename

    page.locator("form.decide-rest button").click()
    page.locator(".flash").wait_for()
    assert "已确认其余" in page.inner_text(".flash")
    assert page.inner_text("#cw-state").startswith("已核实")
    shot("03-verified")

    page.click("nav.actions >> text=核定记录")
    page.wait_for_url(re.compile(r"/history$"))
    hist = page.inner_text("#cw-history")
    assert "张三" in hist and "否定" in hist and "并非同一要求" in hist and "重新对应" in hist
    shot("04-history")
    page.go_back()

    with page.expect_download() as info:
        page.click("#download-docx")
    download = info.value
    assert download.suggested_filename.endswith(".docx") and "未核实" not in download.suggested_filename
    target = tmp_path / "table.docx"
    download.save_as(str(target))
    doc = Document(str(target))
    text = "\n".join(p.text for p in doc.paragraphs) + "".join(
        p.text for s in doc.sections for p in s.header.paragraphs)
    assert "新旧对照表" in text and "未核实" not in text
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[0] == ["序号", "原条目", "现条目", "变化"]
    changes = [r[3] for r in rows[1:]]
    assert any(c.startswith("删除") for c in changes) and any(c.startswith("新增") for c in changes)
    assert any(c.startswith("合并") for c in changes), "link-2 re-linked onto link-3's item: a merge"
    rv = store.review(old, new)
    assert rv.verified and len(rows) - 1 >= len(rv.reviewed.links)
    assert not errors, errors
    context.close()


def test_choose_catalogues_and_see_sources_in_the_browser(server, browser):
    """The home list by 文号/year/title at both widths, search, archive; the compare page proposes the
    predecessor of the catalogue chosen as new; a PDF indicator's page image with its region, a TXT one's lines
    in context and the 原文 page scrolled to it."""
    from conftest import CORPUS, SEED_2023

    base, store = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    p1_old, _ = store.ingest(CORPUS / "pairs" / "p1_fazhi_shifan" / "old.txt")
    p2_new, _ = store.ingest(CORPUS / "pairs" / "p2_zhifa_kaohe" / "new.txt")
    p1_new, _ = store.ingest(CORPUS / "pairs" / "p1_fazhi_shifan" / "new.txt")
    pdf, _ = store.ingest(PDF)
    txt, _ = store.ingest(SEED_2023)
    english = english_messages(store, pdf, txt)
    context = browser.new_context(locale="zh-CN", viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(base + "/")
    page.fill("#reviewer-form input[name=name]", "李四")
    page.click("#reviewer-form button")
    page.wait_for_selector("#reviewer-name")
    assert "滨委法办〔2021〕8号" in page.inner_text("#catalogue-list")
    inspect_page(page, "n01-home-list", english)
    page.fill("#list-form input[name=q]", "滨委法办")
    page.click("#list-form button")
    page.wait_for_url(re.compile(r"q="))
    assert [r.get_attribute("data-id") for r in page.locator("#catalogue-list tr[data-id]").all()] == [
        str(p1_new), str(p1_old)]
    inspect_page(page, "n02-home-search", english)
    page.locator(f'#catalogue-list tr[data-id="{p1_old}"] form.archive button').click()
    page.locator(".flash", has_text="归档").wait_for()
    page.goto(base + "/")
    assert page.locator(f'#catalogue-list tr[data-id="{p1_old}"]').count() == 0
    page.click("#show-archived")
    page.locator(f'#catalogue-list tr[data-id="{p1_old}"]').wait_for()
    inspect_page(page, "n03-home-archived", english)

    # compare: choosing the new catalogue proposes its predecessor, archived or not
    page.goto(base + "/compare")
    page.select_option("#compare-new", str(p1_new))
    page.wait_for_url(re.compile(rf"/compare\?new={p1_new}$"))
    assert page.eval_on_selector("#compare-old", "s => s.value") == str(p1_old)
    assert "建议的旧版：滨委法办〔2019〕11号" in page.inner_text("#proposal")
    inspect_page(page, "n04-compare-proposed", english)
    page.select_option("#compare-new", str(p2_new))
    page.wait_for_url(re.compile(rf"/compare\?new={p2_new}$"))
    assert "没有找到与新版标题相近" in page.inner_text("#proposal")

    # a PDF indicator: its page as an image, the region drawn on it
    page.goto(base + f"/catalogues/{pdf}/indicators/1.1.1")
    figure = page.locator(".source figure.snippet").first
    figure.locator("svg.page rect.hl").wait_for()
    href = figure.locator("svg.page image").get_attribute("href")
    loaded = page.evaluate("""async (u) => { const r = await fetch(u); const b = await r.blob();
        const img = await createImageBitmap(b); return [r.status, b.type, img.width]; }""", href)
    assert loaded[0] == 200 and loaded[1] == "image/png" and loaded[2] > 500
    box = figure.locator("svg.page").bounding_box()
    assert box and 0 < box["width"] <= WIDTHS[0]
    assert "打开原文第 4 页" in figure.inner_text()
    inspect_page(page, "n05-source-pdf-page", english)

    # a TXT indicator: its lines in context, its words marked, the markup gone; the 原文 page at it
    page.goto(base + f"/catalogues/{txt}/indicators/1.5.16")
    mark = page.locator(".source .context p.cur mark")
    assert mark.inner_text() == "16. 所办案件定案证据合法。(0.5分)" and "<p>" not in page.inner_text(".source")
    inspect_page(page, "n06-source-txt-lines", english)
    page.goto(base + f"/catalogues/{txt}/document/view?at=1.5.16#src-current")
    current = page.locator("#src-current")
    current.wait_for()
    top = current.bounding_box()["y"]
    assert 0 <= top < 900, "scrolled to the indicator"
    inspect_page(page, "n07-document-view", english)
    assert not errors, errors
    context.close()


def test_score_sheets_in_the_browser(server, browser, tmp_path):
    """评分表: two sheets uploaded at once for a verified catalogue (one job), the unit page of the one with a value
    above its item's points, a fix without a reason refused (422, in Chinese), the fix with a reason, confirmation;
    every page at 1366 and 390 px."""
    import sheets_make as sm
    from test_sheets import FAMILY, fill

    from zhibiao.scoring import scorable_leaves

    base, store = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    cat, _ = store.ingest(FAMILY, by="录入员")
    assert not store.verify_subtree(cat, None, by="审核员", revisions_seen=store.revisions(cat)).skipped
    store.verify_catalogue(cat, by="审核员")
    rubric = store.get(cat)[0].main_rubric()
    leaves = scorable_leaves(rubric, "pf02")
    faulty = sm.xlsx(sm.sheet_of(rubric, fill(leaves, {"1.1.1": "3", "4.2.30": "不适用"}), unit="丙县司法局",
                                 remarks={"1.1.1": "已成立领导小组"}, subtotals=True), tmp_path / "丙县.xlsx")
    full = sm.docx(sm.sheet_of(rubric, fill(leaves, {}), unit="丁县司法局"), tmp_path / "丁县.docx")
    english = english_messages(store, cat)
    context = browser.new_context(locale="zh-CN", viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(base + f"/catalogues/{cat}")
    page.fill("#reviewer-form input[name=name]", "赵六")
    page.click("#reviewer-form button")
    page.wait_for_selector("#reviewer-name")
    page.click("#assessments-link")
    page.wait_for_url(re.compile(r"/assessments$"))
    page.set_input_files("#sheets-form input[name=files]", [str(faulty), str(full)])
    page.click("#sheets-form button")
    page.wait_for_url(re.compile(rf"/catalogues/{cat}/assessments$"), timeout=120_000)
    assert "已读取 2 份评分表。其中 1 份有问题待处理。" in page.inner_text(".flash")
    assert "另有 2 个单位的评分表尚未确认，未计入" in page.inner_text("#cohort-count")
    inspect_page(page, "s01-assessments", english)

    page.click("#assessment-list >> text=丙县司法局")
    page.wait_for_url(re.compile(r"/assessments/\d+$"))
    row = page.locator('tr.kind-item[data-leaf="1.1.1"]')
    number = row.get_attribute("data-row")
    assert f"第 {number} 行（指标 1.1.1）得分 3 分超过该项分值 2 分" in page.inner_text("#problems")
    assert page.locator("#confirm-form button").is_disabled()
    inspect_page(page, "s02-unit-problem", english)
    row.locator("details.fix summary").click()
    row.locator("form.fix-value input[name=value]").fill("1.5")
    row.locator("form.fix-value button").click()
    page.wait_for_selector("text=请填写修改理由")
    inspect_page(page, "s03-fix-without-reason", english)
    page.go_back()
    row = page.locator('tr.kind-item[data-leaf="1.1.1"]')
    row.locator("details.fix summary").click()
    row.locator("form.fix-value input[name=value]").fill("1.5")
    row.locator("form.fix-value input[name=reason]").fill("领导小组未明确第一责任人，扣 0.5 分")
    row.locator("form.fix-value button").click()
    page.locator(".flash", has_text=f"已修改第 {number} 行的得分").wait_for()
    assert "合计得分 95.5 分，应得分 96 分" in page.inner_text("#total")
    history = page.inner_text("#sheet-history")
    assert "领导小组未明确第一责任人" in history and "赵六" in history
    inspect_page(page, "s04-unit-fixed", english)
    page.click("#confirm-form button")
    page.locator(".flash", has_text="已确认“丙县司法局”的评分表，计入汇总。").wait_for()
    assert "已确认" in page.inner_text("#assessment-state") and "赵六" in page.inner_text("#assessment-state")
    inspect_page(page, "s05-unit-confirmed", english)
    page.click("nav.actions >> text=返回各单位评分表")
    page.wait_for_url(re.compile(r"/assessments$"))
    assert "已确认 1 个单位，另有 1 个单位的评分表尚未确认，未计入" in page.inner_text("#cohort-count")
    assert "丙县司法局" in page.inner_text("#cohort-ranking") and "丁县司法局" not in page.inner_text("#cohort-ranking")
    inspect_page(page, "s06-cohort", english)
    assert not errors, errors
    context.close()


def test_ofd_and_xlsx_originals_in_the_browser(server, browser, tmp_path):
    """A text OFD's indicator: its page drawn with the region (no image before: pdfium cannot open an OFD), and
    打开原文 opening the page view in a new tab, at both widths; an XLSX indicator's cell marked in the 原文 view."""
    from ofd_writer import pdf_to_ofd

    from conftest import FAMILIES

    base, store = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "交通运输行政执法评议考核.ofd"
    path.write_bytes(pdf_to_ofd(FAMILIES / "jt01_jiaotong_pingyi" / "jt01_jiaotong_pingyi.pdf"))
    ofd, _ = store.ingest(path)
    xlsx, _ = store.ingest(FAMILIES / "fz01_fazhi_shifan" / "fz01_fazhi_shifan.xlsx")
    english = english_messages(store, ofd, xlsx)
    context = browser.new_context(locale="zh-CN", viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(base + f"/catalogues/{ofd}/indicators/1.3")
    figure = page.locator(".source figure.snippet").first
    figure.locator("svg.page rect.hl").wait_for()
    href = figure.locator("svg.page image").get_attribute("href")
    loaded = page.evaluate("""async (u) => { const r = await fetch(u); const b = await r.blob();
        const img = await createImageBitmap(b); return [r.status, b.type, img.width]; }""", href)
    assert loaded[0] == 200 and loaded[1] == "image/png" and loaded[2] > 500
    inspect_page(page, "o01-source-ofd-page", english)
    with context.expect_page() as opened:
        figure.locator("a.open-original").click()
    view = opened.value
    view.wait_for_load_state()
    assert "原文第" in view.title() and "交通运输行政执法评议考核.ofd" in view.inner_text("h1")
    view.locator("svg.page rect.hl").wait_for()
    assert "下载原始文件（交通运输行政执法评议考核.ofd）" in view.inner_text("body")
    inspect_page(view, "o02-ofd-page-view", english)

    page.goto(base + f"/catalogues/{xlsx}/document/view?at=1.1#src-current")
    current = page.locator("#src-current")
    current.wait_for()
    assert current.locator("mark").count() == 1
    inspect_page(page, "o03-xlsx-document-view", english)
    assert not errors, errors
    context.close()
