# natsts — build, run, test, bench. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := build

NODE_MODULES_STAMP := node_modules/.natsts-installed

# `npm install` (not `npm ci`): npm 11 leaves other platforms' optional packages out of the lock file and
# then refuses `npm ci` on it; `npm install` honours the lock file as it is.
$(NODE_MODULES_STAMP): package.json package-lock.json server/package.json e2e/package.json bench/package.json
	npm install --no-audit --no-fund
	@touch $@

.PHONY: deps build run tools typecheck test bench clean

deps: $(NODE_MODULES_STAMP)

build: deps
	npm run build -w server

# The main job: a server on the embedded default (JetStream with a local store under ./data).
run: build
	bin/natsts-server -js -a 127.0.0.1 -p 4222 -m 8222 -sd ./data

# Reference nats-server and nats CLI, pinned and cached outside the repo.
tools:
	bash e2e/tools/install.sh

# Type-check tests and sources (the build skips *.test.ts), then run every test.
typecheck: deps
	npx tsc -p server/tsconfig.test.json
	npx tsc -p e2e/tsconfig.json

test: build tools typecheck
	npx vitest run --reporter=default --reporter=json --outputFile=.vitest-results.json
	@node e2e/tools/summary.mjs .vitest-results.json

bench: build tools
	node bench/run.mjs

clean:
	rm -rf server/dist
