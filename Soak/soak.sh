#!/usr/bin/env bash
# Soak test (not in CI): a long generated trace replayed with the default rule set,
# resident memory and the bytes read so far sampled every second. Passes when, after
# the warm-up (the first quarter of the capture: 15 minutes of the busy hour, while the
# tables fill and the calls up reach their steady number) and until the whole capture
# has been read (not the final flush), resident memory stays within ±10% of its mean,
# the summary accounts for every packet, and the verdict file has exactly one line per
# call setup.
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
    # Where the replay is in the capture: the file position of its descriptor (the
    # labels file is read whole before the capture, so bytes read overall would not do).
    if [ -z "${fd:-}" ]; then
        for f in /proc/$pid/fd/*; do [ "$(readlink "$f" 2> /dev/null)" = "$(realpath "$trace")" ] && fd=${f##*/}; done
    fi
    { rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status") \
        && pos=$( [ -n "${fd:-}" ] && awk '/^pos:/ { print $2 }' "/proc/$pid/fdinfo/$fd" || echo 0) \
        && echo "$rss ${pos:-0}" >> "$dir/rss.txt"; } 2> /dev/null || true
    sleep 1
done
wait "$pid"

python3 - "$dir" "$(stat -c %s "$trace")" <<'PY'
import json, sys
d, size = sys.argv[1], int(sys.argv[2])
# (resident kB, position in the capture) per second; the capture is read front to back,
# so the position says how far into the trace's time the replay is. Once the capture has
# been read to its end (position back to 0 when it is closed) the replay is flushing.
samples = [tuple(map(int, x.split())) for x in open(f"{d}/rss.txt") if len(x.split()) == 2]
s = json.load(open(f"{d}/summary.json"))
p = s["packets"]
lines = sum(1 for _ in open(f"{d}/verdicts.jsonl"))
setups = s["verdicts"]["allow"] + s["verdicts"]["flag"] + s["verdicts"]["block"]
ok = True
print(f"packets read {p['read']}: {p['signalling']} signalling + {p['not_signalling']} not + {p['malformed']} malformed, accounted {p['accounted']}")
ok &= p["accounted"] and p["read"] == p["signalling"] + p["not_signalling"] + p["malformed"]
print(f"verdict lines {lines}, call setups screened {setups}, calls {s['calls']['total']}")
ok &= lines == setups == s["calls"]["total"]
# After the capture is closed its position reads 0 again: drop everything from the
# first sample at the end or past the last one still inside it.
last = max((i for i, (_, b) in enumerate(samples) if b > 0), default=-1)
samples = samples[:last + 1]
warm = [r for r, b in samples if b < size // 4]
steady = [r for r, b in samples if size // 4 <= b < size]
if len(steady) >= 8:
    mean = sum(steady) / len(steady)
    lo, hi = min(steady) / mean - 1, max(steady) / mean - 1
    print(f"resident memory over {len(samples)} s: warm-up ({len(warm)} s) peak {max(warm, default=0) // 1024} MB; "
          f"after it ({len(steady)} s) mean {mean / 1024:.0f} MB, {lo:+.1%} to {hi:+.1%}")
    tenths = [[r for r, b in samples if i * size // 10 <= b < (i + 1) * size // 10] for i in range(10)]
    print("resident MB by tenth of the capture read: "
          + " ".join(f"{max(t) // 1024}" if t else "-" for t in tenths))
    ok &= -0.10 <= lo and hi <= 0.10
else:
    print(f"only {len(steady)} samples of resident memory after the warm-up: run longer")
    ok = False
print("soak: PASS" if ok else "soak: FAIL")
sys.exit(0 if ok else 1)
PY
