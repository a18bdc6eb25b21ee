# Each target does its own set-up: a fresh machine needs only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test typecheck console serve bench clean

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) (first run only)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)  ## serve when Slack is configured, otherwise the console
	@$(BIN)/meetbot start

# pytest-xdist: one test process per core, at most 4; `make test PYTEST_WORKERS=` runs them in one.
PYTEST_WORKERS ?= --numprocesses auto --maxprocesses 4

test: $(STAMP)  ## the import contracts (pyproject.toml), then every test
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/python -m pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

typecheck: $(STAMP)
	$(BIN)/python -m mypy

console: $(STAMP)
	@$(BIN)/meetbot console

serve: $(STAMP)
	@$(BIN)/meetbot serve

bench: $(STAMP)
	$(BIN)/python benchmarks/ack_latency.py

clean:
	rm -rf $(VENV) .pytest_cache
