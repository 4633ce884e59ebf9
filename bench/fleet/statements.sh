#!/usr/bin/env bash
# Which statements the console sends PostgreSQL while it only watches: pg_stat_statements over an idle window.
#
#   bench/fleet/statements.sh [options] CLUSTERS PIPELINES_PER_CLUSTER
#
# Starts the stand-in fleet and the console as bench/fleet/run.sh does, creates and starts the pipelines, then turns
# on pg_stat_statements in the console's embedded PostgreSQL (shared_preload_libraries: the console is stopped and
# started again on the same home, so the server restarts with it; the runs stay RUNNING at the stand-ins and are
# watched again), waits SETTLE seconds, resets the statistics and, after WINDOW seconds with no request, prints the
# statements by total execution time: calls a second, milliseconds of execution a second, rows a call; and then the
# CPU of each PostgreSQL process over the same window (backends by their connection, the WAL writer, the checkpointer,
# ...), to tell the statements' share from the rest.
#
# Options (or the environment variable in brackets):
#   --jar FILE      the console jar (default backend/target/cdc-console.jar of this tree) [BENCH_JAR]
#   --window S      seconds of the idle window (default 30) [BENCH_WINDOW]
#   --settle S      seconds between the restart and the window (default 30) [BENCH_SETTLE]
#   BENCH_CACHE     java.io.tmpdir of the console, kept between runs (default /tmp/cdc-fleet-cache)
# The console's environment is passed on (e.g. CDC_CONSOLE_RUN_METRICS_INTERVAL=1h: the health sampler off).
# Everything listens on 127.0.0.1; only processes this script started are stopped; its temp dir is removed.
# Needs: bash, python3, curl, psql, java 17.
set -euo pipefail
export LC_ALL=C

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e 's/^# \{0,1\}//' -e '/^set -euo/d'; }
die() { echo "fleet/statements.sh: $*" >&2; exit 1; }
log() { echo "[statements $(date +%H:%M:%S)] $*" >&2; }
HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/lib.sh
source "$HERE/../lib.sh"

JAR="${BENCH_JAR:-$HERE/../../backend/target/cdc-console.jar}"
WINDOW="${BENCH_WINDOW:-30}"
SETTLE="${BENCH_SETTLE:-30}"
CACHE="${BENCH_CACHE:-/tmp/cdc-fleet-cache}"
POS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --jar) JAR="$2"; shift ;;
    --window) WINDOW="$2"; shift ;;
    --settle) SETTLE="$2"; shift ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) POS+=("$1") ;;
  esac
  shift
done
[[ ${#POS[@]} -eq 2 ]] || { usage >&2; exit 2; }
[[ -f "$JAR" ]] || die "no jar at $JAR (./mvnw -B -Dskip.frontend -DskipTests package -pl backend -am)"
for tool in python3 curl psql java; do command -v "$tool" >/dev/null || die "$tool is missing"; done

TMP="$(mktemp -d /tmp/cdc-statements.XXXXXX)"
FLEET_PID=""
CONSOLE_PID=""
cleanup() {
  set +e
  terminate "$CONSOLE_PID"
  terminate "$FLEET_PID"
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_fleet "${POS[0]}"
start_console statements
python3 "$HERE/populate.py" --console "$BASE" --password "$PASSWORD" --ports-file "$TMP/ports.txt" \
  --pipelines "${POS[1]}" >"$TMP/populate.json"

sql() {
  PGPASSWORD="$(cat "$TMP/home/conf/db.password")" psql -qAt -h 127.0.0.1 \
    -p "$(sed -n 4p "$TMP/home/postgres/postmaster.pid")" -U postgres -d postgres -c "$1"
}
sql "alter system set shared_preload_libraries = 'pg_stat_statements'"
terminate "$CONSOLE_PID"
log "console stopped; starting it again on the same home (its PostgreSQL with pg_stat_statements)"
CDC_CONSOLE_HOME="$TMP/home" CDC_CONSOLE_HTTP_HOST=127.0.0.1 CDC_CONSOLE_HTTP_PORT="$PORT" CDC_CONSOLE_URL="$BASE" \
  java ${BENCH_JAVA_OPTS:-} -Djava.io.tmpdir="$CACHE" -jar "$JAR" >"$TMP/console-again.log" 2>&1 &
CONSOLE_PID=$!
for _ in $(seq 600); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/ready" || true)" == 200 ]] && break
  gone "$CONSOLE_PID" && die "the console died on its second start"
  sleep 0.5
done
sql "create extension if not exists pg_stat_statements"
# known once the library is loaded; planning time is what a statement costs beside its execution
sql "alter system set pg_stat_statements.track_planning = on"
sql "select pg_reload_conf()" >/dev/null
log "settling for ${SETTLE}s, then ${WINDOW}s of watching only"
sleep "$SETTLE"
sql "select pg_stat_statements_reset()" >/dev/null
PM="$(postmaster_pid)"
process_ticks "$PM" >"$TMP/ticks-before.txt"
sleep "$WINDOW"
process_ticks "$PM" >"$TMP/ticks-after.txt"
echo "| calls/s | ms/s | plans/s | planning ms/s | rows/call | statement |"
echo "|---:|---:|---:|---:|---:|---|"
sql "select '| ' || round(calls / $WINDOW.0, 2) || ' | ' || round((total_exec_time / $WINDOW)::numeric, 2) || ' | '
       || round(plans / $WINDOW.0, 2) || ' | ' || round((total_plan_time / $WINDOW)::numeric, 2) || ' | '
       || round(rows::numeric / greatest(calls, 1), 1) || ' | \`' || left(regexp_replace(query, '\s+', ' ', 'g'), 160)
       || '…\` |'
     from pg_stat_statements where query not like '%pg_stat_statements%' and query not like 'alter system%'
     order by total_exec_time + total_plan_time desc limit 25"
echo
echo "$(sql "select round(sum(total_exec_time)::numeric / $WINDOW, 1) || ' ms of execution and '
  || round(sum(total_plan_time)::numeric / $WINDOW, 1) || ' ms of planning a second in all, '
  || round(sum(calls)::numeric / $WINDOW, 1) || ' statements a second' from pg_stat_statements")."
echo
echo "| PostgreSQL process | CPU, % of a core |"
echo "|---|---:|"
# a process that started within the window counts from 0; one that ended is left out
awk -v hz="$(getconf CLK_TCK)" -v window="$WINDOW" '
  NR == FNR { before[$1] = $2; next }
  { title = $0; sub(/^[0-9]+ [0-9]+ /, "", title); used = $2 - ($1 in before ? before[$1] : 0)
    total += used; printf "| %s | %.2f |\n", title, 100 * used / hz / window }
  END { printf "| **all** | **%.2f** |\n", 100 * total / hz / window }' "$TMP/ticks-before.txt" "$TMP/ticks-after.txt"

