#!/usr/bin/env bash
# How long it takes to get a Flink CDC YAML pipeline accepted by a Flink session cluster, three ways.
#
#   bench/submit-latency.sh [options] [RUNS]
#
#   RUNS   measured submissions per path (default 10), each after WARMUP unmeasured ones (default 2)
#
# One Flink sandbox (flink/sandbox: Flink 1.20.1 + Flink CDC 3.2.0 + values connector) and one CDC Console
# (embedded PostgreSQL) are started on 127.0.0.1; every submission is a bounded values pipeline
# (SINGLE_SPLIT_SINGLE_TABLE) that writes its own sink table, and the script waits for each job to be FINISHED on
# Flink before the next submission, so that submissions never overlap. The paths (default order):
#
#   console  a new pipeline per run (created outside the timing), then POST /api/v1/pipelines/{p}/runs. From just
#            before that request: (a) the 202 answer (curl's time_total); (b) the run leaving SUBMITTING, i.e. Flink's
#            /jars/{id}/run answered the console (the console uploaded the launcher on first use, cached afterwards);
#            (c) the job on Flink. (b) is taken from the run's own record (the `at` of its transition out of
#            SUBMITTING) and (c) from Flink's (the job's INITIALIZING timestamp: its arrival at the dispatcher); the
#            console, Flink and this script share one clock. Both are also polled (GET /api/v1/runs/{id} and
#            GET /jobs/{jobId} until 200, one loop with 20 ms sleeps), which shows what a client sees: the polled
#            figures are late by up to one loop turn.
#   direct   the same work by hand on Flink's REST API: the launcher jar (flink/launcher) is uploaded once
#            (POST /jars/upload, timed), then each run is POST /jars/{jarId}/run with the YAML as programArgsList[0]
#            and a fresh jobId: time to the 200 answer (curl) and to the job's INITIALIZING timestamp.
#   cli      the old way, a new JVM per submission as Flink CDC's bin/flink-cdc.sh does it (the script itself is not
#            part of this build, so it is emulated): java -classpath '<sandbox lib>/*' (the Flink and Flink CDC jars)
#            with a log4j file configuration, main class org.apache.flink.cdc.cli.CliFrontend, arguments
#            `<pipeline.yaml> --flink-home <dir> --target remote`. Flink CDC 3.2.0's CLI has no -D option: the
#            REST address comes from <flink-home>/conf/config.yaml (rest.address, rest.port), as it would from the
#            Flink installation. Timed from launching java to the JVM's exit (it exits once the job is submitted)
#            and to the job's INITIALIZING timestamp, with the JVM's CPU time (user+sys) and, from its log
#            timestamps, where the time goes.
#
# Prints a Markdown report on stdout (progress on stderr).
#
# Options (or the environment variable in brackets):
#   --build DIR      the built source tree (./mvnw -B -DskipTests install): backend/target/cdc-console.jar,
#                    flink/sandbox/target/flink-sandbox.jar with its lib/, flink/launcher/target/cdc-console-launcher.jar
#                    (default: the tree this script is in) [BENCH_BUILD]
#   --warmup N       unmeasured submissions per path before the measured ones (default 2) [BENCH_WARMUP]
#   --paths LIST     which paths, in which order: comma-separated console,direct,cli (default console,direct,cli;
#                    the first path meets a cold Flink JobManager in its warm-ups) [BENCH_PATHS]
#   --no-poll        console: take (b) and (c) from the records only, and look at the run every 0.5 s instead of
#                    every 20 ms (to see whether the polling itself slows the console down) [BENCH_POLL=0]
#   --out DIR        keep the logs and the raw measurements (raw.tsv) in DIR
#   Other environment: BENCH_JAVA (java binary, default java).
#
# Everything listens on 127.0.0.1 only. Only processes this script started are stopped; its temp dir is removed.
# Not part of the Maven build. Needs: bash 5, curl, jq, awk, sort, od, GNU date.
set -euo pipefail
export LC_ALL=C

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e 's/^# \{0,1\}//' -e '/^set -euo/d'; }
die() { echo "submit-latency.sh: $*" >&2; exit 1; }
log() { echo "[submit $(date +%H:%M:%S)] $*" >&2; }
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ---------- arguments ----------
BUILD="${BENCH_BUILD:-$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)}"
WARMUP="${BENCH_WARMUP:-2}"
PATHS="${BENCH_PATHS:-console,direct,cli}"
POLL="${BENCH_POLL:-1}"
OUT=""
JAVA="${BENCH_JAVA:-java}"
RUNS=10
POS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --build) [[ $# -ge 2 ]] || die "--build needs a directory"; BUILD="$2"; shift ;;
    --warmup) [[ $# -ge 2 ]] || die "--warmup needs a number"; WARMUP="$2"; shift ;;
    --paths) [[ $# -ge 2 ]] || die "--paths needs a list"; PATHS="$2"; shift ;;
    --no-poll) POLL=0 ;;
    --out) [[ $# -ge 2 ]] || die "--out needs a directory"; OUT="$2"; shift ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) POS+=("$1") ;;
  esac
  shift
done
[[ ${#POS[@]} -le 1 ]] || { usage >&2; exit 2; }
[[ ${#POS[@]} -eq 0 ]] || RUNS="${POS[0]}"
for n in "$RUNS" "$WARMUP"; do [[ "$n" =~ ^[0-9]+$ ]] || die "expected a whole number, got '$n'"; done
[[ "$RUNS" -ge 1 && "$RUNS" -le 100 ]] || die "RUNS must be 1-100"
[[ "$WARMUP" -le 10 ]] || die "--warmup must be 0-10"
[[ "$POLL" == 0 || "$POLL" == 1 ]] || die "BENCH_POLL must be 0 or 1"
seen_paths=","
for p in ${PATHS//,/ }; do
  [[ "$p" == console || "$p" == direct || "$p" == cli ]] || die "unknown path '$p'"
  [[ "$seen_paths" != *",$p,"* ]] || die "path '$p' given twice"
  seen_paths+="$p,"
done
want() { [[ ",$PATHS," == *",$1,"* ]]; }
BUILD="$(cd -- "$BUILD" && pwd)"
CONSOLE_JAR="$BUILD/backend/target/cdc-console.jar"
SANDBOX_JAR="$BUILD/flink/sandbox/target/flink-sandbox.jar"
SANDBOX_LIB="$BUILD/flink/sandbox/target/lib"
LAUNCHER_JAR="$BUILD/flink/launcher/target/cdc-console-launcher.jar"
for f in "$CONSOLE_JAR" "$SANDBOX_JAR" "$LAUNCHER_JAR"; do [[ -f "$f" ]] || die "missing $f (build first)"; done
[[ -f "$SANDBOX_LIB/flink-cdc-cli-3.2.0.jar" ]] || die "missing $SANDBOX_LIB/flink-cdc-cli-3.2.0.jar"
for cmd in curl jq awk sort od date "$JAVA"; do command -v "$cmd" >/dev/null || die "needs $cmd on the PATH"; done
[[ "${BASH_VERSINFO[0]}" -ge 5 ]] || die "needs bash 5 (EPOCHREALTIME)"

# ---------- state and cleanup ----------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdc-submit-bench.XXXXXX")"
mkdir -p "$WORK/jtmp" "$WORK/cli"
RAW="$WORK/raw.tsv"
printf 'path\titeration\twarmup\tmetric\tseconds\n' >"$RAW"
NOTES="$WORK/notes.txt"
: >"$NOTES"
SANDBOX_PID=""
CONSOLE_PID=""
CLI_PID=""
T_START="$(date +%s)"


# SIGTERM, up to $2 seconds, then SIGKILL; reaps the child.
stop_pid() {
  local pid="$1" limit="$2" tries
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  tries=$((limit * 10))
  while ! gone "$pid" && [[ $tries -gt 0 ]]; do sleep 0.1; tries=$((tries - 1)); done
  if ! gone "$pid"; then
    log "pid $pid did not stop within ${limit} s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    tries=50
    while ! gone "$pid" && [[ $tries -gt 0 ]]; do sleep 0.1; tries=$((tries - 1)); done
  fi
  wait "$pid" 2>/dev/null || true
}

# The console stops its embedded PostgreSQL itself; stop the postmaster if it did not.
stop_embedded_pg() {
  local pidfile="$WORK/console-home/postgres/postmaster.pid" pm tries
  [[ -f "$pidfile" ]] || return 0
  pm="$(head -n 1 "$pidfile" 2>/dev/null || true)"
  [[ "$pm" =~ ^[0-9]+$ ]] || return 0
  if ! gone "$pm" && grep -q postgres "/proc/$pm/comm" 2>/dev/null; then
    log "embedded PostgreSQL (pid $pm) still runs after the console stopped: stopping it"
    kill -INT "$pm" 2>/dev/null || true
    tries=100
    while ! gone "$pm" && [[ $tries -gt 0 ]]; do sleep 0.1; tries=$((tries - 1)); done
    gone "$pm" || kill -KILL "$pm" 2>/dev/null || true
  fi
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$CLI_PID" ]]; then stop_pid "$CLI_PID" 5 || true; fi
  if [[ -n "$CONSOLE_PID" ]]; then log "stopping the console (pid $CONSOLE_PID)"; stop_pid "$CONSOLE_PID" 15 || true; fi
  stop_embedded_pg || true
  if [[ -n "$SANDBOX_PID" ]]; then log "stopping the Flink sandbox (pid $SANDBOX_PID)"; stop_pid "$SANDBOX_PID" 20 || true; fi
  if [[ -n "$OUT" ]]; then
    mkdir -p "$OUT"
    cp -f "$RAW" "$WORK"/*.log "$OUT"/ 2>/dev/null || true
    cp -f "$WORK"/cli/*.log "$OUT"/ 2>/dev/null || true
    cp -f "$WORK/sandbox/log/sandbox.log" "$OUT"/ 2>/dev/null || true
    log "logs and raw.tsv kept in $OUT"
  fi
  rm -rf -- "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------- helpers ----------

now_us() { NOW="${EPOCHREALTIME/./}"; }                  # sets NOW (microseconds since the epoch), no fork
secs() { printf -v "$1" '%d.%06d' $(($2 / 1000000)) $(($2 % 1000000)); } # var, microseconds -> seconds
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$RAW"; } # path iteration warmup metric seconds
note() { echo "$*" >>"$NOTES"; log "$*"; }
iso_us() { local s; s="$(date -d "$1" +%s%N)"; echo $((s / 1000)); } # ISO-8601 instant -> microseconds
job_id() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

pipeline_yaml() { # sink table suffix
  cat <<EOF
source:
  type: values
  event-set.id: SINGLE_SPLIT_SINGLE_TABLE
sink:
  type: values
route:
  - source-table: default_namespace.default_schema.table1
    sink-table: default_namespace.default_schema.t_$1
pipeline:
  parallelism: 1
EOF
}

# Flink's own record of when its dispatcher received the job (timestamps.INITIALIZING, ms) -> microseconds, or empty.
flink_init_us() {
  local ms
  ms="$(curl -s --max-time 5 "$FLINK/jobs/$1" | jq -r '.timestamps.INITIALIZING // empty' 2>/dev/null || true)"
  [[ "$ms" =~ ^[1-9][0-9]*$ ]] && echo $((ms * 1000)) || true
}

flink_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$FLINK/jobs/$1" || echo 000; }

# Waits (bounded) until Flink reports the job in a terminal state; notes anything but FINISHED.
wait_finished() { # job id, label
  local state="" tries=400 body
  while [[ $tries -gt 0 ]]; do
    body="$(curl -s --max-time 5 "$FLINK/jobs/$1" || true)"
    state=""
    [[ "$body" =~ \"state\":\"([A-Z_]+)\" ]] && state="${BASH_REMATCH[1]}"
    case "$state" in FINISHED|FAILED|CANCELED) break ;; esac
    sleep 0.25
    tries=$((tries - 1))
  done
  [[ "$state" == FINISHED ]] || note "$2: job $1 ended as '${state:-unknown}' on Flink (waited up to 100 s for FINISHED)"
}

api() { # METHOD PATH [JSON]: body on stdout, fails on a non-2xx answer
  local out code
  out="$(curl -s --max-time 30 -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    ${3:+--data-binary "$3"} -w '\n%{http_code}' "$CONSOLE$2")" || die "$1 $2: curl failed"
  code="${out##*$'\n'}"
  [[ "$code" =~ ^2 ]] || die "$1 $2 answered $code: ${out%$'\n'*}"
  echo "${out%$'\n'*}"
}

# ---------- start the sandbox and the console ----------
log "work dir $WORK; load average $(loadavg)"
LOAD_BEFORE="$(loadavg)"
"$JAVA" -Djava.io.tmpdir="$WORK/jtmp" -Dflink.sandbox.stderr.level=WARN -jar "$SANDBOX_JAR" --port 0 \
  --work-dir "$WORK/sandbox" --exit-with-pid $$ >"$WORK/sandbox.out" 2>"$WORK/sandbox-stderr.log" &
SANDBOX_PID=$!
now_us; T0=$NOW
tries=1200
while ! grep -q '^FLINK SANDBOX READY' "$WORK/sandbox.out" 2>/dev/null; do
  gone "$SANDBOX_PID" && die "the sandbox exited: $(tail -n 5 "$WORK/sandbox-stderr.log")"
  tries=$((tries - 1)); [[ $tries -gt 0 ]] || die "the sandbox did not get ready in 120 s"
  sleep 0.1
done
now_us; secs SANDBOX_START_S $((NOW - T0))
FLINK_PORT="$(sed -n 's/^FLINK SANDBOX READY port=\([0-9]*\).*/\1/p' "$WORK/sandbox.out")"
FLINK="http://127.0.0.1:$FLINK_PORT"
log "Flink sandbox ready on $FLINK after ${SANDBOX_START_S} s"

if want console; then
  CONSOLE_PORT="$(free_port)"
  CONSOLE="http://127.0.0.1:$CONSOLE_PORT"
  ADMIN_PW="bench-$(job_id)"
  mkdir -p "$WORK/console-home"
  CDC_CONSOLE_HOME="$WORK/console-home" CDC_CONSOLE_HTTP_HOST=127.0.0.1 CDC_CONSOLE_HTTP_PORT="$CONSOLE_PORT" \
    CDC_CONSOLE_ADMIN_PASSWORD="$ADMIN_PW" \
    "$JAVA" -Djava.io.tmpdir="$WORK/jtmp" -jar "$CONSOLE_JAR" >"$WORK/console-stdout.log" 2>"$WORK/console.log" &
  CONSOLE_PID=$!
  now_us; T0=$NOW
  tries=1800
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$CONSOLE/ready" || true)" == 200 ]]; do
    gone "$CONSOLE_PID" && die "the console exited: $(tail -n 5 "$WORK/console.log")"
    tries=$((tries - 1)); [[ $tries -gt 0 ]] || die "the console was not ready in 180 s"
    sleep 0.1
  done
  now_us; secs CONSOLE_START_S $((NOW - T0))
  log "console ready on $CONSOLE after ${CONSOLE_START_S} s"
  TOKEN="$(curl -s --max-time 30 -H 'Content-Type: application/json' \
    -d "$(jq -nc --arg p "$ADMIN_PW" '{username: "admin", password: $p}')" "$CONSOLE/api/v1/auth/login" | jq -r .token)"
  [[ -n "$TOKEN" && "$TOKEN" != null ]] || die "could not sign in"
  CLUSTER_ID="$(api POST /api/v1/clusters "$(jq -nc --arg u "$FLINK" \
    '{name: "bench-sandbox", restUrl: $u, cdc: {mode: "provided", version: "3.2.0"}}')" | jq -r .id)"
fi

TOTAL=$((WARMUP + RUNS))
if [[ "$POLL" == 1 ]]; then POLL_SLEEP=0.02; else POLL_SLEEP=0.5; fi
SUFFIX="${$}r${RANDOM}"

# ---------- path: the console ----------
CONSOLE_RUNS=()
path_console() {
  log "console path: $WARMUP warm-up + $RUNS measured runs; load average $(loadavg)"
  echo "console $(loadavg)" >>"$WORK/load.txt"
  for ((i = 1; i <= TOTAL; i++)); do
    w=$((i <= WARMUP ? 1 : 0))
    name="bench-c$i-$SUFFIX"
    api POST /api/v1/pipelines "$(jq -nc --arg n "$name" --argjson c "$CLUSTER_ID" --arg y "$(pipeline_yaml "c${i}_$SUFFIX")" \
      '{name: $n, clusterId: $c, yaml: $y}')" >/dev/null
    now_us; T0=$NOW
    resp="$(curl -s --max-time 30 -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      --data-binary '{}' -w '\n%{http_code} %{time_total}' "$CONSOLE/api/v1/pipelines/$name/runs")" || die "start of $name: curl failed"
    tail_line="${resp##*$'\n'}"; body="${resp%$'\n'*}"
    [[ "${tail_line%% *}" == 202 ]] || die "start of $name answered ${tail_line%% *}: $body"
    record console "$i" "$w" "a: POST runs -> 202" "${tail_line#* }"
    run_id="$(jq -r .id <<<"$body")"; jid="$(jq -r .jobId <<<"$body")"
    CONSOLE_RUNS+=("$run_id")
    left=""; seen=""; left_state=""
    deadline=$((T0 + 120000000))
    while [[ -z "$left" || -z "$seen" ]]; do
      now_us; [[ $NOW -lt $deadline ]] || break
      if [[ -z "$left" ]]; then
        st="$(curl -s --max-time 5 -H "Authorization: Bearer $TOKEN" "$CONSOLE/api/v1/runs/$run_id" || true)"
        now_us
        if [[ "$st" =~ \"state\":\"([A-Z_]+)\" && "${BASH_REMATCH[1]}" != SUBMITTING ]]; then
          left=$NOW; left_state="${BASH_REMATCH[1]}"
        fi
      fi
      if [[ -z "$seen" ]]; then
        code="$(flink_code "$jid")"; now_us
        [[ "$code" == 200 ]] && seen=$NOW
      fi
      sleep "$POLL_SLEEP"
    done
    [[ -n "$left" ]] || die "run $run_id of $name stayed SUBMITTING for 120 s"
    [[ "$left_state" == FAILED_TO_SUBMIT ]] && die "run $run_id of $name: FAILED_TO_SUBMIT: $(api GET "/api/v1/runs/$run_id" | jq -r .lastError)"
    # exact times from the records (same host, same clock): the run's transition out of SUBMITTING (written when
    # Flink's /jars/{id}/run answered) and Flink's timestamp of the job's arrival at its dispatcher
    details="$(api GET "/api/v1/runs/$run_id")"
    accepted="$(jq -r '[.transitions[] | select(.from == "SUBMITTING")][0].at // empty' <<<"$details")"
    if [[ -n "$accepted" ]]; then
      secs v $(($(iso_us "$accepted") - T0)); record console "$i" "$w" "b: POST -> run leaves SUBMITTING (run record)" "$v"
    else
      note "console run $i: no transition out of SUBMITTING in the run record"
    fi
    if [[ "$POLL" == 1 ]]; then secs v $((left - T0)); record console "$i" "$w" "b: POST -> run leaves SUBMITTING (polled)" "$v"; fi
    init="$(flink_init_us "$jid")"
    if [[ -n "$init" ]]; then secs v $((init - T0)); record console "$i" "$w" "c: POST -> job reaches Flink's dispatcher (Flink timestamp)" "$v"; fi
    if [[ "$POLL" == 1 && -n "$seen" ]]; then secs v $((seen - T0)); record console "$i" "$w" "c: POST -> GET /jobs/{id} answers 200 (polled)" "$v"; fi
    wait_finished "$jid" "console run $i"
    log "console $i/$TOTAL$([[ $w == 1 ]] && echo ' (warm-up)'): 202 in ${tail_line#* } s, left SUBMITTING ($left_state) after $(awk -v a="$T0" -v b="$left" 'BEGIN { printf "%.3f", (b - a) / 1e6 }') s"
  done
}

# ---------- path: Flink's REST API by hand ----------
path_direct() {
  log "direct path: upload + $WARMUP warm-up + $RUNS measured runs; load average $(loadavg)"
  echo "direct $(loadavg)" >>"$WORK/load.txt"
  up="$(curl -s --max-time 120 -F "jarfile=@$LAUNCHER_JAR;type=application/x-java-archive;filename=bench-direct-launcher.jar" \
    -w '\n%{http_code} %{time_total}' "$FLINK/jars/upload")" || die "upload: curl failed"
  tail_line="${up##*$'\n'}"
  [[ "${tail_line%% *}" == 200 ]] || die "upload answered ${tail_line%% *}: ${up%$'\n'*}"
  record direct 0 1 "upload of the launcher jar (POST /jars/upload)" "${tail_line#* }"
  JAR_ID="$(jq -r .filename <<<"${up%$'\n'*}")"; JAR_ID="${JAR_ID##*/}"
  log "launcher uploaded as $JAR_ID in ${tail_line#* } s ($(du -k "$LAUNCHER_JAR" | cut -f1) KiB)"
  for ((i = 1; i <= TOTAL; i++)); do
    w=$((i <= WARMUP ? 1 : 0))
    jid="$(job_id)"
    req="$(jq -nc --arg y "$(pipeline_yaml "d${i}_$SUFFIX")" --arg j "$jid" \
      '{entryClass: "io.cdcconsole.launcher.PipelineLauncher", programArgsList: [$y], jobId: $j}')"
    now_us; T0=$NOW
    resp="$(curl -s --max-time 180 -H 'Content-Type: application/json' --data-binary "$req" \
      -w '\n%{http_code} %{time_total}' "$FLINK/jars/$JAR_ID/run")" || die "run $i: curl failed"
    tail_line="${resp##*$'\n'}"
    [[ "${tail_line%% *}" == 200 ]] || die "POST /jars/$JAR_ID/run answered ${tail_line%% *}: ${resp%$'\n'*}"
    [[ "$(jq -r .jobid <<<"${resp%$'\n'*}")" == "$jid" ]] || die "run $i: Flink answered another job id: ${resp%$'\n'*}"
    record direct "$i" "$w" "POST /jars/{id}/run -> 200" "${tail_line#* }"
    init="$(flink_init_us "$jid")"
    [[ -n "$init" ]] || die "job $jid: GET /jobs/{id} gave no INITIALIZING timestamp right after the 200"
    secs v $((init - T0)); record direct "$i" "$w" "POST -> job reaches Flink's dispatcher (Flink timestamp)" "$v"
    wait_finished "$jid" "direct run $i"
    log "direct $i/$TOTAL$([[ $w == 1 ]] && echo ' (warm-up)'): 200 in ${tail_line#* } s"
  done
}

# ---------- path: a new JVM per submission (flink-cdc.sh emulated) ----------
path_cli() {
  log "cli path: $WARMUP warm-up + $RUNS measured runs; load average $(loadavg)"
  echo "cli $(loadavg)" >>"$WORK/load.txt"
  FH="$WORK/cli/flink-home"
  mkdir -p "$FH/conf"
  printf 'rest.address: 127.0.0.1\nrest.port: %s\n' "$FLINK_PORT" >"$FH/conf/config.yaml"
  cat >"$WORK/cli/log4j-cli.properties" <<'EOF'
# like Flink CDC's conf/log4j-cli.properties: INFO to the file given as -Dlog.file; epoch millis for the report
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FileAppender
appender.file.name = FileAppender
appender.file.type = FILE
appender.file.append = false
appender.file.fileName = ${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{UNIX_MILLIS} %-5p %c - %m%n
EOF
  for ((i = 1; i <= TOTAL; i++)); do
    w=$((i <= WARMUP ? 1 : 0))
    yaml="$WORK/cli/pipeline-$i.yaml"
    pipeline_yaml "k${i}_$SUFFIX" >"$yaml"
    clilog="$WORK/cli/cli-$i.log"
    times >"$WORK/cli/times-before" # CPU of reaped children so far (a builtin: no fork, so it is this shell's)
    now_us; T0=$NOW
    timeout 180 "$JAVA" -Djava.io.tmpdir="$WORK/jtmp" -classpath "$SANDBOX_LIB/*" \
      -Dlog.file="$clilog" -Dlog4j.configurationFile="file:$WORK/cli/log4j-cli.properties" \
      org.apache.flink.cdc.cli.CliFrontend "$yaml" --flink-home "$FH" --target remote \
      >"$WORK/cli/cli-$i.out" 2>"$WORK/cli/cli-$i.err" &
    CLI_PID=$!
    rc=0; wait "$CLI_PID" || rc=$?
    now_us; T1=$NOW
    times >"$WORK/cli/times-after"
    CLI_PID=""
    [[ $rc -eq 0 ]] || die "CLI run $i exited with $rc: $(tail -n 5 "$WORK/cli/cli-$i.err") $(grep -m 3 -E 'ERROR|Exception' "$clilog" || true)"
    jid="$(sed -n 's/^Job ID: \([0-9a-f]*\).*/\1/p' "$WORK/cli/cli-$i.out")"
    [[ -n "$jid" ]] || die "CLI run $i printed no job id: $(cat "$WORK/cli/cli-$i.out")"
    secs v $((T1 - T0)); record cli "$i" "$w" "launch java -> JVM exit (submitted)" "$v"
    init="$(flink_init_us "$jid")"
    if [[ -n "$init" ]]; then secs v $((init - T0)); record cli "$i" "$w" "launch java -> job reaches Flink's dispatcher (Flink timestamp)" "$v"; fi
    record cli "$i" "$w" "JVM CPU time user+sys" "$(awk 'FNR == 2 { gsub(/s/, ""); split($1, u, "m"); split($2, y, "m");
      t = u[1] * 60 + u[2] + y[1] * 60 + y[2]; if (FILENAME ~ /after$/) a = t; else b = t } END { printf "%.3f", a - b }' \
      "$WORK/cli/times-before" "$WORK/cli/times-after")"
    first_ms="$(awk 'NR == 1 { print $1 }' "$clilog")"
    submit_ms="$(awk '/Submitting job/ { print $1; exit }' "$clilog")"
    done_ms="$(awk '/Successfully submitted job/ { print $1; exit }' "$clilog")"
    if [[ -n "$first_ms" && -n "$submit_ms" && -n "$done_ms" ]]; then
      t0_ms=$((T0 / 1000)); t1_ms=$((T1 / 1000))
      record cli "$i" "$w" "step: launch -> first log line (JVM start, CLI parsing)" "$(awk -v a="$t0_ms" -v b="$first_ms" 'BEGIN { printf "%.3f", (b - a) / 1000 }')"
      record cli "$i" "$w" "step: -> 'Submitting job' (parse YAML, compose, job graph)" "$(awk -v a="$first_ms" -v b="$submit_ms" 'BEGIN { printf "%.3f", (b - a) / 1000 }')"
      record cli "$i" "$w" "step: -> 'Successfully submitted' (jar upload + POST /jobs)" "$(awk -v a="$submit_ms" -v b="$done_ms" 'BEGIN { printf "%.3f", (b - a) / 1000 }')"
      record cli "$i" "$w" "step: -> JVM exit" "$(awk -v a="$done_ms" -v b="$t1_ms" 'BEGIN { printf "%.3f", (b - a) / 1000 }')"
    else
      note "cli run $i: log without the expected lines (first/Submitting/Successfully): $clilog"
    fi
    [[ -n "$init" ]] || note "cli run $i: GET /jobs/$jid did not answer with the job after the JVM exited"
    wait_finished "$jid" "cli run $i"
    log "cli $i/$TOTAL$([[ $w == 1 ]] && echo ' (warm-up)'): JVM exited after $(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }') s, job $jid"
  done
  PIPELINE_JARS="$( (grep -o 'pipeline.jars is .*' "$WORK/cli/cli-$TOTAL.log" || true) | tail -n 1 | sed "s|^pipeline.jars is ||; s|file:$SANDBOX_LIB/||g")"
}

# in the order given by --paths
for p in ${PATHS//,/ }; do "path_$p"; done

# ---------- the console's view at the end ----------
CONSOLE_FINAL=""
if want console && [[ ${#CONSOLE_RUNS[@]} -gt 0 ]]; then
  tries=60 # the watcher polls every 1-5 s: give it up to 30 s to see the last job end
  while [[ $tries -gt 0 ]]; do
    CONSOLE_FINAL="$(for r in "${CONSOLE_RUNS[@]}"; do api GET "/api/v1/runs/$r" | jq -r .state; done | sort | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }')"
    [[ "$CONSOLE_FINAL" =~ ^FINISHED\ x[0-9]+$ ]] && break
    sleep 0.5; tries=$((tries - 1))
  done
fi
LOAD_AFTER="$(loadavg)"
T_END="$(date +%s)"

# ---------- report ----------
# min | median | p90 | max in ms over the measured (non-warm-up) rows of one path and metric.
# median: mean of the two middle values for an even count; p90: nearest rank, the ceil(0.9 n)-th value.
stats() {
  awk -F'\t' -v p="$1" -v m="$2" 'NR > 1 && $1 == p && $4 == m && $3 == 0 { print $5 * 1000 }' "$RAW" | sort -g |
    awk 'function f(x) { return x >= 100 ? sprintf("%.0f", x) : sprintf("%.1f", x) }
      { v[NR] = $1 } END {
        if (NR == 0) { print "n/a | n/a | n/a | n/a | 0"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        r = int(0.9 * NR); if (r < 0.9 * NR) r++
        printf "%s | %s | %s | %s | %d\n", f(v[1]), f(m), f(v[r]), f(v[NR]), NR }'
}
warm() { # the warm-up values of one path and metric, in ms, in order
  awk -F'\t' -v p="$1" -v m="$2" 'NR > 1 && $1 == p && $4 == m && $3 == 1 { printf "%s%.0f", (n++ ? ", " : ""), $5 * 1000 }' "$RAW"
}
metrics_of() { awk -F'\t' -v p="$1" 'NR > 1 && $1 == p && $2 != 0 && !seen[$4]++ { print $4 }' "$RAW"; }

echo
echo "## Submission latency: $RUNS measured run(s) per path after $WARMUP warm-up(s)"
echo
echo "- $(nproc) CPU(s), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $("$JAVA" -version 2>&1 | head -n 1)"
echo "- build: \`$(git -C "$BUILD" rev-parse --short HEAD 2>/dev/null || echo unknown)\`; Flink sandbox (Flink 1.20.1, Flink CDC 3.2.0) up in $(printf '%.1f' "$SANDBOX_START_S") s$(want console && printf '; console (embedded PostgreSQL) ready in %.1f s' "$CONSOLE_START_S")"
echo "- load average (1/5/15 min): $LOAD_BEFORE before, $LOAD_AFTER after; per path: $(paste -sd ';' "$WORK/load.txt" 2>/dev/null | sed 's/;/; /g')"
echo "- total run time of the script: $((T_END - T_START)) s"
if want console; then
  echo "- console runs polled $([[ "$POLL" == 1 ]] && echo 'every ~20 ms (plus the requests) while SUBMITTING' || echo 'only every 0.5 s (--no-poll): (b) and (c) from the records alone')"
fi
echo
echo "Milliseconds; min / median / p90 (nearest rank) / max over the measured runs."
echo
echo "| path | what | min | median | p90 | max | n |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
for p in ${PATHS//,/ }; do
  while IFS= read -r m; do
    echo "| $p | $m | $(stats "$p" "$m") |"
  done < <(metrics_of "$p")
done
echo
echo "One-off and warm-up figures (ms, in order):"
echo
if want console; then
  echo "- console warm-ups (the first one uploads the launcher to the cluster): POST -> 202: $(warm console 'a: POST runs -> 202'); -> run leaves SUBMITTING (run record): $(warm console 'b: POST -> run leaves SUBMITTING (run record)')"
fi
if want direct; then
  echo "- direct: upload of the launcher jar ($(du -k "$LAUNCHER_JAR" | cut -f1) KiB): $(warm direct 'upload of the launcher jar (POST /jars/upload)'); warm-up runs -> 200: $(warm direct 'POST /jars/{id}/run -> 200')"
fi
if want cli; then
  echo "- cli warm-ups, launch -> exit: $(warm cli 'launch java -> JVM exit (submitted)'); jars the CLI ships with every submission (pipeline.jars): ${PIPELINE_JARS:-?}"
fi
if want console; then
  echo
  echo "Console runs at the end: ${CONSOLE_FINAL:-?}"
  WARNS="$(grep -E ' (ERROR|WARN) |Exception' "$WORK/console.log" 2>/dev/null | sed -E "s|$WORK|<tmp>|g; s/^[0-9T:.+-]+Z? //; s/bench-c[0-9]+-[0-9a-z]+/bench-cN/g; s/[0-9a-f]{32}/<jobid>/g; s/[0-9]{2,}/N/g" | sort | uniq -c | sort -rn | head -n 15 || true)"
  if [[ -n "$WARNS" ]]; then
    echo
    echo "Console log lines at WARN/ERROR or naming an exception (numbers masked, count first):"
    echo
    echo '```'
    echo "$WARNS"
    echo '```'
  else
    echo
    echo "The console logged nothing at WARN or ERROR."
  fi
fi
if [[ -s "$NOTES" ]]; then
  echo
  echo "Notes:"
  echo
  sed 's/^/- /' "$NOTES"
fi
