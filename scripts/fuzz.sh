#!/usr/bin/env bash
# Fuzzes the parsers with Jazzer, each fuzz test in turn, for SECONDS each (default 60), and prints
# the executions by outcome. The normal test run only replays the committed inputs
# (src/test/resources/**/<Test>Inputs/<method>/); this searches for new ones.
#
#   scripts/fuzz.sh                  # every target, 60 s each
#   scripts/fuzz.sh 600              # every target, 10 minutes each
#   scripts/fuzz.sh 300 ModelLoadFuzzTest#load    # one target
#
# Each Jazzer run lasts the @FuzzTest's maxDuration (60 s); longer budgets run it again, and the
# corpus it grows (.cifuzz-corpus/ in the module, not committed) carries over between runs. A
# finding stops the run, fails it, and leaves the input as crash-<hash> in the test's inputs
# folder: fix the code, and commit the input as a regression test. With LD_PRELOAD and
# JMAMBA_LIBRARY_PATH set as scripts/test-sanitized.sh sets them, native code runs under ASan.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/find-jdk.sh
SECONDS_EACH="${1:-60}"
shift || true
TARGETS=("$@")
# every fuzz test of the project; a new parser (the server's request handling next) adds its line
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(java-api:GgufParserFuzzTest#parse java-api:ModelLoadFuzzTest#load java-api:TokenizerMetadataFuzzTest#build
           java-api:StateFileFuzzTest#load quantize:CheckpointReadersFuzzTest#configJson
           quantize:CheckpointReadersFuzzTest#paramsJson quantize:CheckpointReadersFuzzTest#tokenizerModel
           quantize:CheckpointReadersFuzzTest#tokenizerJson quantize:CheckpointReadersFuzzTest#safetensors)
fi
# the modules and what they need, built once
nice ./mvnw -B -q -o test-compile -pl java-api,testkit,quantize -am >/dev/null
LOG="$(mktemp -d)"
status=0
for t in "${TARGETS[@]}"; do
  module="${t%%:*}"; test="${t#*:}"
  [ "$module" = "$t" ] && module=java-api
  runs=$(( (SECONDS_EACH + 59) / 60 ))
  for ((i = 1; i <= runs; i++)); do
    out="$LOG/${test//[#]/_}-$i.log"
    if ! JAZZER_FUZZ=1 JMAMBA_FUZZ_OUTCOMES="$LOG/${test//[#]/_}.outcomes" nice ./mvnw -B -o test -pl "$module" -am \
        -Dexec.skip=true -Djm.ctest.skip=true -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false > "$out" 2>&1; then
      echo "FINDING in $test (run $i): see $out"; status=1; break
    fi
  done
  # one line per Jazzer run: "fuzz outcomes <target>: N executions, accepted A, refused: <Exception> R, ..."
  cat "$LOG/${test//[#]/_}.outcomes" 2>/dev/null || echo "$test: no outcomes recorded"
done
echo "logs: $LOG"
exit $status
