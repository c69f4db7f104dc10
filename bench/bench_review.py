"""Benchmark: the cost of verifying one item in the review app (issue 12.3); prints, never asserts.

Run: .venv/bin/python bench/bench_review.py [--runs 15]

The 2023 PDF (249 indicators, 205 leaves) is stored in a fresh SQLite store and served in-process
(FastAPI's TestClient). A reviewer verifies --runs leaves in document order each way, reading each for --read
seconds (not timed); it times (wall, and CPU time of this process, which runs the app too) what the
reviewer's browser waits for after each click:

  page    the catalogue page's way: POST /catalogues/ID/verify (a form) and the reload of the whole
          catalogue page it redirects to;
  review  the review mode's way: POST /api/catalogues/ID/verify (JSON, with the CSRF header) and
          GET /catalogues/ID/review/item for the next item (the fragment its script swaps in; the next
          item's source snippet is read in the background while the reviewer reads the current one).

It prints the median of each, the bytes each transfers, and the ratio page / review, measured in the
same run (the peer), then the waiting for all 205 leaves at either median.

With --browser (needs Debian's chromium and Playwright) it also measures in Chromium against uvicorn on
127.0.0.1 what the reviewer sees: on the catalogue page, 核实此项 of an opened item until the reloaded page
has loaded; in the review mode, the key V until the next item is shown (wall time, median).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from zhibiao.store import Store
from zhibiao.web import create_app

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "corpus" / "renderings" / "000_1c204f1614fc8d36.pdf"


def _token(client: TestClient) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15, help="items verified each way (default 15)")
    ap.add_argument("--browser", action="store_true", help="also measure in Chromium (see above)")
    ap.add_argument("--read", type=float, default=0.5, help="seconds a reviewer reads an item (not timed)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        cat, _ = store.ingest(PDF)
        client = TestClient(create_app(store, secret_key="bench"))
        token = _token(client)
        client.post("/reviewer", data={"name": "bench", "next": "/", "csrf_token": token})
        headers = {"X-Zhibiao-CSRF": client.get("/api/session").json()["csrf_token"]}
        warned = {f.indicator for f in store.get(cat)[0].all_findings() if f.severity == "warning"}
        leaves = [i.id for i in store.get(cat)[0].rubrics[0].leaves() if i.id not in warned]
        client.get(f"/catalogues/{cat}")  # warm both paths once
        client.get(f"/catalogues/{cat}/review/item", params={"at": leaves[0]})
        results: dict[str, list[tuple[float, float, int]]] = {"page": [], "review": []}
        # page: a reviewer verifying leaves in order on the catalogue page
        for ident in leaves[:args.runs]:
            rev = store.revisions(cat)[ident]
            wall, cpu = time.perf_counter(), time.process_time()
            r = client.post(f"/catalogues/{cat}/verify", data={
                "csrf_token": token, "verify": f"{ident}@{rev}", "next": f"/catalogues/{cat}#ind-{ident}"})
            assert r.status_code == 200, r.status_code
            results["page"].append((time.perf_counter() - wall, time.process_time() - cpu, len(r.content)))
            time.sleep(args.read)
        # review: the same in the review mode, which shows the next leaf once one is verified
        todo = leaves[args.runs:2 * args.runs + 1]
        client.get(f"/catalogues/{cat}/review/item", params={"at": todo[0], "show": "unverified"})
        for ident, following in zip(todo, todo[1:], strict=False):
            time.sleep(args.read)  # reading the item (the next one's source is read meanwhile)
            rev = store.revisions(cat)[ident]
            wall, cpu = time.perf_counter(), time.process_time()
            r = client.post(f"/api/catalogues/{cat}/verify", json={"revisions": {ident: rev}}, headers=headers)
            nxt = client.get(f"/catalogues/{cat}/review/item", params={"at": following, "show": "unverified"})
            assert r.status_code == nxt.status_code == 200, (r.status_code, nxt.status_code)
            results["review"].append((time.perf_counter() - wall, time.process_time() - cpu,
                                      len(r.content) + len(nxt.content)))
        medians = {way: (statistics.median(w for w, _, _ in rs), statistics.median(c for _, c, _ in rs),
                         statistics.median(s for _, _, s in rs)) for way, rs in results.items()}
    print(f"verify one item, median of {args.runs} (2023 PDF, 249 indicators):")
    for way, (wall, cpu, size) in medians.items():
        print(f"  {way:7s} wall {wall * 1000:7.1f} ms  cpu {cpu * 1000:7.1f} ms  {size / 1024:7.1f} KiB")
    (pw, pc, ps), (rw, rc, rs) = medians["page"], medians["review"]
    print(f"  ratio page/review: wall {pw / rw:.1f}x, cpu {pc / rc:.1f}x, bytes {ps / rs:.1f}x")
    print(f"  205 items: page {205 * pw:.0f} s of waiting, review {205 * rw:.0f} s (server side, in-process)")
    if args.browser:
        browser_run(args.runs)
    return 0


def browser_run(runs: int) -> None:
    """The same, clicked in Chromium: wall time from the click (or key) to the page or item shown."""
    import shutil
    import socket
    import threading

    import uvicorn
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        print("browser: chromium not found, skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'browser.db'}")
        cat, _ = store.ingest(PDF)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(store, secret_key="bench"), host="127.0.0.1", port=port,
                                               log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        warned = {f.indicator for f in store.get(cat)[0].all_findings() if f.severity == "warning"}
        leaves = [i.id for i in store.get(cat)[0].rubrics[0].leaves() if i.id not in warned]
        timings: dict[str, list[float]] = {"page": [], "review": []}
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = b.new_page(viewport={"width": 1366, "height": 900})
            page.goto(base + "/")
            page.fill("#reviewer-form input[name=name]", "bench")
            page.click("#reviewer-form button")
            page.wait_for_selector("#reviewer-name")
            for ident in leaves[:runs]:
                page.goto(base + f"/catalogues/{cat}")
                item = page.locator(f'[id="ind-{ident}"]')
                item.locator(":scope > details > summary").click()
                item.locator(":scope > details form.verify.one button").wait_for()  # the panel loads when opened
                wall = time.perf_counter()
                item.locator(":scope > details form.verify.one button").click()
                page.wait_for_url(f"**/catalogues/{cat}#ind-{ident}")
                page.wait_for_load_state("load")
                timings["page"].append(time.perf_counter() - wall)
            page.goto(base + f"/catalogues/{cat}/review?at={leaves[runs]}")
            for _ in range(runs):
                page.wait_for_selector("#item")
                following = page.get_attribute("#item", "data-next")
                time.sleep(0.3)  # reading it
                wall = time.perf_counter()
                page.keyboard.press("v")
                page.wait_for_selector(f'#item[data-id="{following}"]')
                timings["review"].append(time.perf_counter() - wall)
            b.close()
        server.should_exit = True
        thread.join(timeout=10)
    pw, rw = statistics.median(timings["page"]), statistics.median(timings["review"])
    print(f"in Chromium, median of {runs}: page (click, reload) {pw * 1000:.0f} ms, review (V, next item) "
          f"{rw * 1000:.0f} ms, ratio {pw / rw:.1f}x; 205 items: {205 * pw:.0f} s against {205 * rw:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
