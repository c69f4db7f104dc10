"""Load test of the review app: N clients for S seconds against uvicorn on 127.0.0.1, reads and edits, while a
large notice is being uploaded; prints requests/s, p50/p95 latency per kind and checks that no edit was lost
(the catalogue's history holds exactly the edits the server accepted, with the values sent). Prints, never
asserts; exits 1 when an edit was lost or a request got a 5xx.

Run: .venv/bin/python bench/bench_load.py [--clients 20] [--seconds 60] [--upload-items 2000]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "001_5886f06ed561739e.txt"  # 陕西省全面推行“三项制度”工作指标体系, 200+ indicators


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _big_notice(items: int) -> bytes:
    """A flat rubric of `items` items of 1 point each under 10 areas (tree recovery has work to do)."""
    per = max(1, items // 10)
    lines = ["示例考核指标体系", "", "一级指标\t二级指标\t评分标准"]
    n = 0
    for area in range(10):
        lines.append(f"{'一二三四五六七八九十'[area]}、考核领域{area + 1}（{per}分）")
        for k in range(per):
            n += 1
            lines.append(f"{k + 1}. 落实第{n}项工作要求并按时报送材料。（1分）")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--edit-share", type=float, default=0.3, help="share of requests that are edits")
    ap.add_argument("--upload-items", type=int, default=2000, help="items of the notice uploaded meanwhile (0: none)")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="zhibiao-load-")
    port = _free_port()
    env = dict(os.environ, ZHIBIAO_DATA=tmp, ZHIBIAO_SECRET="load-test")
    server = subprocess.Popen(
        [sys.executable, "-c", f"from zhibiao.web.app import run; run(host='127.0.0.1', port={port})"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/api/session", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        return _run(base, args)
    finally:
        server.terminate()
        server.wait(10)


def _session(base: str, name: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=120)
    tok = c.get("/api/session").json()["csrf_token"]
    c.headers["X-Zhibiao-CSRF"] = tok
    c.post("/api/session", json={"reviewer": name}).raise_for_status()
    return c


def _run(base: str, args) -> int:
    admin = _session(base, "基准")
    r = admin.post("/api/catalogues", files={"file": (SEED.name, SEED.read_bytes())})
    r.raise_for_status()
    cat = r.json()["id"]
    body = admin.get(f"/api/catalogues/{cat}").json()
    leaves = sorted(i for i in body["revisions"] if "." in i)
    print(f"server {base}, catalogue {cat} with {len(body['revisions'])} indicators; {args.clients} clients for "
          f"{args.seconds:.0f} s, {args.edit_share:.0%} edits")

    lat: dict[str, list[float]] = defaultdict(list)
    lat_lock = threading.Lock()
    accepted: list[tuple[str, str, str, str]] = []  # (indicator, value, reason, by) the server said it saved
    counts: dict[str, int] = defaultdict(int)
    stop = time.monotonic() + args.seconds
    upload_window: list[float] = []

    def client(n: int) -> None:
        rng = random.Random(n)
        name = f"审核人{n:02d}"
        c = _session(base, name)
        mine = leaves[n::args.clients] or leaves  # each client edits its own indicators ...
        shared = leaves[0]  # ... and now and then one everybody edits (conflicts: refused, not lost)
        revs = dict(c.get(f"/api/catalogues/{cat}").json()["revisions"])
        seq = 0
        while time.monotonic() < stop:
            if rng.random() < args.edit_share:
                ident = shared if rng.random() < 0.1 else rng.choice(mine)
                seq += 1
                value = f"{name}第{seq}次修改：落实工作要求。"
                reason = f"负载测试 {n}-{seq}"
                t0 = time.monotonic()
                r = c.post(f"/api/catalogues/{cat}/edits", json={"indicator": ident, "field": "text", "value": value,
                                                                  "revision": revs.get(ident, 1), "reason": reason})
                dt = time.monotonic() - t0
                kind = "edit"
                if r.status_code == 200:
                    revs[ident] = r.json()["revision"]
                    with lat_lock:
                        accepted.append((ident, value, reason, name))
                elif r.status_code == 409:
                    revs = dict(c.get(f"/api/catalogues/{cat}").json()["revisions"])
                    kind = "edit-conflict"
            else:
                path = rng.choice([f"/api/catalogues/{cat}", "/api/catalogues", f"/catalogues/{cat}",
                                   f"/api/catalogues/{cat}/history"])
                t0 = time.monotonic()
                r = c.get(path)
                dt = time.monotonic() - t0
                kind = "read"
            with lat_lock:
                lat[kind].append(dt)
                counts[str(r.status_code)] += 1
                if upload_window and len(upload_window) == 1 and kind == "edit":
                    lat["edit-during-upload"].append(dt)

    def uploader() -> None:
        time.sleep(min(5.0, args.seconds / 4))
        c = _session(base, "上传者")
        data = _big_notice(args.upload_items)
        upload_window.append(time.monotonic())
        r = c.post("/api/catalogues", files={"file": ("大型指标体系.txt", data)})
        upload_window.append(time.monotonic())
        print(f"upload of a {args.upload_items}-item notice ({len(data) // 1024} KB): HTTP {r.status_code} in "
              f"{upload_window[1] - upload_window[0]:.1f} s")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    if args.upload_items:
        threads.append(threading.Thread(target=uploader))
    t_start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t_start

    total = sum(len(v) for k, v in lat.items() if k != "edit-during-upload")
    print(f"{total} requests in {elapsed:.1f} s: {total / elapsed:.0f} requests/s; "
          f"status {dict(sorted(counts.items()))}")
    for kind in ("read", "edit", "edit-conflict", "edit-during-upload"):
        v = lat.get(kind, [])
        if v:
            print(f"  {kind:<19} n={len(v):<6} p50 {_pct(v, 0.5):7.1f} ms  p95 {_pct(v, 0.95):7.1f} ms  "
                  f"max {max(v) * 1000:7.1f} ms  mean {statistics.mean(v) * 1000:6.1f} ms")

    history = admin.get(f"/api/catalogues/{cat}/history").json()
    got = sorted((h["indicator_id"], h["new_value"], h["reason"], h["by"]) for h in history if h["field"] == "text")
    sent = sorted(accepted)
    lost = sorted(set(sent) - set(got))
    extra = sorted(set(got) - set(sent))
    final = admin.get(f"/api/catalogues/{cat}").json()
    texts: dict[str, str] = {}

    def walk(nodes):
        for node in nodes:
            texts[node["id"]] = node["text"]
            walk(node["children"])

    for rubric in final["catalogue"]["rubrics"]:
        walk(rubric["indicators"])
    by_order: dict[str, str] = {}
    for h in history:
        if h["field"] == "text":
            by_order[h["indicator_id"]] = h["new_value"]
    stale = [i for i, v in by_order.items() if texts.get(i) != v.strip()]
    print(f"edits accepted {len(sent)}, in the history {len(got)}: lost {len(lost)}, unexpected {len(extra)}; "
          f"indicators whose text is not their last edit: {len(stale)}")
    bad = bool(lost or extra or stale or any(k.startswith("5") for k in counts))
    print("RESULT:", "edits lost or 5xx answers" if bad else "no edit lost, no 5xx")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
