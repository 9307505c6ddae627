# shellcheck shell=bash
# Shared code of the test stubs for mysql, mysqladmin, mysqld, mysqldump, hostname
# and sleep. Each stub records its invocation as one line appended to $STUB_LOG:
#   <name> TAB base64(argv, NUL-separated) TAB base64(stdin) TAB base64(defaults file)
# where "defaults file" is the content of --defaults-extra-file (the credentials the
# scripts hand over on fd 3). One printf per record keeps concurrent appends whole.
# $STUB_STATE is a directory for state shared between stubs (running servers, counters).
set -euo pipefail

STUB_NAME=$(basename "$0")
STUB_ARGS=("$@")
STUB_DEFAULTS=""
for stub_arg in "$@"; do
  case $stub_arg in
    --defaults-extra-file=*) STUB_DEFAULTS=$(cat -- "${stub_arg#*=}" 2>/dev/null || true) ;;
  esac
done

stub_record() {
  local argv_b64 stdin_b64 defaults_b64
  if ((${#STUB_ARGS[@]} > 0)); then
    argv_b64=$(printf '%s\0' "${STUB_ARGS[@]}" | base64 -w0)
  else
    argv_b64=""
  fi
  stdin_b64=$(printf '%s' "${1:-}" | base64 -w0)
  defaults_b64=$(printf '%s' "$STUB_DEFAULTS" | base64 -w0)
  printf '%s\t%s\t%s\t%s\n' "$STUB_NAME" "$argv_b64" "$stdin_b64" "$defaults_b64" >>"${STUB_LOG:?STUB_LOG must be set}"
}

# stub_opt NAME: value of --NAME=value, status 1 when absent.
stub_opt() {
  local arg
  for arg in "${STUB_ARGS[@]}"; do
    case $arg in
      --"$1"=*)
        printf '%s' "${arg#*=}"
        return 0
        ;;
    esac
  done
  return 1
}

stub_has() {
  local arg
  for arg in "${STUB_ARGS[@]}"; do
    [[ $arg == "$1" ]] && return 0
  done
  return 1
}

# State file name for a server listening on a socket path.
stub_socket_key() {
  printf '%s' "${1//\//_}"
}

stub_state() {
  mkdir -p "${STUB_STATE:?STUB_STATE must be set}"
  printf '%s' "$STUB_STATE"
}
