# make install   virtual environment, pinned Python packages and the Neo4j jars
# make demo      start the local Neo4j, load MovieLens with cast and crew, serve the API
# make test      every test; the tests start and stop Neo4j servers of their own
# make stop      stop the local Neo4j that `make demo` started
# make bench     latency, loading, throughput and growth benchmarks, each in a Neo4j of its own (about 50 minutes)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DATA_DIR ?= ../shared/data
MOVIELENS_DIR ?= $(DATA_DIR)/ml-latest-small
CREDITS_FILE ?= $(DATA_DIR)/movielens-cast-director/movies.csv
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install demo test stop bench

install: $(VENV)/.installed neo4j/lib/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	# Only to check our split and metrics against it; its own pins (pandas<3) are not needed for that.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps recommenders==1.2.1
	touch $@

neo4j/lib/.installed: neo4j/pom.xml
	rm -rf neo4j/lib
	mvn --batch-mode --quiet -f neo4j/pom.xml dependency:copy-dependencies -DoutputDirectory=$(CURDIR)/neo4j/lib
	touch $@

# The API key for writes: GRAPH_REC_API_KEY if set, else one made once and kept in var/api-key.
API_KEY_FILE := var/api-key
API_KEY = $${GRAPH_REC_API_KEY:-$$(cat $(API_KEY_FILE))}

$(API_KEY_FILE):
	mkdir -p $(dir $@)
	umask 077 && $(PY) -c "import secrets; print(secrets.token_hex(16))" > $@

demo: install $(API_KEY_FILE)
	$(PY) -m graph_rec neo4j start > /dev/null
	$(PY) -m graph_rec load --movielens $(MOVIELENS_DIR) --credits $(CREDITS_FILE)
	$(PY) -m graph_rec precompute
	@echo
	@echo "Serving on http://$(HOST):$(PORT). Try, from another terminal:"
	@echo "  curl 'http://$(HOST):$(PORT)/users/1/recommendations?k=10&strategy=hybrid'"
	@echo "  curl 'http://$(HOST):$(PORT)/movies/6/similar?k=5'"
	@echo "  curl -X PUT -H \"Authorization: Bearer $(API_KEY)\" -H 'Content-Type: application/json' -d '{\"rating\": 4.5}' http://$(HOST):$(PORT)/users/1/ratings/2"
	@echo "Stop with Ctrl-C, then 'make stop' to stop Neo4j."
	@echo
	GRAPH_REC_API_KEY=$(API_KEY) $(PY) -m graph_rec serve --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest

stop:
	$(PY) -m graph_rec neo4j stop

# Sizes of the growth benchmark; BENCH_SIZES=100k,1m gives a run of a few minutes.
BENCH_SIZES ?= 100k,1m,10m

bench: install
	$(PY) -m benchmarks.latency --data-dir $(DATA_DIR)
	$(PY) -m benchmarks.loading --data-dir $(DATA_DIR) --sizes small
	$(PY) -m benchmarks.throughput --data-dir $(DATA_DIR) --clients 1,8,32
	$(PY) -m benchmarks.scale --sizes $(BENCH_SIZES)
