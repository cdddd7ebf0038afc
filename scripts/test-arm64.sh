#!/usr/bin/env bash
# Builds the native library and its C tests for arm64 (NEON kernels, the scalar paths x86 never
# takes) and runs the tests under qemu: the natives/linux-aarch64 module alone, as
# scripts/test.sh builds it with the rest (./mvnw verify -pl natives/windows-x86_64 does the same
# for Windows under wine).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for tool in aarch64-linux-gnu-gcc qemu-aarch64-static cmake; do
  command -v "$tool" >/dev/null || { echo "test-arm64: $tool is missing (Debian: gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static)" >&2; exit 1; }
done
cd "$ROOT" && exec ./mvnw -B -q verify -pl natives/linux-aarch64 "$@"
