#!/usr/bin/env bash
# What the health sampler (io.cdcconsole.health.HealthWatcher) costs: Flink requests per running job per minute, and
# the console's and PostgreSQL's CPU, with metrics on and effectively off.
#
#   bench/fleet/health-cost.sh [options] CLUSTERS JOBS_PER_CLUSTER
#
# Starts CLUSTERS stand-in Flink JobManagers (bench/fleet/flink_standin.py: the REST surface of Flink 1.20 with a
# Flink CDC 3.2.0 job's plan, metric names and values, and a completed checkpoint every --checkpoint-every seconds;
# per-endpoint request counters) and one real console (the built jar, a temporary CDC_CONSOLE_HOME with its embedded
# PostgreSQL, 127.0.0.1), creates and starts JOBS_PER_CLUSTER pipelines on each cluster (bench/fleet/populate.py) and
# waits until every run is RUNNING; that console is stopped. Then two phases on the same home and the same jobs, each
# a fresh console process (restarted consoles take their RUNNING runs up again):
#
#   on    runs.metricsInterval = --interval (default 30s, the default): wait --settle seconds (the first samples and
#         the one-time discovery of each job's source vertex and metric names are spread over one interval), then a
#         window of --duration seconds
#   off   runs.metricsInterval = 1h (the largest allowed: a job's first sample falls
#         somewhere in the next hour, so a few are taken in the window), the same settle and window
#
# and prints a Markdown table: per endpoint, Flink requests per running job per minute in each window and on − off
# (the sampler's share: the run watcher's own reads, e.g. /checkpoints for the savepoint ledger, are in both); the
# console's CPU (user + system of the java process, /proc/PID/stat, over the window) and PostgreSQL's (the postmaster
# and its children) in % of one core and per 100 running jobs; row writes of the health tables; the load average.
# Everything listens on 127.0.0.1; only processes this script started are stopped; its temp dir is removed.
#
# Options (or the environment variable in brackets):
#   --jar FILE             the console jar (default backend/target/cdc-console.jar of this tree) [BENCH_JAR]
#   --duration S           seconds of each window (default 180) [BENCH_DURATION]
#   --settle S             seconds between a console's start and its window (default 45)
#   --interval D           runs.metricsInterval of the "on" phase (default 30s)
#   --checkpoint-every S   seconds between a stand-in job's completed checkpoints (default 60)
#   BENCH_CACHE            java.io.tmpdir of the console, kept between runs (default /tmp/cdc-fleet-cache)
#   --out DIR              keep the console logs and the counters in DIR
# Needs: bash, python3, curl, jq, java 17; psql for the row writes (optional).
set -euo pipefail
export LC_ALL=C

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e 's/^# \{0,1\}//' -e '/^set -euo/d'; }
die() { echo "fleet/health-cost.sh: $*" >&2; exit 1; }
log() { echo "[health-cost $(date +%H:%M:%S)] $*" >&2; }
HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/lib.sh
source "$HERE/../lib.sh"

JAR="${BENCH_JAR:-$HERE/../../backend/target/cdc-console.jar}"
DURATION="${BENCH_DURATION:-180}"
SETTLE=45
INTERVAL=30s
CHECKPOINT_EVERY=60
OUT=""
CACHE="${BENCH_CACHE:-/tmp/cdc-fleet-cache}"
POS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --jar) JAR="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --settle) SETTLE="$2"; shift ;;
    --interval) INTERVAL="$2"; shift ;;
    --checkpoint-every) CHECKPOINT_EVERY="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) POS+=("$1") ;;
  esac
  shift
done
[[ ${#POS[@]} -eq 2 ]] || { usage >&2; exit 2; }
CLUSTERS="${POS[0]}"
PER_CLUSTER="${POS[1]}"
JOBS=$((CLUSTERS * PER_CLUSTER))
[[ -f "$JAR" ]] || die "no jar at $JAR (./mvnw -B -pl backend -am -DskipTests -DskipITs package)"
for tool in python3 curl jq java; do command -v "$tool" >/dev/null || die "$tool is missing"; done

TMP="$(mktemp -d /tmp/cdc-health-cost.XXXXXX)"
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

start_fleet "$CLUSTERS" --checkpoint-every "$CHECKPOINT_EVERY"

TICK="$(getconf CLK_TCK)"
counters() { curl -s "http://127.0.0.1:$CONTROL/_bench/counters"; }
# row writes (inserted + updated + deleted) of the health tables, and the commits so far: "HEALTH_ROWS COMMITS"
pg_writes() {
  local port
  port="$(sed -n 4p "$TMP/home/postgres/postmaster.pid" 2>/dev/null || true)"
  command -v psql >/dev/null && [[ -n "$port" ]] || { echo "- -"; return; }
  PGPASSWORD="$(cat "$TMP/home/conf/db.password")" psql -qAt -F' ' -h 127.0.0.1 -p "$port" -U postgres -d postgres -c \
    "select pg_stat_force_next_flush(); select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del) filter (where relname in
       ('run_metric', 'run_health')), 0), (select xact_commit from pg_stat_database where datname = 'postgres')
     from pg_stat_user_tables" 2>/dev/null | tail -1 || echo "- -"
}
running() {
  curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/pipelines?state=RUNNING&limit=1" | jq -r '.total // "?"'
}

# phase NAME INTERVAL: a fresh console with runs.metricsInterval=INTERVAL, settled, then one measured window
phase() {
  local name="$1" j0 j1 p0 p1 t0 t1 w0 w1 c0 c1 pg
  export CDC_CONSOLE_RUN_METRICS_INTERVAL="$2"
  start_console health-cost
  log "$name: runs.metricsInterval=$2, settling for ${SETTLE}s"
  sleep "$SETTLE"
  pg="$(postmaster_pid)"
  echo "$(running)" >"$TMP/running-$name-before.txt"
  log "$name: window of ${DURATION}s"
  read -r w0 c0 < <(pg_writes)
  counters >"$TMP/counters-$name-before.json"
  j0=$(cpu_ticks "$CONSOLE_PID"); p0=$(tree_ticks "$pg"); t0=$(date +%s.%N)
  sleep "$DURATION"
  j1=$(cpu_ticks "$CONSOLE_PID"); p1=$(tree_ticks "$pg"); t1=$(date +%s.%N)
  gone "$CONSOLE_PID" && die "$name: the console stopped during the window, not by this script (see --out)"
  counters >"$TMP/counters-$name-after.json"
  cut -d' ' -f1-3 /proc/loadavg >"$TMP/load-$name.txt"
  sleep 1 # the backends report their table statistics within a second
  read -r w1 c1 < <(pg_writes)
  echo "$(running)" >"$TMP/running-$name-after.txt"
  # one run's health as the console answers it: shows that the sampler read the stand-in's answers
  curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/pipelines?limit=1" \
    | jq -c '.items[0].currentRun.health // {}' >"$TMP/health-$name.json" || true
  awk -v a="$j0" -v b="$j1" -v c="$p0" -v d="$p1" -v s="$t0" -v e="$t1" -v hz="$TICK" \
    'BEGIN { w = e - s; printf "%.2f %.2f %.1f\n", (b - a) / hz / w * 100, (d - c) / hz / w * 100, w }' \
    >"$TMP/cpu-$name.txt"
  if [[ "$w0" != "-" && -n "$w1" && "$w1" != "-" ]]; then
    echo "$((w1 - w0)) $((c1 - c0))" >"$TMP/writes-$name.txt"
  else
    echo "- -" >"$TMP/writes-$name.txt"
  fi
  cp "$TMP/console.log" "$TMP/console-$name.log"
  terminate "$CONSOLE_PID"
  CONSOLE_PID=""
}

# the jobs, created by a console of their own, so that both phases start alike: a fresh JVM on the same home
export CDC_CONSOLE_RUN_METRICS_INTERVAL=1h
start_console health-cost
python3 "$HERE/populate.py" --console "$BASE" --password "$PASSWORD" --ports-file "$TMP/ports.txt" \
  --pipelines "$PER_CLUSTER" >"$TMP/populate.json"
TOKEN="$(jq -r .token "$TMP/populate.json")"
cp "$TMP/console.log" "$TMP/console-populate.log"
terminate "$CONSOLE_PID"
CONSOLE_PID=""

phase on "$INTERVAL"
phase off 1h

# ---------- report ----------
python3 - "$TMP" "$JOBS" "$CLUSTERS" "$PER_CLUSTER" "$INTERVAL" "$CHECKPOINT_EVERY" <<'EOF'
import json, sys
tmp, jobs, clusters, per_cluster, interval, cp_every = sys.argv[1], int(sys.argv[2]), *sys.argv[3:]

def read(name):
    before = json.load(open("%s/counters-%s-before.json" % (tmp, name)))["clusters"]
    after = json.load(open("%s/counters-%s-after.json" % (tmp, name)))["clusters"]
    console, pg, window = (float(x) for x in open("%s/cpu-%s.txt" % (tmp, name)).read().split())
    total = {}
    for port, counts in after.items():
        for key, n in counts.items():
            if key != "jobs":
                total[key] = total.get(key, 0) + n - before.get(port, {}).get(key, 0)
    per_job_min = {k: v * 60.0 / window / jobs for k, v in total.items() if v}
    writes, commits = open("%s/writes-%s.txt" % (tmp, name)).read().split()
    running = [open("%s/running-%s-%s.txt" % (tmp, name, w)).read().strip() for w in ("before", "after")]
    return dict(rate=per_job_min, console=console, pg=pg, window=window, writes=writes, commits=commits,
                load=open("%s/load-%s.txt" % (tmp, name)).read().strip(), running=running,
                health=open("%s/health-%s.json" % (tmp, name)).read().strip())

on, off = read("on"), read("off")
SAMPLER = ["GET /jobs/{id}/vertices/{id}/subtasks/metrics?get=…", "GET /jobs/{id}/checkpoints"]
DISCOVERY = ["GET /jobs/{id}/plan", "GET /jobs/{id}/vertices/{id}/subtasks/metrics",
             "GET /jobs/{id}/vertices/{id}/jm-operator-metrics"]
keys = sorted(set(on["rate"]) | set(off["rate"]), key=lambda k: (k not in SAMPLER, k not in DISCOVERY, k))
print("### Health metrics cost: %s cluster(s) × %s jobs (%d RUNNING jobs), runs.metricsInterval %s vs 1h"
      % (clusters, per_cluster, jobs, interval))
print()
print("Windows of %.0f s (on) and %.0f s (off); stand-in jobs complete a checkpoint every %s s. RUNNING runs before/after"
      " each window: on %s, off %s. Load average (1/5/15 min) at the end of each window: on %s, off %s."
      % (on["window"], off["window"], cp_every, "/".join(on["running"]), "/".join(off["running"]), on["load"],
         off["load"]))
print()
print("| Flink requests per running job per minute | on | off | on − off |")
print("|---|---:|---:|---:|")
for k in keys:
    a, b = on["rate"].get(k, 0.0), off["rate"].get(k, 0.0)
    print("| `%s` | %.3f | %.3f | %.3f |" % (k, a, b, a - b))
sa = sum(on["rate"].get(k, 0.0) for k in SAMPLER + DISCOVERY)
sb = sum(off["rate"].get(k, 0.0) for k in SAMPLER + DISCOVERY)
print("| **sampler endpoints** (metrics, checkpoints, discovery) | **%.3f** | %.3f | **%.3f** |" % (sa, sb, sa - sb))
ta, tb = sum(on["rate"].values()), sum(off["rate"].values())
print("| all endpoints | %.3f | %.3f | %.3f |" % (ta, tb, ta - tb))
print()
print("| CPU, % of one core | on | off | on − off |")
print("|---|---:|---:|---:|")
for label, key in (("console (java)", "console"), ("PostgreSQL (postmaster + children)", "pg")):
    print("| %s | %.2f %% | %.2f %% | %.2f %% |" % (label, on[key], off[key], on[key] - off[key]))
    f = 100.0 / jobs
    print("| %s per 100 running jobs | %.2f %% | %.2f %% | %.2f %% |"
          % (label, on[key] * f, off[key] * f, (on[key] - off[key]) * f))
print()
if on["writes"] != "-":
    print("Row writes to run_metric and run_health in the window: on %s, off %s; commits/s: on %.1f, off %.1f."
          % (on["writes"], off["writes"], int(on["commits"]) / on["window"], int(off["commits"]) / off["window"]))
print("One run's health at the end of each window: on `%s`; off `%s`." % (on["health"], off["health"]))
EOF
