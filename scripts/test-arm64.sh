#!/usr/bin/env bash
# Builds the native library and its C tests for arm64 (NEON kernels, the
# scalar paths x86 never takes) and runs the tests under qemu.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build/arm64"
for tool in aarch64-linux-gnu-gcc qemu-aarch64-static cmake; do
  command -v "$tool" >/dev/null || { echo "test-arm64: $tool is missing (Debian: gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static)" >&2; exit 1; }
done
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/aarch64-linux-gnu.cmake" \
      -DCMAKE_BUILD_TYPE=Release -DJM_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" --parallel
cd "$BUILD" && ctest --output-on-failure
