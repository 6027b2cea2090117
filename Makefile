# Two entry points that bootstrap themselves: `make plan` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The package's files (modules, templates, the example's spec and stacks): the editable
# install is a strict link tree of exactly these, so a new or removed file reinstalls.
PACKAGE_FILES := $(shell find . \( -path ./.venv -o -path ./.git -o -path ./tests -o -path ./bench -o -path ./.ci \
                   -o -path ./build -o -path ./dist -o -name __pycache__ \) -prune -o -type f \
                   \( -name '*.py' -o -name '*.j2' -o -name '*.html' -o -name '*.json' -o -name '*.yaml' \) -print \
                   | LC_ALL=C sort)
STAMP  := $(VENV)/.installed-$(shell { cat pyproject.toml; echo $(PACKAGE_FILES); } | cksum | cut -d' ' -f1)

.PHONY: plan test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' --config-settings editable_mode=strict
	rm -f $(VENV)/.installed-*; touch $@

# The bundled example (this folder is its project): offline, no cloud, no credentials.
plan: $(STAMP)
	$(BIN)/tricolor -C $(CURDIR) plan

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy spec components stacks rollout drift policies previews cli

bench: $(STAMP)
	$(BIN)/python bench/startup.py

clean:
	rm -rf $(VENV) build dist
