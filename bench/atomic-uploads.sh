#!/usr/bin/env bash
# Atomic uploads (issue 13, part 1): in-place vs atomic STOR, one 1 GiB upload and 1,000 small
# files, with the server's CPU time (utime+stime from /proc) per GiB. Not part of bench/run.sh.
#
#   bench/atomic-uploads.sh [BASE_REF]      (BASE_REF: the in-place build, default a511ab0)
#
# Three runs: inplace (BASE_REF), atomic (SyncUploads on, the default) and nosync (atomic with
# SyncUploads off, through FERRY_SERVER__SYNCUPLOADS=false).
#
# Publishes ferry from BASE_REF (git archive into a temp folder) and from the work tree, then for
# each starts `ferry serve` on 127.0.0.1 and uploads with curl from a file in /dev/shm into a home
# under $TMPDIR (the disk the tests use). Loopback only; every loop is bounded.
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$bench")"
base_ref="${1:-a511ab0}"
work="$(mktemp -d "${TMPDIR:-/tmp}/ferry-atomic-bench.XXXXXX")"
trap 'kill "${server_pid:-}" 2>/dev/null || true; rm -rf "$work" /dev/shm/ferry-atomic-bench.*' EXIT
# Run as root, ferry serves as an unprivileged account, which must reach the homes below.
chmod 755 "$work"

mkdir -p "$work/base-src"
git -C "$repo" archive "$base_ref" | tar -x -C "$work/base-src"
echo "publishing $base_ref (in place) and the work tree (atomic)" >&2
dotnet publish "$work/base-src/src/Ferry" -c Release -o "$work/inplace" --nologo -v quiet >/dev/null
dotnet publish "$repo/src/Ferry" -c Release -o "$work/atomic" --nologo -v quiet >/dev/null

big=/dev/shm/ferry-atomic-bench.big
head -c $((1024 * 1024 * 1024)) /dev/urandom >"$big"
small="$(mktemp -d /dev/shm/ferry-atomic-bench.small.XXXXXX)"
for i in $(seq 1 1000); do head -c 4096 /dev/urandom >"$small/f$i.bin"; done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() { # label ferry-binary
    local label="$1" ferry="$2" data="$work/$1-data" home="$work/$1-home" port=$((20000 + RANDOM % 10000))
    rm -rf "$data"
    echo "bench password 123" | "$ferry" user add bench --home "$home" --password-stdin --data-dir "$data" >/dev/null
    "$ferry" serve --listen 127.0.0.1 --port "$port" --passive-ports "$((port + 1))-$((port + 50))" --data-dir "$data" >"$work/$label.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 300); do grep -q ready "$work/$label.log" && break; sleep 0.1; done
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "$label: ferry serve ended:" >&2
        cat "$work/$label.log" >&2
        exit 1
    fi
    local url="ftp://127.0.0.1:$port" user=(--user "bench:bench password 123")
    local hz; hz=$(getconf CLK_TCK)

    # One 1 GiB STOR, twice: a new file, then over it (the atomic build then writes a second inode).
    for pass in new overwrite; do
        local before; before=$(cpu_ticks "$server_pid")
        local start; start=$(date +%s.%N)
        curl -sS "${user[@]}" -T "$big" "$url/big.bin"
        local end; end=$(date +%s.%N)
        local after; after=$(cpu_ticks "$server_pid")
        awk -v l="$label" -v p="$pass" -v s="$start" -v e="$end" -v c=$((after - before)) -v hz="$hz" \
            'BEGIN { printf "%-8s 1 GiB STOR (%s): %6.2f s wall, %6.1f MiB/s, server CPU %5.2f s per GiB\n", l, p, e - s, 1024 / (e - s), c / hz }'
    done

    # 1,000 files of 4 KiB over one connection (curl uploads each -T in turn on the same session).
    local args=()
    for i in $(seq 1 1000); do args+=(-T "$small/f$i.bin" "$url/small/f$i.bin"); done
    local before; before=$(cpu_ticks "$server_pid")
    local start; start=$(date +%s.%N)
    curl -sS "${user[@]}" --ftp-create-dirs "${args[@]}"
    local end; end=$(date +%s.%N)
    local after; after=$(cpu_ticks "$server_pid")
    awk -v l="$label" -v s="$start" -v e="$end" -v c=$((after - before)) -v hz="$hz" \
        'BEGIN { printf "%-8s 1,000 x 4 KiB STOR: %6.2f s wall, %6.1f files/s, server CPU %5.2f s\n", l, e - s, 1000 / (e - s), c / hz }'
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    server_pid=
    rm -rf "$home"
}

run inplace "$work/inplace/ferry"
run atomic "$work/atomic/ferry"
FERRY_SERVER__SYNCUPLOADS=false run nosync "$work/atomic/ferry"
df -T "${TMPDIR:-/tmp}" | tail -1 | awk '{print "file system of the homes: " $2}'
