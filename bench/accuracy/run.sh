#!/usr/bin/env bash
# Score costlint against the hand-labelled accuracy set.
#
#   bench/accuracy/run.sh CHECKOUTS_DIR [COSTLINT_BIN] [score.py flags: --verbose --json]
#
# Expects CHECKOUTS_DIR/<name> checked out at the commit in repos.txt for every repository;
# runs `COSTLINT_TODAY=2026-11-30 COSTLINT_BIN scan --format json .` inside each one, then
# score.py on the outputs. COSTLINT_BIN defaults to target/release/costlint of this checkout.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

[ $# -ge 1 ] || { echo "usage: $0 CHECKOUTS_DIR [COSTLINT_BIN] [--verbose] [--json]" >&2; exit 2; }
CHECKOUTS=$1
[ -d "$CHECKOUTS" ] && CHECKOUTS=$(cd "$CHECKOUTS" && pwd)
shift
BIN="$ROOT/target/release/costlint"
if [ $# -ge 1 ] && [ "${1#--}" = "$1" ]; then BIN=$1; shift; fi
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac
[ -x "$BIN" ] || { echo "run.sh: no costlint binary at $BIN (build with cargo build --release)" >&2; exit 2; }

missing=()
while read -r name url commit; do
  case "$name" in ''|\#*) continue ;; esac
  dir="$CHECKOUTS/$name"
  head=$(git -C "$dir" rev-parse HEAD 2>/dev/null || true)
  if [ "$head" != "$commit" ]; then
    missing+=("git clone $url $dir && git -C $dir checkout $commit")
  fi
done < "$HERE/repos.txt"
if [ ${#missing[@]} -gt 0 ]; then
  echo "run.sh: these checkouts are missing or at another commit; run:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 2
fi

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
while read -r name url commit; do
  case "$name" in ''|\#*) continue ;; esac
  # scan exits 0 (it never fails on policy); anything else is a real error
  (cd "$CHECKOUTS/$name" && COSTLINT_TODAY=2026-11-30 "$BIN" scan --format json . > "$OUT/$name.json") \
    || { echo "run.sh: costlint scan failed in $CHECKOUTS/$name" >&2; exit 2; }
done < "$HERE/repos.txt"

python3 "$HERE/score.py" --labels "$HERE/labels.jsonl" --files "$HERE/files.txt" \
  --repos "$HERE/repos.txt" --scans "$OUT" "$@"
