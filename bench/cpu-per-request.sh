#!/usr/bin/env bash
# The gateway's CPU per request, for the whole process and by thread, under the load of bench/run.sh: gateway
# pinned to CPU $GW_CPUS with the launcher's JVM options, wrk and the nginx mock on the other core. Each jar
# gets a fresh gateway and an empty data directory, a warm-up (32 connections for WARMUP s, then CONNS for 10 s)
# and a measured window of DURATION s at CONNS connections. Whole bench runs vary by more than a small change
# is worth; alternate the jars for an A/B:
#
#   CONNS=32 bench/cpu-per-request.sh /tmp/a.jar /tmp/b.jar /tmp/a.jar /tmp/b.jar
#   CONNS=1 JAVA_OPTS_EXTRA="-Dcaravan.api.netty-executor=false" bench/cpu-per-request.sh target/caravan.jar
#   bench/cpu-per-request.sh "target/caravan.jar|-Xms128m -Xmx128m" target/caravan.jar   # options for one run
#
# Per jar: wrk's summary, CPU ms per request (the process's utime + stime from /proc over the window), and the
# busiest threads over the middle 15 s of the window (ticks of 10 ms, voluntary and involuntary context switches),
# the collections in the window (from a -Xlog:gc file) and the resident memory at its end. An argument "JAR|OPTIONS"
# adds OPTIONS after the launcher's for that run only.
set -euo pipefail
cd "$(dirname "$0")"
BENCH="$(pwd)"
H="$BENCH/harness"
source "$H/lib/common.sh"
CONNS="${CONNS:-1}"; WARMUP="${WARMUP:-40}"; DURATION="${DURATION:-20}"
PORT="${CARAVAN_PORT:-18080}"; KEY="sk-cvn-bench-0123456789"
# the launcher's default JVM options (docker/caravan.sh), unless CARAVAN_JAVA_OPTS says otherwise
JAVA_OPTS="${CARAVAN_JAVA_OPTS:-$(launcher_java_opts)}"
[ $# -gt 0 ] || set -- "$BENCH/../target/caravan.jar"
ensure_wrk
"$H/start-mock.sh"

load() { # load CONNS SECONDS
  BENCH_BODY_FILE="$BENCH/requests/mock.json" pin "$LOAD_CPUS" wrk -t1 -c"$1" -d"$2"s --timeout 10s --latency \
    -s "$H/lib/wrk-post.lua" -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/v1/chat/completions" \
    | grep WRKSUM
}
threads() { # threads PID : "tid ticks voluntary involuntary name" per thread
  local t line name
  for t in /proc/"$1"/task/*; do
    read -r line <"$t/stat" 2>/dev/null || continue
    name="$(tr ' ' _ <"$t/comm" 2>/dev/null)"
    set -- ${line#*) }
    echo "${t##*/} $((${12} + ${13})) $(awk '/^voluntary_ctxt/{v=$2} /^nonvoluntary/{n=$2} END{print v, n}' "$t/status") $name"
  done | sort
}

for arg in "$@"; do
  jar="${arg%%|*}"; own=""; [ "$jar" = "$arg" ] || own="${arg#*|}"
  DATA="$BENCH_STATE/cpu-data"; rm -rf "$DATA"
  GCLOG="$BENCH_STATE/cpu-gc.log"; rm -f "$GCLOG"
  stop_pid "caravan"; port_free "$PORT"
  # shellcheck disable=SC2086  # option lists
  MALLOC_ARENA_MAX=2 CARAVAN_API_KEY="$KEY" start_bg caravan "$GW_CPUS" timeout -k 5 3600 java $JAVA_OPTS \
    ${JAVA_OPTS_EXTRA:-} $own -Xlog:gc:file="$GCLOG" -Dcaravan.api.host=127.0.0.1 -Dcaravan.api.port="$PORT" -Dcaravan.admin.port=$((PORT + 1)) \
    -Dcaravan.config.dir="${CONFIG_DIR:-$BENCH/config}" -Dcaravan.data.dir="$DATA" -jar "$jar"
  wait_http "http://127.0.0.1:$PORT/health" 60 || die "Caravan did not start (see $LOG_DIR/caravan.log)"
  pid="$(listen_pid "$PORT")"; [ -n "$pid" ] || die "no process listens on $PORT"
  load 32 "$WARMUP" >/dev/null; load "$CONNS" 10 >/dev/null
  t0="$(ticks "$pid")"; gc0="$(grep -c 'Pause' "$GCLOG" || true)"
  ( sleep $(( (DURATION - 15) / 2 > 0 ? (DURATION - 15) / 2 : 0 )); threads "$pid" >"$BENCH_STATE/threads.a"
    sleep 15; threads "$pid" >"$BENCH_STATE/threads.b" ) &
  sampler=$!
  line="$(load "$CONNS" "$DURATION")"; wait "$sampler"
  t1="$(ticks "$pid")"; gc1="$(grep -c 'Pause' "$GCLOG" || true)"
  n="$(echo "$line" | sed 's/.*requests=\([0-9]*\).*/\1/')"
  echo "== $jar conns=$CONNS ${JAVA_OPTS_EXTRA:-} $own"
  echo "$line" | cut -d' ' -f2-9
  echo "cpu_ms_per_req=$(awk -v d="$((t1 - t0))" -v n="$n" 'BEGIN {printf "%.4f", d * 10 / n}') collections=$((gc1 - gc0))" \
    "full_collections_whole_run=$(grep -c 'Pause Full' "$GCLOG" || true) rss_mb=$(( $(awk '/VmRSS/{print $2}' "/proc/$pid/status") / 1024 ))"
  echo "ticks voluntary_cs involuntary_cs thread"
  join "$BENCH_STATE/threads.a" "$BENCH_STATE/threads.b" | awk '{print $6 - $2, $7 - $3, $8 - $4, $5}' \
    | sort -rn | head -"${TOP:-8}"
  stop_pid caravan
done
