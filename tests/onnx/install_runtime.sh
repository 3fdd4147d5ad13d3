#!/usr/bin/env bash
# Installs onnxruntime-node, at the version tests/onnx/package-lock.json pins, into DIR (a folder
# of the build tree; scripts/test uses build/onnxruntime), for the ONNX export test
# (check_onnx.sh). --ignore-scripts: the package's install script only downloads optional GPU
# libraries; the CPU runtime is in the package itself. Does nothing when DIR already holds this
# version.
#
#   install_runtime.sh DIR
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
dir=$(cd "$1" && pwd)
if [ -d "$dir/node_modules/onnxruntime-node" ] && cmp -s "$here/package-lock.json" "$dir/package-lock.json"; then
  exit 0
fi
cp "$here/package.json" "$here/package-lock.json" "$dir/"
echo "installing onnxruntime-node into $dir ..." >&2
(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
