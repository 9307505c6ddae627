#!/usr/bin/env bash
# backup.sh - logical backup of the Platform Kit MySQL cluster (run by a CronJob).
#
# 1. Tries the hosts in BACKUP_HOSTS in order (the platform lists a replica first, then
#    the primary) and uses the first one that answers `mysqladmin ping`.
# 2. Runs, as user 'backup':
#      mysqldump --single-transaction --all-databases --routines --events --triggers
#                --set-gtid-purged=ON --flush-privileges
#    piped through gzip into $BACKUP_DIR/mysql-<host>-<UTC yyyymmddThhmmssZ>.sql.gz.partial,
#    checks the exit status of both mysqldump and gzip and that the dump ends with the
#    "-- Dump completed" trailer, then renames it to .sql.gz. A failed run leaves no
#    .sql.gz behind (its .partial is removed) and prunes nothing.
# 3. After a successful dump, deletes mysql-*.sql.gz files older than
#    BACKUP_RETENTION_DAYS. At start, deletes mysql-*.sql.gz.partial files that have not
#    been written to for BACKUP_STALE_PARTIAL_MINUTES (left by killed runs).
#
# GTIDs: --set-gtid-purged=ON (rather than the default AUTO) fails loudly if the server
# ever runs without GTIDs. The dump then starts with SET @@SESSION.SQL_LOG_BIN=0 and
# SET @@GLOBAL.GTID_PURGED='+<gtid_executed at the snapshot>', so it restores the data
# together with its GTID history, and the restore itself is not binary-logged. Restore
# into a freshly initialised primary whose GTID history is empty, as root:
#     mysql -e 'RESET BINARY LOGS AND GTIDS'        # only if the target executed any GTIDs
#     gunzip -c mysql-<host>-<stamp>.sql.gz | mysql
# then re-provision the replicas (empty their data directories; they clone again),
# because the restore did not go through the binary log. The dump includes the mysql
# schema (accounts), so the credentials Secret must match the backup's passwords.
#
# Environment (defaults in parentheses), plus MYSQL_PORT and MYSQL_CREDENTIALS_DIR from lib.sh:
#   BACKUP_DIR                     destination directory                 (/backup)
#   BACKUP_RETENTION_DAYS          keep this many days of backups, 0 = keep all (7)
#   BACKUP_HOSTS                   space-separated hosts, tried in order (${MYSQL_STATEFULSET}-0.${MYSQL_SERVICE})
#   BACKUP_USER                    account used for the dump             (backup)
#   BACKUP_CONNECT_TIMEOUT         ping connect timeout, seconds         (10)
#   BACKUP_STALE_PARTIAL_MINUTES   age after which a .partial is stale   (720)
# Credentials read: backup-password.
#
# Exit status: 0 when a new backup was written, 1 with a "[backup] ERROR: ..." line otherwise.
set -euo pipefail

PK_SCRIPT=backup
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pk_validate_common_env

: "${BACKUP_DIR:=/backup}"
: "${BACKUP_RETENTION_DAYS:=7}"
: "${BACKUP_HOSTS:=${MYSQL_STATEFULSET}-0.${MYSQL_SERVICE}}"
: "${BACKUP_USER:=backup}"
: "${BACKUP_CONNECT_TIMEOUT:=10}"
: "${BACKUP_STALE_PARTIAL_MINUTES:=720}"

for var in BACKUP_RETENTION_DAYS BACKUP_CONNECT_TIMEOUT BACKUP_STALE_PARTIAL_MINUTES; do
  pk_is_uint "${!var}" || pk_die "$var='${!var}' is not a non-negative integer"
  printf -v "$var" '%d' "$((10#${!var}))" # "08" is 8, not an octal error
done
[[ -d $BACKUP_DIR && -w $BACKUP_DIR ]] || pk_die "backup directory $BACKUP_DIR does not exist or is not writable"
read -r -a hosts <<<"$BACKUP_HOSTS"
((${#hosts[@]} > 0)) || pk_die "BACKUP_HOSTS is empty"
for host in "${hosts[@]}"; do
  [[ $host =~ ^[A-Za-z0-9]([-.A-Za-z0-9]*[A-Za-z0-9])?$ ]] || pk_die "BACKUP_HOSTS entry '$host' is not a host name"
done

password=$(pk_read_secret backup-password)

# Leftovers of runs that were killed mid-dump.
while IFS= read -r -d '' stale; do
  pk_log "removing stale partial backup $stale"
  rm -f -- "$stale"
done < <(find "$BACKUP_DIR" -maxdepth 1 -type f -name 'mysql-*.sql.gz.partial' \
  -mmin +"$((10#$BACKUP_STALE_PARTIAL_MINUTES))" -print0)

chosen=""
for host in "${hosts[@]}"; do
  if err=$(pk_client "$BACKUP_USER" "$password" mysqladmin --host="$host" --port="$MYSQL_PORT" \
    --protocol=TCP --connect-timeout="$BACKUP_CONNECT_TIMEOUT" ping 2>&1 >/dev/null); then
    chosen=$host
    break
  fi
  pk_log "host $host:$MYSQL_PORT does not answer (${err//$'\n'/ }); trying the next host"
done
[[ -n $chosen ]] || pk_die "no host answered: tried ${hosts[*]} on port $MYSQL_PORT;" \
  "check that the MySQL pods are running and that this job may reach them (NetworkPolicy)"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$BACKUP_DIR/mysql-${chosen}-${stamp}.sql.gz"
partial="$final.partial"
trap 'rm -f -- "$partial"' EXIT

pk_log "dumping all databases from $chosen:$MYSQL_PORT into $final"
set +e
pk_client "$BACKUP_USER" "$password" mysqldump --host="$chosen" --port="$MYSQL_PORT" --protocol=TCP \
  --single-transaction --all-databases --routines --events --triggers \
  --set-gtid-purged=ON --flush-privileges | gzip -c >"$partial"
status=("${PIPESTATUS[@]}")
set -e
if ((status[0] != 0 || status[1] != 0)); then
  pk_die "dump from $chosen failed (mysqldump exit ${status[0]}, gzip exit ${status[1]}); no backup written"
fi

if ! trailer=$(gzip -dc -- "$partial" | tail -n 1); then
  pk_die "cannot read back $partial; no backup written"
fi
if [[ $trailer != "-- Dump completed"* ]]; then
  pk_die "dump from $chosen is incomplete: it does not end with the '-- Dump completed' trailer" \
    "(last line: '${trailer:0:120}'); no backup written"
fi
mv -f -- "$partial" "$final"
trap - EXIT
pk_log "backup complete: $final ($(wc -c <"$final") bytes)"

if ((10#$BACKUP_RETENTION_DAYS > 0)); then
  while IFS= read -r -d '' old; do
    pk_log "removing backup older than $BACKUP_RETENTION_DAYS days: $old"
    rm -f -- "$old"
  done < <(find "$BACKUP_DIR" -maxdepth 1 -type f -name 'mysql-*.sql.gz' \
    -mmin +"$((10#$BACKUP_RETENTION_DAYS * 1440))" -print0)
fi
