#!/usr/bin/env bash
# Benchmarks Caravan on this box against local mock upstreams, with the Portkey gateway as the peer, all on
# 127.0.0.1, and prints one summary line per scenario (also saved under bench/results/).
#
#   bench/run.sh                 # everything (about 25 minutes)
#   SCENARIOS="c1 c32" bench/run.sh
#   SCENARIOS="sse32 sse1000" bench/run.sh   # 1,000 concurrent streams (not in the default list)
#   SCENARIOS="c1wire" bench/run.sh   # one connection, with the gateway's own time per request read off a packet
#                                     # capture (tcpdump on lo): no coordinated-omission correction (not in the list)
#   NO_PORTKEY=1 bench/run.sh    # Caravan only
#   OTEL=1 bench/run.sh          # Caravan with OpenTelemetry on: traces and metrics exported over OTLP/HTTP to
#                                # the nginx mock (/v1/traces, /v1/metrics answer 200 and drop); labels caravan-otel-*
#   LEDGER_DURABILITY=sync NO_PORTKEY=1 bench/run.sh   # ledger rows committed before each reply (labels end -sync)
#   CARAVAN_JAVA_OPTS="-Xmx256m" bench/run.sh           # JVM options for the gateway (the java on PATH runs it);
#                                                       # unset: docker/caravan.sh's defaults and MALLOC_ARENA_MAX=2
#   CONFIG_DIR=/tmp/conf bench/run.sh  # another configuration directory than bench/config (models.yaml, routes/)
#   DUMP_MEMORY=/tmp/x bench/run.sh   # at the end: jcmd native-memory summary and heap after GC into /tmp/x.*
#   APPCDS=1 bench/run.sh        # as the Docker image starts it: with a class-data archive (-XX:SharedArchiveFile)
#                                # made first by a training run like the image's (start, one chat request, SIGTERM)
#
# Each of Caravan's lines ends with its event loop delay over the measured window (loop_io_*: the wait of a task
# handed to the event loop, from /metrics; see loop-delay.sh): a p99 bucket above 1 ms means the loop was short of CPU.
#
# The gateway is pinned to CPU $GW_CPUS (default 0); load generator and mocks share the other core
# (see harness/lib/common.sh). The harness (harness/, from the team's shared bench kit) installs nginx, wrk and
# Node from Debian's packages when missing and Portkey from npm. The stream scenarios use the Netty SSE mock and
# probe of SseBench.java (built from the gateway's jar); STREAM_MOCK=node SSE_PROBE=node run the kit's Node pair.
set -euo pipefail
cd "$(dirname "$0")"
BENCH="$(pwd)"
H="$BENCH/harness"
source "$H/lib/common.sh"

SCENARIOS="${SCENARIOS:-c1 c32 c128 slow128 sse32 sse200 chain32 messages32 embeddings32}"
WARMUP="${WARMUP:-60}"   # 30 s left the JIT compiling inside some measured windows (RESULTS.md §4)
DURATION="${DURATION:-20}"
CARAVAN_PORT="${CARAVAN_PORT:-18080}"
LEDGER_DURABILITY="${LEDGER_DURABILITY:-async}"   # caravan.ledger.durability: async (default) or sync
SUFFIX=""; [ "$LEDGER_DURABILITY" = async ] || SUFFIX="-$LEDGER_DURABILITY"
KEY="sk-cvn-bench-0123456789"
JAR="${CARAVAN_JAR:-$BENCH/../target/caravan.jar}"   # CARAVAN_JAR: another build, e.g. a copy for an A/B
OUT="$BENCH/results"; mkdir -p "$OUT"
STAMP="$(date +%Y%m%d-%H%M%S)"
LINES="$OUT/run-$STAMP.txt"

[ -f "$JAR" ] || (cd "$BENCH/.." && mvn -q -DskipTests package)
# no CARAVAN_JAVA_OPTS: the gateway starts as docker/caravan.sh starts it, so a plain run measures the shipped
# defaults rather than the JVM's own sizing for this box
launcher_defaults

"$H/start-mock.sh"

# the gateway's data (the H2 ledger) starts empty in every run: under bench/data it grew by ~5,000 rows a second
# of load across runs (786 MB after a day of runs), and H2's background writer then allocated more than the
# requests did, making each run slower than the one before
DATA_DIR="$BENCH_STATE/caravan-data"
start_caravan() { # [extra JVM options]
  stop_pid caravan
  rm -rf "$DATA_DIR"
  log "starting Caravan on 127.0.0.1:$CARAVAN_PORT (CPU $GW_CPUS, ledger durability $LEDGER_DURABILITY) $*"
  local extra=("$@")
  [ -z "${OTEL:-}" ] || extra+=(-Dcaravan.otel.endpoint="http://127.0.0.1:$MOCK_PORT")
  port_free "$CARAVAN_PORT"
  CARAVAN_API_KEY="$KEY" start_bg caravan "$GW_CPUS" env ${GW_ARENAS:+MALLOC_ARENA_MAX=$GW_ARENAS} timeout -k 5 7200 java ${CARAVAN_JAVA_OPTS:-} "${extra[@]}" \
    -Dcaravan.ledger.durability="$LEDGER_DURABILITY" -Dcaravan.api.host=127.0.0.1 -Dcaravan.api.port="$CARAVAN_PORT" -Dcaravan.admin.port=$((CARAVAN_PORT + 1)) \
    -Dcaravan.config.dir="${CONFIG_DIR:-$BENCH/config}" -Dcaravan.data.dir="$DATA_DIR" -jar "$JAR"
  wait_http "http://127.0.0.1:$CARAVAN_PORT/health" 60 || die "Caravan did not start (see $LOG_DIR/caravan.log)"
}
printf 'Authorization: Bearer %s\n' "$KEY" >"$BENCH_STATE/caravan.headers"
if [ -n "${APPCDS:-}" ]; then
  # the image's training run (docker/Dockerfile): the classes of a start and one chat request, written at exit
  JSA="$BENCH_STATE/caravan.jsa"
  rm -f "$JSA"
  start_caravan -XX:ArchiveClassesAtExit="$JSA"
  curl -s -o /dev/null -H @"$BENCH_STATE/caravan.headers" -H 'content-type: application/json' \
    -d @requests/mock.json "http://127.0.0.1:$CARAVAN_PORT/v1/chat/completions"
  # the archive is written after SIGTERM, which can take longer than stop_pid's default 5 s on a slow box
  stop_pid caravan 60
  [ -s "$JSA" ] || die "the training run wrote no archive (see $LOG_DIR/caravan.log)"
  log "class-data archive $(du -m "$JSA" | cut -f1) MB"
  start_caravan -XX:SharedArchiveFile="$JSA"
else
  start_caravan
fi

run() { # label args...
  local label="$1"; shift
  [ -z "${OTEL:-}" ] || label="${label/#caravan-/caravan-otel-}"
  case "$label" in caravan-*) label="$label$SUFFIX" ;; esac
  local line hook=""
  # Caravan's lines end with its event loop delay over the measured window (loop-delay.sh)
  case "$label" in caravan-*) hook="$BENCH/loop-delay.sh http://127.0.0.1:$((CARAVAN_PORT + 1))/metrics $BENCH_STATE/loop-delay" ;; esac
  line="$(WINDOW_HOOK="$hook" "$H/run-bench.sh" --warmup "$WARMUP" --duration "$DURATION" --label "$label" "$@" | tail -1)"
  echo "$line" | tee -a "$LINES"
}

declare -A BASE_P50 BASE_P99
# One connection, twice over: wrk's line (its percentiles include the synthetic samples wrk adds for coordinated
# omission: each reply slower than twice the mean round also counts as all the replies that "should" have come
# meanwhile), and the gateway's own time per request from a capture of the same window (bench/WireLatency.java).
c1_wire() { # "url and header options"
  ensure_apt tcpdump tcpdump
  local pcap="$BENCH_STATE/c1wire.pcap" tp err="$BENCH_STATE/c1wire.warmup.log" b50 b99
  # the warm-up also runs the mock-direct baseline, so that the capture holds the gateway's traffic only
  "$H/run-bench.sh" $1 --body requests/mock.json --conns 1 --warmup "$WARMUP" --duration 1 >/dev/null 2>"$err"
  read -r b50 b99 < <(sed -nE 's/.*baseline .* p50=([0-9.]+)ms p99=([0-9.]+)ms.*/\1 \2/p' "$err") || true   # no baseline line: both stay empty (run-bench.sh then measures it itself)
  # pin is a function: $! is the subshell running it and tcpdump (exec'd by nice/taskset) its child, or tcpdump
  # itself when bash runs the command in place of the subshell
  pin "$LOAD_CPUS" tcpdump -Z root -i lo -n -s 128 -B 32768 -w "$pcap" "tcp port $CARAVAN_PORT or tcp port $MOCK_PORT" \
    >/dev/null 2>&1 &
  tp=$!
  sleep 1
  run caravan-c1-wrk $1 --body requests/mock.json --conns 1 --warmup 0 --baseline-p50 "$b50" --baseline-p99 "$b99"
  # tcpdump flushes the file on SIGTERM; the subshell ends when it has
  pkill -TERM -P "$tp" tcpdump || kill -TERM "$tp" 2>/dev/null || true
  wait "$tp" || true
  java "$BENCH/WireLatency.java" "$pcap" "$CARAVAN_PORT" "$MOCK_PORT" "caravan-c1-wire$SUFFIX" | tee -a "$LINES"
  rm -f "$pcap"
}
caravan() { # scenario
  local c="--url http://127.0.0.1:$CARAVAN_PORT --header-file $BENCH_STATE/caravan.headers"
  case "$1" in
    c1)      run caravan-c1 $c --body requests/mock.json --conns 1 ;;
    c1wire)  c1_wire "$c" ;;
    c32)     run caravan-c32 $c --body requests/mock.json --conns 32 ;;
    c128)    run caravan-c128 $c --body requests/mock.json --conns 128 ;;
    slow128) run caravan-50ms-c128 $c --body requests/mock50.json --conns 128 --baseline-url "http://127.0.0.1:$MOCK_DELAYED_PORT" ;;
    sse32)   run caravan-sse-32 $c --stream --body requests/mocksse-stream.json --conns 32 ;;
    sse200)  run caravan-sse-200 $c --stream --body requests/mocksse-stream.json --conns 200 ;;
    sse1000) run caravan-sse-1000 $c --stream --body requests/mocksse-stream.json --conns 1000 ;;
    # POST /v1/messages (Anthropic body) to the same OpenAI-compatible mock: the edge translation both ways
    messages32) run caravan-messages-c32 $c --path /v1/messages --body requests/messages.json --conns 32 ;;
    # POST /v1/embeddings (one input, a 256-float vector back) passed through to the same mock
    embeddings32) run caravan-embeddings-c32 $c --path /v1/embeddings --body requests/embeddings.json --conns 32 ;;
    # a 3-deployment failover chain whose first two breakers are open (they open on the first request)
    chain32) curl -s -o /dev/null -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \
               -d @requests/chain3.json "http://127.0.0.1:$CARAVAN_PORT/v1/chat/completions"
             run caravan-chain3-c32 $c --body requests/chain3.json --conns 32 ;;
  esac
}
for s in $SCENARIOS; do caravan "$s"; done
# resident memory and CPU time of the whole run, for the record
pid="$(cat "$PID_DIR/caravan.pid")"
while c="$(pgrep -P "$pid" | head -1)" && [ -n "$c" ]; do pid="$c"; done   # the java under timeout/taskset
echo "caravan-process rss_mb=$(( $(awk '/VmRSS/{print $2}' "/proc/$pid/status") / 1024 )) threads=$(ls /proc/$pid/task | wc -l)" | tee -a "$LINES"
if [ -n "${DUMP_MEMORY:-}" ]; then
  # where the resident memory is (needs -XX:NativeMemoryTracking=summary in CARAVAN_JAVA_OPTS), then the heap
  # after a full collection; jcmd from the same JDK as the gateway's java
  jcmd="$(dirname "$(readlink -f "/proc/$pid/exe")")/jcmd"
  "$jcmd" "$pid" VM.native_memory summary >"$DUMP_MEMORY.nmt.txt" 2>&1 || true
  "$jcmd" "$pid" GC.run >/dev/null 2>&1 || true; sleep 2
  "$jcmd" "$pid" GC.heap_info >"$DUMP_MEMORY.heap.txt" 2>&1 || true
  echo "caravan-after-gc rss_mb=$(( $(awk '/VmRSS/{print $2}' "/proc/$pid/status") / 1024 ))" | tee -a "$LINES"
fi
stop_pid caravan

if [ -z "${NO_PORTKEY:-}" ]; then
  "$H/start-portkey.sh"
  p="--url http://127.0.0.1:$PORTKEY_PORT"
  for s in $SCENARIOS; do
    case "$s" in
      c1)      run portkey-c1 $p --header-file "$BENCH_STATE/portkey/openai.headers" --conns 1 ;;
      c32)     run portkey-c32 $p --header-file "$BENCH_STATE/portkey/openai.headers" --conns 32 ;;
      c128)    run portkey-c128 $p --header-file "$BENCH_STATE/portkey/openai.headers" --conns 128 ;;
      slow128) run portkey-50ms-c128 $p --header-file "$BENCH_STATE/portkey/openai-delayed.headers" --conns 128 --baseline-url "http://127.0.0.1:$MOCK_DELAYED_PORT" ;;
      sse32)   run portkey-sse-32 $p --header-file "$BENCH_STATE/portkey/openai-stream.headers" --stream --conns 32 ;;
      sse200)  run portkey-sse-200 $p --header-file "$BENCH_STATE/portkey/openai-stream.headers" --stream --conns 200 ;;
      sse1000) run portkey-sse-1000 $p --header-file "$BENCH_STATE/portkey/openai-stream.headers" --stream --conns 1000 ;;
      chain32|messages32|embeddings32) ;;
    esac
  done
fi
"$H/stop-all.sh"
log "results: $LINES"
