#!/usr/bin/env bash
# goldens.sh runs every golden-file script, scripts/golden-*.sh.
#
#   scripts/goldens.sh --check [PCAPS_DIR]   regenerate each golden into a
#       temporary file and fail if any differs from the committed one (what
#       `make goldens` and CI run); each script skips its check, saying so,
#       when its tools (tshark, …) are missing.
#   scripts/goldens.sh [PCAPS_DIR]           regenerate every golden in place.
#
# A script is only run with --check if it documents that mode: a script
# without it would take "--check" for the captures directory.
set -uo pipefail

check=()
if [ "${1:-}" = --check ]; then
	check=(--check)
	shift
fi
here=$(cd "$(dirname "$0")" && pwd)

failed=()
for script in "$here"/golden-*.sh; do
	name=${script##*/}
	if [ ${#check[@]} -gt 0 ] && ! grep -q -e '--check' "$script"; then
		echo "goldens.sh: $name has no --check mode: its golden is not checked" >&2
		failed+=("$name")
		continue
	fi
	echo "goldens.sh: $name ${check[*]}"
	if ! "$script" "${check[@]}" "$@"; then
		failed+=("$name")
	fi
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "goldens.sh: failed: ${failed[*]}" >&2
	exit 1
fi
if [ ${#check[@]} -gt 0 ]; then
	echo "goldens.sh: every golden file is up to date"
else
	echo "goldens.sh: every golden file regenerated"
fi
