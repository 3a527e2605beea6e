#!/usr/bin/env bash
# Peak memory of a whole-process compile against the size of the model file: `compile MODEL -o OUT` by the tool as
# this machine's platform package ships it (linux-x64: the Native AOT executable; linux-arm64: ReadyToRun through
# dotnet), for the builder's samples (repvgg-a0, the train form, 36.6 MB, by default). Prints, per sample, the file
# size, the median and the largest max RSS over RUNS runs, and the median over the file size (the target for
# repvgg-a0 is at most 1.5). Sizes are in MB of 10^6 bytes, the file's and the RSS alike (time's %M is in KiB).
#   bench/memory.sh [SAMPLE ...]              (RUNS=5 by default; e.g. bench/memory.sh repvgg-a0 resnet50 detector)
set -euo pipefail
cd "$(dirname "$0")/.."
samples=("$@"); [ ${#samples[@]} -gt 0 ] || samples=(repvgg-a0)
RUNS=${RUNS:-5}
# Outputs go to a temporary folder: never point an output at /dev/null or another device.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
. bench/shipped-tool.sh
tool=("${shipped[@]}")
printf '%s (%s), %d runs each; load: %s\n' "$form" "$rid" "$RUNS" "$(uptime | sed 's/.*load average: //')"
printf '%-12s %9s %15s %12s %9s\n' sample file_MB median_RSS_MB max_RSS_MB rss/file
for sample in "${samples[@]}"; do
  model="$scratch/$sample.onnx"
  "${tool[@]}" sample "$sample" -o "$model" > "$scratch/log" 2>&1 || { cat "$scratch/log" >&2; exit 1; }
  bytes=$(stat -c %s "$model")
  : > "$scratch/rss"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -o "$scratch/t" -f "%M" "${tool[@]}" compile "$model" -o "$scratch/out" > "$scratch/log" 2>&1 \
      || { cat "$scratch/log" >&2; exit 1; }
    cat "$scratch/t" >> "$scratch/rss"
    rm -rf "$scratch/out"
  done
  sort -g "$scratch/rss" | awk -v s="$sample" -v b="$bytes" '{r[NR]=$1} END {
    md=(NR%2)?r[(NR+1)/2]:(r[NR/2]+r[NR/2+1])/2
    printf "%-12s %9.1f %15.1f %12.1f %9.2f\n", s, b/1e6, md*1024/1e6, r[NR]*1024/1e6, md*1024/b }'
done
