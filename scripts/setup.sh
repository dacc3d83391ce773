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
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev sqlite3 python3-aiosmtpd poppler-utils
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
