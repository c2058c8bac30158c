#!/usr/bin/env bash
# What event hooks cost the FTP side (issue 15), on loopback only.
#
#   bench/hooks-cost.sh [--rounds N] [--files N]
#
# Runs the same load against a `ferry serve` from the Release build (dotnet build Ferry.slnx -c
# Release first) in four setups, alternating, and prints per round the client's files per second
# and the server's CPU time (utime+stime from /proc):
#   none     no hook at all: the floor
#   sums     no hook, but every upload's SHA-256 computed (Server:UploadChecksumMinSize 0): what an
#            upload hook makes the server do on the session's path, apart from the delivery
#   fast     an upload webhook (signed) to a receiver that answers 204 at once, with every upload's
#            SHA-256 in the payload (the hook asks for it)
#   hang     the same webhook to a receiver that reads the request and never answers: FTP must not
#            notice (the queue fills, events are dropped and counted)
#   command  an upload hook that runs /bin/true per upload (a process per event)
# Scenario (bench/Ferry.Bench.Client): smallfiles, N x 1 KiB STOR then RETR in one session, the
# most events per byte.
set -euo pipefail

rounds=2
files=1000
while (($#)); do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --files) files="$2"; shift 2 ;;
        *) echo "usage: $0 [--rounds N] [--files N]" >&2; exit 2 ;;
    esac
done

source "$(dirname "${BASH_SOURCE[0]}")/lib/serve-bench.sh"
bench_prepare hooks-cost 2197 "hooks cost bench 1"
fast_port=2195
hang_port=2196
mkdir -p "$work/home/small"
bench_hand_over

# The receivers: one answers 204 at once; the other reads the request and never answers (until
# the bench ends and kills it). Both bind 127.0.0.1 only.
cat > "$work/receiver.py" <<'PY'
import sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
mode, port = sys.argv[1], int(sys.argv[2])
received = 0
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real receivers (nginx, any framework) answer
    def do_POST(self):
        global received
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        received += 1
        if mode == "hang":
            time.sleep(3600)
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
PY
python3 "$work/receiver.py" fast "$fast_port" & helper_pids+=($!)
python3 "$work/receiver.py" hang "$hang_port" & helper_pids+=($!)

start_server() {
    local setup="$1"
    local -a environment=(FERRY_LOGLEVEL=Warning)
    case "$setup" in
        sums)
            environment+=(FERRY_SERVER__UPLOADCHECKSUMMINSIZE=0) ;;
        fast|hang)
            local receiver_port="$fast_port"
            [[ "$setup" == hang ]] && receiver_port="$hang_port"
            environment+=(FERRY_HOOKS__LIST__0__NAME=bench FERRY_HOOKS__LIST__0__EVENTS__0=upload
                          FERRY_HOOKS__LIST__0__URL="http://127.0.0.1:$receiver_port/ferry"
                          FERRY_HOOKS__LIST__0__SECRET="bench secret of some length"
                          FERRY_HOOKS__LIST__0__TIMEOUT=00:00:05 FERRY_HOOKS__LIST__0__RETRIES=0) ;;
        command)
            environment+=(FERRY_HOOKS__LIST__0__NAME=bench FERRY_HOOKS__LIST__0__EVENTS__0=upload
                          FERRY_HOOKS__LIST__0__COMMAND=/bin/true) ;;
    esac
    bench_start "$setup" "$ferry" "${environment[@]}"
}

run() {
    bench_run "$1" "$2" files_per_s,completed,errors "${@:3}"
}

for round in $(seq 1 "$rounds"); do
    for setup in none sums fast hang command; do
        rm -rf "$work/home/small"/*
        start_server "$setup"
        run "$setup" smallfiles --folder /small --count "$files" --size 1024
        if [[ "$setup" == hang ]]; then
            echo "         hang: $(grep -c 'dropped' "$work/logs/stdout-hang.log" || true) drop warnings in the server log"
        fi
        bench_stop
    done
done
