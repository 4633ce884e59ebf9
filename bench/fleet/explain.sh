#!/usr/bin/env bash
# The plans PostgreSQL uses for the pipeline list and details at a given size.
#
#   bench/fleet/explain.sh [--jar FILE] [PIPELINES]      (default 10000)
#
# Starts the console jar on a temporary CDC_CONSOLE_HOME (its embedded PostgreSQL, migrations applied, 127.0.0.1),
# fills the database directly with SQL — 10 clusters (unreachable addresses), PIPELINES pipelines (the 40-line YAML of
# bench/fleet/populate.py, two labels each) and two runs per pipeline (an older FINISHED one, and a RUNNING one for
# 87 % of them, as in the fleet's 8 700-of-10 000 case; V18's trigger names each pipeline's newest) — runs ANALYZE, and prints EXPLAIN (ANALYZE, BUFFERS) of the
# statements PipelineStore sends for: the default list page (name order, total included), the list filtered by
# state, cluster, label and name, sorted by updatedAt and by state, the details of one pipeline, and the runs of one
# pipeline. The statements are written out here as PipelineStore builds them (keep the two in step).
# Needs: bash, curl, psql, java 17. Only processes this script started are stopped; its temp dir is removed.
set -euo pipefail
export LC_ALL=C
die() { echo "fleet/explain.sh: $*" >&2; exit 1; }
log() { echo "[explain $(date +%H:%M:%S)] $*" >&2; }
HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/lib.sh
source "$HERE/../lib.sh"

JAR="${BENCH_JAR:-$HERE/../../backend/target/cdc-console.jar}"
CACHE="${BENCH_CACHE:-/tmp/cdc-fleet-cache}"
if [[ "${1:-}" == "--jar" ]]; then JAR="$2"; shift 2; fi
N="${1:-10000}"
[[ -f "$JAR" ]] || die "no jar at $JAR"
for tool in curl psql java; do command -v "$tool" >/dev/null || die "$tool is missing"; done

TMP="$(mktemp -d /tmp/cdc-explain.XXXXXX)"
CONSOLE_PID=""
cleanup() {
  set +e
  if [[ -n "$CONSOLE_PID" ]] && ! gone "$CONSOLE_PID"; then
    kill -TERM "$CONSOLE_PID"
    for _ in $(seq 100); do gone "$CONSOLE_PID" && break; sleep 0.1; done
    gone "$CONSOLE_PID" || kill -KILL "$CONSOLE_PID"
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_console explain
PG_PORT="$(sed -n 4p "$TMP/home/postgres/postmaster.pid")"
export PGPASSWORD="$(cat "$TMP/home/conf/db.password")"
sql() { psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
log "console on :$PORT, PostgreSQL on :$PG_PORT; filling $N pipelines"

YAML="$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import populate; print(populate.YAML)' "$HERE")"
sql -v yaml="$YAML" -v n="$N" <<'EOF'
insert into flink_cluster (name, rest_url, cdc_version)
  select 'c' || i, 'http://127.0.0.1:9/' || i, '3.2.0' from generate_series(1, 10) i;
insert into pipeline (name, description, cluster_id, labels, yaml, version)
  select 'orders-' || i, 'orders ' || i || ' to doris',
         (select min(id) from flink_cluster) + i % 10,
         jsonb_build_object('team', 'team-' || i % 20, 'env', case when i % 3 = 0 then 'prod' else 'test' end),
         replace(:'yaml', '{i}', i::text), 1
  from generate_series(1, :n) i;
insert into pipeline_run (pipeline_id, pipeline_version, cluster_id, job_id, state, started_at, ended_at)
  select id, 1, cluster_id, md5('old' || id), 'FINISHED', now() - interval '2 days', now() - interval '1 day'
  from pipeline;
insert into pipeline_run (pipeline_id, pipeline_version, cluster_id, job_id, state, started_at)
  select id, 1, cluster_id, md5('new' || id), 'RUNNING', now() - interval '1 hour' from pipeline where id % 100 < 87;
vacuum analyze pipeline;
vacuum analyze pipeline_run;
EOF
log "filled; plans follow"

ACTIVE="cr.state not in ('FAILED_TO_SUBMIT', 'FINISHED', 'CANCELED', 'STOPPED', 'FAILED', 'LOST') as run_active"
# the current run by primary key (pipeline.current_run_id, V18), and a RUNNING job's health verdict
CURRENT_RUN="left join pipeline_run cr on cr.id = p.current_run_id left join run_health rh on rh.run_id = cr.id and cr.state = 'RUNNING'"
COUNT_RUN="left join pipeline_run cr on cr.id = p.current_run_id"
RUN_COLUMNS="cr.id as run_id, cr.state as run_state, cr.stale as run_stale, cr.job_id as run_job_id, cr.started_at as run_started_at, rh.status as run_health, rh.reason as run_health_reason, rh.at as run_health_at, coalesce(rh.sample->'emitLagMs', rh.sample->'fetchLagMs') as run_lag_ms, $ACTIVE"
SUMMARY="select p.id, p.name, p.description, p.cluster_id, p.labels, p.version, p.created_at, p.updated_at, u.username as owner_name, $RUN_COLUMNS"
FROM="from pipeline p left join app_user u on u.id = p.owner_id $CURRENT_RUN"
CLUSTER_ID="$(sql -At -c 'select min(id) + 3 from flink_cluster')"
MID_ID="$(sql -At -c 'select id from pipeline order by id offset (select count(*) / 2 from pipeline) limit 1')"

# list WHERE COUNT_FROM ORDER: the list statement as PipelineStore.list builds it (the total as a sub-query)
list() {
  local where="$1" count_from="$2" order="$3"
  echo "$SUMMARY, (select count(*) from pipeline p $count_from $where) as total $FROM $where order by $order limit 50 offset 0"
}
explain() { # TITLE SQL
  echo
  echo "### $1"
  echo
  echo '```'
  sql -c "explain (analyze, buffers, costs off, summary on) $2" | sed -e '/^$/d'
  echo '```'
}

explain "list, default (name order)" "$(list "" "" "p.name")"
explain "list, state=RUNNING" "$(list "where (cr.state = any('{RUNNING}'))" "$COUNT_RUN" "p.name")"
explain "list, state=NONE,FAILED" "$(list "where (cr.state = any('{FAILED}') or cr.state is null)" "$COUNT_RUN" "p.name")"
explain "list, stale=true" "$(list "where cr.stale" "$COUNT_RUN" "p.name")"
explain "list, cluster" "$(list "where p.cluster_id = $CLUSTER_ID" "" "p.name")"
explain "list, label team=team-7" "$(list "where p.labels @> '{\"team\":\"team-7\"}'" "" "p.name")"
explain "list, name contains 123" "$(list "where p.name like '%123%'" "" "p.name")"
explain "list, sort -updatedAt" "$(list "" "" "p.updated_at desc, p.id desc")"
explain "list, sort state" "$(list "" "" "coalesce(cr.state, 'NONE'), p.id")"
explain "details of one pipeline (GET /pipelines/{id})" "select p.id, p.name, p.description, p.cluster_id, p.labels, p.owner_id, p.yaml, p.secret_refs, p.version, p.created_at, p.updated_at, u.username as owner_name, $RUN_COLUMNS $FROM where p.id = $MID_ID"
explain "runs of one pipeline (GET /pipelines/{id}/runs)" "select r.*, p.name as pipeline_name from pipeline_run r join pipeline p on p.id = r.pipeline_id where r.pipeline_id = $MID_ID order by r.id desc limit 50 offset 0"
