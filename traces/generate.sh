#!/bin/sh
# Regenerates the shipped labeled traces. The same scenario and seed give
# byte-identical files (Tests/SimulatorTests checks traces/smoke.pcap this way).
set -e
cd "$(dirname "$0")/.."
swift run callguard generate --scenario smoke --seed 1 --out traces/smoke.pcap
swift run callguard generate --scenario busy-hour --seed 7 --calls 700 --out traces/busy-hour-700.pcap
