#!/usr/bin/env bash
# Whole-process time and peak memory (max RSS) of `analyze` on the builder's ResNet-50 (~100 MB),
# against reading the file (cat) and against the tool's bare start-up (--version). Prints medians of
# RUNS runs and the ratios. In-process timings: dotnet run -c Release --project bench/OnnxCoDesign.Benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
out=bench/out
mkdir -p "$out"
# analyze's JSON and every command's own output go to files in a temporary folder: never point an output at /dev/null
# or another device.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
dotnet build src/Compiler -c Release -o "$out/tool" -v q -nologo >"$scratch/build.log"
tool="$out/tool/dotnet-codesign-compile.dll"
model="$out/resnet50.onnx"
[ -f "$model" ] || dotnet "$tool" sample resnet50 -o "$model" >"$scratch/sample.log"
size=$(stat -c %s "$model")

measure() { # label, command...
  local label=$1; shift
  local times=() rss=()
  for _ in $(seq "$RUNS"); do
    local line
    /usr/bin/time -o "$out/time.txt" -f "%e %M" "$@" >"$scratch/run.log" 2>&1
    line=$(tail -n 1 "$out/time.txt")
    times+=("${line% *}"); rss+=("${line#* }")
  done
  local t m
  t=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
  m=$(printf '%s\n' "${rss[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
  awk -v l="$label" -v t="$t" -v m="$m" 'BEGIN { printf "%-22s %8.2f s %10.1f MiB\n", l, t, m / 1024 }'
  last_t=$t; last_m=$m
}

awk -v f="$model" -v s="$size" -v r="$RUNS" 'BEGIN { printf "model %s: %.1f MB, %d runs each (median)\n", f, s / 1e6, r }'
measure "read (cat)" cat "$model"; read_t=$last_t; read_m=$last_m
measure "startup (--version)" dotnet "$tool" --version; start_t=$last_t; start_m=$last_m
measure "analyze" dotnet "$tool" analyze "$model" --json "$scratch/analysis.json"; an_t=$last_t; an_m=$last_m
awk -v at="$an_t" -v am="$an_m" -v st="$start_t" -v sm="$start_m" -v rt="$read_t" -v s="$size" 'BEGIN {
  printf "analyze peak RSS / file size:        %.2f\n", am * 1024 / s
  printf "analyze peak RSS - start-up RSS:     %.1f MiB (%.2f x file)\n", (am - sm) / 1024, (am - sm) * 1024 / s
  printf "analyze time - start-up time:        %.2f s\n", at - st
  printf "analyze time / read time (cat):      %.1f\n", (rt > 0 ? at / rt : 0)
}'

