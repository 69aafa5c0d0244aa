#!/usr/bin/env bash
# A throw-away PostgreSQL server for the `--store` tests: initdb into a directory of the
# test's own, trust authentication, a free port on 127.0.0.1, its Unix socket in that
# directory, fsync off. Run as root (CI), the server runs as the `postgres` user.
# Installs Debian's postgresql when it is missing and this runs as root; exits 77
# ("skip") when it cannot.
#
#   postgres.sh start DIR     start (initdb on first use); prints the port, the same one on a restart
#   postgres.sh kill DIR      SIGKILL the server and its backends: a crash, no goodbye to clients
#   postgres.sh stop DIR      fast shutdown
#   postgres.sh sql DIR SQL   prints the result (unaligned, tuples only)
set -euo pipefail
cmd="${1:?start|kill|stop|sql}"
dir="${2:?directory}"

find_bindir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
    if command -v initdb > /dev/null; then dirname "$(command -v initdb)"; return 0; fi
    return 1
}

if ! bin=$(find_bindir); then
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
        echo "postgres.sh: installing Debian's postgresql" >&2
        export DEBIAN_FRONTEND=noninteractive
        # Tests run in parallel: one installer at a time.
        flock /tmp/callguard-apt.lock sh -c \
            'apt-get install -y --no-install-recommends postgresql || { apt-get update && apt-get install -y --no-install-recommends postgresql; }' >&2
    fi
    bin=$(find_bindir) || { echo "SKIP PostgreSQL is not installed (apt-get install postgresql)"; exit 77; }
fi

# The server refuses to run as root: as root, it runs as `postgres` (Debian's package
# creates that user) in a directory it owns.
as_server() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_of() { cat "$dir/port"; }

case "$cmd" in
start)
    # The server outlives this script: it must not inherit any descriptor but 0-2
    # (Foundation's Process, for one, waits for a descriptor it gave its child to close).
    for fd in $(ls /proc/$$/fd); do
        [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null || true
    done
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -d "$dir/data" ]; then
        as_server "$bin/initdb" -D "$dir/data" -U callguard --auth=trust --no-sync -E UTF8 > "$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    tries=1
    [ -f "$dir/port" ] || tries=8
    for _ in $(seq "$tries"); do
        [ -f "$dir/port" ] || echo $((20000 + RANDOM % 40000)) > "$dir/port"
        port=$(port_of)
        if as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start > /dev/null 2>&1; then
            echo "$port"
            exit 0
        fi
        # Taken port (or a crash left something behind): try another port on first start.
        [ "$tries" -gt 1 ] && rm -f "$dir/port"
    done
    tail -20 "$dir/server.log" >&2 || true
    echo "postgres.sh: the server did not start" >&2
    exit 1
    ;;
kill)
    pid=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null || true)
    [ -n "$pid" ] || exit 0
    # Backends first would let the postmaster notice and restart them: stop it, then them.
    kill -STOP "$pid" 2>/dev/null || true
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    ;;
stop)
    [ -f "$dir/data/postmaster.pid" ] || exit 0
    as_server "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop > /dev/null 2>&1 || true
    ;;
sql)
    "$bin/psql" -h "$dir" -p "$(port_of)" -U callguard -d postgres -X -q -At -v ON_ERROR_STOP=1 -c "${3:?SQL}"
    ;;
*)
    echo "postgres.sh: unknown command $cmd" >&2
    exit 2
    ;;
esac
