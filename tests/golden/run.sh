#!/usr/bin/env bash
# Runs one golden test case of the command line.
#
#   run.sh SQUEAKY_BINARY CASE_DIR
#
# CASE_DIR/cmd holds shell lines run in a scratch copy of CASE_DIR with `squeaky` on PATH, the
# clock fixed by SQUEAKY_NOW and no SQUEAKY_DB (so the ledger is ./squeaky.db). With
# SQUEAKY_GOLDEN_POSTGRES_FILE, the file postgres_cluster.sh writes the test server's URL in, the
# ledger is a fresh PostgreSQL database instead (SQUEAKY_DB is its URL) and the transcript must be
# the same. Each line is echoed as "$ line", followed by what
# it printed (stdout and stderr together) and "[exit N]" when N is not 0. The transcript must equal
# CASE_DIR/expected. With UPDATE_GOLDEN=1 the transcript replaces CASE_DIR/expected instead.
set -uo pipefail
binary=$(readlink -f "$1")
case_dir=$(readlink -f "$2")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$case_dir"/. "$scratch"/
mkdir -p "$scratch/.bin"
ln -s "$binary" "$scratch/.bin/squeaky"
cd "$scratch" || exit 1
export PATH="$scratch/.bin:$PATH" SQUEAKY_NOW="${SQUEAKY_NOW:-2026-04-01T09:00:00Z}" LC_ALL=C.UTF-8
unset SQUEAKY_DB
if [ -n "${SQUEAKY_GOLDEN_POSTGRES_FILE:-}" ]; then
  server=$(cat "$SQUEAKY_GOLDEN_POSTGRES_FILE") || exit 1
  name="golden_$(printf %s "$(basename "$case_dir")" | tr -c 'a-z0-9_' '_')"
  PGOPTIONS='-c client_min_messages=warning' psql -qX -v ON_ERROR_STOP=1 "$server" \
    -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name" >/dev/null || exit 1
  export SQUEAKY_DB="${server%/*}/$name"
fi
transcript="$scratch/.transcript"
: > "$transcript"
while IFS= read -r line || [ -n "$line" ]; do
  [ -z "$line" ] && continue
  case "$line" in \#*) continue ;; esac
  echo "\$ $line" >> "$transcript"
  bash -c "$line" >> "$transcript" 2>&1
  rc=$?
  [ $rc -ne 0 ] && echo "[exit $rc]" >> "$transcript"
done < "$scratch/cmd"
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
  cp "$transcript" "$case_dir/expected"
  echo "updated $case_dir/expected"
  exit 0
fi
if ! diff -u "$case_dir/expected" "$transcript"; then
  echo "golden test $(basename "$case_dir") failed: the transcript above differs from expected (- expected, + actual)"
  exit 1
fi
