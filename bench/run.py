#!/usr/bin/env python3
"""make bench: drives the release server with wrk over prefecture-scale data, on SQLite and (when
BENCH_DATABASE_URL or TEST_DATABASE_URL names a PostgreSQL server) on PostgreSQL, and writes
docs/PERFORMANCE.md and docs/perf/latest.json. Every figure is also given as a ratio to W0, a
trivial endpoint measured in the same run on the same machine.

Workloads (the issue's names): W0 GET /health; W1 heartbeat batches from 64 teachers' players;
W2 GET /me/dashboard; W3 exam answer autosave; W4 HR credit search in one county; W5 the
prefecture's qualification compliance report; W6 the prefecture's credits CSV export (one
streamed download, timed, with the server's memory sampled while it runs); W7 the web app's shell and
W7A its main script, precompressed (built by `make web` first if web/dist is missing). Each
workload also reports the statements per request the server counted while it ran.

Environment: BENCH_DURATION (wrk duration per workload, default 10s), BENCH_CONNECTIONS
(default 64), BENCH_PORT (default 18080); BENCH_ONLY=W1,W2 measures only those workloads on
SQLite and prints them without touching the docs (for working on one of them); with
BENCH_PROFILE=FILE also records the server with `perf record -g` into FILE meanwhile.

`python3 bench/run.py province` (the second half of `make bench` when PostgreSQL is there) instead
generates the 600,000-teacher province on PostgreSQL only and measures W0, W4 (64 connections,
and one as W4_single) and W5 (one connection) there, then the same W4 and W5 again with the
server's reports on a streaming replica (`tests/replica.sh`, QUALIFY_REPORT_DATABASE_URL) as
W4_replica, W4_single_replica and W5_replica, into docs/perf/province.json (the figures
docs/SCALING.md reasons from).
"""

import datetime
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "qualify"
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
PORT = int(os.environ.get("BENCH_PORT", "18080"))
SCALE = "province" if sys.argv[1:] == ["province"] else "prefecture"
BASE = f"http://127.0.0.1:{PORT}"
TEACHERS = 64
ONLY = [w for w in os.environ.get("BENCH_ONLY", "").split(",") if w]

WORKLOADS = {
    "W0": "GET /health — baseline: no auth, one `SELECT 1`",
    "W1": f"POST /api/v1/lessons/{{id}}/progress — heartbeat batches of {TEACHERS} teachers' players",
    "W2": f"GET /api/v1/me/dashboard — {TEACHERS} teachers",
    "W3": f"PUT /api/v1/attempts/{{id}}/answers/{{q}} — exam autosave, {TEACHERS} attempts",
    "W4": "GET /api/v1/credits?org_unit=…&sort=-total_hours — HR search in one county",
    "W5": "GET /api/v1/reports/qualification — the prefecture's compliance report (1 connection)",
    "W6": "GET /api/v1/credits/export?format=csv — the prefecture's credits, streamed",
    "W7": "GET / — the web app's shell (uncached, precompressed, `Accept-Encoding: br`)",
    "W7A": "GET /assets/index-….js — the web app's main script (immutable, precompressed br)",
}


def call(method, path, token=None, body=None, timeout=120):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        text = response.read()
    return json.loads(text) if text else None


def login(user):
    return call("POST", "/api/v1/auth/login", body={"username": user, "password": "demo1234"})["access_token"]


def status_kb(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def statements(work):
    """The server's running count of statements sent to the database (QUALIFY_STATEMENT_COUNT_FILE)."""
    try:
        return int((work / "statements").read_text())
    except (OSError, ValueError):
        return None


def wrk(name, path, script, work, connections=CONNECTIONS, headers=()):
    threads = min(2, connections)
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{DURATION}", "--timeout", "10s", "--latency"]
    for header in headers:
        args += ["-H", header]
    if script:
        args += ["-s", str(script)]
    before = statements(work)
    out = subprocess.run(args + [BASE + path], capture_output=True, text=True, check=True).stdout
    # Requests wrk gave up waiting for still finish; the server writes its count every 100 ms.
    time.sleep(1.0)
    after = statements(work)
    (work / f"{name}.txt").write_text(out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))

    def ms(label):
        m = re.search(r"\s%s\s+([\d.]+)(us|ms|s)\b" % re.escape(label), out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": ms("50%"),
        "p99_ms": ms("99%"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        # Counted by the server (sea-orm's metric callback; BEGIN/COMMIT not included), per request.
        "statements_per_request": None if before is None or after is None or not requests
        else (after - before) / requests,
    }


def lua_string(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def rotate_script(work, name, requests):
    rows = ",".join(
        "{" + ",".join(lua_string(part) for part in request) + "}" for request in requests
    )
    path = work / f"{name}.lua"
    path.write_text((ROOT / "bench" / "rotate.lua").read_text().replace("{REQUESTS}", "{" + rows + "}"))
    return path


def export(pid):
    """W6: one streamed CSV download of every teacher of the prefecture, timed; the server's
    resident memory sampled every 50 ms while it runs."""
    token = login("hr")
    samples, done = [], threading.Event()

    def sample():
        while not done.is_set():
            samples.append(status_kb(pid, "VmRSS"))
            time.sleep(0.05)

    before = status_kb(pid, "VmRSS")
    watcher = threading.Thread(target=sample)
    watcher.start()
    start = time.monotonic()
    request = urllib.request.Request(BASE + "/api/v1/credits/export?format=csv")
    request.add_header("authorization", f"Bearer {token}")
    rows = 0
    first_byte = None
    with urllib.request.urlopen(request, timeout=300) as response:
        while chunk := response.read(65536):
            first_byte = first_byte or time.monotonic() - start
            rows += chunk.count(b"\n")
    seconds = time.monotonic() - start
    done.set()
    watcher.join()
    return {
        "seconds": seconds,
        "first_byte_ms": (first_byte or seconds) * 1000,
        "rows": rows - 1,
        "rss_before_mb": before / 1024,
        "rss_peak_during_mb": max(samples or [before]) / 1024,
    }


def prepare(database_url, work):
    env = dict(os.environ, QUALIFY_DATA_DIR=str(work), QUALIFY_BIND=f"127.0.0.1:{PORT}",
               QUALIFY_BACKGROUND_JOBS="0", QUALIFY_LOG="warn", QUALIFY_VERIFY_PER_MINUTE="100000",
               QUALIFY_LOGIN_PER_MINUTE="100000", QUALIFY_STATEMENT_COUNT_FILE=str(work / "statements"),
               QUALIFY_WEB_DIR=str(ROOT / "web" / "dist"))
    if database_url:
        env["QUALIFY_DATABASE_URL"] = database_url
    else:
        env.pop("QUALIFY_DATABASE_URL", None)
    subprocess.run([BIN, "migrate"], env=env, check=True, capture_output=True)
    start = time.monotonic()
    seeded = subprocess.run([BIN, "seed", "--scale", SCALE], env=env, check=True, capture_output=True, text=True)
    return env, seeded.stdout.strip(), time.monotonic() - start


def measure(label, database_url, replica_url=None):
    """Seeds a database and measures the workloads against a server over it; with `replica_url`
    (the province run) measures W4 and W5 a second time with the reports on that replica, as
    `W4_replica`, `W4_single_replica` and `W5_replica`."""
    work = Path(tempfile.mkdtemp(prefix="qualify-bench-"))
    try:
        env, seed_text, seed_seconds = prepare(database_url, work)
        results = serve_and_run(env, work)
        if replica_url:
            wait_replayed(database_url, replica_url)
            on_replica = serve_and_run(dict(env, QUALIFY_REPORT_DATABASE_URL=replica_url), work)
            results.update({f"{name}_replica": figures for name, figures in on_replica.items()
                            if name.startswith(("W4", "W5"))})
            results["peak_rss_mb"] = max(results["peak_rss_mb"], on_replica["peak_rss_mb"])
        return {"seed": seed_text, "seed_seconds": seed_seconds, **results}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def serve_and_run(env, work):
    """Starts the server with `env`, runs the workloads, stops it; with its peak memory."""
    server = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL,
                              stderr=open(work / "serve.log", "a"))
    try:
        for _ in range(200):
            try:
                call("GET", "/health")
                break
            except OSError:
                time.sleep(0.1)
        profiler = None
        if os.environ.get("BENCH_PROFILE"):
            profiler = subprocess.Popen(["perf", "record", "-F", "499", "-g", "-p", str(server.pid), "-o",
                                         os.environ["BENCH_PROFILE"]], stderr=subprocess.DEVNULL)
        results = run_workloads(work, server.pid)
        if profiler:
            profiler.send_signal(2)
            profiler.wait()
        results["peak_rss_mb"] = status_kb(server.pid, "VmHWM") / 1024
        return results
    finally:
        server.terminate()
        server.wait()


def psql_value(url, sql):
    return subprocess.run(["psql", url, "-Atc", sql], check=True, capture_output=True, text=True).stdout.strip()


def replica_of(pg_url):
    """The bench database on the streaming replica `tests/replica.sh` keeps (port 5433, made
    with `pg_basebackup -R` from the primary when missing): a replica carries every database
    of its primary's cluster, so the one just generated arrives there by streaming."""
    subprocess.run(["bash", str(ROOT / "tests" / "replica.sh"), "up"], check=True)
    return re.sub(r":\d+/", f":{os.environ.get('REPLICA_PORT', '5433')}/", pg_url, count=1)


def wait_replayed(primary_url, replica_url):
    """Waits until the replica has replayed everything the primary has written so far."""
    written = psql_value(primary_url, "select pg_current_wal_lsn()")
    for _ in range(1800):
        try:
            if psql_value(replica_url, f"select pg_last_wal_replay_lsn() >= '{written}'::pg_lsn") == "t":
                return
        except subprocess.CalledProcessError:
            pass
        time.sleep(1)
    sys.exit(f"the replica at {replica_url} did not replay the primary's writes within 30 minutes")


def run_workloads(work, pid):
    hr, admin = login("hr"), login("admin")
    if SCALE == "province":
        return province_workloads(work, hr, admin)
    course = call("GET", "/api/v1/courses?q=C%20%E7%BA%A7", hr)["items"][0]
    lesson = course["modules"][0]["lessons"][1]["id"]
    c_exam = call("GET", "/api/v1/rule-sets", admin)["items"][0]["levels"][0]["exam_id"]
    counties = call("GET", "/api/v1/org-units?kind=county&per_page=50", admin)["items"]
    county = counties[0]["id"]
    teachers = [login(f"G{n:07d}") for n in range(TEACHERS)]
    autosaves = []
    for token in teachers:
        call("POST", f"/api/v1/courses/{course['id']}/enrollments", token)
        attempt = call("POST", f"/api/v1/exams/{c_exam}/attempts", token)
        for question in attempt["questions"][:3]:
            path = f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}"
            autosaves.append(("PUT", path, token, '{"answer":"A"}'))
    heartbeat = work / "heartbeat.lua"
    tokens = ",".join(lua_string(t) for t in teachers)
    heartbeat.write_text((ROOT / "bench" / "heartbeat.lua").read_text()
                         .replace("{TOKENS}", "{" + tokens + "}").replace("LESSON", str(lesson)))
    dashboard = rotate_script(work, "dashboard", [("GET", "/api/v1/me/dashboard", t, "") for t in teachers])
    autosave = rotate_script(work, "autosave", autosaves)
    search_path = f"/api/v1/credits?org_unit={county}&per_page=50&sort=-total_hours"
    search = rotate_script(work, "search", [("GET", search_path, hr, "")])
    report = rotate_script(work, "report", [("GET", "/api/v1/reports/qualification", admin, "")])
    shell = urllib.request.urlopen(BASE + "/", timeout=30).read().decode()
    main_script = re.search(r'src="(/assets/[^"]+\.js)"', shell).group(1)
    compressed = ("Accept-Encoding: br, gzip",)
    plan = {
        "W0": lambda: wrk("W0", "/health", None, work),
        "W1": lambda: wrk("W1", "/", heartbeat, work),
        "W2": lambda: wrk("W2", "/", dashboard, work),
        "W3": lambda: wrk("W3", "/", autosave, work),
        "W4": lambda: wrk("W4", "/", search, work),
        # An office report: run by one admin at a time, so measured with one connection.
        "W5": lambda: wrk("W5", "/", report, work, connections=1),
        "W6": lambda: export(pid),
        "W7": lambda: wrk("W7", "/", None, work, headers=compressed),
        "W7A": lambda: wrk("W7A", main_script, None, work, headers=compressed),
    }
    return {name: run() for name, run in plan.items() if not ONLY or name in ONLY}


def province_workloads(work, hr, admin):
    """W4 and W5 only: the reads whose cost grows with the data, at ten times the prefecture. W4
    at 64 connections as for the prefecture, and both at one connection: one HR officer or one
    admin waiting for an answer, which is what these reads are. The single-connection runs go
    first: requests left queued when wrk stops at 64 connections keep the database busy for
    seconds after."""
    county = call("GET", "/api/v1/org-units?kind=county&per_page=50", admin)["items"][0]["id"]
    search_path = f"/api/v1/credits?org_unit={county}&per_page=50&sort=-total_hours"
    search = rotate_script(work, "search", [("GET", search_path, hr, "")])
    report = rotate_script(work, "report", [("GET", "/api/v1/reports/qualification", admin, "")])
    return {"W0": wrk("W0", "/health", None, work),
            "W4_single": wrk("W4_single", "/", search, work, connections=1),
            "W5": wrk("W5", "/", report, work, connections=1),
            "W4": wrk("W4", "/", search, work)}


def postgres_database():
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None, None
    name = f"qualify_bench_{os.getpid()}"
    subprocess.run(["psql", url, "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run(["psql", url, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    return url, url.rsplit("/", 1)[0] + "/" + name


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    memory = status_line("/proc/meminfo", "MemTotal")
    return f"{os.cpu_count()} cores ({cpu}), {memory // 1024 // 1024} GiB, {platform.system()} {platform.release()}"


def status_line(path, field):
    for line in Path(path).read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def port_taken(port):
    """Whether something already listens on the bench port (it would answer our requests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def main():
    if port_taken(PORT):
        sys.exit(f"make bench: port {PORT} is already in use; stop what listens there or set BENCH_PORT")
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "server"], cwd=ROOT, check=True)
    if not (ROOT / "web" / "dist" / "index.html").exists():
        subprocess.run(["make", "web"], cwd=ROOT, check=True)
    admin_url, pg_url = postgres_database()
    if SCALE == "province":
        if not pg_url:
            sys.exit("the province run needs BENCH_DATABASE_URL or TEST_DATABASE_URL (PostgreSQL)")
        try:
            run = measure("postgres", pg_url, replica_of(pg_url))
        finally:
            subprocess.run(["psql", admin_url, "-qc", f'DROP DATABASE IF EXISTS "{pg_url.rsplit("/", 1)[1]}"'])
        out = {"date": datetime.date.today().isoformat(), "machine": machine(), "connections": CONNECTIONS,
               "duration": DURATION, "seed": run["seed"], "seed_seconds": round(run["seed_seconds"], 1),
               "peak_rss_mb": round(run["peak_rss_mb"], 1),
               "replica": "a streaming replica (tests/replica.sh, port 5433) as QUALIFY_REPORT_DATABASE_URL",
               "workloads": {w: {k: round(v, 2) for k, v in run[w].items()}
                             for w in ["W0", "W4", "W4_single", "W5", "W4_replica", "W4_single_replica", "W5_replica"]}}
        (ROOT / "docs" / "perf").mkdir(parents=True, exist_ok=True)
        (ROOT / "docs" / "perf" / "province.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return
    runs = {"sqlite": measure("sqlite", None)}
    if ONLY:
        print(json.dumps(runs, indent=2, ensure_ascii=False))
        return
    if pg_url:
        try:
            runs["postgres"] = measure("postgres", pg_url)
        finally:
            subprocess.run(["psql", admin_url, "-qc", f'DROP DATABASE IF EXISTS "{pg_url.rsplit("/", 1)[1]}"'])
    write(runs)
    # The teachers' app: Lighthouse and first-load bytes, appended to the files just written.
    subprocess.run([sys.executable, str(ROOT / "bench" / "lighthouse.py")], check=True)


def ratio_rows(runs):
    for workload in ["W0", "W1", "W2", "W3", "W4", "W5", "W7", "W7A"]:
        for db, run in runs.items():
            base, figures = run["W0"], run[workload]
            yield workload, db, {
                "rps": round(figures["rps"], 1),
                "ratio_to_w0": round(figures["rps"] / base["rps"], 3),
                "p50_ms": round(figures["p50_ms"], 2),
                "p99_ms": round(figures["p99_ms"], 2),
                # Latency follows throughput: a workload's p99 against W0's in the same run.
                "p99_ratio_to_w0": round(figures["p99_ms"] / base["p99_ms"], 2),
                "non_2xx": figures["non_2xx"],
                "statements_per_request": None if figures.get("statements_per_request") is None
                else round(figures["statements_per_request"], 2),
                "peak_rss_mb": round(run["peak_rss_mb"], 1),
            }


def write(runs):
    today = datetime.date.today().isoformat()
    latest = {"date": today, "machine": machine(), "connections": CONNECTIONS, "duration": DURATION,
              "scale": SCALE, "workloads": {}}
    for workload, db, figures in ratio_rows(runs):
        latest["workloads"].setdefault(workload, {})[db] = figures
    for db, run in runs.items():
        w6, base = run["W6"], run["W0"]
        latest["workloads"].setdefault("W6", {})[db] = {
            "rows": w6["rows"], "seconds": round(w6["seconds"], 2), "first_byte_ms": round(w6["first_byte_ms"], 1),
            "ratio_to_w0": round((w6["seconds"] * 1000) / base["p50_ms"], 1),
            "rss_before_mb": round(w6["rss_before_mb"], 1), "rss_peak_during_mb": round(w6["rss_peak_during_mb"], 1),
            "peak_rss_mb": round(run["peak_rss_mb"], 1),
        }
        latest[f"seed_{db}"] = {"data": run["seed"], "seconds": round(run["seed_seconds"], 1)}
    (ROOT / "docs" / "perf").mkdir(parents=True, exist_ok=True)
    (ROOT / "docs" / "perf" / "latest.json").write_text(json.dumps(latest, indent=2, ensure_ascii=False) + "\n")

    lines = ["# Performance", "",
             f"Measured by `make bench` on {today} on {latest['machine']}: release build, {SCALE}-scale "
             f"generated data, wrk with 2 threads and {CONNECTIONS} connections for {DURATION} per workload, "
             "client and server on the same machine. The machine is shared and noisy: read the ratios to W0 "
             "(measured in the same run), not absolute numbers across runs. Machine-readable: "
             "`docs/perf/latest.json`.", ""]
    for db, run in runs.items():
        lines.append(f"- {db}: {run['seed']} (generated in {run['seed_seconds']:.0f} s); "
                     f"server peak memory (VmHWM) {run['peak_rss_mb']:.0f} MiB")
    lines += ["", "| workload | db | req/s | × W0 | p50 ms | p99 ms | p99 × W0's | non-2xx | statements/request |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for workload, db, f in ratio_rows(runs):
        counted = "–" if f["statements_per_request"] is None else f"{f['statements_per_request']:.2f}"
        lines.append(f"| {workload} {WORKLOADS[workload]} | {db} | {f['rps']:.0f} | {f['ratio_to_w0']:.3f} | "
                     f"{f['p50_ms']:.2f} | {f['p99_ms']:.2f} | {f['p99_ratio_to_w0']:.2f} | {f['non_2xx']} | {counted} |")
    lines += ["", "Statements/request are counted by the server while wrk runs (`QUALIFY_STATEMENT_COUNT_FILE`: "
              "sea-orm's metric callback sees every query and execute, in transactions too, but not BEGIN/COMMIT), "
              "divided by the requests wrk completed; heartbeats committed in one group share its statements."]
    lines += ["", f"W6 {WORKLOADS['W6']}:", "", "| db | rows | seconds | first byte ms | × W0 p50 | RSS before MiB | RSS peak during MiB |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for db, run in runs.items():
        w6 = latest["workloads"]["W6"][db]
        lines.append(f"| {db} | {w6['rows']} | {w6['seconds']:.2f} | {w6['first_byte_ms']:.0f} | {w6['ratio_to_w0']:.0f} | "
                     f"{w6['rss_before_mb']:.0f} | {w6['rss_peak_during_mb']:.0f} |")
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    (ROOT / "docs" / "PERFORMANCE.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
