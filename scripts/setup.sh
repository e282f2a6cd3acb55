#!/usr/bin/env bash
# Installs whatever buildscope needs and is missing; every step is skipped when the right
# version is already there. Only package registries are used (apt, crates.io, npm, PyPI).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
# Serves the build's precompressed .br files (deploy/nginx.conf.template).
[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || need_apt+=(libnginx-mod-http-brotli-static)
python3 -c 'import venv, ensurepip' 2>/dev/null || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
    say "apt: installing ${need_apt[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
    # Debian enables a system nginx on install; buildscope runs its own on loopback.
    $SUDO systemctl disable --now nginx >/dev/null 2>&1 || $SUDO service nginx stop >/dev/null 2>&1 || true
fi

rustup target list --installed | grep -qx wasm32-unknown-unknown || {
    say "rustup: adding wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
}

if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
    say "cargo install trunk $TRUNK_VERSION (LTO off: ~8 min on 2 cores instead of ~12)"
    CARGO_TARGET_DIR="$BUILDSCOPE_CACHE/install-target" CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        cargo install trunk --locked --version "$TRUNK_VERSION"
fi

WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WB_VERSION" ] ||
   [ "$(wasm-bindgen-test-runner --version 2>/dev/null || true)" != "wasm-bindgen-test-runner $WB_VERSION" ]; then
    # Without --locked: its lockfile pins a webpki-roots release the registry no longer has.
    say "cargo install wasm-bindgen-cli $WB_VERSION"
    CARGO_TARGET_DIR="$BUILDSCOPE_CACHE/install-target" cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.buildscope-lock 2>/dev/null || true)" != "$lock_sum" ]; then
    say "npm ci (binaryen wasm-opt 132, Playwright; no browser download)"
    # --prefer-offline: a warm npm cache needs no network at all.
    npm ci --prefer-offline --no-audit --no-fund --loglevel=error
    echo "$lock_sum" > node_modules/.buildscope-lock
fi

bash harness/buildbot/bb.sh install
cargo fetch --locked -q 2>/dev/null || cargo fetch --locked --offline -q
