#!/usr/bin/env bash
# Gateway CPU per request of two jars (or two JVM option sets), interleaved: both gateways run at once, pinned to
# the same core ($GW_CPUS), and the load switches between them every SLICE seconds, so a box whose speed drifts
# from minute to minute (this one's does, by up to 2x) slows both alike. bench/cpu-per-request.sh runs one jar
# after the other and cannot tell a 10% change from that drift.
#
#   bench/cpu-ab.sh /tmp/a.jar /tmp/b.jar
#   ROUNDS=12 SLICE=5 CONNS=32 bench/cpu-ab.sh /tmp/a.jar "/tmp/a.jar|-Xmn80m"     # options for one side
#   AB_HEADER="x-caravan-cache: use" bench/cpu-ab.sh /tmp/a.jar /tmp/b.jar         # one more request header
#                                                   # (this one: every request after the first a cache hit)
#   JAVA_B=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/cpu-ab.sh a.jar a.jar  # another JVM for one side
#
# Each side: its own ports and empty data directory, the launcher's JVM options (CARAVAN_JAVA_OPTS replaces
# them), WARMUP s of c32 load, then ROUNDS rounds of one SLICE-s window on each side (order A B, B A, A B, ...:
# drift within a round cancels too). Printed per round: requests and CPU ms per request of each side and the
# ratio B/A; at the end the ratio of the sums and the median of the per-round ratios.
# Resolution: an A/A run (the same jar on both sides, 16 rounds) gave 1.036, so a difference under ~5% is not
# shown by one run; run both orders (A B, then B A) with 16-20 rounds each and take the geometric mean.
set -euo pipefail
cd "$(dirname "$0")"
BENCH="$(pwd)"
H="$BENCH/harness"
source "$H/lib/common.sh"
[ $# -eq 2 ] || die "usage: cpu-ab.sh JAR_A[|OPTIONS] JAR_B[|OPTIONS]"
CONNS="${CONNS:-32}"; WARMUP="${WARMUP:-40}"; SLICE="${SLICE:-5}"; ROUNDS="${ROUNDS:-10}"
KEY="sk-cvn-bench-0123456789"
# the launcher's default JVM options (docker/caravan.sh), unless CARAVAN_JAVA_OPTS says otherwise
JAVA_OPTS="${CARAVAN_JAVA_OPTS:-$(launcher_java_opts)}"
ensure_wrk
"$H/start-mock.sh"

declare -A PORT PID
PORT[A]=18080; PORT[B]=18090
load() { # load SIDE CONNS SECONDS -> requests served
  BENCH_BODY_FILE="$BENCH/requests/mock.json" pin "$LOAD_CPUS" wrk -t1 -c"$2" -d"$3"s --timeout 10s \
    -s "$H/lib/wrk-post.lua" -H "Authorization: Bearer $KEY" ${AB_HEADER:+-H "$AB_HEADER"} \
    "http://127.0.0.1:${PORT[$1]}/v1/chat/completions" \
    | sed -n 's/.*WRKSUM requests=\([0-9]*\).*/\1/p'
}
i=0
for arg in "$@"; do
  side=$([ $i = 0 ] && echo A || echo B); i=$((i + 1))
  jar="${arg%%|*}"; own=""; [ "$jar" = "$arg" ] || own="${arg#*|}"
  [ -f "$jar" ] || die "no $jar"
  data="$BENCH_STATE/ab-data-$side"; rm -rf "$data"
  stop_pid "caravan-ab-$side"; port_free "${PORT[$side]}"
  # shellcheck disable=SC2086  # option lists
  jvm="JAVA_$side"; jvm="${!jvm:-java}"
  MALLOC_ARENA_MAX=2 CARAVAN_API_KEY="$KEY" start_bg "caravan-ab-$side" "$GW_CPUS" timeout -k 5 7200 "$jvm" $JAVA_OPTS \
    $own -Dcaravan.api.host=127.0.0.1 -Dcaravan.api.port="${PORT[$side]}" -Dcaravan.admin.port=$((PORT[$side] + 1)) \
    -Dcaravan.config.dir="${CONFIG_DIR:-$BENCH/config}" -Dcaravan.data.dir="$data" -jar "$jar"
  wait_http "http://127.0.0.1:${PORT[$side]}/health" 60 || die "side $side did not start (see $LOG_DIR/caravan-ab-$side.log)"
  PID[$side]="$(listen_pid "${PORT[$side]}")"; [ -n "${PID[$side]}" ] || die "no process listens on ${PORT[$side]}"
  echo "side $side: $arg$([ "$jvm" = java ] || echo " on $jvm")"
done
trap 'stop_pid caravan-ab-A; stop_pid caravan-ab-B; "$H/stop-all.sh" >/dev/null 2>&1 || true' EXIT
for side in A B A B; do load "$side" 32 $((WARMUP / 2)) >/dev/null; done

declare -A REQ TICK
REQ[A]=0; REQ[B]=0; TICK[A]=0; TICK[B]=0
ratios=()
echo "round  A_requests A_cpu_ms_per_req  B_requests B_cpu_ms_per_req  B/A"
for r in $(seq 1 "$ROUNDS"); do
  order="A B"; [ $((r % 2)) = 0 ] && order="B A"
  declare -A rq rt
  for side in $order; do
    t0="$(ticks "${PID[$side]}")"
    n="$(load "$side" "$CONNS" "$SLICE")"
    t1="$(ticks "${PID[$side]}")"
    rq[$side]="$n"; rt[$side]=$((t1 - t0))
    REQ[$side]=$((REQ[$side] + n)); TICK[$side]=$((TICK[$side] + t1 - t0))
  done
  line="$(awk -v r="$r" -v na="${rq[A]}" -v ta="${rt[A]}" -v nb="${rq[B]}" -v tb="${rt[B]}" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { a = 1000 * ta / hz / na; b = 1000 * tb / hz / nb; printf "%5d  %10d %16.4f  %10d %16.4f  %.3f", r, na, a, nb, b, b / a }')"
  echo "$line"; ratios+=("${line##* }")
done
awk -v na="${REQ[A]}" -v ta="${TICK[A]}" -v nb="${REQ[B]}" -v tb="${TICK[B]}" -v hz="$(getconf CLK_TCK)" \
  'BEGIN { a = 1000 * ta / hz / na; b = 1000 * tb / hz / nb;
           printf "all    %10d %16.4f  %10d %16.4f  %.3f (ratio of the sums)\n", na, a, nb, b, b / a }'
printf '%s\n' "${ratios[@]}" | median_line B/A 3
