#!/usr/bin/env bash
# Soak test (not in CI): a long generated trace replayed with the default rule set,
# resident memory sampled every second. Passes when, after the warm-up (the first
# quarter of the samples), resident memory stays within ±10% of its mean, the summary
# accounts for every packet, and the verdict file has exactly one line per call setup.
#   Soak/soak.sh [CALLS] [DIR]      (default: 10,000,000 calls in /tmp/callguard-soak;
#                                    about 33 GB of capture at that size)
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-10000000}
dir=${2:-/tmp/callguard-soak}
mkdir -p "$dir"
swift build -c release --product callguard > /dev/null
cg=.build/release/callguard

trace="$dir/soak.pcap"
if [ ! -s "$trace" ] || [ "$(cat "$dir/calls" 2>/dev/null)" != "$calls" ]; then
    "$cg" generate --scenario busy-hour --seed 424242 --calls "$calls" --out "$trace" --quiet > "$dir/generate.txt"
    echo "$calls" > "$dir/calls"
fi

"$cg" replay "$trace" --verdicts "$dir/verdicts.jsonl" --summary json --quiet > "$dir/summary.json" 2> "$dir/stderr.txt" &
pid=$!
: > "$dir/rss.txt"
while kill -0 "$pid" 2> /dev/null; do
    awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2> /dev/null >> "$dir/rss.txt" || true
    sleep 1
done
wait "$pid"

python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
# The last two samples may fall in the process's exit, while it frees its tables.
rss = [int(x) for x in open(f"{d}/rss.txt") if x.strip()][:-2]
s = json.load(open(f"{d}/summary.json"))
p = s["packets"]
lines = sum(1 for _ in open(f"{d}/verdicts.jsonl"))
setups = s["verdicts"]["allow"] + s["verdicts"]["flag"] + s["verdicts"]["block"]
ok = True
print(f"packets read {p['read']}: {p['signalling']} signalling + {p['not_signalling']} not + {p['malformed']} malformed, accounted {p['accounted']}")
ok &= p["accounted"] and p["read"] == p["signalling"] + p["not_signalling"] + p["malformed"]
print(f"verdict lines {lines}, call setups screened {setups}, calls {s['calls']['total']}")
ok &= lines == setups == s["calls"]["total"]
if len(rss) >= 8:
    steady = rss[len(rss) // 4:]
    mean = sum(steady) / len(steady)
    lo, hi = min(steady) / mean - 1, max(steady) / mean - 1
    print(f"resident memory over {len(rss)} s: warm-up peak {max(rss[:len(rss) // 4]) // 1024} MB; "
          f"after it mean {mean / 1024:.0f} MB, {lo:+.1%} to {hi:+.1%}")
    ok &= -0.10 <= lo and hi <= 0.10
else:
    print(f"only {len(rss)} samples of resident memory: run longer")
    ok = False
print("soak: PASS" if ok else "soak: FAIL")
sys.exit(0 if ok else 1)
PY
