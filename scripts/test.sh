#!/usr/bin/env bash
# Everything `make test` runs: the release build and its tests, the same tests under
# AddressSanitizer and UndefinedBehaviorSanitizer, a bounded fuzz run of the parsers, and the
# format check. Prints one summary line at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
passed=0
failed=0

run_suite() {  # run_suite PRESET
  local preset=$1 log
  log=$(mktemp)
  echo "== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: tests"
  local rc=0
  ctest --preset "$preset" -j "$jobs" 2>&1 | tee "$log" || rc=$?
  local line
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1 || true)
  if [ -n "$line" ]; then
    local total fail
    total=$(echo "$line" | sed -E 's/.*out of ([0-9]+).*/\1/')
    fail=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed.*/\1/')
    passed=$((passed + total - fail))
    failed=$((failed + fail))
  else
    failed=$((failed + 1))
  fi
  rm -f "$log"
  return $rc
}

status=0
run_suite release || status=1
run_suite asan || status=1
echo "== fuzz: bounded runs of the CSV, amount and date parsers and the packed records reader"
if bash scripts/fuzz.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
echo "== format"
if bash scripts/lint.sh --format-only; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

echo "test: $passed passed, $failed failed"
exit $status
