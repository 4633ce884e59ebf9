# Helpers shared by the benchmark scripts (sourced; each script defines die and log first).

# True when the process is gone (or a zombie).
gone() {
  local st
  st="$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null || true)"
  [[ -z "$st" || "$st" == Z ]]
}

# Ends a process this script started: SIGTERM, then SIGKILL after 10 s.
terminate() {
  [[ -n "$1" ]] && ! gone "$1" || return 0
  kill -TERM "$1" 2>/dev/null
  for _ in $(seq 100); do gone "$1" && return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

# User + system CPU of a process so far, in clock ticks (getconf CLK_TCK a second); 0 when it is gone.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# The same for a process and its children (the embedded PostgreSQL's postmaster: its backends, the WAL writer, ...).
tree_ticks() {
  local sum p
  sum=$(cpu_ticks "$1")
  for p in $(pgrep -P "$1"); do sum=$((sum + $(cpu_ticks "$p"))); done
  echo "$sum"
}

# CPU ticks and title of the postmaster and each of its children, one "PID TICKS TITLE" line each (the title is what
# PostgreSQL shows in ps: "postgres: walwriter", "postgres: postgres cdc 127.0.0.1(5432) idle", ...).
process_ticks() {
  local p
  for p in "$1" $(pgrep -P "$1"); do
    echo "$p $(cpu_ticks "$p") $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-60)"
  done
}

# The postmaster of the console's embedded PostgreSQL under $TMP/home (first line of postmaster.pid).
postmaster_pid() {
  local pid
  pid="$(head -1 "$TMP/home/postgres/postmaster.pid" 2>/dev/null || true)"
  [[ -n "$pid" ]] || pid="$(pgrep -f -- "-D $TMP/home/postgres" | head -1 || true)"
  [[ -n "$pid" ]] || die "cannot find the embedded PostgreSQL's postmaster"
  echo "$pid"
}

# A free TCP port on loopback.
free_port() {
  local p tries=200
  while [[ $tries -gt 0 ]]; do
    p=$((20000 + RANDOM % 40000))
    if command -v ss >/dev/null; then
      [[ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]] && { echo "$p"; return; }
    elif ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"; return
    fi
    tries=$((tries - 1))
  done
  die "found no free port"
}

# Starts the console jar $JAR on a free loopback port with a fresh home under $TMP and waits until it is ready.
# Sets PORT, PASSWORD (the first admin's, prefixed with $1), BASE and CONSOLE_PID; the log is $TMP/console.log.
start_console() {
  PORT="$(free_port)"
  PASSWORD="$1-$RANDOM-$RANDOM"
  BASE="http://127.0.0.1:$PORT"
  mkdir -p "$TMP/home" "$CACHE"
  CDC_CONSOLE_HOME="$TMP/home" CDC_CONSOLE_HTTP_HOST=127.0.0.1 CDC_CONSOLE_HTTP_PORT="$PORT" \
    CDC_CONSOLE_ADMIN_PASSWORD="$PASSWORD" CDC_CONSOLE_URL="$BASE" \
    java ${BENCH_JAVA_OPTS:-} -Djava.io.tmpdir="$CACHE" -jar "$JAR" >"$TMP/console.log" 2>&1 &
  CONSOLE_PID=$!
  local ready=""
  for _ in $(seq 600); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/ready" || true)" == 200 ]] && { ready=1; break; }
    gone "$CONSOLE_PID" && { tail -20 "$TMP/console.log" >&2; die "the console died"; }
    sleep 0.5
  done
  [[ -n "$ready" ]] || die "the console was not ready after 5 minutes"
  log "console ready on $BASE (pid $CONSOLE_PID)"
}

# Starts CLUSTERS stand-in Flink JobManagers (fleet/flink_standin.py; further arguments go to it) with their
# counters on a free port, and waits for their ports. Sets CONTROL and FLEET_PID; the ports are in $TMP/ports.txt.
start_fleet() {
  local clusters="$1"; shift
  CONTROL="$(free_port)"
  python3 "$(dirname "${BASH_SOURCE[0]}")/fleet/flink_standin.py" --clusters "$clusters" \
    --ports-file "$TMP/ports.txt.tmp" --control-port "$CONTROL" "$@" >"$TMP/standin.log" 2>&1 &
  FLEET_PID=$!
  for _ in $(seq 300); do [[ -s "$TMP/ports.txt.tmp" ]] && break; gone "$FLEET_PID" && die "the stand-in fleet died"; sleep 0.1; done
  [[ -s "$TMP/ports.txt.tmp" ]] || die "the stand-in fleet did not start"
  mv "$TMP/ports.txt.tmp" "$TMP/ports.txt"
  log "$clusters stand-in JobManagers listening (counters on :$CONTROL)"
}
