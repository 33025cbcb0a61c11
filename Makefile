PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev,cli]'
	$(BIN)/pip check
	$(BIN)/python -m chatbot.build
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/oms local

test: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m tests.bench

lint: $(STAMP)
	$(BIN)/pytest tests/test_template.py

clean:
	rm -rf $(VENV) bench-results.json .pytest_cache chatbot/nlu/model.bin chatbot/dialogue/domain.json
