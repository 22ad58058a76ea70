#!/usr/bin/env bash
# firedrill against rsigma, side by side, on the same inputs in one run.
#
#   benches/compare.sh [RUNS]          (default 5 runs per configuration)
#
# Needs ../shared (the SigmaHQ rules, the bench corpus, the EVTX samples).
# Installs rsigma 0.23.0 from crates.io into $TOOLS (default /work/tools,
# else ~/.local/firedrill-tools) when it is missing, builds firedrill in
# release mode, and writes only to a temporary folder. For each
# configuration it prints the median wall time, the peak memory (max RSS,
# from /usr/bin/time) and the ratio against rsigma, and it checks that the
# tools report the same alerts per rule before comparing their speed.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-5}
shared=${SHARED:-../shared}
rules="$shared/corpora/sigma/rules/windows"
evtx_dir="$shared/corpora/evtx-attack-samples"
tools=${TOOLS:-$([ -w /work ] && echo /work/tools || echo "$HOME/.local/firedrill-tools")}
rsigma="$tools/bin/rsigma"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -d "$rules" ] || { echo "needs $rules (../shared)"; exit 2; }
command -v /usr/bin/time >/dev/null || apt-get install -y time >/dev/null
if [ ! -x "$rsigma" ]; then
  echo "installing rsigma 0.23.0 into $tools (several minutes)"
  cargo install rsigma --version 0.23.0 --locked --root "$tools" --quiet
fi
cargo build --release --quiet
firedrill=target/release/firedrill

for _ in $(seq 12); do cat "$shared/bench/sysmon-flat-8k.jsonl"; done >"$tmp/bench99k.jsonl"
events=$(wc -l <"$tmp/bench99k.jsonl")

# Runs a command RUNS times; prints "median_seconds max_rss_mb".
measure() {
  local times=() rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >"$tmp/out" 2>/dev/null || true
    read -r t m <"$tmp/time"
    times+=("$t")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$median $((rss / 1024))"
}

# Alerts per rule id, as "id count" lines, from either tool's JSON lines.
per_rule() { jq -r '.rule_id' "$1" | sort | uniq -c | awk '{print $2, $1}'; }

agree() {
  per_rule "$1" >"$tmp/a"
  per_rule "$2" >"$tmp/b"
  if diff -q "$tmp/a" "$tmp/b" >/dev/null; then
    echo "   alerts agree per rule ($(wc -l <"$1") each)"
  else
    echo "   alerts per rule differ (firedrill $(wc -l <"$1"), rsigma $(wc -l <"$2")):"
    { diff "$tmp/a" "$tmp/b" || true; } | sed 's/^/     /' | head -20
  fi
}

row() { # name median rss base_median
  awk -v n="$1" -v t="$2" -v m="$3" -v b="$4" \
    'BEGIN {printf "   %-44s %7.2f s %6d MB   %5.2fx rsigma\n", n, t, m, b / t}'
}

echo "== $events flat Sysmon events x $(find "$rules" -name '*.yml' | wc -l) SigmaHQ Windows rules, $runs runs each"
"$firedrill" scan --no-logsource-gating --rules "$rules" "$tmp/bench99k.jsonl" >"$tmp/fd.jsonl" 2>/dev/null
"$rsigma" engine eval -r "$rules" -e "@$tmp/bench99k.jsonl" --output-format ndjson >"$tmp/rs.jsonl" 2>/dev/null
agree "$tmp/fd.jsonl" "$tmp/rs.jsonl"
gated=$("$firedrill" scan --rules "$rules" "$tmp/bench99k.jsonl" 2>/dev/null | wc -l)
echo "   firedrill with logsource gating (its default): $gated alerts"

read -r rs_t rs_m < <(measure "$rsigma" engine eval -r "$rules" -e "@$tmp/bench99k.jsonl" --output-format ndjson)
read -r rsr_t rsr_m < <(measure "$rsigma" engine eval --logsource-routing -r "$rules" -e "@$tmp/bench99k.jsonl" --output-format ndjson)
best=$(awk -v a="$rs_t" -v b="$rsr_t" 'BEGIN {print (a < b ? a : b)}')
read -r f2_t f2_m < <(measure env RAYON_NUM_THREADS=2 "$firedrill" scan --no-logsource-gating --rules "$rules" "$tmp/bench99k.jsonl")
read -r f1_t f1_m < <(measure env RAYON_NUM_THREADS=1 "$firedrill" scan --no-logsource-gating --rules "$rules" "$tmp/bench99k.jsonl")
read -r fg_t fg_m < <(measure env RAYON_NUM_THREADS=2 "$firedrill" scan --rules "$rules" "$tmp/bench99k.jsonl")
row "rsigma engine eval" "$rs_t" "$rs_m" "$best"
row "rsigma engine eval --logsource-routing" "$rsr_t" "$rsr_m" "$best"
row "firedrill scan, ungated, 2 threads" "$f2_t" "$f2_m" "$best"
row "firedrill scan, ungated, 1 thread" "$f1_t" "$f1_m" "$best"
row "firedrill scan, gated, 2 threads" "$fg_t" "$fg_m" "$best"
awk -v a="$f1_t" -v b="$f2_t" 'BEGIN {printf "   scaling: 2 threads are %.2fx 1 thread\n", a / b}'

echo "== the EVTX attack samples ($(find "$evtx_dir" -iname '*.evtx' | wc -l) files)"
find "$evtx_dir" -iname '*.evtx' -print0 | sort -z >"$tmp/evtx.list"
# rsigma's own EVTX input, one file per call as its CLI takes them.
rsigma_evtx() {
  while IFS= read -r -d '' f; do
    "$rsigma" engine eval -r "$rules" -e "@$f" --output-format ndjson 2>/dev/null || true
  done <"$tmp/evtx.list"
}
export -f rsigma_evtx
export rsigma rules tmp
rsigma_evtx >"$tmp/rs-evtx.jsonl"
"$firedrill" scan --no-logsource-gating --rules "$rules" "$evtx_dir" >"$tmp/fd-evtx.jsonl" 2>/dev/null
echo "   alerts: firedrill $(wc -l <"$tmp/fd-evtx.jsonl"), rsigma on raw EVTX $(wc -l <"$tmp/rs-evtx.jsonl")"
# Like for like: rsigma on the events firedrill flattened to Sigma names.
xargs -0 "$firedrill" events <"$tmp/evtx.list" >"$tmp/evtx-flat.jsonl" 2>/dev/null || true
"$rsigma" engine eval -r "$rules" -e "@$tmp/evtx-flat.jsonl" --output-format ndjson >"$tmp/rs-flat.jsonl" 2>/dev/null
echo "   same events flattened for rsigma:"
agree "$tmp/fd-evtx.jsonl" "$tmp/rs-flat.jsonl"
# One call per file reloads the rules each time, so this is slow: run once.
runs_saved=$runs; runs=1
read -r re_t re_m < <(measure bash -c rsigma_evtx)
runs=$runs_saved
read -r fe_t fe_m < <(measure "$firedrill" scan --no-logsource-gating --rules "$rules" "$evtx_dir")
row "rsigma engine eval, each EVTX file" "$re_t" "$re_m" "$re_t"
row "firedrill scan over the folder, 2 threads" "$fe_t" "$fe_m" "$re_t"

echo "== rule loading and compiling: the $(find "$shared/corpora/sigma"/rules* -name '*.yml' | wc -l) SigmaHQ rules, no events"
load_all() {
  for d in rules rules-emerging-threats rules-threat-hunting rules-placeholder; do
    "$firedrill" scan --rules "$shared/corpora/sigma/$d" /dev/null 2>/dev/null || true
  done
}
export -f load_all
export firedrill shared
read -r l_t l_m < <(measure bash -c load_all)
awk -v t="$l_t" -v m="$l_m" 'BEGIN {printf "   firedrill, four folders one after another: %.2f s, %d MB\n", t, m}'

echo "== memory as input grows (ungated, 2 threads)"
for copies in 12 330; do
  for _ in $(seq "$copies"); do cat "$shared/bench/sysmon-flat-8k.jsonl"; done >"$tmp/grow.jsonl"
  size=$(du -m "$tmp/grow.jsonl" | cut -f1)
  runs_saved=$runs; runs=1
  read -r g_t g_m < <(measure "$firedrill" scan --no-logsource-gating --rules "$rules" "$tmp/grow.jsonl")
  runs=$runs_saved
  echo "   $size MB of JSON lines: $g_t s, peak $g_m MB"
done
rm -f "$tmp/grow.jsonl"

echo "== firedrill test on the bundled library"
read -r t_t t_m < <(measure "$firedrill" test)
awk -v t="$t_t" -v m="$t_m" 'BEGIN {printf "   %.3f s, %d MB\n", t, m}'
