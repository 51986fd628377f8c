#!/usr/bin/env bash
# Issue 17's ratios, each measured in one run side by side, with the peak RSS of every process (GNU time's %M:
# `time` forks the command from its own small process, so the peak is the command's own):
#   parse --json and parse (text) of a 100 MB mixed log  vs  grep -cE for the gc-line pattern over the same file
#     (the log is issue 13's worst case: most of its lines are pieces of gc lines split by chatty output, as
#     benches/parse.rs's criterion "parse_logs mixed log" builds it)
#   gc --json of the same log                             vs  the same grep
#   sim --runs 300 fixed-sharded, default jobs            vs  --jobs 1 (same output, byte for byte)
#   sim --runs 50 repro --gctrace (1.27 crash log)        vs  the same runs without a log
# Each pair runs RUNS times (default 3), alternating; medians of CPU time (user + sys; the machine is shared, CPU
# time is the steadier figure) and wall time. Output goes to files, not /dev/null (GNU grep stops at the first
# match when writing to /dev/null). Prints one table; exits 0 even when a target is missed, 2 when a tool is missing.
#
# usage: benches/compare-heavy.sh [RUNBOOK_BIN]
# env:   RUNBOOK_MIXED_LOG (default target/mixed-100mb.log, built by benches/make-mixed-log.sh)  RUNS (default 3)
#        BASELINE_BIN (optional: an older runbook binary; adds "parse --json: this vs baseline", before and after
#        side by side in one run)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runbook=${1:-${RUNBOOK_BIN:-$here/target/release/runbook}}
runs=${RUNS:-3}
log=${RUNBOOK_MIXED_LOG:-$here/target/mixed-100mb.log}
gnu_time=${GNU_TIME:-/usr/bin/time}
die() { echo "compare-heavy.sh: $*" >&2; exit 2; }
[ -x "$runbook" ] || die "no runbook binary at $runbook (cargo build --release)"
[ -x "$gnu_time" ] || die "GNU time not found at $gnu_time (set GNU_TIME)"
[ -f "$log" ] || "$here/benches/make-mixed-log.sh" "$log" 100
crash_log=$here/tests/fixtures/go/logs/gc_then_crash.go1.27.log
mb=$(awk -v b="$(stat -c %s "$log")" 'BEGIN { printf "%.1f", b / 1e6 }')
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# measure FILE CMD...: one run, stdout to $out/stdout; appends "wall cpu maxrss_kib" to FILE.
measure() {
    local file=$1
    shift
    "$gnu_time" -f '%e %U %S %M' -o "$out/time" "$@" >"$out/stdout" 2>/dev/null || [ $? -eq 1 ]
    awk '{ printf "%.3f %.3f %d\n", $1, $2 + $3, $4 }' "$out/time" >>"$file"
}

median() { awk -v c="$1" '{ print $c }' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# pair NAME TARGET_TEXT "A..." "B...": A and B alternating; prints medians, the CPU ratio A/B and both peaks.
pair() {
    local name=$1 target=$2 a=$3 b=$4 i
    : >"$out/a"; : >"$out/b"
    for ((i = 0; i < runs; i++)); do
        eval "measure $out/a $a"
        eval "measure $out/b $b"
    done
    local ac bc aw bw am bm
    ac=$(median 2 <"$out/a"); bc=$(median 2 <"$out/b"); aw=$(median 1 <"$out/a"); bw=$(median 1 <"$out/b")
    am=$(median 3 <"$out/a"); bm=$(median 3 <"$out/b")
    awk -v n="$name" -v ac="$ac" -v bc="$bc" -v aw="$aw" -v bw="$bw" -v am="$am" -v bm="$bm" -v t="$target" \
        -v mb="$mb" 'BEGIN {
        printf "%-46s cpu %6.2f s vs %6.2f s = %6.2fx | wall %6.2f vs %6.2f | peak %6.1f MB vs %6.1f MB | %s\n",
            n, ac, bc, (bc > 0 ? ac / bc : 0), aw, bw, am / 1024, bm / 1024, t }'
    # MB/s of CPU time for the parse rows.
    case $name in parse*|gc*) awk -v ac="$ac" -v mb="$mb" 'BEGIN { printf "%46s = %.0f MB/s of CPU time\n", "", mb / ac }' ;; esac
}

grep_gc="grep -cE '^gc [0-9]+ @[0-9.]+s [0-9]+%' '$log'"
printf 'issue 17 benchmarks on %s (%s MB), median of %d, %s, load average %s (CPU time = user + sys)\n' \
    "$(basename "$log")" "$mb" "$runs" "$(date -u +%F)" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
pair "parse --json vs grep -cE" "target >= 250 MB/s" "'$runbook' parse --json '$log'" "$grep_gc"
if [ -n "${BASELINE_BIN:-}" ]; then
    [ -x "$BASELINE_BIN" ] || die "no runbook binary at BASELINE_BIN=$BASELINE_BIN"
    pair "parse --json: this binary vs BASELINE_BIN" "before/after" "'$runbook' parse --json '$log'" \
        "'$BASELINE_BIN' parse --json '$log'"
fi
pair "parse (text) vs grep -cE (issue 13 worst case)" "target >= 200 MB/s" "'$runbook' parse '$log'" "$grep_gc"
pair "gc --json vs grep -cE" "target peak <= 64 MB" "'$runbook' gc --json '$log'" "$grep_gc"
pair "sim fixed-sharded --runs 300: default vs --jobs 1" "target <= 0.55x wall" \
    "'$runbook' sim --program fixed-sharded --runs 300 --json" \
    "'$runbook' sim --program fixed-sharded --runs 300 --jobs 1 --json"
pair "sim repro --runs 50: --gctrace vs none" "target <= 1.5x" \
    "'$runbook' sim --program repro --runs 50 --gctrace '$crash_log' --json" \
    "'$runbook' sim --program repro --runs 50 --json"
