#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each, one after another, and prints
# executions, coverage (libFuzzer's cov/ft counters) and new crash artifacts per target.
#
#   benches/fuzz.sh [SECONDS] [TARGET...]      e.g. benches/fuzz.sh 1800, benches/fuzz.sh 20 edtf
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Seed corpora are
# derived from the real atlases and fixtures by fuzz/seed.py into fuzz/corpus/<target>; crashes
# land in fuzz/artifacts/<target>/ (reproduce with `cargo +nightly fuzz run -s none T FILE`).
# Built without a sanitizer (`-s none`): gazmap forbids unsafe code, so what the fuzzer hunts
# is panics, aborts, hangs and memory blow-ups, and uninstrumented runs are several times faster.
set -euo pipefail

secs=${1:-60}
shift || true
all=(atlas edtf quote geojson csv fgb tiles)
targets=("${@:-${all[@]}}")
cd "$(dirname "$0")/../fuzz"

# The fgb seeds are written by the gazmap binary itself.
(cd .. && cargo build --quiet --bin gazmap)
python3 seed.py >/dev/null
nice -n 10 cargo +nightly fuzz build -s none
mkdir -p logs

printf '%-8s %8s %12s %8s %8s %8s  %s\n' target seconds executions cov ft crashes log
for t in "${targets[@]}"; do
    mkdir -p "artifacts/$t"
    before=$(find "artifacts/$t" -type f | wc -l)
    log="logs/$t.log"
    dict=()
    [[ $t != tiles && $t != fgb ]] && dict=(-dict=dict/gazmap.dict)
    # Fixed crash inputs are replayed first (new finds go to the first folder, the corpus).
    dirs=("corpus/$t")
    [[ -d regressions/$t ]] && dirs+=("regressions/$t")
    nice -n 10 cargo +nightly fuzz run -s none "$t" "${dirs[@]}" -- \
        -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=2048 -timeout=20 \
        -max_len=65536 "${dict[@]}" >"$log" 2>&1 || true
    execs=$(grep -oP 'stat::number_of_executed_units:\s*\K[0-9]+' "$log" ||
        grep -oP '^#\K[0-9]+' "$log" | tail -n 1 || echo '?')
    last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 || true)
    cov=$(grep -oP 'cov: \K[0-9]+' <<<"$last" || echo '?')
    ft=$(grep -oP 'ft: \K[0-9]+' <<<"$last" || echo '?')
    after=$(find "artifacts/$t" -type f | wc -l)
    printf '%-8s %8s %12s %8s %8s %8s  %s\n' "$t" "$secs" "$execs" "$cov" "$ft" "$((after - before))" "fuzz/$log"
done
