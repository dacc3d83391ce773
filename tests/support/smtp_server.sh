# Sourced by the end-to-end scripts (tests/e2e): the test SMTP server, smtp_server.py (aiosmtpd,
# run by /usr/bin/python3), on a free port of 127.0.0.1. Its standard input is a FIFO the script
# holds open on fd 7 (--exit-on-eof), so it goes away with the script even if the script's trap
# never runs. The script defines fail() and runs in its scratch folder.
smtp_script=$(readlink -f "$(dirname "${BASH_SOURCE[0]}")/smtp_server.py")
smtp_pid=""

# start_smtp MODE DIR: the server in MODE (accept, tempfail, reject, hang-after-data, ...) storing
# what it receives in DIR; sets smtp_pid and port.
start_smtp() {
  mkdir -p "$2"
  rm -f smtp.in smtp.out
  mkfifo smtp.in
  /usr/bin/python3 -I "$smtp_script" --port 0 --dir "$2" --mode "$1" --exit-on-eof \
    <smtp.in >smtp.out 2>smtp.err &
  smtp_pid=$!
  exec 7>smtp.in
  port=""
  for _ in $(seq 200); do
    port=$(sed -n 's/^ready \([0-9][0-9]*\)$/\1/p' smtp.out)
    [ -n "$port" ] && break
    kill -0 "$smtp_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$port" ] || fail "the SMTP test server did not start: $(cat smtp.err)"
}

# stop_smtp: ends the server this script started, if any.
stop_smtp() {
  exec 7>&- || true
  if [ -n "$smtp_pid" ]; then
    kill "$smtp_pid" 2>/dev/null || true
    wait "$smtp_pid" 2>/dev/null || true
  fi
  smtp_pid=""
}
