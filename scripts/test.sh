#!/usr/bin/env bash
# Runs every test: engine, wire-script and real-client tests, against real servers on loopback.
# The real clients (curl, lftp, rclone, wget, python3, openssl, php, ncftp, perl's Net::FTP over
# TLS, node with basic-ftp), fail2ban-regex (to check the shipped fail2ban filter), Prometheus
# (to scrape /metrics) and Debian's chromium (the web admin page's browser tests drive it through
# Playwright, never with a browser of Playwright's own download) are installed first when
# missing; apt-get waits for another apt-get or dpkg that holds its lock (scripts/apt-get-waiting.sh).
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

# The node clients' packages (basic-ftp), from the lock file; again only when it changed.
node_scripts=tests/Ferry.IntegrationTests/Scripts/node
if [ -f "$node_scripts/package.json" ] \
   && { [ ! -d "$node_scripts/node_modules" ] || [ "$node_scripts/package-lock.json" -nt "$node_scripts/node_modules" ]; }; then
  npm ci --prefix "$node_scripts" --no-audit --no-fund \
    || { echo "npm ci in $node_scripts failed; run it by hand and run again."; exit 1; }
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
dotnet test Ferry.slnx -c Release --logger "trx" --results-directory "$results" "$@"
status=$?

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
