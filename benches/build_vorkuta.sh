#!/usr/bin/env bash
# The build-time benchmark of issue 11: the whole Vorkuta build (every format) and each
# `build --format F` alone, with the release binary, RUNS runs each, timed with /usr/bin/time.
# Prints, per step, the median wall time and the median CPU time (user + system) in seconds.
#
#   bash benches/build_vorkuta.sh                          # RUNS=5, data/vorkuta
#   REF_BIN=/tmp/gazmap-before bash benches/build_vorkuta.sh   # a reference binary first
#   RUNS=3 ATLAS=data/acts FORMATS="print web" bash benches/build_vorkuta.sh
#
# With REF_BIN (a `gazmap` built from an earlier commit, e.g. `git worktree add /tmp/ref REV &&
# cargo build --release --manifest-path /tmp/ref/Cargo.toml`), that binary is measured first, in
# the same script and so under the same load, then this tree's; the table has both. The load
# average is printed before and after: on a shared machine the wall time measures the other work
# too, the CPU time much less.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
ATLAS=${ATLAS:-data/vorkuta}
FORMATS=${FORMATS:-"geojson csv lpf lptsv kml fgb geojsonseq gpkg print pmtiles web"}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cargo build --release --quiet --bin gazmap
BINS=()
LABELS=()
if [ -n "${REF_BIN:-}" ]; then
  BINS+=("$REF_BIN")
  LABELS+=("reference")
fi
BINS+=(target/release/gazmap)
LABELS+=("this tree")

# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# measure BIN STEP ARGS...: RUNS timed runs; prints "median_wall median_cpu"
measure() {
  local bin=$1 step=$2
  shift 2
  : >"$WORK/times"
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/out"
    /usr/bin/time -f '%e %U %S' -o "$WORK/t" "$bin" "$@" >/dev/null 2>"$WORK/err" || {
      echo "FAILED: $bin $*" >&2
      cat "$WORK/err" >&2
      exit 1
    }
    awk '{printf "%s %.2f\n", $1, $2 + $3}' "$WORK/t" >>"$WORK/times"
  done
  echo "$(cut -d' ' -f1 "$WORK/times" | median) $(cut -d' ' -f2 "$WORK/times" | median)"
}

echo "atlas $ATLAS, $RUNS runs per step, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A RESULT
for i in "${!BINS[@]}"; do
  bin=${BINS[$i]}
  label=${LABELS[$i]}
  echo "$label: $bin"
  RESULT["$i check"]=$(measure "$bin" check check "$ATLAS")
  RESULT["$i full"]=$(measure "$bin" full build "$ATLAS" --out "$WORK/out")
  echo "  full build: ${RESULT["$i full"]}"
  for f in $FORMATS; do
    RESULT["$i $f"]=$(measure "$bin" "$f" build "$ATLAS" --out "$WORK/out" --format "$f")
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# The table: median wall s / median CPU s per binary.
head="| step"
rule="|---"
for label in "${LABELS[@]}"; do
  head+=" | $label: wall s / CPU s"
  rule+="|---"
done
echo
echo "$head |"
echo "$rule|"
for step in check full $FORMATS; do
  line="| $step"
  [ "$step" = full ] && line="| full build (all formats)"
  [ "$step" = check ] && line="| check only"
  for i in "${!BINS[@]}"; do
    read -r wall cpu <<<"${RESULT["$i $step"]}"
    line+=" | $wall / $cpu"
  done
  echo "$line |"
done
