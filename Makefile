# Immigration Integrity — developer entry points. Each target installs what it needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: run test bench lint install clean

$(STAMP): pyproject.toml
	$(PY) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## PySpark (and Debian's Java) for the Spark engine's test in local mode; a failed download leaves
## that one test skipped with its reason, not the suite red.
SPARK_STAMP := $(VENV)/.spark
$(SPARK_STAMP): $(STAMP)
	@command -v java >/dev/null || echo "note: no Java runtime (apt-get install default-jre-headless): the Spark test will be skipped"
	$(BIN)/python -m pip install --quiet -e '.[spark]' && touch $(SPARK_STAMP) \
		|| echo "note: PySpark could not be installed: the Spark engine's test will be skipped"

## The main job on embedded defaults: the demo office, audited, with a readable report.
run: $(STAMP)
	$(BIN)/iiu run-demo --out $(OUT)

## The whole suite: lint, types, tests.
test: $(STAMP) $(SPARK_STAMP) lint
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src/iiu/law src/iiu/engine

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
