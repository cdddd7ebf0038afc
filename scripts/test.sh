#!/usr/bin/env bash
# Runs every test: the C kernel tests (ctest, from the Maven build: natively, for arm64 under
# qemu, for Windows under wine), all Java tests, a separate project built on the installed
# artifacts as the README tells users to (scripts/test-consumer.sh), and the checks against
# llama.cpp's libraries.
# Installs what the tests need on a fresh Debian machine when run as root.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/find-jdk.sh

need_pkgs=()
command -v cmake >/dev/null || need_pkgs+=(cmake)
command -v cc >/dev/null || need_pkgs+=(gcc)
{ [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import clang.cindex" 2>/dev/null; } || need_pkgs+=(python3-clang-14 libclang-14-dev)
command -v aarch64-linux-gnu-gcc >/dev/null || need_pkgs+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
command -v qemu-aarch64-static >/dev/null || need_pkgs+=(qemu-user-static)
command -v x86_64-w64-mingw32-gcc >/dev/null || need_pkgs+=(gcc-mingw-w64-x86-64)
command -v wine >/dev/null || need_pkgs+=(wine wine64)
command -v npm >/dev/null || need_pkgs+=(npm) # llama.cpp's libraries (scripts/llama-cpp) for the ggml checks
command -v chattr >/dev/null || need_pkgs+=(e2fsprogs)
command -v Xvfb >/dev/null || need_pkgs+=(xvfb)                            # the desktop samples' windows
[ -e /usr/lib/x86_64-linux-gnu/libgtk-3.so.0 ] || [ "$(uname -m)" != x86_64 ] || need_pkgs+=(libgtk-3-0)  # JavaFX
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${need_pkgs[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
  else
    echo "missing packages: ${need_pkgs[*]} (install them, or run as root to have them installed)" >&2
  fi
fi
export JMAMBA_REQUIRE_GENERATOR=1
# The conformance data from llama.cpp (../shared/testdata, see its README): a user's clone may
# lack it and its tests then skip, saying so; here they fail instead, so none passes for want of it.
TESTDATA="$ROOT/../shared/testdata"
if [ ! -f "$TESTDATA/mamba2-tiny-f32-long.logits" ]; then
  echo "test.sh: the shared test data is missing: $TESTDATA (llama.cpp's conformance data; see the" >&2
  echo "         README there). The tests need it; without it the conformance tests would be skipped." >&2
  exit 1
fi
export JMAMBA_REQUIRE_TESTDATA=1
# The desktop samples' tests open real windows: without a display, start a virtual one.
if [ -z "${DISPLAY:-}" ] && command -v Xvfb >/dev/null; then
  for n in $(seq 90 120); do [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || break; done
  Xvfb ":$n" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
  XVFB_PID=$!
  trap 'kill $XVFB_PID 2>/dev/null' EXIT
  export DISPLAY=":$n"
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
fi
[ -n "${DISPLAY:-}" ] || { echo "no display and no Xvfb: the desktop samples' window tests would skip (install xvfb)" >&2; exit 1; }
# The artifacts are installed into a repository of this build's own (~/.m2 is only read), where
# the consumer project finds them.
repo=(-Dmaven.repo.local="$ROOT/target/m2" -Dmaven.repo.local.tail="$HOME/.m2/repository")
./mvnw -B install "${repo[@]}" "$@"
for platform in linux-x86_64 linux-aarch64 windows-x86_64; do
  [ -f natives/$platform/target/jmamba-natives-$platform-0.1.0-SNAPSHOT.jar ] ||
    { echo "test.sh: the natives for $platform were not built (is its cross compiler installed?)" >&2; exit 1; }
done
scripts/test-consumer.sh "${repo[@]}"
# against llama.cpp's own code (its libraries, fetched with npm): the golden quantizer tables,
# and our GGUF writer's and quantizer's files read and run by it
scripts/golden-tables.sh
scripts/llama-cpp/check-our-gguf.sh
