#!/usr/bin/env bash
# firedrill against rsigma, side by side, on the same inputs in one run.
#
#   benches/compare.sh [RUNS]          (default 5 runs per configuration)
#
# Needs ../shared (the SigmaHQ rules, the bench corpus, the EVTX samples).
# Installs rsigma 0.23.0 from crates.io, with its EVTX reader, into $TOOLS
# (default /work/tools, else ~/.local/firedrill-tools) when it is missing,
# builds firedrill in release mode, and writes only to a temporary folder
# (about 3 GB at its largest). For each configuration it prints the median
# wall time, the peak memory (max RSS, from /usr/bin/time) and the ratio
# against rsigma, and it checks that the tools report the same alerts per
# rule before comparing their speed.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-5}
shared=${SHARED:-../shared}
rules="$shared/corpora/sigma/rules/windows"
evtx_dir="$shared/corpora/evtx-attack-samples"
tools=${TOOLS:-$([ -w /work ] && echo /work/tools || echo "$HOME/.local/firedrill-tools")}
rsigma="$tools/rsigma-evtx/bin/rsigma"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -d "$rules" ] || { echo "needs $rules (../shared)"; exit 2; }
for tool in /usr/bin/time:time jq:jq python3:python3; do
  command -v "${tool%%:*}" >/dev/null || apt-get install -y "${tool#*:}" >/dev/null
done
if [ ! -x "$rsigma" ]; then
  # Its EVTX reader is a feature; the daemon (the default feature) is not
  # needed to evaluate files and would double the build.
  echo "installing rsigma 0.23.0 into $tools/rsigma-evtx (several minutes)"
  cargo install rsigma --version 0.23.0 --locked --no-default-features \
    --features evtx --root "$tools/rsigma-evtx" --quiet
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
    # The last line: GNU time puts a line about a non-zero exit first.
    read -r t m < <(tail -n 1 "$tmp/time")
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

echo "== the EVTX attack samples ($(find "$evtx_dir" -iname '*.evtx' | wc -l) files), $runs runs each"
# rsigma's own EVTX path: one backtest over the folder, rules loaded once.
backtest=("$rsigma" rule backtest -r "$rules" --corpus "$evtx_dir" --output-format json -q --no-stats)
"${backtest[@]}" >"$tmp/rs-evtx.json" 2>/dev/null || true
rs_evtx=$(jq '[.rules[].fires] | add // 0' "$tmp/rs-evtx.json")
"$firedrill" scan --no-logsource-gating --rules "$rules" "$evtx_dir" >"$tmp/fd-evtx.jsonl" 2>/dev/null || true
echo "   alerts: firedrill $(wc -l <"$tmp/fd-evtx.jsonl"), rsigma backtest on the raw EVTX $rs_evtx"
# Like for like: rsigma on the same events, flattened to Sigma's names.
find "$evtx_dir" -iname '*.evtx' -print0 | sort -z | xargs -0 "$firedrill" events >"$tmp/evtx-flat.jsonl" 2>/dev/null || true
"$rsigma" engine eval -r "$rules" -e "@$tmp/evtx-flat.jsonl" --output-format ndjson >"$tmp/rs-flat.jsonl" 2>/dev/null
echo "   the same events flattened to Sigma's field names for rsigma:"
agree "$tmp/fd-evtx.jsonl" "$tmp/rs-flat.jsonl"
read -r re_t re_m < <(measure "${backtest[@]}")
read -r rf_t rf_m < <(measure "$rsigma" engine eval -r "$rules" -e "@$tmp/evtx-flat.jsonl" --output-format ndjson)
read -r fe_t fe_m < <(measure env RAYON_NUM_THREADS=2 "$firedrill" scan --no-logsource-gating --rules "$rules" "$evtx_dir")
read -r f1e_t f1e_m < <(measure env RAYON_NUM_THREADS=1 "$firedrill" scan --no-logsource-gating --rules "$rules" "$evtx_dir")
row "rsigma rule backtest over the folder" "$re_t" "$re_m" "$re_t"
row "rsigma engine eval, pre-flattened JSON" "$rf_t" "$rf_m" "$re_t"
row "firedrill scan over the folder, 2 threads" "$fe_t" "$fe_m" "$re_t"
row "firedrill scan over the folder, 1 thread" "$f1e_t" "$f1e_m" "$re_t"

all="$tmp/all-rules"
mkdir "$all"
for d in rules rules-emerging-threats rules-threat-hunting rules-placeholder; do
  ln -s "$(cd "$shared/corpora/sigma/$d" && pwd)" "$all/$d"
done
echo "== rule loading and compiling: the $(find -L "$all" -name '*.yml' | wc -l) SigmaHQ rules in one call, no events"
# Exit status 2: 25 rules name placeholders without values, as documented.
read -r l_t l_m < <(measure "$firedrill" scan --rules "$all" /dev/null)
read -r rl_t rl_m < <(measure "$rsigma" engine eval -r "$all" -e @/dev/null)
row "rsigma engine eval, no events" "$rl_t" "$rl_m" "$rl_t"
row "firedrill scan, no events" "$l_t" "$l_m" "$rl_t"

echo "== memory as input grows (ungated, 2 threads, one run each)"
runs_saved=$runs; runs=1
grow() { # label file
  read -r g_t g_m < <(measure "$firedrill" scan --no-logsource-gating --rules "$rules" "$2")
  echo "   $1, $(du -m "$2" | cut -f1) MB: $g_t s, peak $g_m MB"
}
grow "JSON lines, 99,060 events" "$tmp/bench99k.jsonl"
for _ in $(seq 330); do cat "$shared/bench/sysmon-flat-8k.jsonl"; done >"$tmp/grow.jsonl"
grow "JSON lines, the corpus 330 times" "$tmp/grow.jsonl"
rm -f "$tmp/grow.jsonl"
sample="$evtx_dir/Privilege Escalation/Sysmon_UACME_64.evtx"
grow "one EVTX sample" "$sample"
python3 benches/big_evtx.py "$sample" "$tmp/big.evtx" 1024
grow "that sample's chunks repeated" "$tmp/big.evtx"
rm -f "$tmp/big.evtx"
runs=$runs_saved

echo "== firedrill test on the bundled library"
read -r t_t t_m < <(measure "$firedrill" test)
awk -v t="$t_t" -v m="$t_m" 'BEGIN {printf "   %.3f s, %d MB\n", t, m}'
