#!/usr/bin/env bash
# How fast the TUI comes up (issue 17), through a real pseudo-terminal (`script`): the first frame after start,
# and the first frame showing the evidence of a `--log`, for no log, the incident's crash log, and the 100 MB
# mixed log. Figures come from the binary itself (`RUNBOOK_FRAME_TIMES=1`, tui/frame_timing.rs), medians of RUNS
# (default 3). Targets: first frame < 100 ms; first frame with a 100 MB log's evidence < 1 s.
#
# usage: benches/tui-frames.sh [RUNBOOK_BIN]
# env:   RUNBOOK_MIXED_LOG (default target/mixed-100mb.log, built by benches/make-mixed-log.sh)  RUNS (default 3)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runbook=${1:-${RUNBOOK_BIN:-$here/target/release/runbook}}
runs=${RUNS:-3}
log=${RUNBOOK_MIXED_LOG:-$here/target/mixed-100mb.log}
die() { echo "tui-frames.sh: $*" >&2; exit 2; }
[ -x "$runbook" ] || die "no runbook binary at $runbook (cargo build --release)"
command -v script >/dev/null || die "script (util-linux) is needed for a pseudo-terminal"
[ -f "$log" ] || "$here/benches/make-mixed-log.sh" "$log" 100
crash=$here/tests/fixtures/incident/logs/crash-kubectl.go1.27.log
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }

# measure NAME WAIT ARGS...: RUNS runs of `runbook open ARGS` in a 120x40 pseudo-terminal, `q` after WAIT seconds.
measure() {
    local name=$1 wait=$2
    shift 2
    : >"$work/first" && : >"$work/evidence"
    for i in $(seq "$runs"); do
        rm -rf "$work/session"
        local quoted
        quoted=$(printf '%q ' "$runbook" open "$@" --journal "$work/session")
        (sleep "$wait"; printf q; sleep 1) | RUNBOOK_FRAME_TIMES=1 script -qec \
            "stty rows 40 cols 120; $quoted 2>$work/err" /dev/null >/dev/null || true
        sed -n 's/.*first frame \([0-9.]*\) ms.*/\1/p' "$work/err" >>"$work/first"
        sed -n 's/.*first frame with the evidence \([0-9.]*\) ms.*/\1/p' "$work/err" >>"$work/evidence"
        grep -q 'first frame' "$work/err" || { echo "run $i of $name printed no timing:" >&2; cat "$work/err" >&2; }
    done
    printf '| %s | %s ms | %s ms |\n' "$name" "$(median <"$work/first")" "$(median <"$work/evidence")"
}

mb=$(awk -v b="$(stat -c %s "$log")" 'BEGIN { printf "%.1f", b / 1e6 }')
echo "TUI start-up, median of $runs ($(date -u +%F), load $(cut -d' ' -f1-3 /proc/loadavg)); targets: first frame < 100 ms, evidence of a 100 MB log < 1 s"
echo
echo "| start | first frame | first frame with the evidence |"
echo "|---|---|---|"
measure "no log (bundled go-map-concurrency)" 2 go-map-concurrency
measure "--log crash-kubectl.go1.27.log (3 KB)" 2 go-map-concurrency --log "$crash"
measure "--log mixed log ($mb MB)" 8 go-map-concurrency --log "$log"
measure "--log mixed log ($mb MB), runbook picked by triage" 10 --log "$log"
