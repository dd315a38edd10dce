#!/usr/bin/env bash
# Caravan's c32 throughput against Portkey's, interleaved: both gateways run at once, pinned to the same core
# ($GW_CPUS), and the c32 load switches between them every SLICE seconds, so a box whose speed drifts from minute
# to minute slows both alike. One c32 window of bench/run.sh moves by +/-25% from run to run on this box; the ratio
# of two such windows taken minutes apart moves with it.
#
#   bench/vs-portkey.sh
#   ROUNDS=12 SLICE=10 WARMUP=60 bench/vs-portkey.sh
#   CARAVAN_JAR=/tmp/x.jar CARAVAN_JAVA_OPTS="..." bench/vs-portkey.sh
#
# Caravan: the launcher's JVM options (CARAVAN_JAVA_OPTS replaces them), the bench's config, an empty data
# directory, async ledger as in bench/run.sh. Portkey: bench/harness/start-portkey.sh, pointed at the same nginx
# mock. Both get WARMUP s of c32 load (in halves, alternated), then ROUNDS rounds of one SLICE-s window each
# (order C P, P C, C P, ...: drift within a round cancels too). Printed per round: each side's req/s and CPU ms
# per request, and the ratio Caravan/Portkey of the req/s; at the end the ratio of the sums and the median and
# range of the per-round ratios.
set -euo pipefail
cd "$(dirname "$0")"
BENCH="$(pwd)"
H="$BENCH/harness"
source "$H/lib/common.sh"
CONNS="${CONNS:-32}"; WARMUP="${WARMUP:-60}"; SLICE="${SLICE:-10}"; ROUNDS="${ROUNDS:-10}"
KEY="sk-cvn-bench-0123456789"
JAR="${CARAVAN_JAR:-$BENCH/../target/caravan.jar}"
[ -f "$JAR" ] || die "no $JAR: mvn -B -o -q -DskipTests package"
# the launcher's default JVM options (docker/caravan.sh), unless CARAVAN_JAVA_OPTS says otherwise
JAVA_OPTS="${CARAVAN_JAVA_OPTS:-$(launcher_java_opts)}"
CPORT="${CARAVAN_PORT:-18080}"
ensure_wrk
"$H/start-mock.sh"
"$H/start-portkey.sh"
trap 'stop_pid caravan-vs; "$H/stop-all.sh" >/dev/null 2>&1 || true' EXIT

data="$BENCH_STATE/vs-data"; rm -rf "$data"
stop_pid "caravan-vs"; port_free "$CPORT"
# shellcheck disable=SC2086  # option list
MALLOC_ARENA_MAX=2 CARAVAN_API_KEY="$KEY" start_bg caravan-vs "$GW_CPUS" timeout -k 5 7200 java $JAVA_OPTS \
  -Dcaravan.ledger.durability=async -Dcaravan.api.host=127.0.0.1 -Dcaravan.api.port="$CPORT" \
  -Dcaravan.admin.port=$((CPORT + 1)) -Dcaravan.config.dir="${CONFIG_DIR:-$BENCH/config}" -Dcaravan.data.dir="$data" -jar "$JAR"
wait_http "http://127.0.0.1:$CPORT/health" 60 || die "Caravan did not start (see $LOG_DIR/caravan-vs.log)"

declare -A PID URL BODY
PID[C]="$(listen_pid "$CPORT")"; PID[P]="$(listen_pid "$PORTKEY_PORT")"
[ -n "${PID[C]}" ] && [ -n "${PID[P]}" ] || die "a gateway is not listening"
URL[C]="http://127.0.0.1:$CPORT/v1/chat/completions"; BODY[C]="$BENCH/requests/mock.json"
URL[P]="http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions"; BODY[P]="$BENCH_DIR/mock-upstream/responses/request-openai.json"
HC=(-H "Authorization: Bearer $KEY")
HP=()
while IFS= read -r l || [ -n "$l" ]; do [ -n "$l" ] && HP+=(-H "$l"); done <"$BENCH_STATE/portkey/openai.headers"
load() { # load SIDE SECONDS -> "requests errors"
  local h=("${HC[@]}"); [ "$1" = C ] || h=("${HP[@]}")
  BENCH_BODY_FILE="${BODY[$1]}" pin "$LOAD_CPUS" timeout -k 5 $(($2 + 30)) wrk -t1 -c"$CONNS" -d"$2"s --timeout 10s \
    -s "$H/lib/wrk-post.lua" "${h[@]}" "${URL[$1]}" \
    | sed -n 's/.*WRKSUM requests=\([0-9]*\).*err_connect=\([0-9]*\) err_read=\([0-9]*\) err_write=\([0-9]*\) err_status=\([0-9]*\) err_timeout=\([0-9]*\).*/\1 \2 \3 \4 \5 \6/p' \
    | awk '{ print $1, $2 + $3 + $4 + $5 + $6 }'
}
echo "caravan: $JAR ($JAVA_OPTS), pid ${PID[C]}; portkey pid ${PID[P]}; both on CPU $GW_CPUS; c$CONNS, $ROUNDS rounds of ${SLICE}s"
for side in C P C P; do load "$side" $((WARMUP / 2)) >/dev/null; done

declare -A REQ TICK ERR
REQ[C]=0; REQ[P]=0; TICK[C]=0; TICK[P]=0; ERR[C]=0; ERR[P]=0
ratios=()
hz="$(getconf CLK_TCK)"
echo "round  caravan_rps caravan_cpu_ms_per_req  portkey_rps portkey_cpu_ms_per_req  caravan/portkey"
for r in $(seq 1 "$ROUNDS"); do
  order="C P"; [ $((r % 2)) = 0 ] && order="P C"
  declare -A rq rt
  for side in $order; do
    t0="$(ticks "${PID[$side]}")"
    read -r n e < <(load "$side" "$SLICE")
    t1="$(ticks "${PID[$side]}")"
    rq[$side]="$n"; rt[$side]=$((t1 - t0))
    REQ[$side]=$((REQ[$side] + n)); TICK[$side]=$((TICK[$side] + t1 - t0)); ERR[$side]=$((ERR[$side] + e))
  done
  line="$(awk -v r="$r" -v nc="${rq[C]}" -v tc="${rt[C]}" -v np="${rq[P]}" -v tp="${rt[P]}" -v hz="$hz" -v s="$SLICE" \
    'BEGIN { printf "%5d  %11.0f %23.4f  %11.0f %22.4f  %.2f", r, nc / s, 1000 * tc / hz / nc, np / s, 1000 * tp / hz / np, nc / np }')"
  echo "$line"; ratios+=("${line##* }")
done
awk -v nc="${REQ[C]}" -v tc="${TICK[C]}" -v np="${REQ[P]}" -v tp="${TICK[P]}" -v hz="$hz" -v s="$((SLICE * ROUNDS))" \
  'BEGIN { printf "all    %11.0f %23.4f  %11.0f %22.4f  %.2f (ratio of the sums)\n", nc / s, 1000 * tc / hz / nc, np / s, 1000 * tp / hz / np, nc / np }'
printf '%s\n' "${ratios[@]}" | median_line caravan/portkey 2
echo "errors: caravan ${ERR[C]}, portkey ${ERR[P]}"
