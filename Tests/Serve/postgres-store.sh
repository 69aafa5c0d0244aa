#!/usr/bin/env bash
# `serve --store postgres://…` with a real PostgreSQL: sipp calls straight to serve, one
# row per screened call and one per list change, in tables serve creates. The database
# is killed (SIGKILL) mid-run: calls go on being answered, rows wait in the queue, and
# once the database is back they arrive, each exactly once.
# Usage: Tests/Serve/postgres-store.sh [CALLGUARD_BINARY]
#   (needs sipp, Debian's sip-tester; PostgreSQL is installed by postgres.sh when missing and run as root)
source "$(dirname "$0")/lib.sh"
callguard="${1:-$root/.build/debug/callguard}"
command -v sipp > /dev/null || { echo "SKIP sipp is not installed (apt-get install sip-tester)"; exit 0; }

pg="$here/postgres.sh"
db=$(mktemp -d /tmp/callguard-pg.XXXXXX)
trap 'bash "$pg" stop "$db" > /dev/null 2>&1; rm -rf "$db"; cleanup' EXIT
set +e
pgport=$(bash "$pg" start "$db")
rc=$?
set -e
[ "$rc" -eq 77 ] && { echo "$pgport"; exit 0; }
[ "$rc" -eq 0 ] || { echo "PostgreSQL did not start"; exit 1; }
sql() { bash "$pg" sql "$db" "$1"; }

sip=$(port 0); metrics=$(port 1)
start_serve --listen "udp:127.0.0.1:$sip" --metrics "127.0.0.1:$metrics" --blocklist "$root/traces/demo.blocklist" \
    --rules none --store "postgres://callguard@127.0.0.1:$pgport/postgres?sslmode=disable" --store-drain 20 --log-level warning

# Waits (at most 20 s) until the metric named $1 reads $2.
wait_metric() {
    for _ in $(seq 200); do
        [ "$(http GET "$metrics" /metrics | metric "$1")" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

check "serve connects and creates its tables" wait_metric callguard_store_up 1.0
check "the three tables exist" test "$(sql "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'callguard_%'")" = 3

{ echo SEQUENTIAL; for i in $(seq -w 1 40); do echo "+86138000200$i;+86139123456$i;127.0.0.1:5090"; done; } > "$work/allowed.csv"
{ echo SEQUENTIAL; for i in $(seq -w 1 10); do echo "+8617012345678;+86139123457$i;127.0.0.1:5090"; done; } > "$work/listed.csv"
{ echo SEQUENTIAL; for i in $(seq -w 1 20); do echo "+86138000300$i;+86139123458$i;127.0.0.1:5090"; done; } > "$work/later.csv"

check "40 allowed calls get 302" uac "127.0.0.1:$sip" expect-302.xml "$work/allowed.csv" 40 "$(port 2)" -r 100
check "10 listed calls get 608" uac "127.0.0.1:$sip" expect-608.xml "$work/listed.csv" 10 "$(port 3)" -r 100
http POST "$metrics" /blocklist '{"op":"add","entry":"+8613800009999","kind":"reported"}' > "$work/admin.out"
check "50 verdict rows written" wait_metric 'callguard_store_rows_total{table="verdicts"}' 50
check "1 audit row written" wait_metric 'callguard_store_rows_total{table="audit"}' 1

bash "$pg" kill "$db"
check "database down: allowed calls still get 302" uac "127.0.0.1:$sip" expect-302.xml "$work/later.csv" 20 "$(port 4)" -r 100
check "database down: listed calls still get 608" uac "127.0.0.1:$sip" expect-608.xml "$work/listed.csv" 10 "$(port 5)" -r 100
check "metrics: the store is down" wait_metric callguard_store_up 0.0
check "metrics: 30 rows queued" wait_metric callguard_store_queue_rows 30.0
check "nothing dropped while queued" test "$(http GET "$metrics" /metrics | metric callguard_store_rows_dropped_total)" = 0

bash "$pg" start "$db" > /dev/null
check "database back: the queued rows arrive" wait_metric 'callguard_store_rows_total{table="verdicts"}' 80
check "metrics: queue empty" wait_metric callguard_store_queue_rows 0.0

stop_serve
check "SIGTERM: serve exits 0 ($serve_status)" test "$serve_status" = 0
summary=$(tail -1 "$work/serve.out")
check "summary: 80 verdict rows and 1 audit row written, none dropped" \
    grep -q '"store":{"accepted":81,"written":{"verdicts":80,"warnings":0,"audit":1},"dropped":0,"rejected":0' <<< "$summary"
check "table: 80 rows, one per call" test "$(sql "SELECT count(*), count(DISTINCT call_id) FROM callguard_verdicts")" = "80|80"
check "table: 20 blocked, with their reason and entry" \
    test "$(sql "SELECT count(*) FROM callguard_verdicts WHERE verdict = 'block' AND reasons = '{reported}' AND matched_entry = '+8617012345678'")" = 20
check "table: the admin's addition is audited" \
    test "$(sql "SELECT op || ' ' || entry || ' ' || origin FROM callguard_audit")" = "add +8613800009999 admin"
[ "$failures" -eq 0 ] || { echo "$failures checks failed"; cat "$work/serve.err"; exit 1; }
echo "all checks passed"
