#!/usr/bin/env bash
# Constant-rate (open-loop) load on Caravan with bench/OpenLoad.java: latency from the moment each request was
# due, so stalls are not hidden by a load generator that waits (coordinated omission).
#
#   bench/open-load.sh rate    # chat at $RATE req/s straight to the mock, then through Caravan: the added p50/p99
#   bench/open-load.sh soak    # a mix (chat, streams, failover, provider errors, bad requests) at $RATE req/s for
#                              # $DURATION s, sampling RSS, threads, heap after GC and sockets every $SERIES s;
#                              # then checks that the ledger has one row per billed call
#
# Settings (environment): RATE (1000), DURATION (rate: 60, soak: 1800), WARMUP (120: after a 30-s warm-up at 1,000
# req/s the JIT was still compiling ~400 methods per 10 s in the measured window, the request path's among them;
# the straight-to-the-mock baseline keeps MOCK_WARMUP, 30), SERIES (60), CONNS (most
# keep-alive connections the generator opens; rate: 64, soak: 512; calls beyond wait, timed from when they were due),
# CARAVAN_JAVA_OPTS (extra JVM options; the launcher's defaults from docker/caravan.sh are used otherwise),
# FULL_GC_EVERY (soak only, seconds; 0 = never): force a full collection (jcmd GC.run) that often inside the
# measured window, so the live heap can be read several times in a run too short for the old generation to fill
# (each costs the gateway one pause of ~0.1-0.3 s, which shows in the latency tail). The soak ends with the
# least-squares slopes of RSS (every series sample) and of the live heap after each full collection.
# Runs on its own ports and state directory (/tmp/bench-open), so it does not disturb bench/run.sh.
set -euo pipefail
cd "$(dirname "$0")"
BENCH="$(pwd)"
export BENCH_STATE="${BENCH_STATE:-/tmp/bench-open}"
export MOCK_PORT="${OPEN_MOCK_PORT:-18101}" MOCK_DELAYED_PORT="${OPEN_MOCK_DELAYED_PORT:-18111}" \
  MOCK_STREAM_PORT="${OPEN_MOCK_STREAM_PORT:-18102}"
H="$BENCH/harness"
source "$H/lib/common.sh"

MODE="${1:-rate}"
RATE="${RATE:-1000}"
WARMUP="${WARMUP:-120}"
MOCK_WARMUP="${MOCK_WARMUP:-30}"
SERIES="${SERIES:-60}"
case "$MODE" in
  rate) DURATION="${DURATION:-60}"; CONNS="${CONNS:-64}" ;;
  soak) DURATION="${DURATION:-1800}"; CONNS="${CONNS:-512}"; FULL_GC_EVERY="${FULL_GC_EVERY:-0}" ;;
  *) die "usage: open-load.sh rate|soak" ;;
esac
PORT="${OPEN_CARAVAN_PORT:-18180}"
KEY="sk-cvn-bench-0123456789"
ADMIN_KEY="bench-admin-key-0123456789"
JAR="$BENCH/../target/caravan.jar"
OUT="$BENCH/results"; mkdir -p "$OUT"
LINES="$OUT/open-$MODE-$(date +%Y%m%d-%H%M%S).txt"
[ -f "$JAR" ] || (cd "$BENCH/.." && mvn -q -DskipTests package)

"$H/start-mock.sh"
# the bench's routing and providers, on this script's mock ports, plus a provider whose every call fails (404)
CONF="$BENCH_STATE/config"; rm -rf "$CONF"; mkdir -p "$CONF/routes"
cp "$BENCH/config/models.yaml" "$CONF/"
cp "$BENCH/config/routes/routing.camel.yaml" "$CONF/routes/"
sed -e "s#127.0.0.1:18001#127.0.0.1:$MOCK_PORT#; s#127.0.0.1:18011#127.0.0.1:$MOCK_DELAYED_PORT#; s#127.0.0.1:18002#127.0.0.1:$MOCK_STREAM_PORT#" \
  "$BENCH/config/routes/providers.camel.yaml" >"$CONF/routes/providers.camel.yaml"
cat >>"$CONF/routes/providers.camel.yaml" <<EOF
# every call answered 404 by the mock: a provider error the client sees as such (no failover)
- templatedRoute:
    routeTemplateRef: openai-compatible
    routeId: provider.mockerr.chat
    parameters:
      - { name: provider, value: mockerr }
      - { name: baseUrl, value: "http://127.0.0.1:$MOCK_PORT/missing/v1" }
      - { name: apiKey, value: "sk-mock" }
      - { name: models, value: "gpt-4o-mini" }
EOF
sed 's#"mock/gpt-4o-mini"#"mockerr/gpt-4o-mini"#' "$BENCH/requests/mock.json" >"$BENCH_STATE/error.json"

DATA="$BENCH_STATE/data"; rm -rf "$DATA"
GCLOG="$BENCH_STATE/gc.log"; rm -f "$GCLOG"
# the launcher's default JVM options, unless CARAVAN_JAVA_OPTS says otherwise
JOPTS="${CARAVAN_JAVA_OPTS:-$(launcher_java_opts)}"
log "starting Caravan on 127.0.0.1:$PORT (CPU $GW_CPUS) with: $JOPTS"
stop_pid caravan-open
port_free "$PORT"
# shellcheck disable=SC2086
CARAVAN_API_KEY="$KEY" CARAVAN_ADMIN_KEY="$ADMIN_KEY" start_bg caravan-open "$GW_CPUS" timeout -k 5 7200 \
  java $JOPTS -Xlog:gc:file="$GCLOG" -Dcaravan.api.host=127.0.0.1 -Dcaravan.api.port="$PORT" \
  -Dcaravan.admin.port=$((PORT + 1)) -Dcaravan.config.dir="$CONF" -Dcaravan.data.dir="$DATA" -jar "$JAR"
wait_http "http://127.0.0.1:$PORT/health" 60 || die "Caravan did not start (see $LOG_DIR/caravan-open.log)"
pid="$(pid_of caravan-open)"
while c="$(pgrep -P "$pid" | head -1)" && [ -n "$c" ]; do pid="$c"; done   # the java under timeout/taskset

slope() { # LABEL < "x_seconds y" lines -> n, first, min, max, last and the least-squares slope per minute
  awk -v label="$1" '{n++; x[n]=$1; y[n]=$2; sx+=$1; sy+=$2; sxx+=$1*$1; sxy+=$1*$2
      if (n == 1 || $2 < lo) lo = $2; if (n == 1 || $2 > hi) hi = $2}
    END {if (n < 2) {print label ": fewer than 2 samples"; exit}
      d = n*sxx - sx*sx; b = d ? (n*sxy - sx*sy) / d : 0
      printf "%s: n=%d first=%s min=%s max=%s last=%s slope_mb_per_min=%+.3f\n", label, n, y[1], lo, hi, y[n], b*60}'
}
load() { # args for OpenLoad...
  # the generator's own collections delay its sends: a large young generation makes them rare and short
  pin "$LOAD_CPUS" java -XX:+UseSerialGC -Xms768m -Xmx768m -Xmn640m -cp "$JAR" "$BENCH/OpenLoad.java" \
    --conns "$CONNS" "$@" | tee -a "$LINES"
}
if [ "$MODE" = rate ]; then
  log "baseline: $RATE req/s straight to the mock"
  load --url "http://127.0.0.1:$MOCK_PORT" --rate "$RATE" --duration "$DURATION" --warmup "$MOCK_WARMUP" \
    --mix "chat=100:$BENCH/requests/mock.json"
  log "through Caravan: $RATE req/s"
  load --url "http://127.0.0.1:$PORT" --key "$KEY" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" \
    --series "${SERIES_RATE:-10}" --pid "$pid" --gc-log "$GCLOG" --mix "chat=100:$BENCH/requests/mock.json"
else
  gc_loop=""
  if [ "$FULL_GC_EVERY" -gt 0 ]; then
    # the first at the start of the measured window, then every FULL_GC_EVERY s, the last before its end
    ( sleep "$WARMUP"; t=0
      while [ "$t" -lt "$DURATION" ]; do jcmd "$pid" GC.run >/dev/null 2>&1 || exit 0; sleep "$FULL_GC_EVERY"
        t=$((t + FULL_GC_EVERY)); done ) &
    gc_loop=$!
  fi
  load --url "http://127.0.0.1:$PORT" --key "$KEY" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" \
    --series "$SERIES" --pid "$pid" --gc-log "$GCLOG" \
    --mix "chat=70:$BENCH/requests/mock.json,stream=10:$BENCH/requests/mocksse-stream.json,failover=10:$BENCH/requests/chain3.json,provider_error=5:$BENCH_STATE/error.json,bad_request=5:bad"
  sleep 3   # the ledger writes in batches
  spend="$(curl -s -H "Authorization: Bearer $ADMIN_KEY" "http://127.0.0.1:$((PORT + 1))/admin/spend?since=2000-01-01")"
  echo "ledger: $spend" | tee -a "$LINES"
  # rows expected: every request sent (warm-up included) except malformed ones and those refused as overload
  refused="$(curl -s "http://127.0.0.1:$((PORT + 1))/metrics" | awk -v s="127.0.0.1:$PORT" \
    '/^caravan_overload_rejected_total/ && index($0, s) {print int($2)}')"
  echo "sent_with_warmup=$(sed -nE 's/^all .*sent_total=([0-9]+).*/\1/p' "$LINES" | tail -1) refused_overloaded=${refused:-0}" | tee -a "$LINES"
  [ -z "$gc_loop" ] || kill "$gc_loop" 2>/dev/null || true
  # least-squares slopes (MB per minute): RSS over the series samples; the heap after each full collection
  awk '$1 ~ /^[0-9]+$/ && NF >= 9 {print $1, $6}' "$LINES" | slope "rss_mb (series samples)" | tee -a "$LINES"
  # (the start-up's metadata-triggered full collections left out)
  grep -v "Metadata GC Threshold" "$GCLOG" | sed -nE 's/^\[([0-9.]+)s\].*Pause Full.* [0-9]+M->([0-9]+)M\([0-9]+M\).*/\1 \2/p' \
    | slope "heap_after_full_gc_mb (full collections after start-up)" | tee -a "$LINES"
  echo "upstream sockets still open: $(ss -tnH state established "( dport = :$MOCK_PORT or dport = :$MOCK_STREAM_PORT )" | wc -l)" | tee -a "$LINES"
fi
echo "caravan-process rss_mb=$(( $(awk '/VmRSS/{print $2}' "/proc/$pid/status") / 1024 )) threads=$(ls /proc/"$pid"/task | wc -l)" | tee -a "$LINES"
stop_pid caravan-open
"$H/stop-all.sh"
log "results: $LINES"
