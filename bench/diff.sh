#!/usr/bin/env bash
# The cost of a pull-request check: `costlint check --base HEAD` against a plain `costlint check`
# of the same tree, on a git repository built from CORPUS (every file, one commit) in which ten
# files that name `gpt-4o` are changed in the working tree. Prints each round and the median of
# the per-round ratios (rounds interleave the two commands, like run.sh).
#
#   bench/diff.sh CORPUS [RUNS]        e.g. bench/diff.sh /work/corpora/llm 7
set -euo pipefail
corpus=${1:?usage: bench/diff.sh CORPUS [RUNS]}
runs=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
bin="$here/target/release/costlint"
[ -x "$bin" ] || (cd "$here" && cargo build --release --locked)
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
(cd "$corpus" && tar cf - --exclude=.git .) | (cd "$repo" && tar xf -)
cd "$repo"
git init -q && git add -A >/dev/null 2>&1
git -c user.email=bench@costlint -c user.name=bench commit -qm base
echo "repository: $(git ls-files | wc -l) files"
changed=0
while IFS= read -r f; do
  sed -i '0,/"gpt-4o"/s//"gpt-4o-mini"/' "$f"
  changed=$((changed + 1))
done < <(grep -rl --include=*.py '"gpt-4o"' . | sort | head -10)
echo "changed: $changed files"
ratios=()
for i in $(seq "$runs"); do
  a=$( { /usr/bin/time -f %e "$bin" check --fail-on never --format json . > /dev/null; } 2>&1 )
  b=$( { /usr/bin/time -f %e "$bin" check --base HEAD --fail-on never --format json . > /dev/null; } 2>&1 )
  r=$(python3 -c "print(round($b / $a, 3))")
  ratios+=("$r")
  echo "round $i: check ${a}s, check --base ${b}s, ratio $r"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print "median ratio check --base / check: " a[int((NR+1)/2)]}'
