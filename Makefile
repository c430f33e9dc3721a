# otsight build and test entry points. `make test` is what CI runs.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
PCAPS    ?= ../shared/pcaps

.PHONY: all build sensor-static test vet unit goldens fuzz bench clean

all: build

build:
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

test: vet sensor-static unit goldens

# Short fuzzing of every fuzz target (not part of CI).
fuzz:
	scripts/fuzz.sh 30s

# Throughput and memory against tshark and Suricata (not part of CI).
bench:
	scripts/bench.sh

clean:
	rm -rf bin
