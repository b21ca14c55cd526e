# 心育 Qualify — the two commands first: `make run` and `make test`.
CARGO ?= cargo
BIN := target/debug/qualify
WEB := web
# npm ci writes this file; it is newer than the lockfile once node_modules match it.
WEB_DEPS := $(WEB)/node_modules/.package-lock.json
CHROMIUM := /usr/bin/chromium

.PHONY: run test spec spec-check lint fmt build clean-data bench fuzz web web-test

## Build the web app and the server, migrate the embedded SQLite database, load the demo data
## and serve the API and the app.
run: web
	$(CARGO) build -p server
	$(BIN) migrate
	$(BIN) seed --demo --history
	@echo ""
	@echo "  心育 Qualify is starting on http://$${QUALIFY_BIND:-127.0.0.1:8080}"
	@echo "  API docs:    http://$${QUALIFY_BIND:-127.0.0.1:8080}/docs/"
	@echo "  Demo logins (password demo1234): admin (州), county.admin (恩施市), trainer, hr, teacher (班主任)"
	@echo ""
	$(BIN) serve

## Every test: unit tests of each crate and the end-to-end tests against a real server
## (SQLite; PostgreSQL too when TEST_DATABASE_URL is set), then the web app's checks.
test: web spec-check
	$(CARGO) test --workspace
	$(MAKE) web-test

## The web app: install from the lockfile, generate the API client from api-spec/openapi.json,
## build web/dist (hashed assets with .gz and .br siblings, the service worker).
web: $(WEB_DEPS)
	cd $(WEB) && npm run gen && npm run build

$(WEB_DEPS): $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund

## The web app's type check (against the spec), unit tests, first-load size check, and the
## teacher's journey in Chromium against a fresh server (SQLite; PostgreSQL too when
## TEST_DATABASE_URL is set).
web-test: web $(CHROMIUM)
	cd $(WEB) && npm run check && npm run test:unit && npm run size
	test -x $(BIN) || $(CARGO) build -p server
	cd $(WEB) && QUALIFY_BIN=$(CURDIR)/$(BIN) WEB_E2E_DATABASE=sqlite npm run test:e2e
	if [ -n "$$TEST_DATABASE_URL" ]; then \
	  cd $(WEB) && QUALIFY_BIN=$(CURDIR)/$(BIN) WEB_E2E_DATABASE=postgres npm run test:e2e; fi

# A fresh machine (CI's) has no browser: Debian's Chromium drives the browser tests.
$(CHROMIUM):
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

## Regenerate the committed OpenAPI document from the code (then the web app's client).
spec:
	$(CARGO) run -q -p server -- openapi > api-spec/openapi.json
	if [ -d $(WEB)/node_modules ]; then cd $(WEB) && npm run gen; fi

SPEC_VENV := target/spec-venv
## The committed OpenAPI document against the OpenAPI 3.1 schema, by a validator nobody here
## wrote (openapi-spec-validator; a test checks it is fresh, operationIds unique, $refs resolve).
spec-check:
	@if ! cmp -s api-spec/check-requirements.txt $(SPEC_VENV)/requirements.txt; then \
	  rm -rf $(SPEC_VENV) && python3 -m venv $(SPEC_VENV) && \
	  $(SPEC_VENV)/bin/pip install -q -r api-spec/check-requirements.txt && \
	  cp api-spec/check-requirements.txt $(SPEC_VENV)/requirements.txt; fi
	$(SPEC_VENV)/bin/openapi-spec-validator api-spec/openapi.json

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## Remove the local development database and secret.
clean-data:
	rm -rf data

## Load-test the release server on prefecture-scale data (SQLite, and PostgreSQL when
## BENCH_DATABASE_URL or TEST_DATABASE_URL is set), then Lighthouse on the teachers' app (bench/lighthouse.py);
## writes docs/PERFORMANCE.md and docs/perf/latest.json. With PostgreSQL, then the province
## (600,000 teachers; HR search and the report on the primary and on a streaming replica, about
## 20 minutes more) into docs/perf/province.json.
bench:
	python3 bench/run.py
	if [ -n "$$BENCH_DATABASE_URL$$TEST_DATABASE_URL" ]; then python3 bench/run.py province; fi

## Fuzz every API operation against api-spec/openapi.json with schemathesis, once per demo role.
fuzz:
	bash fuzz/run.sh
