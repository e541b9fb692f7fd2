# The project's two commands: `make run` (the server on 127.0.0.1:8080) and `make test` (every test).
# Both work on a fresh Debian bookworm machine as root: missing Debian packages are installed first.

BUILD      ?= build
ASAN_BUILD ?= build-asan
PORT       ?= 8080
JOBS       := $(shell nproc 2>/dev/null || echo 2)

# What building and testing need from Debian (Node.js and npm too, unless the machine already has them). libyajl-dev
# is for the JSON fuzz target alone, which checks common/json.c against yajl; no binary links it.
DEB_PACKAGES := build-essential cmake pkg-config libh2o-evloop-dev libyajl-dev libssl-dev libpcre2-dev libexpat1-dev \
                clang libclang-rt-14-dev wrk ca-certificates openssl git shellcheck jq \
                qemu-user-static debootstrap

.PHONY: all deps build build-asan run run-tools test node-deps oauth-deps cdk-deps workflow-deps bench soak fuzz format clean

all: build

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi; \
	if ! command -v npm >/dev/null 2>&1; then \
	  echo "installing Node.js and npm from Debian"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

build-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSANITIZE=ON -DCMAKE_C_COMPILER=clang >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)

run: build
	@echo "MCP endpoint: http://127.0.0.1:$(PORT)/mcp  (Ctrl-C to stop)"
	exec $(BUILD)/mcp-server --bind 127.0.0.1 --port $(PORT)

# The example registered tools (examples/tools: Python and Node.js Lambda handlers) behind the server, with local
# stand-ins for the registry table (dynalite) and Lambda's Invoke API (tests/lambda/invoke-shim.mjs).
run-tools: build node-deps
	@echo "MCP endpoint: http://127.0.0.1:$(PORT)/mcp, with the registered tools word_count, greet, add  (Ctrl-C to stop)"
	exec node examples/tools/run-local.mjs --port $(PORT)

node-deps: deps
	cd tests/node && npm ci --no-audit --no-fund --loglevel=error

oauth-deps: deps
	cd tests/oauth && npm ci --no-audit --no-fund --loglevel=error

cdk-deps: deps
	cd cdk && npm ci --no-audit --no-fund --loglevel=error

workflow-deps: deps
	cd tests/workflows && npm ci --no-audit --no-fund --loglevel=error

test: build build-asan node-deps oauth-deps cdk-deps workflow-deps
	tests/run-all.sh $(BUILD) $(ASAN_BUILD)

# libFuzzer over every parser (tests/fuzz/, docs/fuzzing.md): each target for FUZZ_SECONDS, FUZZ_JOBS at a time
# (make test runs each for 30 s, two at a time).
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1
fuzz: deps
	tests/fuzz/run.sh -j $(FUZZ_JOBS) $(FUZZ_SECONDS)

bench: deps node-deps oauth-deps
	bench/run.sh
	bench/lambda.sh
	bench/authorizer.sh
	bench/proxy.sh
	bench/lambda-tools.sh

# A benchmark, not a test: SOAK_SECONDS (default 600) at 80% of the measured peak with hostile clients mixed in
# (bench/soak.sh); prints errors, latency and the server's RSS at the start and end, loopback only.
SOAK_SECONDS ?= 600
soak: deps
	bench/soak.sh --seconds $(SOAK_SECONDS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-bench build-fuzz build-tsan
