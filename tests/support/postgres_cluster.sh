#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, from Debian's postgresql package.
#
#   postgres_cluster.sh start DIR   # initdb into DIR/data, start the server, write DIR/url
#   postgres_cluster.sh stop DIR    # stop it (pg_ctl stop -m fast); DIR stays for a look
#
# The server listens on 127.0.0.1 only, on a free port, and on a Unix socket in DIR; it trusts
# local connections (nothing else can reach it). DIR/url holds the connection URL of the
# maintenance database, postgresql://postgres@127.0.0.1:PORT/postgres, which is also printed.
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user.
# A throwaway cluster needs no durability: initdb does not sync and the server runs without fsync,
# which keeps them fast on a machine whose disk is busy with builds.
set -euo pipefail

command=${1:-}
dir=${2:-}
if [ -z "$command" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

bin=${POSTGRES_BIN:-}
if [ -z "$bin" ]; then
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
fi
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "$0: PostgreSQL's server programs were not found (install Debian's postgresql: scripts/setup.sh)" >&2
  exit 1
fi

as_owner() {  # runs a command as the cluster's owner
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$command" in
  start)
    mkdir -p "$dir"
    dir=$(readlink -f "$dir")
    data="$dir/data"
    if [ -f "$data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$data" stop -m fast >/dev/null 2>&1 || true
    fi
    rm -rf "$data" "$dir/url"
    mkdir -p "$data"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir" "$data"
    fi
    chmod 700 "$data"
    as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync \
      --no-instructions >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    for attempt in 1 2 3 4 5; do
      port=$(free_port)
      if as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null; then
        url="postgresql://postgres@127.0.0.1:$port/postgres"
        echo "$url" >"$dir/url"
        echo "$url"
        exit 0
      fi
      echo "$0: the server did not start on port $port (attempt $attempt)" >&2
    done
    cat "$dir/server.log" >&2
    exit 1
    ;;
  stop)
    dir=$(readlink -f "$dir")
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" stop -m fast >/dev/null
    fi
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
