#!/usr/bin/env bash
# GGUF files written by our writer (./jmamba random-model) and by our quantizer (./jmamba
# quantize), read and run by llama.cpp's library (run.sh): its logits for 300 tokens, every
# position, must match ours (./jmamba eval) within a bound per type. Run by scripts/test.sh
# after the Maven build; needs npm (run.sh fetches llama.cpp's libraries with it).
#
#   scripts/llama-cpp/check-our-gguf.sh [-v]     # -v: print the measured distances
#
# Bounds: see BOUND below.
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

# Bounds on the relative L2 distance (worst position, median position), 1.3x the measured:
#            worst     median     measured on x86-64 (AVX-512 VNNI + AMX; llama.cpp's sapphirerapids build)
#   F32      3.89e-7   2.50e-7
#   F16      4.03e-4   3.09e-4    (every position: llama.cpp's F16 products differ from ours by ~3e-4)
#   Q8_0     5.21e-3   0          (bit-identical but where an activation rounds the other way)
#   Q4_0     7.91e-3   8.56e-8
#   Q5_1     8.28e-3   1.20e-7
#   Q4_K_M   8.39e-3   1.25e-7
#   Q6_K     2.93e-7   8.96e-8
# An activation that lies within float rounding of an 8-bit rounding boundary can round the other
# way on the two sides and move a stretch of positions by up to ~1e-2, so every quantized type's
# worst position gets 1.3x the largest such step seen (8.39e-3); the median stays tight (Q8_0's:
# llama.cpp's documented 1e-7, as 1.3 x 0 is no bound).
declare -A BOUND=( [F32]=5.1e-7,3.3e-7 [F16]=5.3e-4,4.0e-4 [Q8_0]=1.09e-2,1e-7 [Q4_0]=1.09e-2,1.12e-7
                   [Q5_1]=1.09e-2,1.56e-7 [Q4_K_M]=1.09e-2,1.63e-7 [Q6_K]=1.09e-2,1.17e-7 )
fail=0
for t in F32 F16 Q8_0 Q4_0 Q5_1 Q4_K_M Q6_K; do
  f="$WORK/$t.gguf"
  "$ROOT/jmamba" eval -m "$f" --tokens-file "$TOKENS" --logits-out "$WORK/ours.bin" 2>"$WORK/log" \
    || { cat "$WORK/log" >&2; die "jmamba eval $t failed"; }
  for b in 300 1; do
    "$ROOT/scripts/llama-cpp/run.sh" -t 1 "$f" eval --tokens-file "$TOKENS" --logits-out "$WORK/llama.bin" --batch $b \
        >"$WORK/log" 2>&1 || { cat "$WORK/log" >&2; die "llama.cpp could not read or run our $t file"; }
    python3 - "$WORK/ours.bin" "$WORK/llama.bin" "$t" "$b" "${BOUND[$t]}" "$VERBOSE" <<'PY' || fail=1
import array, math, sys
ours, theirs, t, b, verbose = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[6] == "1"
wb, mb = (float(x) for x in sys.argv[5].split(","))
a, c = array.array("f"), array.array("f")
a.frombytes(open(ours, "rb").read()); c.frombytes(open(theirs, "rb").read())
V, T = 320, 300
if len(a) != T * V or len(c) != T * V:
    sys.exit(f"check-our-gguf: {t}: {len(a)} and {len(c)} logits, want {T * V}")
errs = []
for p in range(T):
    num = sum((a[p * V + i] - c[p * V + i]) ** 2 for i in range(V))
    den = sum(c[p * V + i] ** 2 for i in range(V))
    errs.append(math.sqrt(num / den) if den > 0 else math.inf)
at = max(range(T), key=lambda p: errs[p] if errs[p] == errs[p] else math.inf)
worst, median = errs[at], sorted(errs)[T // 2]
how = "one batch" if b != "1" else "token by token"
if verbose: print(f"{t:7s} llama.cpp {how:14s}: worst position {at}: {worst:.3g} (bound {wb:g}), median {median:.3g} (bound {mb:g})")
if not (worst <= wb and median <= mb):
    sys.exit(f"check-our-gguf: {t}, llama.cpp {how}: worst position {at} at {worst:.3g} relative L2 (bound {wb:g}), "
             f"median {median:.3g} (bound {mb:g})")
PY
  done
done
[ "$fail" = 0 ] || die "llama.cpp's logits on our files differ from ours (see above)"
echo "check-our-gguf: llama.cpp reads and runs our F32, F16, Q8_0, Q4_0, Q5_1, Q4_K_M and Q6_K files; its logits match ours at all 300 positions"
