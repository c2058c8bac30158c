#!/usr/bin/env bash
# The side-by-side benchmark (issue 6): Ferry against vsftpd and Pure-FTPd on loopback.
#
#   sudo bench/run.sh [--quick] [--servers ferry,vsftpd,pureftpd] [--out DIR] [--rounds N] [--skip-10k]
#
# Installs what it needs (iperf3, curl, openssl, python3, libwrap0 for vsftpd), fetches the anchor
# servers with `apt-get download` and unpacks them with `dpkg -x` into bench/.cache/root (they
# conflict as installed packages, and nothing is installed system-wide that way), publishes
# Ferry and the load client in Release, then runs bench/bench.py, which prints the table and
# writes markdown and JSON to --out (default bench/results/). Must run as root. See docs/benchmarks.md.
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$bench")"
cache="$bench/.cache"

if [[ $EUID -ne 0 ]]; then
    echo "bench/run.sh: run as root (vsftpd checks a system account through PAM; both anchors chroot)" >&2
    exit 2
fi

# The ports (3210-3213, the passive ranges) and the system account ferrybench are the machine's,
# not this checkout's: a second run at the same time would take them from the first. The lock is
# held by this process and, through the exec below, by bench.py until it ends.
mkdir -p /run/lock
exec 9>/run/lock/ferry-bench.lock
if ! flock -n 9; then
    echo "bench/run.sh: another benchmark run holds /run/lock/ferry-bench.lock (it uses the same ports and account); wait for it to end" >&2
    exit 2
fi

missing=()
for tool in iperf3 curl openssl python3 setpriv; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
[[ -e /lib/x86_64-linux-gnu/libwrap.so.0 || -e /usr/lib/x86_64-linux-gnu/libwrap.so.0 ]] || missing+=(libwrap0)
if ((${#missing[@]})); then
    packages=("${missing[@]/setpriv/util-linux}")
    echo "bench: installing ${packages[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi

mkdir -p "$cache/debs" "$cache/root"
if [[ ! -x "$cache/root/usr/sbin/vsftpd" || ! -x "$cache/root/usr/sbin/pure-ftpd" ]]; then
    echo "bench: fetching vsftpd and pure-ftpd (apt-get download, dpkg -x)" >&2
    (cd "$cache/debs" && apt-get download vsftpd pure-ftpd 2>/dev/null)
    for deb in "$cache"/debs/*.deb; do dpkg -x "$deb" "$cache/root"; done
fi
for binary in "$cache/root/usr/sbin/vsftpd" "$cache/root/usr/sbin/pure-ftpd"; do
    if ldd "$binary" | grep -q "not found"; then
        echo "bench: $binary lacks libraries:" >&2
        ldd "$binary" | grep "not found" >&2
        exit 1
    fi
done

# Publish (Release) only when a source file is newer than the last publish: a quick run stays quick.
publish() { # project sources-folder output-folder binary
    if [[ ! -x "$4" ]] || [[ -n "$(find "$2" "$repo/Directory.Build.props" "$repo/Directory.Packages.props" \
            -newer "$4" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -not -path '*/obj/*' -print -quit)" ]]; then
        echo "bench: publishing $(basename "$1") (Release)" >&2
        dotnet publish "$1" -c Release -o "$3" --nologo -v quiet >/dev/null
        touch "$4"
    fi
}
publish "$repo/src/Ferry" "$repo/src" "$cache/ferry" "$cache/ferry/ferry"
publish "$bench/Ferry.Bench.Client" "$bench/Ferry.Bench.Client" "$cache/client" "$cache/client/ferry-bench-client"

exec python3 "$bench/bench.py" "$@"
