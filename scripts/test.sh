#!/usr/bin/env bash
# The one test command (`make test`): installs what is missing, then runs every layer and ends
# with "N passed, N failed". Layers: format + clippy, native `cargo test`, wasm-bindgen-test in
# headless Chromium, and Playwright end-to-end against the release build served by nginx with a
# real Buildbot master (started in a temporary directory, builds forced through its REST API).
#
# Knobs for repeating part of it (the full run is the contract; these are for chasing flakes):
#   LAYERS="lint native wasm e2e"   the layers to run (default: all)
#   E2E_ARGS="..."                  extra Playwright arguments, e.g. the log viewer's specs ten
#                                   times: LAYERS=e2e E2E_ARGS="-g 'log\.spec|storm\.spec|fault matrix: log' --repeat-each=10"
set -uo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

# A port another process already listens on would make the tests talk to that process (a
# second `make test`, a demo): a busy default is replaced by a free port, a busy port that was
# asked for is an error.
port_busy() { python3 -c 'import socket,sys; s=socket.socket(); s.settimeout(0.5); sys.exit(0 if s.connect_ex(("127.0.0.1",int(sys.argv[1])))==0 else 1)' "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Two runs starting together would both find a default free and race to bind it (seen: one
# run's nginx lost 18080 and its specs talked to the other run's servers), so a default port is
# also claimed with a lock held for the whole run.
claim_port() { # VAR ASKED DEFAULT NAME
    local p fd
    if [ -n "$2" ]; then
        port_busy "$2" && { echo "$4 port $2 is already in use" >&2; echo "0 passed, 1 failed" >&2; exit 1; }
        p=$2
    else
        p=$3
        exec {fd}>"/tmp/buildscope-port-$p.lock"
        if ! flock -n "$fd" || port_busy "$p"; then
            p=$(free_port); echo "note: $4 port $3 is in use; using $p" >&2
        fi
    fi
    printf -v "$1" %s "$p"
}
claim_port BB_WWW_PORT "${E2E_BB_PORT:-}" 18010 "Buildbot www"
claim_port BB_PB_PORT "${E2E_BB_PB_PORT:-}" 19989 "Buildbot PB"
claim_port WEB_PORT "${E2E_WEB_PORT:-}" 18080 "nginx"
claim_port SIM_PORT "${E2E_SIM_PORT:-}" 18090 "simulator"
claim_port BB_AUTH_PORT "${E2E_BB_AUTH_PORT:-}" 18011 "Buildbot www (auth)"
claim_port BB_AUTH_PB_PORT "${E2E_BB_AUTH_PB_PORT:-}" 19990 "Buildbot PB (auth)"
# The simulator checks X-Auth-Token: nginx injects it for CodeArts ("auth": "proxy"), the user
# types it for ServiceStage ("auth": "token"); e2e/config.json says which.
export SIM_TOKEN=${SIM_TOKEN:-e2e-sim-token}
export BB_WWW_PORT BB_PB_PORT
WORK=$(mktemp -d /tmp/buildscope-test.XXXXXX)
LOGS=$WORK/logs; mkdir -p "$LOGS"
NGINX_PID=""; SIM_PID=""
cleanup() {
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null
    bash harness/buildbot/bb.sh stop "$WORK/bb" >/dev/null 2>&1
    bash harness/buildbot/bb.sh stop "$WORK/bb-auth" >/dev/null 2>&1
    wait 2>/dev/null
    [ "${KEEP_TEST_DIR:-}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LAYERS=${LAYERS:-lint native wasm e2e}
layer() { [[ " $LAYERS " == *" $1 "* ]]; }

PASSED=0; FAILED=0; BROKEN=()
count_cargo() { # LOG LAYER: adds the "test result:" lines of a cargo test log
    local p f
    p=$(grep -Eo '^test result: [a-zA-Z]+\. [0-9]+ passed' "$1" | awk '{s+=$4} END {print s+0}')
    f=$(grep -Eo '; [0-9]+ failed' "$1" | awk '{s+=$2} END {print s+0}')
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
    echo "$2: $p passed, $f failed"
}
layer_failed() { BROKEN+=("$1"); }

# Start the real master now so its builds run while the code compiles.
say "Buildbot master (temporary, ports $BB_WWW_PORT/$BB_PB_PORT) + forced builds"
( bash harness/buildbot/bb.sh start "$WORK/bb" && bash harness/buildbot/bb.sh trigger "$WORK/bb" ) \
    > "$LOGS/buildbot.log" 2>&1 &
BB_SETUP_PID=$!
# The same master with auth + authz (harness/buildbot/master.cfg, BB_AUTH=1), for auth.spec:
# no forced builds, the specs make theirs as its admin.
BB_AUTH=1 BB_WWW_PORT=$BB_AUTH_PORT BB_PB_PORT=$BB_AUTH_PB_PORT \
    bash harness/buildbot/bb.sh start "$WORK/bb-auth" > "$LOGS/buildbot-auth.log" 2>&1 &
BB_AUTH_PID=$!

if layer lint; then
say "cargo fmt --check, clippy -D warnings (native and wasm32)"
# The fuzz crate (fuzz/, its own workspace, nightly) is only format-checked here: rustfmt needs
# no build. `make fuzz` builds and runs it.
if cargo fmt --all --check && rustfmt --check --edition 2021 fuzz/src/lib.rs fuzz/fuzz_targets/*.rs &&
   cargo clippy --workspace --all-targets --locked -q -- -D warnings &&
   cargo clippy --target wasm32-unknown-unknown --all-targets --locked -q -- -D warnings; then
    PASSED=$((PASSED + 1)); echo "lint: 1 passed, 0 failed"
else
    FAILED=$((FAILED + 1)); layer_failed lint
fi
fi

if layer native; then
say "native: cargo test (core logic and the Huawei simulator)"
cargo test --workspace --locked 2>&1 | tee "$LOGS/native.log"
[ "${PIPESTATUS[0]}" = 0 ] || layer_failed native
count_cargo "$LOGS/native.log" native
fi

if layer wasm; then
say "browser: wasm-bindgen-test in headless Chromium"
cargo test --locked --target wasm32-unknown-unknown -p buildscope 2>&1 | tee "$LOGS/wasm.log"
[ "${PIPESTATUS[0]}" = 0 ] || layer_failed wasm
count_cargo "$LOGS/wasm.log" wasm
fi

if layer e2e; then
say "release build: trunk build --release"
rm -rf dist
with_build_lock trunk build --release --locked=true > "$LOGS/trunk.log" 2>&1
TRUNK_RC=$?
tail -n 3 "$LOGS/trunk.log"
if [ "$TRUNK_RC" = 0 ] && [ -f dist/index.html ]; then
    say "e2e: Huawei simulator on 127.0.0.1:$SIM_PORT"
    build_sim_to "$WORK/buildscope-sim"
    "$WORK/buildscope-sim" --listen "127.0.0.1:$SIM_PORT" --stage-seconds 2 \
        --xss-vectors harness/xss-vectors.json > "$LOGS/sim.log" 2>&1 &
    SIM_PID=$!
    # The e2e suite's sources: the shipped config plus auth modes to exercise.
    cp e2e/config.json dist/config.json
    say "e2e: nginx on 127.0.0.1:$WEB_PORT -> dist/, /buildbot/ -> :$BB_WWW_PORT, /buildbot-auth/ -> :$BB_AUTH_PORT, /codearts/ + /servicestage/ -> :$SIM_PORT"
    BUILDBOT_MORE="auth=127.0.0.1:$BB_AUTH_PORT" CODEARTS_PROXY_TOKEN=$SIM_TOKEN bash scripts/serve.sh dist "127.0.0.1:$WEB_PORT" "127.0.0.1:$BB_WWW_PORT" "$WORK/nginx" \
        "http://127.0.0.1:$SIM_PORT" > "$LOGS/nginx.log" 2>&1 &
    NGINX_PID=$!
    if ! wait "$BB_SETUP_PID"; then
        cat "$LOGS/buildbot.log"; layer_failed buildbot
    fi
    if ! wait "$BB_AUTH_PID"; then
        cat "$LOGS/buildbot-auth.log"; layer_failed "buildbot (auth)"
    fi
    bash harness/buildbot/bb.sh wait "$WORK/bb" 2>&1 | tail -n 12
    # The 200k-line log and the harness's own long-running build take longest; specs read the
    # first and queue builds behind the second. A full run is past them by now; an e2e-only
    # run (LAYERS=e2e) would start before they finish.
    bash harness/buildbot/bb.sh wait "$WORK/bb" biglog long-running 2>&1 | tail -n 3
    export E2E_BASE_URL="http://127.0.0.1:$WEB_PORT" BB_API="http://127.0.0.1:$BB_WWW_PORT/api/v2"
    export BB_AUTH_API="http://127.0.0.1:$BB_AUTH_PORT/api/v2"
    # The auth master's directory: a spec shuts its worker down and starts it again (bb.sh start).
    export BB_AUTH_DIR="$WORK/bb-auth"
    export SIM_URL="http://127.0.0.1:$SIM_PORT"
    export FAULT_MATRIX_OUT="$LOGS/fault-matrix.txt"
    eval "E2E_EXTRA=(${E2E_ARGS:-})"
    PLAYWRIGHT_JSON_OUTPUT_NAME="$LOGS/e2e.json" npx playwright test -c e2e/playwright.config.mjs --reporter=list,json "${E2E_EXTRA[@]}"
    if [ $? != 0 ]; then
        layer_failed e2e
        # What the servers said, so a failure on a machine nobody can log into can be read.
        say "e2e failed: server state"
        curl -s -o /dev/null -w "Buildbot API: HTTP %{http_code} in %{time_total}s\n" -m 10 "$BB_API/builders" ||
            echo "Buildbot API: no answer on $BB_API"
        bash harness/buildbot/bb.sh status "$WORK/bb" 2>&1 | tail -n 4
        echo "-- master twistd.log (last 30 lines)"; tail -n 30 "$WORK/bb/master/twistd.log" 2>/dev/null | cut -c1-300
        echo "-- nginx error.log (last 10 lines)"; tail -n 10 "$WORK/nginx/error.log" 2>/dev/null | cut -c1-300
    fi
    read -r p f < <(node -e 'try { const s = require(process.argv[1]).stats; console.log(s.expected + s.flaky, s.unexpected) } catch (e) { console.log(0, 1) }' "$LOGS/e2e.json")
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
    echo "e2e: $p passed, $f failed"
else
    FAILED=$((FAILED + 1)); layer_failed "release build"
fi
fi

[ -f "$LOGS/fault-matrix.txt" ] && cat "$LOGS/fault-matrix.txt"
echo
if [ ${#BROKEN[@]} -ne 0 ]; then
    echo "failing layers: ${BROKEN[*]} (logs: $LOGS; KEEP_TEST_DIR=1 keeps them)"
    # A layer that broke before counting its tests still counts as a failure.
    [ "$FAILED" -gt 0 ] || FAILED=${#BROKEN[@]}
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
