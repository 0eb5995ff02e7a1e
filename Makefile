# invgraph — the two commands that matter: `make demo` and `make test`.
# Needs Python 3.11+ (3.13 preferred and picked when installed), Java 17 or 21 (a JDK: javac compiles the
# Neo4j launcher) and Maven. The first `make setup` downloads about 120 MB of Neo4j jars from Maven Central
# into ~/.cache/invgraph (or $INVGRAPH_CACHE_DIR); later runs take a second or two.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Python 3.13 when the machine has it (scripts/pick-python.sh), else python3; `make setup PYTHON3=…` overrides.
PYTHON3 ?= $(shell scripts/pick-python.sh)
export PYTHON3
VENV := .venv
PY := $(VENV)/bin/python
INVGRAPH := $(VENV)/bin/invgraph
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# Test workers (pytest-xdist, one per core up to 4, whole files per worker so module fixtures load once, in
# collection order so the slow acceptance files start first instead of ending the run). Each worker starts its
# own embedded Neo4j. A NEO4J_URI from outside is one graph every test wipes, so it means one
# process. TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= $(if $(NEO4J_URI),0,auto)

.PHONY: help setup check-tools setup-test-deps test demo bench lint clean

help:
	@echo "make setup          create .venv (Python 3.13 if installed), install invgraph[dev,gcp] with uv, the console JavaScript with npm ci, fetch + compile the embedded Neo4j (idempotent)"
	@echo "make demo           embedded Neo4j + API on http://127.0.0.1:8000 + 3-day sample loading behind it (Ctrl-C stops all)"
	@echo "make test           lint, then the full test suite against a real Neo4j; JUnit XML in test-output/junit.xml"
	@echo "make bench          run every bench/bench_*.py"
	@echo "make lint           ruff check, ruff format --check, dead code (vulture: scripts/deadcode.py)"
	@echo "make clean          remove .venv, test-output and .cache (stops the demo Neo4j first)"

# One line naming everything that is missing, instead of a failure half-way through setup.
check-tools:
	@missing=(); \
	command -v $(PYTHON3) >/dev/null 2>&1 || missing+=("$(PYTHON3) (Python 3.11+)"); \
	if command -v $(PYTHON3) >/dev/null 2>&1 && ! $(PYTHON3) -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
		missing+=("Python 3.11+ ($(PYTHON3) is $$($(PYTHON3) -c 'import platform; print(platform.python_version())'))"); fi; \
	command -v java >/dev/null 2>&1 || [ -x "$${JAVA_HOME:-/nonexistent}/bin/java" ] || missing+=("java (OpenJDK 17 or 21: apt-get install openjdk-17-jdk)"); \
	command -v mvn >/dev/null 2>&1 || missing+=("mvn (Maven: apt-get install maven)"); \
	command -v npm >/dev/null 2>&1 || missing+=("npm (Node.js 18+: apt-get install npm; installs the dashboard console's JavaScript)"); \
	if [ $${#missing[@]} -gt 0 ]; then \
		msg=$$(printf '%s; ' "$${missing[@]}"); echo "error: missing required tools: $${msg%; }" >&2; exit 1; fi

# scripts/setup.sh: interpreter choice, .venv, uv, packages pinned by constraints.txt (re-installed only when
# pyproject.toml or constraints.txt changed), then the embedded Neo4j; each step prints its time.
# constraints.txt pins every transitive version we test with: installs are reproducible and fast.
$(STAMP): pyproject.toml constraints.txt | check-tools
	@scripts/setup.sh packages

setup: check-tools
	@scripts/setup.sh

# The test suite needs two system packages: headless Chromium (browser tests) and PostgreSQL's server
# binaries (the application-database tests start a throw-away PostgreSQL, tests/postgres_server.py).
# Installed here when we are root and apt exists; otherwise fail with the command to run, because
# `make test` must have what the tests need.
setup-test-deps:
	@need=(); command -v chromium >/dev/null 2>&1 || need+=(chromium); \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ -n "$${INVGRAPH_PG_BINDIR:-}" ] || need+=(postgresql); \
	if [ $${#need[@]} -eq 0 ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing $${need[*]} for the test suite (apt-get)"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends "$${need[@]}" >/dev/null \
			|| { echo "error: apt-get install $${need[*]} failed; the test suite needs it" >&2; exit 1; }; \
	else \
		echo "error: $${need[*]} missing and cannot be installed here (need root and apt-get); the test suite needs it: sudo apt-get install $${need[*]}" >&2; \
		exit 1; \
	fi

# Lint first (a minute at most), then the suite; it starts its own embedded Neo4j (tests/conftest.py), or
# uses NEO4J_URI when set. Any non-zero pytest exit fails the target, including 5 ("no tests collected").
test: setup setup-test-deps lint
	@mkdir -p test-output
	@rc=0; $(PY) -m pytest -q -p no:cacheprovider --timeout=900 \
		-n $(TEST_WORKERS) --maxprocesses=4 --dist loadfile --no-loadscope-reorder --junitxml=test-output/junit.xml $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; fi; \
	exit $$rc

# DEMO_T0: the demo's clock starts before setup, so the times it prints include the install.
demo:
	@export DEMO_T0=$$(date +%s.%N); $(MAKE) --no-print-directory setup && scripts/demo.sh

bench: setup
	@shopt -s nullglob; benches=(bench/bench_*.py); failed=(); \
	if [ $${#benches[@]} -eq 0 ]; then echo "no bench/bench_*.py yet"; exit 0; fi; \
	for b in "$${benches[@]}"; do \
		echo "== $$b"; $(PY) "$$b" || failed+=("$$b"); \
	done; \
	if [ $${#failed[@]} -gt 0 ]; then echo "error: failed: $${failed[*]}" >&2; exit 1; fi

# All three checks run and each reports; the target fails if any of them found something.
lint: $(STAMP)
	@rc=0; \
	$(VENV)/bin/ruff check . || rc=1; \
	$(VENV)/bin/ruff format --check . || rc=1; \
	$(PY) scripts/deadcode.py || rc=1; \
	exit $$rc

clean:
	@if [ -x $(INVGRAPH) ] && [ -d .cache/demo-neo4j ]; then $(INVGRAPH) neo4j stop --data-dir .cache/demo-neo4j; fi
	rm -rf $(VENV) test-output .cache
