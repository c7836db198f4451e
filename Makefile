# Two commands matter: `make serve` (set up and serve the site for editors)
# and `make test` (set up and run the whole test suite, as CI does).
PYTHON ?= python3
export NO_MKDOCS_2_WARNING := 1
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM := /usr/bin/chromium
# `make serve PORT=8001` when 8000 is taken.
PORT ?= 8000
# The site generator `make build` runs: mkdocs (the default) or zensical
# (`make build GENERATOR=zensical`; README "Building with Zensical").
GENERATOR ?= mkdocs
BUILD_mkdocs := $(BIN)/mkdocs build --strict
# Zensical runs no hooks: the citations extension's strict mode stops it on a claim
# error, and --clean keeps its cache from serving a page built before a source changed.
BUILD_zensical := CLAIMCHECK_STRICT=true $(BIN)/zensical build --clean --strict

.PHONY: setup serve build test lint check browser lock bench linkcheck-external clean

$(STAMP): requirements-lock.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-lock.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

setup: $(STAMP)

# A taken port is one line, not a traceback from the server.
serve: setup
	@case "$(PORT)" in ''|*[!0-9]*) echo "make serve: PORT=$(PORT) is not a port number: run e.g. make serve PORT=8001" >&2; exit 2;; esac; \
	if $(BIN)/python -c 'import socket, sys; sys.exit(socket.socket().connect_ex(("127.0.0.1", int(sys.argv[1]))) != 0)' $(PORT); then \
		echo "make serve: port $(PORT) on 127.0.0.1 is already in use (another server?): stop it, or run make serve PORT=$$(($(PORT) + 1))" >&2; exit 1; \
	fi
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:$(PORT)

# The checker runs first and stops the build on a claim error, so a site
# generator that skips the MkDocs hooks cannot publish an unchecked site.
build: check
	$(if $(BUILD_$(GENERATOR)),$(BUILD_$(GENERATOR)),$(error GENERATOR must be mkdocs or zensical, not "$(GENERATOR)"))

check: setup
	$(BIN)/claimcheck

browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; \
	fi

# Types and lint, as configured in pyproject.toml: both must report nothing.
lint: setup
	$(BIN)/ruff check hooks tests benchmarks
	$(BIN)/mypy

# pytest exits 5 when it collected no test: that is a failure here.
test: lint browser
	$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; \
	exit $$rc

lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -r requirements.txt
	{ echo "# Full pinned tree, from pip freeze after installing requirements.txt into a fresh venv."; \
	  echo "# Regenerate with make lock."; .venv-lock/bin/pip freeze --all | grep -v "^pip=="; } > requirements-lock.txt
	rm -rf .venv-lock

# Every figure of issue 19, scaling to 2,000 pages and 10,000 entries included (about 45 minutes).
bench: setup
	$(BIN)/python benchmarks/run.py --scaling

# Opt-in: checks external links (DOIs, guideline pages). Needs the internet; never run in CI.
linkcheck-external: build
	$(BIN)/python -m claimcheck.external_links site

clean:
	rm -rf site .cache .venv .pytest_cache
