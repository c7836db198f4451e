# Two commands matter: `make serve` (set up and serve the site for editors)
# and `make test` (set up and run the whole test suite, as CI does).
PYTHON ?= python3
export NO_MKDOCS_2_WARNING := 1
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM := /usr/bin/chromium
# The site generator `make build` runs: mkdocs (the default) or zensical
# (`make build GENERATOR=zensical`; README "Building with Zensical").
GENERATOR ?= mkdocs
BUILD_mkdocs := $(BIN)/mkdocs build --strict
# Zensical runs no hooks: the citations extension's strict mode stops it on a claim
# error, and --clean keeps its cache from serving a page built before a source changed.
BUILD_zensical := CLAIMCHECK_STRICT=true $(BIN)/zensical build --clean --strict

.PHONY: setup serve build test check browser lock bench linkcheck-external clean

$(STAMP): requirements-lock.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-lock.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

setup: $(STAMP)

serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: setup
	$(if $(BUILD_$(GENERATOR)),$(BUILD_$(GENERATOR)),$(error GENERATOR must be mkdocs or zensical, not "$(GENERATOR)"))

check: setup
	$(BIN)/claimcheck

browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; \
	fi

# pytest exits 5 when it collected no test: that is a failure here.
test: setup browser
	$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; \
	exit $$rc

lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -r requirements.txt
	{ echo "# Full pinned tree, from pip freeze after installing requirements.txt into a fresh venv."; \
	  echo "# Regenerate with make lock."; .venv-lock/bin/pip freeze --all | grep -v "^pip=="; } > requirements-lock.txt
	rm -rf .venv-lock

bench: setup
	$(BIN)/python benchmarks/run.py

# Opt-in: checks external links (DOIs, guideline pages). Needs the internet; never run in CI.
linkcheck-external: build
	$(BIN)/python -m claimcheck.external_links site

clean:
	rm -rf site .cache .venv .pytest_cache
