#!/usr/bin/env bash
# Runs every test: engine, wire-script and real-client tests, against real servers on loopback.
# The real clients (curl, lftp, rclone, wget, python3, openssl, php, ncftp, perl's Net::FTP over
# TLS, node with basic-ftp), fail2ban-regex (to check the shipped fail2ban filter), Prometheus
# (to scrape /metrics) and Debian's chromium (the web admin page's browser tests drive it through
# Playwright, never with a browser of Playwright's own download) are installed first when
# missing; apt-get waits for another apt-get or dpkg that holds its lock (scripts/apt-get-waiting.sh).
# The S3 backend's two engines (scripts/engines: Ceph RGW and Swift with s3api) are installed when
# missing (--no-install-recommends: recommends would add ceph-mgr, ceph-mds, autopkgtest and about
# a hundred more packages), started once for the whole run, side by side, each in a temp folder of
# its own on free ports of 127.0.0.1, and stopped when this script exits (also on failure or
# Ctrl-C). The tests find them through S3_ENGINE_CEPH and S3_ENGINE_SWIFT, the path of each
# engine's s3.env (tests/Ferry.Server.Tests/Support/S3Engine.cs); each test makes its own bucket.
# (Not FERRY_*: every `ferry` process the host tests start would warn about an unknown FERRY_
# variable on stderr, where those tests expect exactly one line.)
# An engine that does not start fails the run (exit 1) before any test runs.
# Ends with one line: "N passed, N failed, N skipped" (and a second when dotnet test failed with
# no failed test counted: a project that did not build). The exit status is dotnet test's.
set -uo pipefail
cd "$(dirname "$0")/.."

# command:Debian package
missing=()
for need in curl:curl lftp:lftp rclone:rclone wget:wget python3:python3 openssl:openssl fail2ban-regex:fail2ban \
            php:php-cli ncftpls:ncftp node:nodejs npm:npm prometheus:prometheus chromium:chromium; do
  command -v "${need%%:*}" >/dev/null 2>&1 || missing+=("${need#*:}")
done
# perl module=Debian package (Net::FTP's TLS needs both)
for need in Net::SSLeay=libnet-ssleay-perl IO::Socket::SSL=libio-socket-ssl-perl; do
  perl "-M${need%%=*}" -e1 >/dev/null 2>&1 || missing+=("${need#*=}")
done
if ((${#missing[@]})); then
  echo "Installing what the tests drive: ${missing[*]}"
  scripts/apt-get-waiting.sh update -q && scripts/apt-get-waiting.sh install -y -q "${missing[@]}" \
    || { echo "Could not install ${missing[*]}; install them and run again."; exit 1; }
fi

# The S3 engines' packages, apart: without recommends (see the top).
missing=()
for need in ceph-mon:ceph-mon ceph-osd:ceph-osd radosgw:radosgw ceph:ceph-common monmaptool:ceph-base \
            uuidgen:uuid-runtime ss:iproute2 memcached:memcached swift-proxy-server:swift-proxy \
            swift-object-server:swift-object swift-container-server:swift-container \
            swift-account-server:swift-account swift-config:swift; do
  command -v "${need%%:*}" >/dev/null 2>&1 || missing+=("${need#*:}")
done
/usr/bin/python3 -c 'import swift.common.middleware.s3api' >/dev/null 2>&1 || missing+=(python3-swift)
if ((${#missing[@]})); then
  echo "Installing the S3 engines: ${missing[*]}"
  scripts/apt-get-waiting.sh update -q && scripts/apt-get-waiting.sh install -y -q --no-install-recommends "${missing[@]}" \
    || { echo "Could not install ${missing[*]}; install them and run again."; exit 1; }
fi

# The node clients' packages (basic-ftp), from the lock file; again only when it changed.
node_scripts=tests/Ferry.IntegrationTests/Scripts/node
if [ -f "$node_scripts/package.json" ] \
   && { [ ! -d "$node_scripts/node_modules" ] || [ "$node_scripts/package-lock.json" -nt "$node_scripts/node_modules" ]; }; then
  npm ci --prefix "$node_scripts" --no-audit --no-fund \
    || { echo "npm ci in $node_scripts failed; run it by hand and run again."; exit 1; }
fi

results=$(mktemp -d)
engines=$(mktemp -d /tmp/ferry-test-engines.XXXXXX)
running=()
cleanup() {
  # An engine's start or the tests, still running (Ctrl-C or a kill), are ended first: Ceph's
  # start stops what it had started itself; what Swift's had started is in its folder's run/,
  # which its stop reads.
  ((${#running[@]})) && { kill -TERM "${running[@]}" 2>/dev/null; wait "${running[@]}" 2>/dev/null; }
  # Each script stops only the processes it recorded in its own folder.
  [ -d "$engines/ceph/pids" ] && scripts/engines/ceph-rgw.sh stop "$engines/ceph" >/dev/null 2>&1
  [ -d "$engines/swift/run" ] && scripts/engines/swift-s3.sh stop "$engines/swift" >/dev/null 2>&1
  rm -rf "$results"
  # The engines' folder (data, logs) goes too, unless an engine did not start: its logs are the
  # diagnosis.
  ((keep_engines)) || rm -rf "$engines"
}
keep_engines=0
trap cleanup EXIT
# Ctrl-C or a kill: end through the EXIT trap, so the engines are stopped.
trap 'exit 130' INT
trap 'exit 143' TERM

# Swift takes PORT..PORT+5 (proxy, object, container, account, memcached, throttled proxy): a free block of six
# in 12000-19999, below the range Ceph's script picks its ports from (20000-31999) and below the
# kernel's ephemeral ports, so neither the other engine nor an outgoing connection takes them
# meanwhile. Another run on the machine may still win a race for them: Swift is then started
# again on another block (at most twice more), since its start refuses a port in use.
swift_ports() {
  local base tries p taken
  for ((tries = 0; tries < 200; tries++)); do
    base=$((12000 + (RANDOM % 1330) * 6))
    taken=0
    for ((p = base; p < base + 6; p++)); do
      [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] || { taken=1; break; }
    done
    ((taken)) || { echo "$base"; return 0; }
  done
  echo "found no six free ports in 12000-19999" >&2
  return 1
}

engines_started=$(date +%s%N)
scripts/engines/ceph-rgw.sh start "$engines/ceph" >"$engines/ceph.out" 2>"$engines/ceph.err" &
running+=($!)
swift_port=$(swift_ports 2>"$engines/swift.err") \
  && { scripts/engines/swift-s3.sh start "$engines/swift" "$swift_port" >"$engines/swift.out" 2>"$engines/swift.err" & running+=($!); }
ceph_status=0 swift_status=1
wait "${running[0]}" || ceph_status=$?
((${#running[@]} == 2)) && { wait "${running[1]}" && swift_status=0 || swift_status=$?; }
running=()
for attempt in 2 3; do
  ((swift_status != 0)) && grep -q "is in use" "$engines/swift.err" || break
  swift_port=$(swift_ports 2>"$engines/swift.err") || break
  rm -rf "$engines/swift"
  scripts/engines/swift-s3.sh start "$engines/swift" "$swift_port" >"$engines/swift.out" 2>"$engines/swift.err" & running+=($!)
  wait "${running[0]}" && swift_status=0 || swift_status=$?
  running=()
done
if ((ceph_status != 0 || swift_status != 0)); then
  ((ceph_status)) && { echo "The S3 engine Ceph RGW did not start (scripts/engines/ceph-rgw.sh), so no test was run:"; tail -n 15 "$engines/ceph.err" | sed 's/^/  /'; }
  ((swift_status)) && { echo "The S3 engine Swift s3api did not start (scripts/engines/swift-s3.sh), so no test was run:"; tail -n 15 "$engines/swift.err" | sed 's/^/  /'; }
  keep_engines=1
  echo "The engines' logs stay in $engines."
  exit 1
fi
export S3_ENGINE_CEPH="$engines/ceph/s3.env" S3_ENGINE_SWIFT="$engines/swift/s3.env"
echo "S3 engines up in $(( ($(date +%s%N) - engines_started) / 1000000 )) ms: Ceph RGW at $(sed -n 's/^S3_ENDPOINT=//p' "$S3_ENGINE_CEPH"), Swift at $(sed -n 's/^S3_ENDPOINT=//p' "$S3_ENGINE_SWIFT")"

# In the background and waited for, so that a TERM (or Ctrl-C) ends the wait at once and the EXIT
# trap stops the tests too (a background command ignores SIGINT) before it stops the engines.
dotnet test Ferry.slnx -c Release --logger "trx" --results-directory "$results" "$@" &
running+=($!)
wait "${running[0]}"
status=$?
running=()

python3 - "$results" "$status" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        outcome = result.get("outcome")
        if outcome == "Passed": passed += 1
        elif outcome in ("NotExecuted", "Inconclusive"): skipped += 1
        else: failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
if sys.argv[2] != "0" and failed == 0:
    # A project that does not build (or a test host that crashed) leaves no results to count.
    print(f"dotnet test exited with {sys.argv[2]} although no counted test failed: a project did not build or a test host crashed (see above)")
PY
exit $status
