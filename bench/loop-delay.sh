#!/usr/bin/env bash
# The gateway's event loop delay over a measured window, from its /metrics (caravan_event_loop_delay_seconds).
#   loop-delay.sh METRICS_URL STATEFILE start   # before the window: keeps the histogram
#   loop-delay.sh METRICS_URL STATEFILE end     # after it: prints the window's fields, e.g.
#     loop_io_n=200 loop_io_mean_ms=0.41 loop_io_p50_le_ms=1 loop_io_p99_le_ms=25
# p50/p99 are the upper bounds of the histogram's buckets (1, 5, 25, 100, 500, 2000 ms; inf above) that hold them.
# The probes run every 100 ms whatever the load, so the window's count is its length in tenths of a second per thread.
set -euo pipefail
url="$1" state="$2" what="$3"
command -v python3 >/dev/null || { echo "loop-delay.sh: python3 is missing; no loop fields" >&2; exit 0; }
scrape() { curl -s -m 5 "$url" | grep '^caravan_event_loop_delay_seconds' || true; }
if [ "$what" = start ]; then scrape >"$state"; exit 0; fi
scrape >"$state.end"
python3 - "$state" "$state.end" <<'PY'
import re, sys
def load(f):
    d = {}
    for l in open(f):
        m = re.match(r'(\S+?)\{(.*)\}\s+(\S+)', l)
        if m:
            d[(m.group(1), m.group(2))] = float(m.group(3))
    return d
a, b = load(sys.argv[1]), load(sys.argv[2])
out = []
for g in ("io", "route"):
    lab = 'group="%s"' % g
    n = b.get(("caravan_event_loop_delay_seconds_count", lab), 0) - a.get(("caravan_event_loop_delay_seconds_count", lab), 0)
    if n <= 0:
        continue
    s = b.get(("caravan_event_loop_delay_seconds_sum", lab), 0) - a.get(("caravan_event_loop_delay_seconds_sum", lab), 0)
    buckets = []
    for (name, l), v in b.items():
        if name == "caravan_event_loop_delay_seconds_bucket" and lab in l:
            le = re.search(r'le="([^"]+)"', l).group(1)
            buckets.append((float(le), v - a.get((name, l), 0)))
    buckets.sort()
    def bound(q):
        for le, c in buckets:
            if c >= q * n:
                return "inf" if le == float("inf") else "%g" % (le * 1000)
        return "inf"
    out.append("loop_%s_n=%d loop_%s_mean_ms=%.2f loop_%s_p50_le_ms=%s loop_%s_p99_le_ms=%s"
               % (g, n, g, s / n * 1000, g, bound(0.5), g, bound(0.99)))
print(" ".join(out))
PY
