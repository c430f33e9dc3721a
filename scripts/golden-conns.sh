#!/usr/bin/env bash
# golden-conns.sh regenerates internal/sensor/testdata/conns.golden: tshark's
# account of every frame and of every TCP and UDP conversation in every
# shared capture. The sensor's conformance tests compare it with the
# pipeline's summary and conn records.
#
# Per file, one F line, then one P line per endpoint pair:
#
#   F  path  frames  wire_bytes  dups  tcp_udp  icmp  other_ip  ip_frag  ip_cut  arp  non_ip  link_cut
#   P  path  transport  addr_a  port_a  addr_b  port_b  pkts_ab  bytes_ab  pkts_ba  bytes_ba
#
# F: every frame tshark reads and the sum of their frame.len; dups: frames
# dropped as SPAN duplicates (below); every other frame falls in exactly one
# class, by tshark's frame.protocols:
#   tcp_udp   the protocol right after the outermost IP header (IPv6
#             extension headers skipped) is tcp or udp
#   icmp      ... is icmp or icmpv6
#   ip_frag   ... is data, and that IP header is a fragment: held for
#             reassembly (the frame completing a datagram shows its transport)
#   other_ip  ... anything else (igmp, an unfragmented unknown protocol, …)
#   ip_cut    nothing follows the IP header: tshark found no transport bytes
#   arp       the first network protocol is arp
#   non_ip    neither IP nor ARP: LLDP, PROFINET, EtherCAT, STP, …
#   link_cut  nothing follows the link header (eth, sll, null, raw): too
#             short to carry a network layer
# Only the outermost IP header counts: tunnelled and ICMP-quoted headers are
# not decapsulated by the decoder either.
#
# P: the tcp_udp frames of one unordered endpoint pair, summed over every
# tcp.stream or UDP conversation of that pair: the sensor splits connections
# on timeouts and port reuse where tshark does not, so only per-pair sums are
# comparable exactly. Endpoint a is the lower one: address strings compared
# byte by byte, then the port as a number. ab counts packets from a to b;
# bytes are frame.len (the sensor's l2_bytes). IP reassembly stays at
# tshark's default, so a fragmented datagram counts once, on the frame that
# completes it, as in the sensor.
#
# Duplicates are dropped as decode.Decoder drops them (decode/dedup.go and
# decoder.go): a frame carrying IP or ARP, or cut inside its link header, is
# a duplicate when its captured bytes (frame.md5_hash) and frame.len equal
# those of an earlier such frame at most 2 ms before it. Times are the
# pipeline's: a frame older than its predecessor is taken at its
# predecessor's time, and every copy refreshes the time the next one is
# compared with.
#
# Usage: scripts/golden-conns.sh [--check] [PCAPS_DIR]
# PCAPS_DIR defaults to $OTSIGHT_PCAPS, then ../shared/pcaps beside the repo.
# --check regenerates into a temporary file and exits 1, printing the diff,
# when it differs from the committed golden; without tshark it says so and
# exits 0.
set -euo pipefail

. "$(dirname "$0")/lib/golden.sh"
golden_args "$@"
golden_require tshark
check=$CHECK repo=$REPO dir=$PCAPS
golden=$repo/internal/sensor/testdata/conns.golden

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$golden
$check && out=$tmp/conns.golden

# The decoder's duplicate window (decode.DefaultConfig().DedupWindow), in
# nanoseconds; the conformance test fails if the decoder's default changes.
window_ns=2000000

fields=(frame.number frame.len frame.time_epoch frame.md5_hash frame.protocols
	ip.src ip.dst ipv6.src ipv6.dst tcp.srcport tcp.dstport udp.srcport udp.dstport
	ip.flags.mf ip.frag_offset ipv6.fraghdr.offset ipv6.fraghdr.more)
args=()
for f in "${fields[@]}"; do args+=(-e "$f"); done

# account reads tshark's fields of one file and prints its F and P lines.
account() {
	LC_ALL=C awk -F'\t' -v rel="$1" -v window="$window_ns" '
	BEGIN { nclass = split("tcp_udp icmp other_ip ip_frag ip_cut arp non_ip link_cut", classes, " ") }
	# Epoch times are "sec.nnnnnnnnn": seconds and nanoseconds are kept
	# apart, as a double cannot hold nanoseconds since 1970 exactly.
	function settime(t,   q) {
		split(t, q, ".")
		s = q[1] + 0; n = substr(q[2] "000000000", 1, 9) + 0
		if (started && (s < cs || (s == cs && n < cn))) { s = cs; n = cn }
		started = 1; cs = s; cn = n
	}
	function duplicate(key,   dup) {
		dup = key in ls && s - ls[key] <= 1 && (s - ls[key]) * 1000000000 + n - ln[key] <= window
		ls[key] = s; ln[key] = n
		return dup
	}
	# classify sets class, and l3/l4 for IP frames.
	function classify(   np, p, i) {
		np = split($5, p, ":")
		for (i = 1; i <= np && p[i] != "ip" && p[i] != "ipv6" && p[i] != "arp"; i++) {}
		if (i > np) { class = np == 1 ? "link_cut" : "non_ip"; return }
		if (p[i] == "arp") { class = "arp"; return }
		l3 = p[i]
		for (i++; i <= np && p[i] ~ /^ipv6\./; i++) {}
		l4 = i <= np ? p[i] : ""
		if (l4 == "tcp" || l4 == "udp") class = "tcp_udp"
		else if (l4 == "icmp" || l4 == "icmpv6") class = "icmp"
		else if (l4 == "") class = "ip_cut"
		else if (l4 == "data" && l3 == "ip" && ($14 == "1" || ($15 != "" && $15 != "0"))) class = "ip_frag"
		else if (l4 == "data" && l3 == "ipv6" && ($17 == "1" || ($16 != "" && $16 != "0"))) class = "ip_frag"
		else class = "other_ip"
	}
	{
		frames++; bytes += $2
		settime($3)
		classify()
		if (class != "non_ip" && duplicate($4 "/" $2)) { dups++; next }
		count[class]++
		if (class != "tcp_udp") next
		if (l3 == "ip") { src = $6; dst = $7 } else { src = $8; dst = $9 }
		if (l4 == "tcp") { sp = $10; dp = $11 } else { sp = $12; dp = $13 }
		if (src == "" || dst == "" || sp == "" || dp == "") {
			printf "golden-conns.sh: %s frame %d: %s without addresses or ports\n", rel, $1, $5 > "/dev/stderr"
			failed = 1
			exit 3
		}
		# Orient the pair lower endpoint first; d says which way this frame goes.
		if (src < dst || (src == dst && sp + 0 <= dp + 0)) { k = l4 "\t" src "\t" sp "\t" dst "\t" dp; d = "ab" }
		else { k = l4 "\t" dst "\t" dp "\t" src "\t" sp; d = "ba" }
		pairs[k] = 1
		pk[k, d]++; by[k, d] += $2
	}
	END {
		if (failed) exit 3
		printf "F\t%s\t%d\t%.0f\t%d", rel, frames, bytes, dups
		for (i = 1; i <= nclass; i++) printf "\t%d", count[classes[i]]
		printf "\n"
		fflush()
		sort = "sort -t \"\t\" -k3,3 -k4,4 -k5,5n -k6,6 -k7,7n"
		for (k in pairs)
			printf "P\t%s\t%s\t%d\t%.0f\t%d\t%.0f\n", rel, k, pk[k, "ab"], by[k, "ab"], pk[k, "ba"], by[k, "ba"] | sort
		close(sort)
	}'
}

{
	echo "# Generated by scripts/golden-conns.sh from $(tshark -v 2>/dev/null | head -1 | cut -d' ' -f1-3). Do not edit by hand."
	echo "# F path frames wire_bytes dups tcp_udp icmp other_ip ip_frag ip_cut arp non_ip link_cut"
	echo "# P path transport addr_a port_a addr_b port_b pkts_ab bytes_ab pkts_ba bytes_ba"
	echo "# (see the script for the classes; a < b: address strings byte by byte, then port; bytes are frame.len;"
	echo "# duplicates within ${window_ns} ns dropped as the decoder drops them)"
	find "$dir" -type f ! -name '*.md' | LC_ALL=C sort | while read -r f; do
		rel=${f#"$dir"/}
		# tshark exits non-zero on a damaged file after printing what it
		# could read: that part is still accounted, as the sensor does.
		if ! tshark -n -r "$f" -o frame.generate_md5_hash:TRUE -T fields -E separator=/t -E occurrence=f \
			"${args[@]}" >"$tmp/fields" 2>"$tmp/err"; then
			if ! grep -q 'cut short in the middle of a packet' "$tmp/err"; then
				echo "golden-conns.sh: tshark failed on $rel:" >&2
				cat "$tmp/err" >&2
				exit 1
			fi
		fi
		account "$rel" <"$tmp/fields"
	done
} >"$out"

if $check; then
	golden_compare "$golden" "$out"
	exit
fi
echo "wrote $out ($(grep -c '^F' "$out") files, $(grep -c '^P' "$out") endpoint pairs)"
