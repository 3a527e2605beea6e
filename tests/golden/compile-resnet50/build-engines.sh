#!/usr/bin/env bash
# Builds a TensorRT engine for each part of the plan, on the device that runs it: an engine only works
# on the GPU and TensorRT version it was built with. Run it on each device with that device's name:
#   ./build-engines.sh jetson-nano      (or `all` to build every part here)
# TRTEXEC overrides the trtexec binary (JetPack puts it in /usr/src/tensorrt/bin/trtexec).
# Written by codesign-compile.
set -euo pipefail
cd "$(dirname "$0")"
TRTEXEC=${TRTEXEC:-trtexec}

target=${1:-}
case "$target" in
  jetson-nano|jetson-orin-nano|all) ;;
  *) echo "usage: $0 DEVICE|all (devices: jetson-nano jetson-orin-nano)" >&2; exit 2 ;;
esac
wanted() { [ "$target" = all ] || [ "$target" = "$1" ]; }

# part0: jetson-nano (NVIDIA Jetson Nano (4GB)), TensorRT 8.2, fp16
if wanted jetson-nano; then
  mkdir -p triton/jetson-nano/part0/1
  "$TRTEXEC" \
    --onnx=part0.onnx \
    --saveEngine=triton/jetson-nano/part0/1/model.plan \
    --timingCacheFile=timing.jetson-nano.cache \
    --workspace=1024 \
    --outputIOFormats=fp16:chw \
    --fp16
fi

# part1: jetson-orin-nano (NVIDIA Jetson Orin Nano 8GB (MAXN SUPER)), TensorRT 10.3, fp16
if wanted jetson-orin-nano; then
  mkdir -p triton/jetson-orin-nano/part1/1
  "$TRTEXEC" \
    --onnx=part1.onnx \
    --saveEngine=triton/jetson-orin-nano/part1/1/model.plan \
    --timingCacheFile=timing.jetson-orin-nano.cache \
    --memPoolSize=workspace:1024 \
    --inputIOFormats=fp16:chw \
    --fp16
fi
