#!/usr/bin/env bash
# A listing of a very large S3 folder through Ferry (issue 16): time to the first byte, the whole
# listing, and the server's memory while it streams.
#
#   bench/s3-listing.sh [--objects N] [--rounds N]
#
# Starts a Ceph RADOS Gateway (scripts/engines/ceph-rgw.sh, memstore) in a temp folder, seeds one
# folder with N one-byte objects (100,000 by default; with the AWS SDK, 16 PUTs at once), and
# starts `ferry serve` from the Release build with user "bench" on an S3 profile of that gateway.
# Then, per round, MLSD and LIST of the folder with python's ftplib, each timed from the command to
# the first data byte and to the last, the lines counted (each must be N), and the ferry process's
# peak RSS growth during the listing (VmHWM after, with the peak reset via clear_refs just before).
# Every listing is bounded (300 s); everything binds 127.0.0.1.
set -euo pipefail

objects=100000
rounds=3
while (($#)); do
    case "$1" in
        --objects) objects="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        *) echo "usage: $0 [--objects N] [--rounds N]" >&2; exit 2 ;;
    esac
done

source "$(dirname "${BASH_SOURCE[0]}")/lib/s3-bench.sh"
port=2199
password="s3 listing bench 1"
s3_bench_prepare s3-listing "$port" "$password"
seeded="$(s3 seed --prefix bench/big/ --count "$objects" --concurrency 16)"
printf 'seeded %d objects in %s s\n' "$objects" "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["seconds"])' "$seeded")"

bench_hand_over
bench_start s3 "$ferry" FERRY_LOGLEVEL=Warning "${storage[@]}"

# VERB: one listing of /big; prints "first_byte_s total_s lines rss_growth_mib".
listing() {
    local before result
    before="$(status_kib "$server_pid" VmRSS)"
    echo 5 > "/proc/$server_pid/clear_refs" 2>/dev/null || true
    result="$(timeout 300 python3 - "$port" "$password" "$1" <<'PY'
import ftplib, sys, time
port, password, verb = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ftp = ftplib.FTP()
ftp.connect("127.0.0.1", port, timeout=120)
ftp.login("bench", password)
started = time.monotonic()
data = ftp.transfercmd(f"{verb} /big")
first = None
lines = 0
tail = b""
while True:
    chunk = data.recv(1 << 16)
    if not chunk:
        break
    if first is None:
        first = time.monotonic() - started
    lines += chunk.count(b"\n")
data.close()
ftp.voidresp()
total = time.monotonic() - started
ftp.quit()
print(f"{first:.3f} {total:.3f} {lines}")
PY
)"
    echo "$result $(( ($(status_kib "$server_pid" VmHWM) - before) / 1024 ))"
}

printf 'Ferry listing one S3 folder of %d objects on Ceph RGW (memstore), python ftplib\n' "$objects"
for round in $(seq 1 "$rounds"); do
    for verb in MLSD LIST; do
        read -r first total lines growth <<<"$(listing "$verb")"
        if ((lines != objects)); then echo "round $round $verb: $lines lines, expected $objects" >&2; exit 1; fi
        printf 'round %d  %-4s  first byte %6s s  all %7s s  %d lines  %6.0f entries/s  server RSS +%d MiB\n' \
            "$round" "$verb" "$first" "$total" "$lines" "$(python3 -c "print($lines / $total)")" "$growth"
    done
done
