#!/usr/bin/env bash
# The demo command (`make demo`): installs what is missing, starts a real Buildbot master + worker
# on loopback, forces a set of sample builds, builds the release app and serves it with nginx.
# Ctrl-C stops everything it started. The master's database persists in $DEMO_DIR between runs.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

DEMO_DIR=${DEMO_DIR:-$BUILDSCOPE_CACHE/demo}
export BB_WWW_PORT=${BB_WWW_PORT:-8010} BB_PB_PORT=${BB_PB_PORT:-9989}
PORT=${PORT:-8080}
# The same master with Buildbot's auth + authz (sign in as admin/admin-pass or viewer/viewer-pass).
BB_AUTH_PORT=${BB_AUTH_PORT:-8011}
BB_AUTH_PB_PORT=${BB_AUTH_PB_PORT:-9990}
SIM_PORT=${SIM_PORT:-8090}
export LONG_DURATION=${LONG_DURATION:-600}   # long enough to watch it run
export BIGLOG_LINES=${BIGLOG_LINES:-200000}

bash scripts/setup.sh

NGINX_PID=""; SIM_PID=""
stop_all() {
    trap - INT TERM EXIT
    echo; say "stopping nginx, the Huawei simulator and the Buildbot master"
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null || true
    bash harness/buildbot/bb.sh stop "$DEMO_DIR" || true
    bash harness/buildbot/bb.sh stop "$DEMO_DIR-auth" || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM

say "Buildbot master + worker in $DEMO_DIR (API on 127.0.0.1:$BB_WWW_PORT)"
bash harness/buildbot/bb.sh start "$DEMO_DIR"
if [ "${DEMO_TRIGGER:-1}" = 1 ]; then
    say "forcing one build of every sample builder (long-running: ${LONG_DURATION}s, biglog: $BIGLOG_LINES lines)"
    bash harness/buildbot/bb.sh trigger "$DEMO_DIR" &
fi

say "the same master with auth + authz in $DEMO_DIR-auth (API on 127.0.0.1:$BB_AUTH_PORT)"
BB_AUTH=1 BB_WWW_PORT=$BB_AUTH_PORT BB_PB_PORT=$BB_AUTH_PB_PORT bash harness/buildbot/bb.sh start "$DEMO_DIR-auth"

say "release build (trunk build --release) and the Huawei simulator"
with_build_lock trunk build --release
DEMO_SIM="$BUILDSCOPE_CACHE/demo/buildscope-sim"
mkdir -p "$(dirname "$DEMO_SIM")"
build_sim_to "$DEMO_SIM"
"$DEMO_SIM" --listen "127.0.0.1:$SIM_PORT" --xss-vectors harness/xss-vectors.json &
SIM_PID=$!

# The shipped config plus the master with auth (the demo's only: a deployment lists its own).
python3 - dist/config.json <<'PY'
import json, sys
path = sys.argv[1]
config = json.load(open(path))
if not any(s["id"] == "secure" for s in config["sources"]):
    config["sources"].append({"id": "secure", "kind": "buildbot", "name": "Secure Buildbot", "url": "/buildbot-auth/"})
json.dump(config, open(path, "w"), indent=2)
PY

say "nginx: dist/ + /buildbot/, /buildbot-auth/, /codearts/ and /servicestage/ proxies"
BUILDBOT_MORE="auth=127.0.0.1:$BB_AUTH_PORT" bash scripts/serve.sh dist "127.0.0.1:$PORT" "127.0.0.1:$BB_WWW_PORT" "$DEMO_DIR/nginx" "http://127.0.0.1:$SIM_PORT" &
NGINX_PID=$!
sleep 1
kill -0 "$NGINX_PID" 2>/dev/null || { echo "nginx did not start; see $DEMO_DIR/nginx/error.log"; exit 1; }

cat <<MSG

  buildscope is running:  http://127.0.0.1:$PORT/
  Buildbot's own UI:      http://127.0.0.1:$BB_WWW_PORT/
  Buildbot with auth:     "Secure Buildbot" in the app (admin/admin-pass controls, viewer/viewer-pass reads)
  Huawei simulator:       http://127.0.0.1:$SIM_PORT/  (CodeArts Build + ServiceStage, see sim/README.md)

  Builds keep arriving for a few minutes (biglog, long-running). Press Ctrl-C to stop everything.
MSG
wait "$NGINX_PID"
