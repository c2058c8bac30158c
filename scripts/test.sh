#!/usr/bin/env bash
# Runs every test: engine, wire-script and real-client tests, against real servers on loopback.
# The real clients (curl, lftp, rclone, wget, python3, openssl) and fail2ban-regex (to check the
# shipped fail2ban filter) are installed first when missing.
# Ends with one line: "N passed, N failed, N skipped" (and a second when dotnet test failed with
# no failed test counted: a project that did not build). The exit status is dotnet test's.
set -uo pipefail
cd "$(dirname "$0")/.."

# command:Debian package
missing=()
for need in curl:curl lftp:lftp rclone:rclone wget:wget python3:python3 openssl:openssl fail2ban-regex:fail2ban; do
  command -v "${need%%:*}" >/dev/null 2>&1 || missing+=("${need#*:}")
done
if ((${#missing[@]})); then
  echo "Installing what the tests drive: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" \
    || { echo "Could not install ${missing[*]}; install them and run again."; exit 1; }
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
