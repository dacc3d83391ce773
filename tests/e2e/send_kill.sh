#!/usr/bin/env bash
# A `squeaky send` killed with SIGKILL after the mail server received a message but before it
# answered must leave that message "unknown": the next send never sends it again (the server gets
# it exactly once), the journal still verifies, and a person can confirm it.
#
#   send_kill.sh SQUEAKY_BINARY
#
# Uses the test SMTP server tests/support/smtp_server.py (aiosmtpd, run by /usr/bin/python3) on a
# free port of 127.0.0.1: first in hang-after-data mode, which stores the message and never
# replies, then in accept mode. Only the processes this script starts are ever signalled.
set -euo pipefail
squeaky=$(readlink -f "$1")
# shellcheck source=../support/smtp_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/../support/smtp_server.sh"
work=$(mktemp -d)
send_pid=""
cleanup() {
  if [ -n "$send_pid" ]; then kill -9 "$send_pid" 2>/dev/null || true; fi
  stop_smtp
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
export SQUEAKY_NOW=2026-03-02T16:00:00Z  # 10:00 in Chicago, 11:00 in New York
fail() {
  echo "send_kill: $*"
  exit 1
}

settings() {  # settings PORT TIMEOUT
  cat >squeaky.toml <<EOF
[business]
name = "Harbour Tools Ltd"
address = ["12 Quay Street", "Portsmouth PO1 3AA", "United Kingdom"]
email = "accounts@harbourtools.example"

[email]
transport = "smtp"
host = "127.0.0.1"
port = $1
tls = "none"
timeout_seconds = $2
EOF
}
sq() { "$squeaky" --db sq.db "$@" 7>&-; }
count_id() {  # how many received messages carry Message-ID $1
  cat received-*/*.eml 2>/dev/null | grep -c -F "Message-ID: $1" || true
}

cat >customers.csv <<'EOF'
id,name,kind,email,phone,country,region,timezone,currency,credit_limit,address_line1,city,postal_code
C1,Acme Roofing LLC,business,ap@acme-roofing.example,+1 512 555 0100,US,TX,America/Chicago,USD,5000.00,400 Congress Ave,Austin,78701
C2,Bolt Supplies Inc,business,billing@bolt.example,,US,NY,America/New_York,USD,,1 Main St,Albany,12207
EOF
cat >invoices.csv <<'EOF'
id,customer_id,issue_date,due_date,amount,currency
INV-1001,C1,2026-01-01,2026-01-31,1234.56,USD
INV-2001,C2,2026-02-01,2026-02-26,99.99,USD
EOF
sq import customers customers.csv >/dev/null
sq import invoices invoices.csv >/dev/null
sq run --as-of 2026-03-02 >/dev/null
queued=$(sqlite3 sq.db "SELECT count(*) FROM outbox WHERE channel = 'email' AND status = 'queued'")
[ "$queued" = 2 ] || fail "the run queued $queued emails, expected 2"

# The server takes the first message and never answers; squeaky waits (up to 60 s) and is killed.
start_smtp hang-after-data received-1
settings "$port" 60
"$squeaky" --db sq.db send >send-1.out 2>&1 7>&- &  # not through sq(): $! must be squeaky itself
send_pid=$!
for _ in $(seq 200); do
  [ -e received-1/0001.eml ] && break
  sleep 0.1
done
[ -e received-1/0001.eml ] || fail "the server never received the first message: $(cat send-1.out)"
kill -9 "$send_pid" 2>/dev/null || fail "squeaky send had already ended: $(cat send-1.out)"
wait "$send_pid" 2>/dev/null || true
send_pid=""
stop_smtp

id=$(sqlite3 sq.db "SELECT action_id FROM outbox WHERE status = 'sending'")
[ -n "$id" ] || fail "no item was left sending by the killed send"
message_id=$(sqlite3 sq.db "SELECT message_id FROM outbox WHERE action_id = $id")
[ "$(count_id "$message_id")" = 1 ] || fail "the server did not receive $message_id before the kill"

# The next send, to a server that accepts: the killed item becomes unknown and is not sent again;
# the other email goes.
start_smtp accept received-2
settings "$port" 5
export SQUEAKY_NOW=2026-03-02T16:10:00Z
sq send >send-2.out 2>&1 || fail "the second send failed: $(cat send-2.out)"
grep -q "Sent 1, deferred 0, failed 0, rejected 0, unknown 0, blocked 0; 1 interrupted earlier, now unknown" send-2.out ||
  fail "unexpected second send: $(cat send-2.out)"
sq outbox --status unknown >unknown.out
grep -qE "^ +$id +2026-03-02 +C1 +email +notice +unknown " unknown.out ||
  fail "item $id is not listed as unknown: $(cat unknown.out)"
sq send >send-3.out 2>&1 || fail "the third send failed: $(cat send-3.out)"
grep -q "^Sent 0, " send-3.out || fail "the third send sent something: $(cat send-3.out)"
[ "$(count_id "$message_id")" = 1 ] || fail "$message_id was received $(count_id "$message_id") times, expected once"
accepted=$(find received-2 -name '*.eml' | wc -l)
[ "$accepted" = 1 ] || fail "the accepting server received $accepted messages, expected C2's reminder only"
stop_smtp

sq verify >verify.out 2>&1 || fail "verify failed after the kill: $(cat verify.out)"
export SQUEAKY_NOW=2026-03-02T16:20:00Z
[ "$(sq outbox confirm "$id" --user clerk)" = "outbox item $id confirmed sent" ] || fail "confirm failed"
sq outbox --status sent >sent.out
grep -qE "^ +$id +2026-03-02 +C1 +email +notice +sent +2026-03-02T16:20:00Z" sent.out ||
  fail "item $id is not sent after confirm: $(cat sent.out)"
[ "$(sqlite3 sq.db "SELECT count(*) FROM outbox WHERE channel = 'email' AND status = 'sent'")" = 2 ] ||
  fail "not both emails are sent"
sq verify >verify.out 2>&1 || fail "verify failed after confirm: $(cat verify.out)"
echo "send_kill: item $id, killed after the server had it, ended unknown, was received once and confirmed"
