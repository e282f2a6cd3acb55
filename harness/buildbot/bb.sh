#!/usr/bin/env bash
# buildscope's Buildbot test/demo harness: a real Buildbot 4.3 master plus one
# local worker, loopback only, driven through the REST API.
#
# usage: bb.sh install
#        bb.sh start   DIR     create master+worker under DIR if missing, start them, wait for the worker
#        bb.sh trigger DIR     force one build of every builder, then cancel cancelled-build via the API
#        bb.sh wait    DIR [builder...]   wait until the latest build of each builder is complete
#                              (default: all builders except long-running and biglog)
#        bb.sh stop    DIR     stop worker and master (no error if not running)
#        bb.sh status  DIR     processes, API, worker and latest build of each builder (exit 3 if not running)
#
# Environment:
#   BUILDSCOPE_CACHE  venv lives in $BUILDSCOPE_CACHE/bb-venv (default ~/.cache/buildscope)
#   BB_WWW_PORT       www / REST API port (default 8010; `start` saves it in DIR/ports.env)
#   BB_PB_PORT        worker PB port (default 9989; saved likewise)
#   BB_AUTH           1: the master has auth + authz (master.cfg: nothing readable without
#                     signing in; admin controls, viewer reads); saved likewise. The harness
#                     itself then talks to the API as admin, with the session cookie in DIR.
#   LONG_DURATION     seconds the long-running build ticks (trigger; default 120)
#   BIGLOG_LINES      lines the biglog build prints (trigger; default 200000)
#   WAIT_TIMEOUT      seconds `wait` waits at most (default 300)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BB_VERSION=4.3.0
VENV=${BUILDSCOPE_CACHE:-$HOME/.cache/buildscope}/bb-venv
ALL_BUILDERS=(linux-build lint-warnings unit-tests-failing exception-builder kitchen-sink
              long-running cancelled-build biglog grouped-log xss-corpus test-report queue-demo)
WAIT_DEFAULT=(linux-build lint-warnings unit-tests-failing exception-builder kitchen-sink
              cancelled-build grouped-log xss-corpus test-report queue-demo)
OWNER="buildscope harness <harness@example.invalid>"
XSS_VECTORS=$HERE/../xss-vectors.json # shared with the Huawei simulator (sim --xss-vectors)

log() { printf '[bb %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ----------------------------------------------------------------- JSON / HTTP
# jget EXPR: evaluate a Python expression over the JSON document on stdin (as d)
jget() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval("(" + sys.argv[1] + ")"))' "$1"; }

# With BB_AUTH=1 every API call carries admin's session cookie, taken from Buildbot's own
# sign-in (auth/login with HTTP Basic credentials) the first time it is needed.
session_args() {
    [ "${BB_AUTH:-0}" = 1 ] || return 0
    local jar=$DIR/admin.cookies
    if [ ! -s "$jar" ]; then
        # A 302 with the session cookie when the master took the credentials.
        if ! curl -sS --fail --noproxy '*' --max-time 20 -u admin:admin-pass -c "$jar" -o /dev/null \
            "http://127.0.0.1:$BB_WWW_PORT/auth/login" 2>/dev/null || ! grep -q TWISTED_SESSION "$jar"; then
            rm -f "$jar"
            return 1
        fi
    fi
    printf '%s\n' -b "$jar"
}

api_get() { # PATH (relative to /api/v2/)
    local session
    session=$(session_args) || return 1
    # shellcheck disable=SC2086 # word-split on purpose: "-b JAR" or nothing
    curl -sS --fail --noproxy '*' --max-time 20 $session -H 'Accept: application/json' "$API/$1"
}

api_rpc() { # PATH JSON-RPC-BODY
    local session
    session=$(session_args) || return 1
    # shellcheck disable=SC2086
    curl -sS --fail-with-body --noproxy '*' --max-time 30 -X POST $session \
        -H 'Content-Type: application/json' -H 'Accept: application/json' -d "$2" "$API/$1"
}

# --------------------------------------------------------------------- paths
set_dir() { # DIR: sets DIR MASTER WORKER API and the ports:
    # env > DIR/ports.env > defaults, except that a running master keeps its saved ports
    [ -n "${1:-}" ] || die "missing DIR argument (see: $0 help)"
    DIR=$(realpath -m "$1")
    MASTER=$DIR/master
    WORKER=$DIR/worker
    if [ -f "$DIR/ports.env" ]; then
        SAVED_WWW=$(sed -n 's/^BB_WWW_PORT=//p' "$DIR/ports.env")
        SAVED_PB=$(sed -n 's/^BB_PB_PORT=//p' "$DIR/ports.env")
        SAVED_AUTH=$(sed -n 's/^BB_AUTH=//p' "$DIR/ports.env")
    fi
    if [ -n "${SAVED_WWW:-}" ] && live_pid "$MASTER" >/dev/null; then
        # a running master keeps the ports it was started with
        if [ "${BB_WWW_PORT:-$SAVED_WWW}" != "$SAVED_WWW" ] || [ "${BB_PB_PORT:-$SAVED_PB}" != "$SAVED_PB" ]; then
            log "warning: master in $DIR is running with BB_WWW_PORT=$SAVED_WWW BB_PB_PORT=$SAVED_PB; using those"
        fi
        BB_WWW_PORT=$SAVED_WWW BB_PB_PORT=$SAVED_PB
    fi
    BB_WWW_PORT=${BB_WWW_PORT:-${SAVED_WWW:-8010}}
    BB_PB_PORT=${BB_PB_PORT:-${SAVED_PB:-9989}}
    BB_AUTH=${BB_AUTH:-${SAVED_AUTH:-0}}
    API=http://127.0.0.1:$BB_WWW_PORT/api/v2
}

# live_pid BASEDIR: print the pid from BASEDIR/twistd.pid if it is a running buildbot process
live_pid() {
    local pid
    [ -f "$1/twistd.pid" ] || return 1
    pid=$(cat "$1/twistd.pid")
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q buildbot || return 1
    echo "$pid"
}

# minimal environment: the worker copies its environment into every stdio log header
clean_env() {
    env -i HOME="$DIR" PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin" LANG=C.UTF-8 \
        BB_WWW_PORT="$BB_WWW_PORT" BB_PB_PORT="$BB_PB_PORT" BB_AUTH="$BB_AUTH" "$@"
}

# ------------------------------------------------------------------- install
installed() {
    [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - "$BB_VERSION" <<'EOF'
import sys
from importlib import metadata
try:
    ok = all(metadata.version(p) == sys.argv[1] for p in ("buildbot", "buildbot-worker", "buildbot-www"))
except metadata.PackageNotFoundError:
    ok = False
sys.exit(0 if ok else 1)
EOF
}

cmd_install() {
    if installed; then
        log "buildbot $BB_VERSION already installed in $VENV"
        return 0
    fi
    [ -x "$VENV/bin/python" ] || { log "creating venv $VENV"; python3 -m venv "$VENV"; }
    log "pip installing buildbot $BB_VERSION into $VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check \
        "buildbot==$BB_VERSION" "buildbot-worker==$BB_VERSION" "buildbot-www==$BB_VERSION"
    installed || die "buildbot $BB_VERSION not importable from $VENV after pip install"
}

# --------------------------------------------------------------------- start
create() {
    mkdir -p "$DIR"
    if [ ! -f "$MASTER/buildbot.tac" ]; then
        log "creating master in $MASTER"
        "$VENV/bin/buildbot" create-master -r --db "sqlite:///state.sqlite" "$MASTER" >"$DIR/create-master.log"
    fi
    if [ ! -f "$WORKER/buildbot.tac" ]; then
        log "creating worker in $WORKER"
        "$VENV/bin/buildbot-worker" create-worker -r "$WORKER" "127.0.0.1:$BB_PB_PORT" local-worker local-pass \
            >"$DIR/create-worker.log"
        echo "$OWNER" >"$WORKER/info/admin"
        echo "buildscope harness worker on 127.0.0.1" >"$WORKER/info/host"
    fi
}

wait_worker() { # bounded: 60 s
    local i
    for i in $(seq 1 120); do
        if api_get workers 2>/dev/null |
            jget 'any(w["name"] == "local-worker" and w["connected_to"] for w in d["workers"])' 2>/dev/null |
            grep -qx True; then
            return 0
        fi
        sleep 0.5
    done
    return 1
}

cmd_start() {
    local t0=$SECONDS pid
    installed || cmd_install
    create
    if pid=$(live_pid "$MASTER"); then
        log "master already running (pid $pid)"
        if ! cmp -s "$HERE/master.cfg" "$MASTER/master.cfg" || ! cmp -s "$XSS_VECTORS" "$MASTER/xss-vectors.json"; then
            log "warning: $HERE/master.cfg differs from the running config; run stop + start to apply it"
        fi
    else
        cp "$HERE/master.cfg" "$MASTER/master.cfg"
        cp "$XSS_VECTORS" "$MASTER/xss-vectors.json"
        printf 'BB_WWW_PORT=%s\nBB_PB_PORT=%s\nBB_AUTH=%s\n' "$BB_WWW_PORT" "$BB_PB_PORT" "$BB_AUTH" >"$DIR/ports.env"
        rm -f "$DIR/admin.cookies"
        log "starting master (www 127.0.0.1:$BB_WWW_PORT, pb 127.0.0.1:$BB_PB_PORT)"
        (cd "$MASTER" && clean_env "$VENV/bin/buildbot" start "$MASTER") >"$DIR/master-start.log" 2>&1 || {
            tail -n 30 "$DIR/master-start.log" "$MASTER/twistd.log" >&2 || true
            die "master failed to start"
        }
    fi
    if pid=$(live_pid "$WORKER"); then
        log "worker already running (pid $pid)"
    else
        # the PB port may have changed since create-worker
        sed -i "s/^port = .*/port = $BB_PB_PORT/" "$WORKER/buildbot.tac"
        log "starting worker"
        (cd "$WORKER" && clean_env "$VENV/bin/buildbot-worker" start "$WORKER") >"$DIR/worker-start.log" 2>&1 || {
            tail -n 30 "$DIR/worker-start.log" "$WORKER/twistd.log" >&2 || true
            die "worker failed to start"
        }
    fi
    wait_worker || die "worker not connected to $API within 60 s (see $MASTER/twistd.log, $WORKER/twistd.log)"
    log "ready after $((SECONDS - t0)) s"
    echo "$API"
}

# ------------------------------------------------------------------- trigger
cmd_trigger() {
    local long=${LONG_DURATION:-120} lines=${BIGLOG_LINES:-200000}
    local body resp bid brid buildid steps stepid= i state
    [[ $long =~ ^[0-9]+$ && $lines =~ ^[0-9]+$ ]] || die "LONG_DURATION and BIGLOG_LINES must be integers"
    body=$(python3 -c '
import json, sys
print(json.dumps({"jsonrpc": "2.0", "method": "force", "id": 1, "params": {
    "builderNames": sys.argv[4:], "reason": "buildscope harness run", "username": sys.argv[1],
    "duration": int(sys.argv[2]), "lines": int(sys.argv[3])}}))' "$OWNER" "$long" "$lines" "${ALL_BUILDERS[@]}")
    resp=$(api_rpc forceschedulers/force "$body") || die "force failed: $resp"
    # {"id":1,"jsonrpc":"2.0","result":[bsid,{"<builderid>":brid,...}]}
    log "forced buildset $(jget 'd["result"][0]' <<<"$resp") (long-running ${long}s, biglog $lines lines)"

    bid=$(api_get builders/cancelled-build | jget 'd["builders"][0]["builderid"]')
    brid=$(jget "d['result'][1]['$bid']" <<<"$resp")
    log "waiting for cancelled-build (buildrequest $brid) to start its step"
    buildid=
    for i in $(seq 1 240); do # bounded: 120 s
        if [ -z "$buildid" ]; then
            buildid=$(api_get "buildrequests/$brid/builds" | jget 'd["builds"][0]["buildid"] if d["builds"] else ""')
        fi
        if [ -n "$buildid" ]; then
            steps=$(api_get "builds/$buildid/steps")
            stepid=$(jget '([s["stepid"] for s in d["steps"] if s["number"] > 0
                              and s["started_at"] is not None and not s["complete"]] + [""])[0]' <<<"$steps")
            [ -n "$stepid" ] && break
        fi
        sleep 0.5
    done
    [ -n "$stepid" ] || die "cancelled-build did not start a step within 120 s"
    # let a few ticks reach the log (the worker flushes output every ~5 s) so
    # the cancelled step has something to show; bounded: 30 s
    for i in $(seq 1 60); do
        api_get "steps/$stepid/logs/stdio/contents" 2>/dev/null | jget '"\notick " in d["logchunks"][0]["content"]' 2>/dev/null |
            grep -qx True && break
        sleep 0.5
    done
    resp=$(api_rpc "builds/$buildid" \
        '{"jsonrpc":"2.0","method":"stop","id":2,"params":{"reason":"cancelled by harness"}}') ||
        die "stop failed: $resp"
    for i in $(seq 1 120); do # bounded: 60 s
        state=$(api_get "builds/$buildid" | jget 'd["builds"][0]["results"]')
        [ "$state" != None ] && break
        sleep 0.5
    done
    [ "$state" = 6 ] || die "cancelled-build build $buildid ended with results=$state, expected 6"
    log "stopped cancelled-build (buildid $buildid): results 6 (CANCELLED)"
    send_changes
}

# Five changes on main and one on release, as a VCS hook would send them (master.cfg builds
# each on its ON_CHANGE builders): the grid's columns.
send_changes() {
    local i branch
    for i in 1 2 3 4 5 6; do
        branch=main; [ "$i" = 6 ] && branch=release
        clean_env "$VENV/bin/buildbot" sendchange --master "127.0.0.1:$BB_PB_PORT" --auth change:changepw \
            --who "Dev $i <dev$i@example.invalid>" --branch "$branch" --revision "$(printf 'c0ffee%02d' "$i")a1b2c3d4e5f60718293a4b5c6d7e8f90" \
            --repository https://example.invalid/repo.git --project demo \
            --comments "Change $i: fix <b>things</b>" "src/file$i.c" >/dev/null ||
            die "sendchange $i failed"
    done
    log "sent 6 changes (5 on main, 1 on release)"
}

# ---------------------------------------------------------------------- wait
builder_ids() { # prints "name id" lines
    api_get 'builders?field=name&field=builderid' |
        jget '"\n".join("%s %s" % (b["name"], b["builderid"]) for b in d["builders"])'
}

cmd_wait() {
    local names=("$@") timeout=${WAIT_TIMEOUT:-300} t0=$SECONDS
    local -A ids=()
    local name id pending brs latest summary
    [ ${#names[@]} -gt 0 ] || names=("${WAIT_DEFAULT[@]}")
    while read -r name id; do ids[$name]=$id; done < <(builder_ids)
    for name in "${names[@]}"; do [ -n "${ids[$name]:-}" ] || die "unknown builder: $name"; done
    while :; do
        pending=()
        brs=$(api_get 'buildrequests?complete=false&field=builderid&field=complete')
        for name in "${names[@]}"; do
            id=${ids[$name]}
            if [ "$(jget "any(b['builderid'] == $id for b in d['buildrequests'])" <<<"$brs")" = True ] ||
                [ "$(api_get "builders/$id/builds?order=-number&limit=1" |
                    jget 'bool(d["builds"]) and d["builds"][0]["complete"]')" != True ]; then
                pending+=("$name")
            fi
        done
        [ ${#pending[@]} -eq 0 ] && break
        if [ $((SECONDS - t0)) -ge "$timeout" ]; then
            die "timeout after ${timeout}s; still running: ${pending[*]}"
        fi
        sleep 2
    done
    log "complete after $((SECONDS - t0)) s"
    for name in "${names[@]}"; do
        summary=$(api_get "builders/${ids[$name]}/builds?order=-number&limit=1" |
            jget '"#%(number)s results=%(results)s %(state_string)s" % d["builds"][0]')
        printf '%-20s %s\n' "$name" "$summary"
    done
}

# ---------------------------------------------------------------------- stop
stop_one() { # BASEDIR LABEL
    local pid i
    if ! pid=$(live_pid "$1"); then
        log "$2 not running"
        rm -f "$1/twistd.pid"
        return 0
    fi
    log "stopping $2 (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 60); do # bounded: 30 s, then SIGKILL
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$2 still alive after 30 s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$1/twistd.pid"
}

cmd_stop() {
    stop_one "$WORKER" worker
    stop_one "$MASTER" master
}

# -------------------------------------------------------------------- status
cmd_status() {
    local running=0 pid name id
    local -A ids=()
    for d in "$MASTER:master" "$WORKER:worker"; do
        if pid=$(live_pid "${d%%:*}"); then
            echo "${d##*:}: running (pid $pid)"
        else
            echo "${d##*:}: stopped"
            running=3
        fi
    done
    if api_get workers >/dev/null 2>&1; then
        echo "api: $API"
        echo "worker connected: $(api_get workers |
            jget 'any(w["name"] == "local-worker" and w["connected_to"] for w in d["workers"])')"
        while read -r name id; do ids[$name]=$id; done < <(builder_ids)
        for name in "${ALL_BUILDERS[@]}"; do
            id=${ids[$name]:-}
            [ -n "$id" ] || { printf '%-20s %s\n' "$name" "missing"; continue; }
            printf '%-20s %s\n' "$name" "$(api_get "builders/$id/builds?order=-number&limit=1" |
                jget '"#%(number)s complete=%(complete)s results=%(results)s %(state_string)s" % d["builds"][0]
                      if d["builds"] else "no builds"')"
        done
    else
        echo "api: $API not answering"
    fi
    return $running
}

usage() { sed -n '5,11p' "$0" | sed 's/^# \{0,1\}//'; }

cmd=${1:-help}
[ $# -gt 0 ] && shift
case "$cmd" in
    install) cmd_install ;;
    start) set_dir "${1:-}"; cmd_start ;;
    trigger) set_dir "${1:-}"; cmd_trigger ;;
    wait) set_dir "${1:-}"; shift; cmd_wait "$@" ;;
    stop) set_dir "${1:-}"; cmd_stop ;;
    status) set_dir "${1:-}"; cmd_status ;;
    help | -h | --help) usage ;;
    *) usage >&2; exit 2 ;;
esac
