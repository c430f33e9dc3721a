# otsight build and test entry points. `make test` is what CI runs.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
PCAPS    ?= ../shared/pcaps

.PHONY: all build sensor-static test vet unit goldens fuzz bench clean web web-check

all: build

# The portal's front end: npm ci installs the packages pinned in
# web/package-lock.json (only when the lock changed), then esbuild's Go API
# bundles web/src into internal/portal/assets/dist, which go:embed takes in.
# The bundle is committed so that `go run`/`go build` work on a fresh clone
# without Node; web-check (part of test, in CI) proves it is up to date.
web: web/node_modules/.package-lock.json
	$(GO) generate ./internal/portal/assets

web/node_modules/.package-lock.json: web/package-lock.json web/package.json
	npm ci --prefix web --no-audit --no-fund

web-check: web
	@if [ -n "$(CI)" ] && ! git diff --quiet -- internal/portal/assets/dist; then \
		echo "internal/portal/assets/dist differs from what web/ builds: run make web and commit it"; \
		git diff --stat -- internal/portal/assets/dist; exit 1; fi

build: web
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/otsight ./cmd/otsight

# The sensor-only static binary: no cgo, runs on any Linux of the same arch.
sensor-static:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/otsight-sensor ./cmd/otsight

vet:
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 ./...

# Regenerate the tshark-derived golden files and fail if any changed.
goldens:
	scripts/goldens.sh --check

test: web-check vet sensor-static unit goldens

# Short fuzzing of every fuzz target (not part of CI).
fuzz:
	scripts/fuzz.sh 30s

# Throughput and memory against tshark and Suricata (not part of CI).
bench:
	scripts/bench.sh

clean:
	rm -rf bin
