#!/usr/bin/env bash
# make fuzz: property-based fuzzing of the debug server against api-spec/openapi.json with
# schemathesis, once per demo role and once anonymous, on a fresh SQLite database.
# Fails (exit 1) when any check failed: a 5xx or dropped connection, a status code, content type
# or body the spec does not document. Reports: target/fuzz/<role>/ (NDJSON, JUnit), server log:
# target/fuzz/serve.log, grouped findings: target/fuzz/summary.txt. See fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ST_VERSION=4.32.5                                  # verified with the constraints below
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-25}               # generated cases per operation and phase
SEED=${FUZZ_SEED:-20261130}                         # fixed: the same run each time; change to explore
ROLES=${FUZZ_ROLES:-"teacher hr trainer county.admin admin anonymous"}
RUN_TIMEOUT=${FUZZ_RUN_TIMEOUT:-300}                # hard stop for one role's run, seconds (a quiet run takes ~95)
WORKERS=${FUZZ_WORKERS:-1}                          # 2 is no faster here, and trips a CPython 3.11 ast race
VENV=target/fuzz-venv
OUT=target/fuzz
BIN=target/debug/qualify

# Authenticated runs leave out the auth operations that would end or lock the very session being
# fuzzed: logout and refresh (a hit ends the session family), POST /me/password (its example body
# carries the real demo password, so it would change it and end the other sessions) and login
# (its example username is `teacher`: mutated passwords lock that account for 15 minutes). None of
# them reads the bearer token, so the anonymous run, which comes last, still fuzzes all four.
AUTH_EXCLUDE='^/api/v1/(auth/(login|logout|refresh)|me/password)$'

# --- schemathesis, pinned with its whole dependency set so CI installs the same -------------------
if [ "$("$VENV/bin/st" --version 2>/dev/null || true)" != "st, version $ST_VERSION" ]; then
  echo "== installing schemathesis $ST_VERSION into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  cat > "$VENV/constraints.txt" <<'PINS'
anyio==4.16.0
certifi==2026.10.19.post1
charset-normalizer==3.5.3
click==8.5.1
graphql-core==3.3.2
harfile==0.6.0
hypothesis==6.170.17
hypothesis-graphql==0.13.5
idna==3.20
iniconfig==2.3.1
jsonschema_rs==0.60.3
markdown-it-py==4.3.0
MarkupSafe==3.0.4
mdurl==0.1.2
packaging==26.4
pluggy==1.7.0
Pygments==2.21.0
pyrate-limiter==4.5.1
pytest==9.2.0
PyYAML==6.0.4
requests==2.34.2
rich==15.0.0
sortedcontainers==2.4.0
typing_extensions==4.16.0
urllib3==2.8.0
Werkzeug==3.1.9
PINS
  "$VENV/bin/pip" install -q --disable-pip-version-check -c "$VENV/constraints.txt" "schemathesis==$ST_VERSION"
fi
ST="$VENV/bin/st"

# --- server on a fresh database -------------------------------------------------------------------
started=$(date +%s)
echo "== cargo build -p server"
cargo build -q -p server

WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
unset QUALIFY_DATABASE_URL QUALIFY_JWT_SECRET QUALIFY_SIGNING_KEY_DIR QUALIFY_SMTP_URL QUALIFY_PUBLIC_URL
export QUALIFY_DATA_DIR="$WORK" QUALIFY_BIND="127.0.0.1:$PORT" QUALIFY_BACKGROUND_JOBS=0 \
  QUALIFY_VERIFY_PER_MINUTE=100000 QUALIFY_LOG=${QUALIFY_LOG:-warn} RUST_BACKTRACE=${RUST_BACKTRACE:-1}
rm -rf "$OUT"
mkdir -p "$OUT"
$BIN migrate >/dev/null
$BIN seed --demo >/dev/null
$BIN serve > "$OUT/serve.log" 2>&1 &
PID=$!
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 1 150); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.2; done
curl -sf "$BASE/health" >/dev/null || { echo "server did not come up; see $OUT/serve.log" >&2; exit 2; }
echo "== server $BASE (data in $WORK)"

login() {
  curl -sf -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"demo1234\"}" \
    | python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])'
}

# --- one schemathesis run per role ----------------------------------------------------------------
declare -A RC
status=0
for role in $ROLES; do
  mkdir -p "$OUT/$role"
  args=(run "$ROOT/api-spec/openapi.json" --url "$BASE" --workers "$WORKERS" --seed "$SEED"
        --max-examples "$MAX_EXAMPLES" --phases examples,coverage,fuzzing
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
        --generation-database none --request-timeout 30 --no-color
        --report ndjson,junit --report-dir . --report-ndjson-path events.ndjson --report-junit-path junit.xml)
  if [ "$role" != anonymous ]; then
    token=$(login "$role") || { echo "login as $role failed" >&2; exit 2; }
    args+=(-H "Authorization: Bearer $token" --exclude-path-regex "$AUTH_EXCLUDE")
  fi
  echo "== $role: schemathesis (max $MAX_EXAMPLES examples per operation, seed $SEED)"
  t0=$(date +%s)
  set +e
  # from inside its report directory, so the caches schemathesis and hypothesis write stay there
  (cd "$OUT/$role" && timeout "$RUN_TIMEOUT" "$ROOT/$ST" "${args[@]}") > "$OUT/$role.txt" 2>&1
  rc=$?
  set -e
  RC[$role]=$rc
  echo "   exit $rc in $(( $(date +%s) - t0 ))s; $(grep -E '^=+ .* in [0-9.]+s =+$' "$OUT/$role.txt" | tr -d '=' | xargs || echo 'no summary: timed out?')"
  [ "$rc" -eq 0 ] || status=1
  if ! kill -0 "$PID" 2>/dev/null; then echo "the server died during the $role run; see $OUT/serve.log" >&2; exit 1; fi
  if [ "$role" != anonymous ] && [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$BASE/api/v1/me")" != 200 ]; then
    echo "   warning: the $role session no longer works after its run: later 401s of this run are not findings" >&2
  fi
done

# --- stop the server, group the findings ----------------------------------------------------------
cleanup
trap - EXIT
PANICS=$(grep -c 'panicked at' "$OUT/serve.log" || true)
python3 - "$OUT" "$ROLES" "$PANICS" <<'PY' | tee "$OUT/summary.txt"
import base64, json, os, re, sys
from collections import OrderedDict

out, roles, panics = sys.argv[1], sys.argv[2].split(), int(sys.argv[3])

def text(blob, limit=300):
    if not blob:
        return ""
    raw = base64.b64decode(blob["$base64"]) if "$base64" in blob else str(blob).encode()
    try:
        s = raw.decode()
    except UnicodeDecodeError:
        return "<%d bytes binary>" % len(raw)
    s = " ".join(s.split())
    return s if len(s) <= limit else s[:limit] + "…"

def shell_quote(raw):
    try:
        s = raw.decode()
        if s.isprintable():
            return "'" + s.replace("'", "'\\''") + "'"
    except UnicodeDecodeError:
        pass
    return "$'" + "".join(chr(b) if 32 <= b < 127 and b not in (39, 92) else "\\x%02x" % b for b in raw) + "'"

def curl(req, role):
    parts = ["curl -si -X %s" % req["method"]]
    if role != "anonymous":
        parts.append("-H \"Authorization: Bearer $TOKEN\"")
    for name, values in req.get("headers", {}).items():
        if name.lower() in ("authorization", "content-length", "user-agent", "accept", "accept-encoding", "connection", "x-schemathesis-testcaseid"):
            continue
        for v in values:
            parts.append("-H '%s: %s'" % (name, v))
    body = req.get("body")
    if body:
        raw = base64.b64decode(body["$base64"]) if "$base64" in body else str(body).encode()
        parts.append("--data-binary " + shell_quote(raw[:2000]))
    uri = re.sub(r"^https?://[^/]+", "$BASE", req["uri"])
    parts.append("\"%s\"" % uri)
    return " ".join(parts)

def key_of(code, message):
    first = message.splitlines()[0] if message else ""
    if code == "ST108":
        m = re.search(r"Schema at (\S+):", message)
        return "%s at %s" % (first, m.group(1) if m else "?")
    return first

groups = OrderedDict()
totals = {}
for role in roles:
    path = os.path.join(out, role, "events.ndjson")
    if not os.path.exists(path):
        totals[role] = "no report (timed out or did not start)"
        continue
    n_fail = n_err = 0
    for line in open(path):
        event = json.loads(line)
        nfe = event.get("NonFatalError")
        if nfe and nfe["value"]["type"] != "ConnectionError":
            k = (nfe.get("label") or "?", "schemathesis internal error (not a server finding)", nfe["value"]["type"] + ": " + nfe["value"]["message"].splitlines()[0][:120])
            groups.setdefault(k, {"roles": [], "example": None})["roles"].append(role)
        sf = event.get("ScenarioFinished")
        if not sf:
            continue
        rec = sf["recorder"]
        inter = rec.get("interactions", {})
        for cid, checks in rec.get("checks", {}).items():
            for c in checks:
                if c["status"] != "failure":
                    continue
                f = c["failure_info"]["failure"]
                n_fail += 1
                k = (rec["label"], f["code"] + " " + f["title"], key_of(f["code"], f["message"]))
                g = groups.setdefault(k, {"roles": [], "example": None})
                if role not in g["roles"]:
                    g["roles"].append(role)
                if g["example"] is None and cid in inter:
                    i = inter[cid]
                    resp = i.get("response") or {}
                    ct = (resp.get("headers", {}).get("content-type") or [""])[0]
                    g["example"] = (curl(i["request"], role), "%s %s %s" % (resp.get("status_code"), ct, text(resp.get("content"))))
        if sf["status"] == "error":
            for cid, i in inter.items():
                if not i.get("response"):
                    n_err += 1
                    k = (rec["label"], "connection dropped (no response: worker panic?)", "")
                    g = groups.setdefault(k, {"roles": [], "example": None})
                    if role not in g["roles"]:
                        g["roles"].append(role)
                    if g["example"] is None:
                        g["example"] = (curl(i["request"], role), "no response")
    totals[role] = "%d failed checks, %d dropped connections" % (n_fail, n_err)

print("==================== fuzz summary ====================")
for role in roles:
    print("  %-13s %s" % (role, totals[role]))
print("  server panics in serve.log: %d" % panics)
print("  distinct findings: %d  (TOKEN: log in as the role; BASE: the server URL)" % len(groups))
by_kind = OrderedDict()
for (op, kind, detail), g in groups.items():
    by_kind.setdefault((kind, detail), []).append((op, g))
for (kind, detail), items in sorted(by_kind.items(), key=lambda kv: kv[0]):
    print("\n## %s%s  [%d operation(s)]" % (kind, (": " + detail) if detail else "", len(items)))
    for op, g in items:
        print("  - %s  (roles: %s)" % (op, ", ".join(g["roles"])))
    for op, g in items[:1] if len(items) > 4 else items:
        if g["example"]:
            print("    e.g. %s%s\n         -> %s" % ("" if len(items) == 1 else op + ": ", *g["example"]))
PY
echo "== total $(( $(date +%s) - started ))s; per-role output in $OUT/<role>.txt"
[ "$status" -eq 0 ] || { echo "FUZZ: checks failed (exit codes: $(for r in $ROLES; do printf '%s=%s ' "$r" "${RC[$r]}"; done))"; exit 1; }
echo "FUZZ: all checks passed"
