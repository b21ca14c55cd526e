#!/usr/bin/env python3
"""The teachers' app in `make bench`: Lighthouse (pinned in web/package.json) with mobile settings
on the home, course and exam pages of a fresh demo server served by the release binary, and the
teacher's first load (JS + CSS, gzipped) from the build. Targets: performance >= 90 and
accessibility >= 95 on each page, first load <= 80 KB.

Merges its figures into docs/perf/latest.json (key "web") and writes its own section at the end
of docs/PERFORMANCE.md (between markers, replaced on each run), so it runs after bench/run.py has
written those files, or on its own: `python3 bench/lighthouse.py` (QUALIFY_BIN picks the server
binary; the release build by default, built if missing).
"""

import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
BIN = Path(os.environ.get("QUALIFY_BIN", ROOT / "target" / "release" / "qualify"))
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
TARGETS = {"performance": 90, "accessibility": 95}
START, END = "<!-- web-bench:start -->", "<!-- web-bench:end -->"


def measure():
    if not BIN.exists():
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "server"], cwd=ROOT, check=True)
    if not Path(CHROME).exists():
        subprocess.run(["make", "-C", str(ROOT), CHROME], check=True)
    # npm ci from the lockfile (Lighthouse included), the generated client, a fresh build.
    subprocess.run(["make", "-C", str(ROOT), "web"], check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="qualify-lighthouse-") as tmp:
        size_out, lh_out = Path(tmp) / "size.json", Path(tmp) / "lighthouse.json"
        env = dict(os.environ, SIZE_OUT=str(size_out), LIGHTHOUSE_OUT=str(lh_out), QUALIFY_BIN=str(BIN),
                   CHROME_PATH=CHROME)
        subprocess.run(["node", "scripts/size-check.mjs"], cwd=WEB, env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["node", "scripts/lighthouse.mjs"], cwd=WEB, env=env, check=True, stdout=subprocess.DEVNULL)
        size, lighthouse = json.loads(size_out.read_text()), json.loads(lh_out.read_text())
    for page in lighthouse["results"].values():
        page["met"] = all(page[k] >= v for k, v in TARGETS.items())
    return {
        "date": datetime.date.today().isoformat(),
        "lighthouse": lighthouse["lighthouse"],
        "chromium": lighthouse["chromium"],
        "node": subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip(),
        "form_factor": lighthouse["formFactor"],
        "server": str(BIN.relative_to(ROOT)) if BIN.is_relative_to(ROOT) else str(BIN),
        "targets": {**TARGETS, "first_load_kb": size["limitBytes"] // 1024},
        "pages": lighthouse["results"],
        "first_load": size["firstLoad"],
    }


def section(web):
    kb = lambda b: f"{b / 1024:.1f}"
    lines = [START, "## The teachers' app (Lighthouse)", "",
             f"Measured by `make bench` (`bench/lighthouse.py`) on {web['date']}: Lighthouse {web['lighthouse']} "
             f"on Node {web['node']} driving {web['chromium']} (`CHROME_PATH`), mobile settings (simulated "
             f"slow 4G and a mid-range phone's CPU), against `{web['server']}` on a fresh demo database, logged "
             "in as the demo teacher (a refresh token from `POST /auth/login` seeded into localStorage). Each "
             "load is cold: no HTTP cache, no service worker, no Cache Storage. Targets: performance >= "
             f"{TARGETS['performance']} and accessibility >= {TARGETS['accessibility']} on each page.", "",
             "| page | path | performance | accessibility | best practices | FCP ms | LCP ms | TBT ms | CLS | transferred KB | target |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, p in web["pages"].items():
        lines.append(f"| {name} | `{p['path']}` | {p['performance']} | {p['accessibility']} | {p['bestPractices']} | "
                     f"{p['fcpMs']} | {p['lcpMs']} | {p['tbtMs']} | {p['cls']} | {p['transferKB']} | "
                     f"{'met' if p['met'] else '**not met**'} |")
    lines += ["", f"First load from the build (JS + CSS, gzipped at level 9; limit {web['targets']['first_load_kb']} KB, "
              "checked by `npm run size` in `make test`):", "",
              "| landing page | total KB | JS KB | CSS KB | files |", "|---|---:|---:|---:|---:|"]
    for name, f in web["first_load"].items():
        lines.append(f"| {name} | {kb(f['gzipBytes'])} | {kb(f['jsBytes'])} | {kb(f['cssBytes'])} | {f['files']} |")
    missed = [f"{n} ({', '.join(p['failedAccessibility']) or 'performance'})" for n, p in web["pages"].items() if not p["met"]]
    if missed:
        lines += ["", f"Below target this run: {'; '.join(missed)}. The machine is shared; a busy run scores lower."]
    return "\n".join(lines + [END])


def write(web):
    latest_path = ROOT / "docs" / "perf" / "latest.json"
    latest = json.loads(latest_path.read_text()) if latest_path.exists() else {}
    latest["web"] = web
    latest_path.parent.mkdir(parents=True, exist_ok=True)
    latest_path.write_text(json.dumps(latest, indent=2, ensure_ascii=False) + "\n")
    doc_path = ROOT / "docs" / "PERFORMANCE.md"
    doc = doc_path.read_text() if doc_path.exists() else "# Performance\n"
    if START in doc and END in doc:
        doc = doc[: doc.index(START)] + section(web) + doc[doc.index(END) + len(END):]
    else:
        doc = doc.rstrip("\n") + "\n\n" + section(web) + "\n"
    doc_path.write_text(doc)
    print(section(web))


def main():
    web = measure()
    write(web)
    return 0


if __name__ == "__main__":
    sys.exit(main())
