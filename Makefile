# The two commands of the README: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
CLUSTER := $(VENV)/.cluster-$(shell cksum pyproject.toml | cut -d' ' -f1)
JAX     := $(VENV)/.jax-$(shell cksum pyproject.toml | cut -d' ' -f1)
TORCH   := $(VENV)/.torch-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test test-torch system-deps zoo bench lint

# pip keeps no wheel cache (--no-cache-dir): TensorFlow, JAX and Ray would otherwise sit on disk twice, and one CI
# run (stop 35) ran out of disk while installing.

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --no-cache-dir --upgrade pip
	$(PY) -m pip install -q --no-cache-dir -e ".[test]"
	touch $@

# The tests also run the job runner on Ray (the optional extra `cluster`); `make run` stays without it.
$(CLUSTER): $(STAMP)
	$(PY) -m pip install -q --no-cache-dir -e ".[test,cluster]"
	touch $@

# The backend_smoke subset runs again on JAX (the extra `jax`), with TensorFlow hidden as on a JAX-only GPU server.
$(JAX): $(STAMP)
	$(PY) -m pip install -q --no-cache-dir -e ".[test,jax]"
	touch $@

# The backend_smoke subset on PyTorch too (the extra `torch`), TensorFlow hidden; not part of `make test`: PyTorch is
# another 0.9 GB to install.
$(TORCH): $(STAMP)
	$(PY) -m pip install -q --no-cache-dir -e ".[test,torch]"
	touch $@

# Debian's Chromium (for Playwright; its headless shell for the load test's many browsers), Fashion-MNIST and the
# fortunes (English text), when we are root and they are missing.
system-deps:
	@if [ "$$(id -u)" = 0 ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromium-headless-shell ] || \
		[ ! -d /usr/share/datasets/fashion-mnist ] || [ ! -f /usr/share/games/fortunes/science ]; }; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
		chromium-headless-shell dataset-fashion-mnist fortunes >/dev/null; \
	fi

run: $(STAMP)
	$(PY) -m streamlit run app/main.py --server.port $(PORT)

test: $(STAMP) $(CLUSTER) $(JAX) system-deps
	$(PY) -m ruff check .
	$(PY) -m pytest -n 2 --dist loadfile -m "not serial"
	$(PY) -m pytest -m serial
	ANNDL_HIDE_TENSORFLOW=1 KERAS_BACKEND=jax $(PY) -m pytest -m backend_smoke -q

test-torch: $(TORCH)
	ANNDL_HIDE_TENSORFLOW=1 KERAS_BACKEND=torch $(PY) -m pytest -m backend_smoke -q

zoo: $(STAMP)
	$(PY) -m anndl.zoo build all

lint: $(STAMP)
	$(PY) -m ruff check .

bench: $(STAMP)
	$(PY) -m anndl.bench all --quick
