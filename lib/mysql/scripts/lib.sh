# shellcheck shell=bash
# lib.sh - helpers shared by the Platform Kit MySQL scripts. It is sourced, never
# executed, and must sit in the same directory as the scripts that use it.
#
# Common environment (every variable has a default):
#   MYSQL_STATEFULSET      StatefulSet name; pods are <name>-<ordinal>   (default: mysql)
#   MYSQL_SERVICE          headless Service name                        (default: mysql)
#   MYSQL_PORT             MySQL TCP port                                (default: 3306)
#   MYSQL_DATADIR          data directory (a subdirectory of the PV)     (default: /var/lib/mysql/data)
#   MYSQL_CREDENTIALS_DIR  Secret mount with root-password, replication-password,
#                          exporter-password, backup-password           (default: /etc/mysql/credentials)
#   MYSQL_CONFIG_DIR       where config.sh writes my.cnf                 (default: /etc/mysql/platform-kit)
#   POD_NAME               this pod's name                               (default: output of `hostname`)
#
# Ordinal 0 is the primary; every other ordinal is a replica of
# ${MYSQL_STATEFULSET}-0.${MYSQL_SERVICE}.
#
# Passwords never appear on a command line or in the environment of a child
# process: pk_client hands them to the MySQL client programs as an option file
# on file descriptor 3 (--defaults-extra-file=/dev/fd/3), and SQL that contains
# them is written to the client's stdin.

: "${PK_SCRIPT:=mysql}"
: "${MYSQL_STATEFULSET:=mysql}"
: "${MYSQL_SERVICE:=mysql}"
: "${MYSQL_PORT:=3306}"
: "${MYSQL_DATADIR:=/var/lib/mysql/data}"
: "${MYSQL_CREDENTIALS_DIR:=/etc/mysql/credentials}"
: "${MYSQL_CONFIG_DIR:=/etc/mysql/platform-kit}"

# Log to stderr with the script's tag, e.g. "[bootstrap] primary mysql-0: ...".
pk_log() {
  printf '[%s] %s\n' "$PK_SCRIPT" "$*" >&2
}

pk_die() {
  pk_log "ERROR: $*"
  exit 1
}

# A Kubernetes DNS label: lower-case alphanumerics and '-', at most 63 characters.
pk_is_dns_label() {
  [[ ${#1} -le 63 && $1 =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]]
}

pk_is_uint() {
  [[ $1 =~ ^[0-9]+$ ]]
}

# Check the common settings so that later code can put them into SQL and paths.
pk_validate_common_env() {
  pk_is_dns_label "$MYSQL_STATEFULSET" ||
    pk_die "MYSQL_STATEFULSET='$MYSQL_STATEFULSET' is not a valid DNS label"
  pk_is_dns_label "$MYSQL_SERVICE" ||
    pk_die "MYSQL_SERVICE='$MYSQL_SERVICE' is not a valid DNS label"
  if ! pk_is_uint "$MYSQL_PORT" || ((10#$MYSQL_PORT < 1 || 10#$MYSQL_PORT > 65535)); then
    pk_die "MYSQL_PORT='$MYSQL_PORT' is not a TCP port number"
  fi
  MYSQL_PORT=$((10#$MYSQL_PORT))
  [[ $MYSQL_DATADIR == /?* && $MYSQL_DATADIR != */ ]] ||
    pk_die "MYSQL_DATADIR='$MYSQL_DATADIR' must be an absolute path without a trailing '/'"
}

# Work out who we are from POD_NAME (falling back to the host name):
#   PK_POD       pod name, e.g. mysql-2
#   PK_ORDINAL   the number after the last '-', e.g. 2
#   PK_ROLE      primary (ordinal 0) or replica
#   PK_POD_HOST  stable DNS name, e.g. mysql-2.mysql
#   PK_PRIMARY   the primary's DNS name, e.g. mysql-0.mysql
# shellcheck disable=SC2034 # the PK_* variables are read by the scripts that source lib.sh
pk_identity() {
  pk_validate_common_env
  local pod=${POD_NAME:-}
  if [[ -z $pod ]]; then
    if command -v hostname >/dev/null 2>&1; then
      pod=$(hostname)
    else
      pod=${HOSTNAME:-}
    fi
  fi
  [[ -n $pod ]] || pk_die "cannot determine the pod name: POD_NAME is not set and the host name is empty"
  [[ $pod == *-* ]] ||
    pk_die "pod name '$pod' is not of the form ${MYSQL_STATEFULSET}-<ordinal> (set POD_NAME from metadata.name)"
  local prefix=${pod%-*} ordinal=${pod##*-}
  [[ $ordinal =~ ^(0|[1-9][0-9]{0,5})$ ]] ||
    pk_die "pod name '$pod': '$ordinal' after the last '-' is not a StatefulSet ordinal"
  [[ $prefix == "$MYSQL_STATEFULSET" ]] ||
    pk_die "pod name '$pod' does not belong to StatefulSet '$MYSQL_STATEFULSET' (expected ${MYSQL_STATEFULSET}-<ordinal>)"
  PK_POD=$pod
  PK_ORDINAL=$((10#$ordinal))
  if ((PK_ORDINAL == 0)); then PK_ROLE=primary; else PK_ROLE=replica; fi
  PK_POD_HOST="${pod}.${MYSQL_SERVICE}"
  PK_PRIMARY="${MYSQL_STATEFULSET}-0.${MYSQL_SERVICE}"
}

# pk_read_secret KEY [MAX]: print the content of $MYSQL_CREDENTIALS_DIR/KEY (trailing
# newlines removed). Fails when the file is missing, unreadable, empty, or longer
# than MAX characters.
pk_read_secret() {
  local file="$MYSQL_CREDENTIALS_DIR/$1" value max=${2:-}
  [[ -f $file && -r $file ]] || pk_die "credential file $file is missing or unreadable (Secret key '$1')"
  value=$(<"$file")
  [[ -n $value ]] || pk_die "credential file $file is empty (Secret key '$1')"
  if [[ -n $max ]] && ((${#value} > max)); then
    pk_die "credential '$1' is ${#value} characters long; MySQL accepts at most $max here (CHANGE REPLICATION SOURCE TO fails with error 3056) - recreate the Secret with a shorter value ('npm run secrets -- --kubectl' prints a command that fits)"
  fi
  printf '%s' "$value"
}

# The longest replication password CHANGE REPLICATION SOURCE TO accepts (MySQL
# error 3056 beyond it); lib/mysql/part.ts MAX_REPLICATION_PASSWORD_LENGTH says the same.
export PK_MAX_REPLICATION_PASSWORD=32

# Quote a value for a MySQL option file: double quotes, with \ " and control
# characters escaped the way the option-file parser unescapes them.
pk_cnf_quote() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}

# Quote a value as an SQL string literal ('' for a quote, \\ for a backslash;
# assumes the default sql_mode, i.e. without NO_BACKSLASH_ESCAPES).
pk_sql_quote() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\'/\'\'}
  printf "'%s'" "$s"
}

# pk_client USER PASSWORD PROGRAM [ARGS...]: run a MySQL client program with the
# credentials in an option file on fd 3. An empty PASSWORD means "no password".
# stdin and stdout are the caller's.
pk_client() {
  local user=$1 password=$2 program=$3
  shift 3
  local cnf
  cnf=$'[client]\nuser='"$(pk_cnf_quote "$user")"
  if [[ -n $password ]]; then
    cnf+=$'\npassword='"$(pk_cnf_quote "$password")"
  fi
  "$program" --defaults-extra-file=/dev/fd/3 "$@" 3<<<"$cnf"
}
