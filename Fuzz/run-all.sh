#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), one after the other, starting
# from its committed seeds; new inputs go to .build-fuzz/corpus-TARGET, crashes to
# .build-fuzz/crash-*. Builds the targets first (Fuzz/build.sh). Prints each target's
# executions and exits non-zero on the first crash.
#   Fuzz/run-all.sh 600
#   FUZZ_TARGETS="state sip" Fuzz/run-all.sh 600     (some of them)
#   FUZZ_RUNS=10000000 Fuzz/run-all.sh 0               (a campaign: that many executions
#                                                       each, no time limit)
#   FUZZ_NO_BUILD=1 ...                                (use the binaries already built)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
# Leak reports off: tables and interned names live for the process by design.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
mkdir -p .build-fuzz
[ -n "${FUZZ_NO_BUILD:-}" ] || Fuzz/build.sh > .build-fuzz/build.log 2>&1 || { cat .build-fuzz/build.log; exit 2; }
# Targets: decode and lists are binaries of their own; the others are callguard-fuzz
# with CALLGUARD_FUZZ naming the target. Each starts from its committed seeds.
declare -A seeds=([decode]=Fuzz/corpus [lists]=Fuzz/corpus-lists [rules]=Fuzz/corpus-rules
                  [scenario]=Fuzz/corpus-scenario [labels]=Fuzz/corpus-labels [state]=Fuzz/corpus-state
                  [sip]=Fuzz/corpus-sip)
for t in ${FUZZ_TARGETS:-decode lists rules scenario labels state sip}; do
    mkdir -p ".build-fuzz/corpus-$t"
    log=".build-fuzz/$t.log"
    start=$(date -u +%FT%TZ)
    binary=".build-fuzz/$t-fuzz"
    [ -x "$binary" ] || binary=.build-fuzz/callguard-fuzz
    if ! CALLGUARD_FUZZ=$t "$binary" -max_total_time="$seconds" -runs="${FUZZ_RUNS:--1}" -timeout=10 -artifact_prefix=".build-fuzz/crash-$t-" \
            ".build-fuzz/corpus-$t" "${seeds[$t]}" > "$log" 2>&1; then
        echo "$t: CRASH (see $log and .build-fuzz/crash-$t-*)"
        tail -30 "$log"
        exit 1
    fi
    echo "$t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" | tail -1), $(grep -o 'cov: [0-9]*' "$log" | tail -1), corpus $(ls ".build-fuzz/corpus-$t" | wc -l) (started $start, ended $(date -u +%FT%TZ))"
done
