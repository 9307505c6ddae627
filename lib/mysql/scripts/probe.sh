#!/usr/bin/env bash
# probe.sh - exec probe of the Platform Kit MySQL container.
#
# Usage: probe.sh startup|ready|live
#   live, startup  `mysqladmin ping` on the local socket: mysqld is up (an "Access
#                  denied" still counts as alive, which is what liveness is about).
#   ready          `SELECT 1` as root over the local socket succeeds and, on a replica
#                  (ordinal > 0), SHOW REPLICA STATUS reports Replica_IO_Running=Yes and
#                  Replica_SQL_Running=Yes; otherwise it says which thread is down and why.
# One client process per probe, no temporary files: it runs every 10 seconds.
#
# Environment (defaults in parentheses), plus the common variables of lib.sh
# (MYSQL_STATEFULSET, MYSQL_SERVICE, MYSQL_CREDENTIALS_DIR, POD_NAME):
#   MYSQL_SOCKET            mysqld's socket                    (/var/run/mysqld/mysqld.sock)
#   PROBE_CONNECT_TIMEOUT   client connect timeout, seconds    (5)
# Credentials read: root-password.
#
# Exit status: 0 when the check passes, 1 with a "[probe] ERROR: ..." line otherwise.
set -euo pipefail

PK_SCRIPT=probe
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${MYSQL_SOCKET:=/var/run/mysqld/mysqld.sock}"
: "${PROBE_CONNECT_TIMEOUT:=5}"

mode=${1:-}
case $mode in
  startup | live | ready) ;;
  *) pk_die "usage: probe.sh startup|ready|live (got '${mode}')" ;;
esac
pk_is_uint "$PROBE_CONNECT_TIMEOUT" || pk_die "PROBE_CONNECT_TIMEOUT='$PROBE_CONNECT_TIMEOUT' is not a number"

root_password=$(pk_read_secret root-password)

if [[ $mode != ready ]]; then
  if out=$(pk_client root "$root_password" mysqladmin --socket="$MYSQL_SOCKET" \
    --connect-timeout="$PROBE_CONNECT_TIMEOUT" ping 2>&1); then
    exit 0
  fi
  pk_die "$mode: mysqld does not answer on $MYSQL_SOCKET: ${out//$'\n'/ }"
fi

pk_identity
sql='SELECT 1 AS ok;'
if [[ $PK_ROLE == replica ]]; then
  sql+=$'\nSHOW REPLICA STATUS;'
fi
if ! out=$(pk_client root "$root_password" mysql --socket="$MYSQL_SOCKET" \
  --connect-timeout="$PROBE_CONNECT_TIMEOUT" --vertical <<<"$sql" 2>&1); then
  pk_die "ready: $PK_ROLE $PK_POD: query failed: ${out//$'\n'/ }"
fi

# Vertical output: "   Field: value" lines.
declare -A field=()
while IFS= read -r line; do
  if [[ $line =~ ^[[:space:]]*([A-Za-z_]+):[[:space:]]?(.*)$ ]]; then
    field[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
  fi
done <<<"$out"

[[ ${field[ok]:-} == 1 ]] || pk_die "ready: $PK_ROLE $PK_POD: SELECT 1 did not return 1"
[[ $PK_ROLE == replica ]] || exit 0

if [[ -z ${field[Replica_IO_Running]+set} ]]; then
  pk_die "ready: replica $PK_POD: replication is not configured (SHOW REPLICA STATUS is empty)"
fi
problems=()
io=${field[Replica_IO_Running]}
if [[ $io != Yes ]]; then
  problems+=("IO thread is not running (Replica_IO_Running: ${io:-?}; Last_IO_Error: ${field[Last_IO_Error]:-none})")
fi
sql_thread=${field[Replica_SQL_Running]:-}
if [[ $sql_thread != Yes ]]; then
  problems+=("SQL thread is not running (Replica_SQL_Running: ${sql_thread:-?}; Last_SQL_Error: ${field[Last_SQL_Error]:-none})")
fi
if ((${#problems[@]} > 0)); then
  msg=${problems[0]}
  if ((${#problems[@]} > 1)); then msg+="; ${problems[1]}"; fi
  pk_die "ready: replica $PK_POD: $msg"
fi
exit 0
