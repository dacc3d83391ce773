#!/usr/bin/env bash
# A run killed with SIGKILL at any moment, then run again, must end with exactly the actions,
# skipped steps and journal of an uninterrupted run: nothing lost, nothing twice.
#
#   kill_run.sh SQUEAKY_BINARY
#
# Generates 20,000 customers and 100,000 invoices, runs 2026-03-31 once without interruption as
# the reference, then for several delays starts the same run on a fresh copy, kills it after the
# delay, runs it again and compares.
set -euo pipefail
squeaky=$(readlink -f "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export SQUEAKY_NOW=2026-03-31T06:00:00Z

"$squeaky" gen --customers 20000 --invoices 100000 --seed 3 --as-of 2026-03-31 data >/dev/null
for kind in customers invoices payments credits; do
  "$squeaky" --db base.db import "$kind" "data/$kind.csv" >/dev/null
done

dump() {  # what a run writes, in a stable order
  sqlite3 "$1" "SELECT customer_id, episode, plan, step, channel, on_date, status, amount, reason, invoices
                FROM actions ORDER BY customer_id, episode, step, channel;
                SELECT customer_id, number, opened_on, closed_on FROM episodes ORDER BY 1, 2;
                SELECT kind, customer_id, payload FROM journal ORDER BY seq;
                SELECT as_of, actions, skipped FROM runs;"
}

cp base.db reference.db
"$squeaky" --db reference.db run --as-of 2026-03-31 >/dev/null
dump reference.db > reference.txt
actions=$(sqlite3 reference.db "SELECT count(*) FROM actions")
[ "$actions" -gt 1000 ] || { echo "the reference run wrote only $actions actions"; exit 1; }

killed=0
for delay in 0.05 0.15 0.3 0.5 0.8 1.1 1.4; do
  cp base.db run.db
  rm -f run.db-wal run.db-shm
  "$squeaky" --db run.db run --as-of 2026-03-31 >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null || true
  "$squeaky" --db run.db run --as-of 2026-03-31 >/dev/null
  second=$("$squeaky" --db run.db run --as-of 2026-03-31)
  case "$second" in
    *"already run"*) ;;
    *) echo "after the kill at ${delay}s, a third run was not a no-op: $second"; exit 1 ;;
  esac
  dump run.db > run.txt
  if ! diff -q reference.txt run.txt >/dev/null; then
    echo "after a kill at ${delay}s the re-run differs from the uninterrupted run:"
    diff reference.txt run.txt | head -20
    exit 1
  fi
  "$squeaky" --db run.db verify >/dev/null
done
[ "$killed" -gt 0 ] || { echo "no run was still going when killed: the test proved nothing"; exit 1; }
echo "kill_run: $killed runs killed part-way; every re-run matched the uninterrupted run ($actions actions)"
