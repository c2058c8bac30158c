# Shared by the S3 benchmarks (s3-throughput.sh, s3-listing.sh), on top of serve-bench.sh: a Ceph
# RADOS Gateway (scripts/engines/ceph-rgw.sh, memstore) in the work folder, stopped at exit before
# the folder goes; a bucket; `s3 COMMAND ...` for the direct SDK client (bench/Ferry.Bench.S3Client);
# and the bench user moved onto the profile "bench" of that gateway. Source it after parsing options:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/s3-bench.sh"
#   s3_bench_prepare NAME PORT PASSWORD [PROFILE_VARIABLE=VALUE ...]
# Then start the server with `bench_start SETUP "$ferry" "${storage[@]}"`. Everything binds 127.0.0.1.

source "$(dirname "${BASH_SOURCE[0]}")/serve-bench.sh"
s3client="$repo/bench/Ferry.Bench.S3Client/bin/Release/net10.0/ferry-bench-s3.dll"
[[ -f "$s3client" ]] || dotnet build "$repo/bench/Ferry.Bench.S3Client" -c Release >/dev/null
ceph_dir=""
s3_cleanup() {
    # The gateway first: its folder is inside the work folder that bench_cleanup removes.
    if [[ -n "$ceph_dir" ]]; then bash "$repo/scripts/engines/ceph-rgw.sh" stop "$ceph_dir" >/dev/null 2>&1 || true; fi
    bench_cleanup
}
trap s3_cleanup EXIT

# COMMAND [--option value ...]: the direct SDK client against the bench bucket, bounded (30 min).
s3() {
    timeout 1900 dotnet "$s3client" "$1" --endpoint "$S3_ENDPOINT" --access-key "$S3_ACCESS_KEY" --secret-key "$S3_SECRET_KEY" \
        --region "$S3_REGION" --bucket "$bucket" --limit-seconds 1800 "${@:2}"
}

# NAME PORT PASSWORD [FERRY_STORAGE__S3__BENCH__KEY=VALUE ...]: the work folder and bench user
# (bench_prepare), the gateway and a bucket, the array $storage of the variables that give the
# server the profile "bench" (extra ones appended), and the user set on it.
s3_bench_prepare() {
    bench_prepare "$1" "$2" "$3"
    shift 3
    ceph_dir="$work/ceph"
    timeout 300 bash "$repo/scripts/engines/ceph-rgw.sh" start "$ceph_dir" > "$work/logs/ceph-start.out" 2> "$work/logs/ceph-start.err" || {
        echo "the Ceph gateway did not start:" >&2; cat "$work/logs/ceph-start.err" >&2; exit 1; }
    source "$ceph_dir/s3.env"
    bucket="ferry-bench-$$"
    s3 create-bucket
    storage=(FERRY_STORAGE__S3__BENCH__ENDPOINT="$S3_ENDPOINT" FERRY_STORAGE__S3__BENCH__REGION="$S3_REGION"
             FERRY_STORAGE__S3__BENCH__BUCKET="$bucket" FERRY_STORAGE__S3__BENCH__ACCESSKEY="$S3_ACCESS_KEY"
             FERRY_STORAGE__S3__BENCH__SECRETKEY="$S3_SECRET_KEY" "$@")
    env "${storage[@]}" dotnet "$ferry" user set bench --storage s3:bench --data-dir "$work/data" >/dev/null 2>"$work/logs/user-set.err"
}

status_kib() { awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"; }
