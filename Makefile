# ecosim: two commands on a fresh machine.
#   make demo   set up .venv and run the baseline scenario
#   make test   set up .venv (with test tools) and run the test suite
#   make dashboard  serve the browser dashboard (solara run app.py, http://localhost:8765)
# Python 3.12+ is needed; .python-version makes pyenv's python3 resolve to 3.12 here.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test test-fast setup clean dashboard chromium slurm

# --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set (CI, containers) nothing else
# writes .pyc files, and every command would compile Mesa and pandas from source again
# (2.3 s instead of 0.8 s to import Mesa on the project machine).
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "ecosim needs Python 3.12+, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	UV_PYTHON_DOWNLOADS=never $(BIN)/uv pip install --quiet --compile-bytecode \
		--python $(BIN)/python -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/ecosim run scenarios/baseline.toml --out runs/baseline

dashboard: $(STAMP)
	$(BIN)/solara run app.py

# The browser tests drive Debian's Chromium (never `playwright install`, which downloads a
# browser). Without it they skip, saying why; installing can fail without root.
chromium:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -qq && \
		$(SUDO) apt-get install -y -qq chromium) || \
		echo "chromium could not be installed: the browser tests will be skipped"

# The Slurm tests run sweeps and calibrations on a single-node Slurm (Debian's slurm-wlm and
# munge, started by .ci/slurm-up). Without it they skip, saying why.
slurm:
	@.ci/slurm-up >/dev/null || echo "slurm could not be started: the Slurm tests will be skipped"

# loadfile keeps each test file on one worker, so the browser tests share one server and
# one browser (about 20 s slower than spreading tests one by one).
# -v names each test as it finishes, with the share done; the slowest tests and the seconds
# per file are listed at the end.
test: $(STAMP) chromium slurm
	$(BIN)/python -m pytest -n 2 --dist loadfile -v --durations=15

# Every test module, without the tests marked slow (docking, the lesson's seeds, most
# browser and Slurm tests): a few minutes.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -v -m "not slow" --durations=10

clean:
	rm -rf $(VENV) runs .pytest_cache
