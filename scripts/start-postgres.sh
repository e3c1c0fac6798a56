#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on 127.0.0.1 for the store tests, and print (eval-able):
#   export AISCAN_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:PORT/aiscan_test
#   export AISCAN_TEST_POSTGRES_DATA=DIR      (stop it with: scripts/start-postgres.sh stop DIR)
# Installs Debian's postgresql package when no server binaries are found (needs root for that).
# The cluster lives in a fresh temp directory owned by the postgres user; it trusts loopback only.
set -euo pipefail

find_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        if [[ -x "$dir/pg_ctl" && -x "$dir/initdb" ]]; then
            echo "$dir"
        fi
    done | sort -V | tail -n 1
}

as_owner() {  # initdb and postgres refuse to run as root
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

if [[ "${1:-}" == "stop" ]]; then
    bin="$(find_bin)"
    as_owner "$bin/pg_ctl" -D "$2" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$2"
    exit 0
fi

bin="$(find_bin)"
if [[ -z "$bin" ]]; then
    if [[ "$(id -u)" != 0 ]]; then
        echo "start-postgres: no PostgreSQL server installed and not root to install it" >&2
        exit 1
    fi
    echo "start-postgres: installing postgresql (apt-get)" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin="$(find_bin)"
fi

data="$(mktemp -d /tmp/aiscan-pg.XXXXXX)"
if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres: "$data"
fi
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

as_owner "$bin/initdb" -D "$data/db" -U postgres -A trust -E UTF8 --no-sync >/dev/null
as_owner "$bin/pg_ctl" -D "$data/db" -l "$data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c max_connections=200" \
    start >/dev/null
as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt \
    -c "CREATE DATABASE aiscan_test" >/dev/null

echo "export AISCAN_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$port/aiscan_test"
echo "export AISCAN_TEST_POSTGRES_DATA=$data"
