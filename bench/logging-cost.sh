#!/usr/bin/env bash
# The cost of the logs on the transfer path (issue 14), on loopback only.
#
#   bench/logging-cost.sh [--rounds N] [--files N] [--clients N] [--base OTHER/ferry.dll]
#
# Runs the same load against a `ferry serve` from the Release build (dotnet build Ferry.slnx -c
# Release first) in two setups, alternating, and prints per round the server's CPU time
# (utime+stime from /proc) for each scenario:
#   text  today's logging: Text lines on stdout, no files (stdout goes to a file, as to journald)
#   full  Logging:Format=Json on stdout, Logging:File (JSON) and Logging:XferLog: every record
#         written twice plus an xferlog line and an audit record per upload
#   quiet LogLevel=Warning: no Information records at all (what the bench suite runs), the floor
#   base  with --base DLL: another build's ferry.dll (e.g. the commit before the logging work)
#         with its default logging, to compare with "text"
# Scenarios (bench/Ferry.Bench.Client): smallfiles (N x 1 KiB STOR then RETR in one session: the
# most records per byte) and transfer (N clients RETR one 10 MiB file at once; --clients 0 skips it).
set -euo pipefail

rounds=2
files=1000
clients=100
base=""
while (($#)); do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --files) files="$2"; shift 2 ;;
        --clients) clients="$2"; shift 2 ;;
        --base) base="$2"; shift 2 ;;
        *) echo "usage: $0 [--rounds N] [--files N] [--clients N] [--base OTHER/ferry.dll]" >&2; exit 2 ;;
    esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ferry="$repo/src/Ferry/bin/Release/net10.0/ferry.dll"
[[ -f "$ferry" ]] || { echo "build first: dotnet build Ferry.slnx -c Release" >&2; exit 2; }
client="$repo/bench/Ferry.Bench.Client/bin/Release/net10.0/ferry-bench-client.dll"
[[ -f "$client" ]] || dotnet build "$repo/bench/Ferry.Bench.Client" -c Release >/dev/null
work="$(mktemp -d /tmp/ferry-logging-cost.XXXXXX)"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

port=2198
password="logging cost bench 1"
printf '%s\n' "$password" | dotnet "$ferry" user add bench --home "$work/home" --password-stdin --data-dir "$work/data" >/dev/null 2>&1
mkdir -p "$work/home/small" "$work/logs"
head -c $((10 * 1024 * 1024)) /dev/urandom > "$work/home/ten.bin"
if [[ $EUID -eq 0 ]]; then
    # Started as root, ferry serves as its RunAsUser (nobody by default): give it the data and the home.
    chmod 755 "$work"
    chown -R nobody: "$work/data" "$work/home"
fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_second="$(getconf CLK_TCK)"

start_server() {
    local setup="$1"
    # 100 clients from one address: over the defaults MaxSessionsPerAddress (50) and MaxPassiveListenersPerAddress (10).
    local -a environment=(FERRY_SERVER__MAXSESSIONSPERADDRESS=0 FERRY_SERVER__MAXPASSIVELISTENERSPERADDRESS=0)
    local dll="$ferry"
    if [[ "$setup" == base ]]; then
        dll="$base"
    fi
    if [[ "$setup" == quiet ]]; then
        environment+=(FERRY_LOGLEVEL=Warning)
    fi
    if [[ "$setup" == full ]]; then
        environment+=(FERRY_LOGGING__FORMAT=Json FERRY_LOGGING__FILE="$work/logs/ferry.log" FERRY_LOGGING__XFERLOG="$work/logs/xferlog")
    fi
    env "${environment[@]}" dotnet "$dll" serve --listen 127.0.0.1 --port "$port" --passive-ports 40000-40999 --data-dir "$work/data" \
        > "$work/logs/stdout-$setup.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 150); do
        grep -q ready "$work/logs/stdout-$setup.log" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "ferry did not start" >&2
    exit 1
}

stop_server() {
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

run() {
    local setup="$1" scenario="$2"; shift 2
    local before after
    before="$(cpu_ticks "$server_pid")"
    dotnet "$client" "$scenario" --port "$port" --user bench --password "$password" --limit-seconds 120 "$@" > "$work/result.json"
    sleep 0.3
    after="$(cpu_ticks "$server_pid")"
    printf '%-5s %-10s server CPU %6.2f s   %s\n' "$setup" "$scenario" "$(echo "($after - $before) / $ticks_per_second" | bc -l)" \
        "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print({k: round(v, 1) if isinstance(v, float) else v for k, v in r.items() if k in ("files_per_s", "aggregate_mb_s", "completed", "errors")})' "$work/result.json")"
}

for round in $(seq 1 "$rounds"); do
    for setup in ${base:+base} quiet text full; do
        rm -rf "$work/home/small"/*
        start_server "$setup"
        run "$setup" smallfiles --folder /small --count "$files" --size 1024
        ((clients == 0)) || run "$setup" transfer --op retr --clients "$clients" --path /ten.bin --size $((10 * 1024 * 1024))
        stop_server
    done
done
echo "xferlog lines of the last full round: $(wc -l < "$work/logs/xferlog")"
