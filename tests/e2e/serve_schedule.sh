#!/usr/bin/env bash
# `squeaky serve` does the day's work by itself: at run_at in the business's zone it runs the day,
# and it sends the due emails through a real SMTP server, with no cron and no command; stopped
# with SIGTERM it exits 0, and the day is not run twice.
#
#   serve_schedule.sh SQUEAKY_BINARY
#
# Uses the test SMTP server tests/support/smtp_server.py (aiosmtpd, run by /usr/bin/python3) in
# accept mode on a free port of 127.0.0.1. Only the processes this script starts are signalled.
set -euo pipefail
squeaky=$(readlink -f "$1")
# shellcheck source=../support/smtp_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/../support/smtp_server.sh"
work=$(mktemp -d)
serve_pid=""
cleanup() {
  if [ -n "$serve_pid" ]; then kill -9 "$serve_pid" 2>/dev/null || true; fi
  stop_smtp
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
# 10:00 in Chicago: past the 06:00 run, and inside every debtor's convenient hours.
export SQUEAKY_NOW=2026-03-02T16:00:00Z
fail() {
  echo "serve_schedule: $*"
  echo "--- serve's log:"
  cat serve.err 2>/dev/null || true
  exit 1
}
sq() { "$squeaky" --db sq.db "$@" 7>&-; }

start_smtp accept received

cat >squeaky.toml <<EOF
[business]
name = "Harbour Tools Ltd"
address = ["12 Quay Street", "Portsmouth PO1 3AA", "United Kingdom"]
email = "accounts@harbourtools.example"

[email]
transport = "smtp"
host = "127.0.0.1"
port = $port
tls = "none"
timeout_seconds = 10

[server]
run_at = "06:00"
timezone = "America/Chicago"
send_every_minutes = 15
EOF
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

"$squeaky" --db sq.db serve --listen 127.0.0.1:0 >serve.out 2>serve.err 7>&- &
serve_pid=$!
for _ in $(seq 300); do
  grep -q '^event=send ' serve.err && break
  kill -0 "$serve_pid" 2>/dev/null || fail "squeaky serve exited"
  sleep 0.1
done
grep -q '^event=run day=2026-03-02 actions=3 skipped=1 events=2 duration_us=[0-9]*$' serve.err ||
  fail "the server did not run the day by itself"
grep -q '^event=send sent=2 failed=0 rejected=0 unknown=0 blocked=0 deferred=0$' serve.err ||
  fail "the server did not send the day's two emails"
received=$(ls received/*.eml | wc -l)
[ "$received" = 2 ] || fail "the SMTP server received $received messages, expected 2"

kill -TERM "$serve_pid"
rc=0
wait "$serve_pid" || rc=$?
serve_pid=""
[ "$rc" = 0 ] || fail "squeaky serve exited $rc on SIGTERM"
grep -q '^squeaky: stopped$' serve.err || fail "squeaky serve did not say it stopped"

# The day was run once: running it again changes nothing; both emails are sent, the journal holds.
again=$(sq run --as-of 2026-03-02)
echo "$again" | grep -q "already run" || fail "the day ran again: $again"
sent=$(sq outbox --status sent --json | grep -o '"status":"sent"' | wc -l)
[ "$sent" = 2 ] || fail "$sent emails are marked sent, expected 2"
sq verify >/dev/null || fail "the journal does not verify: $(sq verify)"
echo "serve_schedule: ok"
