#!/usr/bin/env bash
# Side-by-side wall times of the locate commands against the tools they promise to match (issue 5):
#   grep:  runbook grep 'map\[.*\]' --include '*.go' GOROOT/src   vs  rg -n --no-heading -g '*.go'   (target <= 1.2x)
#   blame: runbook blame -L 21,40 FILE   vs  git blame -L 21,40 FILE on a 2,400-commit fixture (target <= 1.0x),
#          -L 300,320 (lines edited all along, so every step needs a diff), and the whole file (issue 16:
#          target <= 1.0x)
# Each command runs RUNS times, alternating with its rival after one warm-up each; the median wall time
# counts (the machine is shared: medians resist the noise), and median CPU time (user+sys) is shown beside it
# because it is far less sensitive to other load. Output goes to a file, not /dev/null, so no
# tool can take a /dev/null shortcut. Prints one table; exits 0 even when a target is missed (a benchmark
# is not a test), 2 when something it needs is missing.
#
# usage: benches/compare.sh [RUNBOOK_BIN]
# env:   RUNBOOK_BIN (default target/release/runbook)  RUNBOOK_RG (rg)  RUNBOOK_GIT (git)
#        RUNBOOK_GO_SRC (GOROOT/src; default: .tools/venv/lib/python3*/site-packages/go/src, or $(go env GOROOT)/src
#        with RUNBOOK_GO)  RUNBOOK_BLAME_FIXTURE (default target/blame-fixture, built if missing)  RUNS (default 11)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runbook=${1:-${RUNBOOK_BIN:-$here/target/release/runbook}}
rg=${RUNBOOK_RG:-rg}
git=${RUNBOOK_GIT:-git}
runs=${RUNS:-11}
fixture=${RUNBOOK_BLAME_FIXTURE:-$here/target/blame-fixture}

die() { echo "compare.sh: $*" >&2; exit 2; }
[ -x "$runbook" ] || die "no runbook binary at $runbook (cargo build --release)"
# The commands run inside the searched tree: the binary's path must not be relative.
runbook="$(cd "$(dirname "$runbook")" && pwd)/$(basename "$runbook")"
command -v "$rg" >/dev/null || die "rg not found (set RUNBOOK_RG)"
command -v "$git" >/dev/null || die "git not found (set RUNBOOK_GIT)"
src=${RUNBOOK_GO_SRC:-}
if [ -z "$src" ] && [ -n "${RUNBOOK_GO:-}" ]; then src="$("$RUNBOOK_GO" env GOROOT)/src"; fi
if [ -z "$src" ]; then
    for candidate in "$here"/.tools/venv/lib/python3*/site-packages/go/src; do src=$candidate; done
fi
[ -d "$src" ] || die "Go source tree not found (set RUNBOOK_GO_SRC or RUNBOOK_GO; make tools)"
if [ ! -d "$fixture" ]; then
    GIT=$git "$here/benches/make-blame-fixture.sh" "$fixture" >/dev/null
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# time_ms OUTFILE CMD...: runs CMD with stdout to OUTFILE, prints "wall_ms cpu_ms" (cpu = user + sys).
time_ms() {
    local file=$1 TIMEFORMAT='%R %U %S' t
    shift
    t=$( { time "$@" >"$file" 2>/dev/null || [ $? -eq 1 ]; } 2>&1 )
    awk -v t="$t" 'BEGIN { split(t, v, " "); printf "%.1f %.1f\n", v[1] * 1000, (v[2] + v[3]) * 1000 }'
}

# median COLUMN < FILE
median() { awk -v c="$1" '{ print $c }' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# compare NAME TARGET DIR "OURS..." "THEIRS...": alternate runs, print a table row.
compare() {
    local name=$1 target=$2 dir=$3 ours=$4 theirs=$5 i
    : >"$out/ours.ms"; : >"$out/theirs.ms"
    (cd "$dir" && eval "$ours" >/dev/null 2>&1 || true; eval "$theirs" >/dev/null 2>&1 || true)
    for ((i = 0; i < runs; i++)); do
        (cd "$dir" && time_ms "$out/ours.txt" eval "$ours") >>"$out/ours.ms"
        (cd "$dir" && time_ms "$out/theirs.txt" eval "$theirs") >>"$out/theirs.ms"
    done
    local a b ac bc
    a=$(median 1 <"$out/ours.ms"); b=$(median 1 <"$out/theirs.ms")
    ac=$(median 2 <"$out/ours.ms"); bc=$(median 2 <"$out/theirs.ms")
    awk -v n="$name" -v a="$a" -v b="$b" -v ac="$ac" -v bc="$bc" -v t="$target" \
        -v lo="$(wc -l <"$out/ours.txt")" -v lt="$(wc -l <"$out/theirs.txt")" 'BEGIN {
        r = a / b; rc = (bc > 0 ? ac / bc : 0)
        printf "%-44s %8.1f %8.1f %6.2fx  <= %.1fx %-6s | cpu %7.1f %7.1f %6.2fx | lines %d vs %d\n",
            n, a, b, r, t, (r <= t ? "ok" : "MISSED"), ac, bc, rc, lo, lt }'
}

printf '%-44s %8s %8s %7s  %-13s | %-27s | %s\n' "benchmark (median of $runs)" "ours ms" "tool ms" "wall" "target" "cpu ms: ours, tool, ratio" "output"
compare "grep 'map\\[.*\\]' --include '*.go' GOROOT/src" 1.2 "$src" \
    "'$runbook' grep 'map\\[.*\\]' --include '*.go' ." \
    "'$rg' -n --no-heading 'map\\[.*\\]' -g '*.go' ."
compare "blame -L 21,40 ($( "$git" -C "$fixture" rev-list --count HEAD) commits, renamed)" 1.0 "$fixture" \
    "'$runbook' blame -L 21,40 internal/store/cache.go" \
    "'$git' blame -L 21,40 internal/store/cache.go"
compare "blame -L 300,320 (lines edited all along)" 1.0 "$fixture" \
    "'$runbook' blame -L 300,320 internal/store/cache.go" \
    "'$git' blame -L 300,320 internal/store/cache.go"
lines=$(wc -l <"$fixture/internal/store/cache.go")
compare "blame whole file ($lines lines, same history)" 1.0 "$fixture" \
    "'$runbook' blame internal/store/cache.go" \
    "'$git' blame internal/store/cache.go"
