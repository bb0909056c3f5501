# One entry point for setup, run, test, lint and bench: README, CI and VS Code call these.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
export PATH := $(ROOT)/.tools/uv-venv/bin:$(ROOT)/.tools/node_modules/.bin:$(PATH)
export NEXT_TELEMETRY_DISABLED := 1
export TURBO_TELEMETRY_DISABLED := 1
# Python processes (pytest and the `chiron` processes the suites start) import from cached
# bytecode: where the environment sets PYTHONDONTWRITEBYTECODE, each of them compiled every
# module again (importing chiron.app: ~4.4 s of CPU instead of ~1.7 s; docs/performance.md).
unexport PYTHONDONTWRITEBYTECODE
API := cd $(ROOT)/apps/api &&
PY := $(ROOT)/apps/api/.venv/bin

PG_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/0
# Schemathesis examples per operation in the API suites (tests/test_fuzz.py); `make fuzz`
# runs the deep pass (FUZZ_DEEP examples) on both stores.
FUZZ_EXAMPLES ?= 20
FUZZ_DEEP ?= 100

.PHONY: help setup setup-api setup-web services run api web web-build simulate test test-api test-api-sqlite \
        test-api-pg lint lint-api test-web e2e topology check-client check-deploy openapi client bench \
        bench-smoke bench-dashboard bench-growth fuzz \
        migrate seed collector

help: ## list the targets
	@grep -E '^[A-Za-z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

setup: setup-api setup-web ## install everything the project needs (uv, Python and Node deps)

setup-api: ## install uv and the API's locked Python packages (apps/api/.venv)
	@$(ROOT)/scripts/api-setup.sh

setup-web: ## install pnpm and the web's locked packages
	@$(ROOT)/scripts/web-setup.sh

services: ## start PostgreSQL and Redis if they are down
	@$(ROOT)/scripts/ensure-services.sh
	@$(ROOT)/scripts/ensure-alertmanager.sh

# `set -m` gives run.sh a process group of its own in the terminal's foreground: Ctrl-C
# reaches it and what it started, not make, so a deliberate stop exits 0 (run.sh traps it).
run: setup ## run Chiron: API + dashboard + a simulated fleet on the embedded defaults (MQTT=1: the fleet over MQTT)
	@set -m; MQTT="$(MQTT)" $(ROOT)/scripts/run.sh; exit $$?

api: setup-api ## run only the API (embedded defaults)
	$(API) $(PY)/chiron serve --port 8000

simulate: setup-api ## run the device simulator against a local API (needs TOKEN=...)
	$(API) $(PY)/chiron simulate --url http://127.0.0.1:8000 --token "$${TOKEN}"

migrate: setup-api ## apply migrations to CHIRON_DATABASE_URL
	$(API) $(PY)/chiron db upgrade

seed: setup-api ## load demo data into CHIRON_DATABASE_URL
	$(API) $(PY)/chiron db seed

# Three lanes side by side (2 cores: the API suites spend much of their time waiting on the
# store, the stream and subprocesses), each e2e store at the end of a lane: SQLite after the
# checks (which build the web app), PostgreSQL + Redis after the API's SQLite run (its build
# waits for the checks' one: WEB_BUILD's lock). Every suite is isolated from the others: own
# PostgreSQL database, stream key, ports and results directory.
test: setup services ## run every test (lint, API on both stores, web, client, deploy, topology, e2e)
	@$(ROOT)/scripts/side-by-side.sh \
		checks '$(MAKE) --no-print-directory lint bench-smoke test-web check-client check-deploy web-build topology && E2E_STORES=sqlite $(ROOT)/scripts/e2e.sh' \
		api-sqlite '$(MAKE) --no-print-directory test-api-sqlite && E2E_STORES=postgres $(ROOT)/scripts/e2e.sh' \
		api-pg '$(MAKE) --no-print-directory test-api-pg'
	@echo "make test: all suites passed"

lint: lint-api lint-web ## lint and type-check everything
lint-api: setup-api ## ruff, mypy and the import contracts over the API, its tests, migrations and bench/
	@echo "==> ruff + mypy + import contracts (API)"
	$(API) $(PY)/ruff check src tests migrations ../../bench && $(PY)/ruff format --check src tests migrations ../../bench && $(PY)/mypy && $(PY)/lint-imports

.PHONY: lint-web
lint-web: setup-web ## type-aware ESLint with boundary rules, and tsc, for apps/web and packages/*
	@echo "==> type-aware ESLint with boundaries + tsc (web, ui, api-client)"
	cd $(ROOT) && pnpm turbo run lint typecheck

test-api: setup-api services ## API tests on SQLite + in-process bus and on PostgreSQL + Redis, side by side
	@$(ROOT)/scripts/side-by-side.sh api-sqlite '$(MAKE) --no-print-directory test-api-sqlite' \
		api-pg '$(MAKE) --no-print-directory test-api-pg'

test-api-sqlite: setup-api ## API tests on SQLite + the in-process bus
	@echo "==> API tests on SQLite + in-process bus"
	$(API) FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) CHIRON_TEST_STORE=sqlite CHIRON_TEST_BUS=memory $(PY)/pytest

test-api-pg: setup-api services ## API tests on PostgreSQL + Redis
	@echo "==> API tests on PostgreSQL + Redis"
	$(API) FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) CHIRON_TEST_STORE=postgres CHIRON_TEST_BUS=redis $(PY)/pytest

fuzz: setup-api services ## the Schemathesis run with FUZZ_DEEP (100) examples per operation, on both stores
	$(API) FUZZ_EXAMPLES=$(FUZZ_DEEP) CHIRON_TEST_STORE=sqlite CHIRON_TEST_BUS=memory $(PY)/pytest tests/test_fuzz.py
	$(API) FUZZ_EXAMPLES=$(FUZZ_DEEP) CHIRON_TEST_STORE=postgres CHIRON_TEST_BUS=redis $(PY)/pytest tests/test_fuzz.py

test-web: setup-web ## web lint, types, unit tests and the dashboard's bundle budget
	@echo "==> web lint, typecheck, vitest"
	cd $(ROOT) && pnpm turbo run lint typecheck test
	@echo "==> web bundle budget (route summaries of the build, next build --analyze)"
	$(WEB_BUILD)
	cd $(ROOT)/apps/web && node scripts/bundle-budget.mjs --dir .next

openapi: setup-api ## write the API's OpenAPI document to packages/api-client/openapi.json
	$(API) $(PY)/python -m chiron.openapi $(ROOT)/packages/api-client/openapi.json

client: openapi ## regenerate packages/api-client from the OpenAPI document
	cd $(ROOT) && pnpm --filter @chiron/api-client generate

check-client: setup-api setup-web ## fail when the committed client differs from a fresh generation
	@$(ROOT)/scripts/check-client.sh

check-deploy: ## static checks of Dockerfiles, compose, workflow and collector config
	@$(ROOT)/scripts/check-deploy.sh

# One Next build for the checks lane, the bundle budget, topology and e2e: `next build --analyze`
# writes the route summaries the budget reads (as `next analyze` does, without a second build),
# and turbo caches it by its arguments, so scripts/e2e.sh passes the same ones.
# flock: one `next build` at a time (make test's lanes may both want it); the second finds
# turbo's cache entry.
WEB_BUILD := cd $(ROOT) && flock $(ROOT)/.tools/web-build.lock pnpm turbo run build --filter web --output-logs=errors-only -- --analyze

web-build: setup-web ## build the dashboard (next build --analyze; turbo caches it for the budget, e2e and topology)
	$(WEB_BUILD)

e2e: setup ## Playwright smoke suite on the real stack (embedded, then PostgreSQL + Redis)
	@$(ROOT)/scripts/e2e.sh

topology: setup services ## the compose topology as local processes (2 API replicas, web, PG, Redis, OTLP)
	@$(ROOT)/scripts/topology-test.sh

bench: setup-api services ## ingest, protocol doors, fan-out and dashboard benchmarks (prints figures and ratios)
	cd $(ROOT) && $(PY)/python bench/ingest.py && $(PY)/python bench/line_protocol.py \
		&& $(PY)/python bench/mqtt.py && $(PY)/python bench/fanout.py && $(PY)/python bench/prune.py
	$(MAKE) bench-growth
	$(MAKE) bench-dashboard

bench-growth: setup-api services ## ingest and queries on PostgreSQL as the store grows: empty, 10 M and 30 M samples (~30 min, ~15 GB)
	cd $(ROOT) && $(PY)/python bench/growth.py

# Live load on SQLite (the embedded default); the day over 10 M stored samples on PostgreSQL,
# the store that holds such a history in production (docs/performance.md, "Looking back over
# 10 M samples"). Each 3 runs, strict: no task over 50 ms.
bench-dashboard: setup services ## the dashboard in Chromium: 20 metrics x 10 Hz (SQLite), then 24 h over 10 M samples (PostgreSQL); 3 runs each, strict: no task over 50 ms
	cd $(ROOT) && E2E_BENCH=1 E2E_STORES=sqlite bash scripts/e2e.sh long-tasks.bench.ts --repeat-each 3
	cd $(ROOT) && E2E_BENCH=1 E2E_STORES=postgres bash scripts/e2e.sh history.bench.ts --repeat-each 3

bench-smoke: setup-api services ## the ingest benchmark end to end in seconds (PostgreSQL: limit, naive, Chiron, queries)
	cd $(ROOT) && $(PY)/python bench/ingest.py --store postgres --seconds 1 --concurrency 2 --query-rows 20000 --no-influx

collector: ## a local OTLP/HTTP receiver that prints what it gets (port 4318)
	cd $(ROOT) && $(PY)/python -m chiron.dev.receiver --port 4318
