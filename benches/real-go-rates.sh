#!/usr/bin/env bash
# The real Go side of the simulator's calibration (issue 17): builds each built-in's twin under assets/sim with
# the given Go toolchain, runs it RUNS times (default 60), and prints one line per program with how each run
# ended, and the load average before and after the batch (the rates move a lot with load, so every batch says
# what the machine was doing).
#
# usage: benches/real-go-rates.sh GO_BINARY [PROGRAM...]      (default: every program under assets/sim)
# env:   RUNS (default 60)  RACE=1 builds with -race
# output, one line per program (tab-separated):
#   program  go-version  runs  map-fatal  other-fatal  panics  clean  races-reported  load-before  load-after
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
go=$(realpath "${1:?usage: benches/real-go-rates.sh GO_BINARY [PROGRAM...]}")
shift
runs=${RUNS:-60}
programs=("$@")
if [ ${#programs[@]} -eq 0 ]; then
    for dir in "$here"/assets/sim/*/; do programs+=("$(basename "$dir")"); done
fi
version=$("$go" env GOVERSION)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
race_flag=()
[ "${RACE:-0}" = 1 ] && race_flag=(-race)
load() { cut -d' ' -f1 /proc/loadavg; }

for program in "${programs[@]}"; do
    (cd "$here/assets/sim/$program" && GOFLAGS=-mod=mod "$go" build "${race_flag[@]}" -o "$work/$program" .)
    before=$(load)
    map_fatal=0 other_fatal=0 panics=0 clean=0 races=0
    for _ in $(seq "$runs"); do
        "$work/$program" >"$work/out" 2>&1 || true
        if grep -q '^WARNING: DATA RACE' "$work/out"; then races=$((races + 1)); fi
        if grep -q '^fatal error: concurrent map' "$work/out"; then
            map_fatal=$((map_fatal + 1))
        elif grep -q '^fatal error: ' "$work/out"; then
            other_fatal=$((other_fatal + 1))
        elif grep -q '^panic: ' "$work/out"; then
            panics=$((panics + 1))
        else
            clean=$((clean + 1))
        fi
    done
    printf '%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n' "$program" "$version" "$runs" "$map_fatal" "$other_fatal" \
        "$panics" "$clean" "$races" "$before" "$(load)"
done
