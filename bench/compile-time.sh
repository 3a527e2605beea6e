#!/usr/bin/env bash
# Whole-process time and peak memory (max RSS) of the default `compile --sample S` for two builds of the
# compiler, runs interleaved (before, after, before, …) so both see the same machine load. Prints the median
# and mean of RUNS runs per build, the median ratio and the max RSS.
#   bench/compile-time.sh BEFORE_DLL AFTER_DLL [SAMPLE ...]      (RUNS=15 by default; samples: repvgg-a0 resnet50)
# A build of an older commit: git worktree add --detach ../before REV && dotnet build ../before/src/Compiler -c Release
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BEFORE_DLL AFTER_DLL [SAMPLE ...]" >&2; exit 2; }
before=$1; after=$2; shift 2
samples=("$@"); [ ${#samples[@]} -gt 0 ] || samples=(repvgg-a0 resnet50)
RUNS=${RUNS:-15}
# Outputs go to a temporary folder: never point an output at /dev/null or another device.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
run() { # dll sample out → appends "seconds rss_kb" to $scratch/times
  /usr/bin/time -o "$scratch/t" -f "%e %M" dotnet "$1" compile --sample "$2" -o "$3" > "$scratch/log" 2>&1 \
    || { cat "$scratch/log" >&2; exit 1; }
  cat "$scratch/t"
}
stats() { # file → "median mean maxrss_mb"
  sort -g "$1" | awk '{t[NR]=$1; s+=$1; if ($2>m) m=$2} END {md=(NR%2)?t[(NR+1)/2]:(t[NR/2]+t[NR/2+1])/2; printf "%.3f %.3f %.1f", md, s/NR, m/1024}'
}
for sample in "${samples[@]}"; do
  run "$before" "$sample" "$scratch/warm-b" > "$scratch/warm"
  run "$after" "$sample" "$scratch/warm-a" > "$scratch/warm"
  : > "$scratch/b"; : > "$scratch/a"
  for i in $(seq "$RUNS"); do
    run "$before" "$sample" "$scratch/b$i" >> "$scratch/b"
    run "$after" "$sample" "$scratch/a$i" >> "$scratch/a"
  done
  read -r bm bs br <<< "$(stats "$scratch/b")"
  read -r am as ar <<< "$(stats "$scratch/a")"
  printf '%-10s before median %s s (mean %s) max RSS %s MB | after median %s s (mean %s) max RSS %s MB | ratio %.2f\n' \
    "$sample" "$bm" "$bs" "$br" "$am" "$as" "$ar" "$(echo "$am / $bm" | bc -l)"
done
