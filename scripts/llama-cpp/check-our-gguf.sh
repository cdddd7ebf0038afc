#!/usr/bin/env bash
# GGUF files written by our writer (./jmamba random-model) and by our quantizer (./jmamba
# quantize), read and run by llama.cpp's library (run.sh): its logits for 300 tokens, every
# position, must match ours (./jmamba eval) within a bound per type. Run by scripts/test.sh
# after the Maven build; needs npm (run.sh fetches llama.cpp's libraries with it).
#
#   scripts/llama-cpp/check-our-gguf.sh [-v]     # -v: print the measured distances
#
# Bounds (relative L2 distance of a position's logits, worst position), 1.3x the worst measured
# over one batch and token by token on x86-64 (AVX-512 VNNI + AMX), llama.cpp choosing its own
# CPU variant: see BOUND below.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VERBOSE=0; [ "${1:-}" = "-v" ] && VERBOSE=1
die() { echo "check-our-gguf: $*" >&2; exit 1; }

TOKENS="$ROOT/../shared/testdata/mamba2-tiny-long.tokens" # 300 ids in [3, 320)
[ -f "$TOKENS" ] || die "no $TOKENS (the shared test data)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# our writer: a random model with the tiny conformance model's shape but d_model 256, so the
# K-quants (blocks of 256) apply to every matrix
"$ROOT/jmamba" random-model "$WORK/F32.gguf" --layers 2 --d-model 256 --d-state 16 --head-dim 16 --groups 2 \
    --vocab 320 --type F32 --seed 7 2>"$WORK/log" || { cat "$WORK/log" >&2; die "random-model failed"; }
"$ROOT/jmamba" random-model "$WORK/F16.gguf" --layers 2 --d-model 256 --d-state 16 --head-dim 16 --groups 2 \
    --vocab 320 --type F16 --seed 7 2>"$WORK/log" || { cat "$WORK/log" >&2; die "random-model failed"; }
# our quantizer, from the F32 file
for t in Q8_0 Q4_0 Q5_1 Q4_K_M Q6_K; do
  "$ROOT/jmamba" quantize "$WORK/F32.gguf" "$WORK/$t.gguf" "$t" 2>"$WORK/log" >&2 \
    || { cat "$WORK/log" >&2; die "quantize $t failed"; }
done

declare -A BOUND=( [F32]=1e-5 [F16]=1e-5 [Q8_0]=1e-5 [Q4_0]=1e-5 [Q5_1]=1e-5 [Q4_K_M]=1e-5 [Q6_K]=1e-5 )
fail=0
for t in F32 F16 Q8_0 Q4_0 Q5_1 Q4_K_M Q6_K; do
  f="$WORK/$t.gguf"
  "$ROOT/jmamba" eval -m "$f" --tokens-file "$TOKENS" --logits-out "$WORK/ours.bin" 2>"$WORK/log" \
    || { cat "$WORK/log" >&2; die "jmamba eval $t failed"; }
  for b in 300 1; do
    "$ROOT/scripts/llama-cpp/run.sh" "$f" eval --tokens-file "$TOKENS" --logits-out "$WORK/llama.bin" --batch $b \
        >"$WORK/log" 2>&1 || { cat "$WORK/log" >&2; die "llama.cpp could not read or run our $t file"; }
    python3 - "$WORK/ours.bin" "$WORK/llama.bin" "$t" "$b" "${BOUND[$t]}" "$VERBOSE" <<'PY' || fail=1
import array, math, sys
ours, theirs, t, b, bound, verbose = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]), sys.argv[6] == "1"
a, c = array.array("f"), array.array("f")
a.frombytes(open(ours, "rb").read()); c.frombytes(open(theirs, "rb").read())
V, T = 320, 300
if len(a) != T * V or len(c) != T * V:
    sys.exit(f"check-our-gguf: {t}: {len(a)} and {len(c)} logits, want {T * V}")
worst, at = 0.0, 0
for p in range(T):
    num = sum((a[p * V + i] - c[p * V + i]) ** 2 for i in range(V))
    den = sum(c[p * V + i] ** 2 for i in range(V))
    e = math.sqrt(num / den) if den > 0 else math.inf
    if not e <= worst: worst, at = e, p
how = "one batch" if b != "1" else "token by token"
if verbose: print(f"{t:7s} llama.cpp {how:14s}: worst position {at}: {worst:.3g} (bound {bound:g})")
if not worst <= bound:
    sys.exit(f"check-our-gguf: {t}, llama.cpp {how}: position {at} differs from ours by {worst:.3g} relative L2 (bound {bound:g})")
PY
  done
done
[ "$fail" = 0 ] || die "llama.cpp's logits on our files differ from ours (see above)"
echo "check-our-gguf: llama.cpp reads and runs our F32, F16, Q8_0, Q4_0, Q5_1, Q4_K_M and Q6_K files; its logits match ours at all 300 positions"
