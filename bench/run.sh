#!/usr/bin/env bash
# Whole-program benchmark: generates ledgers with `squeaky gen`, then times each command a user
# runs on them (import customers, invoices, payments, credits; aging; the first daily run, which
# plans every customer and writes the day's actions; the next day's run, an ordinary day; the same
# invoices imported again), printing
# for each step its rows, wall seconds, CPU seconds (user + system, which other load on the
# machine disturbs less), rows per wall second and the process's peak resident memory.
# Measurements, not a pass/fail test: docs/PERFORMANCE.md records them with the machine they came
# from.
#
#   BENCH_SIZES   invoice counts to run (default "10000 100000 1000000": about 2.5 minutes; add
#                 10000000 if you have ~10 more minutes and ~20 GB of disk)
#   BENCH_REPEAT  runs per size; the fastest of each step is reported (default 1)
#   BENCH_BIN     the squeaky binary (default build/release/bin/squeaky, built when missing)
#   TMPDIR        where the scratch directory goes (default /tmp); it is removed at the end
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${BENCH_SIZES:-10000 100000 1000000}
repeat=${BENCH_REPEAT:-1}
bin=${BENCH_BIN:-build/release/bin/squeaky}

if [ ! -x "$bin" ]; then
  echo "bench: building $bin (preset release)"
  cmake --preset release >/dev/null
  cmake --build --preset release --target squeaky
fi
bin=$(realpath "$bin")

work=$(mktemp -d "${TMPDIR:-/tmp}/squeaky-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
echo "bench: $(nproc) cores, $cpu, $mem; $("$bin" --version 2>/dev/null || echo squeaky); scratch in $work"
printf '%-10s %-18s %9s %9s %9s %11s %9s\n' invoices step rows wall-s cpu-s rows/s peak-MB

# best[step] = the fastest run of the step: "wall user+sys peak-KB"; rows[step] = its row count.
declare -A best rows
run_step() {  # run_step STEP ROWS COMMAND...
  local step=$1 count=$2 wall user sys peak cpu
  shift 2
  /usr/bin/time -o "$work/time" -f '%e %U %S %M' "$@" >"$work/out" 2>&1 ||
    { echo "bench: '$step' failed:"; cat "$work/out"; exit 1; }
  read -r wall user sys peak <"$work/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  if [ -z "${best[$step]:-}" ] || awk -v a="$wall" -v b="${best[$step]%% *}" 'BEGIN { exit !(a < b) }'; then
    best[$step]="$wall $cpu $peak"
  fi
  rows[$step]=$count
}

imported_rows() { grep -oE '[0-9]+ rows' "$work/out" | head -n 1 | cut -d' ' -f1; }

for n in $sizes; do
  customers=$((n / 10 > 0 ? n / 10 : 1))
  data=$work/data-$n
  "$bin" gen --customers "$customers" --invoices "$n" --seed 1 --as-of 2026-03-31 "$data" >"$work/gen"
  count() { echo $(($(wc -l <"$data/$1.csv") - 1)); }  # the generator writes no line breaks in fields
  best=()
  rows=()
  for ((r = 1; r <= repeat; r++)); do
    db=$work/squeaky-$n.db
    rm -f "$db" "$db-wal" "$db-shm"
    for kind in customers invoices payments credits; do
      run_step "import $kind" "$(count "$kind")" "$bin" --db "$db" import "$kind" "$data/$kind.csv"
      [ "$(imported_rows)" = "${rows["import $kind"]}" ] || { echo "bench: unexpected output:"; cat "$work/out"; exit 1; }
    done
    run_step "aging" "$n" "$bin" --db "$db" aging --as-of 2026-03-31
    run_step "run" "$n" "$bin" --db "$db" run --as-of 2026-03-31
    run_step "run next day" "$n" "$bin" --db "$db" run --as-of 2026-04-01
    run_step "reimport invoices" "$(count invoices)" "$bin" --db "$db" import invoices "$data/invoices.csv"
    grep -q 'nothing changed' "$work/out" || { echo "bench: the second import changed something:"; cat "$work/out"; exit 1; }
  done
  for step in "import customers" "import invoices" "import payments" "import credits" "aging" "run" \
    "run next day" "reimport invoices"; do
    read -r wall cpu peak <<<"${best[$step]}"
    printf '%-10s %-18s %9s %9s %9s %11s %9s\n' "$n" "$step" "${rows[$step]}" "$wall" "$cpu" \
      "$(awk -v r="${rows[$step]}" -v s="$wall" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')" \
      "$((peak / 1024))"
  done
  echo "$n: database $(du -h "$db" | cut -f1)"
  rm -rf "$data" "$db" "$db-wal" "$db-shm"
done
