#!/usr/bin/env bash
# p0f-compare.sh regenerates the p0f goldens of internal/fingerprint/tcpfp:
# what p0f 3.09b (Debian package p0f) says about every SYN and SYN+ACK in
# every shared capture,
#   testdata/p0f.golden          read with its own database (/etc/p0f/p0f.fp)
#   testdata/p0f-builtin.golden  read with our built-in set (builtin.fp)
# The tcpfp tests (TestP0F*, TestSensorAgreementWithP0F) replay the same
# captures through our extractor and matcher and compare.
#
# One line per SYN or SYN+ACK that p0f reported, tab-separated:
#
#   path  time  mod  sender  receiver  raw_sig  kind  label  params
#
# path      capture relative to the pcaps directory
# time      packet time, UTC, to the second (p0f logs no finer)
# mod       syn or syn+ack
# sender    ip/port of the packet's sender (p0f's cli for syn, srv for
#           syn+ack); IPv6 in p0f's form, 8 uncompressed hex groups
# receiver  ip/port of the other side
# raw_sig   p0f's raw_sig field
# kind      os (p0f named an OS), app (a userland tool such as NMap) or
#           none (p0f printed ???)
# label     the os= or app= value, "???" when none
# params    p0f's params field (generic, fuzzy, random_ttl, …)
#
# Usage: scripts/p0f-compare.sh [PCAPS_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pcaps=${1:-$here/../shared/pcaps}
pkg=$here/internal/fingerprint/tcpfp
command -v p0f >/dev/null || { echo "p0f not installed (apt-get install p0f)" >&2; exit 1; }

# golden FP OUT: run p0f with signature file FP over every capture.
golden() {
fp=$1 out=$2
[ -f "$fp" ] || { echo "$fp missing" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/golden"
find "$pcaps" -type f ! -name '*.md' | LC_ALL=C sort | while read -r f; do
	rel=${f#"$pcaps"/}
	rm -f "$tmp/log"
	# p0f logs local time: pin it to UTC so the golden is reproducible.
	if ! TZ=UTC p0f -r "$f" -f "$fp" -o "$tmp/log" >/dev/null 2>"$tmp/err"; then
		echo "p0f failed on $rel: $(cat "$tmp/err")" >&2
		exit 1
	fi
	[ -f "$tmp/log" ] || continue
	REL="$rel" awk '
	# [2008/11/12 21:27:38] mod=syn|cli=1.2.3.4/3269|srv=…|subj=cli|os=…|dist=0|params=generic|raw_sig=…
	{
		ts = substr($0, 2, 19); gsub("/", "-", ts)
		rest = substr($0, 23)
		n = split(rest, kv, "|")
		delete v
		for (i = 1; i <= n; i++) {
			p = index(kv[i], "=")
			v[substr(kv[i], 1, p - 1)] = substr(kv[i], p + 1)
		}
		if (v["mod"] != "syn" && v["mod"] != "syn+ack") next
		kind = "os"; label = v["os"]
		if ("app" in v) { kind = "app"; label = v["app"] }
		if (label == "???") kind = "none"
		snd = v["cli"]; rcv = v["srv"]
		if (v["mod"] == "syn+ack") { snd = v["srv"]; rcv = v["cli"] }
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", ENVIRON["REL"], ts, v["mod"], snd, rcv, v["raw_sig"], kind, label, v["params"]
	}' "$tmp/log" >>"$tmp/golden"
done
{
	echo "# p0f $(p0f -h 2>&1 | head -1 | sed -n 's/.*p0f \([0-9.a-z]*\).*/\1/p') with $(basename "$fp") sha256 $(sha256sum "$fp" | cut -c1-16); regenerate with scripts/p0f-compare.sh"
	echo "# path	time	mod	sender	receiver	raw_sig	kind	label	params"
	cat "$tmp/golden"
} >"$out"
echo "$(grep -vc '^#' "$out") signatures from $(grep -v '^#' "$out" | cut -f1 | sort -u | wc -l) captures -> $out"
}

golden /etc/p0f/p0f.fp "$pkg/testdata/p0f.golden"
golden "$pkg/builtin.fp" "$pkg/testdata/p0f-builtin.golden"
