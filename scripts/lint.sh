#!/usr/bin/env bash
# The project's style checks: clang-format on every C++ file, then clang-tidy (.clang-tidy) over
# the release build's compile commands. `--format-only` runs just the format check (part of
# `make test`; clang-tidy takes minutes and is `make lint`).
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files 'src/*.h' 'src/*.cc' 'bench/*.cc' 'fuzz/*.cc')
if ! clang-format --dry-run --Werror $files; then
  echo "format: run 'make format' to fix the files above"
  exit 1
fi
echo "format: $(echo "$files" | wc -w) files formatted as .clang-format says"
[ "${1:-}" = "--format-only" ] && exit 0
cmake --preset release >/dev/null
sources=$(git ls-files 'src/*.cc')
run-clang-tidy -quiet -p build/release $sources 2>/dev/null || clang-tidy -quiet -p build/release $sources
