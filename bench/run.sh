#!/usr/bin/env bash
# Benchmark costlint against its peers on one or more corpora.
#
#   bench/run.sh [--no-ast-grep] [--no-build] CORPUS [CORPUS...]
#
# For each corpus, measures wall time, CPU time and peak RSS (GNU time) of RUNS rounds, each
# round running every tool once in turn, after one warm-up run of each:
#   ripgrep   rg -c -f bench/model-regex.txt CORPUS
#   costlint  target/release/costlint scan --format json CORPUS
#   ast-grep  ast-grep scan -c bench/ast-grep/sgconfig.yml --json=stream CORPUS
# All output goes to /dev/null; no tool gets a thread limit; all honour .gitignore. ripgrep and
# ast-grep skip hidden files and folders, costlint reads them (`.continue/`, `.github/`), so its
# figures include that extra work. Rounds interleave the tools, and ratios are
# the median of each round's ratio: a shared machine whose speed drifts over minutes skews
# every tool of a round alike, where timing all runs of one tool, then the next, would not.
#
# Environment:
#   RUNS=5           timed runs per tool and corpus
#   AST_GREP=path    ast-grep binary (else PATH, else /work/tools/ast-grep/node_modules/.bin)
#   OUT_DIR=dir      where the raw timings and outputs go (default: a new temp dir)
#
# Never downloads anything: corpora and peer tools must already be there (see bench/README.md).
set -euo pipefail

die() { printf '\nrun.sh: error: %s\n' "$*" >&2; exit 2; }
note() { printf '%s\n' "$*" >&2; }

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
REGEX_FILE="$BENCH_DIR/model-regex.txt"
SG_CONFIG="$BENCH_DIR/ast-grep/sgconfig.yml"
RUNS=${RUNS:-5}

use_ast_grep=1
build=1
build_failed=0
corpora=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-ast-grep) use_ast_grep=0 ;;
    --no-build) build=0 ;;
    -h|--help) awk 'NR>1 && !/^#/{exit} NR>1{sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; exit 0 ;;
    --) shift; corpora+=("$@"); break ;;
    -*) die "unknown option '$1' (try --help)" ;;
    *) corpora+=("$1") ;;
  esac
  shift
done

[ ${#corpora[@]} -gt 0 ] || die "no corpus given. Usage: bench/run.sh [--no-ast-grep] [--no-build] CORPUS [CORPUS...]"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"

# --- Corpora: every path must exist before anything runs ------------------------------------
missing=0
for c in "${corpora[@]}"; do
  if [ ! -d "$c" ]; then
    note "run.sh: error: corpus directory '$c' does not exist."
    missing=1
  fi
done
[ $missing = 0 ] || die "missing corpus path(s). Obtain the corpora as described in bench/README.md (commits in bench/corpora.txt); this script never downloads anything."

# --- Tools ----------------------------------------------------------------------------------
command -v rg >/dev/null || die "ripgrep (rg) not found: apt-get install ripgrep"
[ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1 \
  || die "GNU time not found at /usr/bin/time: apt-get install time"
if command -v jq >/dev/null; then JSON=jq
elif command -v python3 >/dev/null; then JSON=python3
else die "need jq or python3 to read JSON output: apt-get install jq"; fi
[ -f "$REGEX_FILE" ] || die "$REGEX_FILE is missing"
REGEX=$(head -n1 "$REGEX_FILE")

AG=""
if [ $use_ast_grep = 1 ]; then
  if [ -n "${AST_GREP:-}" ]; then AG=$AST_GREP
  elif command -v ast-grep >/dev/null; then AG=$(command -v ast-grep)
  elif [ -x /work/tools/ast-grep/node_modules/.bin/ast-grep ]; then AG=/work/tools/ast-grep/node_modules/.bin/ast-grep
  fi
  # Note: `sg` is deliberately not tried: on many systems it is shadow-utils' sg, not ast-grep.
  [ -n "$AG" ] && "$AG" --version 2>/dev/null | grep -q '^ast-grep' \
    || die "ast-grep not found (set AST_GREP=/path/to/ast-grep, or npm install --prefix /work/tools/ast-grep @ast-grep/cli), or pass --no-ast-grep"
  [ -f "$SG_CONFIG" ] || die "$SG_CONFIG is missing"
  for r in "$BENCH_DIR"/ast-grep/rules/*.yml; do
    grep -qF "regex: '$REGEX'" "$r" || die "the regex in $r differs from bench/model-regex.txt; keep them identical"
  done
fi

# --- Build costlint ---------------------------------------------------------------------------
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
COSTLINT="$TARGET_DIR/release/costlint"
if [ $build = 1 ]; then
  note "building costlint (cargo build --release --locked)..."
  if ! (cd "$ROOT" && cargo build --release --locked); then
    note ""
    note "run.sh: ERROR: cargo build --release --locked failed; costlint rows will be n/a (a stale"
    note "        binary is not used). The peers are still measured. Exit status will be 1."
    build_failed=1
  fi
fi

OUT_DIR=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/costlint-bench.XXXXXX")}
mkdir -p "$OUT_DIR"

# --- Helpers ----------------------------------------------------------------------------------
is_json() {
  [ -s "$1" ] || return 1
  if [ $JSON = jq ]; then jq -e . "$1" >/dev/null 2>&1
  else python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; fi
}
# A count of findings in costlint's JSON, best effort (top-level array, or the longest array
# found under a top-level key).
json_count() {
  if [ $JSON = jq ]; then
    jq -r 'if type=="array" then length elif type=="object" then ([.[] | select(type=="array") | length] | max // "?") else "?" end' "$1" 2>/dev/null || echo "?"
  else
    python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
if isinstance(d,list): print(len(d))
elif isinstance(d,dict):
    ls=[len(v) for v in d.values() if isinstance(v,list)]; print(max(ls) if ls else "?")
else: print("?")' "$1" 2>/dev/null || echo "?"
  fi
}
q() { printf '%q' "$1"; }

# CPU seconds used by the whole machine (all processes) so far, from /proc/stat.
machine_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '/^cpu /{print ($2+$3+$4+$7+$8+$9)/hz; exit}' /proc/stat
}
# CPU seconds used so far by this shell's finished children (the tools it timed).
# Call as `children_cpu VAR`, not in $(...): a subshell has no finished children of its own.
children_cpu() {
  times > "$OUT_DIR/.times"
  printf -v "$1" '%s' "$(awk 'NR==2{ for (i=1;i<=2;i++){ split($i,a,"m"); sub("s","",a[2]); s+=a[1]*60+a[2] } print s }' "$OUT_DIR/.times")"
}

# time_once TAG CMD: runs CMD once; appends "wall user+sys rss_kb" to $OUT_DIR/TAG.times.
time_once() {
  local tag=$1 cmd=$2 t0 t1 usage
  t0=$(date +%s.%N)
  /usr/bin/time -o "$OUT_DIR/.usage" -f "%U %S %M" bash -c "$cmd" || true
  t1=$(date +%s.%N)
  # GNU time also writes "Command exited with non-zero status N": keep the numbers line.
  usage=$(grep -E '^[0-9.]+ [0-9.]+ [0-9]+$' "$OUT_DIR/.usage" | tail -n1)
  awk -v a="$t0" -v b="$t1" -v u="$usage" 'BEGIN{split(u,x," "); printf "%.4f %.3f %d\n", b-a, x[1]+x[2], x[3]}' \
    >> "$OUT_DIR/$tag.times"
}
# stats TAG -> "median_wall mean_cpu max_rss_mb" over the rounds in $OUT_DIR/TAG.times.
stats() {
  sort -n "$OUT_DIR/$1.times" | awk '{w[NR]=$1; c+=$2; if($3>r)r=$3} END{m=(NR%2)?w[(NR+1)/2]:(w[NR/2]+w[NR/2+1])/2; printf "%.4f %.3f %.1f\n", m, c/NR, r/1024}'
}
# ratio A B -> the median over rounds of (A's wall / B's wall).
ratio() {
  paste -d' ' "$OUT_DIR/$1.times" "$OUT_DIR/$2.times" | awk '{print $1/$4}' | sort -n \
    | awk '{r[NR]=$1} END{printf "%.2f", (NR%2)?r[(NR+1)/2]:(r[NR/2]+r[NR/2+1])/2}'
}

ver() { "$@" 2>/dev/null | head -n1 || true; }

# --- Header -----------------------------------------------------------------------------------
echo "== costlint benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine:   $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //'), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
cl_ver=""; [ $build_failed = 0 ] && cl_ver=$(ver "$COSTLINT" --version)
echo "costlint:  ${cl_ver:-?} ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo 'no commit'))"
echo "ripgrep:   $(ver rg --version)"
[ $use_ast_grep = 1 ] && echo "ast-grep:  $(ver "$AG" --version) ($AG)"
echo "runs:      1 warm-up + $RUNS rounds, each running every tool once in turn; wall = median,"
echo "           ratios = median of the rounds' ratios, cpu = mean user+sys, RSS = max"
echo "regex:     $REGEX"
echo "raw data:  $OUT_DIR"
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
echo "load:      $load (1-min average, includes the build; see 'other load' per corpus)"

status=0
for corpus in "${corpora[@]}"; do
  corpus=$(cd "$corpus" && pwd)
  tag=$(basename "$corpus")
  echo
  echo "== corpus $corpus"
  # File counts: on disk (minus .git), and as the ignore-respecting walkers see them.
  total=$(find "$corpus" -type f -not -path '*/.git/*' | wc -l)
  rg --files "$corpus" > "$OUT_DIR/$tag.files"
  walked=$(wc -l < "$OUT_DIR/$tag.files")
  n_py=$(grep -cE '\.pyi?$' "$OUT_DIR/$tag.files" || true)
  n_ts=$(grep -cE '\.(ts|mts|cts|tsx)$' "$OUT_DIR/$tag.files" || true)
  n_js=$(grep -cE '\.(js|mjs|cjs|jsx)$' "$OUT_DIR/$tag.files" || true)
  n_cfg=$(grep -cE '\.(ya?ml|json|jsonc)$' "$OUT_DIR/$tag.files" || true)
  matched=$(rg -l -f "$REGEX_FILE" "$corpus" | wc -l || true)
  echo "files:     $total on disk (excl. .git), $walked after .gitignore/hidden (rg --files)"
  echo "           of which .py/.pyi $n_py, .ts/.tsx/.mts/.cts $n_ts, .js/.jsx/.mjs/.cjs $n_js, .yaml/.json $n_cfg"
  echo "           $matched files match the model regex (rg -l)"

  C_RG="rg -c -f $(q "$REGEX_FILE") $(q "$corpus") > /dev/null"
  C_CL="$(q "$COSTLINT") scan --format json $(q "$corpus") > /dev/null"
  C_AG="$(q "$AG") scan -c $(q "$SG_CONFIG") --json=stream $(q "$corpus") > /dev/null"

  # Probe runs (also warm the page cache): output sizes, and whether costlint scan works yet.
  rg_out=$(rg -c -f "$REGEX_FILE" "$corpus" | awk -F: '{s+=$NF} END{print s+0}' || true)
  cl_ok=0; cl_out="n/a"
  if [ $build_failed = 1 ]; then
    note "  costlint build failed -> costlint row is n/a"
    status=1
  elif [ -x "$COSTLINT" ]; then
    set +e
    "$COSTLINT" scan --format json "$corpus" > "$OUT_DIR/$tag.costlint.json" 2> "$OUT_DIR/$tag.costlint.err"
    cl_rc=$?
    set -e
    if is_json "$OUT_DIR/$tag.costlint.json"; then
      cl_ok=1; cl_out="$(json_count "$OUT_DIR/$tag.costlint.json") findings (exit $cl_rc)"
    else
      note "  costlint scan gave no JSON (exit $cl_rc): $(head -c 200 "$OUT_DIR/$tag.costlint.err" | head -n2 | tr '\n' ' ')"
      note "  -> costlint row is n/a"
      status=1
    fi
  else
    note "  $COSTLINT not found -> costlint row is n/a"
    status=1
  fi
  if [ $use_ast_grep = 1 ]; then
    set +e
    "$AG" scan -c "$SG_CONFIG" --json=stream "$corpus" > "$OUT_DIR/$tag.ast-grep.jsonl" 2> "$OUT_DIR/$tag.ast-grep.err"
    ag_rc=$?
    set -e
    ag_out="$(wc -l < "$OUT_DIR/$tag.ast-grep.jsonl") strings (exit $ag_rc)"
  fi

  mc0=$(machine_cpu); children_cpu cc0; wall0=$(date +%s.%N)
  tools=(rg); [ $cl_ok = 1 ] && tools+=(costlint); [ $use_ast_grep = 1 ] && tools+=(ast-grep)
  declare -A CMD=([rg]="$C_RG" [costlint]="$C_CL" [ast-grep]="$C_AG")
  for t in "${tools[@]}"; do : > "$OUT_DIR/$tag.$t.times"; done
  note "  warm-up, then $RUNS rounds of: ${tools[*]}..."
  for t in "${tools[@]}"; do bash -c "${CMD[$t]}" || true; done
  for ((round = 1; round <= RUNS; round++)); do
    for t in "${tools[@]}"; do time_once "$tag.$t" "${CMD[$t]}"; done
  done
  read -r rg_med rg_cpu rg_rss < <(stats "$tag.rg")
  rows=("ripgrep|$rg_med|1.00|$rg_cpu|$rg_rss|$rg_out matching lines")
  if [ $cl_ok = 1 ]; then
    read -r med cpu rss < <(stats "$tag.costlint")
    rows+=("costlint|$med|$(ratio "$tag.costlint" "$tag.rg")|$cpu|$rss|$cl_out")
  else
    rows+=("costlint|n/a|n/a|n/a|n/a|n/a")
  fi
  if [ $use_ast_grep = 1 ]; then
    read -r med cpu rss < <(stats "$tag.ast-grep")
    rows+=("ast-grep|$med|$(ratio "$tag.ast-grep" "$tag.rg")|$cpu|$rss|$ag_out")
  fi

  mc1=$(machine_cpu); children_cpu cc1; wall1=$(date +%s.%N)
  # CPU that other processes took while we measured: a busy machine skews every row.
  contention=$(awk -v m0="$mc0" -v m1="$mc1" -v c0="$cc0" -v c1="$cc1" -v w0="$wall0" -v w1="$wall1" -v n="$(nproc)" \
    'BEGIN{o=(m1-m0)-(c1-c0); if(o<0)o=0; printf "%.1f %.0f", o, 100*o/((w1-w0)*n)}')
  read -r other_cpu other_pct <<< "$contention"
  echo "other load: other processes used ${other_cpu} CPU-s (${other_pct}% of the machine) during these measurements"
  if [ "$other_pct" -gt 5 ]; then
    note "run.sh: WARNING: other processes took ${other_pct}% of the CPU while $corpus was measured: timings are not clean."
    echo "            WARNING: > 5%, timings below are not clean; rerun on an idle machine"
  fi
  echo "commands:  ripgrep  $C_RG"
  echo "           costlint $C_CL"
  [ $use_ast_grep = 1 ] && echo "           ast-grep $C_AG"
  echo
  printf '%-9s %10s %9s %9s %11s  %s\n' tool "median s" "vs rg" "cpu s" "peak RSS MB" output
  for row in "${rows[@]}"; do
    IFS='|' read -r t med r cpu rss out <<< "$row"
    if [ "$med" = n/a ]; then
      printf '%-9s %10s %9s %9s %11s  %s\n' "$t" n/a n/a n/a n/a "$out"
    else
      printf '%-9s %10.3f %8sx %9.2f %11s  %s\n' "$t" "$med" "$r" "$cpu" "$rss" "$out"
    fi
  done
  if [ $use_ast_grep = 1 ]; then
    if [ $cl_ok = 1 ]; then
      echo "costlint vs ast-grep speedup: $(ratio "$tag.ast-grep" "$tag.costlint")x (median over rounds of ast-grep's wall / costlint's)"
    else
      echo "costlint vs ast-grep speedup: n/a"
    fi
  fi
done

[ $status = 0 ] || note $'\nrun.sh: note: costlint could not be measured on at least one corpus (row n/a).'
if [ $build_failed = 1 ]; then
  note "run.sh: ERROR: the costlint build failed (see above)."
  exit 1
fi
exit 0
