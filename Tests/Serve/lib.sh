# Shared by the serve test scripts: ports, processes that always stop, checks.
# Every process started here binds to 127.0.0.1 and is killed on exit, whatever happens.

set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d /tmp/callguard-serve.XXXXXX)"
pids=()
failures=0

cleanup() {
    # Every process was started in its own process group (`spawn`): the group goes,
    # children included (Kamailio forks its workers).
    for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
    for _ in $(seq 30); do
        alive=0
        for p in "${pids[@]}"; do kill -0 -- "-$p" 2>/dev/null && alive=1; done
        [ "$alive" -eq 0 ] && break
        sleep 0.1
    done
    for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
    if [ "$failures" -eq 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "kept: $work" >&2; fi
}
trap cleanup EXIT

# Ports: a block of 20 picked from this process id, so parallel runs rarely collide.
base=$((20000 + ($$ % 2000) * 20))
port() { echo $((base + $1)); }

pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
check() { local what="$1"; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# Starts a command in the background in a process group of its own (so that cleanup
# can stop it with everything it forked); its pid is in $spawned.
spawn() {
    setsid "$@" &
    spawned=$!
    pids+=("$spawned")
}

# Starts `callguard serve` with the given arguments and waits (at most 10 s) until it
# says where it serves.
start_serve() {
    spawn "$callguard" serve "$@" > "$work/serve.out" 2> "$work/serve.err"
    serve_pid=$spawned
    for _ in $(seq 100); do
        grep -q "callguard: serving" "$work/serve.err" 2>/dev/null && return 0
        kill -0 "$serve_pid" 2>/dev/null || break
        sleep 0.1
    done
    cat "$work/serve.err" >&2
    echo "callguard serve did not start" >&2
    exit 1
}

# Stops serve with SIGTERM (a graceful shutdown) and waits for its summary line.
stop_serve() {
    kill -TERM "$serve_pid"
    for _ in $(seq 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$serve_pid" 2>/dev/null && { echo "serve did not stop within 10 s of SIGTERM" >&2; kill -KILL "$serve_pid"; }
    wait "$serve_pid" 2>/dev/null && serve_status=0 || serve_status=$?
}

# Runs a sipp UAC scenario (file in Tests/Serve/sipp) against HOST:PORT with an
# injection file; its exit status is sipp's (0: every call went as the scenario says).
uac() {
    local target="$1" scenario="$2" inf="$3" calls="$4" local_port="$5"; shift 5
    timeout 60 sipp "$target" -sf "$here/sipp/$scenario" -inf "$inf" -m "$calls" -i 127.0.0.1 -p "$local_port" \
        -nostdin -timeout 50 -trace_err -error_file "$work/$scenario.$local_port.errors" "$@" > "$work/sipp.$local_port.out" 2>&1
}

# An HTTP request to the metrics/admin port with bash's /dev/tcp (no curl needed).
http() {
    local method="$1" port="$2" path="$3" body="${4:-}"
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s' \
        "$method" "$path" "${#body}" "$body" >&3
    cat <&3
    exec 3<&-
}

# The value of a metric line (exact name with labels) in a /metrics page on stdin.
metric() { grep -v '^#' | grep -F "$1 " | head -1 | awk '{print $NF}'; }
