#!/usr/bin/env bash
# OpenStack Swift (Debian 12: 2.30) with the s3api middleware, as a throw-away S3 store for tests.
#
#   swift-s3.sh start DIR [PORT]   install when missing, start, check, print the S3_* lines
#   swift-s3.sh stop DIR           stop every process that `start DIR` started
#
# Everything lives in DIR: configs and rings (DIR/etc, the servers' swift_dir), the one storage
# device (DIR/srv/d1, a plain folder), pid files (DIR/run), logs (DIR/log) and DIR/s3.env. Nothing
# runs as a system service and nothing in /etc/swift is read (see the launcher below).
#
# Ports, all on 127.0.0.1 only (PORT defaults to 18480; Swift's own defaults are 8080, 6200-6202):
#   PORT proxy with s3api, PORT+1 object, PORT+2 container, PORT+3 account, PORT+4 memcached,
#   PORT+5 a second proxy, the same but throttled (Swift's ratelimit: 10 writes a second per
#   bucket, no waiting), which answers the excess with 503 SlowDown as AWS does, so a client's
#   retry with backoff is tested against a real store.
#
# `start` prints, once every server answers its healthcheck and an S3 bucket PUT and an object
# PUT/GET round-trip (curl --aws-sigv4) worked, these lines on stdout (also in DIR/s3.env):
#   S3_ENDPOINT=http://127.0.0.1:PORT
#   S3_ACCESS_KEY=ferry:tester          (tempauth: account:user)
#   S3_SECRET_KEY=...                   (random; kept across restarts of the same DIR)
#   S3_REGION=us-east-1
#   S3_THROTTLED_ENDPOINT=http://127.0.0.1:PORT+5
#   S3_THROTTLED_LOG=DIR/log/throttled.log   (its access log: a SlowDown is a line with status 498)
# Progress and errors go to stderr. Every wait is bounded (SWIFT_S3_TIMEOUT, default 60 s); on
# failure it names what did not come up with the last lines of its log, stops what it started and
# exits 1.
#
# Swift's S3 is narrower than AWS or Ceph: PUT with If-None-Match: * -> 501, aws-chunked
# (streaming SigV4) uploads -> 501, lifecycle -> 400, at most 1000 parts per multipart upload.
# AWSSDK.S3 v4 clients need UseChunkEncoding = false (see scripts/engines/README.md).
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/../.." && pwd)
PY=/usr/bin/python3   # not `python3`: that may be a pyenv shim without Debian's swift module
timeout_s=${SWIFT_S3_TIMEOUT:-60}
servers=(object container account proxy throttled)   # start order; the proxies need the rings' servers

log() { echo "swift-s3: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
  echo "usage: $0 start DIR [PORT] | $0 stop DIR" >&2
  exit 2
}

# ---------------------------------------------------------------------------- install
install_if_missing() {
  local missing=0 f
  for f in /usr/bin/swift-proxy-server /usr/bin/swift-object-server \
           /usr/bin/swift-container-server /usr/bin/swift-account-server \
           /usr/bin/memcached /usr/bin/curl; do
    [ -x "$f" ] || missing=1
  done
  $PY -c 'import swift.common.middleware.s3api' 2>/dev/null || missing=1
  [ "$missing" -eq 1 ] || return 0
  local pkgs=(swift swift-proxy swift-object swift-container swift-account python3-swift memcached curl)
  log "installing ${pkgs[*]}"
  # Debian's packages would start nothing here (policy-rc.d / no init), and we never use their services.
  if ! bash "$repo_dir/scripts/apt-get-waiting.sh" install -y --no-install-recommends "${pkgs[@]}" >&2; then
    log "install failed; refreshing the package lists and trying once more"
    bash "$repo_dir/scripts/apt-get-waiting.sh" update >&2
    bash "$repo_dir/scripts/apt-get-waiting.sh" install -y --no-install-recommends "${pkgs[@]}" >&2 \
      || die "apt-get install ${pkgs[*]} failed"
  fi
}

# ---------------------------------------------------------------------------- helpers
port_open() {  # true when something accepts TCP connections on 127.0.0.1:$1
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A pid file holds the pid; the process must still be ours: its command line names DIR.
our_pid() {  # NAME -> prints the pid when that process is running and ours
  local file="$dir/run/$1.pid" pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/" || return 1
  echo "$pid"
}

log_tail() {  # NAME
  local f="$dir/log/$1.log"
  if [ -s "$f" ]; then
    echo "---- last lines of $f:" >&2
    tail -n 25 "$f" >&2
    echo "----" >&2
  else
    echo "---- $f is empty or missing" >&2
  fi
}

fail_start() {  # NAME MESSAGE: report, stop what was started, exit 1
  log "ERROR: $2"
  log_tail "$1"
  if [ -s "$dir/run/s3.out" ]; then
    echo "---- last S3 response (status ${code:-?}):" >&2; head -c 1000 "$dir/run/s3.out" >&2; echo >&2
  fi
  stop_all >&2 || true
  exit 1
}

# Waits until CHECK (a command) succeeds, at most until the shared deadline; polls every 0.1 s
# and gives up at once when NAME's process has died.
wait_for() {  # NAME WHAT CHECK...
  local name=$1 what=$2; shift 2
  while true; do
    if "$@"; then return 0; fi
    our_pid "$name" >/dev/null || fail_start "$name" "$name exited before $what"
    [ "$SECONDS" -lt "$deadline" ] || fail_start "$name" "$what: not within ${timeout_s} s"
    sleep 0.1
  done
}

healthy() {  # PORT
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/healthcheck")" = 200 ]
}

s3() {  # METHOD PATH [curl args...]: prints the HTTP status; body to $dir/run/s3.out
  local method=$1 path=$2; shift 2
  curl -s -o "$dir/run/s3.out" -w '%{http_code}' --max-time 10 -X "$method" \
    --aws-sigv4 "aws:amz:us-east-1:s3" --netrc-file "$dir/run/netrc" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
    "$@" "http://127.0.0.1:$port$path"
}

alive() {  # PID: running and not a zombie
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# ---------------------------------------------------------------------------- stop
stop_all() {
  [ -d "$dir/run" ] || { log "nothing to stop in $dir"; return 0; }
  local name pid pids=() names=()
  for name in throttled proxy account container object memcached; do
    if pid=$(our_pid "$name"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("$name")
    fi
    rm -f "$dir/run/$name.pid"
  done
  local i end=$((SECONDS + 15))
  for i in "${!pids[@]}"; do
    while alive "${pids[$i]}" && [ "$SECONDS" -lt "$end" ]; do sleep 0.05; done
    if alive "${pids[$i]}"; then
      log "${names[$i]} (pid ${pids[$i]}) ignored SIGTERM for 15 s; killing it"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
  done
  log "stopped ${#pids[@]} process(es)${pids:+: ${names[*]}}"
}

# ---------------------------------------------------------------------------- start
write_configs() {
  local etc=$dir/etc
  # swift.conf: the hash prefix/suffix decide where objects live, so keep them across restarts.
  if [ ! -f "$etc/swift.conf" ]; then
    cat >"$etc/swift.conf" <<EOF
[swift-hash]
swift_hash_path_prefix = $(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
swift_hash_path_suffix = $(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')

[storage-policy:0]
name = Policy-0
default = yes

[swift-constraints]
EOF
  fi

  local common="bind_ip = 127.0.0.1
workers = 0
user = root
swift_dir = $etc
log_level = INFO"
  local storage="devices = $dir/srv
mount_check = false
disable_fallocate = true"

  local kind port_of
  for kind in object container account; do
    case $kind in object) port_of=$((port + 1));; container) port_of=$((port + 2));; account) port_of=$((port + 3));; esac
    cat >"$etc/$kind-server.conf" <<EOF
[DEFAULT]
bind_port = $port_of
$common
$storage
log_name = $kind-server

[pipeline:main]
pipeline = healthcheck $kind-server

[app:$kind-server]
use = egg:swift#$kind

[filter:healthcheck]
use = egg:swift#healthcheck
EOF
  done

  cat >"$etc/proxy-server.conf" <<EOF
[DEFAULT]
bind_port = $port
$common
log_name = proxy-server

# s3api before the auth middleware (tempauth), bulk and slo after it, as the s3api docs say.
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth bulk copy slo dlo versioned_writes proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:s3api]
use = egg:swift#s3api
location = us-east-1

# The S3 access key is ACCOUNT:USER, the secret key the user's password.
[filter:tempauth]
use = egg:swift#tempauth
user_ferry_tester = $secret_key .admin

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$((port + 4))

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
EOF

  # The throttled proxy: the same, plus ratelimit after the auth (it counts each S3 request as the
  # Swift object write it becomes). No sleeping (max_sleep_time_seconds 0.05: a write that would wait longer is refused) and no burst credit
  # (rate_buffer_seconds 0): an eleventh write within a second gets 498, which s3api sends as 503 SlowDown.
  # Swift limits only a bucket that holds an object already, and reads the count afresh here
  # (recheck_container_existence 1 s) rather than from a minute-old cache.
  sed -e "s/^bind_port = $port\$/bind_port = $((port + 5))/" \
      -e 's/^log_name = proxy-server$/log_name = throttled/' \
      -e 's/ s3api tempauth / s3api tempauth ratelimit /' \
      -e 's/^use = egg:swift#proxy$/use = egg:swift#proxy\nrecheck_container_existence = 1/' \
      "$etc/proxy-server.conf" >"$etc/throttled.conf"
  cat >>"$etc/throttled.conf" <<EOF
[filter:ratelimit]
use = egg:swift#ratelimit
container_ratelimit_0 = 10
max_sleep_time_seconds = 0.05
rate_buffer_seconds = 0
log_sleep_time_seconds = 0
EOF

  # The servers read swift.conf (hash, storage policies, constraints) from /etc/swift/swift.conf
  # whatever swift_dir says (2.30 only uses swift_dir for rings). This launcher points Swift at
  # DIR/etc before anything reads it, then runs the server as /usr/bin/swift-*-server would.
  cat >"$dir/bin/swift-server.py" <<'EOF'
import sys
from swift.common import utils
utils.set_swift_dir(sys.argv[1])  # before storage_policy and constraints are imported
from swift.common.wsgi import run_wsgi
section = sys.argv[2]
conf_file, options = utils.parse_options(test_args=sys.argv[3:])
sys.exit(run_wsgi(conf_file, section, **options))
EOF
}

build_rings() {
  # All three rings in one process (nine swift-ring-builder runs take about 24 s): one device
  # (DIR/srv/d1), one replica, 2^6 partitions.
  $PY - "$dir/etc" "$port" <<'EOF'
import sys, os
from swift.common.ring import RingBuilder
etc, port = sys.argv[1], int(sys.argv[2])
for offset, kind in ((1, 'object'), (2, 'container'), (3, 'account')):
    builder = RingBuilder(6, 1, 0)
    builder.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': port + offset,
                     'device': 'd1', 'weight': 100, 'meta': ''})
    builder.rebalance()
    builder.save(os.path.join(etc, kind + '.builder'))
    builder.get_ring().save(os.path.join(etc, kind + '.ring.gz'))
EOF
}

launch() {  # NAME COMMAND...: background, output to DIR/log/NAME.log, pid to DIR/run/NAME.pid
  local name=$1; shift
  "$@" >>"$dir/log/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/run/$name.pid"
}

start_all() {
  local name p
  for name in "${servers[@]}" memcached; do
    if pid=$(our_pid "$name"); then
      die "$name is already running from $dir (pid $pid); run: $0 stop $dir"
    fi
  done
  for p in $port $((port + 1)) $((port + 2)) $((port + 3)) $((port + 4)) $((port + 5)); do
    port_open "$p" && die "port $p on 127.0.0.1 is in use (this uses PORT..PORT+5 = $port..$((port + 5)))"
  done

  install_if_missing

  mkdir -p "$dir/etc" "$dir/srv/d1" "$dir/run" "$dir/log" "$dir/bin"
  secret_key=""
  [ -f "$dir/s3.env" ] && secret_key=$(sed -n 's/^S3_SECRET_KEY=//p' "$dir/s3.env")
  [ -n "$secret_key" ] || secret_key=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
  access_key=ferry:tester
  rm -f "$dir/s3.env"
  # `curl --user ferry:tester:SECRET` would split at the first colon (user "ferry"): a netrc file
  # carries a key with a colon intact.
  (umask 077; echo "machine 127.0.0.1 login $access_key password $secret_key" >"$dir/run/netrc")
  write_configs
  build_rings

  deadline=$((SECONDS + timeout_s))
  # argv[0] names DIR so that `stop` can tell this memcached from any other.
  launch memcached bash -c 'exec -a "memcached $1/" /usr/bin/memcached -l 127.0.0.1 -p "$2" -U 0 -u root -m 64' \
    _ "$dir" $((port + 4))
  local kind
  for kind in object container account; do
    launch "$kind" $PY "$dir/bin/swift-server.py" "$dir/etc" "$kind-server" "$dir/etc/$kind-server.conf" -v
  done
  launch proxy $PY "$dir/bin/swift-server.py" "$dir/etc" proxy-server "$dir/etc/proxy-server.conf" -v
  launch throttled $PY "$dir/bin/swift-server.py" "$dir/etc" proxy-server "$dir/etc/throttled.conf" -v

  wait_for memcached "memcached answering on 127.0.0.1:$((port + 4))" port_open $((port + 4))
  wait_for object "object server healthcheck on 127.0.0.1:$((port + 1))" healthy $((port + 1))
  wait_for container "container server healthcheck on 127.0.0.1:$((port + 2))" healthy $((port + 2))
  wait_for account "account server healthcheck on 127.0.0.1:$((port + 3))" healthy $((port + 3))
  wait_for proxy "proxy healthcheck on 127.0.0.1:$port" healthy "$port"
  wait_for throttled "throttled proxy healthcheck on 127.0.0.1:$((port + 5))" healthy $((port + 5))

  # Over S3: create a bucket, PUT an object, GET it back and compare, then clean up.
  local bucket=ferry-ready-check body="ready $RANDOM $RANDOM" code
  # Retried while the proxy cannot answer yet (no answer, 5xx); any other refusal is final.
  bucket_put() {
    code=$(s3 PUT "/$bucket") || code=000
    case $code in 200) return 0;; 000|5*) return 1;; esac
    fail_start proxy "S3 bucket PUT answered $code"
  }
  wait_for proxy "S3 bucket PUT on http://127.0.0.1:$port" bucket_put
  code=$(s3 PUT "/$bucket/probe.txt" --data-binary "$body" -H 'Content-Type: text/plain') || code=000
  [ "$code" = 200 ] || fail_start proxy "S3 object PUT answered $code: $(head -c 300 "$dir/run/s3.out")"
  code=$(s3 GET "/$bucket/probe.txt") || code=000
  [ "$code" = 200 ] && [ "$(cat "$dir/run/s3.out")" = "$body" ] \
    || fail_start proxy "S3 object GET answered $code with other content: $(head -c 300 "$dir/run/s3.out")"
  code=$(s3 DELETE "/$bucket/probe.txt") || code=000
  [ "$code" = 204 ] || fail_start proxy "S3 object DELETE answered $code: $(head -c 300 "$dir/run/s3.out")"
  code=$(s3 DELETE "/$bucket") || code=000
  [ "$code" = 204 ] || fail_start proxy "S3 bucket DELETE answered $code: $(head -c 300 "$dir/run/s3.out")"
  rm -f "$dir/run/s3.out"

  cat >"$dir/s3.env" <<EOF
S3_ENDPOINT=http://127.0.0.1:$port
S3_ACCESS_KEY=$access_key
S3_SECRET_KEY=$secret_key
S3_REGION=us-east-1
S3_THROTTLED_ENDPOINT=http://127.0.0.1:$((port + 5))
S3_THROTTLED_LOG=$dir/log/throttled.log
EOF
  log "ready in ${SECONDS} s (logs in $dir/log; stop with: $0 stop $dir)"
  cat "$dir/s3.env"
}

# ---------------------------------------------------------------------------- main
[ $# -ge 2 ] || usage
action=$1
[ "$action" = start ] && { mkdir -p "$2" 2>/dev/null || true; }
if [ "$action" = stop ] && [ ! -d "$2" ]; then log "nothing to stop: $2 does not exist"; exit 0; fi
[ -d "$2" ] || die "cannot use $2 as the folder"
dir=$(cd "$2" && pwd)
port=${3:-18480}
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1024 ] && [ "$port" -le 65529 ] || die "PORT must be 1024..65529"

case $action in
  start) start_all ;;
  stop) stop_all ;;
  *) usage ;;
esac
