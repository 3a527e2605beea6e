#!/usr/bin/env bash
# measure's cut sweeps on this host, repeated: for each sample (resnet50 and repvgg-a0 by default) RUNS times (3 by
# default), `measure --sample S --threads 1` with the host probed in the same rounds as the parts; with FIXED=1 also a
# `probe --threads 1 -o host.json` before each round of samples and `measure … --host host.json` after it (the probe
# taken once, as before). Prints, per run, Spearman's rank correlation and the MAPE at kernel and at node level, and
# the probe's "host looked busy" warnings. Timings: run it on an otherwise idle machine.
#   bench/measure.sh [SAMPLE ...]              (RUNS=3 FIXED=0 CUTS=15 TIMED=10 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
samples=("$@"); [ ${#samples[@]} -gt 0 ] || samples=(resnet50 repvgg-a0)
RUNS=${RUNS:-3}; FIXED=${FIXED:-0}; CUTS=${CUTS:-15}; TIMED=${TIMED:-10}
# Outputs go to a temporary folder: never point an output at /dev/null or another device.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
dotnet build src/Compiler -c Release -nologo > "$scratch/build.log" 2>&1 || { cat "$scratch/build.log" >&2; exit 1; }
tool=(dotnet src/Compiler/bin/Release/net10.0/dotnet-codesign-compile.dll)
printf 'measure, 1 thread, %s cuts, %s timed runs (mean of the middle ones); load: %s\n' "$CUTS" "$TIMED" "$(uptime | sed 's/.*load average: //')"
printf '%-10s %-12s %3s %8s %7s %9s %6s\n' sample host run spearman mape_% node_mape busy
row() { # sample, host label, run, log
  awk -v s="$1" -v h="$2" -v r="$3" '
    /^host profile / { sp=$(NF-5); sub(",", "", sp); m=$(NF-3); sub("%", "", m) }
    /\(node level\)/ { n=$(NF-3); sub("%", "", n) }
    /looked busy/ { b++ }
    END { printf "%-10s %-12s %3d %8s %7s %9s %6d\n", s, h, r, sp, m, n, b }' "$4"
}
for run in $(seq "$RUNS"); do
  if [ "$FIXED" = 1 ]; then
    "${tool[@]}" probe --threads 1 -o "$scratch/host.json" > "$scratch/probe.log" 2>&1 || { cat "$scratch/probe.log" >&2; exit 1; }
  fi
  for sample in "${samples[@]}"; do
    "${tool[@]}" measure --sample "$sample" --threads 1 --cuts "$CUTS" --runs "$TIMED" > "$scratch/log" 2>&1 || { cat "$scratch/log" >&2; exit 1; }
    row "$sample" alongside "$run" "$scratch/log"
    if [ "$FIXED" = 1 ]; then
      "${tool[@]}" measure --sample "$sample" --host "$scratch/host.json" --threads 1 --cuts "$CUTS" --runs "$TIMED" > "$scratch/log" 2>&1 \
        || { cat "$scratch/log" >&2; exit 1; }
      cat "$scratch/probe.log" >> "$scratch/log"
      row "$sample" probed-first "$run" "$scratch/log"
    fi
  done
done
