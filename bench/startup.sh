#!/usr/bin/env bash
# Start-up time of the packaged jar: wall time from launching `java -jar` to the first answered chat request
# (HTTP 200 from POST /v1/chat/completions through the gateway to the local mock), without and with class-data
# sharing (AppCDS), and the jar's size.
#
#   bench/startup.sh                  # RUNS=5 per mode, modes below
#   RUNS=3 MODES="plain appcds" bench/startup.sh
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 MODES="plain appcds aot" bench/startup.sh
#
# Modes:
#   plain   no options (the JDK's default CDS archive of its own classes is used, as always)
#   appcds  a dynamic AppCDS archive of the gateway's classes: made once by a training run
#           (-XX:ArchiveClassesAtExit: start, 20 chat requests, SIGTERM), then -XX:SharedArchiveFile
#   aot     JDK 25 only: an AOT cache (-XX:AOTCacheOutput training run, then -XX:AOTCache)
# Both CPUs are available to the JVM (no pinning): start-up is JIT- and class-loading-bound and a container
# normally has more than one core. Extra JVM options for every run: STARTUP_JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")"
BENCH="$(pwd)"
source harness/lib/common.sh
RUNS="${RUNS:-5}"; MODES="${MODES:-plain appcds}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAR="${CARAVAN_JAR:-$(cd "$BENCH/.." && pwd)/target/caravan.jar}"
[ -f "$JAR" ] || die "no $JAR: mvn -B -o -q -DskipTests package"
PORT="${STARTUP_PORT:-18280}"; KEY="sk-cvn-bench-0123456789"
ARCH="$BENCH_STATE/startup"; mkdir -p "$ARCH"
"$BENCH/harness/start-mock.sh"

launch() { # launch LOGFILE jvm-options...  (starts the gateway in the background; PID in $GW)
  local logf="$1"; shift
  CARAVAN_API_KEY="$KEY" "$JAVA" ${STARTUP_JAVA_OPTS:-} "$@" -Dcaravan.api.host=127.0.0.1 -Dcaravan.api.port=$PORT \
    -Dcaravan.admin.port=$((PORT + 1)) -Dcaravan.config.dir="$BENCH/config" -Dcaravan.reload.enabled=false \
    -Dcaravan.data.dir="$ARCH/data" -jar "$JAR" >"$logf" 2>&1 &
  GW=$!
}
chat() {
  curl -s -o /dev/null -w '%{http_code}' -m 5 -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \
    --data-binary @"$BENCH/requests/mock.json" "http://127.0.0.1:$PORT/v1/chat/completions" 2>/dev/null || true
}
stop_gw() { kill -TERM "$GW" 2>/dev/null || true; wait "$GW" 2>/dev/null || true; }
first_answer_ms() { # first_answer_ms jvm-options...
  local t0 code logf="$ARCH/run.log"
  t0="$(date +%s%N)"
  launch "$logf" "$@"
  for _ in $(seq 1 3000); do
    code="$(chat)"
    [ "$code" = 200 ] && break
    kill -0 "$GW" 2>/dev/null || { cat "$logf" >&2; die "gateway exited"; }
    sleep 0.01
  done
  [ "$code" = 200 ] || die "no 200 within 30 s (last $code)"
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
  stop_gw
}
train() { # train LOGFILE jvm-options...  : a training run that serves 20 requests and exits on SIGTERM
  launch "$1" "${@:2}"
  until [ "$(chat)" = 200 ]; do kill -0 "$GW" 2>/dev/null || die "training run exited (see $1)"; sleep 0.1; done
  for _ in $(seq 1 20); do chat >/dev/null; done
  stop_gw
}

echo "jar=$JAR size_mb=$(du -m "$JAR" | cut -f1) ($(stat -c %s "$JAR") bytes) java=$("$JAVA" -version 2>&1 | head -1)"
for mode in $MODES; do
  opts=()
  case "$mode" in
    plain) ;;
    appcds)
      rm -f "$ARCH/caravan.jsa"
      train "$ARCH/train-appcds.log" -XX:ArchiveClassesAtExit="$ARCH/caravan.jsa"
      [ -f "$ARCH/caravan.jsa" ] || die "no archive written (see $ARCH/train-appcds.log)"
      log "archive $(du -m "$ARCH/caravan.jsa" | cut -f1) MB"
      opts=(-XX:SharedArchiveFile="$ARCH/caravan.jsa") ;;
    aot)
      rm -f "$ARCH/caravan.aot"
      train "$ARCH/train-aot.log" -XX:AOTCacheOutput="$ARCH/caravan.aot"
      [ -f "$ARCH/caravan.aot" ] || die "no AOT cache written (see $ARCH/train-aot.log)"
      log "AOT cache $(du -m "$ARCH/caravan.aot" | cut -f1) MB"
      opts=(-XX:AOTCache="$ARCH/caravan.aot") ;;
    *) die "unknown mode $mode" ;;
  esac
  ms=()
  for _ in $(seq 1 "$RUNS"); do ms+=("$(first_answer_ms "${opts[@]+"${opts[@]}"}")"); done
  sorted="$(printf '%s\n' "${ms[@]}" | sort -n | tr '\n' ' ')"
  median="$(printf '%s\n' "${ms[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')"
  echo "mode=$mode first_answer_ms_median=$median runs_ms=[ ${sorted}] opts=\"${opts[*]-}\""
done
"$BENCH/harness/stop-all.sh" >/dev/null 2>&1 || true
