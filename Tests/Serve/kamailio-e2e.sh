#!/usr/bin/env bash
# End to end with real SIP software: sipp callers -> Kamailio (deploy/kamailio/callguard.cfg)
# -> `callguard serve` (asked first, as a redirect server) -> sipp callees; Kamailio
# mirrors every message to serve as HEP3.
#   - allowed callers are connected to the callee (ring, answer, talk, hang up);
#   - a listed caller ends with 608 at the caller, and the callee never sees the call;
#   - a Wangiri caller (one ring, then cancel) rings through until the outcomes Kamailio
#     mirrored teach the wangiri detector, then is rejected with 608 and auto-blocked;
#   - a number added through the admin API is rejected from the next call on.
# Usage: Tests/Serve/kamailio-e2e.sh [CALLGUARD_BINARY]   (needs kamailio and sip-tester)
source "$(dirname "$0")/lib.sh"
callguard="${1:-$root/.build/debug/callguard}"
command -v sipp > /dev/null || { echo "SKIP sipp is not installed (apt-get install sip-tester)"; exit 0; }
command -v kamailio > /dev/null || [ -x /usr/sbin/kamailio ] || { echo "SKIP kamailio is not installed (apt-get install kamailio)"; exit 0; }
kamailio=$(command -v kamailio || echo /usr/sbin/kamailio)

cg=$(port 0); hep=$(port 1); metrics=$(port 2); proxy=$(port 3); answering=$(port 4); ringing=$(port 5)
start_serve --listen "udp:127.0.0.1:$cg" --hep "udp:127.0.0.1:$hep" --metrics "127.0.0.1:$metrics" \
    --blocklist "$root/traces/demo.blocklist" --verdicts "$work/verdicts.jsonl" --audit "$work/audit.jsonl"

# The callees: one answers every call, one rings until the caller cancels.
spawn sipp -sn uas -i 127.0.0.1 -p "$answering" -nostdin -trace_msg -message_file "$work/uas.messages" > "$work/uas.out" 2>&1
spawn sipp -sf "$here/sipp/uas-ring.xml" -i 127.0.0.1 -p "$ringing" -nostdin > "$work/uas-ring.out" 2>&1

# The proxy, with the deployed configuration pointed at this run's ports.
sed -e "s|sip:127.0.0.1:5070|sip:127.0.0.1:$cg|" -e "s|sip:127.0.0.1:9060|sip:127.0.0.1:$hep|" \
    -e "s|^listen=udp:127.0.0.1:5080|listen=udp:127.0.0.1:$proxy|" "$root/deploy/kamailio/callguard.cfg" > "$work/kamailio.cfg"
mkdir -p "$work/kamailio"
spawn "$kamailio" -DD -E -f "$work/kamailio.cfg" -Y "$work/kamailio" -P "$work/kamailio/pid" -w "$work/kamailio" > "$work/kamailio.log" 2>&1
for _ in $(seq 100); do grep -q "SO_RCVBUF is finally" "$work/kamailio.log" 2>/dev/null && break; sleep 0.1; done
sleep 0.5
grep -q "SO_RCVBUF is finally" "$work/kamailio.log" || { cat "$work/kamailio.log" >&2; echo "kamailio did not start" >&2; exit 1; }

# Five ordinary subscribers, each calling someone else (numbers unrelated to each other:
# a run of neighbouring numbers calling neighbouring numbers is what dialers do).
{ echo SEQUENTIAL
  echo "+8613811374420;+8615012348871;127.0.0.1:$answering"
  echo "+8613927760153;+8618677004512;127.0.0.1:$answering"
  echo "+8615033918874;+8613790126635;127.0.0.1:$answering"
  echo "+8618640025596;+8613856713308;127.0.0.1:$answering"
  echo "+8613752208847;+8615921047719;127.0.0.1:$answering"; } > "$work/allowed.csv"
check "5 allowed calls are connected to the callee" uac "127.0.0.1:$proxy" call-answered.xml "$work/allowed.csv" 5 "$(port 6)" -r 5
invites_at_callee=$(grep -c "^INVITE sip:" "$work/uas.messages" || true)

{ echo SEQUENTIAL; echo "+8617012345678;+8613922233399;127.0.0.1:$answering"; } > "$work/listed.csv"
check "a listed caller gets 608 through the proxy" uac "127.0.0.1:$proxy" expect-608.xml "$work/listed.csv" 1 "$(port 7)"
sleep 0.3
check "the listed call never reached the callee" test "$(grep -c "^INVITE sip:" "$work/uas.messages" || true)" = "$invites_at_callee"

# Wangiri: one caller, unrelated callees, one ring each. Until the detector has seen
# enough of these outcomes (through HEP only: serve never sees a ring itself), the calls
# ring; from then on they are rejected.
callees=(+8613912348821 +8615077364410 +8618655120973 +8613760048215 +8615899031177 +8618623450986)
rang=0; blocked_at=0
for i in "${!callees[@]}"; do
    printf 'SEQUENTIAL\n+2348030000001;%s;127.0.0.1:%s\n' "${callees[$i]}" "$ringing" > "$work/ring$i.csv"
    if uac "127.0.0.1:$proxy" call-one-ring.xml "$work/ring$i.csv" 1 "$(port $((8 + i)))"; then
        rang=$((rang + 1))
        sleep 0.4   # the mirrored CANCEL and 487 reach serve
    else
        printf 'SEQUENTIAL\n+2348030000001;+8613911110000;127.0.0.1:%s\n' "$ringing" > "$work/after.csv"
        blocked_at=$((i + 1))
        break
    fi
done
sleep 1.2   # verdicts are flushed every second
check "the first Wangiri calls rang ($rang)" test "$rang" -ge 2
check "a later Wangiri call was rejected (call $blocked_at)" test "$blocked_at" -gt 2
check "its verdict names the wangiri detector" grep -q '"caller":"+2348030000001".*"verdict":"block","reasons":\[[^]]*"wangiri"' "$work/verdicts.jsonl"
check "the Wangiri caller is now auto-blocked" uac "127.0.0.1:$proxy" expect-608.xml "$work/after.csv" 1 "$(port 15)"
check "the audit log has the auto-block" grep -q '"entry":"+2348030000001","kind":"auto"' "$work/audit.jsonl"

# The admin API: a report arrives while serving.
http POST "$metrics" /blocklist '{"op":"add","entry":"+8613800009999","kind":"reported"}' > "$work/admin.out"
check "admin API applied the report" grep -q '"applied":1' "$work/admin.out"
printf 'SEQUENTIAL\n+8613800009999;+8613922233300;127.0.0.1:%s\n' "$answering" > "$work/reported.csv"
check "the reported number is rejected from its next call" uac "127.0.0.1:$proxy" expect-608.xml "$work/reported.csv" 1 "$(port 16)"

page=$(http GET "$metrics" /metrics)
hep_in=$(echo "$page" | metric 'callguard_hep_packets_total{disposition="signalling"}')
own=$(echo "$page" | metric callguard_hep_own_answers_total)
check "HEP from Kamailio arrived ($hep_in packets) and our own answers were recognised ($own)" test "${hep_in:-0}" -gt 50 -a "${own:-0}" -gt 5
stop_serve
check "SIGTERM: serve exits 0" test "$serve_status" = 0
[ "$failures" -eq 0 ] || { echo "$failures checks failed"; tail -20 "$work/kamailio.log"; exit 1; }
echo "all checks passed"
