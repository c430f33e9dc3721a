#!/usr/bin/env bash
# bench.sh measures otsight's sensor pipeline against tshark and Suricata 7
# on one large capture, in one run, and prints the figures as a table with
# ratios against otsight (docs/PERFORMANCE.md explains them).
#
#   scripts/bench.sh                    the whole benchmark (what `make bench` runs)
#   BENCH_SIZE=268435456 scripts/bench.sh   a smaller capture, for a quick look
#
# Steps:
#   1. build otsight and, once, the benchmark capture: scripts/benchcap
#      replays the shared Ethernet captures round after round (timestamps
#      shifted forward, addresses varied per round) until BENCH_SIZE bytes
#      (default 1 GiB). It is cached in bench-out/ and rebuilt only when
#      benchcap's sources change (delete bench-out/bench-*.pcapng after the
#      shared captures change).
#   2. read the capture once, so every tool reads it from the page cache;
#   3. run each tool BENCH_REPEAT times (default 3; tshark BENCH_TSHARK_REPEAT
#      times, default 1, as one tshark run takes minutes) pinned to one CPU
#      (taskset -c BENCH_CPU, default 1) under /usr/bin/time, keeping the run
#      with the median CPU time:
#        otsight         otsight analyze --summary --quiet FILE
#        otsight-core    the same pipeline without dissectors: decoding and
#                        connection tracking (BenchmarkFile/none of
#                        internal/sensor, compiled, run once on FILE)
#        tshark          tshark -n -r FILE -q -z conv,tcp
#        tshark-no-pnio  the same with --disable-protocol pn_io: tshark's
#                        PROFINET IO dissector rescans a list that grows with
#                        every replayed round, which makes tshark quadratic on
#                        this capture; the TCP conversation table it prints is
#                        checked to be identical
#        suricata-flow   suricata, no rules, every app-layer parser off
#        suricata-app    suricata, no rules, every app-layer parser on
#      (Suricata's configuration: scripts/suricata-bench.yaml);
#   4. run BenchmarkPipeline and BenchmarkPipelineNoDissectors
#      (internal/sensor, in memory) for allocations per packet;
#   5. print the table and write it to bench-out/results.md; every tool's
#      output and the raw measurements stay in bench-out/run/.
#
# Nothing is installed; a missing tool is reported with how to install it.
set -euo pipefail
cd "$(dirname "$0")/.."

size=${BENCH_SIZE:-1073741824}
repeat=${BENCH_REPEAT:-3}
tshark_repeat=${BENCH_TSHARK_REPEAT:-1}
cpu=${BENCH_CPU:-1}
pcaps=${PCAPS:-../shared/pcaps}
out=bench-out
run=$out/run
capfile=$out/bench-$size.pcapng

die() {
	echo "bench.sh: $*" >&2
	exit 1
}

need() { # need COMMAND HOW-TO-INSTALL
	command -v "$1" >/dev/null 2>&1 || die "$1 not found; install it with: $2"
}
need go "https://go.dev/dl/ (the Go version in go.mod)"
need tshark "apt-get install tshark"
need suricata "apt-get install -t bookworm-backports suricata   (Suricata 7; see docs/PERFORMANCE.md)"
[ -x /usr/bin/time ] || die "/usr/bin/time not found; install it with: apt-get install time"
suricata -V 2>/dev/null | grep -q 'version 7\.' || die "Suricata 7 is required, found: $(suricata -V 2>&1 | head -1)"
[ -d "$pcaps" ] || die "shared captures not found at $pcaps (set PCAPS)"

pin=()
if command -v taskset >/dev/null 2>&1 && taskset -c "$cpu" true 2>/dev/null; then
	pin=(taskset -c "$cpu")
else
	echo "bench.sh: taskset unavailable or CPU $cpu absent: tools run unpinned" >&2
fi

mkdir -p "$out"
rm -rf "$run"
mkdir -p "$run"

echo "== build otsight"
go build -trimpath -o "$out/otsight" ./cmd/otsight

echo "== benchmark capture $capfile"
if [ ! -s "$capfile" ] || [ ! -s "$capfile.json" ] ||
	[ -n "$(find scripts/benchcap -newer "$capfile" -name '*.go' ! -name '*_test.go')" ]; then
	go run ./scripts/benchcap -pcaps "$pcaps" -size "$size" -o "$capfile" >"$capfile.json" 2>"$run/benchcap.log" ||
		die "benchcap failed; see $run/benchcap.log"
fi
cat "$capfile.json"
jnum() { grep -o "\"$1\":[0-9]*" "$2" | head -1 | cut -d: -f2; }
frames=$(jnum frames "$capfile.json")
wire=$(jnum wire_bytes "$capfile.json")
cat "$capfile" >/dev/null # into the page cache
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# measure NAME N CMD...: runs CMD (pinned) N times; keeps the stdout,
# stderr and "user sys wall maxrss_kib" of the run with the median CPU time
# as $run/NAME.{out,err,time}.
measure() {
	local name=$1 repeat=$2
	shift 2
	local i
	for ((i = 1; i <= repeat; i++)); do
		/usr/bin/time -o "$run/$name.$i.time" -f '%U %S %e %M' \
			"${pin[@]}" "$@" >"$run/$name.$i.out" 2>"$run/$name.$i.err" ||
			die "$name failed (exit $?); see $run/$name.$i.err"
		echo "   $name run $i: $(cat "$run/$name.$i.time") (user s, sys s, wall s, max RSS KiB)"
	done
	local median
	median=$(for ((i = 1; i <= repeat; i++)); do
		awk -v i="$i" '{print $1 + $2, i}' "$run/$name.$i.time"
	done | sort -g | awk -v m=$(((repeat + 1) / 2)) 'NR == m {print $2}')
	for ext in out err time; do
		cp "$run/$name.$median.$ext" "$run/$name.$ext"
	done
}

echo "== otsight"
measure otsight "$repeat" "$out/otsight" analyze --summary --quiet "$capfile"
otsight_frames=$(jnum frames "$run/otsight.out")
otsight_bytes=$(jnum bytes "$run/otsight.out")
[ "$otsight_frames" = "$frames" ] && [ "$otsight_bytes" = "$wire" ] ||
	die "otsight read $otsight_frames frames / $otsight_bytes bytes, the capture holds $frames / $wire"

echo "== otsight-core (decode + connection tracking: BenchmarkFile/none)"
go test -c -o "$out/sensor.test" ./internal/sensor
export OTSIGHT_BENCH_FILE=$capfile
measure otsight-core "$repeat" "$out/sensor.test" -test.run '^$' -test.bench '^BenchmarkFile$/^none$' -test.benchtime 1x
core_frames=$(awk '$1 ~ /^BenchmarkFile\/none/ {for (i = 2; i <= NF; i++) if ($i == "frames/op") print $(i - 1)}' "$run/otsight-core.out")
[ "$core_frames" = "$frames" ] || die "BenchmarkFile/none read ${core_frames:-no} frames, the capture holds $frames"

echo "== tshark"
measure tshark "$tshark_repeat" tshark -n -r "$capfile" -q -z conv,tcp
grep -q '^TCP Conversations' "$run/tshark.out" || die "tshark printed no TCP conversation table"
echo "== tshark-no-pnio"
measure tshark-no-pnio "$tshark_repeat" tshark -n -r "$capfile" -q -z conv,tcp --disable-protocol pn_io
cmp -s "$run/tshark.out" "$run/tshark-no-pnio.out" || die "tshark printed another TCP conversation table with pn_io off"

# The app-layer protocols scripts/suricata-bench.yaml enables, each turned
# off for the flow-only run.
suricata_off=()
for p in $(sed -n '/^app-layer:/,/^[a-z]/p' scripts/suricata-bench.yaml | sed -n 's/^    \([a-z0-9-]*\):$/\1/p'); do
	suricata_off+=(--set "app-layer.protocols.$p.enabled=no")
done
[ ${#suricata_off[@]} -gt 0 ] || die "no app-layer protocols found in scripts/suricata-bench.yaml"
suricata_cmd=(suricata -r "$capfile" -c scripts/suricata-bench.yaml -k none --runmode single --disable-detection)

echo "== suricata-flow (app-layer off)"
mkdir -p "$run/suricata-flow.log"
measure suricata-flow "$repeat" "${suricata_cmd[@]}" -l "$run/suricata-flow.log" "${suricata_off[@]}"
echo "== suricata-app (app-layer on)"
mkdir -p "$run/suricata-app.log"
measure suricata-app "$repeat" "${suricata_cmd[@]}" -l "$run/suricata-app.log"
suricata_packets() { # the packet count of Suricata's closing pcap-file line
	sed -n 's/.*read [0-9]* files\{0,1\}, \([0-9]*\) packets.*/\1/p' "$run/$1.out" "$run/$1.err" | head -1
}

echo "== BenchmarkPipeline (allocations)"
go test -run '^$' -bench '^BenchmarkPipeline' -benchmem -benchtime 20000000x ./internal/sensor/ | tee "$run/gobench.txt"
# metric BENCHMARK UNIT: one figure of the Go benchmark's output line.
metric() {
	awk -v b="$1" -v u="$2" '$1 ~ "^" b "(-[0-9]+)?$" {for (i = 2; i <= NF; i++) if ($i == u) print $(i - 1)}' "$run/gobench.txt"
}
gobench_line() {
	echo "$(metric "$1" ns/packet) ns/packet, $(metric "$1" packets/cpu-s) packets/CPU-s, $(metric "$1" allocs/packet) allocs/packet, $(metric "$1" B/packet) B/packet"
}

# row TOOL PACKETS: one table row from $run/TOOL.time. The ratios divide
# otsight's and otsight-core's packets per CPU-second by the tool's, and the
# tool's peak RSS by otsight's.
row() {
	awk -v tool="$1" -v pkts="$2" -v wire="$wire" -v full="$full_pps" -v core="$core_pps" -v refrss="$full_rss" '{
		cpu = $1 + $2
		pps = pkts / cpu
		printf "| %-14s | %9d | %7.2f | %7.2f | %9.0f | %7.0f | %7.0f | %8.2f | %8.2f | %7.2f |\n",
			tool, pkts, cpu, $3, pps, wire * 8 / cpu / 1e6, $4 / 1024, full / pps, core / pps, $4 / 1024 / refrss
	}' "$run/$1.time"
}
full_pps=$(awk -v p="$frames" '{print p / ($1 + $2)}' "$run/otsight.time")
core_pps=$(awk -v p="$frames" '{print p / ($1 + $2)}' "$run/otsight-core.time")
full_rss=$(awk '{print $4 / 1024}' "$run/otsight.time")

{
	echo "Benchmark capture: $capfile, $frames frames, $wire wire bytes ($(awk -v w="$wire" -v f="$frames" 'BEGIN {printf "%.1f", w / f}') bytes a frame)."
	echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); tools pinned with '${pin[*]:-(none)}'; median of $repeat runs by CPU time (tshark: $tshark_repeat)."
	echo "Load average (1, 5, 15 min) at start: $load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine inflates wall time more than CPU time)."
	echo "Versions: $(go version | cut -d' ' -f3), otsight $(git describe --tags --always --dirty 2>/dev/null || echo unknown), $(tshark -v 2>/dev/null | head -1 | sed 's/ (Git.*//'), $(suricata -V 2>/dev/null | sed 's/This is //')."
	echo
	echo "| tool           |   packets |   CPU s |  wall s | pkts/CPU-s | Mbit/s/core | RSS MiB | otsight ÷ tool | otsight-core ÷ tool | RSS ÷ otsight |"
	echo "|----------------|----------:|--------:|--------:|----------:|--------:|--------:|---------:|---------:|--------:|"
	row otsight "$otsight_frames"
	row otsight-core "$core_frames"
	row tshark "$frames"
	row tshark-no-pnio "$frames"
	row suricata-flow "$(suricata_packets suricata-flow)"
	row suricata-app "$(suricata_packets suricata-app)"
	echo
	echo "otsight: \`otsight analyze --summary --quiet\`, every dissector. otsight-core: the same pipeline with no dissector"
	echo "(BenchmarkFile/none). A speed ratio above 1: otsight does more packets per CPU-second than the tool;"
	echo "RSS ÷ otsight above 1: the tool needs more memory than otsight."
	echo
	echo "In memory (no file reading, shared captures replayed, not pinned):"
	echo "- BenchmarkPipeline (every dissector): $(gobench_line BenchmarkPipeline)."
	echo "- BenchmarkPipelineNoDissectors (decode + connection tracking + aggregations): $(gobench_line BenchmarkPipelineNoDissectors)."
} | tee "$out/results.md"
