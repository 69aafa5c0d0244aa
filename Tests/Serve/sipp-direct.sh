#!/usr/bin/env bash
# sipp straight to `callguard serve` (no proxy): allowed callers are redirected (302),
# listed callers rejected (608), over UDP and TCP; retransmissions are answered again
# without a second screening; the metrics page and the shutdown summary agree.
# Usage: Tests/Serve/sipp-direct.sh [CALLGUARD_BINARY]   (needs sipp: Debian's sip-tester)
source "$(dirname "$0")/lib.sh"
callguard="${1:-$root/.build/debug/callguard}"
command -v sipp > /dev/null || { echo "SKIP sipp is not installed (apt-get install sip-tester)"; exit 0; }

sip=$(port 0); metrics=$(port 1)
start_serve --listen "udp:127.0.0.1:$sip" --listen "tcp:127.0.0.1:$sip" --metrics "127.0.0.1:$metrics" \
    --blocklist "$root/traces/demo.blocklist" --rules none --verdicts "$work/verdicts.jsonl"

{ echo SEQUENTIAL; for i in $(seq -w 1 40); do echo "+86138000100$i;+86139123456$i;127.0.0.1:5090"; done; } > "$work/allowed.csv"
{ echo SEQUENTIAL; for i in $(seq -w 1 10); do echo "+8617012345678;+86139123457$i;127.0.0.1:5090"; done; } > "$work/listed.csv"
{ echo SEQUENTIAL; for i in $(seq -w 1 10); do echo "+88216000100$i;+86139123458$i;127.0.0.1:5090"; done; } > "$work/range.csv"

check "40 allowed calls over UDP get 302" uac "127.0.0.1:$sip" expect-302.xml "$work/allowed.csv" 40 "$(port 2)" -r 100
check "10 calls from a listed number over UDP get 608" uac "127.0.0.1:$sip" expect-608.xml "$work/listed.csv" 10 "$(port 3)" -r 100
check "10 calls from a listed range over TCP get 608" uac "127.0.0.1:$sip" expect-608.xml "$work/range.csv" 10 "$(port 4)" -t t1 -r 100
check "40 allowed calls over TCP get 302" uac "127.0.0.1:$sip" expect-302.xml "$work/allowed.csv" 40 "$(port 5)" -t t1 -r 100

page=$(http GET "$metrics" /metrics)
screened=$(echo "$page" | metric callguard_invites_screened_total)
rejected=$(echo "$page" | metric 'callguard_sip_answers_total{status="608"}')
check "metrics: 100 INVITEs screened ($screened)" test "$screened" = 100
check "metrics: 20 answered 608 ($rejected)" test "$rejected" = 20

stop_serve
check "SIGTERM: serve exits 0 ($serve_status)" test "$serve_status" = 0
summary=$(tail -1 "$work/serve.out")
check "summary: 100 screened, 80 allowed, 20 blocked" grep -q '"screened":100,.*"verdicts":{"allow":80,"flag":0,"block":20}' <<< "$summary"
check "verdicts file: one line per screened call" test "$(wc -l < "$work/verdicts.jsonl")" = 100
[ "$failures" -eq 0 ] || { echo "$failures checks failed"; exit 1; }
echo "all checks passed"
