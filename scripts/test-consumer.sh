#!/usr/bin/env bash
# Builds a separate project the way a user would (its own pom.xml with the README's Maven block,
# the README's Java example as its main class) against the artifacts in a local repository, then
# runs it on a small random-weight model: the README's coordinates and example cannot rot.
# Usage: scripts/test-consumer.sh [MAVEN_ARGS...]   (e.g. -Dmaven.repo.local=DIR, as the install used)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/find-jdk.sh
DIR="$ROOT/target/consumer"
rm -rf "$DIR" && mkdir -p "$DIR/src/main/java"

# The README's blocks: the Maven one that names the BOM, and the first Java one.
block() { # LANG PATTERN: the first ```LANG block of README.md that contains PATTERN
  awk -v lang="$1" -v pat="$2" '
    $0 == "```" lang { inb = 1; buf = ""; next }
    inb && $0 == "```" { inb = 0; if (index(buf, pat)) { printf "%s", buf; exit } next }
    inb { buf = buf $0 "\n" }' README.md
}
maven=$(block xml jmamba-bom)
example=$(block java "")
[ -n "$maven" ] || { echo "test-consumer: README.md has no \`\`\`xml block naming jmamba-bom" >&2; exit 1; }
[ -n "$example" ] || { echo "test-consumer: README.md has no \`\`\`java block" >&2; exit 1; }
for flag in --enable-native-access=ALL-UNNAMED --enable-native-access=org.jmamba.bindings; do
  grep -q -- "$flag" README.md || { echo "test-consumer: README.md does not give the flag $flag" >&2; exit 1; }
done

python3 - "$DIR/pom.xml" "$maven" <<'PY'
import sys
pom = open("bom/src/it/consumer/pom.xml").read()
open(sys.argv[1], "w").write(pom.replace("<!-- README -->", sys.argv[2]))
PY
# The example is a snippet: its imports (if any) on top, the packages the API module exports and
# java.nio.file imported, the rest as main's body.
{
  grep -E '^import ' <<<"$example" || true
  echo "import java.nio.file.*;"
  sed -n 's/^ *exports \([A-Za-z0-9_.]*\);/import \1.*;/p' java-api/src/main/java/module-info.java
  echo "public class Example {"
  echo "    public static void main(String[] args) throws Exception {"
  grep -vE '^import ' <<<"$example" | sed 's/^/        /'
  echo "    }"
  echo "}"
} >"$DIR/src/main/java/Example.java"

# The model file the example names, made with random weights.
model=$(grep -oE '"[^"]+\.gguf"' <<<"$example" | head -1 | tr -d '"')
[ -n "$model" ] || { echo "test-consumer: the README's example names no .gguf file" >&2; exit 1; }
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "samples/cli/target/jmamba-cli-0.1.0-SNAPSHOT.jar:samples/cli/target/lib/*" org.jmamba.cli.Main \
  random-model "$DIR/$model" --layers 2 --d-model 128 --vocab 1024 >/dev/null 2>&1

./mvnw -B -q -f "$DIR/pom.xml" "$@" package dependency:build-classpath -Dmdep.outputFile="$DIR/classpath.txt"
grep -q "jmamba-natives-linux-$(uname -m | sed 's/amd64/x86_64/; s/arm64/aarch64/')" "$DIR/classpath.txt" || {
  echo "test-consumer: no natives jar for this machine on the consumer's class path: $(cat "$DIR/classpath.txt")" >&2; exit 1; }
out=$(cd "$DIR" && "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --illegal-native-access=deny \
  -cp "target/classes:$(cat classpath.txt)" Example | tr -d '\000')
[ -n "$out" ] || { echo "test-consumer: the README's example printed nothing" >&2; exit 1; }
echo "test-consumer: on the class path, the README's example built from its Maven block and ran (${#out} characters of text)"

# The same on the module path: the example in a module that requires org.jmamba, the jars of
# the same resolution as modules, native access granted to the bindings module alone.
mkdir -p "$DIR/module/src/example" "$DIR/module/out"
echo "module example { requires org.jmamba; }" >"$DIR/module/src/module-info.java"
{ echo "package example;"; cat "$DIR/src/main/java/Example.java"; } >"$DIR/module/src/example/Example.java"
"$JAVA_HOME/bin/javac" -d "$DIR/module/out" -p "$(cat "$DIR/classpath.txt")" \
  "$DIR/module/src/module-info.java" "$DIR/module/src/example/Example.java"
out=$(cd "$DIR" && "$JAVA_HOME/bin/java" --enable-native-access=org.jmamba.bindings --illegal-native-access=deny \
  -p "module/out:$(cat classpath.txt)" -m example/example.Example | tr -d '\000')
[ -n "$out" ] || { echo "test-consumer: the README's example printed nothing on the module path" >&2; exit 1; }
echo "test-consumer: on the module path, the README's example ran (${#out} characters of text)"
