# Shared environment for buildscope's scripts (sourced, not run).
# Tools and compiled dependencies live outside the clone so repeated runs are warm.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export BUILDSCOPE_CACHE=${BUILDSCOPE_CACHE:-$HOME/.cache/buildscope}
# One target directory per checkout, outside it (so later runs of the same clone are warm).
# Never one shared by two checkouts: cargo hashes a workspace's own crates by their path
# *relative to the workspace*, so two clones share fingerprints and outputs, and a clone whose
# sources are older than the other clone's last build is taken as up to date and handed the
# other clone's program (seen: a `make test` served another clone's older wasm).
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
    CARGO_TARGET_DIR="$BUILDSCOPE_CACHE/target/$(printf %s "$ROOT" | sha256sum | cut -c1-12)"
fi
export CARGO_TARGET_DIR
# npm's binaryen (wasm-opt 132) must come before any Debian wasm-opt 108, which breaks the wasm.
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

TRUNK_VERSION=0.21.14 # newest trunk that builds with rustc 1.95 (0.22 needs 1.96.1)

say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

# Runs a command holding the target directory's build lock: two commands of one checkout (a
# `make demo` beside a `make test`) must not rebuild a binary's final file (buildscope.wasm,
# buildscope-sim) between the other's build and its use of that file.
with_build_lock() {
    mkdir -p "$CARGO_TARGET_DIR"
    ( flock 9 && "$@" ) 9>"$CARGO_TARGET_DIR/.buildscope-build.lock"
}

# Builds the simulator and copies it to $1, under the build lock (see with_build_lock).
build_sim_to() {
    with_build_lock bash -c 'cargo build --release --locked -q -p buildscope-sim &&
        cp "$CARGO_TARGET_DIR/release/buildscope-sim" "$0"' "$1"
}

# A release build copied to dist-bench/ (gitignored) for the bench and soak servers, so their
# config.json does not touch dist/. nginx workers must be able to read it: it stays in the
# clone, not under ~/.cache.
release_dist_copy() {
    with_build_lock trunk build --release --locked=true >/dev/null &&
        rm -rf "$ROOT/dist-bench" && cp -r "$ROOT/dist" "$ROOT/dist-bench"
}
