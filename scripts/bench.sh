#!/usr/bin/env bash
# `make bench` (not part of `make test`): buildscope's log viewer against Buildbot's own UI on
# the same real master, the same 1,000,000-line log and the same Chromium, plus the native ANSI
# throughput and a synthetic 10M-line log from the simulator. Prints a table.
#
# The 1M-line log takes the master ~5 minutes to store: it is created once in $BENCH_DIR and
# reused (delete that directory to start over).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

BENCH_DIR=${BENCH_DIR:-$BUILDSCOPE_CACHE/bench}
export BB_WWW_PORT=${BENCH_BB_PORT:-28110} BB_PB_PORT=${BENCH_BB_PB_PORT:-29990}
WEB_PORT=${BENCH_WEB_PORT:-28180}
SIM_PORT=${BENCH_SIM_PORT:-28190}
LINES=1000000
API="http://127.0.0.1:$BB_WWW_PORT/api/v2"

bash scripts/setup.sh
NGINX_PID=""; SIM_PID=""
cleanup() {
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null
    bash harness/buildbot/bb.sh stop "$BENCH_DIR" >/dev/null 2>&1
    wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "native ANSI throughput (cargo bench -p buildscope-core --bench ansi)"
cargo bench --locked -p buildscope-core --bench ansi 2>/dev/null | tee "$BUILDSCOPE_CACHE/bench-ansi.txt" | grep -E 'render|parse' || true
# Render throughput per data set, and the parser alone against vte 0.15 (JSON for bench.mjs).
ANSI_JSON=$(python3 - "$BUILDSCOPE_CACHE/bench-ansi.txt" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
found = {}
for section in re.split(r'\n(?=\(\w\))', text):
    kind = 'coloured' if 'coloured' in section.split('\n')[0] else 'plain'
    for key, label in (('render', r'render_line'), ('ours', r'parse \(ours\)'), ('vte', r'parse \(vte\)')):
        m = re.search(label + r'[^\n]*?([\d.]+) MB/s', section)
        if m:
            found.setdefault(kind, {})[key] = float(m.group(1))
print(json.dumps(found))
PY
)
export ANSI_JSON

say "Buildbot master for the benchmark in $BENCH_DIR (API on 127.0.0.1:$BB_WWW_PORT)"
bash harness/buildbot/bb.sh start "$BENCH_DIR"

# The newest successful biglog build with a 1M-line log, as JSON for bench.mjs (or nothing).
find_log() {
    python3 - "$API" "$LINES" <<'PY'
import json, sys, urllib.request
api, lines = sys.argv[1], int(sys.argv[2])
get = lambda p: json.load(urllib.request.urlopen(f"{api}/{p}", timeout=20))
builder = get("builders/biglog")["builders"][0]
for b in get(f"builders/{builder['builderid']}/builds?order=-number&complete=true&results=0")["builds"]:
    for s in get(f"builds/{b['buildid']}/steps")["steps"]:
        for l in get(f"steps/{s['stepid']}/logs")["logs"]:
            if l["slug"] == "stdio" and l["num_lines"] >= lines:
                print(json.dumps({"buildid": b["buildid"], "builderid": builder["builderid"], "number": b["number"],
                                  "step": s["number"], "logid": l["logid"], "num_lines": l["num_lines"]}))
                sys.exit(0)
PY
}
LOG_JSON=$(find_log || true)
if [ -z "$LOG_JSON" ]; then
    say "creating the 1,000,000-line log once (the master stores ~3,300 lines/s: about 5 minutes)"
    curl -sS --fail-with-body --noproxy '*' -X POST -H 'Content-Type: application/json' "$API/forceschedulers/force" \
        -d "{\"jsonrpc\":\"2.0\",\"method\":\"force\",\"id\":1,\"params\":{\"builderNames\":[\"biglog\"],\"reason\":\"benchmark log\",\"username\":\"bench <bench@example.invalid>\",\"lines\":$LINES}}" >/dev/null
    for i in $(seq 1 180); do # bounded: 30 minutes
        sleep 10
        LOG_JSON=$(find_log || true)
        [ -n "$LOG_JSON" ] && break
        [ $((i % 6)) = 0 ] && echo "  still storing the log ($((i / 6)) min)"
    done
    [ -n "$LOG_JSON" ] || { echo "the 1M-line build did not finish in 30 minutes"; exit 1; }
fi
echo "log: $LOG_JSON"

say "release build, simulator (synthetic 10M log) and nginx on 127.0.0.1:$WEB_PORT"
release_dist_copy
DIST="$ROOT/dist-bench"
# The benchmark's sources: the bench master, and the simulator's synthetic Buildbot-compatible
# log source reached through the nginx proxy that points at the simulator.
cat > "$DIST/config.json" <<'JSON'
{
  "title": "buildscope (benchmark)",
  "sources": [
    { "id": "local", "kind": "buildbot", "name": "Benchmark Buildbot", "url": "/buildbot/" },
    { "id": "synthetic", "kind": "buildbot", "name": "Synthetic log (simulator)", "url": "/servicestage/synthetic-buildbot/" },
    { "id": "codearts", "kind": "codearts", "name": "CodeArts Build (simulator)", "url": "/codearts/", "auth": "proxy",
      "project_id": "5717e71c5717e71c5717e71c5717e71c" }
  ]
}
JSON
build_sim_to "$BENCH_DIR/buildscope-sim"
"$BENCH_DIR/buildscope-sim" --listen "127.0.0.1:$SIM_PORT" > "$BENCH_DIR/sim.log" 2>&1 &
SIM_PID=$!
bash scripts/serve.sh "$DIST" "127.0.0.1:$WEB_PORT" "127.0.0.1:$BB_WWW_PORT" "$BENCH_DIR/nginx" \
    "http://127.0.0.1:$SIM_PORT" > "$BENCH_DIR/nginx.log" 2>&1 &
NGINX_PID=$!
sleep 1

say "Playwright: buildscope vs Buildbot's UI (same Chromium, same master, same log)"
BB_WWW_STATIC=$("$BUILDSCOPE_CACHE/bb-venv/bin/python" -c 'import buildbot_www, os; print(os.path.join(os.path.dirname(buildbot_www.__file__), "static"))')
BENCH_RESTART="bash harness/buildbot/bb.sh stop '$BENCH_DIR' && bash harness/buildbot/bb.sh start '$BENCH_DIR'" \
BS_URL="http://127.0.0.1:$WEB_PORT" BB_UI_URL="http://127.0.0.1:$BB_WWW_PORT" BB_API="$API" \
    BENCH_LOG="$LOG_JSON" BS_DIST="$DIST" BB_WWW_STATIC="$BB_WWW_STATIC" \
    node e2e/bench/bench.mjs
