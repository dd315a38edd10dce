#!/usr/bin/env bash
# Start time and memory of a built Caravan jar, and what the Hawtio console adds once opened.
#
# usage: bench/ops-footprint.sh JAR [runs] [extra -D options...]
# Prints one line per run: ready_ms (process launch to the first 200 from the API port's /health), Camel's own
# boot time, rss_mb two seconds later, and with HAWTIO=1 the console's own start time and the RSS after a Jolokia read through it.
set -euo pipefail
JAR="$1"; RUNS="${2:-3}"; shift 2 || true
API_PORT="${API_PORT:-18180}"; ADMIN_PORT="${ADMIN_PORT:-18181}"
ADMIN_KEY="bench-admin-key-0123456789"
CONFIG_DIR="$(cd "$(dirname "$0")/.." && pwd)/config"

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

for i in $(seq 1 "$RUNS"); do
  log="$(mktemp)"
  t0="$(date +%s%N)"
  CARAVAN_ADMIN_KEY="$ADMIN_KEY" OPENAI_API_KEY="sk-bench-000000000000" java \
    -Dcaravan.api.port="$API_PORT" -Dcaravan.admin.port="$ADMIN_PORT" -Dcaravan.config.dir="$CONFIG_DIR" \
    -Dcaravan.reload.enabled=false "$@" -jar "$JAR" >"$log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$API_PORT/health"; do sleep 0.02; done
  ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  sleep 2
  boot="$(grep -o 'boot:[0-9.a-z]*' "$log" | head -1 | sed 's/boot://')"
  line="run=$i ready_ms=$ready_ms camel_boot=$boot rss_mb=$(rss_mb $pid)"
  if [ "${HAWTIO:-0}" = 1 ]; then
    curl -s -o /dev/null -u "admin:$ADMIN_KEY" \
      "http://127.0.0.1:$ADMIN_PORT/hawtio/jolokia/read/org.apache.camel:context=caravan,type=routes,name=%22api.http%22/State"
    curl -s -o /dev/null -u "admin:$ADMIN_KEY" "http://127.0.0.1:$ADMIN_PORT/hawtio/jolokia/search/org.apache.camel:*"
    sleep 2
    hawtio_ms="$(grep -o 'Hawtio console started in [0-9]* ms' "$log" | grep -o '[0-9]*' || echo none)"
    line="$line hawtio_start_ms=$hawtio_ms rss_after_console_mb=$(rss_mb $pid)"
  fi
  echo "$line"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -f "$log"
done
