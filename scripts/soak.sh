#!/usr/bin/env bash
# `make soak` (not part of `make test`): the log viewer follows a log growing at 2,500 lines/s
# for SOAK_MINUTES (default 10) and prints memory and frame figures every 30 s. The log is the
# simulator's synthetic Buildbot-compatible growing log (a real master stores ~3,300 lines/s
# at most, so it cannot feed this rate for 10 minutes alongside anything else).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
WEB_PORT=${SOAK_WEB_PORT:-28280}
SIM_PORT=${SOAK_SIM_PORT:-28290}
RUN=$(mktemp -d /tmp/buildscope-soak.XXXXXX)
bash scripts/setup.sh
NGINX_PID=""; SIM_PID=""
cleanup() {
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null
    wait 2>/dev/null || true
    rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "release build, simulator and nginx on 127.0.0.1:$WEB_PORT"
release_dist_copy
DIST="$ROOT/dist-bench"
cat > "$DIST/config.json" <<'JSON'
{
  "title": "buildscope (soak)",
  "sources": [
    { "id": "synthetic", "kind": "buildbot", "name": "Synthetic growing log (simulator)", "url": "/servicestage/synthetic-buildbot/" }
  ]
}
JSON
build_sim_to "$RUN/buildscope-sim"
"$RUN/buildscope-sim" --listen "127.0.0.1:$SIM_PORT" > "$RUN/sim.log" 2>&1 &
SIM_PID=$!
# No Buildbot here: the /buildbot/ proxy points at a closed port.
bash scripts/serve.sh "$DIST" "127.0.0.1:$WEB_PORT" "127.0.0.1:9" "$RUN/nginx" "http://127.0.0.1:$SIM_PORT" \
    > "$RUN/nginx.log" 2>&1 &
NGINX_PID=$!
sleep 1

say "following the growing log for ${SOAK_MINUTES:-10} minutes"
BS_URL="http://127.0.0.1:$WEB_PORT" node e2e/bench/soak.mjs
