#!/usr/bin/env bash
# The console in front of a fleet: how fast it lists and shows pipelines while it watches every run, and how much it
# asks of each Flink cluster.
#
#   bench/fleet/run.sh [options] CLUSTERS PIPELINES_PER_CLUSTER
#
# Starts CLUSTERS stand-in Flink JobManagers (bench/fleet/flink_standin.py: the Flink REST surface the console uses,
# with per-endpoint request counters; no job runs anywhere) and one real console (the built jar, a temporary
# CDC_CONSOLE_HOME with its embedded PostgreSQL, 127.0.0.1, a free port, default run poll interval), registers the
# clusters, creates and starts PIPELINES_PER_CLUSTER pipelines on each (bench/fleet/populate.py) and waits until every
# run is RUNNING. Then, one after the other:
#
#   idle   DURATION seconds of watching only: Flink requests per cluster (from the stand-in's counters), console
#          and PostgreSQL CPU (from /proc: the java process; the postmaster and its children)
#   list   wrk, CONNECTIONS connections, DURATION seconds: GET /api/v1/pipelines?limit=50
#   paced  GET /api/v1/pipelines?limit=50 at about PACED requests a second (4 connections, each waiting 4/PACED s
#          between an answer and its next request): the latency of a list when the cores are not all taken. With
#          CONNECTIONS requests always under way, as in "list", the mean latency is CONNECTIONS / rate (Little's law),
#          so a p99 there is bound to the throughput
#   get    the same as "list" for GET /api/v1/pipelines/{id}, each request a random pipeline of the fleet
#   paced get  the same as "paced" for GET /api/v1/pipelines/{id}
#   me     the same for GET /api/v1/me: authentication (from the principal cache) and one read by primary key, the
#          floor under every authenticated request
#   health the same for GET /health: no authentication, no database; the HTTP floor (every HTTP instance)
#   changes CHANGES RUNNING jobs cancelled at their stand-in JobManagers over 60 s (bench/fleet/state_latency.py):
#          the time from each cancel to its run.state event on GET /api/v1/events, p50/p90/p99/max
#
# and prints a Markdown table. CPU is in % of one core over the window (200 % = both cores of a 2-core machine).
# Everything listens on 127.0.0.1; only processes this script started are stopped; its temp dir is removed.
#
# Options (or the environment variable in brackets):
#   --jar FILE          the console jar (default backend/target/cdc-console.jar of this tree) [BENCH_JAR]
#   --duration S        seconds of each window (default 20) [BENCH_DURATION]
#   --connections N     wrk connections (default 32) [BENCH_CONNECTIONS]
#   --threads N         wrk threads (default 2) [BENCH_THREADS]
#   --paced N           requests a second of the "paced" window (default 500) [BENCH_PACED]
#   BENCH_CHANGES       jobs cancelled at the stand-ins in the last step, "changes" (default 100)
#   BENCH_SETTLE        seconds between the last run RUNNING and the idle window (default 6)
#   BENCH_CACHE         java.io.tmpdir of the console, kept between runs (default /tmp/cdc-fleet-cache)
#   --out DIR           keep the console log, the wrk outputs and the counters in DIR
# Needs: bash, python3, curl, jq, wrk (apt-get install -y wrk), java 17.
set -euo pipefail
export LC_ALL=C

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e 's/^# \{0,1\}//' -e '/^set -euo/d'; }
die() { echo "fleet/run.sh: $*" >&2; exit 1; }
log() { echo "[fleet $(date +%H:%M:%S)] $*" >&2; }
HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/lib.sh
source "$HERE/../lib.sh"

JAR="${BENCH_JAR:-$HERE/../../backend/target/cdc-console.jar}"
DURATION="${BENCH_DURATION:-20}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
PACED="${BENCH_PACED:-500}"
CHANGES="${BENCH_CHANGES:-100}"
SETTLE="${BENCH_SETTLE:-6}"
OUT=""
# java.io.tmpdir of the console, kept between runs: the embedded PostgreSQL's binaries are unpacked there once
CACHE="${BENCH_CACHE:-/tmp/cdc-fleet-cache}"
POS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --jar) JAR="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --paced) PACED="$2"; shift ;;
    --connections) CONNECTIONS="$2"; shift ;;
    --threads) THREADS="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) POS+=("$1") ;;
  esac
  shift
done
[[ ${#POS[@]} -eq 2 ]] || { usage >&2; exit 2; }
CLUSTERS="${POS[0]}"
PER_CLUSTER="${POS[1]}"
[[ -f "$JAR" ]] || die "no jar at $JAR (./mvnw -B -Dskip.frontend -DskipTests package -pl backend -am)"
for tool in python3 curl jq wrk java; do command -v "$tool" >/dev/null || die "$tool is missing"; done

TMP="$(mktemp -d /tmp/cdc-fleet.XXXXXX)"
FLEET_PID=""
CONSOLE_PID=""
cleanup() {
  set +e
  terminate "$CONSOLE_PID"
  terminate "$FLEET_PID"
  if [[ -n "$OUT" ]]; then
    mkdir -p "$OUT"
    cp "$TMP"/*.log "$TMP"/*.txt "$TMP"/*.json "$OUT"/ 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------- the fleet and the console ----------
start_fleet "$CLUSTERS"

start_console fleet-bench

python3 "$HERE/populate.py" --console "$BASE" --password "$PASSWORD" --ports-file "$TMP/ports.txt" \
  --pipelines "$PER_CLUSTER" >"$TMP/populate.json"
TOKEN="$(jq -r .token "$TMP/populate.json")"
FIRST_ID="$(jq -r .firstId "$TMP/populate.json")"
LAST_ID="$(jq -r .lastId "$TMP/populate.json")"
# let the submissions' fast polls settle into the steady cadence (and, with BENCH_SETTLE, PostgreSQL's autovacuum
# of the rows just written)
sleep "$SETTLE"

# ---------- measuring ----------
TICK="$(getconf CLK_TCK)"
PG_PID="$(postmaster_pid)"
pg_ticks() { tree_ticks "$PG_PID"; }
counters() { curl -s "http://127.0.0.1:$CONTROL/_bench/counters"; }
# row writes (inserted + updated + deleted) of the run tables and of cluster_watch, and the commits so far, through
# psql when it is installed: "RUN_ROWS WATCH_ROWS COMMITS"
PG_PORT="$(sed -n 4p "$TMP/home/postgres/postmaster.pid" 2>/dev/null || true)"
pg_writes() {
  command -v psql >/dev/null && [[ -n "$PG_PORT" ]] || { echo "- - -"; return; }
  PGPASSWORD="$(cat "$TMP/home/conf/db.password")" psql -qAt -F' ' -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c \
    "select pg_stat_force_next_flush(); select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del) filter (where relname in
       ('pipeline_run', 'run_transition', 'savepoint')), 0), coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del) filter
       (where relname = 'cluster_watch'), 0), (select xact_commit from pg_stat_database where datname = 'postgres')
     from pg_stat_user_tables" 2>/dev/null | tail -1 || echo "- - -"
}

# which tables the statements read: "table seq_scan idx_scan" per line, through psql when it is installed
pg_scans() {
  command -v psql >/dev/null && [[ -n "$PG_PORT" ]] || return 0
  PGPASSWORD="$(cat "$TMP/home/conf/db.password")" psql -qAt -F' ' -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c \
    "select pg_stat_force_next_flush(); select relname, seq_scan, coalesce(idx_scan, 0) from pg_stat_user_tables" \
    2>/dev/null | awk 'NF == 3' || true
}

# window NAME COMMAND...: runs the command and records the CPU of the console and PostgreSQL over it
window() {
  local name="$1"; shift
  local j0 p0 t0 j1 p1 t1 c0 c1 c2 c3
  # the counters' own window: from the middle of the first read of them to the middle of the second (on a loaded
  # machine the reads and the CPU samples take seconds, and the CPU window alone undercounts it)
  c0=$(date +%s.%N)
  counters >"$TMP/counters-$name-before.json"
  c1=$(date +%s.%N)
  j0=$(cpu_ticks "$CONSOLE_PID"); p0=$(pg_ticks); t0=$(date +%s.%N)
  "$@"
  j1=$(cpu_ticks "$CONSOLE_PID"); p1=$(pg_ticks); t1=$(date +%s.%N)
  c2=$(date +%s.%N)
  counters >"$TMP/counters-$name-after.json"
  c3=$(date +%s.%N)
  awk -v a="$j0" -v b="$j1" -v c="$p0" -v d="$p1" -v s="$t0" -v e="$t1" -v hz="$TICK" \
    -v c0="$c0" -v c1="$c1" -v c2="$c2" -v c3="$c3" \
    'BEGIN { w = e - s; printf "%.0f %.0f %.1f %.1f\n", (b - a) / hz / w * 100, (d - c) / hz / w * 100, w,
             (c2 + c3) / 2 - (c0 + c1) / 2 }' \
    >"$TMP/cpu-$name.txt"
  cut -d' ' -f1 /proc/loadavg >"$TMP/load-$name.txt"
}

cat >"$TMP/get.lua" <<EOF
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v1/pipelines/" .. math.random($FIRST_ID, $LAST_ID))
end
EOF

# wrk measures each request from its sending: the wait before it is not in the latency
cat >"$TMP/paced.lua" <<EOF
delay = function()
  return $(awk -v r="$PACED" 'BEGIN { printf "%d", 4000 / r }')
end
EOF

cat "$TMP/get.lua" "$TMP/paced.lua" >"$TMP/get-paced.lua"

wrk_run() { # NAME PATH [SCRIPT]: CONNECTIONS connections on THREADS threads; a paced window (paced*) 4 on 1
  local script=() threads="$THREADS" connections="$CONNECTIONS"
  [[ $# -ge 3 ]] && script=(-s "$3")
  [[ "$1" == paced* ]] && { threads=1; connections=4; }
  wrk -t"$threads" -c"$connections" -d"${DURATION}s" --latency --timeout 10s "${script[@]}" \
    -H "Authorization: Bearer $TOKEN" "$BASE$2" >"$TMP/wrk-$1.txt" 2>&1
}

log "idle window: watching $((CLUSTERS * PER_CLUSTER)) runs for ${DURATION}s"
sleep 1
read -r RUNW0 WATCHW0 COMMITS0 < <(pg_writes)
pg_scans >"$TMP/scans-idle-before.txt"
window idle sleep "$DURATION"
sleep 1 # the backends report their table statistics within a second
read -r RUNW1 WATCHW1 COMMITS1 < <(pg_writes)
pg_scans >"$TMP/scans-idle-after.txt"
log "list: wrk -c$CONNECTIONS -d${DURATION}s GET /api/v1/pipelines?limit=50"
curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/pipelines?limit=50" >"$TMP/list-sample.json" \
  || die "the list does not answer"
window list wrk_run list "/api/v1/pipelines?limit=50"
log "paced: wrk -c4, about $PACED req/s, GET /api/v1/pipelines?limit=50"
window paced wrk_run paced "/api/v1/pipelines?limit=50" "$TMP/paced.lua"
log "get: wrk -c$CONNECTIONS -d${DURATION}s GET /api/v1/pipelines/{random id}"
window get wrk_run get "/api/v1/pipelines/$FIRST_ID" "$TMP/get.lua"
log "paced get: wrk -c4, about $PACED req/s, GET /api/v1/pipelines/{random id}"
window paced-get wrk_run paced-get "/api/v1/pipelines/$FIRST_ID" "$TMP/get-paced.lua"
log "me: wrk -c$CONNECTIONS -d${DURATION}s GET /api/v1/me (authentication and one read by primary key)"
window me wrk_run me "/api/v1/me"
log "health: wrk -c$CONNECTIONS -d${DURATION}s GET /health (the HTTP floor)"
window health wrk_run health "/health"
RUNNING="$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/pipelines?state=RUNNING&limit=1" | jq .total)"
log "changes: $CHANGES jobs cancelled at their JobManagers over 60 s, each timed to its event on GET /api/v1/events"
python3 "$HERE/state_latency.py" --console "$BASE" --token "$TOKEN" --changes "$CHANGES" --over 60 \
  >"$TMP/changes.json" || echo '{"failed": true}' >"$TMP/changes.json"

# ---------- report ----------
wrk_field() { # FILE FIELD: rps | p50 | p99 | non2xx | errors
  case "$2" in
    rps) awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$1" ;;
    p50) awk '$1 == "50%" { print $2 }' "$1" ;;
    p99) awk '$1 == "99%" { print $2 }' "$1" ;;
    non2xx) awk '/Non-2xx/ { print $NF } END { }' "$1" | tail -1 ;;
    errors) awk '/Socket errors/ { sub(/^.*errors: /, ""); print }' "$1" ;;
  esac
}
# Flink requests over a window, per cluster per watcher poll (one GET /jobs/overview is one poll); the health sampler
# (runs.metricsInterval) asks on its own timer: its vertex and plan requests are left out, its /checkpoints are in
flink_per_poll() {
  python3 - "$TMP/counters-$1-before.json" "$TMP/counters-$1-after.json" "$(cut -d' ' -f4 "$TMP/cpu-$1.txt")" <<'EOF'
import json, sys
before = json.load(open(sys.argv[1]))["clusters"]
after = json.load(open(sys.argv[2]))["clusters"]
window = float(sys.argv[3])
total = {}
for port, counts in after.items():
    for key, n in counts.items():
        if key != "jobs":
            total[key] = total.get(key, 0) + n - before.get(port, {}).get(key, 0)
clusters = len(after)
polls = total.get("GET /jobs/overview", 0)
health = total.get("GET /overview", 0) + total.get("GET /config", 0)
# the health sampler's own endpoints (bench/fleet/health-cost.sh measures them); /checkpoints serves both
sampler = sum(n for k, n in total.items() if "/vertices/" in k or k.endswith("/plan"))
watch = sum(total.values()) - health - sampler
per_poll = watch / polls if polls else 0
detail = ", ".join("%s %.1f" % (k, v * 60.0 / window / clusters) for k, v in sorted(total.items()) if v)
print("%.2f|%.1f|%s" % (per_poll, polls * 60.0 / window / clusters, detail))
EOF
}

IFS='|' read -r PER_POLL POLLS_PER_MIN DETAIL < <(flink_per_poll idle)
read -r IDLE_J IDLE_P _ _ <"$TMP/cpu-idle.txt"
read -r LIST_J LIST_P _ _ <"$TMP/cpu-list.txt"
read -r PACED_J PACED_P _ _ <"$TMP/cpu-paced.txt"
read -r GET_J GET_P _ _ <"$TMP/cpu-get.txt"
read -r PGET_J PGET_P _ _ <"$TMP/cpu-paced-get.txt"
read -r ME_J ME_P _ _ <"$TMP/cpu-me.txt"
read -r HEALTH_J HEALTH_P _ _ <"$TMP/cpu-health.txt"
LIST_TOTAL="$(jq .total "$TMP/list-sample.json")"

echo "### Fleet: $CLUSTERS clusters × $PER_CLUSTER pipelines ($LIST_TOTAL pipelines, $RUNNING runs RUNNING and watched)"
echo
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s; CPU in % of one core over each window; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| window | req/s | p50 | p99 | non-2xx | console CPU | PostgreSQL CPU |"
echo "|---|---:|---:|---:|---:|---:|---:|"
echo "| idle (watching only) | | | | | ${IDLE_J} % | ${IDLE_P} % |"
echo "| \`GET /pipelines?limit=50\` | $(wrk_field "$TMP/wrk-list.txt" rps) | $(wrk_field "$TMP/wrk-list.txt" p50) | $(wrk_field "$TMP/wrk-list.txt" p99) | $(wrk_field "$TMP/wrk-list.txt" non2xx) | ${LIST_J} % | ${LIST_P} % |"
echo "| \`GET /pipelines?limit=50\`, paced (4 connections, about $PACED req/s asked) | $(wrk_field "$TMP/wrk-paced.txt" rps) | $(wrk_field "$TMP/wrk-paced.txt" p50) | $(wrk_field "$TMP/wrk-paced.txt" p99) | $(wrk_field "$TMP/wrk-paced.txt" non2xx) | ${PACED_J} % | ${PACED_P} % |"
echo "| \`GET /pipelines/{id}\` | $(wrk_field "$TMP/wrk-get.txt" rps) | $(wrk_field "$TMP/wrk-get.txt" p50) | $(wrk_field "$TMP/wrk-get.txt" p99) | $(wrk_field "$TMP/wrk-get.txt" non2xx) | ${GET_J} % | ${GET_P} % |"
echo "| \`GET /pipelines/{id}\`, paced (4 connections, about $PACED req/s asked) | $(wrk_field "$TMP/wrk-paced-get.txt" rps) | $(wrk_field "$TMP/wrk-paced-get.txt" p50) | $(wrk_field "$TMP/wrk-paced-get.txt" p99) | $(wrk_field "$TMP/wrk-paced-get.txt" non2xx) | ${PGET_J} % | ${PGET_P} % |"
echo "| \`GET /me\` (authentication + 1 read) | $(wrk_field "$TMP/wrk-me.txt" rps) | $(wrk_field "$TMP/wrk-me.txt" p50) | $(wrk_field "$TMP/wrk-me.txt" p99) | $(wrk_field "$TMP/wrk-me.txt" non2xx) | ${ME_J} % | ${ME_P} % |"
echo "| \`GET /health\` (no authentication) | $(wrk_field "$TMP/wrk-health.txt" rps) | $(wrk_field "$TMP/wrk-health.txt" p50) | $(wrk_field "$TMP/wrk-health.txt" p99) | $(wrk_field "$TMP/wrk-health.txt" non2xx) | ${HEALTH_J} % | ${HEALTH_P} % |"
echo
echo "Flink, idle window: $POLLS_PER_MIN watcher polls per cluster per minute, $PER_POLL requests per cluster per poll"
echo "besides the health probe and the health sampler's plan and vertex metrics (its /checkpoints reads are counted in:"
echo "CDC_CONSOLE_RUN_METRICS_INTERVAL=1h leaves them out); per cluster per minute: $DETAIL."
if [[ "$RUNW0" != "-" && -n "$RUNW1" && "$RUNW1" != "-" ]]; then
  IDLE_S="$(cut -d' ' -f3 "$TMP/cpu-idle.txt")"
  echo "PostgreSQL, idle window: $((RUNW1 - RUNW0)) row writes to pipeline_run, run_transition and savepoint,"
  echo "$((WATCHW1 - WATCHW0)) to cluster_watch, $(awk -v a="$COMMITS0" -v b="$COMMITS1" -v w="$IDLE_S" 'BEGIN { printf "%.0f", (b - a) / w }') commits/s."
fi
if [[ -s "$TMP/scans-idle-after.txt" ]]; then
  echo "PostgreSQL, idle window, table scans per second (sequential + index) by table: $(awk -v w="$(cut -d' ' -f3 "$TMP/cpu-idle.txt")" '
    NR == FNR { seq[$1] = $2; idx[$1] = $3; next }
    { n = ($2 - seq[$1]) + ($3 - idx[$1]); if (n > 0) printf "%s %.1f (%d seq)\n", $1, n / w, $2 - seq[$1] }' \
    "$TMP/scans-idle-before.txt" "$TMP/scans-idle-after.txt" | sort -k2 -nr | paste -sd ';' - | sed 's/;/, /g')."
fi
echo "A Flink state change reaching a client: $(jq -r 'if .failed then "the step failed (see the log above)" else "\(.seen) of \(.changes) cancels seen on the event stream; from the cancel at the JobManager to the event, p50 \(.p50) ms, p90 \(.p90) ms, p99 \(.p99) ms, max \(.max) ms (run poll interval 5 s)" end' "$TMP/changes.json")."
echo "1-minute load average at the end of each window: idle $(cat "$TMP/load-idle.txt"), list $(cat "$TMP/load-list.txt"), paced $(cat "$TMP/load-paced.txt"), get $(cat "$TMP/load-get.txt"), paced get $(cat "$TMP/load-paced-get.txt"), me $(cat "$TMP/load-me.txt"), health $(cat "$TMP/load-health.txt")."
for name in list get me health; do
  errs="$(wrk_field "$TMP/wrk-$name.txt" errors)"
  [[ -z "$errs" ]] || echo "wrk $name socket errors: $errs"
done
