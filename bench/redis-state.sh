#!/usr/bin/env bash
# Cost of the shared state (docs/scale-out.md): one gateway, the same load, with limits and budgets in memory and
# then in Redis (caravan.state.redis-url). The key has an RPM limit and a budget, so every call runs the
# limits-acquire and budget-reserve scripts on admission and their settle scripts after the reply.
#
#   bench/redis-state.sh                     # 20 s warm-up, 20 s measured, 16 connections
#   WARMUP=10 DURATION=10 CONNS=16 bench/redis-state.sh
#
# Needs wrk, python3 (the mock upstream), a Redis on 127.0.0.1:6379 (or REDIS_URL) and target/caravan.jar.
set -euo pipefail
cd "$(dirname "$0")/.."
WARMUP="${WARMUP:-20}"; DURATION="${DURATION:-20}"; CONNS="${CONNS:-16}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
PORT=18280; ADMIN=18281; MOCK=18282; ADMIN_KEY=bench-admin-key-0011
WORK="$(mktemp -d)"; PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
[ -f target/caravan.jar ] || mvn -q -DskipTests package

python3 - "$MOCK" >"$WORK/mock.log" 2>&1 <<'PY' &
import sys, http.server, socketserver
BODY = (b'{"id":"c","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,'
        b'"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],'
        b'"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30}}')
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200); self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(BODY))); self.end_headers(); self.wfile.write(BODY)
    def log_message(self, *a): pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer): daemon_threads = True
S(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
PIDS+=($!)

cat >"$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"model":"openai/gpt-4o-mini","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}'
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
LUA

one() { # label extra-java-args...
  local label="$1"; shift
  rm -rf "$WORK/data"; cp -r config "$WORK/config-$label"
  CARAVAN_ACCESS_LOG_LEVEL=OFF java -Xmx512m -Dcaravan.api.host=127.0.0.1 -Dcaravan.api.port=$PORT -Dcaravan.admin.port=$ADMIN \
    -Dcaravan.admin.key=$ADMIN_KEY -Dcaravan.data.dir="$WORK/data-$label" -Dcaravan.config.dir="$WORK/config-$label" \
    -Dcaravan.provider.openai.base-url=http://127.0.0.1:$MOCK/v1 -Dcaravan.provider.openai.api-key=sk-bench-upstream-000 \
    "$@" -jar target/caravan.jar >"$WORK/$label.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$ADMIN/ready" -H "authorization: Bearer $ADMIN_KEY" >/dev/null && break; sleep 0.5; done
  BENCH_KEY=$(curl -s -H "authorization: Bearer $ADMIN_KEY" -H 'content-type: application/json' \
    -d '{"tenant":"bench","rpm":100000000,"tpm":2000000000,"budget":"1000000/day"}' \
    "http://127.0.0.1:$ADMIN/admin/keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  export BENCH_KEY
  wrk -t2 -c"$CONNS" -d"${WARMUP}s" -s "$WORK/post.lua" "http://127.0.0.1:$PORT/v1/chat/completions" >/dev/null
  local out; out="$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$PORT/v1/chat/completions")"
  local rps p50 p99 non2xx
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  echo "$label conns=$CONNS rps=$rps p50=$p50 p99=$p99 non2xx=${non2xx:-0}"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

one memory
one redis -Dcaravan.state.redis-url="$REDIS_URL" -Dcaravan.state.redis-prefix="caravan-bench:$$:"
redis-cli -u "$REDIS_URL" --scan --pattern "caravan-bench:$$:*" 2>/dev/null | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null 2>&1 || true
