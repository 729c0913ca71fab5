#!/usr/bin/env bash
# A highly available PostgreSQL 15 cluster on 127.0.0.1 for Lots' failover tests (issue 18):
# three etcd members, three PostgreSQL nodes under Patroni with synchronous_mode, and HAProxy
# routing its write port to the leader by Patroni's REST check. All Debian packages
# (apt-get install postgresql-15 patroni etcd-server haproxy); everything runs under DIR and is
# stopped by `stop`.
#
#   scripts/ha-cluster.sh start DIR           start it; Lots' URL is printed (HAProxy, port 5440)
#   scripts/ha-cluster.sh status DIR          Patroni's view of the members, and etcd's leader
#   scripts/ha-cluster.sh kill-leader DIR     kill -9 the leader's postmaster (Patroni restarts it
#                                             or, failing that, fails over)
#   scripts/ha-cluster.sh kill-leader-node DIR  kill -9 the leader's Patroni and postmaster (a machine
#                                             lost: a standby takes over after the leader key's ttl)
#   scripts/ha-cluster.sh kill-etcd-leader DIR  kill -9 the etcd leader
#   scripts/ha-cluster.sh kill-etcd-quorum DIR  kill -9 two of the three etcd members (no quorum:
#                                             Patroni demotes the leader once its key expires)
#   scripts/ha-cluster.sh restore-etcd DIR    start again every etcd member that is down
#   scripts/ha-cluster.sh stop DIR            stop everything and remove DIR
#
# Ports: etcd 2379/2380, 22379/22380, 32379/32380; PostgreSQL 5441–5443; Patroni REST 8011–8013;
# HAProxy 5440 (writes). Run as root: the servers run as the postgres user.
set -euo pipefail
cmd=${1:?start|status|kill-leader|kill-leader-node|kill-etcd-leader|kill-etcd-quorum|restore-etcd|stop}
dir=${2:?directory}
bin=/usr/lib/postgresql/15/bin
ETCD_HOSTS=127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

etcd_leader() {
    # The member whose status says it is the leader: "etcdN".
    for i in 1 2 3; do
        port=$([ $i = 1 ] && echo 2379 || echo "${i}2379")
        s=$(curl -s -m 2 -X POST "http://127.0.0.1:$port/v3/maintenance/status" -d '{}' || true)
        [ -z "$s" ] && continue
        python3 -c 'import json,sys; s=json.loads(sys.argv[1]); print("yes" if s.get("leader")==s.get("header",{}).get("member_id") else "no")' "$s" | grep -q yes && { echo "etcd$i"; return; }
    done
    echo none
}

leader() {
    # The Patroni member that answers 200 on /primary: "nN".
    for i in 1 2 3; do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' -m 2 "http://127.0.0.1:801$i/primary" || true)" = 200 ]; then echo "n$i"; return; fi
    done
    echo none
}

# start_etcd N STATE starts etcd member N (STATE: new, or existing for a member restarted).
start_etcd() {
    local i=$1 client peer cluster=""
    for j in 1 2 3; do
        peer=$([ "$j" = 1 ] && echo 2380 || echo "${j}2380")
        cluster="$cluster${cluster:+,}etcd$j=http://127.0.0.1:$peer"
    done
    client=$([ "$i" = 1 ] && echo 2379 || echo "${i}2379")
    peer=$([ "$i" = 1 ] && echo 2380 || echo "${i}2380")
    as_pg bash -c "nohup etcd --name etcd$i --data-dir '$dir/etcd$i' \
        --listen-client-urls http://127.0.0.1:$client --advertise-client-urls http://127.0.0.1:$client \
        --listen-peer-urls http://127.0.0.1:$peer --initial-advertise-peer-urls http://127.0.0.1:$peer \
        --initial-cluster '$cluster' --initial-cluster-state $2 --initial-cluster-token lots-test \
        --heartbeat-interval 200 --election-timeout 2000 >>'$dir/etcd$i.log' 2>&1 & echo \$! >'$dir/etcd$i.pid'"
}

etcd_up() { kill -0 "$(cat "$dir/etcd$1.pid" 2>/dev/null || echo 0)" 2>/dev/null; }

case "$cmd" in
start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    for i in 1 2 3; do start_etcd "$i" new; done
    for _ in $(seq 1 100); do [ "$(etcd_leader)" != none ] && break; sleep 0.3; done
    for i in 1 2 3; do
        as_pg tee "$dir/n$i.yml" >/dev/null <<CONF
scope: lots
name: n$i
log:
  level: WARNING
restapi:
  listen: 127.0.0.1:801$i
  connect_address: 127.0.0.1:801$i
etcd3:
  hosts: $ETCD_HOSTS
bootstrap:
  dcs:
    ttl: 20
    loop_wait: 2
    retry_timeout: 5
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        wal_level: replica
        hot_standby: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        wal_log_hints: "on"
        synchronous_commit: "on"
  initdb:
    - encoding: UTF8
    - auth: trust
postgresql:
  listen: 127.0.0.1:544$i
  connect_address: 127.0.0.1:544$i
  data_dir: $dir/n$i
  bin_dir: $bin
  pgpass: $dir/pgpass$i
  authentication:
    superuser: {username: postgres, password: postgres}
    replication: {username: replicator, password: replicator}
  parameters:
    unix_socket_directories: '$dir'
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 trust
    - host all all 127.0.0.1/32 trust
CONF
        as_pg bash -c "nohup patroni '$dir/n$i.yml' >'$dir/patroni$i.log' 2>&1 & echo \$! >'$dir/patroni$i.pid'"
        if [ $i = 1 ]; then
            for _ in $(seq 1 200); do [ "$(leader)" = n1 ] && break; sleep 0.3; done
        fi
    done
    cat >"$dir/haproxy.cfg" <<CONF
global
    maxconn 200
defaults
    mode tcp
    timeout connect 2s
    timeout client 30m
    timeout server 30m
listen lots_primary
    bind 127.0.0.1:5440
    option httpchk GET /primary
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
    server n1 127.0.0.1:5441 maxconn 100 check port 8011
    server n2 127.0.0.1:5442 maxconn 100 check port 8012
    server n3 127.0.0.1:5443 maxconn 100 check port 8013
CONF
    haproxy -f "$dir/haproxy.cfg" -D -p "$dir/haproxy.pid"
    # Wait for two standbys, one of them synchronous, then make the database.
    for _ in $(seq 1 300); do
        n=$(psql -X -q -t -A -h 127.0.0.1 -p 5440 -U postgres -d postgres -c "SELECT COUNT(*) FILTER (WHERE sync_state = 'sync') || '/' || COUNT(*) FROM pg_stat_replication" 2>/dev/null || true)
        [ "$n" = "1/2" ] && break
        sleep 0.5
    done
    [ "$n" = "1/2" ] || { echo "the standbys did not join (sync/all: $n); logs in $dir" >&2; exit 1; }
    psql -X -q -h 127.0.0.1 -p 5440 -U postgres -d postgres -c "CREATE DATABASE lots" >/dev/null
    echo "leader $(leader), etcd leader $(etcd_leader); Lots: postgres://postgres@127.0.0.1:5440/lots?sslmode=disable"
    ;;
status)
    echo "leader $(leader), etcd leader $(etcd_leader)"
    for i in 1 2 3; do
        echo "n$i: $(curl -s -m 2 "http://127.0.0.1:801$i/patroni" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("role"), d.get("state"), "timeline", d.get("timeline"))' 2>/dev/null || echo down)"
    done
    ;;
kill-leader)
    l=$(leader)
    [ "$l" = none ] && { echo "no leader" >&2; exit 1; }
    pid=$(head -1 "$dir/$l/postmaster.pid")
    kill -9 "$pid"
    echo "killed the leader $l's postmaster ($pid)"
    ;;
kill-leader-node)
    l=$(leader)
    [ "$l" = none ] && { echo "no leader" >&2; exit 1; }
    n=${l#n}
    kill -9 "$(cat "$dir/patroni$n.pid")"
    pid=$(head -1 "$dir/$l/postmaster.pid")
    kill -9 "$pid"
    echo "killed the leader node $l (Patroni and postmaster $pid)"
    ;;
kill-etcd-leader)
    l=$(etcd_leader)
    [ "$l" = none ] && { echo "no etcd leader" >&2; exit 1; }
    kill -9 "$(cat "$dir/$l.pid")"
    echo "killed the etcd leader $l"
    ;;
kill-etcd-quorum)
    killed=""
    for i in 1 2 3; do
        if etcd_up "$i" && [ "$(echo "$killed" | wc -w)" -lt 2 ]; then
            kill -9 "$(cat "$dir/etcd$i.pid")"
            killed="$killed etcd$i"
        fi
    done
    echo "killed$killed: etcd has no quorum"
    ;;
restore-etcd)
    for i in 1 2 3; do etcd_up "$i" || start_etcd "$i" existing; done
    for _ in $(seq 1 100); do [ "$(etcd_leader)" != none ] && break; sleep 0.3; done
    echo "etcd members running again; etcd leader $(etcd_leader)"
    ;;
stop)
    [ -f "$dir/haproxy.pid" ] && kill "$(cat "$dir/haproxy.pid")" 2>/dev/null || true
    for i in 1 2 3; do [ -f "$dir/patroni$i.pid" ] && kill "$(cat "$dir/patroni$i.pid")" 2>/dev/null || true; done
    sleep 3
    for i in 1 2 3; do
        [ -f "$dir/n$i/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/n$i" -m immediate stop >/dev/null 2>&1 || true
        [ -f "$dir/patroni$i.pid" ] && kill -9 "$(cat "$dir/patroni$i.pid")" 2>/dev/null || true
        [ -f "$dir/etcd$i.pid" ] && kill "$(cat "$dir/etcd$i.pid")" 2>/dev/null || true
    done
    rm -rf "$dir"
    ;;
*)
    echo "unknown command $cmd" >&2
    exit 2
    ;;
esac
