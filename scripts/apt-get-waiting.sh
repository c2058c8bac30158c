#!/usr/bin/env bash
# apt-get ARGS, as root (through sudo when not root), that waits for another apt-get or dpkg
# instead of failing at once on a held lock: a fresh machine often runs unattended-upgrades or a
# provisioning apt-get while the tests start.
#   - DPkg::Lock::Timeout makes apt itself wait for the dpkg locks (/var/lib/dpkg/lock-frontend,
#     /var/lib/dpkg/lock) that `apt-get install` takes first.
#   - It does not cover the lists lock that `apt-get update` takes (/var/lib/apt/lists/lock), nor
#     the download cache's lock (apt 2.6 has no option for either: "Could not get lock" at once),
#     so a run that failed on a lock is tried again every 5 s until the same 10 minutes are over.
# Exits with apt-get's status.
set -uo pipefail
wait_seconds=600
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
output=$(mktemp)
trap 'rm -f "$output"' EXIT
deadline=$((SECONDS + wait_seconds))
while true; do
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout="$wait_seconds" "$@" 2>&1 | tee "$output"
  status=${PIPESTATUS[0]}
  if [ "$status" -eq 0 ] || ! grep -q "Could not get lock" "$output"; then
    exit "$status"
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "apt-get: another apt-get or dpkg still holds the lock after ${wait_seconds} s; giving up."
    exit "$status"
  fi
  echo "apt-get: another apt-get or dpkg holds the lock; trying again in 5 s."
  sleep 5
done
