#!/usr/bin/env bash
# Several squeaky processes on one PostgreSQL ledger at once: four imports, calls being logged, and
# three `squeaky send` started together. The journal must come out as one unbroken chain holding
# every change, and every queued email must be sent exactly once.
#
#   concurrent_processes.sh SQUEAKY_BINARY URL_FILE
#
# URL_FILE holds the URL of the test server's maintenance database (tests/support/
# postgres_cluster.sh writes it); the script makes a fresh database of its own there.
set -euo pipefail
squeaky=$(readlink -f "$1")
server=$(cat "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() {
  echo "concurrent_processes: $*"
  exit 1
}

name=concurrent_processes
PGOPTIONS='-c client_min_messages=warning' psql -qX -v ON_ERROR_STOP=1 "$server" \
  -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name" >/dev/null
export SQUEAKY_DB="${server%/*}/$name" SQUEAKY_NOW=2026-03-31T15:00:00Z
cat >squeaky.toml <<'TOML'
[business]
name = "Harbour Tools Ltd"
address = ["12 Quay Street", "Portsmouth PO1 3AA", "United Kingdom"]
email = "accounts@harbourtools.example"

[email]
transport = "file"
directory = "mail"
TOML

"$squeaky" gen --customers 200 --invoices 1500 --seed 11 --as-of 2026-03-31 data >/dev/null
"$squeaky" import customers data/customers.csv >/dev/null
# The invoices in four files, imported by four processes at once.
head -1 data/invoices.csv >header.csv
tail -n +2 data/invoices.csv >rows.csv
split -n l/4 rows.csv part-
pids=()
for part in part-*; do
  cat header.csv "$part" >"$part.csv"
  "$squeaky" import invoices "$part.csv" >"$part.log" 2>&1 &
  pids+=($!)
done
# Meanwhile, calls logged for ten customers.
for n in 1 2 3 4 5 6 7 8 9; do
  "$squeaky" log-call "C000$n" --outcome no-answer --as-of 2026-03-31 --user "clerk$n" >"call-$n.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || fail "a writer failed: $(cat ./*.log)"; done

invoices=$(($(wc -l <data/invoices.csv) - 1))
customers=$(($(wc -l <data/customers.csv) - 1))
entries=$(psql -qAtX "$SQUEAKY_DB" -c 'select count(*) from journal')
[ "$entries" -eq $((customers + invoices + 9)) ] ||
  fail "$entries journal entries, expected $customers customers + $invoices invoices + 9 calls"
"$squeaky" verify >verify.log || fail "verify: $(cat verify.log)"
# Entries of one import come one after the other: no other process wrote in between.
interleaved=$(psql -qAtX "$SQUEAKY_DB" -c "select count(*) from (select actor, lag(actor) over (order by seq) as before
  from journal where kind = 'invoice.created') t where split_part(actor, ':', 1) <> split_part(before, ':', 1)")
[ "$interleaved" -le 3 ] || fail "the imports' entries are interleaved ($interleaved changes of file)"

# The payments and credits, together, so that the run finds accounts at every stage.
"$squeaky" import payments data/payments.csv >payments.log 2>&1 &
payments=$!
"$squeaky" import credits data/credits.csv >credits.log 2>&1 || fail "credits: $(cat credits.log)"
wait "$payments" || fail "payments: $(cat payments.log)"

# The run queues emails; three senders start together.
"$squeaky" run --as-of 2026-03-31 >/dev/null
queued=$(psql -qAtX "$SQUEAKY_DB" -c "select count(*) from outbox where status = 'queued' and channel = 'email'")
[ "$queued" -ge 10 ] || fail "the run queued only $queued emails"
pids=()
for n in 1 2 3; do
  "$squeaky" send >"send-$n.log" 2>&1 &
  pids+=($!)
done
for n in 0 1 2; do
  if ! wait "${pids[$n]}"; then
    grep -q "another squeaky is sending" "send-$((n + 1)).log" || fail "send $((n + 1)): $(cat "send-$((n + 1)).log")"
  fi
done
# Whatever the others left (they were told another was sending) goes now.
"$squeaky" send >/dev/null
sent=$(find mail -name '*.eml' | wc -l)
marked=$(psql -qAtX "$SQUEAKY_DB" -c "select count(*) from outbox where channel = 'email' and status = 'sent'")
claimed=$(psql -qAtX "$SQUEAKY_DB" -c "select count(*) from journal where kind = 'outbox.sending'")
[ "$sent" -gt 0 ] && [ "$sent" -eq "$marked" ] && [ "$sent" -eq "$claimed" ] ||
  fail "$sent emails written, $marked marked sent, $claimed claimed for sending"
duplicates=$(cat mail/*.eml | grep '^Message-ID:' | sort | uniq -d | wc -l)
[ "$duplicates" -eq 0 ] || fail "$duplicates emails were sent twice"
# The rest wait for the debtor's daytime; none is left half-sent.
stuck=$(psql -qAtX "$SQUEAKY_DB" -c "select count(*) from outbox where status in ('sending', 'unknown')")
[ "$stuck" -eq 0 ] || fail "$stuck emails left sending or unknown"
"$squeaky" verify >verify.log || fail "verify after sending: $(cat verify.log)"
echo "concurrent_processes: $entries entries from 13 writers at once in one chain; $sent emails sent once each"
