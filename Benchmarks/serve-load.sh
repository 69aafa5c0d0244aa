#!/usr/bin/env bash
# Load on `callguard serve`, measured with sipp as a proxy would load it:
#   Benchmarks/serve-load.sh [RATE] [SECONDS] [UPDATES_PER_SECOND]   (defaults 5000 600 1000)
# serve (release build, default rule set, the demo blocklist) runs its screening loop
# alone on core 0 (`--cpu 0`; its admin thread goes to core 1); sipp sends INVITEs at
# RATE per second from core 1 (callers and callees drawn from a
# population of a million subscribers) and acknowledges each answer, 302 or 608;
# a third process posts blocklist updates to the admin API at UPDATES_PER_SECOND (in
# batches of a tenth of a second; adds with a 60 s TTL, and removes). It reports:
#   - answers: sipp's successful and failed calls, retransmissions and timeouts (a lost
#     response shows as a retransmission, then a failed call);
#   - response time p50/p99/max from sipp's per-call round-trip file (-trace_rtt, the
#     time from sending the INVITE to receiving the 302, in ms);
#   - serve's resident memory every second (first, after warm-up, last, max);
#   - serve's own summary and screening latency.
# With BASELINE=1 it first runs the same INVITE load (no updates) against sipp itself
# answering 302 on core 0 (Tests/Serve/sipp/uas-302.xml): what sipp measures of a
# responder that does nothing, in the same run, to read serve's figures against.
# Needs sipp (Debian's sip-tester) and python3 (the update poster); takes SECONDS + ~30 s
# (twice that with BASELINE=1).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rate="${1:-5000}"; seconds="${2:-600}"; updates="${3:-1000}"
work="$(mktemp -d /tmp/callguard-load.XXXXXX)"
sip=35060; metrics=39464
cd "$root"
swift build -c release --product callguard > /dev/null
bin="$root/.build/release/callguard"

# Callers and callees: a million subscribers across several blocks, in random pairs.
python3 - "$work/callers.csv" <<'PY'
import random, sys
random.seed(7)
prefixes = ["+86138", "+86139", "+86150", "+86186", "+86137", "+86158", "+86135", "+86188"]
with open(sys.argv[1], "w") as f:
    f.write("RANDOM\n")
    for _ in range(1000000):
        a = random.choice(prefixes) + "%08d" % random.randrange(10**8)
        b = random.choice(prefixes) + "%08d" % random.randrange(10**8)
        f.write(f"{a};{b};192.0.2.80:5060\n")
PY

rtt_report() {
    python3 - "$1" <<'PY'
import sys
v = []
for line in open(sys.argv[1]):
    p = line.strip().split(";")
    try: v.append(float(p[1]))
    except (ValueError, IndexError): pass
v.sort()
if v:
    q = lambda f: v[min(len(v) - 1, int(f * len(v)))]
    print(f"response time (sipp, ms): n={len(v)} p50={q(0.5):.3f} p90={q(0.9):.3f} p99={q(0.99):.3f} p99.9={q(0.999):.3f} max={v[-1]:.3f}")
    under = {t: sum(1 for x in v if x < t) / len(v) for t in (1, 2, 5, 10)}
    print("  share answered under 1/2/5/10 ms (sipp counts in whole ms ticks): " + " ".join(f"{100*under[t]:.2f}%" for t in (1, 2, 5, 10)))
PY
}

if [ -n "${BASELINE:-}" ]; then
    mkdir -p "$work/baseline"
    ( cd "$work/baseline"; exec taskset -c 0 sipp -sf "$root/Tests/Serve/sipp/uas-302.xml" -i 127.0.0.1 -p $((sip + 1)) \
        -nostdin > uas.out 2>&1 < /dev/null ) &
    uas=$!
    sleep 1
    ( cd "$work/baseline" && taskset -c 1 sipp "127.0.0.1:$((sip + 1))" -sf "$root/Tests/Serve/sipp/expect-answer.xml" \
        -inf ../callers.csv -r "$rate" -m $((rate * seconds)) -i 127.0.0.1 -p 35071 -nostdin -timeout $((seconds + 60)) \
        -trace_stat -fd 10 -trace_rtt -rtt_freq 1000 -max_socket 1 -timer_resol 1 > uac.out 2>&1 || true )
    kill "$uas" 2>/dev/null || true
    wait "$uas" 2>/dev/null || true
    echo "== baseline: sipp answering 302 itself, $rate INVITE/s for $seconds s"
    rtt_report "$(ls "$work"/baseline/*_rtt.csv | head -1)"
fi

# PIN=process pins the whole server to core 0 instead (admin thread included), as
# measured before `--cpu` existed.
if [ "${PIN:-loop}" = process ]; then
    taskset -c 0 "$bin" serve --listen "udp:127.0.0.1:$sip" --metrics "127.0.0.1:$metrics" --blocklist traces/demo.blocklist \
        --log-level warning > "$work/serve.out" 2> "$work/serve.err" &
else
    "$bin" serve --cpu 0 --listen "udp:127.0.0.1:$sip" --metrics "127.0.0.1:$metrics" --blocklist traces/demo.blocklist \
        --log-level warning > "$work/serve.out" 2> "$work/serve.err" &
fi
serve=$!
trap 'kill $serve 2>/dev/null || true; kill ${poster:-0} ${sampler:-0} 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "serving" "$work/serve.err" && break; sleep 0.1; done

# Resident memory of serve, once a second.
( while kill -0 $serve 2>/dev/null; do awk '/VmRSS/ {print $2}' /proc/$serve/status; sleep 1; done ) > "$work/rss.kb" 2>/dev/null &
sampler=$!

# Blocklist updates at the same time: adds with a TTL and removes, through the admin API.
[ "$updates" -gt 0 ] || seconds_of_updates=0
taskset -c 1 python3 - "$metrics" "$updates" "${seconds_of_updates:-$seconds}" > "$work/updates.out" 2>&1 <<'PY' &
import socket, sys, time, random
port, per_second, seconds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
batch = per_second // 10
if batch == 0:
    print("no list updates"); sys.exit(0)
sent = refused = 0
start = time.time()
random.seed(3)
while time.time() - start < seconds:
    t = time.time()
    lines = []
    for _ in range(batch):
        n = "+86170%08d" % random.randrange(10**8)
        op = "add" if random.random() < 0.7 else "remove"
        lines.append('{"op":"%s","entry":"%s","kind":"reported","ttl":60}' % (op, n) if op == "add" else '{"op":"remove","entry":"%s"}' % n)
    body = "\n".join(lines) + "\n"
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(("POST /blocklist HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body).encode())
    reply = b""
    while chunk := s.recv(65536):
        reply += chunk
    s.close()
    sent += batch
    if b" 200 " not in reply.split(b"\r\n")[0]:
        refused += 1
    time.sleep(max(0, 0.1 - (time.time() - t)))
print(f"updates posted: {sent} in {time.time() - start:.1f} s ({sent / (time.time() - start):.0f}/s), batches refused: {refused}")
PY
poster=$!

calls=$((rate * seconds))
cd "$work"
taskset -c 1 sipp "127.0.0.1:$sip" -sf "$root/Tests/Serve/sipp/expect-answer.xml" -inf callers.csv -r "$rate" -m "$calls" \
    -i 127.0.0.1 -p 35070 -nostdin -timeout $((seconds + 60)) -trace_stat -fd 10 -trace_rtt -rtt_freq 1000 \
    -max_socket 1 -timer_resol 1 > sipp.out 2>&1 || true
wait $poster || true
cd "$root"
page=$(exec 3<>/dev/tcp/127.0.0.1/$metrics; printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3; cat <&3)
kill -TERM $serve; wait $serve || true

echo "== load: $rate INVITE/s for $seconds s ($calls calls), $updates list updates/s"
stat=$(ls "$work"/expect-answer_*_.csv 2>/dev/null | head -1 || true)
if [ -n "$stat" ]; then
    python3 - "$stat" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=";"))
h, last = rows[0], rows[-1]
def v(name): return last[h.index(name)]
print("sipp: calls", v("TotalCallCreated"), "successful", v("SuccessfulCall(C)"), "failed", v("FailedCall(C)"),
      "retransmissions", v("Retransmissions(C)"), "timeouts", v("FailedMaxUDPRetrans(C)"))
PY
fi
rtt=$(ls "$work"/expect-answer_*_rtt.csv 2>/dev/null | head -1 || true)
[ -z "$rtt" ] || rtt_report "$rtt"
python3 - "$work/rss.kb" <<'PY'
import sys
r = [int(x) for x in open(sys.argv[1]) if x.strip()]
if r:
    warm = r[min(len(r) - 1, 30)]
    print(f"serve RSS (MB): first {r[0]/1024:.1f}, after 30 s {warm/1024:.1f}, last {r[-1]/1024:.1f}, max {max(r)/1024:.1f}; "
          f"last vs 30 s: {100*(r[-1]-warm)/warm:+.1f}%")
    # Tables fill for the first minutes (calls live 180 s without an outcome); after that
    # memory must be flat.
    if len(r) > 240:
        after = r[240:]
        print(f"  from 240 s on: min {min(after)/1024:.1f}, max {max(after)/1024:.1f} MB ({100*(max(after)-min(after))/min(after):.1f}% spread); "
              "per minute: " + " ".join(f"{r[i]/1024:.0f}" for i in range(0, len(r), 60)))
PY
cat "$work/updates.out"
echo "$page" | grep -E "^callguard_(invites_screened_total|list_entries|sip_answers_total|invites_retransmitted_total|list_updates_total)" || true
echo "serve summary: $(tail -1 "$work/serve.out")"
echo "files: $work"
