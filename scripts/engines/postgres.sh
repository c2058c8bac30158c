#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server on 127.0.0.1 for tests (issue 17: the shared user store and
# state of several nodes), everything in one folder: the cluster (DIR/data), its Unix socket
# (DIR/run), its log (DIR/log). No system service is used or touched. Installs Debian's
# postgresql-15 first when missing (scripts/apt-get-waiting.sh), without recommends.
#
#   scripts/engines/postgres.sh start DIR [PORT]
#       Makes a new cluster in DIR (created when missing; must be empty or a stopped folder of this
#       script, which is then rebuilt) listening on 127.0.0.1:PORT only (a free port when not
#       given), with a role "ferry" (a random password, SCRAM over TCP) owning a database "ferry",
#       and once a query over TCP with that password works, prints and writes to DIR/pg.env:
#         PG_HOST=127.0.0.1
#         PG_PORT=PORT
#         PG_USER=ferry
#         PG_PASSWORD=...
#         PG_DATABASE=ferry
#         PG_CONNECTION=Host=127.0.0.1;Port=PORT;Username=ferry;Password=...;Database=ferry
#       The role may create databases (CREATEDB), so tests make one per test class:
#       CREATE DATABASE tN TEMPLATE template0 (0.1-0.4 s).
#       Exit status 0 when ready; otherwise 1, with the last lines of the server's log, after
#       stopping what it started.
#   scripts/engines/postgres.sh stop DIR
#       Stops the server (fast shutdown: sessions are ended) and waits until it is gone.
#
# Durability is off (fsync, synchronous_commit, full_page_writes): a test cluster trades crash
# safety for speed, and is thrown away. Run as root, the server runs as the `postgres` account the
# package creates (PostgreSQL refuses to run as root), and DIR is given to it.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=/usr/lib/postgresql/15/bin
timeout_seconds=${POSTGRES_TIMEOUT:-60}

usage() {
  echo "usage: $0 start DIR [PORT] | $0 stop DIR" >&2
  exit 2
}

fail() {
  echo "postgres: $*" >&2
  exit 1
}

install_when_missing() {
  [ -x "$bin/postgres" ] && [ -x "$bin/initdb" ] && command -v ss >/dev/null 2>&1 && return 0
  echo "postgres: installing postgresql-15" >&2
  { "$repo/scripts/apt-get-waiting.sh" update -q \
      && "$repo/scripts/apt-get-waiting.sh" install -y -q --no-install-recommends postgresql-15 iproute2; } >&2 \
    || fail "could not install postgresql-15; install it and run again."
}

source "$here/free-port.sh"

# COMMAND...: as the server's account (postgres when root, else the caller).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop() {
  [ -f "$dir/data/postmaster.pid" ] || { echo "postgres: nothing running in $dir" >&2; return 0; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
    || as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 15 stop >/dev/null 2>&1
  [ -f "$dir/data/postmaster.pid" ] && fail "the server in $dir did not stop (see $dir/log/postgres.log)"
  echo "postgres: stopped" >&2
}

start() {
  local port=${1:-}
  install_when_missing
  if [ -f "$dir/data/postmaster.pid" ]; then
    fail "a server is running in $dir; run: $0 stop $dir"
  fi
  if [ -n "$(ls -A "$dir" 2>/dev/null)" ] && [ ! -f "$dir/pg.env" ] && [ ! -d "$dir/data" ]; then
    fail "$dir is not empty and not a folder of this script"
  fi
  rm -rf "${dir:?}"/{data,run,log,pg.env,pwfile}
  mkdir -p "$dir"/{run,log} || fail "cannot write to $dir"
  [ -n "$port" ] || port=$(free_port)
  [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ] || fail "port $port on 127.0.0.1 is in use"

  local password
  password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
  (umask 077; printf '%s\n' "$password" > "$dir/pwfile")
  if [ "$(id -u)" -eq 0 ]; then
    # The server's account must reach DIR: every folder above it searchable, DIR its own.
    chown -R postgres: "$dir"
    local up=$dir
    while [ "$up" != / ]; do up=$(dirname "$up"); chmod o+x "$up" 2>/dev/null || true; done
  fi

  trap 'stop >/dev/null 2>&1; exit 1' INT TERM HUP
  # The bootstrap superuser is "ferry" itself: no "postgres" role, and nothing more to create but
  # the database. Local (Unix socket) connections trust the folder's owner; TCP needs the password.
  as_owner "$bin/initdb" -D "$dir/data" -U ferry --pwfile="$dir/pwfile" --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-instructions >"$dir/log/initdb.log" 2>&1 \
    || fail "initdb failed: $(tail -n 5 "$dir/log/initdb.log")"
  rm -f "$dir/pwfile"
  cat >>"$dir/data/postgresql.conf" <<EOF
# scripts/engines/postgres.sh: loopback only, socket in DIR/run, durability off (a test cluster)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/run'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
logging_collector = off
EOF

  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log/postgres.log" -w -t "$timeout_seconds" start >/dev/null 2>&1 \
    || { stop >/dev/null 2>&1; fail "the server did not start: $(tail -n 8 "$dir/log/postgres.log")"; }

  as_owner "$bin/psql" -h "$dir/run" -p "$port" -U ferry -d postgres -v ON_ERROR_STOP=1 -qAt \
      -c "CREATE DATABASE ferry OWNER ferry TEMPLATE template0" >"$dir/log/setup.log" 2>&1 \
    || { stop >/dev/null 2>&1; fail "CREATE DATABASE failed: $(tail -n 5 "$dir/log/setup.log")"; }

  # Ready only once a password login over TCP works, as a client's will.
  local answer
  answer=$(PGPASSWORD=$password as_owner env PGPASSWORD="$password" "$bin/psql" "host=127.0.0.1 port=$port user=ferry dbname=ferry" -qAt -c "SELECT 40 + 2" 2>"$dir/log/check.log")
  [ "$answer" = 42 ] || { stop >/dev/null 2>&1; fail "a query over TCP with the password failed: $(tail -n 5 "$dir/log/check.log")"; }

  local env="PG_HOST=127.0.0.1
PG_PORT=$port
PG_USER=ferry
PG_PASSWORD=$password
PG_DATABASE=ferry
PG_CONNECTION=Host=127.0.0.1;Port=$port;Username=ferry;Password=$password;Database=ferry"
  (umask 077; echo "$env" >"$dir/pg.env")
  trap - INT TERM HUP
  echo "$env"
}

[ $# -ge 2 ] || usage
action=$1
[ "$action" = start ] && { mkdir -p "$2" 2>/dev/null || true; }
if [ "$action" = stop ] && [ ! -d "$2" ]; then echo "postgres: nothing to stop: $2 does not exist" >&2; exit 0; fi
[ -d "$2" ] || fail "cannot use $2 as the folder"
dir=$(cd "$2" && pwd)

case $action in
  start) start "${3:-}" ;;
  stop) stop ;;
  *) usage ;;
esac
