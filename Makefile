# The two commands of the README: `make demo` runs the dashboard, `make test` runs every test.
.PHONY: demo test setup build bench soak clean fuzz

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

# Log viewer vs Buildbot's own UI on a 1M-line log (not part of `make test`).
bench:
	bash scripts/bench.sh

# Not part of `make test`: libFuzzer over every decoder and log parser (nightly; FUZZ_SECONDS).
fuzz:
	bash scripts/fuzz.sh

# Follow a log growing at 2,500 lines/s for 10 minutes; memory and frame figures.
soak:
	bash scripts/soak.sh

setup:
	bash scripts/setup.sh

# Like demo and test, installs what is missing first (trunk, wasm-opt 132...): a fresh clone
# builds without `make setup`.
build:
	bash scripts/setup.sh && bash -c 'source scripts/env.sh && with_build_lock trunk build --release --locked=true'

clean:
	rm -rf dist
