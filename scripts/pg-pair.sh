#!/usr/bin/env bash
# A PostgreSQL 15 primary and a synchronous standby on this machine, for failover tests of Lots
# (issue 18; docs/operations.md, "Several instances and a highly available database").
#
#   scripts/pg-pair.sh start DIR         primary on 127.0.0.1:55432, standby on :55433, database lots
#   scripts/pg-pair.sh kill-primary DIR  kill -9 the primary's postmaster (a crashed machine)
#   scripts/pg-pair.sh promote DIR       promote the standby, as Patroni would, and let it commit
#                                        without a synchronous standby (Patroni's synchronous_mode,
#                                        not _strict, does the same when no standby is left)
#   scripts/pg-pair.sh status DIR        each node's role
#   scripts/pg-pair.sh stop DIR          stop both and remove DIR
#
# It stands in for Patroni (which would notice the dead leader through etcd and promote) so the
# failover can be run where Patroni, etcd and HAProxy are not installed; Lots reaches the pair
# with a URL naming both hosts and target_session_attrs=read-write, as it would reach HAProxy's
# write port. Run as root (the servers run as the postgres user) or as postgres.
set -euo pipefail
cmd=${1:?start|kill-primary|promote|status|stop}
dir=${2:?directory}
bin=/usr/lib/postgresql/15/bin
PRIMARY_PORT=${PRIMARY_PORT:-55432}
STANDBY_PORT=${STANDBY_PORT:-55433}

as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
PSQL=$(command -v psql || echo /usr/lib/postgresql/15/bin/psql)
psql_at() { as_pg "$PSQL" -X -q -t -A -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "$2"; }

case "$cmd" in
start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    as_pg "$bin/initdb" -D "$dir/a" -A trust -U postgres --no-instructions >/dev/null
    cat >>"$dir/a/postgresql.conf" <<CONF
port = $PRIMARY_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
wal_level = replica
max_wal_senders = 5
wal_keep_size = '256MB'
hot_standby = on
synchronous_commit = on
synchronous_standby_names = 'standby'
fsync = on
logging_collector = off
CONF
    as_pg "$bin/pg_ctl" -D "$dir/a" -l "$dir/a.log" -w start >/dev/null
    as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$dir/b" -X stream >/dev/null
    as_pg touch "$dir/b/standby.signal"
    cat >>"$dir/b/postgresql.conf" <<CONF
port = $STANDBY_PORT
primary_conninfo = 'host=127.0.0.1 port=$PRIMARY_PORT user=postgres application_name=standby'
CONF
    as_pg "$bin/pg_ctl" -D "$dir/b" -l "$dir/b.log" -w start >/dev/null
    for _ in $(seq 1 50); do
        if [ "$(psql_at "$PRIMARY_PORT" "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'")" = sync ]; then
            psql_at "$PRIMARY_PORT" "CREATE DATABASE lots" >/dev/null
            echo "primary 127.0.0.1:$PRIMARY_PORT, synchronous standby 127.0.0.1:$STANDBY_PORT, database lots"
            exit 0
        fi
        sleep 0.2
    done
    echo "the standby did not become synchronous" >&2
    exit 1
    ;;
kill-primary)
    pid=$(head -1 "$dir/a/postmaster.pid")
    kill -9 "$pid"
    # Its backends die with it once they notice; make sure none keeps the port.
    for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do kill -9 "$child" 2>/dev/null || true; done
    echo "killed the primary (postmaster $pid)"
    ;;
promote)
    as_pg "$bin/pg_ctl" -D "$dir/b" -w promote >/dev/null
    psql_at "$STANDBY_PORT" "ALTER SYSTEM SET synchronous_standby_names = ''" >/dev/null
    psql_at "$STANDBY_PORT" "SELECT pg_reload_conf()" >/dev/null
    echo "promoted the standby on 127.0.0.1:$STANDBY_PORT"
    ;;
status)
    for p in "$PRIMARY_PORT" "$STANDBY_PORT"; do
        r=$(psql_at "$p" "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END" 2>/dev/null || echo down)
        echo "127.0.0.1:$p $r"
    done
    ;;
stop)
    for n in a b; do
        [ -f "$dir/$n/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/$n" -m immediate stop >/dev/null 2>&1 || true
    done
    rm -rf "$dir"
    ;;
*)
    echo "unknown command $cmd" >&2
    exit 2
    ;;
esac
