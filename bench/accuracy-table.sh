#!/usr/bin/env bash
# Top-1 of the Fashion-MNIST RepVGG (tests/data/fashion-repvgg) on the 10,000 test images of Debian's
# dataset-fashion-mnist, for every fusion strategy S1..S4 at fp32, fp16 (weights and activations at the Q/DQ sites
# rounded through fp16), int8 QDQ with each calibration method (512 training images), and the weight-only rounding
# of earlier versions (fp16 and int8 weights, activations fp32). Prints one Markdown table with the top-1 and the
# drop against the fp32 original, and the calibration and evaluation times of each run (whole 10,000 images,
# ONNX Runtime CPU, one thread).
#   bench/accuracy-table.sh            (needs: apt-get install dataset-fashion-mnist)
set -euo pipefail
cd "$(dirname "$0")/.."
data=/usr/share/datasets/fashion-mnist
model=tests/data/fashion-repvgg/fashion-repvgg.onnx
out=bench/out
mkdir -p "$out"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
dotnet build src/Compiler -c Release -o "$out/tool" -v q -nologo > "$scratch/build.log"
tool="$out/tool/dotnet-codesign-compile.dll"
validation=(--validation "$data/t10k-images-idx3-ubyte.gz" --labels "$data/t10k-labels-idx1-ubyte.gz" --preprocess mean=0.2860,std=0.3530)

row() { # strategy, label, evaluate options...
  local strategy=$1 label=$2; shift 2
  dotnet "$tool" evaluate "$model" "${validation[@]}" --strategy "$strategy" "$@" --json "$scratch/r.json" > "$scratch/r.txt"
  python3 - "$scratch/r.json" "$strategy" "$label" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
o, c = d["models"]
print(f"| {sys.argv[2]} | {sys.argv[3]} | {o['top1']:.2f} | {c['top1']:.2f} | {c['drop']:+.2f} | {d['seconds']['calibration']:.1f} | {d['seconds']['evaluation']:.1f} |")
PY
}

echo "| strategy | precision | original top-1 % | candidate top-1 % | drop (points) | calibration s | evaluation s |"
echo "|---|---|---|---|---|---|---|"
for s in S1 S2 S3 S4; do
  row "$s" "fp32" --precision fp32
  row "$s" "fp16 weights only" --precision fp16 --weights-only
  row "$s" "int8 weights only" --precision int8 --weights-only
  row "$s" "fp16" --precision fp16
  for m in minmax percentile entropy; do
    row "$s" "int8 QDQ, $m" --precision int8 --calibration "$data/train-images-idx3-ubyte.gz" --calibration-samples 512 --calibration-method "$m"
  done
done
