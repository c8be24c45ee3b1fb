#!/bin/sh
# tests/pg/server.sh - a throw-away PostgreSQL 15 + PostGIS 3 server for the
# PostGIS tests, on 127.0.0.1 only, in a temporary data directory.
#
#   tests/pg/server.sh start STATE_DIR   initdb, start, create the test role
#                                        and database with PostGIS; writes
#                                        STATE_DIR/env (PGHOST, PGPORT, ...)
#   tests/pg/server.sh stop STATE_DIR    stop the server, remove its data
#
# The server listens on the first free port from 55432 on, accepts TCP
# connections from 127.0.0.1 with a password (scram-sha-256) and, for the
# set-up only, the postgres superuser through a Unix socket inside the
# private data directory.  initdb refuses to run as root: as root the
# server runs as the 'postgres' system user (created by the postgresql-15
# package).  Needs postgresql-15-postgis-3 (scripts/debian-packages.txt).
set -eu

cmd=${1:-}
state=${2:-}
if [ -z "$cmd" ] || [ -z "$state" ]; then
    echo "usage: tests/pg/server.sh start|stop STATE_DIR" >&2
    exit 2
fi

bindir=""
for d in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)"; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
        bindir=$d
        break
    fi
done

# Run a command as the server's owner.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

stop_server() {
    [ -f "$state/env" ] || return 0
    # shellcheck disable=SC1091
    . "$state/env"
    if [ -n "${SL_PG_DATA:-}" ] && [ -d "$SL_PG_DATA" ]; then
        if [ -f "$SL_PG_DATA/postmaster.pid" ]; then
            as_owner "$bindir/pg_ctl" -D "$SL_PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$SL_PG_DATA"
    fi
    rm -f "$state/env"
}

case "$cmd" in
stop)
    if [ -z "$bindir" ]; then
        rm -f "$state/env"
        exit 0
    fi
    stop_server
    echo "pg server: stopped"
    exit 0
    ;;
start) ;;
*)
    echo "usage: tests/pg/server.sh start|stop STATE_DIR" >&2
    exit 2
    ;;
esac

if [ -z "$bindir" ]; then
    echo "pg server: PostgreSQL 15 not found (no /usr/lib/postgresql/15/bin/initdb);" \
        "install postgresql-15-postgis-3 (scripts/bootstrap does)" >&2
    exit 1
fi
if [ ! -f /usr/share/postgresql/15/extension/postgis.control ] &&
    [ ! -f "$("$bindir/pg_config" --sharedir 2>/dev/null)/extension/postgis.control" ]; then
    echo "pg server: PostGIS for PostgreSQL 15 not found; install postgresql-15-postgis-3" \
        "(scripts/bootstrap does)" >&2
    exit 1
fi
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "pg server: running as root needs the 'postgres' system user (made by the" \
        "postgresql-15 package)" >&2
    exit 1
fi

mkdir -p "$state"
stop_server # a server left over by an interrupted run

# As root the server runs as 'postgres', which must reach the directory:
# /tmp rather than a TMPDIR that may be root's own.
if [ "$(id -u)" = 0 ]; then
    data=$(mktemp -d /tmp/shanglou-pg.XXXXXX)
    chown postgres: "$data"
else
    data=$(mktemp -d "${TMPDIR:-/tmp}/shanglou-pg.XXXXXX")
fi
chmod 700 "$data"

# Anything that fails from here on removes the data directory.
trap 'as_owner "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$data"' EXIT

as_owner "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    >"$state/initdb.log" 2>&1 || {
    echo "pg server: initdb failed:" >&2
    cat "$state/initdb.log" >&2
    exit 1
}
cat >"$data/pg_hba.conf" <<EOF
# superuser: only through the socket inside this private directory
local all postgres trust
# everyone else: TCP on the loopback address, with a password
host all all 127.0.0.1/32 scram-sha-256
EOF
cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$data'
password_encryption = scram-sha-256
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 20
log_min_messages = warning
EOF

port=""
for p in $(seq 55432 55462); do
    if as_owner "$bindir/pg_ctl" -D "$data" -o "-p $p" -l "$data/server.log" -w -t 30 start \
        >/dev/null 2>&1; then
        port=$p
        break
    fi
done
if [ -z "$port" ]; then
    echo "pg server: could not start on any port 55432-55462:" >&2
    tail -n 20 "$data/server.log" >&2 || true
    exit 1
fi

# The test role's password is deliberately distinctive: the tests check it
# never appears in anything shanglou prints.
password="sl-Secr3t-$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
su_psql() {
    as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$data" -p "$port" -U postgres "$@"
}
su_psql -d postgres <<EOF
CREATE ROLE shanglou LOGIN PASSWORD '$password';
CREATE DATABASE shanglou_test OWNER shanglou;
EOF
su_psql -d shanglou_test <<EOF
CREATE EXTENSION postgis;
EOF

cat >"$state/env" <<EOF
SL_PG_DATA='$data'
SL_PG_BIN='$bindir'
PGHOST='127.0.0.1'
PGPORT='$port'
PGDATABASE='shanglou_test'
PGUSER='shanglou'
PGPASSWORD='$password'
EOF
trap - EXIT
echo "pg server: $("$bindir/postgres" -V) on 127.0.0.1:$port," \
    "database shanglou_test, data in $data"
