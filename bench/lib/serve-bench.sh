# Shared by the single-server cost benchmarks (logging-cost.sh, hooks-cost.sh): the Release
# build's ferry and load client, a work folder removed at exit (with the server still running, if
# any), a bench user, and the server's start, stop and CPU time. Source it after parsing options:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/serve-bench.sh"
#   bench_prepare NAME PORT PASSWORD
# Everything binds 127.0.0.1.

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ferry="$repo/src/Ferry/bin/Release/net10.0/ferry.dll"
[[ -f "$ferry" ]] || { echo "build first: dotnet build Ferry.slnx -c Release" >&2; exit 2; }
client="$repo/bench/Ferry.Bench.Client/bin/Release/net10.0/ferry-bench-client.dll"
[[ -f "$client" ]] || dotnet build "$repo/bench/Ferry.Bench.Client" -c Release >/dev/null
server_pid=""
# Other processes the script starts (receivers), killed at exit too.
helper_pids=()
ticks_per_second="$(getconf CLK_TCK)"

bench_cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    for pid in "${helper_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [[ -n "${work:-}" ]] && rm -rf "$work"
}
trap bench_cleanup EXIT

# NAME PORT PASSWORD: the work folder /tmp/ferry-NAME.*, user "bench" with home $work/home, and
# $work/logs for the servers' output.
bench_prepare() {
    work="$(mktemp -d "/tmp/ferry-$1.XXXXXX")"
    port="$2"
    password="$3"
    printf '%s\n' "$password" | dotnet "$ferry" user add bench --home "$work/home" --password-stdin --data-dir "$work/data" >/dev/null 2>&1
    mkdir -p "$work/home" "$work/logs"
}

# Called once the home holds its files: started as root, ferry serves as its RunAsUser (nobody
# by default), so it is given the data and the home.
bench_hand_over() {
    if [[ $EUID -eq 0 ]]; then
        chmod 755 "$work"
        chown -R nobody: "$work/data" "$work/home"
    fi
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# SETUP DLL [VARIABLE=VALUE ...]: `ferry serve` on 127.0.0.1:$port with those variables, its
# output in $work/logs/stdout-SETUP.log; returns once it says "ready".
bench_start() {
    local setup="$1" dll="$2"; shift 2
    env "$@" dotnet "$dll" serve --listen 127.0.0.1 --port "$port" --passive-ports 40000-40999 --data-dir "$work/data" \
        > "$work/logs/stdout-$setup.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 150); do
        grep -q ready "$work/logs/stdout-$setup.log" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "ferry did not start:" >&2
    cat "$work/logs/stdout-$setup.log" >&2
    exit 1
}

bench_stop() {
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

# SETUP SCENARIO KEYS [client options ...]: runs the load client against the server, then prints
# the server's CPU time for it and the client's result keys (comma-separated) on one line.
bench_run() {
    local setup="$1" scenario="$2" keys="$3"; shift 3
    local before after
    before="$(cpu_ticks "$server_pid")"
    dotnet "$client" "$scenario" --port "$port" --user bench --password "$password" --limit-seconds 120 "$@" > "$work/result.json"
    sleep 0.3
    after="$(cpu_ticks "$server_pid")"
    printf '%-8s %-10s server CPU %6.2f s   %s\n' "$setup" "$scenario" "$(echo "($after - $before) / $ticks_per_second" | bc -l)" \
        "$(python3 -c 'import json,sys; keys=sys.argv[2].split(","); r=json.load(open(sys.argv[1])); print({k: round(v, 1) if isinstance(v, float) else v for k, v in r.items() if k in keys})' "$work/result.json" "$keys")"
}
