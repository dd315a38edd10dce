#!/usr/bin/env bash
# CPU per request of Caravan's per-request metrics and access log, with the shared harness (../shared/bench):
# the gateway pinned to CPU 0, wrk and the nginx mock upstream on CPU 1, non-stream requests, 32 connections.
# Configurations alternate (on, off, on, off, ...) so that drifting load on a shared box hits both alike:
#   on      defaults: metrics listener + access log (JSON line per request, to the gateway's stdout file)
#   off     caravan.metrics.enabled=false and CARAVAN_ACCESS_LOG_LEVEL=OFF
#   nojmx   "off" plus camel.main.jmx-enabled=false (what Camel's JMX statistics cost, for reference)
#   routes  defaults, but JMX statistics per route only (camel.main.jmx-management-statistics-level=RoutesOnly)
#
# usage: bench/ops-overhead.sh JAR [rounds] [configs]     e.g. bench/ops-overhead.sh target/caravan.jar 3 "on off"
set -euo pipefail
JAR="$(realpath "$1")"; ROUNDS="${2:-3}"; CONFIGS="${3:-on off}"
HERE="$(cd "$(dirname "$0")" && pwd)"
HARNESS="${HARNESS:-$(cd "$HERE/../../shared/bench" 2>/dev/null && pwd || echo /work/shared/bench)}"
export BENCH_STATE="${BENCH_STATE:-/tmp/bench-ops}" MOCK_PORT="${MOCK_PORT:-18031}"
export MOCK_DELAYED_PORT="${MOCK_DELAYED_PORT:-18041}" MOCK_STREAM_PORT="${MOCK_STREAM_PORT:-18032}"
GW_PORT="${GW_PORT:-18480}"; ADMIN_PORT="${ADMIN_PORT:-18481}"
KEY="sk-cvn-bench-0000000000000000"
DURATION="${DURATION:-20}"; WARMUP="${WARMUP:-10}"; CONNS="${CONNS:-32}"

"$HARNESS/start-mock.sh"
trap '"$HARNESS/stop-all.sh" >/dev/null 2>&1 || true' EXIT

for round in $(seq 1 "$ROUNDS"); do
  for cfg in $CONFIGS; do
    opts=(); access=INFO
    case "$cfg" in
      on) ;;
      off) opts=(-Dcaravan.metrics.enabled=false); access=OFF ;;
      nojmx) opts=(-Dcaravan.metrics.enabled=false -Dcamel.main.jmx-enabled=false); access=OFF ;;
      routes) opts=(-Dcamel.main.jmx-management-statistics-level=RoutesOnly) ;;
      ondefault) opts=(-Dcamel.main.jmx-management-statistics-level=Default) ;;
      *) echo "unknown config $cfg" >&2; exit 64 ;;
    esac
    log="$BENCH_STATE/logs/gateway-$cfg-$round.log"
    CARAVAN_API_KEY="$KEY" OPENAI_API_KEY="sk-bench-provider-000000000" CARAVAN_ACCESS_LOG_LEVEL="$access" \
      taskset -c 0 java -Xmx512m "${opts[@]}" -Dcaravan.api.host=127.0.0.1 -Dcaravan.api.port="$GW_PORT" \
      -Dcaravan.admin.port="$ADMIN_PORT" -Dcaravan.config.dir="$HERE/../config" -Dcaravan.reload.enabled=false \
      -Dcaravan.provider.openai.base-url="http://127.0.0.1:$MOCK_PORT/v1" -jar "$JAR" >"$log" 2>&1 &
    pid=$!
    # ready when a real chat call succeeds (a loaded box can take long to start)
    for _ in $(seq 1 240); do
      curl -sf -o /dev/null -m 5 -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
        --data-binary "@$HERE/request-caravan.json" "http://127.0.0.1:$GW_PORT/v1/chat/completions" && break
      sleep 0.5
    done
    line="$("$HARNESS/run-bench.sh" --url "http://127.0.0.1:$GW_PORT" -H "Authorization: Bearer $KEY" \
      --body "$HERE/request-caravan.json" --conns "$CONNS" --duration "$DURATION" --warmup "$WARMUP" \
      --baseline-url none --pid "$pid" --label "ops-$cfg" || echo "failed")"
    echo "round=$round config=$cfg $line"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
