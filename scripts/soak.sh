#!/usr/bin/env bash
# A long-running check, not part of the tests: sessions created, used, forked and closed by
# several threads, models loaded and closed (some dropped for the cleaner), for MINUTES (default
# 10), printing resident memory, file descriptors, mappings and threads every 30 s.
#
#   scripts/soak.sh [minutes=10] [workers=4] [model.gguf]   (default: a random 4-layer Q8_0 model)
#
# Runs under nice: a shared machine stays usable.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/find-jdk.sh
nice ./mvnw -B -q -o compile -pl testkit -am >/dev/null
exec nice java --enable-native-access=ALL-UNNAMED -Xmx512m \
  -cp bindings/target/classes:java-api/target/classes:testkit/target/classes org.jmamba.testkit.Soak "$@"
