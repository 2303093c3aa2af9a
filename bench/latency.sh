#!/usr/bin/env bash
# Latency of a pre-commit-sized run: `costlint check` on 5 files (the fixtures a hook would
# pass), start-up and catalog loading included. Prints each run's wall time in milliseconds
# (GNU time, `%e` has 10 ms steps, so `date +%s%N` around each run), then the median and the
# maximum. The goal: under 50 ms on the project's 2-core machine.
#
#   bench/latency.sh [COSTLINT_BINARY] [RUNS]      # default target/release/costlint, 20 runs
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/costlint}
runs=${2:-20}
# Five files under one policy (here the embedded default), as a hook passes the staged files
# of one repository. Files under several policies cost one catalog load per policy.
files=(
  fixtures/checks/expired-suppression/app.py
  fixtures/checks/invalid-directive/app.py
  fixtures/checks/max-tokens-exceeds-model/app.py
  fixtures/checks/missing-max-tokens/app.js
  fixtures/checks/unknown-model/app.py
)
export COSTLINT_TODAY=2026-11-25
"$bin" check --format concise "${files[@]}" > /dev/null || true   # warm the page cache
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  /usr/bin/time -f '%e s %M KB' -o /tmp/costlint-latency.time \
    "$bin" check --format concise "${files[@]}" > /dev/null || true
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
done
printf '%s\n' "${times[@]}" | sort -n > /tmp/costlint-latency.ms
echo "runs (ms): ${times[*]}"
echo "median: $(sed -n "$(( (runs + 1) / 2 ))p" /tmp/costlint-latency.ms) ms, max: $(tail -1 /tmp/costlint-latency.ms) ms, peak RSS of the last run: $(tail -1 /tmp/costlint-latency.time | cut -d' ' -f3) KB"
