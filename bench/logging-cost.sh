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

source "$(dirname "${BASH_SOURCE[0]}")/lib/serve-bench.sh"
bench_prepare logging-cost 2198 "logging cost bench 1"
mkdir -p "$work/home/small"
head -c $((10 * 1024 * 1024)) /dev/urandom > "$work/home/ten.bin"
bench_hand_over

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
    bench_start "$setup" "$dll" "${environment[@]}"
}

run() {
    bench_run "$1" "$2" files_per_s,aggregate_mb_s,completed,errors "${@:3}"
}

for round in $(seq 1 "$rounds"); do
    for setup in ${base:+base} quiet text full; do
        rm -rf "$work/home/small"/*
        start_server "$setup"
        run "$setup" smallfiles --folder /small --count "$files" --size 1024
        ((clients == 0)) || run "$setup" transfer --op retr --clients "$clients" --path /ten.bin --size $((10 * 1024 * 1024))
        bench_stop
    done
done
echo "xferlog lines of the last full round: $(wc -l < "$work/logs/xferlog")"
