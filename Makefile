# 心育 Qualify — the two commands first: `make run` and `make test`.
CARGO ?= cargo
BIN := target/debug/qualify

.PHONY: run test spec lint fmt build clean-data bench fuzz

## Build, migrate the embedded SQLite database, load the demo data and serve the API.
run:
	$(CARGO) build -p server
	$(BIN) migrate
	$(BIN) seed --demo
	@echo ""
	@echo "  心育 Qualify is starting on http://$${QUALIFY_BIND:-127.0.0.1:8080}"
	@echo "  API docs:    http://$${QUALIFY_BIND:-127.0.0.1:8080}/docs/"
	@echo "  Demo logins (password demo1234): admin (州), county.admin (恩施市), trainer, hr, teacher (班主任)"
	@echo ""
	$(BIN) serve

## Every test: unit tests of each crate and the end-to-end tests against a real server
## (SQLite; PostgreSQL too when TEST_DATABASE_URL is set).
test:
	$(CARGO) test --workspace

## Regenerate the committed OpenAPI document from the code.
spec:
	$(CARGO) run -q -p server -- openapi > api-spec/openapi.json

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## Remove the local development database and secret.
clean-data:
	rm -rf data

## Load-test the release server on prefecture-scale data (SQLite, and PostgreSQL when
## BENCH_DATABASE_URL or TEST_DATABASE_URL is set); writes docs/PERFORMANCE.md and docs/perf/latest.json.
bench:
	python3 bench/run.py

## Fuzz every API operation against api-spec/openapi.json with schemathesis, once per demo role.
fuzz:
	bash fuzz/run.sh
