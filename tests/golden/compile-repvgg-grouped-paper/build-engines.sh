#!/usr/bin/env bash
# Builds a TensorRT engine for each part of the plan, on the device that runs it: an engine only works
# on the GPU and TensorRT version it was built with. Run it on each device with that device's name:
#   ./build-engines.sh jetson-tx2      (or `all` to build every part here)
# TRTEXEC overrides the trtexec binary (JetPack puts it in /usr/src/tensorrt/bin/trtexec).
# Written by codesign-compile.
set -euo pipefail
cd "$(dirname "$0")"
TRTEXEC=${TRTEXEC:-trtexec}

target=${1:-}
case "$target" in
  jetson-tx2|rtx-4090|all) ;;
  *) echo "usage: $0 DEVICE|all (devices: jetson-tx2 rtx-4090)" >&2; exit 2 ;;
esac
wanted() { [ "$target" = all ] || [ "$target" = "$1" ]; }

# part0: jetson-tx2 (NVIDIA Jetson TX2 (8GB)), TensorRT 8.2, fp16
if wanted jetson-tx2; then
  mkdir -p triton/jetson-tx2/part0/1
  "$TRTEXEC" \
    --onnx=part0.onnx \
    --saveEngine=triton/jetson-tx2/part0/1/model.plan \
    --timingCacheFile=timing.jetson-tx2.cache \
    --workspace=1024 \
    --outputIOFormats=fp16:chw \
    --fp16
fi

# part2: rtx-4090 (NVIDIA GeForce RTX 4090), TensorRT 10.16, fp16
# part2.onnx holds fp16 weights and compute (compile's cast-fp16; its inputs and outputs keep the plan's types);
# weak typing (--fp16) is deprecated from TensorRT 10.12, so it builds --stronglyTyped: each layer runs at the type the file gives it.
if wanted rtx-4090; then
  mkdir -p triton/rtx-4090/part2/1
  "$TRTEXEC" \
    --onnx=part2.onnx \
    --saveEngine=triton/rtx-4090/part2/1/model.plan \
    --timingCacheFile=timing.rtx-4090.cache \
    --memPoolSize=workspace:1024 \
    --inputIOFormats=fp16:chw \
    --stronglyTyped
fi
