# Everything installs from nothing: `make test` and `make demo` on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .tools/sam
SAM := $(SAM_VENV)/bin/sam
PORT ?= 3000
TENANTS ?= infra/tenants.demo.json
STATE ?= .local/state
FRESH ?=
LOGS ?= file
REGION ?= eu-west-1
export AWS_ACCOUNT_ID_ENDPOINT_MODE := disabled

.PHONY: install test test-large lint unit integration e2e browser check-template serve demo bench build deploy clean

install: $(VENV)/.installed $(SAM_VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# SAM CLI pins its own boto3 and friends: it lives in a virtualenv of its own.
$(SAM_VENV)/.installed: requirements-sam.txt
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	touch $@

# Two worker processes (pytest-xdist), each test file on one of them, so a file's fixtures
# (its local stack, its browser) are set up once; TEST_WORKERS=0 runs in this process.
# The in-process layers and the local-stack layers run apart: a local stack started in a
# worker's process must not meet the moto of the tests after it.
# The in-process files go in the order tests/conftest.py collects them (the files of
# `long` tests first), not pytest-xdist's most-tests-first, which left a file of minutes
# running alone at the end.
TEST_WORKERS ?= 2
XDIST = -n $(TEST_WORKERS) --dist loadfile
test: install check-template lint
	$(PY) -m pytest -m "not large" $(XDIST) --no-loadscope-reorder tests/unit tests/integration
	$(PY) -m pytest -m "not large" $(XDIST) tests/e2e tests/browser

# The 1 000-signal household and the 50 000-row upload on a local stack of its own (minutes
# each): CI runs them after make test, the in-process and the local-stack layer apart as above.
test-large: $(VENV)/.installed
	$(PY) -m pytest -m large tests/unit tests/integration
	$(PY) -m pytest -m large tests/e2e tests/browser

# ruff over the repository; mypy over the layer (strict on domain/ and services/, pyproject.toml).
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy layers/common/vroegsignaal

unit: $(VENV)/.installed
	$(PY) -m pytest tests/unit

integration: $(VENV)/.installed
	$(PY) -m pytest tests/integration

e2e: $(VENV)/.installed
	$(PY) -m pytest tests/e2e

# Headless Chromium against the local stack (Debian's chromium and chromium-driver; .ci/run installs them).
browser: $(VENV)/.installed
	$(PY) -m pytest tests/browser

check-template: install
	$(VENV)/bin/cfn-lint template.yaml
	$(SAM) validate --lint --region $(REGION)

# The local stack keeps its state in $(STATE); FRESH=1 starts empty; LOGS=console shows the
# functions' logs. `exec`: Ctrl-C reaches the stack, which stops cleanly (exit 0).
serve: $(VENV)/.installed
	@exec $(PY) -m infra.local serve --port $(PORT) --tenants $(TENANTS) --state $(STATE) --logs $(LOGS) \
		$(if $(filter-out 0,$(FRESH)),--fresh)

# The demo starts from nothing and leaves its data in $(STATE) for `make serve` to open.
demo: $(VENV)/.installed
	@exec $(PY) -m infra.demo --state $(STATE)

bench: $(VENV)/.installed
	$(PY) -m bench

# sam build needs a python3.12 on PATH (architecture.md): take pyenv's when there is one.
build: $(SAM_VENV)/.installed
	PATH="$$(ls -d $$(pyenv root 2>/dev/null)/versions/3.12.*/bin 2>/dev/null | tail -n 1):$$PATH" $(SAM) build

# STACK: the stack_name of samconfig.toml. deploy-web uploads web/ and /config.json to the
# web app's bucket (stack output WebBucketName) with `aws s3 sync` (infra/deploy_web.py).
STACK ?= vroegsignaal
deploy: build
	$(SAM) deploy --guided
	$(MAKE) deploy-web

.PHONY: deploy-web
deploy-web: $(VENV)/.installed
	$(PY) -m infra.deploy_web --stack $(STACK) --region $(REGION)

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam

# A year of one municipality at 1k, 10k and 50k households over a store that keeps DynamoDB's paging and capacity rules.
.PHONY: bench-scale
bench-scale: $(VENV)/.installed
	$(PY) -m bench.scale
