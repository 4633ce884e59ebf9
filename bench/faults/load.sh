#!/usr/bin/env bash
# Load: CLIENTS concurrent connections for DURATION seconds mixing reads and writes; errors and p50/p99 per route.
#
#   bench/faults/load.sh [--clients 200] [--duration 60] [--pipelines 20] [--out DIR]
#
# Starts one stand-in Flink JobManager (bench/fleet/flink_standin.py) and the built console (temporary home, embedded
# PostgreSQL, 127.0.0.1, a free port), creates and starts --pipelines pipelines on it (bench/fleet/populate.py: every
# run RUNNING and watched), then runs six wrk processes at the same time, one per route, the connections split
# between them (CLIENTS in all), each DURATION seconds:
#
#   GET  /pipelines?limit=50        reads   25 %
#   GET  /pipelines/{random id}     reads   20 %
#   GET  /runs/{random id}          reads   15 %
#   GET  /me                        reads   10 %
#   POST /pipelines                 writes  15 %  (a new pipeline each request, a name of its own)
#   PUT  /secrets/{name}            writes  15 %  (a new secret each request: replacing one needs If-Match)
#
# and prints a Markdown table per route: requests, req/s, p50, p99, max, non-2xx answers and socket errors. Exit 1
# on any non-2xx answer or socket error. Only processes this script started are stopped; its temp dir is removed.
# Needs: bash, python3, curl, jq, wrk (apt-get install -y wrk), java 17.
set -euo pipefail
export LC_ALL=C

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e 's/^# \{0,1\}//' -e '/^set -euo/d'; }
die() { echo "faults/load.sh: $*" >&2; exit 1; }
log() { echo "[load $(date +%H:%M:%S)] $*" >&2; }
HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/lib.sh
source "$HERE/../lib.sh"

JAR="${BENCH_JAR:-$HERE/../../backend/target/cdc-console.jar}"
CLIENTS=200
DURATION=60
PIPELINES=20
OUT=""
CACHE="${BENCH_CACHE:-/tmp/cdc-fleet-cache}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --clients) CLIENTS="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --pipelines) PIPELINES="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done
[[ -f "$JAR" ]] || die "no jar at $JAR (./mvnw -B -Dskip.frontend -DskipTests package -pl backend -am)"
for tool in python3 curl jq wrk java; do command -v "$tool" >/dev/null || die "$tool is missing"; done

TMP="$(mktemp -d /tmp/cdc-load.XXXXXX)"
FLEET_PID=""
CONSOLE_PID=""
cleanup() {
  set +e
  for pid in $CONSOLE_PID $FLEET_PID; do
    if ! gone "$pid"; then
      kill -TERM "$pid"
      for _ in $(seq 100); do gone "$pid" && break; sleep 0.1; done
      gone "$pid" || kill -KILL "$pid"
    fi
  done
  if [[ -n "$OUT" ]]; then
    mkdir -p "$OUT"
    cp "$TMP"/*.log "$TMP"/*.txt "$OUT"/ 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

CONTROL="$(free_port)"
python3 "$HERE/../fleet/flink_standin.py" --clusters 1 --ports-file "$TMP/ports.txt.tmp" --control-port "$CONTROL" \
  >"$TMP/standin.log" 2>&1 &
FLEET_PID=$!
for _ in $(seq 300); do [[ -s "$TMP/ports.txt.tmp" ]] && break; sleep 0.1; done
[[ -s "$TMP/ports.txt.tmp" ]] || die "the stand-in did not start"
mv "$TMP/ports.txt.tmp" "$TMP/ports.txt"

start_console load-bench

python3 "$HERE/../fleet/populate.py" --console "$BASE" --password "$PASSWORD" --ports-file "$TMP/ports.txt" \
  --pipelines "$PIPELINES" >"$TMP/populate.json"
TOKEN="$(jq -r .token "$TMP/populate.json")"
FIRST_ID="$(jq -r .firstId "$TMP/populate.json")"
LAST_ID="$(jq -r .lastId "$TMP/populate.json")"
CLUSTER_ID="$(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/clusters" | jq '.items[0].id')"
RUN_IDS="$(for id in $(seq "$FIRST_ID" "$LAST_ID"); do
  curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/pipelines/$id/runs?limit=1" | jq -r '.items[0].id'
done | paste -sd, -)"
sleep 3

# ---------- the wrk scripts ----------
cat >"$TMP/common.lua" <<EOF
local n = 0
setup = function(thread) n = n + 1; thread:set("tid", n) end
init = function() math.randomseed(os.time() + tid * 7919); counter = 0 end
-- wrk.format uses the given headers instead of wrk.headers (the -H ones): carry those over
json_headers = function()
  local h = { ["Content-Type"] = "application/json" }
  for k, v in pairs(wrk.headers) do h[k] = v end
  return h
end
EOF
cat "$TMP/common.lua" - >"$TMP/get.lua" <<EOF
request = function()
  return wrk.format("GET", "/api/v1/pipelines/" .. math.random($FIRST_ID, $LAST_ID))
end
EOF
cat "$TMP/common.lua" - >"$TMP/run.lua" <<EOF
local ids = { $RUN_IDS }
request = function()
  return wrk.format("GET", "/api/v1/runs/" .. ids[math.random(1, #ids)])
end
EOF
YAML_JSON="$(printf 'source:\n  type: values\nsink:\n  type: values\npipeline:\n  parallelism: 1\n' | jq -Rs .)"
cat "$TMP/common.lua" - >"$TMP/create.lua" <<EOF
local salt = tostring(os.time())
request = function()
  counter = counter + 1
  local body = '{"name":"load-' .. salt .. '-' .. tid .. '-' .. counter .. '","clusterId":$CLUSTER_ID,"yaml":' .. [==[$YAML_JSON]==] .. '}'
  return wrk.format("POST", "/api/v1/pipelines", json_headers(), body)
end
EOF
cat "$TMP/common.lua" - >"$TMP/secret.lua" <<EOF
local salt = tostring(os.time())
request = function()
  counter = counter + 1
  return wrk.format("PUT", "/api/v1/secrets/load-" .. salt .. "-" .. tid .. "-" .. counter,
    json_headers(), '{"value":"v-' .. counter .. '"}')
end
EOF

share() { echo $(( CLIENTS * $1 / 100 > 0 ? CLIENTS * $1 / 100 : 1 )); }
# NAME PERCENT PATH [SCRIPT]: one wrk, one thread per 10 connections (at least one), in the background
launch() {
  local c t script=()
  c="$(share "$2")"
  t=$(( c / 10 > 0 ? c / 10 : 1 ))
  [[ $t -gt 4 ]] && t=4
  [[ $# -ge 4 ]] && script=(-s "$4")
  wrk -t"$t" -c"$c" -d"${DURATION}s" --latency --timeout 30s "${script[@]}" \
    -H "Authorization: Bearer $TOKEN" "$BASE$3" >"$TMP/wrk-$1.txt" 2>&1 &
  echo "$1 $c" >>"$TMP/conns.txt"
}
log "$CLIENTS connections for ${DURATION}s over six routes"
: >"$TMP/conns.txt"
launch list 25 "/api/v1/pipelines?limit=50"
launch get 20 "/api/v1/pipelines/$FIRST_ID" "$TMP/get.lua"
launch run 15 "/api/v1/runs/1" "$TMP/run.lua"
launch me 10 "/api/v1/me"
launch create 15 "/api/v1/pipelines" "$TMP/create.lua"
launch secret 15 "/api/v1/secrets/x" "$TMP/secret.lua"
wait_start=$(date +%s)
for job in $(jobs -p); do
  [[ "$job" == "$FLEET_PID" || "$job" == "$CONSOLE_PID" ]] && continue
  wait "$job" || true
done
log "done after $(( $(date +%s) - wait_start )) s"
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
gone "$CONSOLE_PID" && die "the console died under load"

# ---------- report ----------
field() { # FILE FIELD
  case "$2" in
    total) awk '/requests in/ { print $1 }' "$1" ;;
    rps) awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$1" ;;
    p50) awk '$1 == "50%" { print $2 }' "$1" ;;
    p99) awk '$1 == "99%" { print $2 }' "$1" ;;
    max) awk '/Latency/ && !/Distribution/ { print $4; exit }' "$1" ;;
    non2xx) awk '/Non-2xx/ { print $NF }' "$1" | tail -1 ;;
    errors) awk '/Socket errors/ { sub(/^.*errors: /, ""); print }' "$1" ;;
  esac
}
echo "### Load: $CLIENTS connections for ${DURATION}s, reads and writes ($PIPELINES runs RUNNING and watched)"
echo
echo "Load average at the start $LOAD_START, at the end $LOAD_END."
echo
echo "| route | connections | requests | req/s | p50 | p99 | max | non-2xx | socket errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
FAIL=0
declare -A ROUTE=([list]="GET /pipelines?limit=50" [get]="GET /pipelines/{id}" [run]="GET /runs/{id}" [me]="GET /me"
  [create]="POST /pipelines" [secret]="PUT /secrets/{name}")
while read -r name c; do
  f="$TMP/wrk-$name.txt"
  non="$(field "$f" non2xx)"; errs="$(field "$f" errors)"
  [[ -n "$non" || -n "$errs" ]] && FAIL=1
  echo "| \`${ROUTE[$name]}\` | $c | $(field "$f" total) | $(field "$f" rps) | $(field "$f" p50) | $(field "$f" p99) | $(field "$f" max) | ${non:-0} | ${errs:-none} |"
done <"$TMP/conns.txt"
exit "$FAIL"
