#!/usr/bin/env bash
# gazmap tiles and tippecanoe side by side (issue 12) on three inputs, the same options for both:
#
# - points:   1,000,000 synthetic points over the Pechora basin (examples/synth_points.rs), z0-z14
# - lines:    GSHHG full-resolution shorelines as lines, `gmt coast -Rd -Df -W -M` (10.6 M vertices)
# - polygons: DCW country polygons of every continent, `gmt coast -Rd -E=AF,=AN,... -M` (9.3 M vertices)
#
# all with `--drop-densest-as-needed` (tippecanoe's default limits, 500 KB and 200,000 features a
# tile, are gazmap's too). Equal work: gazmap simplifies lines and polygons by GAZ_S pixels,
# default 0.0625 = 1 tile unit of 4096, tippecanoe's default tolerance (-S 1 at detail 12);
# gazmap's own default is 0.25 px. Points run twice in gazmap: with its default thinning (one
# point kept in every 16 px square at every zoom, which shows far more points at z9-z13 than
# tippecanoe does) and as `gazmap256` with `--drop-spacing 256` (counted per tile, as
# tippecanoe's drop rate is, which gives an archive of about tippecanoe's size). The real data come from the Debian packages `gmt`, `gmt-gshhg-full`
# and `gmt-dcw` (the basemap's source), converted by benches/gmt_to_geojsonseq.py. Each job is
# timed with /usr/bin/time -v: wall, CPU (user + system), peak RSS, archive size, tile count (the
# PMTiles header's addressed tiles) and the ratio tippecanoe / gazmap. tippecanoe runs only when it
# is on PATH or TIPPECANOE=/path/to/tippecanoe (it is not built or shipped by this repository).
#
#   bash benches/tiles_vs_tippecanoe.sh                       # all three
#   ONLY="lines polygons" LZ=10 bash benches/tiles_vs_tippecanoe.sh
#   VALIDATE=1 bash benches/tiles_vs_tippecanoe.sh            # also decode every archive: features
#                                                             # per zoom, every polygon checked
#                                                             # with geo's validity
# Inputs stay in WORK (default /tmp/tiles-vs-tippecanoe) between runs; NICE=5 runs jobs niced.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
PZ=${PZ:-14}  # last zoom of the points
LZ=${LZ:-8}   # last zoom of the lines and polygons
ONLY=${ONLY:-points lines polygons}
WORK=${WORK:-/tmp/tiles-vs-tippecanoe}
NICE=${NICE:-0}
GAZ_S=${GAZ_S:-0.0625}
VALIDATE_PROFILE=${VALIDATE_PROFILE:-}  # --release for a faster check of a big archive
TIPPECANOE=${TIPPECANOE:-$(command -v tippecanoe || true)}
mkdir -p "$WORK"

# GAZMAP=/path/to/gazmap skips the build (a copy of target/release/gazmap taken earlier).
if [ -z "${GAZMAP:-}" ]; then
  cargo build --release --quiet --bin gazmap --example synth_points
  GAZMAP=target/release/gazmap
fi

# Inputs, made once.
if [[ " $ONLY " == *" points "* && ! -s "$WORK/points.geojsonl" ]]; then
  target/release/examples/synth_points "$N" "$WORK/points.geojsonl" --seq
fi
if [[ " $ONLY " == *" lines "* && ! -s "$WORK/lines.geojsonl" ]]; then
  echo "dumping GSHHG full shorelines (needs gmt-gshhg-full)"
  gmt coast -Rd -Df -W -M >"$WORK/lines.gmt"
  python3 benches/gmt_to_geojsonseq.py lines <"$WORK/lines.gmt" >"$WORK/lines.geojsonl" 2>"$WORK/lines.count"
  rm "$WORK/lines.gmt"
fi
if [[ " $ONLY " == *" polygons "* && ! -s "$WORK/polygons.geojsonl" ]]; then
  echo "dumping DCW country polygons (gmt-dcw)"
  gmt coast -Rd -E=AF,=AN,=AS,=EU,=NA,=OC,=SA -M >"$WORK/polygons.gmt"
  python3 benches/gmt_to_geojsonseq.py polygons <"$WORK/polygons.gmt" >"$WORK/polygons.geojsonl" 2>"$WORK/polygons.count"
  rm "$WORK/polygons.gmt"
fi

# Addressed tiles of a PMTiles v3 archive (header bytes 72..80, little-endian).
tiles_of() {
  python3 -c 'import struct,sys; f=open(sys.argv[1],"rb"); h=f.read(127); print(struct.unpack_from("<Q", h, 72)[0])' "$1"
}

# run LABEL OUTPUT COMMAND...: one timed run; prints a table row "label wall cpu rss_mib mb tiles"
run() {
  local label=$1 out=$2
  shift 2
  rm -f "$out"
  nice -n "$NICE" /usr/bin/time -v "$@" >"$WORK/$label.stdout" 2>"$WORK/$label.time"
  local wall cpu rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$WORK/$label.time")
  cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$WORK/$label.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$label.time")
  echo "$label $wall $cpu $((rss / 1024)) $(stat -c %s "$out") $(tiles_of "$out")" | tee -a "$WORK/results"
}

: >"$WORK/results"
for input in $ONLY; do
  if [ "$input" = points ]; then z=$PZ; layer=sites; else z=$LZ; layer=$input; fi
  run "gazmap-$input" "$WORK/gazmap-$input.pmtiles" \
    "$GAZMAP" tiles "$WORK/$input.geojsonl" -o "$WORK/gazmap-$input.pmtiles" \
    -z"$z" --drop-densest-as-needed -l "$layer" -S "$GAZ_S"
  if [ "$input" = points ]; then
    run "gazmap256-$input" "$WORK/gazmap256-$input.pmtiles" \
      "$GAZMAP" tiles "$WORK/$input.geojsonl" -o "$WORK/gazmap256-$input.pmtiles" \
      -z"$z" --drop-densest-as-needed -l "$layer" --drop-spacing 256
  fi
  if [ -n "$TIPPECANOE" ]; then
    run "tippecanoe-$input" "$WORK/tippecanoe-$input.pmtiles" \
      "$TIPPECANOE" -o "$WORK/tippecanoe-$input.pmtiles" -z"$z" --drop-densest-as-needed \
      -l "$layer" --force --quiet "$WORK/$input.geojsonl"
  fi
done

echo
echo "$(nproc) cores; points z0-z$PZ, lines and polygons z0-z$LZ; --drop-densest-as-needed; gazmap -S $GAZ_S"
for input in $ONLY; do
  [ -s "$WORK/$input.count" ] && echo "$input: $(cat "$WORK/$input.count")"
done
echo "| input | tool | wall s | CPU s | peak MiB | archive MB | tiles |"
echo "|---|---|---:|---:|---:|---:|---:|"
awk '{ split($1, p, "-"); printf "| %s | %s | %.1f | %.1f | %d | %.1f | %d |\n", p[2], p[1], $2, $3, $4, $5 / 1e6, $6 }' "$WORK/results"
if [ -n "$TIPPECANOE" ]; then
  echo
  echo "| input | tippecanoe / gazmap: wall | CPU | peak memory |"
  echo "|---|---:|---:|---:|"
  awk '{ split($1, p, "-"); k = p[2]; if (p[1] ~ /^gazmap/) { gw[$1]=$2; gc[$1]=$3; gm[$1]=$4; in_[$1]=k; order[++n]=$1 } else { tw[k]=$2; tc[k]=$3; tm[k]=$4 } }
       END { for (i = 1; i <= n; i++) { g = order[i]; k = in_[g]; split(g, q, "-"); if (k in tw) printf "| %s (%s) | %.1fx | %.1fx | %.2fx |\n", k, q[1], tw[k]/gw[g], tc[k]/gc[g], tm[k]/gm[g] } }' "$WORK/results"
fi

if [ "${VALIDATE:-0}" = 1 ]; then
  echo
  for input in $ONLY; do
    for tool in gazmap gazmap256 tippecanoe; do
      archive="$WORK/$tool-$input.pmtiles"
      [ -s "$archive" ] || continue
      echo "$tool $input: every tile decoded, every polygon checked with geo's Validation:"
      GAZMAP_VALIDATE_COUNT_ONLY=1 GAZMAP_VALIDATE_PMTILES="$archive" cargo test $VALIDATE_PROFILE \
        --quiet --test it tiles::validate -- --nocapture 2>&1 | grep -E '^(features|polygons|invalid)' || true
    done
  done
fi
