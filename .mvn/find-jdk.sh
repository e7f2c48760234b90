# Finds a JDK 25 for ./mvnw and ./basalt (sourced by both; POSIX sh, safe under set -euf).
# The build needs JDK 25 while a machine's default java is often older (Debian 12's is 17), so
# the commands in the README look for one instead of failing halfway through the build:
#   1. JAVA_HOME, if it is a JDK 25 or newer;
#   2. the JDK that the java on PATH belongs to, if it is one;
#   3. $BASALT_JDK_DIR/temurin-25-jdk-amd64, then any $BASALT_JDK_DIR/*25* that is one.
# BASALT_JDK_DIR defaults to /usr/lib/jvm; tests point it elsewhere to simulate a machine.
# A JDK's version is read from its release file, so the search starts no JVM and takes milliseconds.

BASALT_JDK_DIR_DEFAULT=/usr/lib/jvm

# What to tell the user when basalt_find_jdk finds nothing.
basalt_jdk_missing() {
  echo "no JDK 25 found (JAVA_HOME: ${JAVA_HOME:-not set}; also looked at the java on PATH and in" \
    "${BASALT_JDK_DIR:-$BASALT_JDK_DIR_DEFAULT}): install a JDK 25 (e.g. Temurin 25) or set JAVA_HOME to one"
}

# Prints the major version of the JDK at $1 (0 when it has no readable release file).
basalt_jdk_major() {
  basalt_v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -n 1) || basalt_v=
  echo "${basalt_v:-0}"
}

basalt_is_jdk25() {
  [ -x "$1/bin/java" ] && [ "$(basalt_jdk_major "$1")" -ge 25 ]
}

# Prints the home of a JDK 25 or newer, in the order above; returns 1 if there is none.
basalt_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && basalt_is_jdk25 "$JAVA_HOME"; then
    echo "$JAVA_HOME"; return 0
  fi
  # java on PATH is usually a link (/usr/bin/java -> /etc/alternatives/java -> <home>/bin/java)
  basalt_java=$(command -v java 2>/dev/null) || basalt_java=
  if [ -n "$basalt_java" ]; then
    basalt_java=$(readlink -f "$basalt_java" 2>/dev/null) || basalt_java=
    basalt_home=${basalt_java%/bin/java}
    if [ -n "$basalt_java" ] && [ "$basalt_home" != "$basalt_java" ] && basalt_is_jdk25 "$basalt_home"; then
      echo "$basalt_home"; return 0
    fi
  fi
  basalt_dir=${BASALT_JDK_DIR:-$BASALT_JDK_DIR_DEFAULT}
  if basalt_is_jdk25 "$basalt_dir/temurin-25-jdk-amd64"; then
    echo "$basalt_dir/temurin-25-jdk-amd64"; return 0
  fi
  # ./mvnw runs with globbing off (set -f): turn it on for this one pattern
  case $- in *f*) basalt_noglob=1; set +f ;; *) basalt_noglob= ;; esac
  basalt_found=
  for basalt_d in "$basalt_dir"/*25*; do
    if basalt_is_jdk25 "$basalt_d"; then
      basalt_found=$basalt_d; break
    fi
  done
  [ -z "$basalt_noglob" ] || set -f
  [ -n "$basalt_found" ] || return 1
  echo "$basalt_found"
}
