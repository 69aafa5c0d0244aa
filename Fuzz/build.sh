#!/usr/bin/env bash
# Builds the libFuzzer targets (with AddressSanitizer) into .build-fuzz/, each over the
# sources it exercises, compiled as one module: their `import Wire`/`import Numbering`
# lines are dropped in copies under .build-fuzz/src-TARGET.
#   decode-fuzz  packet decoding, link layer to SIP and ISUP, and on into call events
#                (Wire, Numbering, CallEvents)
#   lists-fuzz   list files, update files and .cgbl snapshots (Blocklist, Numbering)
# and, through SwiftPM (the parsers below need Yams and the whole engine), one binary for
# the rest, its target picked by CALLGUARD_FUZZ (see Fuzz/Targets/FuzzEntry.swift):
#   callguard-fuzz  rules (rule-set YAML), scenario (scenario YAML), labels (labels CSV),
#                   state (state files), sip (SIP messages mutated by header line through
#                   the whole replay pipeline; seeds in Fuzz/corpus-sip are messages from
#                   the public captures in ../shared/conformance)
# Usage: Fuzz/build.sh [decode|lists|files]...   (default: all)
# Run one (new inputs go to .build-fuzz/corpus-TARGET; Fuzz/corpus* hold the committed seeds):
#   mkdir -p .build-fuzz/corpus-decode && .build-fuzz/decode-fuzz -max_total_time=600 .build-fuzz/corpus-decode Fuzz/corpus
# or all of them for a while each: Fuzz/run-all.sh SECONDS
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build-fuzz

# Copies the sources of the given directories into .build-fuzz/src-$1 without the
# imports of modules that are compiled into the same target.
copy() {
    local name=$1; shift
    rm -rf ".build-fuzz/src-$name" && mkdir -p ".build-fuzz/src-$name"
    for f in $(find "$@" -name '*.swift' | sort); do
        sed -e '/^import Wire$/d' -e '/^import Numbering$/d' "$f" > ".build-fuzz/src-$name/$(echo "$f" | tr / _)"
    done
}

build_decode() {
    copy decode Sources/Numbering Sources/CallEvents
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 \
        -module-name WireFuzz -I Sources/CPcap -I Sources/CZlib \
        Fuzz/DecodeFuzz.swift $(find Sources/Wire -name '*.swift' | sort) $(find .build-fuzz/src-decode -name '*.swift' | sort) \
        -lpcap -lz -o .build-fuzz/decode-fuzz
    echo "built .build-fuzz/decode-fuzz"
}

build_lists() {
    copy lists Sources/Numbering Sources/Blocklist
    mkdir -p .build-fuzz/cbits
    printf 'module CBits {\n    header "%s/Sources/CBits/include/cbits.h"\n    export *\n}\n' "$PWD" > .build-fuzz/cbits/module.modulemap
    clang -O1 -g -fsanitize=address -c Sources/CBits/cbits.c -I Sources/CBits/include -o .build-fuzz/cbits/cbits.o
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 \
        -module-name ListsFuzz -I .build-fuzz/cbits \
        Fuzz/ListsFuzz.swift $(find .build-fuzz/src-lists -name '*.swift' | sort) .build-fuzz/cbits/cbits.o \
        -o .build-fuzz/lists-fuzz
    echo "built .build-fuzz/lists-fuzz"
}

# swiftc keeps only the last -sanitize= it is given, and SwiftPM passes --sanitize=fuzzer
# and --sanitize=address as two flags: the Swift code came out with ASan and no coverage
# counters (libFuzzer then saw only CYaml's 3,937). The combined flag after them fixes
# that; the check below refuses a binary whose Swift code is not instrumented.
build_files() {
    swift build -c release --product callguard-fuzz --sanitize=fuzzer --sanitize=address -Xswiftc -DCALLGUARD_FUZZ \
        -Xswiftc -sanitize=fuzzer,address \
        --build-path .build-fuzz/spm
    cp .build-fuzz/spm/release/callguard-fuzz .build-fuzz/callguard-fuzz
    local counters
    counters=$(CALLGUARD_FUZZ=labels ASAN_OPTIONS=detect_leaks=0 .build-fuzz/callguard-fuzz -runs=0 2>&1 \
               | grep -o '([0-9]* inline 8-bit counters)' | grep -o '[0-9]*' | head -1)
    if [ "${counters:-0}" -lt 20000 ]; then
        echo "build.sh: callguard-fuzz has ${counters:-no} coverage counters: its Swift code is not instrumented" >&2
        exit 2
    fi
    echo "built .build-fuzz/callguard-fuzz ($counters coverage counters)"
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(decode lists files)
for t in "${targets[@]}"; do "build_$t"; done
