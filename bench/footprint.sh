#!/usr/bin/env bash
# Compares JVM settings for the gateway by running the same bench/run.sh scenarios once per setting, and prints
# one line per setting: RSS at the end of the run, RSS and heap after a full GC, native-memory breakdown, c32
# req/s and CPU per request, c1 p50/p99 added, 200-stream TTFT added, the longest GC pause.
#
#   bench/footprint.sh                       # every setting in CONFIGS below (about 4 minutes each)
#   ONLY="g1-256 serial-192" bench/footprint.sh
#   SHIPPED_OPTS="-Xmx160m ..." SHIPPED_ENV="MALLOC_ARENA_MAX=2" ONLY="launcher-old shipped" ROUNDS=2 bench/footprint.sh
#   ROUNDS=2 bench/footprint.sh              # A B C A B C: run each setting twice, alternating
#
# The gateway runs pinned to one CPU like every bench/run.sh run (so the JVM's ergonomics pick SerialGC unless the
# options name a collector). The first scenario is a throw-away c32 (the JIT is cold); the scenarios measured are
# c32, c1 and sse200, with WARMUP / DURATION seconds each (default 15 / 15). The JVM runs with native-memory
# tracking (summary) on and a GC log, the same for every setting.
set -euo pipefail
cd "$(dirname "$0")"
BENCH="$(pwd)"
source harness/lib/common.sh
J17="${J17:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
J25="${J25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export NO_PORTKEY=1 WARMUP="${WARMUP:-15}" DURATION="${DURATION:-15}" QUIET_PCT="${QUIET_PCT:-30}" QUIET_WAIT="${QUIET_WAIT:-20}"
export SCENARIOS="${SCENARIOS:-c32 c32 c1 sse200}"
ROUNDS="${ROUNDS:-1}"
NMT="-XX:NativeMemoryTracking=summary"

# name | JDK home | JVM options (what docker/caravan.sh passes, plus the collector under test) | environment
CONFIGS=(
  "launcher-old|$J17|-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError|"
  "g1-256|$J17|-XX:+UseG1GC -Xms64m -Xmx256m -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError|"
  "serial-192|$J17|-XX:+UseSerialGC -Xms64m -Xmx192m -XX:+ExitOnOutOfMemoryError|"
  "zgc25-256|$J25|-XX:+UseZGC -Xms64m -Xmx256m -XX:+ExitOnOutOfMemoryError|"
  "serial-160-arena2|$J17|-XX:+UseSerialGC -Xms160m -Xmx160m -XX:+ExitOnOutOfMemoryError|MALLOC_ARENA_MAX=2"
  "g1-160-arena2|$J17|-XX:+UseG1GC -Xms160m -Xmx160m -XX:+ExitOnOutOfMemoryError|MALLOC_ARENA_MAX=2"
  "serial-128-arena2|$J17|-XX:+UseSerialGC -Xms128m -Xmx128m -XX:+ExitOnOutOfMemoryError|MALLOC_ARENA_MAX=2"
  "serial-160-trim|$J17|-XX:+UseSerialGC -Xms160m -Xmx160m -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError|MALLOC_ARENA_MAX=2"
  "g1-160-trim|$J17|-XX:+UseG1GC -Xms160m -Xmx160m -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError|MALLOC_ARENA_MAX=2"
  "serial-128-young53-trim|$J17|-XX:+UseSerialGC -Xms128m -Xmx128m -Xmn54592k -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError|MALLOC_ARENA_MAX=2"
  "shipped|$J17|${SHIPPED_OPTS:-}|${SHIPPED_ENV:-}"
)
OUT="$BENCH/results"; mkdir -p "$OUT"
SUM="$OUT/footprint-$(date +%Y%m%d-%H%M%S).txt"

one() { # name jdk opts env
  local name="$1" jdk="$2" opts="$3" envs="$4" dump="$BENCH_STATE/footprint-$1" log
  log="$(mktemp)"
  log "footprint: $name ($jdk) $opts"
  # shellcheck disable=SC2086  # envs: NAME=VALUE words
  env $envs PATH="$jdk/bin:$PATH" CARAVAN_JAVA_OPTS="$opts $NMT -Xlog:gc:file=$dump.gc.log" DUMP_MEMORY="$dump" \
    ./run.sh 2>"$dump.stderr" >"$log" || { log "run failed: $name (see $dump.stderr)"; tail -5 "$dump.stderr" >&2; return 0; }
  local c32 c1 sse rss after heapc meta code thr gcp
  c32="$(grep 'caravan-c32' "$log" | tail -1)"; c1="$(grep 'caravan-c1' "$log" | tail -1)"; sse="$(grep 'caravan-sse-200' "$log" | tail -1)"
  f() { sed -nE "s/(^|.* )$2=([^ ]+).*/\2/p" <<<"$1" | tail -1; }
  rss="$(grep caravan-process "$log" | sed -nE 's/.*rss_mb=([0-9]+).*/\1/p')"
  after="$(grep caravan-after-gc "$log" | sed -nE 's/.*rss_mb=([0-9]+).*/\1/p')"
  nm() { sed -nE "s/^-? *$1 \(reserved=[0-9]+KB, committed=([0-9]+)KB\).*/\1/p" "$dump.nmt.txt" | head -1 | awk '{printf "%d", $1/1024}'; }
  heapc="$(nm 'Java Heap')"; meta="$(nm 'Metaspace')"; code="$(nm 'Code')"; thr="$(nm 'Thread')"
  gcp="$(grep -E 'Pause.* [0-9.]+ms$' "$dump.gc.log" | grep -oE '[0-9.]+ms$' | tr -d ms | sort -g | tail -1 || true)"
  printf '%s rss_mb=%s rss_after_gc_mb=%s heap_committed_mb=%s metaspace_mb=%s nmt_total_mb=%s code_mb=%s thread_mb=%s c32_rps=%s c32_cpu_ms=%s c1_p50_added=%s c1_p99_added=%s sse200_ttft_p50_added=%s sse200_ttft_p99_added=%s max_gc_pause_ms=%s noise_pct=%s/%s/%s opts="%s" env="%s"\n' \
    "$name" "$rss" "$after" "$heapc" "$meta" "$(sed -nE 's/^Total: reserved=[0-9]+KB, committed=([0-9]+)KB.*/\1/p' "$dump.nmt.txt" | awk '{printf "%d", $1/1024}')" "$code" "$thr" "$(f "$c32" rps)" "$(f "$c32" cpu_ms_per_req)" \
    "$(f "$c1" overhead_p50_ms)" "$(f "$c1" overhead_p99_ms)" "$(f "$sse" overhead_ttft_p50_ms)" "$(f "$sse" overhead_ttft_p99_ms)" \
    "${gcp:-na}" "$(f "$c32" noise_cpu_pct)" "$(f "$c1" noise_cpu_pct)" "$(f "$sse" noise_cpu_pct)" "$opts" "$envs" | tee -a "$SUM"
  rm -f "$log"
}

for r in $(seq 1 "$ROUNDS"); do
  for c in "${CONFIGS[@]}"; do
    IFS='|' read -r name jdk opts envs <<<"$c"
    if [ -n "${ONLY:-}" ]; then case " $ONLY " in *" $name "*) ;; *) continue ;; esac; fi
    [ "$name" = shipped ] && [ -z "${SHIPPED_OPTS:-}" ] && [ -z "${ONLY:-}" ] && continue
    one "$name" "$jdk" "$opts" "$envs"
  done
done
log "summary: $SUM"
