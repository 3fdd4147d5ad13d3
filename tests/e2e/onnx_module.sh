#!/bin/sh
# Only `mlptrain export` loads ONNX's and protobuf's libraries, through mlptrain-onnx.so beside the
# binary (app/CMakeLists.txt); without that module, export fails with one line naming it.
# Usage: onnx_module.sh BINARY (from the repository root, for configs/iris.json).
set -eu
binary=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# LD_DEBUG=libs lists every library the dynamic loader loads.
LD_DEBUG=libs "$binary" --version > "$dir/version.log" 2>&1
grep -q 'libstdc++' "$dir/version.log" || fail "LD_DEBUG=libs listed nothing"
if grep -E 'libonnx|libprotobuf' "$dir/version.log"; then fail "--version loaded ONNX's or protobuf's libraries"; fi

"$binary" --config configs/iris.json --out "$dir/run" --quiet --set train.epochs=1
LD_DEBUG=libs "$binary" export --model "$dir/run/model.json" --format onnx --output "$dir/m.onnx" \
  > "$dir/export.log" 2>&1 || { cat "$dir/export.log"; fail "export failed"; }
grep -q 'mlptrain-onnx.so' "$dir/export.log" || fail "export did not load mlptrain-onnx.so"
grep -q 'libonnx' "$dir/export.log" || fail "export did not load libonnx"
test -s "$dir/m.onnx" || fail "export wrote no model"

# A copy of the binary without its module.
cp "$binary" "$dir/mlptrain"
code=0
"$dir/mlptrain" export --model "$dir/run/model.json" --format onnx --output "$dir/n.onnx" 2> "$dir/err" || code=$?
cat "$dir/err"
test "$code" -eq 1 || fail "exit code $code, not 1"
grep -q "^error: export: cannot load the ONNX exporter $dir/mlptrain-onnx.so (it is built beside mlptrain): " "$dir/err" ||
  fail "the error does not name the module"
test "$(wc -l < "$dir/err")" -eq 1 || fail "the error is not one line"
test ! -e "$dir/n.onnx" || fail "a model was written"
echo "ok"
