# The project's two commands: `make site` and `make test`. Everything else is a helper of theirs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# pytest-xdist workers for `make test` (this machine has 2 cores). A test file stays in one worker
# (its module fixtures are made once), files handed out slowest first (tests/conftest.py).
TEST_WORKERS ?= 2

.PHONY: site test validate build serve chromium bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@$(PYTHON) -m venv $(VENV) || { echo "Cannot create a virtual environment: on Debian run 'apt-get install python3-venv'"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

## make site: set up, validate the catalog, build the site into site/ and serve it at http://127.0.0.1:8000
site: $(STAMP)
	$(BIN)/catalog validate
	$(BIN)/catalog build --out site
	$(BIN)/catalog serve --address 127.0.0.1:8000

## make test: set up and run every check: lint, types, the test suite (browser tests need Chromium)
test: $(STAMP) chromium
	$(BIN)/ruff check generator tests benchmarks tools
	$(BIN)/ruff format --check generator tests benchmarks tools
	# mypy (about 10 s with a cold cache, as on a fresh clone) runs beside the suite; its report is
	# printed after the suite's, and either one failing fails make test. The suite writes bytecode
	# even where PYTHONDONTWRITEBYTECODE is set: else each worker rewrites and compiles every test
	# module again (2.6 s of processor time a worker), and each command the tests start compiles
	# the package's modules that have no .pyc yet (all of them in a fresh clone).
	$(BIN)/mypy > $(VENV)/mypy.log 2>&1 & types=$$!; \
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder; tests=$$?; \
	wait $$types; typed=$$?; cat $(VENV)/mypy.log; \
	test $$tests -eq 0 && test $$typed -eq 0

# Debian's Chromium headless shell for the browser tests (the same engine as its chromium package,
# without the desktop browser: a third less processor time per page; tests/browser_support.py) and
# faketime for the build-on-another-day test: installed when missing and we may (root with apt-get);
# otherwise say how. Without the shell the browser tests run in Debian's chromium.
chromium:
	@need=""; \
	if [ -z "$$CHROMIUM" ] && ! command -v chromium-headless-shell >/dev/null 2>&1; then need="chromium-headless-shell"; fi; \
	if ! command -v faketime >/dev/null 2>&1; then need="$$need faketime"; fi; \
	if [ -z "$$need" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's $$need for the tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; \
	elif echo "$$need" | grep -q chromium; then \
	  if command -v chromium >/dev/null 2>&1; then \
	    echo "The browser tests run in Debian's chromium ('sudo apt-get install chromium-headless-shell': the same engine, faster)"; \
	  else \
	    echo "The browser tests need Chromium: run 'sudo apt-get install chromium-headless-shell faketime' (Debian) or set CHROMIUM=/path/to/chromium"; \
	    exit 1; \
	  fi; \
	fi

validate: $(STAMP)
	$(BIN)/catalog validate

build: $(STAMP)
	$(BIN)/catalog build --out site

serve: $(STAMP)
	$(BIN)/catalog serve

bench: $(STAMP)
	$(BIN)/python benchmarks/run

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
