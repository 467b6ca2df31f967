#!/usr/bin/env bash
# The scale benchmark of issue 16: synthetic atlases (examples/synth_atlas.rs: N sites, 10 N events
# of which a third are movements, N/10 stated distances, ~200 bytes of source per row) checked and
# built with the release binary, each run timed with /usr/bin/time -v. Prints, per N: `gazmap check`,
# each `build --format F`, the full build (all formats), peak memory, output sizes, and the growth
# exponent log(t2/t1)/log(N2/N1) between successive sizes, as a Markdown table.
#
#   bash benches/atlas_scale.sh                        # N = 100 1000 5000 20000 (slow: ~1 h)
#   SIZES="100 1000" bash benches/atlas_scale.sh       # quicker
#   FORMATS="geojson csv" FULL=0 bash benches/atlas_scale.sh   # some formats, no full build
#   WORK=/tmp/atlas-scale bash benches/atlas_scale.sh  # keep the atlases between runs
#   WORK=/tmp/atlas-scale KEEP=1 SIZES=20000 bash benches/atlas_scale.sh   # add a size to the
#       results already in WORK (the table then covers every size measured there)
#   WORK=/tmp/atlas-scale TABLE_ONLY=1 bash benches/atlas_scale.sh         # only the table
#
# WEB_MAX=N leaves `web` out above N sites, of its own row and of the full build (then reported as
# "full (no web)"); by default every format runs at every size. (When `web` wrote N x N matrices
# into atlas.json it needed 12.8 GB at N = 5,000 and was left out above 1,000.)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"100 1000 5000 20000"}
FORMATS=${FORMATS:-"geojson csv lpf lptsv kml fgb geojsonseq gpkg print pmtiles web"}
FULL=${FULL:-1}
WEB_MAX=${WEB_MAX:-1000000000}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"

cargo build --release --quiet --bin gazmap --example synth_atlas
BIN=target/release/gazmap
RESULTS="$WORK/results.tsv"
[ "${KEEP:-0}" = 1 ] || [ "${TABLE_ONLY:-0}" = 1 ] || : >"$RESULTS"

# run N STEP OUT CMD...: times one run, appends "N STEP wall_s rss_mib out_bytes cpu_s" to
# $RESULTS (cpu_s: user + system time, which a machine shared with other work changes less).
run() {
  local n=$1 step=$2 out=$3
  shift 3
  rm -rf "$out"
  if ! /usr/bin/time -v "$@" >"$WORK/last.stdout" 2>"$WORK/last.time"; then
    echo "FAILED: $*" >&2
    tail -20 "$WORK/last.time" >&2
    echo -e "$n\t$step\tfail\tfail\t0\tfail" >>"$RESULTS"
    return
  fi
  local wall rss cpu bytes=0
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$WORK/last.time")
  cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ {s+=$2} END {printf "%.2f", s}' "$WORK/last.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$WORK/last.time")
  [ -e "$out" ] && bytes=$(du -sb "$out" | cut -f1)
  echo -e "$n\t$step\t$wall\t$rss\t$bytes\t$cpu" >>"$RESULTS"
  printf '  %-12s %8.2f s %8.2f s cpu %7s MiB %12s bytes\n' "$step" "$wall" "$cpu" "$rss" "$bytes"
}

for n in $SIZES; do
  [ "${TABLE_ONLY:-0}" = 1 ] && break
  atlas="$WORK/synth-$n"
  [ -s "$atlas/atlas.toml" ] || target/release/examples/synth_atlas "$n" "$atlas"
  echo "N = $n ($(du -sbL "$atlas" | cut -f1) bytes of input)"
  run "$n" check "$WORK/none" "$BIN" check "$atlas"
  for f in $FORMATS; do
    if [ "$f" = web ] && [ "$n" -gt "$WEB_MAX" ]; then
      echo "  web          skipped (N > WEB_MAX=$WEB_MAX)"
      continue
    fi
    run "$n" "$f" "$WORK/out-$n-$f" nice -n 10 "$BIN" build "$atlas" --out "$WORK/out-$n-$f" --format "$f"
  done
  if [ "$FULL" = 1 ]; then
    fmts=$FORMATS step=full
    if [ "$n" -gt "$WEB_MAX" ]; then
      fmts=$(echo "$FORMATS" | tr ' ' '\n' | grep -v '^web$' | tr '\n' ' ')
      step="full (no web)"
    fi
    run "$n" "$step" "$WORK/out-$n-full" nice -n 10 "$BIN" build "$atlas" --out "$WORK/out-$n-full" \
      --format "$(echo $fmts | tr ' ' ',')"
  fi
  rm -rf "$WORK"/out-"$n"-*
done

# The table: one row per step, per size "wall s / cpu s / peak MiB / output MB", then the growth
# exponents of the CPU time (wall time on a shared machine mostly measures the other work).
python3 - "$RESULTS" <<'EOF'
import math, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
# Every size measured in WORK (with KEEP=1 the file holds earlier runs too), smallest first.
sizes = sorted({int(r[0]) for r in rows})
steps = list(dict.fromkeys(r[1] for r in rows))
res = {(int(r[0]), r[1]): r[2:] for r in rows}
head = "| step | " + " | ".join(f"N={n:,} wall s / cpu s / MiB / MB" for n in sizes)
pairs = list(zip(sizes, sizes[1:]))
head += "".join(f" | exp {a:,}→{b:,}" for a, b in pairs)
# The issue's span: from the first size of at least 1,000 to the last, when not a pair above.
base = next((n for n in sizes if n >= 1000), sizes[0])
span = base != sizes[-1] and (base, sizes[-1]) not in pairs
if span:
    head += f" | exp {base:,}→{sizes[-1]:,}"
print(head + " |")
print("|" + "---|" * (1 + len(sizes) + len(pairs) + span))
def t(n, s):
    v = res.get((n, s))
    return None if v is None or v[3] == "fail" else float(v[3])
def exp(a, b, s):
    ta, tb = t(a, s), t(b, s)
    if ta is None or tb is None or ta < 0.05:
        return "–"  # too short to measure
    return f"{math.log(tb / ta) / math.log(b / a):.2f}"
for s in steps:
    cells = []
    for n in sizes:
        v = res.get((n, s))
        if v is None:
            cells.append("–")
        elif v[0] == "fail":
            cells.append("failed")
        else:
            cells.append(f"{float(v[0]):.2f} / {float(v[3]):.2f} / {v[1]} / {int(v[2]) / 1e6:.1f}")
    line = f"| {s} | " + " | ".join(cells)
    line += "".join(f" | {exp(a, b, s)}" for a, b in pairs)
    if span:
        line += f" | {exp(base, sizes[-1], s)}"
    print(line + " |")
EOF
echo "raw results: $RESULTS"
