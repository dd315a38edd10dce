#!/usr/bin/env bash
# Profiles the gateway under the c32 chat load against the mock with Java Flight Recorder and prints where the
# time and the allocated bytes go per request.
#
#   bench/profile.sh                 # build first: mvn -B -o -q -DskipTests package
#   WARMUP=40 DURATION=20 CONNS=32 TOP=25 bench/profile.sh
#   KEEP=/tmp/caravan.jfr bench/profile.sh      # keep the recording (open it in JDK Mission Control)
#   STREAMS=1000 bench/profile.sh               # the load is that many concurrent chat streams (bench/SseBench.java
#                                               # probe, the mock's 20 chunks 50 ms apart); figures per stream
#
# The gateway is started like bench/run.sh starts it (pinned to CPU $GW_CPUS, bench/config or $CONFIG_DIR, async
# ledger), warmed up with WARMUP seconds of load without recording, then recorded for DURATION seconds of the same load:
# jdk.ExecutionSample every 2 ms and jdk.ObjectAllocationSample at 2,000/s (their weights add up to the bytes
# allocated; each thread's first sample is left out, as it carries what the thread allocated before the recording),
# and jdk.ThreadAllocationStatistics at both ends of the recording for the exact bytes per request. Printed: requests served, allocated bytes per request by the allocating frame (first frame in
# dev.caravan and the leaf frame), CPU samples by leaf frame, by the nearest dev.caravan frame, and by package.
set -euo pipefail
cd "$(dirname "$0")"
BENCH="$(pwd)"
H="$BENCH/harness"
source "$H/lib/common.sh"
WARMUP="${WARMUP:-40}"; DURATION="${DURATION:-20}"; CONNS="${CONNS:-32}"; TOP="${TOP:-20}"
PORT="${CARAVAN_PORT:-18080}"
KEY="sk-cvn-bench-0123456789"
JAR="${CARAVAN_JAR:-$BENCH/../target/caravan.jar}"
[ -f "$JAR" ] || die "no $JAR: mvn -B -o -q -DskipTests package"
# no CARAVAN_JAVA_OPTS: the gateway starts as docker/caravan.sh starts it, so a plain run measures the shipped
# defaults rather than the JVM's own sizing for this box
launcher_defaults

REC="${KEEP:-$BENCH_STATE/profile.jfr}"
JFC="$BENCH_STATE/profile.jfc"
cat >"$JFC" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="caravan-profile">
  <event name="jdk.ExecutionSample"><setting name="enabled">true</setting><setting name="period">2 ms</setting></event>
  <event name="jdk.ObjectAllocationSample"><setting name="enabled">true</setting><setting name="throttle">2000/s</setting><setting name="stackTrace">true</setting></event>
  <event name="jdk.GarbageCollection"><setting name="enabled">true</setting><setting name="threshold">0 ms</setting></event>
  <event name="jdk.ThreadAllocationStatistics"><setting name="enabled">true</setting><setting name="period">everyChunk</setting></event>
</configuration>
EOF

ensure_wrk
"$H/start-mock.sh"
stop_pid caravan
rm -rf "$BENCH_STATE/caravan-data"   # an empty ledger, as in bench/run.sh
port_free "$PORT"
CARAVAN_API_KEY="$KEY" start_bg caravan "$GW_CPUS" env ${GW_ARENAS:+MALLOC_ARENA_MAX=$GW_ARENAS} timeout -k 5 3600 java ${CARAVAN_JAVA_OPTS:-} \
  -XX:FlightRecorderOptions:stackdepth=256 -Dcaravan.ledger.durability=async -Dcaravan.api.host=127.0.0.1 \
  -Dcaravan.api.port="$PORT" -Dcaravan.admin.port=$((PORT + 1)) -Dcaravan.config.dir="${CONFIG_DIR:-$BENCH/config}" -Dcaravan.data.dir="$BENCH_STATE/caravan-data" -jar "$JAR"
wait_http "http://127.0.0.1:$PORT/health" 60 || die "Caravan did not start (see $LOG_DIR/caravan.log)"
pid="$(cat "$PID_DIR/caravan.pid")"
while c="$(pgrep -P "$pid" | head -1)" && [ -n "$c" ]; do pid="$c"; done   # the java under timeout/taskset
jcmd="$(dirname "$(readlink -f "/proc/$pid/exe")")/jcmd"
jfr="$(dirname "$(readlink -f "/proc/$pid/exe")")/jfr"

load() { # seconds outfile
  if [ -n "${STREAMS:-}" ]; then
    local cp; cp="$(ssebench_cp)" || exit 1
    pin "$LOAD_CPUS" timeout -k 5 $(($1 + 60)) java "${SSE_PROBE_JVM[@]}" -cp "$cp" SseBench probe \
      --url "http://127.0.0.1:$PORT/v1/chat/completions" --body "$BENCH/requests/mocksse-stream.json" --header "Authorization: Bearer $KEY" --conns "$STREAMS" --duration "$1" --expect-chunks "$MOCK_CHUNKS" \
      --chunk-delay-ms "$MOCK_CHUNK_DELAY_MS" >"$2" 2>&1
    return
  fi
  BENCH_BODY_FILE="$BENCH/requests/mock.json" pin "$LOAD_CPUS" timeout -k 5 $(($1 + 30)) wrk -t1 -c"$CONNS" -d"$1s" \
    --timeout 10s -s "$H/lib/wrk-post.lua" -H "Authorization: Bearer $KEY" \
    "http://127.0.0.1:$PORT/v1/chat/completions" >"$2" 2>&1
}
log "warm-up ${WARMUP}s at ${STREAMS:+$STREAMS streams}${STREAMS:-c$CONNS}"
load "$WARMUP" /dev/null
"$jcmd" "$pid" JFR.start name=caravan-profile settings="$JFC" >/dev/null
cpu0="$(awk '{print $14+$15}' "/proc/$pid/stat")"
log "recording ${DURATION}s at ${STREAMS:+$STREAMS streams}${STREAMS:-c$CONNS}"
load "$DURATION" "$BENCH_STATE/profile.wrk"
cpu1="$(awk '{print $14+$15}' "/proc/$pid/stat")"
"$jcmd" "$pid" JFR.stop name=caravan-profile filename="$REC" >/dev/null
stop_pid caravan
"$H/stop-all.sh" >/dev/null 2>&1 || true

if [ -n "${STREAMS:-}" ]; then
  # every stream that ended in the window, each connection's unrecorded first one included
  REQS="$(sed -nE 's/.* streams_all=([0-9]+).*/\1/p' "$BENCH_STATE/profile.wrk")"
  RPS="$(sed -nE 's/.* streams_per_s=([0-9.]+).*/\1/p' "$BENCH_STATE/profile.wrk")"
  sed -n 's/^SSESUM/streams:/p' "$BENCH_STATE/profile.wrk"
  [ -n "$REQS" ] || { cat "$BENCH_STATE/profile.wrk"; die "no SSESUM line"; }
else
  REQS="$(sed -nE 's/.*WRKSUM requests=([0-9]+).*/\1/p' "$BENCH_STATE/profile.wrk")"
  RPS="$(sed -nE 's/.* rps=([0-9.]+).*/\1/p' "$BENCH_STATE/profile.wrk")"
  [ -n "$REQS" ] || { cat "$BENCH_STATE/profile.wrk"; die "no wrk summary"; }
fi
CPUMS="$(awk -v t="$((cpu1 - cpu0))" -v hz="$(getconf CLK_TCK)" -v r="$REQS" 'BEGIN{printf "%.3f", 1000*t/hz/r}')"
echo "requests=$REQS rps=$RPS cpu_ms_per_req=$CPUMS (with the recording on) recording=$REC"
"$jfr" print --json --stack-depth 64 --events jdk.ObjectAllocationSample "$REC" >"$BENCH_STATE/profile.alloc.json"
"$jfr" print --json --stack-depth 64 --events jdk.ExecutionSample "$REC" >"$BENCH_STATE/profile.cpu.json"
"$jfr" print --json --events jdk.ThreadAllocationStatistics "$REC" >"$BENCH_STATE/profile.threads.json"
python3 - "$BENCH_STATE/profile.threads.json" "$REQS" <<'PY'
import json, sys
# each thread's allocated bytes at the start and at the end of the recording: exact, unlike the samples' weights
first, last = {}, {}
for e in json.load(open(sys.argv[1]))["recording"]["events"]:
    v = e["values"]
    t = (v.get("thread") or {}).get("javaThreadId")
    first.setdefault(t, v["allocated"])
    last[t] = v["allocated"]
total = sum(last[t] - first[t] for t in last)
print(f"allocated_exact: {total / int(sys.argv[2]):,.0f} bytes per request (threads' allocation counters, {total:,} bytes)")
PY
"$jfr" print --events jdk.GarbageCollection "$REC" | grep -c 'jdk.GarbageCollection' | sed 's/^/gc_count=/'
python3 - "$BENCH_STATE/profile.alloc.json" "$BENCH_STATE/profile.cpu.json" "$REQS" "$TOP" <<'EOF'
import json, sys
from collections import Counter
alloc_f, cpu_f, reqs, top = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

def frames(ev):
    st = ev["values"].get("stackTrace") or {}
    out = []
    for f in st.get("frames") or []:
        m = f.get("method") or {}
        t = (m.get("type") or {}).get("name", "?").replace("/", ".")
        out.append(f"{t}.{m.get('name', '?')}:{f.get('lineNumber', '')}")
    return out

def ours(fr):
    return next((f for f in fr if f.startswith("dev.caravan.")), "(no dev.caravan frame)")

def pkg(f):
    parts = f.split(".")
    return ".".join(parts[:3]) if parts[0] in ("dev", "org", "io", "com") else ".".join(parts[:2])

def table(title, counter, total, unit, fmt):
    print(f"\n== {title}")
    for k, v in counter.most_common(top):
        print(f"{fmt(v):>12} {unit} {100 * v / total:5.1f}%  {k}")

events = json.load(open(alloc_f))["recording"]["events"]
by_ours, by_leaf, by_class = Counter(), Counter(), Counter()
total = 0
seen = set()
for e in events:
    # a sample's weight is what its thread allocated since that thread's previous sample: the first sample of each
    # thread in the recording carries everything since before the recording started, so it is left out
    t = (e["values"].get("eventThread") or {}).get("javaThreadId")
    if t not in seen:
        seen.add(t)
        continue
    w = e["values"].get("weight", 0)
    total += w
    fr = frames(e)
    by_ours[ours(fr)] += w
    by_leaf[fr[0] if fr else "?"] += w
    by_class[((e["values"].get("objectClass") or {}).get("name") or "?").replace("/", ".")] += w
print(f"allocated: {total / reqs:,.0f} bytes per request (sampled weight {total:,} over {reqs:,} requests, {len(events)} samples)")
per = lambda v: f"{v / reqs:,.0f}"
table("bytes per request by the nearest dev.caravan frame", by_ours, total, "B/req", per)
table("bytes per request by allocating frame", by_leaf, total, "B/req", per)
table("bytes per request by class", by_class, total, "B/req", per)
by_thread = Counter()
seen = set()
for e in events:
    t = (e["values"].get("eventThread") or {})
    if t.get("javaThreadId") not in seen:
        seen.add(t.get("javaThreadId"))
        continue
    name = t.get("javaName") or "?"
    by_thread[name.split(" #")[0] if "Camel" not in name else name.split(" - ")[-1]] += e["values"].get("weight", 0)
table("bytes per request by thread", by_thread, total, "B/req", per)

events = json.load(open(cpu_f))["recording"]["events"]
n = len(events)
leaf, near, pk, incl = Counter(), Counter(), Counter(), Counter()
for e in events:
    fr = frames(e)
    if not fr:
        continue
    leaf[fr[0]] += 1
    near[ours(fr)] += 1
    pk[pkg(fr[0])] += 1
    for f in set(x.rsplit(":", 1)[0] for x in fr if x.startswith("dev.caravan.")):
        incl[f] += 1
print(f"\nCPU samples: {n} (Java threads only; GC and JIT threads are not sampled)")
cnt = lambda v: f"{v}"
table("CPU by leaf frame", leaf, n, "samples", cnt)
table("CPU by leaf package", pk, n, "samples", cnt)
table("CPU by the nearest dev.caravan frame", near, n, "samples", cnt)
table("CPU inclusive, dev.caravan methods", incl, n, "samples", cnt)
EOF
