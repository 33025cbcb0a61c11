PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test bench soak fuzz lint clean

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
	$(BIN)/pip install --quiet -e '.[dev,cli,bench]'
	$(BIN)/python -m tests.bench

# 2,000 orders on the local stack with AWS faults on; its figures join bench-results.json.
soak: $(STAMP)
	$(BIN)/python -m tests.soak --orders 2000 --record

# The API contract fuzzed harder than `make test` does; its figures join bench-results.json.
fuzz: $(STAMP)
	OMS_FUZZ_EXAMPLES=20 OMS_FUZZ_RECORD=1 $(BIN)/pytest tests/e2e/test_fuzz.py

lint: $(STAMP)
	$(BIN)/pytest tests/test_template.py

clean:
	rm -rf $(VENV) bench-results.json .pytest_cache chatbot/nlu/model.bin chatbot/dialogue/domain.json
