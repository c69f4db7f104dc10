"""Benchmark: weight and time of the review app's catalogue page for the 2023 rubric (issue 12); prints, never
asserts.

Run: .venv/bin/python bench/bench_page.py [--runs 15] [--no-browser]

The 2023 PDF (249 indicators, 205 leaves) is stored in a fresh SQLite store and served by uvicorn on 127.0.0.1
(a local server, as staff run it). Measured, median of --runs each:

  html     GET /catalogues/ID over HTTP (urllib, a new connection each time): time to the whole HTML, and its
           size (bytes, and gzip-compressed for reference: the app does not compress);
  first    in Chromium (Debian's, through Playwright; skipped with --no-browser or without it): navigation start
           to the first contentful paint of the catalogue page (the first screen), its stylesheet and script
           included; and to the load event.

The peer, measured in the same run the same way, is the indicator page of one item (/catalogues/ID/indicators/
1.1.1: the same head, header and styles, one indicator): the catalogue page's ratio to it says what its 249
indicators cost. Targets (issue 12): first screen ≤ 300 ms, HTML ≤ 150 KB.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "corpus" / "renderings" / "000_1c204f1614fc8d36.pdf"
TARGET_MS, TARGET_KB = 300, 150


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(store):
    import uvicorn

    from zhibiao.web import create_app

    port = _port()
    server = uvicorn.Server(uvicorn.Config(create_app(store, secret_key="bench"), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("bench_page: uvicorn did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _get(url: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    with urllib.request.urlopen(url) as r:  # noqa: S310 - our own local server
        body = r.read()
    return time.perf_counter() - start, body


def _browser_times(urls: dict[str, str], runs: int) -> dict[str, tuple[float, float]] | None:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("browser: Debian's chromium is not installed; first-screen times not measured")
        return None
    from playwright.sync_api import sync_playwright

    out: dict[str, tuple[float, float]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            for name, url in urls.items():
                paints, loads = [], []
                for _ in range(runs + 1):
                    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
                    page = context.new_page()
                    page.goto(url, wait_until="load")
                    fcp = page.evaluate("""() => new Promise(done => {
                        const get = () => performance.getEntriesByName("first-contentful-paint")[0];
                        if (get()) { done(get().startTime); return; }
                        new PerformanceObserver(() => get() && done(get().startTime))
                            .observe({ type: "paint", buffered: true });
                    })""")
                    load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
                    paints.append(fcp / 1000)
                    loads.append(load / 1000)
                    context.close()
                out[name] = (statistics.median(paints[1:]), statistics.median(loads[1:]))  # the first warms up
        finally:
            browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15, help="measurements of each page (default 15)")
    ap.add_argument("--no-browser", action="store_true", help="HTTP only, no Chromium")
    args = ap.parse_args(argv)

    from zhibiao.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        cat, _ = store.ingest(PDF)
        server, thread, base = _serve(store)
        try:
            urls = {"catalogue": f"{base}/catalogues/{cat}", "peer (one indicator)": f"{base}/catalogues/{cat}/"
                    "indicators/1.1.1"}
            sizes, times = {}, {}
            for name, url in urls.items():
                _get(url)  # warm: the store's first read, the templates compiled
                runs = [_get(url) for _ in range(args.runs)]
                times[name] = statistics.median(t for t, _ in runs)
                sizes[name] = runs[-1][1]
            assets = sum(len(_get(f"{base}/static/{f}")[1]) for f in ("app.css", "app.js"))
            browser = None if args.no_browser else _browser_times(urls, args.runs)
        finally:
            server.should_exit = True
            thread.join(timeout=10)

    print(f"catalogue page of the 2023 rubric (249 indicators), uvicorn on 127.0.0.1, median of {args.runs}")
    print(f"{'page':<22} {'HTML KB':>8} {'gzip KB':>8} {'HTML ms':>8} {'first ms':>9} {'load ms':>8}")
    for name in urls:
        body = sizes[name]
        first = f"{browser[name][0] * 1000:>9.0f} {browser[name][1] * 1000:>8.0f}" if browser else f"{'—':>9} {'—':>8}"
        print(f"{name:<22} {len(body) / 1024:>8.1f} {len(gzip.compress(body)) / 1024:>8.1f} "
              f"{times[name] * 1000:>8.0f} {first}")
    cat_kb = len(sizes["catalogue"]) / 1024
    peer = "peer (one indicator)"
    print(f"stylesheet and script: {assets / 1024:.1f} KB (cached after the first page)")
    print(f"ratio catalogue / peer: HTML size {len(sizes['catalogue']) / len(sizes[peer]):.1f}×, "
          f"HTML time {times['catalogue'] / times[peer]:.1f}×"
          + (f", first screen {browser['catalogue'][0] / browser[peer][0]:.2f}×" if browser else ""))
    verdict = [f"HTML {cat_kb:.0f} KB {'≤' if cat_kb <= TARGET_KB else '>'} {TARGET_KB} KB"]
    if browser:
        ms = browser["catalogue"][0] * 1000
        verdict.append(f"first screen {ms:.0f} ms {'≤' if ms <= TARGET_MS else '>'} {TARGET_MS} ms")
    print("target: " + "; ".join(verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
