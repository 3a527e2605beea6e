#!/usr/bin/env bash
# How compile scales: whole-process time and peak memory (max RSS) of `compile MODEL -o OUT` for Conv→Relu
# chains of growing node count (an 8×8×8 map: nodes, not FLOPs or weights, dominate) and for a model over
# 2 GiB whose weights are external data (Conv 1024→1024 3×3 → BN → Relu on a 4×4 map). Per case: nodes, file
# size (model + external data), seconds, milliseconds per node, peak RSS, and RSS over file size.
#   bench/scaling.sh COMPILER_DLL            (NODES="2000 5000 10000 20000", BIG_GIB=2.2 by default; BIG_GIB=0 skips it)
# COMPILER_DLL: e.g. src/Compiler/bin/Release/net10.0/dotnet-codesign-compile.dll after dotnet build src/Compiler -c Release.
# The models are written by bench/OnnxCoDesign.Benchmarks (`scaling-model`), built here in Release; every
# generated file is deleted at the end (the big case needs about 3 × BIG_GIB GiB of free disk, checked first).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 COMPILER_DLL" >&2; exit 2; }
dll=$(realpath "$1")
nodes_list=${NODES:-2000 5000 10000 20000}
big=${BIG_GIB:-2.2}
root=$(cd "$(dirname "$0")/.." && pwd)
build_log=$(mktemp)
dotnet build "$root/bench/OnnxCoDesign.Benchmarks" -c Release > "$build_log" 2>&1 || { cat "$build_log" >&2; exit 1; }
rm -f "$build_log"
gen="$root/bench/OnnxCoDesign.Benchmarks/bin/Release/net10.0/OnnxCoDesign.Benchmarks.dll"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/scaling.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

printf '%-12s %7s %11s %9s %8s %10s %9s\n' case nodes file_MB time_s ms/node peak_MB rss/file
run_case() { # name kind arg
  local name=$1 kind=$2 arg=$3 dir="$scratch/$1"
  mkdir -p "$dir"
  local nodes
  nodes=$(dotnet "$gen" scaling-model "$kind" "$arg" "$dir/model.onnx" | awk '/^nodes/ {print $2}')
  local bytes
  bytes=$(cat "$dir"/model.onnx* | wc -c)
  /usr/bin/time -o "$dir/time" -f "%e %M" dotnet "$dll" compile "$dir/model.onnx" -o "$dir/out" > "$dir/log" 2>&1 \
    || { cat "$dir/log" >&2; exit 1; }
  read -r secs rss_kb < "$dir/time"
  awk -v n="$name" -v nodes="$nodes" -v b="$bytes" -v t="$secs" -v r="$rss_kb" 'BEGIN {
    printf "%-12s %7d %11.1f %9.2f %8.3f %10.1f %9.2f\n", n, nodes, b/1048576, t, 1000*t/nodes, r/1024, r*1024/b }'
  rm -rf "$dir"
}
for n in $nodes_list; do run_case "chain-$n" chain "$n"; done
if [ "$big" != 0 ]; then
  need_kb=$(awk -v g="$big" 'BEGIN {printf "%d", 3*g*1048576}')
  free_kb=$(df -Pk "$scratch" | awk 'NR==2 {print $4}')
  if [ "$free_kb" -lt "$need_kb" ]; then
    echo "big-${big}GiB: skipped, $((free_kb / 1048576)) GiB free on $(df -P "$scratch" | awk 'NR==2 {print $6}'), needs $((need_kb / 1048576))" >&2
  else
    run_case "big-${big}GiB" big "$big"
  fi
fi
