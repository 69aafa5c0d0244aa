#!/usr/bin/env bash
# Builds the libFuzzer target over the Wire sources into .build-fuzz/decode-fuzz.
# Run it (new inputs go to .build-fuzz/corpus; Fuzz/corpus holds the committed seeds):
#   mkdir -p .build-fuzz/corpus && .build-fuzz/decode-fuzz -max_total_time=600 .build-fuzz/corpus Fuzz/corpus
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build-fuzz Fuzz/corpus
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 \
    -module-name WireFuzz -I Sources/CPcap -I Sources/CZlib \
    Fuzz/DecodeFuzz.swift $(find Sources/Wire -name '*.swift' | sort) \
    -lpcap -lz -o .build-fuzz/decode-fuzz
echo "built .build-fuzz/decode-fuzz"
