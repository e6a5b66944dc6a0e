# Two entry points (see README): `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export XLT_DATA ?= $(abspath ../shared/data)

.PHONY: install demo test lint bench postgres apertium

$(BIN)/xlt: pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch is pinned to the local CPU wheel; any other spec pulls a CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/xlt

install: $(BIN)/xlt

demo: install
	$(BIN)/xlt demo

test: install postgres apertium
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest --run-slow

lint: install
	$(BIN)/ruff check src tests bench

bench: install
	$(BIN)/python bench/train_speed.py
	$(BIN)/python bench/tagging_speed.py
	# predict_speed measures the demo run's saved model: train it first if it is not there
	test -f runs/demo-emoji-groups/model/config.json || $(BIN)/xlt demo
	$(BIN)/python bench/predict_speed.py

# tests/tune starts a throw-away PostgreSQL server (Debian's postgresql package): install it where missing
# (as root; otherwise say how, and that test skips).
postgres:
	@command -v pg_ctl >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } || \
	  echo "PostgreSQL server not installed: apt-get install -y postgresql (the shared-study test skips without it)"

# Apertium MT (Debian packages; needs root): the translate-test/translate-train examples use eng<->spa, and
# one translator test runs the real program. Installed where missing (as root); otherwise say how.
APERTIUM_PACKAGES := apertium apertium-eng-spa apertium-eng-cat apertium-spa-cat apertium-fr-es
apertium:
	@dpkg -s $(APERTIUM_PACKAGES) >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APERTIUM_PACKAGES); } || \
	  echo "Apertium not installed: apt-get install -y $(APERTIUM_PACKAGES) (the real-apertium test skips without it)"
