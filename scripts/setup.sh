#!/usr/bin/env bash
# Installs the Debian packages squeaky needs to build, test and benchmark, when any is missing.
# Safe to run again: it asks apt only when something is not installed yet.
set -euo pipefail

packages=(
  # compilers and build
  g++ cmake ninja-build ccache make clang libclang-rt-14-dev clang-format clang-tidy
  # libraries (see README: why each is here)
  libsqlite3-dev libssl-dev libcli11-dev libfmt-dev nlohmann-json3-dev libhowardhinnant-date-dev libtomlplusplus-dev tzdata
  # letters and email (issue: letters, email, outbox)
  libmstch-dev libcairo2-dev libpango1.0-dev libcurl4-openssl-dev fonts-dejavu-core fonts-noto-cjk
  # the HTTP server (squeaky serve) and its passwords and tokens
  libcpp-httplib-dev libsodium-dev
  # the shared store: libpq to talk to a PostgreSQL server, and the server itself, which the
  # tests start on a loopback port (tests/support/postgres_cluster.sh)
  libpq-dev postgresql
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev sqlite3 python3-aiosmtpd poppler-utils time
  # the web app's browser tests (playwright-core drives Debian's Chromium)
  chromium
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The web app's npm packages (web/package.json; exact versions in web/package-lock.json), again
# only when they are missing or the lock file changed. Vite 7 needs Node.js 20.19 or later.
web="$(dirname "$0")/../web"
if ! command -v npm >/dev/null || ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "setup: the web app needs Node.js 20.19 or later with npm; found $(node --version 2>/dev/null || echo none)" >&2
  exit 1
fi
if ! cmp -s "$web/package-lock.json" "$web/node_modules/.squeaky-installed-lock"; then
  echo "setup: installing the web app's npm packages"
  # `npm install` rather than `npm ci`: the lock file lists only this platform's optional builds
  # of rollup and esbuild, which `npm ci` refuses; with the lock in place it installs its versions.
  (cd "$web" && npm install --no-audit --no-fund --loglevel=error)
  cp "$web/package-lock.json" "$web/node_modules/.squeaky-installed-lock"
fi
