#!/usr/bin/env python3
"""pyproj's vectorised inverse geodesic (Geod.inv, WGS84) over all pairs of an atlas's located
sites, the reference for examples/pairs_per_second.rs:

    python3 benches/pyproj_pairs.py /tmp/synth-2000      # pip install pyproj

Rows are sent to Geod.inv in blocks of about a million pairs (one call per block, on
`array.array` buffers, which pyproj reads without copying, as it does numpy arrays)."""
from array import array
import csv
import sys
import time

from pyproj import Geod

rows = list(csv.DictReader(open(f"{sys.argv[1]}/sites.csv", encoding="utf-8")))
pts = [(float(r["lon"]), float(r["lat"])) for r in rows if r["lat"] and r["lon"]]
lon = [p[0] for p in pts]
lat = [p[1] for p in pts]
n = len(pts)
geod = Geod(ellps="WGS84")
block = max(1, 1_000_000 // n)
t = time.perf_counter()
total = 0.0
inv_time = 0.0
for i in range(0, n, block):
    j = min(n, i + block)
    # Building the inputs is not timed.
    lon1 = array("d", [x for x in lon[i:j] for _ in range(n)])
    lat1 = array("d", [y for y in lat[i:j] for _ in range(n)])
    lon2 = array("d", lon * (j - i))
    lat2 = array("d", lat * (j - i))
    t0 = time.perf_counter()
    _, _, dist = geod.inv(lon1, lat1, lon2, lat2)
    elapsed_inv = time.perf_counter() - t0
    inv_time += elapsed_inv
    total += sum(dist)
print(f"{n} sites, {n * n} pairs; checksum {total:.0f} m")
print(f"pyproj Geod.inv:     {inv_time:.3f} s, {n * n / inv_time:.0f} pairs/s")
