# The two commands of the README: `make demo` runs the dashboard, `make test` runs every test.
.PHONY: demo test setup build clean

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

setup:
	bash scripts/setup.sh

build:
	bash -c 'source scripts/env.sh && trunk build --release'

clean:
	rm -rf dist
