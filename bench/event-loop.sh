#!/usr/bin/env bash
# Whether reading pipelines stalls the console's event loops (security review M6): the latency of GET /health while
# PARALLEL clients read, over and over, one pipeline whose YAML holds many secrets.
#
#   bench/event-loop.sh [options]
#
# One CDC Console (embedded PostgreSQL, fresh home) is started on 127.0.0.1 from the given jar. As admin, the script
# registers a cluster (an unreachable REST URL: nothing is submitted) and saves one pipeline: a MySQL source with
# SECRETS secret options (jdbc.properties.aNNNN.password, each with its own value), an emoji in a comment (so that
# code points and UTF-16 chars differ, as in the review) and a comment of PAD_KIB KiB, so that each read composes and
# masks a large document. Then:
#   idle   /health is requested every 50 ms for SECONDS seconds, with nothing else going on;
#   load   PARALLEL curl loops GET /api/v1/pipelines/{id} (a viewer's read, secrets masked) for SECONDS seconds while
#          /health is requested every 50 ms as before.
# /health answers from the event loop without touching the database, so its latency is the time a request waits for
# an event loop. Reported: /health samples, median, p95 and max (curl's time_total), and the pipeline reads done.
#
# Options (or the environment variable in brackets):
#   --jar FILE        the console jar (default backend/target/cdc-console.jar of this tree) [BENCH_JAR]
#   --secrets N       secret options in the pipeline (default 1400, the review's figure; a console that caps them
#                     refuses the pipeline, then use its cap, e.g. 200) [BENCH_SECRETS]
#   --pad-kib N       size of the padding comment in KiB (default 0) [BENCH_PAD_KIB]
#   --parallel N      concurrent readers (default 8) [BENCH_PARALLEL]
#   --seconds N       length of each phase (default 10) [BENCH_SECONDS]
#   --label TEXT      the first column of the report line (default the jar's name)
#   Other environment: BENCH_JAVA (java binary, default java).
#
# Prints a Markdown table on stdout (progress on stderr). Everything listens on 127.0.0.1 only; only the processes
# this script started are stopped, and its temp dir is removed. Not part of the Maven build.
# Needs: bash 5, curl, jq, awk, sort.
set -euo pipefail
export LC_ALL=C

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e 's/^# \{0,1\}//' -e '/^set -euo/d'; }
die() { echo "event-loop.sh: $*" >&2; exit 1; }
log() { echo "[event-loop $(date +%H:%M:%S)] $*" >&2; }
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="${BENCH_JAR:-$ROOT/backend/target/cdc-console.jar}"
SECRETS="${BENCH_SECRETS:-1400}"
PAD_KIB="${BENCH_PAD_KIB:-0}"
PARALLEL="${BENCH_PARALLEL:-8}"
SECONDS_PER_PHASE="${BENCH_SECONDS:-10}"
JAVA="${BENCH_JAVA:-java}"
LABEL=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --jar) [[ $# -ge 2 ]] || die "--jar needs a file"; JAR="$2"; shift ;;
    --secrets) [[ $# -ge 2 ]] || die "--secrets needs a number"; SECRETS="$2"; shift ;;
    --pad-kib) [[ $# -ge 2 ]] || die "--pad-kib needs a number"; PAD_KIB="$2"; shift ;;
    --parallel) [[ $# -ge 2 ]] || die "--parallel needs a number"; PARALLEL="$2"; shift ;;
    --seconds) [[ $# -ge 2 ]] || die "--seconds needs a number"; SECONDS_PER_PHASE="$2"; shift ;;
    --label) [[ $# -ge 2 ]] || die "--label needs a text"; LABEL="$2"; shift ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
  shift
done
[[ -f "$JAR" ]] || die "no jar at $JAR (build it with ./mvnw -B -q -DskipTests package)"
LABEL="${LABEL:-$(basename "$JAR")}"
for tool in curl jq awk sort; do command -v "$tool" >/dev/null || die "needs $tool"; done

TMP="$(mktemp -d)"
CONSOLE_PID=""
READERS=()
cleanup() {
  for pid in ${READERS[@]+"${READERS[@]}"}; do kill "$pid" 2>/dev/null || true; done
  if [[ -n "$CONSOLE_PID" ]] && ! gone "$CONSOLE_PID"; then
    kill "$CONSOLE_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do gone "$CONSOLE_PID" && break; sleep 0.1; done
    gone "$CONSOLE_PID" || kill -9 "$CONSOLE_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# ---------- the console ----------
PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
mkdir -p "$TMP/home" "$TMP/jtmp"
log "starting $JAR on $BASE"
env CDC_CONSOLE_HOME="$TMP/home" CDC_CONSOLE_HTTP_HOST=127.0.0.1 CDC_CONSOLE_HTTP_PORT="$PORT" \
    CDC_CONSOLE_ADMIN_PASSWORD="bench-admin-password" \
    "$JAVA" -Djava.io.tmpdir="$TMP/jtmp" -jar "$JAR" >"$TMP/console.log" 2>&1 </dev/null &
CONSOLE_PID=$!
for _ in $(seq 1 1200); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/ready" || true)" == 200 ]] && break
  gone "$CONSOLE_PID" && { tail -20 "$TMP/console.log" >&2; die "the console exited"; }
  sleep 0.1
done
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/ready")" == 200 ]] || die "the console did not become ready"

TOKEN="$(curl -sf "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"bench-admin-password"}' | jq -r .token)"
[[ -n "$TOKEN" && "$TOKEN" != null ]] || die "could not sign in"
AUTH=(-H "Authorization: Bearer $TOKEN")
curl -sf "$BASE/api/v1/clusters" "${AUTH[@]}" -H 'Content-Type: application/json' \
  -d '{"name":"bench","restUrl":"http://127.0.0.1:1","cdc":{"version":"3.2.0"}}' >/dev/null || die "could not add a cluster"

# ---------- the pipeline ----------
{
  printf '# bench pipeline \xf0\x9f\x9a\x80 with many secrets\n'
  if [[ "$PAD_KIB" -gt 0 ]]; then
    printf '# %s\n' "$(head -c $((PAD_KIB * 1024)) /dev/zero | tr '\0' 'x')"
  fi
  printf 'source:\n  type: mysql\n  hostname: db.internal\n  username: cdc\n  password: bench-pw-main\n  tables: app.orders\n'
  for i in $(seq 1 "$SECRETS"); do
    printf '  jdbc.properties.a%04d.password: bench-secret-%04d\n' "$i" "$i"
  done
  printf 'sink:\n  type: values\npipeline:\n  parallelism: 1\n'
} >"$TMP/pipeline.yaml"
jq -n --rawfile yaml "$TMP/pipeline.yaml" '{name:"bench-many",cluster:"bench",yaml:$yaml}' >"$TMP/create.json"
CODE="$(curl -s -o "$TMP/created.json" -w '%{http_code}' "$BASE/api/v1/pipelines" "${AUTH[@]}" \
  -H 'Content-Type: application/json' --data-binary @"$TMP/create.json")"
[[ "$CODE" == 201 ]] || die "the pipeline was refused ($CODE): $(head -c 400 "$TMP/created.json")"
ID="$(jq -r .id "$TMP/created.json")"
log "pipeline $ID: $SECRETS secrets, $(wc -c <"$TMP/pipeline.yaml") bytes"

# ---------- measuring ----------
# /health every 50 ms for the phase; one time_total (seconds) per line
probe() {
  local out="$1" end=$((SECONDS + SECONDS_PER_PHASE))
  : >"$out"
  while [[ $SECONDS -lt $end ]]; do
    curl -s -o /dev/null -w '%{time_total}\n' --max-time 30 "$BASE/health" >>"$out" || echo 30 >>"$out"
    sleep 0.05
  done
}
reader() {
  local out="$1"
  while true; do
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 "$BASE/api/v1/pipelines/$ID" "${AUTH[@]}" >>"$out" || true
  done
}
stats() {
  sort -g "$1" | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "0 | - | - | -"; exit }
    p50 = v[int((NR + 1) / 2)]; p95 = v[int(NR * 0.95) > 0 ? int(NR * 0.95) : 1]
    printf "%d | %.3f | %.3f | %.3f\n", NR, p50, p95, v[NR] }'
}

log "idle phase (${SECONDS_PER_PHASE}s)"
probe "$TMP/idle.txt"
log "load phase (${SECONDS_PER_PHASE}s, $PARALLEL readers)"
for i in $(seq 1 "$PARALLEL"); do
  reader "$TMP/reads-$i.txt" &
  READERS+=($!)
done
probe "$TMP/load.txt"
for pid in "${READERS[@]}"; do kill "$pid" 2>/dev/null || true; done
wait "${READERS[@]}" 2>/dev/null || true
READERS=()
READS_OK="$(cat "$TMP"/reads-*.txt 2>/dev/null | grep -c '^200$' || true)"
READS_OTHER="$(cat "$TMP"/reads-*.txt 2>/dev/null | grep -vc '^200$' || true)"

echo "| build | secrets | phase | /health samples | median s | p95 s | max s | pipeline reads (200 / other) |"
echo "|---|---|---|---|---|---|---|---|"
echo "| $LABEL | $SECRETS | idle | $(stats "$TMP/idle.txt") | – |"
echo "| $LABEL | $SECRETS | $PARALLEL readers | $(stats "$TMP/load.txt") | $READS_OK / $READS_OTHER |"
