# Sourced by ./quire, ./test and .ci/run: sets JAVA_HOME to a JDK >= 25 or explains why it can't.
# Order: QUIRE_JAVA_HOME, JAVA_HOME, the JDKs under /usr/lib/jvm and /opt (newest first), java on PATH.

quire_java_major() { # prints the feature version of the JDK at $1, or nothing
  local home=$1
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  # A JDK's release file names its version (JAVA_VERSION="25.0.1"; "1.8.0_..." reads as 1): no JVM
  # to start, which cost a tenth of a second of every command.
  if [ -f "$home/release" ] && grep -q '^JAVA_VERSION=' "$home/release"; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" | head -n 1
    return 0
  fi
  "$home/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

quire_find_jdk() {
  local min=25 candidates=() c major
  [ -n "${QUIRE_JAVA_HOME:-}" ] && candidates+=("$QUIRE_JAVA_HOME")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in $(ls -d /usr/lib/jvm/*/ /opt/*jdk*/ /opt/java/*/ 2>/dev/null | sort -rV); do
    candidates+=("${c%/}")
  done
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for c in "${candidates[@]}"; do
    major=$(quire_java_major "$c")
    if [ -n "$major" ] && [ "$major" -ge "$min" ]; then
      export JAVA_HOME=$c
      export PATH="$JAVA_HOME/bin:$PATH"
      # Maven's own Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every build.
      export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
      return 0
    fi
  done
  echo "quire: no JDK $min or newer found (looked at QUIRE_JAVA_HOME, JAVA_HOME, /usr/lib/jvm, /opt, PATH)." >&2
  echo "quire: Lucene 10 and the Vector API need JDK $min+; install one (e.g. Temurin 25) and set QUIRE_JAVA_HOME." >&2
  return 1
}
