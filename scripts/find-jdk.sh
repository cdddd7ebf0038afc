# Sourced by the project's scripts: sets JAVA_HOME to a JDK >= 22 or stops with a message.
# Looks at JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*, then ~/.sdkman/candidates/java/*.

jm_java_major() { # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1
}

jm_find_jdk() {
  local tried="" cand home major
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    candidates+=("$home")
  fi
  for cand in /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$cand" ] && candidates+=("$cand")
  done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    major=$(jm_java_major "$home/bin/java")
    tried="$tried\n  $home (Java ${major:-?})"
    if [ -n "$major" ] && [ "$major" -ge 22 ]; then
      export JAVA_HOME="$home"
      JM_JAVA_MAJOR=$major
      return 0
    fi
  done
  echo "jmamba needs a JDK 22 or newer (for java.lang.foreign); none was found." >&2
  if [ -n "$tried" ]; then printf "JDKs found:$tried\n" >&2; else echo "No JDK found at all." >&2; fi
  echo "Install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}

jm_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.9 on JDK 24+ warns about sun.misc.Unsafe; the access is harmless (the option is
# new in JDK 23: older JVMs refuse to start with it).
if [ "$JM_JAVA_MAJOR" -ge 24 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
