#!/usr/bin/env bash
# Peak memory of `costlint scan` on one copy of a corpus and on five, to check that memory does
# not grow with the repository (issue 9, item 11: both under 100 MB, within 1.5x of each other).
#
#   bench/memory.sh [--no-build] CORPUS [FIVE_DIR]
#
# FIVE_DIR (default: CORPUS's parent/corpora5, here /work/corpora5) must hold five copies of
# CORPUS as c1 … c5; when it is missing they are made with `cp -a` (about 5x CORPUS on disk).
# Each scan runs RUNS times (default 3) with output to /dev/null; the peak RSS of each run
# (GNU time, `%M`, KB) is printed, then the largest of each size and their ratio. Then the same
# for `check --fail-on never`, which also holds every diagnostic (thousands on these corpora).
set -euo pipefail

die() { printf 'memory.sh: error: %s\n' "$*" >&2; exit 2; }

build=1
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
[ $# -ge 1 ] || die "usage: bench/memory.sh [--no-build] CORPUS [FIVE_DIR]"
CORPUS=$(cd "$1" && pwd) || die "corpus '$1' does not exist"
FIVE=${2:-$(dirname "$CORPUS")5}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/target/release/costlint"

[ -x /usr/bin/time ] || die "GNU time not found at /usr/bin/time: apt-get install time"
if [ $build = 1 ]; then (cd "$ROOT" && cargo build --release --quiet); fi
[ -x "$BIN" ] || die "$BIN is missing: run cargo build --release"

if [ ! -d "$FIVE" ]; then
  mkdir -p "$FIVE"
  for i in 1 2 3 4 5; do cp -a "$CORPUS" "$FIVE/c$i"; done
fi
for i in 1 2 3 4 5; do [ -d "$FIVE/c$i" ] || die "$FIVE/c$i is missing"; done

peak() { # prints the largest peak RSS (KB) of RUNS runs of `costlint $1 --format json $2`
  local best=0 kb
  for _ in $(seq "$RUNS"); do
    # shellcheck disable=SC2086 # $1 is a command and its flags
    kb=$( { /usr/bin/time -f %M "$BIN" $1 --format json "$2" >/dev/null; } 2>&1 | tail -n1 )
    printf '  %s %s: %s KB\n' "$1" "$2" "$kb" >&2
    [ "$kb" -gt "$best" ] && best=$kb
  done
  echo "$best"
}

files_one=$("$BIN" scan --format json "$CORPUS" | grep -m1 '"files_seen"' | tr -dc 0-9)
files_five=$("$BIN" scan --format json "$FIVE" | grep -m1 '"files_seen"' | tr -dc 0-9)
for cmd in scan "check --fail-on never"; do
  one=$(peak "$cmd" "$CORPUS")
  five=$(peak "$cmd" "$FIVE")
  awk -v c="$cmd" -v o="$one" -v f="$five" -v fo="$files_one" -v ff="$files_five" 'BEGIN {
    printf "%s\n", c
    printf "  one copy:    %6.1f MB peak (%d files read)\n", o / 1024, fo
    printf "  five copies: %6.1f MB peak (%d files read)\n", f / 1024, ff
    printf "  ratio:       %6.2fx (target for scan: both under 100 MB, at most 1.5x)\n", f / o
  }'
done
