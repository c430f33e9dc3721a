#!/usr/bin/env bash
# Runs every go fuzz target in the module for a while each: scripts/fuzz.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-30s}
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/func //'); do
		echo "== $pkg $target ($dur)"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$dur" "$pkg"
	done
done
