#!/usr/bin/env bash
# Times the API's aging and dashboard on a ledger that is already imported: starts `squeaky
# serve` on a free loopback port over DB, waits for the whole ledger's read the server starts with
# (printing how long it took), asks for the aging once, then several times records one payment through the API and asks again
# for the aging totals and the dashboard, then for those of later days (dated from what is kept),
# printing each request's time. Measurements, not a pass/fail test (docs/PERFORMANCE.md).
#
#   bench/serve_figures.sh DB CUSTOMER_ID CURRENCY [AS_OF]
#
# DB is changed: a user `bench` and an API token are added, and each round a payment of 1.00 from
# CUSTOMER_ID (ids BENCH-PAY-<pid>-<n>). The server listens on 127.0.0.1 only and is stopped at
# the end.
set -euo pipefail
cd "$(dirname "$0")/.."
db=$(realpath "$1")
customer=$2
currency=$3
as_of=${4:-2026-03-31}
bin=$(realpath "${BENCH_BIN:-build/release/bin/squeaky}")
work=$(mktemp -d "${TMPDIR:-/tmp}/squeaky-serve.XXXXXX")
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

printf 'bench figures 12345\n' | "$bin" --db "$db" user add bench --role owner >/dev/null 2>&1 || true
token=$("$bin" --db "$db" token create "bench-$$" --role owner --user bench | tail -n 1)
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SQUEAKY_NOW="${as_of}T15:00:00Z" "$bin" --db "$db" serve --no-schedule --listen "127.0.0.1:$port" \
  >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

ask() {  # ask NAME METHOD PATH [BODY]: prints the request's total time in milliseconds
  local name=$1 method=$2 path=$3 body=${4:-}
  local args=(-s -o "$work/body" -w '%{http_code} %{time_total}\n' -X "$method"
    -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data "$body")
  read -r code seconds < <(curl "${args[@]}")
  [ "${code:0:1}" = 2 ] || { echo "bench: $name answered $code: $(head -c 300 "$work/body")" >&2; exit 1; }
  awk -v n="$name" -v s="$seconds" 'BEGIN { printf "%-34s %10.1f ms\n", n, s * 1000 }'
}

for _ in $(seq 6000); do grep -q 'event=figures_read' "$work/server.log" && break; sleep 0.1; done
grep -o 'event=figures_read.*' "$work/server.log" || true
ask "aging (first after the start's read)" GET "/api/v1/aging?as_of=$as_of"
ask "dashboard" GET "/api/v1/dashboard?as_of=$as_of"
for n in 1 2 3 4 5; do
  ask "POST one payment" POST /api/v1/payments \
    "{\"id\":\"BENCH-PAY-$$-$n\",\"customer_id\":\"$customer\",\"date\":\"$as_of\",\"amount\":\"1.00\",\"currency\":\"$currency\"}"
  ask "aging after it" GET "/api/v1/aging?as_of=$as_of"
  ask "dashboard after it" GET "/api/v1/dashboard?as_of=$as_of"
done
for days in 1 2 30; do
  later=$(date -u -d "$as_of + $days day" +%F)
  ask "aging $days day(s) later (no read)" GET "/api/v1/aging?as_of=$later"
  ask "dashboard $days day(s) later" GET "/api/v1/dashboard?as_of=$later"
done
