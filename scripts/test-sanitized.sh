#!/usr/bin/env bash
# Runs the C tests and every Java test against the native library built with AddressSanitizer and
# UndefinedBehaviorSanitizer (CMake -DJM_SANITIZE=ON, in build/sanitized). Any report aborts the
# test process, so a run that passes is clean. Takes several times as long as scripts/test.sh.
#
#   scripts/test-sanitized.sh                       # C tests, then all Java tests
#   scripts/test-sanitized.sh -pl java-api -am      # extra arguments go to Maven
#
# The JVM is not built with ASan, so libasan is preloaded into the test JVMs only (LD_PRELOAD, set
# by Surefire through -Djm.test.preload, never in Maven's own JVM), with the options ASan needs
# beside a JVM: the JVM's own SIGSEGV handling stays, and LeakSanitizer is off (it crashes at the
# JVM's exit). The C tests run with leak detection on.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/find-jdk.sh
B="$ROOT/build/sanitized"
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DJM_SANITIZE=ON -DJM_BUILD_BENCH=OFF >/dev/null
cmake --build "$B" --parallel
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 ctest --test-dir "$B" --output-on-failure
LIBASAN="$(gcc -print-file-name=libasan.so)"
[ -f "$LIBASAN" ] || { echo "no libasan.so (install gcc's libasan)" >&2; exit 1; }
./mvnw -B verify -Djmamba.library.path="$B" -Djm.test.preload="$LIBASAN" \
  -Djm.test.asanOptions=handle_segv=0:detect_leaks=0:allow_user_segv_handler=1:use_sigaltstack=0:abort_on_error=1 "$@"
