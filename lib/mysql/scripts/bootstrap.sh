#!/usr/bin/env bash
# bootstrap.sh - second init container of the Platform Kit MySQL StatefulSet
# (runs after config.sh, in the mysql:8.4 image, as uid 999).
#
# Prepares $MYSQL_DATADIR so that the main mysqld container can start:
#   primary (ordinal 0), no data:  mysqld --initialize-insecure, create the accounts
#                                  root@localhost, root@%, repl@%, exporter@%, backup@%.
#   primary, data present:         nothing (logs and exits 0).
#   replica, no data:              wait for the primary, clone it with the clone plugin
#                                  (through a throw-away scratch server), then configure
#                                  replication (GTID auto-position) and write the marker
#                                  $MYSQL_DATADIR/.platform-kit-replica.
#   replica, data + marker:        nothing: mysqld resumes replication without re-cloning.
#   replica, data without marker:  configure replication only (bootstrap was interrupted
#                                  between the clone and the configuration).
#
# Crash safety: new data directories are built in ${MYSQL_DATADIR}.partial and renamed
# to $MYSQL_DATADIR only when complete, so $MYSQL_DATADIR never holds a half-written
# clone or initialisation. A leftover .partial directory, or a replica data directory
# without mysql/ or mysql.ibd, is moved aside to ${MYSQL_DATADIR}.failed-clone
# (${MYSQL_DATADIR}.failed-init on the primary) and the step is redone; only the most
# recent failed attempt is kept. A primary data directory that is not empty and not a
# MySQL data directory is never touched: bootstrap fails and asks for an operator.
#
# Temporary servers use `mysqld --defaults-file=$MYSQL_CONFIG_DIR/my.cnf`, run with
# --skip-networking on a private socket in a fresh directory under ${TMPDIR:-/tmp},
# are awaited with `mysqladmin ping` and stopped with `mysqladmin shutdown`.
#
# Environment (defaults in parentheses), plus the common variables of lib.sh
# (MYSQL_STATEFULSET, MYSQL_SERVICE, MYSQL_PORT, MYSQL_DATADIR, MYSQL_CREDENTIALS_DIR,
# MYSQL_CONFIG_DIR, POD_NAME):
#   PRIMARY_WAIT_ATTEMPTS      pings of the primary before giving up           (60)
#   PRIMARY_WAIT_SECONDS       pause between two pings                          (5)
#   MYSQL_SCRATCH_DIR          scratch server data directory, deleted after use (/tmp/mysql-scratch)
#   TEMP_SERVER_WAIT_ATTEMPTS  1-second pings while a temporary server starts   (120)
#   SOURCE_CONNECT_RETRY       seconds between replica reconnection attempts    (10)
#   SOURCE_RETRY_COUNT         reconnection attempts before the IO thread stops (86400)
# Credentials read: root-password (all), replication-password (replicas and primary),
# exporter-password and backup-password (primary first start).
#
# Exit status: 0 when the data directory is ready, 1 with a "[bootstrap] ERROR: ..." line.
set -euo pipefail

PK_SCRIPT=bootstrap
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${PRIMARY_WAIT_ATTEMPTS:=60}"
: "${PRIMARY_WAIT_SECONDS:=5}"
: "${MYSQL_SCRATCH_DIR:=/tmp/mysql-scratch}"
: "${TEMP_SERVER_WAIT_ATTEMPTS:=120}"
: "${SOURCE_CONNECT_RETRY:=10}"
: "${SOURCE_RETRY_COUNT:=86400}"

pk_identity

WHO="$PK_ROLE $PK_POD"
log() { pk_log "$WHO: $*"; }
die() { pk_die "$WHO: $*"; }

for var in PRIMARY_WAIT_ATTEMPTS PRIMARY_WAIT_SECONDS TEMP_SERVER_WAIT_ATTEMPTS SOURCE_CONNECT_RETRY SOURCE_RETRY_COUNT; do
  pk_is_uint "${!var}" || die "$var='${!var}' is not a non-negative integer"
  printf -v "$var" '%d' "$((10#${!var}))" # "08" is 8, not an octal error
done
((PRIMARY_WAIT_ATTEMPTS >= 1)) || die "PRIMARY_WAIT_ATTEMPTS must be at least 1"
((TEMP_SERVER_WAIT_ATTEMPTS >= 1)) || die "TEMP_SERVER_WAIT_ATTEMPTS must be at least 1"

MY_CNF="$MYSQL_CONFIG_DIR/my.cnf"
DATADIR_PARENT=$(dirname "$MYSQL_DATADIR")
STAGING="${MYSQL_DATADIR}.partial"
MARKER="$MYSQL_DATADIR/.platform-kit-replica"

[[ -f $MY_CNF && -r $MY_CNF ]] || die "$MY_CNF is missing; config.sh must run before bootstrap.sh"
[[ -d $DATADIR_PARENT && -w $DATADIR_PARENT ]] ||
  die "$DATADIR_PARENT (the volume holding $MYSQL_DATADIR) does not exist or is not writable"

# State of the temporary mysqld, if one is running.
TEMP_PID=""
TEMP_SOCKET=""
TEMP_ROOT_PASSWORD=""
RUN_DIR=""

cleanup() {
  local rc=$?
  if [[ -n $TEMP_PID ]] && kill -0 "$TEMP_PID" 2>/dev/null; then
    pk_log "$WHO: stopping the temporary mysqld (pid $TEMP_PID) after a failure"
    kill -TERM "$TEMP_PID" 2>/dev/null || true
    wait "$TEMP_PID" 2>/dev/null || true
  fi
  if [[ -n $RUN_DIR ]]; then rm -rf "$RUN_DIR"; fi
  exit "$rc"
}
trap cleanup EXIT

# datadir_state DIR: absent | empty | valid (has mysql/ or mysql.ibd) | invalid
datadir_state() {
  local dir=$1
  if [[ ! -e $dir && ! -L $dir ]]; then
    echo absent
  elif [[ ! -d $dir ]]; then
    echo invalid
  elif [[ -d $dir/mysql || -f $dir/mysql.ibd ]]; then
    echo valid
  elif [[ -z $(ls -A "$dir") ]]; then
    echo empty
  else
    echo invalid
  fi
}

# move_aside PATH SUFFIX: rename PATH to ${MYSQL_DATADIR}.SUFFIX, replacing an older one.
move_aside() {
  local src=$1 dest="${MYSQL_DATADIR}.$2"
  if [[ -e $dest || -L $dest ]]; then
    log "removing the older $dest to make room"
    rm -rf -- "$dest"
  fi
  mv -- "$src" "$dest"
}

# start_temp_server DATADIR ROOT_PASSWORD [MYSQLD_OPTION...]
start_temp_server() {
  local datadir=$1
  TEMP_ROOT_PASSWORD=$2
  shift 2
  if [[ -z $RUN_DIR ]]; then
    RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pk-bootstrap.XXXXXX")
  fi
  TEMP_SOCKET="$RUN_DIR/mysqld.sock"
  log "starting a temporary mysqld on $datadir (socket $TEMP_SOCKET, networking off)"
  mysqld --defaults-file="$MY_CNF" --datadir="$datadir" --socket="$TEMP_SOCKET" \
    --pid-file="$RUN_DIR/mysqld.pid" --skip-networking "$@" &
  TEMP_PID=$!
  local attempt rc
  for ((attempt = 1; attempt <= TEMP_SERVER_WAIT_ATTEMPTS; attempt++)); do
    if ! kill -0 "$TEMP_PID" 2>/dev/null; then
      rc=0
      wait "$TEMP_PID" || rc=$?
      TEMP_PID=""
      die "the temporary mysqld exited during startup (status $rc); its error log is above"
    fi
    if pk_client root "$TEMP_ROOT_PASSWORD" mysqladmin --socket="$TEMP_SOCKET" ping >/dev/null 2>&1; then
      log "temporary mysqld is up (pid $TEMP_PID)"
      return 0
    fi
    sleep 1
  done
  die "the temporary mysqld did not answer on $TEMP_SOCKET after $TEMP_SERVER_WAIT_ATTEMPTS attempts"
}

stop_temp_server() {
  log "stopping the temporary mysqld (pid $TEMP_PID)"
  if ! pk_client root "$TEMP_ROOT_PASSWORD" mysqladmin --socket="$TEMP_SOCKET" shutdown; then
    log "mysqladmin shutdown failed; sending SIGTERM to pid $TEMP_PID"
    kill -TERM "$TEMP_PID" 2>/dev/null || true
  fi
  local rc=0
  wait "$TEMP_PID" || rc=$?
  TEMP_PID=""
  ((rc == 0)) || die "the temporary mysqld exited with status $rc while shutting down"
  log "temporary mysqld stopped"
}

# run_sql WHAT: run the SQL on stdin as root on the temporary server.
run_sql() {
  local what=$1
  if ! pk_client root "$TEMP_ROOT_PASSWORD" mysql --socket="$TEMP_SOCKET" --batch --skip-column-names; then
    die "$what failed (the mysql error is above)"
  fi
}

# ---------------------------------------------------------------------------
# primary

accounts_sql() {
  local root repl exporter backup
  root=$(pk_sql_quote "$ROOT_PASSWORD")
  repl=$(pk_sql_quote "$REPL_PASSWORD")
  exporter=$(pk_sql_quote "$EXPORTER_PASSWORD")
  backup=$(pk_sql_quote "$BACKUP_PASSWORD")
  # Not written to the binary log: replicas get these accounts through the clone.
  # backup: mysqldump --single-transaction needs SELECT, SHOW VIEW, TRIGGER, EVENT
  # (--events), PROCESS (tablespaces) and, because gtid_mode=ON and --set-gtid-purged=ON,
  # RELOAD or FLUSH_TABLES for its brief FLUSH TABLES WITH READ LOCK; FLUSH_TABLES is the
  # narrower one (RELOAD would also allow RESET BINARY LOGS AND GTIDS).
  cat <<SQL
SET SESSION sql_log_bin = 0;
ALTER USER 'root'@'localhost' IDENTIFIED BY $root;
CREATE USER 'root'@'%' IDENTIFIED BY $root;
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
CREATE USER 'repl'@'%' IDENTIFIED BY $repl;
GRANT REPLICATION SLAVE, BACKUP_ADMIN ON *.* TO 'repl'@'%';
CREATE USER 'exporter'@'%' IDENTIFIED BY $exporter WITH MAX_USER_CONNECTIONS 3;
GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO 'exporter'@'%';
CREATE USER 'backup'@'%' IDENTIFIED BY $backup;
GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, PROCESS, FLUSH_TABLES ON *.* TO 'backup'@'%';
SQL
}

bootstrap_primary() {
  case $(datadir_state "$MYSQL_DATADIR") in
    valid)
      if [[ -f $MARKER ]]; then
        log "warning: $MARKER is present, so this data directory was built as a replica"
      fi
      log "data directory $MYSQL_DATADIR is already initialised; leaving it untouched"
      return 0
      ;;
    empty)
      log "data directory $MYSQL_DATADIR exists but is empty; removing it so that it can be initialised"
      rmdir -- "$MYSQL_DATADIR"
      ;;
    invalid)
      die "$MYSQL_DATADIR exists but is not a MySQL data directory (no mysql/ or mysql.ibd); refusing to initialise over it - inspect it and move it away"
      ;;
    absent) ;;
  esac

  ROOT_PASSWORD=$(pk_read_secret root-password)
  REPL_PASSWORD=$(pk_read_secret replication-password "$PK_MAX_REPLICATION_PASSWORD")
  EXPORTER_PASSWORD=$(pk_read_secret exporter-password)
  BACKUP_PASSWORD=$(pk_read_secret backup-password)

  log "first start: initialising a new data directory in $STAGING"
  if ! mysqld --defaults-file="$MY_CNF" --datadir="$STAGING" --initialize-insecure; then
    die "mysqld --initialize-insecure failed (its log is above)"
  fi
  start_temp_server "$STAGING" ""
  log "creating accounts root@localhost, root@%, repl@%, exporter@%, backup@%"
  run_sql "creating the accounts" <<<"$(accounts_sql)"
  TEMP_ROOT_PASSWORD=$ROOT_PASSWORD
  stop_temp_server
  mv -- "$STAGING" "$MYSQL_DATADIR"
  log "data directory $MYSQL_DATADIR initialised; mysqld can start as the primary"
}

# ---------------------------------------------------------------------------
# replica

wait_for_primary() {
  local attempt err=""
  for ((attempt = 1; attempt <= PRIMARY_WAIT_ATTEMPTS; attempt++)); do
    log "waiting for primary $PK_PRIMARY:$MYSQL_PORT (attempt $attempt/$PRIMARY_WAIT_ATTEMPTS)"
    if err=$(pk_client repl "$REPL_PASSWORD" mysqladmin --host="$PK_PRIMARY" --port="$MYSQL_PORT" \
      --protocol=TCP --connect-timeout=5 ping 2>&1 >/dev/null); then
      log "primary $PK_PRIMARY:$MYSQL_PORT is answering"
      return 0
    fi
    if ((attempt < PRIMARY_WAIT_ATTEMPTS)); then
      sleep "$PRIMARY_WAIT_SECONDS"
    fi
  done
  err=${err//$'\n'/ }
  die "primary $PK_PRIMARY:$MYSQL_PORT did not answer after $PRIMARY_WAIT_ATTEMPTS attempts" \
    "${PRIMARY_WAIT_SECONDS}s apart (last error: ${err:-none}). Check that pod ${MYSQL_STATEFULSET}-0 is" \
    "running and ready, that ${PK_PRIMARY} resolves (headless Service '${MYSQL_SERVICE}'), that" \
    "port $MYSQL_PORT is reachable (NetworkPolicy), and the primary's log; this pod retries when restarted."
}

clone_from_primary() {
  [[ $MYSQL_SCRATCH_DIR == /?* && $MYSQL_SCRATCH_DIR != */ ]] ||
    die "MYSQL_SCRATCH_DIR='$MYSQL_SCRATCH_DIR' must be an absolute path without a trailing '/'"
  if [[ $MYSQL_SCRATCH_DIR == "$DATADIR_PARENT" || "$MYSQL_DATADIR/" == "$MYSQL_SCRATCH_DIR"/* ||
    "$MYSQL_SCRATCH_DIR/" == "$MYSQL_DATADIR"/* || "$MYSQL_SCRATCH_DIR" == "$STAGING" ]]; then
    die "MYSQL_SCRATCH_DIR='$MYSQL_SCRATCH_DIR' overlaps the data directory; choose a separate directory"
  fi
  if [[ -e $MYSQL_SCRATCH_DIR ]]; then
    log "removing the scratch directory $MYSQL_SCRATCH_DIR left by an earlier attempt"
    rm -rf -- "$MYSQL_SCRATCH_DIR"
  fi

  log "initialising a scratch server in $MYSQL_SCRATCH_DIR to receive the clone"
  if ! mysqld --defaults-file="$MY_CNF" --datadir="$MYSQL_SCRATCH_DIR" --initialize-insecure \
    --super-read-only=OFF --read-only=OFF; then
    die "mysqld --initialize-insecure of the scratch server failed (its log is above)"
  fi
  start_temp_server "$MYSQL_SCRATCH_DIR" "" --super-read-only=OFF --read-only=OFF

  log "cloning from $PK_PRIMARY:$MYSQL_PORT into $STAGING"
  local donor sql
  donor="$PK_PRIMARY:$MYSQL_PORT"
  sql="SET GLOBAL clone_valid_donor_list = $(pk_sql_quote "$donor");
CLONE INSTANCE FROM 'repl'@$(pk_sql_quote "$PK_PRIMARY"):$((10#$MYSQL_PORT))
  IDENTIFIED BY $(pk_sql_quote "$REPL_PASSWORD")
  DATA DIRECTORY = $(pk_sql_quote "$STAGING")
  REQUIRE SSL;"
  if ! pk_client root "" mysql --socket="$TEMP_SOCKET" --batch --skip-column-names <<<"$sql"; then
    if [[ -e $STAGING ]]; then
      log "moving the incomplete clone aside to ${MYSQL_DATADIR}.failed-clone"
      move_aside "$STAGING" failed-clone
    fi
    die "CLONE INSTANCE from $donor failed (the mysql error is above). Check that the primary runs" \
      "the same MySQL version with the clone plugin loaded, that 'repl'@'%' has BACKUP_ADMIN and" \
      "the password in replication-password, and the primary's error log."
  fi
  stop_temp_server
  rm -rf -- "$MYSQL_SCRATCH_DIR"
  [[ -d $STAGING ]] || die "CLONE INSTANCE reported success but $STAGING does not exist"
  # The clone copies InnoDB data only, never auto.cnf; removing a stray one anyway makes
  # sure this replica generates its own server_uuid on first start.
  if [[ -e $STAGING/auto.cnf ]]; then
    log "removing auto.cnf from the clone so that this replica gets its own server_uuid"
    rm -f -- "$STAGING/auto.cnf"
  fi
  mv -- "$STAGING" "$MYSQL_DATADIR"
  log "clone complete: $MYSQL_DATADIR"
}

configure_replication() {
  start_temp_server "$MYSQL_DATADIR" "$ROOT_PASSWORD" --skip-replica-start --super-read-only=OFF --read-only=OFF
  log "configuring replication from $PK_PRIMARY:$MYSQL_PORT (user repl, GTID auto-position, TLS)"
  run_sql "CHANGE REPLICATION SOURCE TO" <<SQL
CHANGE REPLICATION SOURCE TO
  SOURCE_HOST = $(pk_sql_quote "$PK_PRIMARY"),
  SOURCE_PORT = $((10#$MYSQL_PORT)),
  SOURCE_USER = 'repl',
  SOURCE_PASSWORD = $(pk_sql_quote "$REPL_PASSWORD"),
  SOURCE_AUTO_POSITION = 1,
  SOURCE_SSL = 1,
  GET_SOURCE_PUBLIC_KEY = 1,
  SOURCE_CONNECT_RETRY = $((10#$SOURCE_CONNECT_RETRY)),
  SOURCE_RETRY_COUNT = $((10#$SOURCE_RETRY_COUNT));
SQL
  stop_temp_server
  printf '%s\n' "$PK_PRIMARY" >"$MARKER.tmp"
  mv -f -- "$MARKER.tmp" "$MARKER"
  log "replication configured; wrote $MARKER"
}

bootstrap_replica() {
  ROOT_PASSWORD=$(pk_read_secret root-password)
  REPL_PASSWORD=$(pk_read_secret replication-password "$PK_MAX_REPLICATION_PASSWORD")

  case $(datadir_state "$MYSQL_DATADIR") in
    valid)
      if [[ -f $MARKER ]]; then
        log "data directory present and replication configured (source $(head -n 1 "$MARKER"));" \
          "resuming replication without re-cloning"
        return 0
      fi
      log "data directory present but $MARKER is missing (bootstrap was interrupted after the clone);" \
        "configuring replication only"
      configure_replication
      return 0
      ;;
    empty)
      log "data directory $MYSQL_DATADIR exists but is empty; removing it before cloning"
      rmdir -- "$MYSQL_DATADIR"
      ;;
    invalid)
      log "data directory $MYSQL_DATADIR is half-written (no mysql/ or mysql.ibd, e.g. a failed clone);" \
        "moving it aside to ${MYSQL_DATADIR}.failed-clone and cloning again"
      move_aside "$MYSQL_DATADIR" failed-clone
      ;;
    absent) ;;
  esac

  log "no data directory: provisioning from the primary"
  wait_for_primary
  clone_from_primary
  configure_replication
  log "bootstrap complete; mysqld will replicate from $PK_PRIMARY:$MYSQL_PORT"
}

# ---------------------------------------------------------------------------

if [[ -e $STAGING || -L $STAGING ]]; then
  if [[ $PK_ROLE == primary ]]; then suffix=failed-init; else suffix=failed-clone; fi
  log "found $STAGING left by an interrupted bootstrap; moving it aside to ${MYSQL_DATADIR}.$suffix"
  move_aside "$STAGING" "$suffix"
fi

if [[ $PK_ROLE == primary ]]; then
  bootstrap_primary
else
  bootstrap_replica
fi
