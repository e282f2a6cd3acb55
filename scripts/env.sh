# Shared environment for buildscope's scripts (sourced, not run).
# Tools and compiled dependencies live outside the clone so repeated runs are warm.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export BUILDSCOPE_CACHE=${BUILDSCOPE_CACHE:-$HOME/.cache/buildscope}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$BUILDSCOPE_CACHE/target}
# npm's binaryen (wasm-opt 132) must come before any Debian wasm-opt 108, which breaks the wasm.
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

TRUNK_VERSION=0.21.14 # newest trunk that builds with rustc 1.95 (0.22 needs 1.96.1)

say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

# A release build copied to dist-bench/ (gitignored) for the bench and soak servers, so their
# config.json does not touch dist/. nginx workers must be able to read it: it stays in the
# clone, not under ~/.cache.
release_dist_copy() {
    trunk build --release --locked=true >/dev/null &&
        rm -rf "$ROOT/dist-bench" && cp -r "$ROOT/dist" "$ROOT/dist-bench"
}
