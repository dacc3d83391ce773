# The two commands that matter: `make demo` and `make test` (see README.md). Both install what is
# missing first, so they work on a fresh Debian machine.
.PHONY: setup build demo test bench fuzz lint format clean

BIN := build/release/bin/squeaky

setup:
	@bash scripts/setup.sh

build: setup
	@cmake --preset release >/dev/null
	@cmake --build --preset release

demo: build
	@$(BIN) demo demo

test: setup
	@bash scripts/test.sh

bench: build
	@bash bench/run.sh

fuzz: setup
	@bash scripts/fuzz.sh

lint: setup
	@bash scripts/lint.sh

format:
	@clang-format -i $$(git ls-files 'src/*.h' 'src/*.cc' 'bench/*.cc' 'fuzz/*.cc')

clean:
	rm -rf build
