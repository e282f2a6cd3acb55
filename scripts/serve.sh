#!/usr/bin/env bash
# serve.sh DIST LISTEN BUILDBOT RUNDIR: runs nginx in the foreground with the production recipe
# (deploy/nginx.conf.template): static dist/ plus the same-origin /buildbot/ proxy.
set -euo pipefail
source "$(dirname "$0")/env.sh"
DIST=$(realpath "$1"); LISTEN=$2; BUILDBOT=$3; RUNDIR=$(realpath -m "$4")
mkdir -p "$RUNDIR"
sed -e "s#@DIST@#$DIST#g" -e "s#@LISTEN@#$LISTEN#g" -e "s#@BUILDBOT@#$BUILDBOT#g" -e "s#@RUNDIR@#$RUNDIR#g" \
    "$ROOT/deploy/nginx.conf.template" > "$RUNDIR/nginx.conf"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
"$NGINX" -t -q -c "$RUNDIR/nginx.conf" -p "$RUNDIR" -e "$RUNDIR/error.log"
exec "$NGINX" -c "$RUNDIR/nginx.conf" -p "$RUNDIR" -e "$RUNDIR/error.log"
