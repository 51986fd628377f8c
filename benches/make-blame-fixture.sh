#!/usr/bin/env bash
# Builds the blame benchmark fixture: a git repository whose file internal/store/cache.go has COMMITS
# commits of history (default 2400), was renamed from pkg/cache/cache.go halfway, and sits among 200 other
# files that change now and then. Lines 1-30 are never edited after the first commit, so blaming a range
# that includes them walks the whole history, across the rename; the lines below are edited and inserted
# into all along, by five authors. Deterministic: same input, same commit ids.
#
# usage: benches/make-blame-fixture.sh DIR [COMMITS]     (DIR must not exist; needs git and awk)
set -euo pipefail
dir=${1:?usage: make-blame-fixture.sh DIR [COMMITS]}
commits=${2:-2400}
git=${GIT:-git}
[ -e "$dir" ] && { echo "make-blame-fixture: $dir already exists" >&2; exit 2; }
mkdir -p "$dir"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
"$git" -C "$dir" init -q -b main

awk -v N="$commits" '
function emit(path, content) {
  printf "M 100644 inline %s\ndata %d\n%s\n", path, length(content), content
}
BEGIN {
  split("Alice Bob Carol Dave Erin", names, " ")
  nl = 400
  for (j = 1; j <= nl; j++) line[j] = sprintf("\tx%d := lookup(m, %d) // original", j, j)
  path = "pkg/cache/cache.go"
  for (i = 1; i <= N; i++) {
    if (i > 1 && i != int(N / 2)) {
      k = 31 + (i * 7919) % (nl - 30)
      line[k] = sprintf("\tx%d := lookup(m, %d) // edited in commit %d", k, k, i)
      if (i % 10 == 0) {
        k = 31 + (i * 104729) % (nl - 30)
        for (j = nl; j >= k; j--) line[j + 1] = line[j]
        line[k] = sprintf("\ty%d := len(m) // inserted in commit %d", i, i)
        nl++
      }
    }
    who = names[1 + i % 5]
    t = 1500000000 + i * 3600
    msg = sprintf("cache: change %d", i)
    if (i == int(N / 2)) msg = "move the cache to internal/store"
    printf "commit refs/heads/main\nmark :%d\n", i
    printf "author %s <%s@example.com> %d +0100\n", who, tolower(who), t
    printf "committer %s <%s@example.com> %d +0100\n", who, tolower(who), t
    printf "data %d\n%s\n", length(msg), msg
    if (i > 1) printf "from :%d\n", i - 1
    if (i == 1) {
      for (f = 0; f < 200; f++) emit(sprintf("other/d%d/f%d.go", f % 10, f), sprintf("package d%d\n// file %d v0\n", f % 10, f))
    } else if (i % 3 == 0) {
      f = (i * 31) % 200
      emit(sprintf("other/d%d/f%d.go", f % 10, f), sprintf("package d%d\n// file %d v%d\n", f % 10, f, i))
    }
    if (i == int(N / 2)) {
      printf "D %s\n", path
      path = "internal/store/cache.go"
    }
    content = "package store\n"
    for (j = 1; j <= nl; j++) content = content line[j] "\n"
    emit(path, content)
    printf "\n"
  }
}' | "$git" -C "$dir" fast-import --quiet

"$git" -C "$dir" checkout -q -f main
# A repository as it usually is: packed, with a commit-graph (git gc writes one by default).
"$git" -C "$dir" gc -q
echo "$dir: $("$git" -C "$dir" rev-list --count HEAD -- internal/store/cache.go pkg/cache/cache.go) commits touch the file"
