#!/usr/bin/env bash
# Regenerate the world-wide basemap (data/basemap/world/) from Debian-packaged data.
# Debian 12 (bookworm), as root: GMT 6.4.0, GSHHG 2.3.7 (gmt-gshhg-low), DCW-GMT 2.1.1.
# Usage: OUT=data/basemap/world bash data/basemap/tools/make_world.sh
set -euo pipefail
OUT=${OUT:-./world-out}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

if [ "${SKIP_APT:-0}" != 1 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y gmt gmt-gshhg-low gmt-gshhg-high gmt-dcw python3-venv
fi
if [ ! -x "$WORK/venv/bin/python" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q 'shapely==2.2.0'
fi

cd "$WORK"   # GMT writes gmt.history into the working directory
# GSHHG low resolution, world-wide (-Rd): land >= 100 km2, lakes >= 300 km2 (not river-lakes),
# WDBII rivers (1 permanent major, 2 additional major), WDBII national borders (1).
gmt coast -Rd -Dl -W -M -A100/1/1      > shore_l.gmt
gmt coast -Rd -Dl -W -M -A300/2/2+l    > lakes_l.gmt
gmt coast -Rd -Dl -I1 -I2 -M           > rivers_l.gmt
gmt coast -Rd -Dl -N1 -M               > borders_l.gmt

# Intermediate resolution land (>= 50 km2) for atlases of a smaller extent, gzipped (-n: no name
# or time stamp, so the bytes are reproducible).
gmt coast -Rd -Di -W -M -A50/1/1       > shore_i.gmt

"$WORK/venv/bin/python" "$HERE/build_world.py" "$WORK" "$OUT"
"$WORK/venv/bin/python" "$HERE/build_world.py" "$WORK" "$WORK" i
gzip -n -9 -c "$WORK/coast_i.geojson" > "$OUT/coast_i.geojson.gz"
python3 "$HERE/world_places.py" "$OUT"
