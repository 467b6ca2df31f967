#!/usr/bin/env bash
# Print speed on the Vorkuta atlas: wall and CPU time of `gazmap print` (the nine sheets, SVG +
# PDF + PNG) and of the whole `gazmap build`, best and median of RUNS runs each.
#
#   benches/print_vorkuta.sh                      # builds the release binary first
#   GAZMAP=/path/to/old/gazmap benches/print_vorkuta.sh   # the same figures for another binary
#   RUNS=5 ATLAS=data/acts benches/print_vorkuta.sh
#
# CPU time (user + sys) is the figure to compare on a shared machine: wall time also counts
# other processes' load. Output: one line per command with wall and CPU seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
ATLAS=${ATLAS:-data/vorkuta}
if [ -z "${GAZMAP:-}" ]; then
    cargo build --release -q
    GAZMAP=target/release/gazmap
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

measure() { # label, command...
    local label=$1
    shift
    local walls=() cpus=()
    for _ in $(seq "$RUNS"); do
        rm -rf "$OUT/run"
        /usr/bin/time -f "%e %U %S" -o "$OUT/time" "$@" >/dev/null 2>&1
        read -r wall user sys <"$OUT/time"
        walls+=("$wall")
        cpus+=("$(echo "$user + $sys" | bc)")
    done
    local w c
    w=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {printf "best %.2f s, median %.2f s", a[1], a[int((NR+1)/2)]}')
    c=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {printf "best %.2f s, median %.2f s", a[1], a[int((NR+1)/2)]}')
    printf '%-28s wall %s | CPU %s\n' "$label" "$w" "$c"
}

echo "$GAZMAP ($("$GAZMAP" --version)), $ATLAS, $RUNS runs, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
measure "print (all sheets)" "$GAZMAP" print "$ATLAS" -o "$OUT/run"
measure "print --format svg" "$GAZMAP" print "$ATLAS" --format svg -o "$OUT/run"
measure "print --format pdf" "$GAZMAP" print "$ATLAS" --format pdf -o "$OUT/run"
measure "print --format png" "$GAZMAP" print "$ATLAS" --format png -o "$OUT/run"
measure "build (all formats)" "$GAZMAP" build "$ATLAS" --out "$OUT/run"
