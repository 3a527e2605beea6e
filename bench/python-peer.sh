#!/usr/bin/env bash
# Whole-process compile of torchvision-layout ResNet-50 (the builder's `sample resnet50`, ~100 MB) by the tool as its
# platform package ships it (linux-x64: a Native AOT executable; linux-arm64: framework-dependent, ReadyToRun) and by
# the IL-only build, against a Python onnx peer
# doing the same job: onnx.load, onnx.shape_inference.infer_shapes, onnx.utils.Extractor extracting the two parts at
# the cut the tool chose, onnx.save of both. Runs interleaved (shipped, IL, peer, …) so all three see the same
# machine load; prints the median and mean of RUNS runs each (wall clock, and CPU time user+sys, which a loaded
# machine disturbs less), the max RSS and the median ratios tool / peer.
#   bench/python-peer.sh              (RUNS=9 by default)
# The peer runs on Debian's python3-onnx with /usr/bin/python3 (the python3 on PATH may be another one); the script
# installs the package with apt-get when it is missing. Nothing in the product or its tests needs it.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-9}
py=/usr/bin/python3
# Outputs go to a temporary folder: never point an output at /dev/null or another device.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if ! "$py" -c 'import onnx' > "$scratch/onnx-check.log" 2>&1; then
  apt-get install -y python3-onnx > "$scratch/apt.log" 2>&1 || { cat "$scratch/apt.log" >&2; exit 1; }
fi
# What OnnxCoDesign.Tool.$rid carries, and what OnnxCoDesign.Tool.any carries.
. bench/shipped-tool.sh
dotnet publish src/Compiler -c Release -p:PublishReadyToRun=false -o "$scratch/il" -nologo > "$scratch/build.log" 2>&1 \
  || { cat "$scratch/build.log" >&2; exit 1; }
il="$scratch/il/dotnet-codesign-compile.dll"
model="$scratch/resnet50.onnx"
"${shipped[@]}" sample resnet50 -o "$model" > "$scratch/log" 2>&1

# The tool's cut: the tensors its first part hands on (the plan names them with the wire format's suffix).
"${shipped[@]}" compile "$model" -o "$scratch/plan" > "$scratch/log" 2>&1 || { cat "$scratch/log" >&2; exit 1; }
cuts=$("$py" - "$scratch/plan/plan.json" <<'PY'
import json, re, sys
plan = json.load(open(sys.argv[1]))
print(",".join(re.sub(r"__(fp16|int8|fp32)$", "", t["name"]) for t in plan["transfers"][0]["tensors"]))
PY
)
cat > "$scratch/peer.py" <<'PY'
import os
import sys
import onnx
from onnx import shape_inference, utils
path, cuts, out = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
os.makedirs(out)
model = shape_inference.infer_shapes(onnx.load(path))
weights = {i.name for i in model.graph.initializer}
inputs = [i.name for i in model.graph.input if i.name not in weights]
outputs = [o.name for o in model.graph.output]
extractor = utils.Extractor(model)
onnx.save(extractor.extract_model(inputs, cuts), out + "/part0.onnx")
onnx.save(extractor.extract_model(cuts, outputs), out + "/part1.onnx")
PY

run() { # label out command... → appends "seconds rss_kb cpu_seconds" to $scratch/times-$label
  local label=$1 out=$2; shift 2
  /usr/bin/time -o "$scratch/t" -f "%e %M %U %S" "$@" > "$scratch/log" 2>&1 || { cat "$scratch/log" >&2; exit 1; }
  awk '{print $1, $2, $3 + $4}' "$scratch/t" >> "$scratch/times-$label"
  rm -rf "$out"
}
stats() { # file → "median mean maxrss_mb cpu_median"
  local cpu
  cpu=$(awk '{print $3}' "$1" | sort -g | awk '{t[NR]=$1} END {printf "%.3f", (NR%2)?t[(NR+1)/2]:(t[NR/2]+t[NR/2+1])/2}')
  sort -g "$1" | awk -v c="$cpu" '{t[NR]=$1; s+=$1; if ($2>m) m=$2} END {md=(NR%2)?t[(NR+1)/2]:(t[NR/2]+t[NR/2+1])/2; printf "%.3f %.3f %.1f %s", md, s/NR, m/1024, c}'
}
one_round() { # i
  run shipped "$scratch/o-shipped$1" "${shipped[@]}" compile "$model" -o "$scratch/o-shipped$1"
  run il "$scratch/o-il$1" dotnet "$il" compile "$model" -o "$scratch/o-il$1"
  run peer "$scratch/o-peer$1" "$py" "$scratch/peer.py" "$model" "$cuts" "$scratch/o-peer$1"
}
one_round warm
: > "$scratch/times-shipped"; : > "$scratch/times-il"; : > "$scratch/times-peer"
for i in $(seq "$RUNS"); do one_round "$i"; done
read -r rm_ rs rr rc <<< "$(stats "$scratch/times-shipped")"
read -r im is ir ic <<< "$(stats "$scratch/times-il")"
read -r pm ps pr pc <<< "$(stats "$scratch/times-peer")"
printf 'resnet50 (%s MB), cut at %s, %d runs each\n' "$(( $(stat -c %s "$model") / 1000000 ))" "$cuts" "$RUNS"
printf '  tool, %s (%s)  median %s s (mean %s), CPU %s s, max RSS %s MB\n' "$form" "$rid" "$rm_" "$rs" "$rc" "$rr"
printf '  tool, IL only (any)        median %s s (mean %s), CPU %s s, max RSS %s MB\n' "$im" "$is" "$ic" "$ir"
printf '  python onnx peer           median %s s (mean %s), CPU %s s, max RSS %s MB\n' "$pm" "$ps" "$pc" "$pr"
printf '  ratio tool/peer, wall: shipped %.3f, IL only %.3f; CPU: shipped %.3f, IL only %.3f\n' \
  "$(echo "$rm_ / $pm" | bc -l)" "$(echo "$im / $pm" | bc -l)" "$(echo "$rc / $pc" | bc -l)" "$(echo "$ic / $pc" | bc -l)"
