#!/usr/bin/env bash
# Generation speed of two callguard binaries compared in one run (issue 13, item 3):
# each generates the same busy hour, runs interleaved, and the script prints every run's
# wall, user and system time, then the medians and the wall-time ratio base / new.
#   Benchmarks/compare-generate.sh BASE_BINARY NEW_BINARY [CALLS=1000000] [DIR=/tmp] [PAIRS=2]
# DIR is where the trace is written (and removed after each run): a tmpfs such as
# /dev/shm measures the generator, a disk adds the kernel's writeback (3.3 GB at 1M calls).
set -euo pipefail
base=$1 new=$2 calls=${3:-1000000} dir=${4:-/tmp} pairs=${5:-2}
for b in "$base" "$new"; do [ -x "$b" ] || { echo "compare-generate: $b: not an executable" >&2; exit 2; }; done
out="$dir/compare-generate-$$"
trap 'rm -f "$out.pcap" "$out.labels.csv"' EXIT
declare -A wall
for ((i = 1; i <= pairs; i++)); do
    for who in base new; do
        bin=$base; [ $who = new ] && bin=$new
        rm -f "$out.pcap" "$out.labels.csv"
        t=$( { /usr/bin/time -f "%e %U %S" "$bin" generate --scenario busy-hour --seed 21 --calls "$calls" --out "$out.pcap" --quiet >/dev/null; } 2>&1 | tail -1)
        echo "$who run $i: wall/user/sys $t s"
        wall[$who]="${wall[$who]:-} ${t%% *}"
    done
done
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mb=$(median "${wall[base]}") mn=$(median "${wall[new]}")
echo "median wall: base $mb s, new $mn s, base/new $(awk -v a="$mb" -v b="$mn" 'BEGIN {printf "%.2f", a / b}')x ($calls calls into $dir)"
