# Helpers shared by infra/bin/kafka and infra/bin/registry (sourced, not run).
# Each server runs as a nohup'd background process with a pid file and a log file under
# $STEPWISE_HOME (default <repo>/.stepwise), so `start` returns and the server keeps running.

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(dirname "$INFRA_DIR")"
STEPWISE_HOME="${STEPWISE_HOME:-$REPO_DIR/.stepwise}"
POLL_SECONDS=0.1

die() { echo "$SERVER: $*" >&2; exit 1; }

# The major version of a java binary, or 0 if it cannot say (works for 1.8-style and 9+ versions).
java_major() {
  local v
  v="$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')" || true
  [[ "$v" == 1.* ]] && v="${v#1.}"
  v="${v%%.*}"
  [[ "$v" =~ ^[0-9]+$ ]] && echo "$v" || echo 0
}

# A java executable from a path that is either the executable or a JDK/JRE home.
java_at() {
  if [[ -d "$1" ]]; then echo "$1/bin/java"; else echo "$1"; fi
}

# The pid in $PID_FILE if that process is alive and its command line contains $1, else nothing.
running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 0
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if kill -0 "$pid" 2>/dev/null && ps -p "$pid" -o args= 2>/dev/null | grep -q -- "$1"; then
    echo "$pid"
  fi
}

log_tail() {
  echo "--- last lines of $LOG_FILE ---" >&2
  tail -n 30 "$LOG_FILE" >&2 2>/dev/null || true
}

# wait_ready PID SECONDS CHECK...: polls CHECK every 0.1 s until it succeeds; fails early if PID dies,
# and stops the half-started server on timeout so nothing is left behind.
wait_ready() {
  local pid="$1" seconds="$2"; shift 2
  local polls=$(( seconds * 10 )) i
  for (( i = 0; i < polls; i++ )); do
    if "$@"; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      log_tail
      die "exited before it was ready (see $LOG_FILE)"
    fi
    sleep "$POLL_SECONDS"
  done
  log_tail
  stop_pid "$pid" 30 >/dev/null
  die "not ready within ${seconds}s; stopped it (see $LOG_FILE)"
}

# stop_pid PID SECONDS: SIGTERM (clean shutdown), then SIGKILL after SECONDS.
stop_pid() {
  local pid="$1" seconds="$2" i
  kill -TERM "$pid" 2>/dev/null || true
  for (( i = 0; i < seconds * 10; i++ )); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE"; return 0; }
    sleep "$POLL_SECONDS"
  done
  echo "$SERVER: pid $pid did not stop within ${seconds}s; sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
}
