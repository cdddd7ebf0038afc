#!/usr/bin/env bash
# Computes the golden tables of native-src/tests/test_quants_k.c and test_quants_legacy.c with
# llama.cpp's own code (its libggml, fetched by scripts/llama-cpp/run.sh) and compares them with the
# tables in the tests: a table no one can reproduce from ggml is no oracle.
#
#   scripts/golden-tables.sh           # compare; exit 1 (and print both) where they differ
#   scripts/golden-tables.sh --print   # print ggml's tables, to paste into the tests
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
T="$ROOT/native-src/tests"
die() { echo "golden-tables: $*" >&2; exit 1; }

fetched="$("$ROOT/scripts/llama-cpp/run.sh" --fetch-only)" || die "could not fetch llama.cpp's libraries (see above)"
LIBDIR="$(sed -n 's/.*(libraries in \(.*\))$/\1/p' <<<"$fetched")"
[ -f "$LIBDIR/libggml-base.so" ] && [ -f "$LIBDIR/libggml-cpu-x64.so" ] || die "no libggml-base.so / libggml-cpu-x64.so in '$LIBDIR'"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cc -std=c11 -O2 -Wall -I"$T" -o "$WORK/golden_ggml" "$T/golden_ggml.c" \
   -L"$LIBDIR" -l:libggml-cpu-x64.so -l:libggml-base.so -Wl,-rpath,"$LIBDIR" -lm || die "compiling golden_ggml.c failed"
"$WORK/golden_ggml" > "$WORK/ggml.txt" || die "golden_ggml failed"

if [ "${1:-}" = "--print" ]; then cat "$WORK/ggml.txt"; exit 0; fi

{ sed -n '/^static const kq_golden GOLDEN = {/,/^};/p' "$T/test_quants_k.c"
  sed -n '/^static const uint64_t GOLDEN_LEGACY\[GL_NTYPES\] = {/,/^};/p' "$T/test_quants_legacy.c"; } > "$WORK/tests.txt"
if ! diff -u "$WORK/ggml.txt" "$WORK/tests.txt" > "$WORK/diff.txt"; then
  cat "$WORK/diff.txt" >&2
  die "the golden tables in test_quants_k.c / test_quants_legacy.c are not ggml's (- ggml, + tests)"
fi
echo "golden-tables: test_quants_k.c and test_quants_legacy.c hold ggml's tables ($(grep -c 0x "$WORK/ggml.txt") lines)"
