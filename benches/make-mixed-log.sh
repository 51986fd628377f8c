#!/usr/bin/env bash
# Writes a mixed Go log of about SIZE_MB megabytes (default 100) to OUT, built from the real captures in
# tests/fixtures/go/logs (issue 17's benchmark input): gctrace split by chatty application output, whole gc lines,
# and every 50th round a crash dump and a race report, the shape of a production log around an incident.
#
# usage: benches/make-mixed-log.sh OUT [SIZE_MB]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: make-mixed-log.sh OUT [SIZE_MB]}
size_mb=${2:-100}
logs=$here/tests/fixtures/go/logs
round=$(mktemp)
incident=$(mktemp)
trap 'rm -f "$round" "$round.50" "$incident"' EXIT
cat "$logs/gctrace_chatty.go1.27.log" "$logs/gctrace_alloc.go1.19.log" >"$round"
cat "$logs/map_read_write.go1.27.log" "$logs/map_read_write_race.go1.19.log" >"$incident"
# 50 rounds and one incident, then the block repeated: as benches/parse.rs builds its mixed log.
{ cat "$incident"; for _ in $(seq 50); do cat "$round"; done; } >"$round.50"
block=$(stat -c %s "$round.50")
count=$(( (size_mb * 1000000 + block - 1) / block ))
: >"$out"
for _ in $(seq "$count"); do cat "$round.50"; done >>"$out"
