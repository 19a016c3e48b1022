# Build and test the knowledge base. Only Python 3 is needed: the first run makes .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# sphinx-build without the interpreter's teardown at exit (see the script).
SPHINXBUILD := $(BIN)/python tools/sphinx_build.py
SPHINXOPTS ?=
# One job per core: kiji writes pages in as many worker processes as jobs (kiji/sphinx/fast.py).
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
SOURCEDIR := docs
BUILDDIR := _build
HOST ?= 127.0.0.1
PORT ?= 8000
N ?= 1000
PYTEST_ARGS ?=
LINTOPTS ?=
IMPORTOPTS ?=

.PHONY: help html strict clean test bench venv livehtml post lint import

help:
	@echo "make html     build the site into $(BUILDDIR)/html"
	@echo "make strict   build with warnings as errors"
	@echo "make test     run the whole test suite"
	@echo "make bench    run the build benchmarks (N=$(N) posts)"
	@echo "make clean    remove build output"
	@echo "make livehtml live preview on http://$(HOST):$(PORT)/ (HOST=, PORT= to change)"
	@echo 'make post     TITLE="..." [TAGS="a b"] [CATEGORY=...]: a new post in $(SOURCEDIR)/posts'
	@echo "make lint     content checks over every post (JSON in $(BUILDDIR)/lint.json)"
	@echo "make import   SRC=path/to/_posts: copy a Jekyll blog's posts into $(SOURCEDIR)/posts"

# The virtual environment is remade when a requirements file or pyproject.toml is newer than its
# stamp. The kiji package (_ext/kiji) is installed editable: conf.py and the tests import it and
# the `kiji` command is on $(BIN), with no PYTHONPATH or sys.path edits.
$(VENV)/.stamp: requirements.txt requirements-test.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

venv: $(VENV)/.stamp

html: $(VENV)/.stamp
	$(SPHINXBUILD) -b html -j $(JOBS) -d $(BUILDDIR)/doctrees -c . $(SOURCEDIR) $(BUILDDIR)/html $(SPHINXOPTS)

strict: $(VENV)/.stamp
	$(SPHINXBUILD) -b html -j $(JOBS) -d $(BUILDDIR)/doctrees -W --keep-going -c . $(SOURCEDIR) $(BUILDDIR)/html $(SPHINXOPTS)

test: $(VENV)/.stamp
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.stamp
	$(BIN)/python benchmarks/run.py --posts $(N)

clean:
	rm -rf $(BUILDDIR)

livehtml: $(VENV)/.stamp
	SPHINXAUTOBUILD="$(BIN)/sphinx-autobuild" HOST="$(HOST)" PORT="$(PORT)" \
	SOURCEDIR="$(SOURCEDIR)" OUTDIR="$(BUILDDIR)/livehtml" \
	sh tools/livehtml.sh -j $(JOBS) $(SPHINXOPTS)

post: $(VENV)/.stamp
	@test -n "$$TITLE" || { echo 'usage: make post TITLE="..." [TAGS="a b"]' \
	  '[CATEGORY=...] [AUTHOR=...] [DRAFT=1]' >&2; exit 2; }
	@$(BIN)/kiji new --dir "$(SOURCEDIR)/posts" \
	  --title "$$TITLE" --tags "$$TAGS" --category "$$CATEGORY" --author "$$AUTHOR" \
	  $(if $(filter 1 yes true,$(DRAFT)),--draft)

lint: $(VENV)/.stamp
	$(BIN)/kiji lint --source "$(SOURCEDIR)" \
	  --json "$(BUILDDIR)/lint.json" $(LINTOPTS)

import: $(VENV)/.stamp
	@test -n "$(SRC)" || { echo "usage: make import SRC=path/to/_posts [IMPORTOPTS=--dry-run|--force|--drafts]"; exit 2; }
	$(BIN)/kiji import "$(SRC)" --dest $(SOURCEDIR)/posts $(IMPORTOPTS)
