# Build and test the knowledge base. Only Python 3 is needed: the first run makes .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SPHINXBUILD := $(BIN)/sphinx-build
SPHINXOPTS ?=
JOBS ?= auto
SOURCEDIR := docs
BUILDDIR := _build
HOST ?= 127.0.0.1
PORT ?= 8000
N ?= 1000
PYTEST_ARGS ?=

.PHONY: help html strict clean test bench venv

help:
	@echo "make html     build the site into $(BUILDDIR)/html"
	@echo "make strict   build with warnings as errors"
	@echo "make test     run the whole test suite"
	@echo "make bench    run the build benchmarks (N=$(N) posts)"
	@echo "make clean    remove build output"

# The virtual environment is remade when a requirements file is newer than its stamp.
$(VENV)/.stamp: requirements.txt requirements-test.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	@touch $@

venv: $(VENV)/.stamp

html: $(VENV)/.stamp
	$(SPHINXBUILD) -b html -j $(JOBS) -c . $(SOURCEDIR) $(BUILDDIR)/html $(SPHINXOPTS)

strict: $(VENV)/.stamp
	$(SPHINXBUILD) -b html -j $(JOBS) -W --keep-going -c . $(SOURCEDIR) $(BUILDDIR)/html $(SPHINXOPTS)

test: $(VENV)/.stamp
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.stamp
	$(BIN)/python benchmarks/run.py --posts $(N)

clean:
	rm -rf $(BUILDDIR)
