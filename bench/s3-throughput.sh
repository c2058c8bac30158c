#!/usr/bin/env bash
# Ferry in front of S3 against the same transfer made straight to the store (issue 16), on loopback.
#
#   bench/s3-throughput.sh [--rounds N] [--size-mib N] [--part-size BYTES] [--concurrency N] [--parts-in-flight N]
#
# Starts a Ceph RADOS Gateway (scripts/engines/ceph-rgw.sh, memstore) in a temp folder, and a
# `ferry serve` from the Release build (dotnet build src/Ferry -c Release first) whose user "bench"
# is on an S3 profile of that gateway. Then, per round, interleaved (the order flips every round):
#   direct PUT   a multipart upload of the file with the AWS SDK (bench/Ferry.Bench.S3Client):
#                parts of --part-size (Ferry's PartSize, 8 MiB by default), --concurrency in flight (4;
#                Ferry's own is --parts-in-flight, its PartsInFlight, 2 by default)
#   direct GET   one streamed GET of it, the bytes discarded
#   ferry STOR   the same file with curl through Ferry (curl's time includes the 226, i.e. the
#                multipart upload's completion)
#   ferry RETR   curl to /dev/null
# and prints MiB/s for each, Ferry as % of direct, and the ferry process's peak RSS growth during
# each transfer: VmHWM after it minus VmRSS before it, with the peak reset (/proc/PID/clear_refs,
# 5) just before; where that cannot be written, VmRSS sampled every 50 ms. Each object is deleted
# after its download. Every transfer has a timeout (--max-time 600 for curl, --limit-seconds for
# the SDK client); everything binds 127.0.0.1.
set -euo pipefail

rounds=3
size_mib=1024
part_size=$((8 << 20))
concurrency=4
parts_in_flight=2
while (($#)); do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --size-mib) size_mib="$2"; shift 2 ;;
        --part-size) part_size="$2"; shift 2 ;;
        --concurrency) concurrency="$2"; shift 2 ;;
        --parts-in-flight) parts_in_flight="$2"; shift 2 ;;
        *) echo "usage: $0 [--rounds N] [--size-mib N] [--part-size BYTES] [--concurrency N] [--parts-in-flight N]" >&2; exit 2 ;;
    esac
done

size=$((size_mib << 20))
# The gateway's memstore keeps about twice the bytes stored in RAM, and a deleted object's data
# until its garbage collector runs (15 s here): room for two objects and their copies, checked
# both as the OSD's reported size and as the machine's free memory.
export CEPH_RGW_MEMSTORE_BYTES="${CEPH_RGW_MEMSTORE_BYTES:-$((size * 6 > (8 << 30) ? size * 6 : (8 << 30)))}"
if ((CEPH_RGW_MEMSTORE_BYTES < size * 4)); then
    echo "CEPH_RGW_MEMSTORE_BYTES=$CEPH_RGW_MEMSTORE_BYTES is too small for ${size_mib} MiB objects (at least $((size * 4)))" >&2
    exit 2
fi
available_kib="$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)"
if ((available_kib * 1024 < size * 5 + (1 << 30))); then
    echo "only $((available_kib / 1024)) MiB of memory available; a ${size_mib} MiB run needs about $(((size * 5 + (1 << 30)) >> 20)) MiB (the gateway keeps objects in RAM)" >&2
    exit 2
fi

source "$(dirname "${BASH_SOURCE[0]}")/lib/s3-bench.sh"
port=2198
password="s3 throughput bench 1"
s3_bench_prepare s3-throughput "$port" "$password" \
    FERRY_STORAGE__S3__BENCH__PARTSIZE="$part_size" FERRY_STORAGE__S3__BENCH__PARTSINFLIGHT="$parts_in_flight"
bench_hand_over
bench_start s3 "$ferry" FERRY_LOGLEVEL=Warning "${storage[@]}"

source_file="$work/source.bin"
head -c "$size" /dev/urandom > "$source_file"
url="ftp://127.0.0.1:$port"

# COMMAND...: runs it while watching the server's memory; sets $growth_mib (peak RSS growth).
watch_memory() {
    local before sampler="" peak_file="$work/peak"
    before="$(status_kib "$server_pid" VmRSS)"
    if echo 5 > "/proc/$server_pid/clear_refs" 2>/dev/null; then
        "$@"
        growth_mib="$(( ($(status_kib "$server_pid" VmHWM) - before) / 1024 ))"
    else
        echo "$before" > "$peak_file"
        # Bounded: at most 15 minutes of samples.
        ( for _ in $(seq 1 18000); do
              rss="$(status_kib "$server_pid" VmRSS)" || break
              (( rss > $(cat "$peak_file") )) && echo "$rss" > "$peak_file"
              sleep 0.05
          done ) & sampler=$!
        "$@"
        kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
        growth_mib="$(( ($(cat "$peak_file") - before) / 1024 ))"
    fi
}

mibs() { python3 -c 'import sys; print(f"{int(sys.argv[1]) / 1048576 / float(sys.argv[2]):.1f}")' "$size" "$1"; }
json_field() { python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit("error: " + r["error"]) if "error" in r else print(r[sys.argv[2]])' "$1" "$2"; }

declare -a direct_put direct_get ferry_stor ferry_retr stor_rss retr_rss
direct() {
    local put get
    put="$(s3 put --key direct.bin --file "$source_file" --part-size "$part_size" --concurrency "$concurrency")"
    get="$(s3 get --key direct.bin)"
    s3 delete --key direct.bin
    direct_put+=("$(json_field "$put" mib_per_s)")
    direct_get+=("$(json_field "$get" mib_per_s)")
}
through_ferry() {
    local seconds
    watch_memory curl -sS --max-time 600 -o /dev/null -w '%{time_total}' -u "bench:$password" -T "$source_file" "$url/big.bin" > "$work/curl.out"
    seconds="$(cat "$work/curl.out")"; ferry_stor+=("$(mibs "$seconds")"); stor_rss+=("$growth_mib")
    watch_memory curl -sS --max-time 600 -o /dev/null -w '%{time_total}' -u "bench:$password" "$url/big.bin" > "$work/curl.out"
    seconds="$(cat "$work/curl.out")"; ferry_retr+=("$(mibs "$seconds")"); retr_rss+=("$growth_mib")
    s3 delete --key bench/big.bin
}

printf 'Ferry in front of Ceph RGW (memstore) vs the AWS SDK straight to it: %d MiB, parts of %d MiB, SDK concurrency %d\n' \
    "$size_mib" "$((part_size >> 20))" "$concurrency"
for round in $(seq 1 "$rounds"); do
    if ((round % 2)); then direct; through_ferry; else through_ferry; direct; fi
    i=$((round - 1))
    printf 'round %d  direct PUT %7s MiB/s  GET %7s MiB/s | ferry STOR %7s MiB/s (RSS +%d MiB)  RETR %7s MiB/s (RSS +%d MiB)\n' \
        "$round" "${direct_put[$i]}" "${direct_get[$i]}" "${ferry_stor[$i]}" "${stor_rss[$i]}" "${ferry_retr[$i]}" "${retr_rss[$i]}"
done

python3 - "${direct_put[*]}" "${direct_get[*]}" "${ferry_stor[*]}" "${ferry_retr[*]}" "${stor_rss[*]}" "${retr_rss[*]}" <<'PY'
import statistics, sys
put, get, stor, retr, stor_rss, retr_rss = ([float(x) for x in arg.split()] for arg in sys.argv[1:])
m = statistics.median
print(f"median   upload:   direct {m(put):7.1f} MiB/s, ferry {m(stor):7.1f} MiB/s = {100 * m(stor) / m(put):5.1f}% of direct; "
      f"server RSS growth {m(stor_rss):.0f} MiB (max {max(stor_rss):.0f})")
print(f"median   download: direct {m(get):7.1f} MiB/s, ferry {m(retr):7.1f} MiB/s = {100 * m(retr) / m(get):5.1f}% of direct; "
      f"server RSS growth {m(retr_rss):.0f} MiB (max {max(retr_rss):.0f})")
PY
s3 delete-bucket
