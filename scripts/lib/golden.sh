# Shared by the scripts/golden-*.sh generators; source it, do not run it.
#
#   golden_args "$@"         sets CHECK (true/false), REPO, PCAPS and ARGS
#                            from: [--check] [PCAPS_DIR] [more…]; PCAPS
#                            defaults to $OTSIGHT_PCAPS, then ../shared/pcaps
#                            beside the repository.
#   golden_require TOOL…     in --check mode a missing tool skips the check
#                            (exit 0, saying so); otherwise it is an error.
#   golden_compare COMMITTED GENERATED
#                            --check: diff, return 1 on drift.
#
# Each golden script regenerates its files in place, or with --check into
# temporary files that are compared with the committed ones.

golden_name=${0##*/}

golden_args() {
	CHECK=false
	if [ "${1:-}" = --check ]; then
		CHECK=true
		shift
	fi
	REPO=$(cd "$(dirname "$0")/.." && pwd)
	PCAPS=${OTSIGHT_PCAPS:-$REPO/../shared/pcaps}
	if [ $# -gt 0 ] && [ -d "$1" ]; then
		PCAPS=$1
		shift
	fi
	PCAPS=$(cd "$PCAPS" && pwd)
	ARGS=("$@")
}

golden_require() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null && continue
		if $CHECK; then
			echo "$golden_name: $tool not found, golden check skipped"
			exit 0
		fi
		echo "$golden_name: $tool not found (apt-get install tshark)" >&2
		exit 1
	done
}

golden_compare() {
	if ! diff -u "$1" "$2"; then
		echo "$golden_name: $1 is out of date: run scripts/$golden_name" >&2
		return 1
	fi
	echo "$golden_name: ${1#"$REPO"/} up to date"
}
