#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan+UBSan) and runs each for a bounded
# time on a scratch copy of its seed corpus (fuzz/corpus/<target>/), so the repository is never
# written to. Exits non-zero if any target crashes, leaks, trips a sanitizer or breaks one of its
# properties; the input that did it is kept and its path printed.
#
#   FUZZ_SECONDS  seconds per target (default 30)
#   FUZZ_TARGETS  which targets (default: csv_fuzzer money_fuzzer date_fuzzer copy_fuzzer)
#   FUZZ_JOBS     parallel fuzzing processes per target (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
targets=${FUZZ_TARGETS:-csv_fuzzer money_fuzzer date_fuzzer copy_fuzzer}
jobs=${FUZZ_JOBS:-1}

echo "fuzz: configure and build (preset fuzz)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

work=$(mktemp -d "${TMPDIR:-/tmp}/squeaky-fuzz.XXXXXX")
keep=0
trap '[ "$keep" = 1 ] || rm -rf "$work"' EXIT

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

failed=()
for target in $targets; do
  binary=build/fuzz/bin/$target
  corpus=$work/$target/corpus
  artifacts=$work/$target/artifacts
  mkdir -p "$corpus" "$artifacts"
  cp fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1
           -artifact_prefix="$artifacts/")
  [ -f fuzz/"$target".dict ] && options+=(-dict=fuzz/"$target".dict)
  [ "$jobs" -gt 1 ] && options+=(-fork="$jobs")
  log=$work/$target/log
  echo "fuzz: $target for ${seconds}s"
  rc=0
  # The time limit also bounds a run that hangs outside libFuzzer's own watch (a stuck fork).
  timeout --kill-after=10 $((seconds + 60)) "$binary" "${options[@]}" "$corpus" >"$log" 2>&1 || rc=$?
  grep -E '^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+ +DONE)' "$log" | tr '\n' ' ' || true
  echo
  if [ "$rc" -ne 0 ] || ls "$artifacts"/* >/dev/null 2>&1; then
    keep=1
    failed+=("$target")
    echo "fuzz: $target FAILED (exit $rc); last lines of its log ($log):"
    tail -n 40 "$log"
    for a in "$artifacts"/*; do [ -e "$a" ] && echo "fuzz: reproduce with: $binary $a"; done
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]} (logs and inputs kept in $work)"
  exit 1
fi
echo "fuzz: ${targets// /, }: no crash in ${seconds}s each"
