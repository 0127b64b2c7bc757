#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 from a temporary data folder and prints its URL.
# Usage: eval "$(bash .ci/start-postgres.sh)"   → exports DATABASE_URL and PG_TMP
set -euo pipefail
# A free port: PG_PORT if given, else the first free one from 54329 (another server may hold one).
PORT="${PG_PORT:-}"
if [ -z "$PORT" ]; then
  for p in $(seq 54329 54429); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT=$p; break; fi
  done
fi
[ -n "$PORT" ] || { echo "start-postgres: no free port" >&2; exit 1; }
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
[ -x "$BIN/initdb" ] || { echo "start-postgres: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
TMP="$(mktemp -d /tmp/jiesu-pg.XXXXXX)"
chmod 755 "$TMP"
run() { if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$TMP"; runuser -u postgres -- "$@"; else "$@"; fi; }
run "$BIN/initdb" -D "$TMP/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$TMP/initdb.log" 2>&1 \
  || { cat "$TMP/initdb.log" >&2; exit 1; }
run "$BIN/pg_ctl" -D "$TMP/data" -l "$TMP/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$TMP -c max_connections=300 -c fsync=off" start >&2 \
  || { cat "$TMP/server.log" >&2; exit 1; }
echo "export PG_TMP=$TMP PG_BIN=$BIN"
echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/postgres"
