#!/usr/bin/env bash
# A private PostgreSQL cluster for tests and benchmarks: its own folder, 127.0.0.1 only, trust
# authentication for the user `hs`, a socket in the folder, nothing shared with the system's cluster.
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user.
#
#   pg-test-server.sh start DIR [PORT]  initdb when DIR has no cluster yet, start; prints the URL
#                                        (postgresql://hs@127.0.0.1:PORT/postgres), also in DIR/url
#   pg-test-server.sh stop DIR          fast shutdown; the cluster stays for a later start
#   pg-test-server.sh kill DIR          SIGKILL the postmaster (a crash); start recovers
#   pg-test-server.sh destroy DIR       stop if running and remove DIR and the cluster
# DIR may be anywhere (a test's private temp folder): the cluster itself lives in a folder of its own
# under $TMPDIR that the `postgres` user can reach, named in DIR/cluster.
# PG_TEST_DURABLE=1 keeps fsync on (benchmarks); tests run with fsync off: a commit still reaches the
# kernel before it is acknowledged, so killing the server loses nothing (only the machine going down would).
set -euo pipefail

cmd=${1:?usage: pg-test-server.sh start|stop|kill|destroy DIR [PORT]}
dir=${2:?usage: pg-test-server.sh start|stop|kill|destroy DIR [PORT]}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x $bindir/pg_ctl ]] || { echo "pg-test-server: PostgreSQL server binaries not found (apt-get install postgresql-15)" >&2; exit 1; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

cluster=$(cat "$dir/cluster" 2>/dev/null || true)

case $cmd in
  start)
    mkdir -p "$dir"
    if [[ -z $cluster ]]; then
      cluster=$(mktemp -d "${TMPDIR:-/tmp}/hook-server-pg.XXXXXX")
      [[ $(id -u) -eq 0 ]] && chown postgres: "$cluster"
      echo "$cluster" >"$dir/cluster"
    fi
    if [[ ! -f $cluster/data/PG_VERSION ]]; then
      as_owner "$bindir/initdb" -D "$cluster/data" -A trust -U hs --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    port=${3:-$(cat "$dir/port" 2>/dev/null || free_port)}
    echo "$port" >"$dir/port"
    opts="-p $port -k $cluster -c listen_addresses=127.0.0.1 -c max_connections=200"
    [[ ${PG_TEST_DURABLE:-0} == 1 ]] || opts+=" -c fsync=off -c full_page_writes=off"
    as_owner "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/log" -w -t 30 -o "$opts" start >/dev/null ||
      { tail -20 "$cluster/log" >&2; exit 1; }
    url="postgresql://hs@127.0.0.1:$port/postgres"
    echo "$url" >"$dir/url"
    echo "$url"
    ;;
  stop)
    [[ -n $cluster && -f $cluster/data/postmaster.pid ]] && as_owner "$bindir/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null
    ;;
  kill)
    if [[ -n $cluster && -f $cluster/data/postmaster.pid ]]; then
      pid=$(head -1 "$cluster/data/postmaster.pid")
      kill -KILL "$pid" 2>/dev/null || true
      # Its backends exit once they notice the postmaster is gone; wait for them.
      alive() { [[ -d /proc/$1 ]] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
      for _ in $(seq 200); do alive "$pid" || break; sleep 0.05; done
      # Orphans are reparented to PID 1, which on some machines (here: a VM's init) never reaps
      # them: a zombie keeps its PID, and PostgreSQL would take the lock file for a live server.
      alive "$pid" || rm -f "$cluster/data/postmaster.pid" "$cluster"/.s.PGSQL.*
    fi
    ;;
  destroy)
    if [[ -n $cluster ]]; then
      [[ -f $cluster/data/postmaster.pid ]] && as_owner "$bindir/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null 2>&1 || true
      rm -rf "$cluster"
    fi
    rm -rf "$dir"
    ;;
  *) echo "pg-test-server: unknown command $cmd" >&2; exit 2 ;;
esac
