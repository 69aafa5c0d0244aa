#!/usr/bin/env bash
# Builds the libFuzzer target over the Wire, Numbering and CallEvents sources (one
# module: their `import Wire`/`import Numbering` lines are dropped in copies under
# .build-fuzz/src) into .build-fuzz/decode-fuzz.
# Run it (new inputs go to .build-fuzz/corpus; Fuzz/corpus holds the committed seeds):
#   mkdir -p .build-fuzz/corpus && .build-fuzz/decode-fuzz -max_total_time=600 .build-fuzz/corpus Fuzz/corpus
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build-fuzz Fuzz/corpus
rm -rf .build-fuzz/src && mkdir -p .build-fuzz/src
for f in $(find Sources/Numbering Sources/CallEvents -name '*.swift' | sort); do
    sed -e '/^import Wire$/d' -e '/^import Numbering$/d' "$f" > ".build-fuzz/src/$(echo "$f" | tr / _)"
done
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 \
    -module-name WireFuzz -I Sources/CPcap -I Sources/CZlib \
    Fuzz/DecodeFuzz.swift $(find Sources/Wire -name '*.swift' | sort) $(find .build-fuzz/src -name '*.swift' | sort) \
    -lpcap -lz -o .build-fuzz/decode-fuzz
echo "built .build-fuzz/decode-fuzz"
