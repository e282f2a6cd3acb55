#!/usr/bin/env bash
# serve.sh DIST LISTEN BUILDBOT RUNDIR [HUAWEI] (env BUILDBOT_MORE, below): runs nginx in the foreground with the production
# recipe (deploy/nginx.conf.template): static dist/ plus same-origin proxies to Buildbot
# (host:port) and to the Huawei APIs (an origin URL; the tests use the local simulator).
set -euo pipefail
source "$(dirname "$0")/env.sh"
DIST=$(realpath "$1"); LISTEN=$2; BUILDBOT=$3; RUNDIR=$(realpath -m "$4"); HUAWEI=${5:-http://127.0.0.1:18090}
mkdir -p "$RUNDIR"
# Proxy-injected auth for CodeArts (config "auth": "proxy"): the token stays on the server.
AUTH_LINE=""
if [ -n "${CODEARTS_PROXY_TOKEN:-}" ]; then
    AUTH_LINE="proxy_set_header X-Auth-Token \"$CODEARTS_PROXY_TOKEN\";"
fi
# Precompressed brotli when Debian's module is there (setup installs it), else gzip only.
BROTLI_SO=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so
BROTLI_MODULE=""; BROTLI_STATIC=""
if [ -f "$BROTLI_SO" ]; then
    BROTLI_MODULE="load_module $BROTLI_SO;"; BROTLI_STATIC="brotli_static on;"
fi
sed -e "s#@BROTLI_MODULE@#$BROTLI_MODULE#g" -e "s#@BROTLI_STATIC@#$BROTLI_STATIC#g" -e "s#@DIST@#$DIST#g" -e "s#@LISTEN@#$LISTEN#g" -e "s#@BUILDBOT@#$BUILDBOT#g" -e "s#@RUNDIR@#$RUNDIR#g" \
    -e "s#@CODEARTS@#$HUAWEI#g" -e "s#@SERVICESTAGE@#$HUAWEI#g" -e "s#@CODEARTS_AUTH@#$AUTH_LINE#g" \
    "$ROOT/deploy/nginx.conf.template" > "$RUNDIR/nginx.conf"
# BUILDBOT_MORE="NAME=host:port ...": one more master each, under /buildbot-NAME/, with the
# same proxy block as /buildbot/ (the tests' master with auth).
for more in ${BUILDBOT_MORE:-}; do
    name=${more%%=*}; upstream=${more#*=}
    [[ $name =~ ^[a-z0-9]+$ ]] || { echo "serve.sh: bad BUILDBOT_MORE name: $name" >&2; exit 2; }
    awk -v name="$name" -v up="$upstream" '
        /^        location \/buildbot\/ \{/ { grab = 1; block = "" }
        grab { block = block $0 "\n" }
        { print }
        grab && /^        \}/ {
            grab = 0
            gsub("/buildbot/", "/buildbot-" name "/", block)
            sub("proxy_pass http://[^;]*;", "proxy_pass http://" up "/;", block)
            printf "%s", block
        }' "$RUNDIR/nginx.conf" > "$RUNDIR/nginx.conf.more" && mv "$RUNDIR/nginx.conf.more" "$RUNDIR/nginx.conf"
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
"$NGINX" -t -q -c "$RUNDIR/nginx.conf" -p "$RUNDIR" -e "$RUNDIR/error.log"
exec "$NGINX" -c "$RUNDIR/nginx.conf" -p "$RUNDIR" -e "$RUNDIR/error.log"
