#!/usr/bin/env bash
# `make fuzz`: runs every libFuzzer target in fuzz/ for FUZZ_SECONDS (default 20) each and prints
# a table of target, runs executed and crashes. Not part of `make test` (needs nightly).
#   FUZZ_SECONDS=60 make fuzz            longer runs
#   FUZZ_TARGETS="ansi loggroups" ...    a subset
#   FUZZ_SEED=7 ...                      libFuzzer's random seed (default 1, printed)
# A crash leaves its input in fuzz/artifacts/<target>/; replay it with
#   cargo +nightly fuzz run --fuzz-dir fuzz <target> fuzz/artifacts/<target>/crash-...
set -uo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
FUZZ_SEED=${FUZZ_SEED:-1}
# Instrumented (ASan + coverage) builds must not share a target dir with the normal ones.
export CARGO_TARGET_DIR="$BUILDSCOPE_CACHE/fuzz-target"

rustup toolchain list | grep -q '^nightly' || {
    echo "make fuzz needs the nightly toolchain (rustup toolchain install nightly)"; exit 1; }
# libfuzzer-sys compiles libFuzzer's C++ sources.
if ! command -v c++ >/dev/null; then
    say "apt: installing g++ (libFuzzer is C++)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq g++ >/dev/null || exit 1
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    say "cargo install cargo-fuzz (crates.io)"
    CARGO_TARGET_DIR="$BUILDSCOPE_CACHE/install-target" cargo +nightly install cargo-fuzz --locked || exit 1
fi

say "seed corpora from tests/fixtures and fuzz/seeds"
python3 fuzz/prepare_corpus.py || exit 1
say "cargo fuzz build (nightly, AddressSanitizer, debug assertions)"
cargo +nightly fuzz build --fuzz-dir fuzz || exit 1

TARGETS=${FUZZ_TARGETS:-$(cargo +nightly fuzz list --fuzz-dir fuzz)}
LOGS=$(mktemp -d /tmp/buildscope-fuzz.XXXXXX)
ROWS=(); TOTAL_CRASHES=0
for t in $TARGETS; do
    say "fuzz $t for ${FUZZ_SECONDS}s (seed $FUZZ_SEED)"
    mkdir -p "fuzz/artifacts/$t"
    before=$(ls "fuzz/artifacts/$t" | wc -l)
    # Line parsers: whole 10 kB log windows make each run slow without reaching more code;
    # 1 kB inputs run ~5x more often (JSON decoders keep their seeds' full size).
    case $t in ansi | loggroups | timeparse) extra=(-max_len=1024) ;; *) extra=() ;; esac
    # -rss_limit_mb: the default 2 GB is more than a shared 2-core box should give one target.
    cargo +nightly fuzz run --fuzz-dir fuzz "$t" -- \
        -max_total_time="$FUZZ_SECONDS" -seed="$FUZZ_SEED" -rss_limit_mb=1024 "${extra[@]}" \
        -print_final_stats=1 > "$LOGS/$t.log" 2>&1
    rc=$?
    runs=$(grep -Eo 'stat::number_of_executed_units: [0-9]+' "$LOGS/$t.log" | awk '{print $2}' | tail -n 1)
    crashes=$(( $(ls "fuzz/artifacts/$t" | wc -l) - before ))
    # A failure that left no artifact (build or harness problem) still counts.
    [ "$rc" != 0 ] && [ "$crashes" = 0 ] && crashes=1
    [ "$crashes" != 0 ] && grep -E "panicked|ERROR: |Test unit written" "$LOGS/$t.log" | head -n 4
    ROWS+=("$(printf '%-18s %12s %8s' "$t" "${runs:-?}" "$crashes")")
    TOTAL_CRASHES=$((TOTAL_CRASHES + crashes))
done

echo
printf '%-18s %12s %8s\n' target runs crashes
printf '%s\n' "${ROWS[@]}"
echo "fuzzed ${FUZZ_SECONDS}s per target, seed $FUZZ_SEED; logs in $LOGS"
[ "$TOTAL_CRASHES" = 0 ]
