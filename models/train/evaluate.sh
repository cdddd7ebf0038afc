#!/usr/bin/env bash
# Perplexity of the committed model and its quantizations on held-out Java, with KL divergence and
# top-1 agreement against the F16 file: the figures of models/README.md.
#   models/train/evaluate.sh [TEXT] [CTX]     (TEXT default: models/train/export/heldout-all.txt,
#                                              written by export.py; CTX default 256)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TEXT="${1:-$ROOT/models/train/export/heldout-all.txt}"
CTX="${2:-256}"
WORK="$ROOT/models/train/export"
F16="$ROOT/models/jmamba-java-2.8m-f16.gguf"
mkdir -p "$WORK"
J="$ROOT/jmamba"
echo "== F16"
"$J" perplexity -m "$F16" -f "$TEXT" -c "$CTX" --save-logits "$WORK/f16.logprobs" 2>/dev/null
for T in Q8_0 Q4_K_M Q4_0; do
  "$J" quantize --no-progress "$F16" "$WORK/jmamba-java-2.8m-$T.gguf" "$T" >/dev/null
  echo "== $T ($(du -h "$WORK/jmamba-java-2.8m-$T.gguf" | cut -f1))"
  "$J" perplexity -m "$WORK/jmamba-java-2.8m-$T.gguf" -f "$TEXT" -c "$CTX" --kl-divergence-base "$WORK/f16.logprobs" 2>/dev/null
done
rm -f "$WORK/f16.logprobs"
