#!/usr/bin/env bash
# Start-up time and idle memory of CDC Console.
#
#   bench/startup.sh [options] JAR MODE [RUNS]
#
#   JAR    path to cdc-console.jar (./mvnw -B -DskipTests package -> backend/target/cdc-console.jar)
#   MODE   embedded   no CDC_CONSOLE_DB_URL: the console starts its own PostgreSQL 16. Each run starts the console
#                     on a fresh CDC_CONSOLE_HOME (initdb + migrations), stops it, and starts it again on that home.
#          external   a local PostgreSQL server on 127.0.0.1. Each run creates a database (first start: migrations
#                     on an empty database), stops the console and starts it again on that database.
#   RUNS   runs per mode (default 5)
#
# For every start it measures:
#   - wall time from launching `java -jar` to the first 200 from GET /ready (curl polling every 0.1 s);
#   - CPU time the JVM had used at that moment (user+sys; less sensitive to a busy machine than wall time);
#   - after IDLE seconds (default 10) without requests: RSS of the java process and, for PostgreSQL, the number of
#     processes and their summed RSS and PSS (PSS splits shared memory among the processes, so it does not count
#     shared_buffers once per process as the RSS sum does). Embedded: the postmaster and all its children.
#     External: only the server backends connected to the run's database (what the console adds to the server);
#   - the time from SIGTERM to the exit of the JVM (bounded by STOP_TIMEOUT, then SIGKILL).
# and, from the console's log timestamps, where the start-up time goes.
#
# Options (or the environment variable in brackets):
#   --start-pg          external: if the PostgreSQL cluster is down, start it with pg_ctlcluster and stop it again
#                       at exit [BENCH_START_PG=1]
#   --pg-cluster V/N    external: Debian cluster to use, e.g. 15/main (default: the first of pg_lsclusters)
#                       [BENCH_PG_CLUSTER]
#   --cold-binaries     embedded: give every start its own java.io.tmpdir, so the PostgreSQL binaries are unpacked
#                       on each start as in a fresh container (default: unpacked once by an unmeasured warm-up start
#                       into the run's temp dir and reused) [BENCH_COLD_BINARIES=1]
#   --idle SECONDS      idle time before memory is read (default 10) [BENCH_IDLE]
#   --ready-timeout S   give up on a start after S seconds (default 180) [BENCH_READY_TIMEOUT]
#   --stop-timeout S    SIGKILL the JVM S seconds after SIGTERM (default 10, Docker's default grace period)
#                       [BENCH_STOP_TIMEOUT]
#   --out DIR           keep the console logs and the raw measurements (raw.tsv) in DIR
#   Other environment: BENCH_JAVA (java binary, default java), BENCH_JAVA_OPTS (JVM options),
#   BENCH_PSQL (admin psql command for external mode; default `runuser -u postgres -- psql` as root, else `psql`),
#   BENCH_PG_HOST / BENCH_PG_PORT (external server when pg_lsclusters is not available; host default 127.0.0.1).
#
# Only processes it started are stopped; the database and role it created are dropped; the temp dir is removed.
# Not part of the Maven build. Needs: bash, curl, ps, awk, sort, date (GNU), and for external mode psql.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e 's/^# \{0,1\}//' -e '/^set -euo/d'; }
die() { echo "startup.sh: $*" >&2; exit 1; }
log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ---------- arguments ----------
START_PG="${BENCH_START_PG:-0}"
PG_CLUSTER="${BENCH_PG_CLUSTER:-}"
COLD="${BENCH_COLD_BINARIES:-0}"
IDLE="${BENCH_IDLE:-10}"
READY_TIMEOUT="${BENCH_READY_TIMEOUT:-180}"
STOP_TIMEOUT="${BENCH_STOP_TIMEOUT:-10}"
OUT=""
JAVA="${BENCH_JAVA:-java}"
read -r -a JAVA_OPTS <<<"${BENCH_JAVA_OPTS:-}"
POS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --start-pg) START_PG=1 ;;
    --pg-cluster) [[ $# -ge 2 ]] || die "--pg-cluster needs VERSION/NAME"; PG_CLUSTER="$2"; shift ;;
    --cold-binaries) COLD=1 ;;
    --idle) [[ $# -ge 2 ]] || die "--idle needs seconds"; IDLE="$2"; shift ;;
    --ready-timeout) [[ $# -ge 2 ]] || die "--ready-timeout needs seconds"; READY_TIMEOUT="$2"; shift ;;
    --stop-timeout) [[ $# -ge 2 ]] || die "--stop-timeout needs seconds"; STOP_TIMEOUT="$2"; shift ;;
    --out) [[ $# -ge 2 ]] || die "--out needs a directory"; OUT="$2"; shift ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) POS+=("$1") ;;
  esac
  shift
done
[[ ${#POS[@]} -ge 2 && ${#POS[@]} -le 3 ]] || { usage >&2; exit 2; }
JAR="$(readlink -f -- "${POS[0]}")"
MODE="${POS[1]}"
RUNS="${POS[2]:-5}"
[[ -f "$JAR" ]] || die "no such jar: ${POS[0]}"
[[ "$MODE" == embedded || "$MODE" == external ]] || die "MODE must be embedded or external, not '$MODE'"
for n in "$RUNS" "$IDLE" "$READY_TIMEOUT" "$STOP_TIMEOUT"; do
  [[ "$n" =~ ^[0-9]+$ ]] || die "expected a whole number, got '$n'"
done
[[ "$RUNS" -ge 1 ]] || die "RUNS must be at least 1"
for cmd in curl ps awk sort date "$JAVA"; do
  command -v "$cmd" >/dev/null || die "needs $cmd on the PATH"
done

# ---------- state and cleanup ----------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdc-bench.XXXXXX")"
RAW="$WORK/raw.tsv"
JAVA_PID=""
PG_PIDFILE=""      # embedded: postmaster.pid of the home in use
STARTED_CLUSTER="" # external: "VER NAME" when this script started it
PSQL=()
BENCH_ROLE=""
BENCH_DBS=()
CLK_TCK="$(getconf CLK_TCK)"

# Is the process gone (or a zombie, i.e. exited but not yet reaped)?

# SIGTERM, wait up to $2 seconds, SIGKILL. Sets STOP_S (seconds), STOP_RC (exit code) and STOP_KILLED (0/1).
# Runs in the main shell (not in $(...)), so that `wait` can collect the exit code of its child.
stop_pid() {
  local pid="$1" limit="$2" t0 t1 tries
  STOP_KILLED=0 STOP_RC=0
  t0="$(date +%s%N)"
  kill -TERM "$pid" 2>/dev/null || true
  tries=$((limit * 10))
  while ! gone "$pid" && [[ $tries -gt 0 ]]; do sleep 0.1; tries=$((tries - 1)); done
  if ! gone "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    STOP_KILLED=1
    while ! gone "$pid"; do sleep 0.05; done
  fi
  t1="$(date +%s%N)"
  wait "$pid" 2>/dev/null || STOP_RC=$?
  STOP_S="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
}

# The embedded postmaster, when the console left it running (it should stop it itself).
stop_embedded_pg() {
  [[ -n "$PG_PIDFILE" && -f "$PG_PIDFILE" ]] || return 0
  local pm
  pm="$(head -n 1 "$PG_PIDFILE" 2>/dev/null || true)"
  [[ "$pm" =~ ^[0-9]+$ ]] || return 0
  if ! gone "$pm" && grep -q postgres "/proc/$pm/comm" 2>/dev/null; then
    log "embedded PostgreSQL (pid $pm) still runs after the console stopped: stopping it"
    kill -INT "$pm" 2>/dev/null || true # fast shutdown
    local tries=100
    while ! gone "$pm" && [[ $tries -gt 0 ]]; do sleep 0.1; tries=$((tries - 1)); done
    gone "$pm" || kill -KILL "$pm" 2>/dev/null || true
    echo "LEFT_RUNNING" >>"$WORK/pg-left-running"
  fi
}

psql_admin() { "${PSQL[@]}" -X -q -A -t -v ON_ERROR_STOP=1 -d postgres "$@"; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$JAVA_PID" ]] && ! gone "$JAVA_PID"; then
    log "stopping the console (pid $JAVA_PID)"
    stop_pid "$JAVA_PID" "$STOP_TIMEOUT" || true
  fi
  stop_embedded_pg || true
  if [[ ${#BENCH_DBS[@]} -gt 0 ]]; then
    for db in "${BENCH_DBS[@]}"; do psql_admin -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true; done
  fi
  if [[ -n "$BENCH_ROLE" ]]; then
    psql_admin -c "DROP ROLE IF EXISTS \"$BENCH_ROLE\"" >/dev/null 2>&1 || true
  fi
  if [[ -n "$STARTED_CLUSTER" ]]; then
    log "stopping PostgreSQL cluster $STARTED_CLUSTER (started by this script)"
    # shellcheck disable=SC2086
    pg_ctlcluster $STARTED_CLUSTER stop || true
  fi
  if [[ -n "$OUT" ]]; then
    mkdir -p "$OUT"
    cp -f "$WORK"/*.log "$WORK/raw.tsv" "$OUT"/ 2>/dev/null || true
    log "logs and raw.tsv kept in $OUT"
  fi
  rm -rf -- "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------- helpers ----------

kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
pss_kib() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null || true; }
cpu_s() {
  awk -v hz="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null || echo NA
}

# Sums RSS and PSS (MiB) of the given pids: prints "count rss pss" (pss NA when smaps_rollup is not readable).
mem_of() {
  local n=0 rss=0 pss=0 pss_ok=1 r p pid
  for pid in "$@"; do
    r="$(kib "$pid")"; [[ -n "$r" ]] || continue
    n=$((n + 1)); rss=$((rss + r))
    p="$(pss_kib "$pid")"
    if [[ -n "$p" ]]; then pss=$((pss + p)); else pss_ok=0; fi
  done
  if [[ $pss_ok -eq 1 ]]; then
    awk -v n="$n" -v r="$rss" -v p="$pss" 'BEGIN { printf "%d %.1f %.1f\n", n, r / 1024, p / 1024 }'
  else
    awk -v n="$n" -v r="$rss" 'BEGIN { printf "%d %.1f NA\n", n, r / 1024 }'
  fi
}

# ms since the epoch of a log line's ISO timestamp (first field), for the first line matching $2 in $1.
log_ms() {
  local line ts
  line="$(grep -m 1 -E -- "$2" "$1" 2>/dev/null || true)"
  [[ -n "$line" ]] || { echo NA; return; }
  ts="${line%% *}"
  date -d "$ts" +%s%3N 2>/dev/null || echo NA
}

# secs between two ms values (NA-safe)
span() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA") print "NA"; else printf "%.2f", (b - a) / 1000 }'; }

# ---------- one start ----------
# start_console PHASE RUN HOME TMPDIR [extra env...]: launches, waits for /ready, idles, measures, stops.
# Appends one line to raw.tsv.
start_console() {
  local phase="$1" run="$2" home="$3" jtmp="$4"; shift 4
  local port logf t0 t1 code="" tries cpu ready_s rss pg="0 0.0 NA" stop
  port="$(free_port)"
  logf="$WORK/$phase-run$run.log"
  mkdir -p "$home" "$jtmp"
  t0="$(date +%s%N)"
  env CDC_CONSOLE_HOME="$home" CDC_CONSOLE_HTTP_HOST=127.0.0.1 CDC_CONSOLE_HTTP_PORT="$port" \
      CDC_CONSOLE_ADMIN_PASSWORD="bench-admin-password" "$@" \
      "$JAVA" ${JAVA_OPTS[@]+"${JAVA_OPTS[@]}"} -Djava.io.tmpdir="$jtmp" -jar "$JAR" >"$logf" 2>&1 </dev/null &
  JAVA_PID=$!
  if [[ "$MODE" == embedded ]]; then PG_PIDFILE="$home/postgres/postmaster.pid"; fi
  tries=$((READY_TIMEOUT * 10))
  while [[ $tries -gt 0 ]]; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/ready" || true)"
    [[ "$code" == 200 ]] && break
    if gone "$JAVA_PID"; then
      wait "$JAVA_PID" 2>/dev/null || true
      JAVA_PID=""
      tail -n 20 "$logf" >&2
      die "$phase run $run: the console exited before /ready answered 200 (log above)"
    fi
    sleep 0.1
    tries=$((tries - 1))
  done
  t1="$(date +%s%N)"
  cpu="$(cpu_s "$JAVA_PID")"
  if [[ "$code" != 200 ]]; then
    tail -n 20 "$logf" >&2
    die "$phase run $run: /ready did not answer 200 within ${READY_TIMEOUT}s (last: ${code:-none})"
  fi
  ready_s="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"

  sleep "$IDLE" & wait $! # (not a plain sleep: a TERM to this script is handled at once, not after the sleep)
  gone "$JAVA_PID" && die "$phase run $run: the console exited while idle"
  rss="$(awk -v r="$(kib "$JAVA_PID")" 'BEGIN { printf "%.1f", r / 1024 }')"
  if [[ "$MODE" == embedded ]]; then
    local pm kids
    pm="$(head -n 1 "$PG_PIDFILE" 2>/dev/null || true)"
    if [[ "$pm" =~ ^[0-9]+$ ]]; then
      kids="$(ps -o pid= --ppid "$pm" 2>/dev/null | tr '\n' ' ' || true)"
      # shellcheck disable=SC2086
      pg="$(mem_of "$pm" $kids)"
    fi
  else
    local backends
    backends="$(psql_admin -c "SELECT pid FROM pg_stat_activity WHERE datname = '$CUR_DB'" | tr '\n' ' ' || true)"
    # shellcheck disable=SC2086
    pg="$(mem_of $backends)"
  fi

  stop_pid "$JAVA_PID" "$STOP_TIMEOUT"
  stop="$STOP_S $STOP_RC $STOP_KILLED"
  JAVA_PID=""
  if [[ "$MODE" == embedded ]]; then stop_embedded_pg; fi

  # Where the time went, from the log (JVM launch = t0).
  local l_cfg l_db l_mig l_listen launch_ms
  launch_ms=$((t0 / 1000000))
  l_cfg="$(log_ms "$logf" 'No database.url configured|Using PostgreSQL at')"
  l_db="$(log_ms "$logf" 'Embedded PostgreSQL is up|Using PostgreSQL at')"
  l_mig="$(log_ms "$logf" 'Database schema at version')"
  l_listen="$(log_ms "$logf" 'CDC Console is listening')"
  local errs
  errs="$(grep -c -E ' (ERROR|WARN) |Exception' "$logf" || true)"
  # shellcheck disable=SC2086
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$phase" "$run" "$ready_s" "$cpu" "$rss" \
    $pg $stop \
    "$(span "$launch_ms" "$l_cfg")|$(span "$l_cfg" "$l_db")|$(span "$l_db" "$l_mig")|$(span "$l_mig" "$l_listen")|$(span "$l_listen" "$((t1 / 1000000))")" \
    "$errs" >>"$RAW"
  log "$phase run $run: ready in ${ready_s}s (JVM CPU ${cpu}s), java RSS ${rss} MiB, postgres [n rss pss] $pg, stop [s rc killed] $stop"
}

# ---------- modes ----------
printf 'phase\trun\tready_s\tcpu_s\tjava_rss_mib\tpg_procs\tpg_rss_mib\tpg_pss_mib\tstop_s\tstop_rc\tkilled\tsteps\tlog_warn_err\n' >"$RAW"
JV="$("$JAVA" -version 2>&1 | head -n 1)"
log "jar $JAR, mode $MODE, $RUNS run(s), idle ${IDLE}s, $JV"

if [[ "$MODE" == embedded ]]; then
  PHASES=(first restart)
  if [[ "$COLD" == 1 ]]; then
    PHASES=(first-cold restart)
  else
    log "warm-up: one unmeasured start to unpack the PostgreSQL binaries into the run's temp dir"
    SAVED_IDLE="$IDLE"; IDLE=0
    start_console warmup 0 "$WORK/home-warmup" "$WORK/jtmp"
    IDLE="$SAVED_IDLE"
    sed -i '/^warmup\t/d' "$RAW"
    rm -f -- "$WORK/warmup-run0.log"
  fi
  for ((i = 1; i <= RUNS; i++)); do
    home="$WORK/home-$i"
    jtmp="$WORK/jtmp"
    if [[ "$COLD" == 1 ]]; then jtmp="$WORK/jtmp-$i"; fi
    start_console "${PHASES[0]}" "$i" "$home" "$jtmp"
    start_console restart "$i" "$home" "$jtmp"
    rm -rf -- "$home" # keep the temp dir small; each home holds a PostgreSQL cluster
    if [[ "$COLD" == 1 ]]; then rm -rf -- "$jtmp"; fi
  done
else
  command -v psql >/dev/null || die "external mode needs psql"
  if [[ -n "${BENCH_PSQL:-}" ]]; then
    read -r -a PSQL <<<"$BENCH_PSQL"
  elif [[ "$(id -u)" == 0 ]]; then
    PSQL=(runuser -u postgres -- psql)
  else
    PSQL=(psql)
  fi
  PG_HOST="${BENCH_PG_HOST:-127.0.0.1}"
  PG_PORT="${BENCH_PG_PORT:-}"
  if command -v pg_lsclusters >/dev/null; then
    if [[ -z "$PG_CLUSTER" ]]; then
      PG_CLUSTER="$(pg_lsclusters -h | awk 'NR == 1 { print $1 "/" $2 }')"
      [[ -n "$PG_CLUSTER" ]] || die "pg_lsclusters lists no PostgreSQL cluster"
    fi
    read -r CL_VER CL_NAME CL_PORT CL_STATUS < <(pg_lsclusters -h | awk -v c="$PG_CLUSTER" '$1 "/" $2 == c { print $1, $2, $3, $4 }') || true
    [[ -n "${CL_VER:-}" ]] || die "no PostgreSQL cluster $PG_CLUSTER (see pg_lsclusters)"
    PG_PORT="${PG_PORT:-$CL_PORT}"
    if [[ "$CL_STATUS" != online* ]]; then
      [[ "$START_PG" == 1 ]] || die "PostgreSQL cluster $PG_CLUSTER is $CL_STATUS; pass --start-pg (or BENCH_START_PG=1) to start it for the run"
      log "starting PostgreSQL cluster $PG_CLUSTER"
      pg_ctlcluster "$CL_VER" "$CL_NAME" start
      STARTED_CLUSTER="$CL_VER $CL_NAME"
    fi
    PSQL+=(-p "$PG_PORT")
  fi
  PG_PORT="${PG_PORT:-5432}"
  tries=100
  until psql_admin -c 'SELECT 1' >/dev/null 2>&1; do
    tries=$((tries - 1)); [[ $tries -gt 0 ]] || die "cannot connect with: ${PSQL[*]}"; sleep 0.2
  done
  log "PostgreSQL $(psql_admin -c 'SHOW server_version') on $PG_HOST:$PG_PORT"
  BENCH_ROLE="cdc_bench_$$"
  BENCH_PW="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  psql_admin -c "CREATE ROLE \"$BENCH_ROLE\" LOGIN PASSWORD '$BENCH_PW'" >/dev/null
  for ((i = 1; i <= RUNS; i++)); do
    CUR_DB="${BENCH_ROLE}_run$i"
    BENCH_DBS+=("$CUR_DB")
    psql_admin -c "CREATE DATABASE \"$CUR_DB\" OWNER \"$BENCH_ROLE\"" >/dev/null
    home="$WORK/home-$i"
    for phase in first restart; do
      start_console "$phase" "$i" "$home" "$WORK/jtmp" \
        CDC_CONSOLE_DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$CUR_DB" \
        CDC_CONSOLE_DB_USER="$BENCH_ROLE" CDC_CONSOLE_DB_PASSWORD="$BENCH_PW"
    done
    psql_admin -c "DROP DATABASE \"$CUR_DB\" WITH (FORCE)" >/dev/null
    rm -rf -- "$home"
  done
fi

# ---------- report ----------
stats() { # column number, phase -> "min | median | max"
  awk -F'\t' -v c="$1" -v p="$2" 'NR > 1 && $1 == p && $c != "NA" { print $c }' "$RAW" | sort -g |
    awk '{ v[NR] = $1 } END {
      if (NR == 0) { print "n/a | n/a | n/a"; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%s | %s | %s\n", v[1], m, v[NR] }'
}
step_stats() { # step index (1-5), phase
  awk -F'\t' -v i="$1" -v p="$2" 'NR > 1 && $1 == p { split($12, s, "|"); if (s[i] != "NA") print s[i] }' "$RAW" |
    sort -g | awk '{ v[NR] = $1 } END {
      if (NR == 0) { print "n/a | n/a | n/a"; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.2f | %.2f | %.2f\n", v[1], m, v[NR] }'
}
title() {
  case "$MODE:$1" in
    embedded:first) echo "embedded, first start on a fresh home (initdb + migrations; binaries already unpacked)" ;;
    embedded:first-cold) echo "embedded, first start on a fresh home and an empty java.io.tmpdir (unpack binaries + initdb + migrations)" ;;
    embedded:restart) echo "embedded, second start on the same home (existing cluster, no migrations)" ;;
    external:first) echo "external, first start on an empty database (migrations)" ;;
    external:restart) echo "external, second start on the same database" ;;
  esac
}

echo
echo "## CDC Console start-up: $MODE mode, $RUNS run(s)"
echo
echo "- jar: \`$(basename "$JAR")\` ($(du -m "$JAR" | cut -f1) MiB), $JV, $(nproc) CPU(s), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "- memory read after ${IDLE} s idle; stop = SIGTERM to JVM exit, SIGKILL after ${STOP_TIMEOUT} s"
if [[ "$MODE" == external ]]; then echo "- PostgreSQL: $PG_HOST:$PG_PORT; postgres columns = server backends connected to the run's database"; fi
if [[ "$MODE" == embedded ]]; then echo "- postgres columns = the embedded postmaster and all its child processes"; fi
# shellcheck disable=SC2013 # phase names have no spaces
for phase in $(awk -F'\t' 'NR > 1 { print $1 }' "$RAW" | awk '!seen[$0]++'); do
  n="$(awk -F'\t' -v p="$phase" 'NR > 1 && $1 == p' "$RAW" | wc -l)"
  killed="$(awk -F'\t' -v p="$phase" 'NR > 1 && $1 == p && $11 == 1' "$RAW" | wc -l)"
  procs="$(awk -F'\t' -v p="$phase" 'NR > 1 && $1 == p { print $6 }' "$RAW" | sort -n | uniq | tr '\n' ' ')"
  echo
  echo "### $(title "$phase") ($n starts)"
  echo
  echo "| metric | min | median | max |"
  echo "| --- | ---: | ---: | ---: |"
  echo "| launch → first 200 from /ready (s) | $(stats 3 "$phase") |"
  echo "| JVM CPU time (user+sys) at that moment (s) | $(stats 4 "$phase") |"
  echo "| java RSS after ${IDLE} s idle (MiB) | $(stats 5 "$phase") |"
  echo "| postgres processes: RSS sum (MiB) | $(stats 7 "$phase") |"
  echo "| postgres processes: PSS sum (MiB) | $(stats 8 "$phase") |"
  echo "| SIGTERM → JVM exit (s) | $(stats 9 "$phase") |"
  echo
  echo "postgres processes counted: ${procs% }; JVM exits on SIGTERM by itself: $((n - killed))/$n (else SIGKILL after ${STOP_TIMEOUT} s)"
  echo
  echo "Where the time goes (from log timestamps, s):"
  echo
  echo "| step | min | median | max |"
  echo "| --- | ---: | ---: | ---: |"
  echo "| JVM launch → configuration loaded (first database log line) | $(step_stats 1 "$phase") |"
  if [[ "$MODE" == embedded ]]; then
    echo "| embedded PostgreSQL start (incl. initdb on a fresh home) | $(step_stats 2 "$phase") |"
  fi
  echo "| Flyway migrate / validate | $(step_stats 3 "$phase") |"
  echo "| master-key check, first admin, JWT key, SPA, HTTP listen | $(step_stats 4 "$phase") |"
  echo "| listening → first 200 seen by the poller | $(step_stats 5 "$phase") |"
done
LOGS_WARN="$(cat "$WORK"/*.log 2>/dev/null | grep -E ' (ERROR|WARN) |Exception' | sed -E "s|$WORK|<tmp>|g; s/^[0-9T:.+-]+Z? //; s/home-[0-9]+/home-N/g; s/[0-9]{2,}/N/g" | sort | uniq -c | sort -rn | head -n 15 || true)"
if [[ -n "$LOGS_WARN" ]]; then
  echo
  echo "Console log lines at WARN/ERROR or naming an exception (all starts, numbers masked, count first):"
  echo
  echo '```'
  echo "$LOGS_WARN"
  echo '```'
fi
if [[ -f "$WORK/pg-left-running" ]]; then
  echo
  echo "Embedded PostgreSQL was still running after the console exited $(wc -l <"$WORK/pg-left-running") time(s); the script stopped it."
fi
