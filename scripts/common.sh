# Shared by scripts/demo and scripts/test: install what the build needs, configure and build a
# preset. Sourced, not run.

# Debian 12 packages the project builds with (found by CMake's find_package; nothing vendored).
MLP_PACKAGES=(cmake g++ ninja-build libeigen3-dev nlohmann-json3-dev libcli11-dev libspdlog-dev doctest-dev
              libonnx-dev libprotobuf-dev libopenblas-dev)
# What scripts/test needs besides: clang and its libFuzzer runtime for the fuzz preset, llvm
# for llvm-symbolizer (readable stack traces in sanitizer reports), and chromium for the check of
# report.html in a real browser (tests/browser), python3-onnx for the ONNX checker the export
# test runs (tests/onnx; node and npm come from mlp_ensure_node, onnxruntime from npm), and
# slurm-wlm, munge and parallel for the sweep tests on a real single-node Slurm cluster and GNU
# parallel (tests/cluster), and OpenBLAS's single-threaded build, which the matrix-product tests
# load in place of the threaded default (tests/CMakeLists.txt).
MLP_TEST_PACKAGES=(clang libclang-rt-14-dev llvm chromium python3-onnx slurm-wlm munge parallel libopenblas0-serial)

# Installs the packages given that are not installed yet: with apt-get when run as root,
# otherwise prints the exact command to run and fails.
mlp_ensure_packages() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing packages; install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]} ..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# node and npm for the ONNX export test: Debian's nodejs and npm when the commands are missing. A
# machine with NodeSource's nodejs has both commands already (its package bundles npm, and
# Debian's npm package would conflict with it), so each is installed only when not on PATH.
mlp_ensure_node() {
  command -v node >/dev/null || mlp_ensure_packages nodejs
  command -v npm >/dev/null || mlp_ensure_packages npm
}

# Configures (first time only) and builds a CMake preset: release, debug, asan or fuzz.
mlp_build() {
  local preset=$1
  if [ ! -f "build/$preset/CMakeCache.txt" ]; then
    cmake --preset "$preset" >/dev/null
  fi
  cmake --build --preset "$preset"
}
