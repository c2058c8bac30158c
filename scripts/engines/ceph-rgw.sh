#!/usr/bin/env bash
# A throw-away single-host Ceph cluster with a RADOS Gateway (S3) on 127.0.0.1, for tests: one
# monitor, one OSD (memstore in RAM by default), one radosgw with the beast frontend, everything
# (configuration, keyrings, data, logs, pids, sockets) in one folder. No Docker, no cephadm, no
# systemd. Installs the Debian packages first when missing (scripts/apt-get-waiting.sh).
#
#   scripts/engines/ceph-rgw.sh start DIR [PORT]
#       Builds a new cluster in DIR (created when missing; must be empty or a folder this script
#       made, whose cluster is stopped) with the gateway on 127.0.0.1:PORT (a free port when not
#       given) and, once a bucket and an object round-trip with SigV4, prints and writes to
#       DIR/s3.env:
#         S3_ENDPOINT=http://127.0.0.1:PORT
#         S3_ACCESS_KEY=...
#         S3_SECRET_KEY=...
#         S3_REGION=us-east-1
#         S3_TLS_ENDPOINT=https://localhost:TLSPORT   the same gateway over TLS (a free port), its
#         S3_CA_FILE=DIR/tls/ca.pem                    certificate (localhost, 127.0.0.1) signed by
#                                                      a throw-away authority made in DIR/tls
#       Exit status 0 when ready; otherwise 1, after naming what did not come up with the last
#       lines of its log and stopping whatever it had started.
#   scripts/engines/ceph-rgw.sh stop DIR
#       Stops every process start recorded in DIR/pids (gateway, OSD, monitor) and waits until
#       none is left. Leaves DIR (logs, data) to the caller.
#
# Environment (optional):
#   CEPH_RGW_OBJECTSTORE=memstore|bluestore  memstore (default: RAM, grows with the data stored,
#       fastest) or BlueStore on a sparse file in DIR (CEPH_RGW_BLUESTORE_SIZE, default 8G).
#   CEPH_RGW_MEMSTORE_BYTES  the size the memstore OSD reports (default 8 GiB): writes fail once
#       it is 95% full. It is a cap, not an allocation; the OSD holds about twice what is stored
#       in RAM, until deleted objects are garbage-collected (15-30 s after the delete here).
#   CEPH_RGW_TIMEOUT  seconds each stage may take before start gives up (default 60).
#
# Made for root (the daemons then run as root: no --setuser is given; tested so). Nothing in it
# needs root but apt-get, which goes through sudo otherwise (untested). Binds 127.0.0.1 only: the
# monitor on a free port, the OSD in Ceph's 6800-7300 range, the gateway on PORT. The cluster's
# own tools work on it with -c DIR/ceph.conf (e.g. radosgw-admin -c DIR/ceph.conf bucket list).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
timeout_seconds=${CEPH_RGW_TIMEOUT:-60}
region=us-east-1
sigv4="aws:amz:$region:s3"

usage() {
  echo "usage: $0 start DIR [PORT] | $0 stop DIR" >&2
  exit 2
}

fail() {
  echo "ceph-rgw: $*" >&2
  exit 1
}

# --- install --------------------------------------------------------------------------------
install_when_missing() {
  local missing=() need
  for need in ceph-mon:ceph-mon ceph-osd:ceph-osd radosgw:radosgw ceph:ceph-common \
              radosgw-admin:ceph-common ceph-authtool:ceph-common monmaptool:ceph-base \
              curl:curl uuidgen:uuid-runtime ss:iproute2; do
    command -v "${need%%:*}" >/dev/null 2>&1 || missing+=("${need#*:}")
  done
  ((${#missing[@]})) || return 0
  # unique package names
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "ceph-rgw: installing ${missing[*]}" >&2
  { "$repo/scripts/apt-get-waiting.sh" update -q \
      && "$repo/scripts/apt-get-waiting.sh" install -y -q --no-install-recommends "${missing[@]}"; } >&2 \
    || fail "could not install ${missing[*]}; install them and run again."
}

# --- helpers --------------------------------------------------------------------------------
source "$here/free-port.sh"

port_in_use() {
  [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
}

random_string() { # LENGTH CHARACTERS
  local s
  s=$(LC_ALL=C tr -dc "$2" </dev/urandom | head -c "$1")
  echo "$s"
}

# pid of a process this script started in DIR, when it still runs (and is still ours: the pid's
# command line names our ceph.conf, so a recycled pid is never touched).
running_pid() { # NAME
  local file="$dir/pids/$1.pid" pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/ceph.conf" || return 1
  echo "$pid"
}

log_tail() { # LOGFILE...
  local f
  for f in "$@"; do
    [ -s "$f" ] || continue
    echo "--- last lines of $f:" >&2
    tail -n 25 "$f" >&2
  done
}

# Starts a daemon in the foreground (-f) in the background, its output in DIR/log/NAME.out,
# records its pid. The executable is started directly, so $! is the daemon itself.
start_daemon() { # NAME COMMAND...
  local name=$1; shift
  "$@" -c "$dir/ceph.conf" -f </dev/null >>"$dir/log/$name.out" 2>&1 &
  echo $! >"$dir/pids/$name.pid"
}

started_failure() { # WHAT LOGFILE...
  local what=$1; shift
  echo "ceph-rgw: $what" >&2
  log_tail "$@"
  echo "ceph-rgw: stopping what was started; logs stay in $dir/log" >&2
  stop_all >/dev/null 2>&1
  exit 1
}

# wait_until WHAT DAEMON LOGFILE COMMAND...: runs COMMAND until it succeeds, at most
# $timeout_seconds; gives up at once when DAEMON (a name in DIR/pids, or "-") has exited.
wait_until() {
  local what=$1 daemon=$2 log=$3; shift 3
  local deadline=$((SECONDS + timeout_seconds))
  while true; do
    "$@" >/dev/null 2>&1 && return 0
    if [ "$daemon" != - ] && ! running_pid "$daemon" >/dev/null; then
      started_failure "$what: $daemon exited (see $dir/log/$daemon.out)" "$dir/log/$daemon.out" "$log"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      started_failure "$what: not within ${timeout_seconds} s" "$log" "$dir/log/$daemon.out"
    fi
    sleep 0.1
  done
}

ceph_cli() {
  timeout 15 ceph -c "$dir/ceph.conf" --connect-timeout 10 "$@"
}

osd_up() {
  local stat
  stat=$(ceph_cli osd stat -f json) || return 1
  grep -q '"num_up_osds":1' <<<"$stat"
}

# curl 7.88's --aws-sigv4 signs the payload's hash but does not send x-amz-content-sha256, which
# RGW then takes as missing: SignatureDoesNotMatch. Given the header, curl signs with its value.
empty_sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

s3() { # METHOD PATH [BODY-FILE]: prints the HTTP status
  local method=$1 path=$2 body=${3:-} hash=$empty_sha256 args=()
  if [ -n "$body" ]; then
    hash=$(sha256sum "$body" | cut -d' ' -f1)
    args=(-T "$body")
  fi
  curl -s -o /dev/null -w '%{http_code}' --max-time 15 -X "$method" "${args[@]}" \
    -H "x-amz-content-sha256: $hash" --aws-sigv4 "$sigv4" --user "$access_key:$secret_key" \
    "$endpoint$path"
}

gateway_answers() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$endpoint/")" = 200 ]
}

bucket_round_trip() {
  local bucket=ceph-rgw-ready object="$dir/tmp/ready-object" back="$dir/tmp/ready-object.back"
  head -c 100000 /dev/urandom >"$object"
  rm -f "$back"
  [ "$(s3 PUT "/$bucket")" = 200 ] || return 1
  [ "$(s3 PUT "/$bucket/ready" "$object")" = 200 ] || return 1
  [ "$(curl -s -o "$back" -w '%{http_code}' --max-time 15 -H "x-amz-content-sha256: $empty_sha256" \
        --aws-sigv4 "$sigv4" --user "$access_key:$secret_key" "$endpoint/$bucket/ready")" = 200 ] || return 1
  cmp -s "$object" "$back" || return 1
  [ "$(s3 DELETE "/$bucket/ready")" = 204 ] || return 1
  [ "$(s3 DELETE "/$bucket")" = 204 ] || return 1
  rm -f "$object" "$back"
}

# --- stop -----------------------------------------------------------------------------------
# One at a time, the gateway first: stopped after the cluster, radosgw waits for it (120 s) on
# SIGTERM. A memstore OSD gets SIGKILL (on SIGTERM it would first write its whole store to DIR,
# for nothing); whatever still runs 15 s after SIGTERM gets SIGKILL.
stop_one() { # NAME
  local name=$1 pid deadline
  pid=$(running_pid "$name") || { rm -f "$dir/pids/$name.pid"; return 0; }
  if [ "$name" = osd ] && [ "$(cat "$dir/objectstore" 2>/dev/null)" = memstore ]; then
    kill -KILL "$pid" 2>/dev/null
  else
    kill -TERM "$pid" 2>/dev/null
  fi
  deadline=$((SECONDS + 15))
  while [ -d "/proc/$pid" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "ceph-rgw: $name ($pid) still runs 15 s after SIGTERM; killing it" >&2
      kill -KILL "$pid" 2>/dev/null
      deadline=$((SECONDS + 15))
    fi
    sleep 0.05
  done
  wait "$pid" 2>/dev/null # reaps it when it is this shell's child (a failed start)
  rm -f "$dir/pids/$name.pid"
  echo "ceph-rgw: stopped $name ($pid)"
}

stop_all() {
  local name
  [ -d "$dir/pids" ] || return 0
  for name in rgw osd mon; do stop_one "$name"; done
}

# --- start ----------------------------------------------------------------------------------
# A throw-away authority and a gateway certificate for localhost and 127.0.0.1 signed by it, so
# clients can be tested with a CA file (S3StorageOptions.CaFile) rather than with checks turned off.
make_tls() {
  local tls=$1
  {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=Ferry test CA" \
        -keyout "$tls/ca.key" -out "$tls/ca.pem" \
      && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
        -keyout "$tls/gateway.key" -out "$tls/gateway.csr" \
      && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$tls/ext.cnf" \
      && openssl x509 -req -in "$tls/gateway.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 2 \
        -extfile "$tls/ext.cnf" -out "$tls/gateway.pem"
  } >"$tls/openssl.log" 2>&1
}

start() {
  local port=${1:-}
  local objectstore=${CEPH_RGW_OBJECTSTORE:-memstore}
  case "$objectstore" in memstore|bluestore) ;; *) fail "CEPH_RGW_OBJECTSTORE must be memstore or bluestore";; esac
  if [ -n "$port" ]; then
    [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || fail "PORT must be a number: $port"
  fi

  install_when_missing
  [ -z "$port" ] || ! port_in_use "$port" || fail "port $port is already in use on this machine"

  mkdir -p "$dir" || fail "cannot create $dir"
  dir=$(cd "$dir" && pwd)
  if [ -n "$(ls -A "$dir")" ]; then
    [ -f "$dir/.ceph-rgw" ] || fail "$dir is neither empty nor a folder made by this script"
    local name
    for name in rgw osd mon; do
      running_pid "$name" >/dev/null && fail "a cluster already runs in $dir; stop it first ($0 stop $dir)"
    done
    rm -rf "${dir:?}"/{ceph.conf,keyring,monmap,mon,osd,rgw,run,log,pids,tmp,crash,s3.env,objectstore,tls}
  fi
  touch "$dir/.ceph-rgw" || fail "cannot write to $dir"
  trap 'echo "ceph-rgw: interrupted; stopping what was started" >&2; stop_all >/dev/null 2>&1; exit 130' INT TERM HUP
  mkdir -p "$dir"/{mon,osd/ceph-0,rgw,run,log,pids,tmp,crash,tls} || fail "cannot write to $dir"
  make_tls "$dir/tls" || fail "openssl could not make the gateway's TLS certificate (see $dir/tls/openssl.log)"
  echo "$objectstore" >"$dir/objectstore"

  [ -n "$port" ] || port=$(free_port)
  local mon_port tls_port
  mon_port=$(free_port)
  while [ "$mon_port" = "$port" ]; do mon_port=$(free_port); done
  tls_port=$(free_port)
  while [ "$tls_port" = "$port" ] || [ "$tls_port" = "$mon_port" ]; do tls_port=$(free_port); done
  endpoint="http://127.0.0.1:$port"
  access_key=$(random_string 20 'A-Z0-9')
  secret_key=$(random_string 40 'A-Za-z0-9')

  local fsid osd_uuid
  fsid=$(uuidgen)
  osd_uuid=$(uuidgen)

  cat >"$dir/ceph.conf" <<EOF
# Written by scripts/engines/ceph-rgw.sh: a throw-away test cluster, everything in this folder.
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
ms bind msgr1 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/keyring
run dir = $dir/run
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
mon cluster log file = $dir/log/cluster.log
crash dir = $dir/crash
log to stderr = false
err to stderr = true
# a test cluster: one copy, few placement groups, no waiting
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon max pg per osd = 1000
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
paxos propose interval = 0.05
mon data avail warn = 1
mon data avail crit = 0

[mon]
mon data = $dir/mon/ceph-\$id

[osd]
osd data = $dir/osd/ceph-\$id
osd objectstore = $objectstore
memstore device bytes = ${CEPH_RGW_MEMSTORE_BYTES:-8589934592}
bluestore block create = true
bluestore block size = ${CEPH_RGW_BLUESTORE_SIZE:-8G}
bluestore fsck on mount = false
bluestore fsck on mkfs = false
osd crush update on start = true

[client.rgw.a]
rgw data = $dir/rgw
rgw frontends = beast endpoint=127.0.0.1:$port ssl_endpoint=127.0.0.1:$tls_port ssl_certificate=$dir/tls/gateway.pem ssl_private_key=$dir/tls/gateway.key
# deleted objects' data goes to the garbage collector, by default for 2 h: with memstore that is
# RAM held (about 2 bytes per byte stored) long after the tests deleted it
rgw gc obj min wait = 15
rgw gc processor period = 15
EOF

  # Keys: the monitor imports all of them at --mkfs, so the OSD and the gateway need no
  # "ceph auth" round-trips later.
  {
    ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' \
    && ceph-authtool "$dir/keyring" --gen-key -n client.admin \
         --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *' \
    && ceph-authtool "$dir/keyring" --gen-key -n osd.0 \
         --cap mon 'allow profile osd' --cap osd 'allow *' --cap mgr 'allow profile osd' \
    && ceph-authtool "$dir/keyring" --gen-key -n client.rgw.a \
         --cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw' \
    && monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" \
    && ceph-mon -c "$dir/ceph.conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring"
  } >"$dir/log/mkfs.out" 2>&1 || { log_tail "$dir/log/mkfs.out"; fail "creating the monitor failed"; }
  chmod 600 "$dir/keyring"

  start_daemon mon ceph-mon -i a
  # the OSD's store needs no monitor to be made: meanwhile the monitor starts
  ceph-osd -c "$dir/ceph.conf" -i 0 --mkfs --osd-uuid "$osd_uuid" --no-mon-config \
    >>"$dir/log/osd-mkfs.out" 2>&1 \
    || started_failure "creating the OSD's store ($objectstore) failed" "$dir/log/osd-mkfs.out" "$dir/log/osd.0.log"

  wait_until "the monitor (127.0.0.1:$mon_port) did not answer" mon "$dir/log/mon.a.log" ceph_cli mon stat
  ceph_cli osd new "$osd_uuid" 0 >>"$dir/log/osd-mkfs.out" 2>&1 \
    || started_failure "\"ceph osd new\" failed" "$dir/log/osd-mkfs.out" "$dir/log/mon.a.log"

  start_daemon osd ceph-osd -i 0
  start_daemon rgw radosgw -n client.rgw.a
  wait_until "the OSD did not come up" osd "$dir/log/osd.0.log" osd_up

  timeout "$timeout_seconds" radosgw-admin -c "$dir/ceph.conf" user create --uid=ferry-test \
      --display-name="Ferry tests" --access-key="$access_key" --secret-key="$secret_key" \
      >"$dir/log/user-create.out" 2>&1 \
    || started_failure "radosgw-admin user create failed" "$dir/log/user-create.out"

  wait_until "the gateway did not answer HTTP 200 on $endpoint" rgw "$dir/log/client.rgw.a.log" gateway_answers
  wait_until "a bucket and object round-trip with SigV4 on $endpoint failed" rgw "$dir/log/client.rgw.a.log" bucket_round_trip

  local env="S3_ENDPOINT=$endpoint
S3_ACCESS_KEY=$access_key
S3_SECRET_KEY=$secret_key
S3_REGION=$region
S3_TLS_ENDPOINT=https://localhost:$tls_port
S3_CA_FILE=$dir/tls/ca.pem"
  echo "$env" >"$dir/s3.env"
  trap - INT TERM HUP
  echo "$env"
}

# --- main -----------------------------------------------------------------------------------
[ $# -ge 2 ] || usage
command=$1 dir=$2
[ -n "$dir" ] || usage
case "$command" in
  start)
    [ $# -le 3 ] || usage
    start "${3:-}"
    ;;
  stop)
    [ $# -eq 2 ] || usage
    [ -d "$dir" ] || fail "no folder $dir"
    dir=$(cd "$dir" && pwd)
    stop_all
    ;;
  *) usage ;;
esac
