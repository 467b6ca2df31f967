#!/usr/bin/env python3
"""Build the world-wide basemap (data/basemap/world/) from GMT dumps of GSHHG 2.3.7 (low
resolution) and its WDBII rivers and borders.  Usage: build_world.py RAW_DIR OUT_DIR [i]

With `i`, only the intermediate-resolution land (coast_i.geojson, from shore_i.gmt: land of 50 km²
and more, simplified at 0.004 degrees) is built, for atlases of a smaller extent (make_world.sh
gzips it).

RAW_DIR holds the dumps written by make_world.sh (shore_l.gmt, lakes_l.gmt, rivers_l.gmt,
borders_l.gmt).  Shorelines are polygonised inside the world frame; each face's GSHHS level is
asked of GMT itself (`gmt select -N`), so land and lakes are told apart by the data, not guessed.
Everything is simplified (Douglas-Peucker, 0.01 degrees, topology kept), snapped to a 0.001 degree
grid, checked valid and oriented counter-clockwise (RFC 7946).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import shapely
from shapely.geometry import LineString, MultiLineString, Polygon, box, mapping
from shapely.geometry.polygon import orient
from shapely.ops import linemerge, polygonize, unary_union

RAW, OUT = sys.argv[1], sys.argv[2]
RES = sys.argv[3] if len(sys.argv) > 3 else 'l'
WORLD = (-180.0, 180.0, -90.0, 90.0)
TOL = 0.01 if RES == 'l' else 0.004     # simplification, degrees (about 1 km; 400 m)
GRID = 0.001    # output grid, degrees (about 100 m)


def read_gmt(path):
    segs, cur, hdr = [], None, None
    with open(path) as fh:
        for line in fh:
            if line.startswith('>'):
                if cur is not None and len(cur) > 1:
                    segs.append((hdr, cur))
                hdr, cur = line[1:].strip(), []
            elif line.strip() and not line.startswith('#'):
                x, y = map(float, line.split()[:2])
                cur.append((x, y))
    if cur is not None and len(cur) > 1:
        segs.append((hdr, cur))
    return segs


def level(hdr):
    m = re.search(r'Level (\d+)', hdr)
    return int(m.group(1)) if m else None


def merged(segs):
    m = linemerge(MultiLineString([LineString(c) for c in segs]))
    return list(getattr(m, 'geoms', [m]))


def gmt_levels(points, area_opt):
    """GSHHS level (0 ocean, 1 land, 2 lake, ...) at each point, from GMT itself."""
    W, E, S, N = WORLD
    levels = {}
    with tempfile.TemporaryDirectory() as td:
        fn = os.path.join(td, 'pts.txt')
        with open(fn, 'w') as fh:
            for i, (x, y) in enumerate(points):
                fh.write(f"{x:.9f} {y:.9f} {i}\n")
        for lev in range(5):
            flags = '/'.join('k' if i == lev else 's' for i in range(5))
            out = subprocess.run(['gmt', 'select', fn, f'-R{W}/{E}/{S}/{N}', f'-D{RES}',
                                  f'-A{area_opt}', f'-N{flags}'],
                                 check=True, capture_output=True, text=True, cwd=td).stdout
            for line in out.splitlines():
                if line and not line.startswith('>'):
                    levels[int(round(float(line.split()[2])))] = lev
    return [levels.get(i) for i in range(len(points))]


def polygons(lines, area_opt, want):
    W, E, S, N = WORLD
    noded = unary_union([box(W, S, E, N).exterior] + lines)
    faces = [f for f in polygonize(noded) if f.area > 0]
    reps = [f.representative_point() for f in faces]
    levs = gmt_levels([(p.x, p.y) for p in reps], area_opt)
    keep = [f for f, lv in zip(faces, levs) if lv is not None and lv >= want]
    u = unary_union(keep)
    return [p for p in getattr(u, 'geoms', [u]) if p.geom_type == 'Polygon']


def clean(g):
    g = g.simplify(TOL, preserve_topology=True)
    g = shapely.make_valid(g) if not g.is_valid else g
    g = shapely.set_precision(g, GRID)
    out = []
    for p in getattr(g, 'geoms', [g]):
        if p.geom_type == 'Polygon' and not p.is_empty and p.area > 0:
            out.append(orient(p, 1.0))
        elif p.geom_type in ('MultiPolygon', 'GeometryCollection'):
            out.extend(clean(p))
    return out


def rnd(g):
    return json.loads(json.dumps(mapping(g)), parse_float=lambda s: round(float(s), 3))


def write(name, feats):
    path = os.path.join(OUT, name)
    with open(path, 'w') as fh:
        json.dump({"type": "FeatureCollection", "features": feats}, fh,
                  ensure_ascii=False, separators=(',', ':'))
    print(f"{name}: {len(feats)} features, {os.path.getsize(path)} bytes")


shore = read_gmt(os.path.join(RAW, f'shore_{RES}.gmt'))
land = polygons(merged([c for h, c in shore if level(h) == 1]),
                '100/1/1' if RES == 'l' else '50/1/1', 1)
feats = []
for p in sorted(land, key=lambda p: (-p.area, p.bounds)):
    for q in clean(p):
        feats.append({"type": "Feature", "properties": {"level": 1}, "geometry": rnd(q)})
write('coast.geojson' if RES == 'l' else 'coast_i.geojson', feats)
if RES != 'l':
    sys.exit(0)

lakes_raw = read_gmt(os.path.join(RAW, 'lakes_l.gmt'))
lakes = polygons(merged([c for h, c in lakes_raw if level(h) == 2]), '300/2/2+l', 2)
feats = []
for p in sorted(lakes, key=lambda p: (-p.area, p.bounds)):
    for q in clean(p):
        feats.append({"type": "Feature", "properties": {"level": 2}, "geometry": rnd(q)})
write('lakes.geojson', feats)

for src, name, key in [('rivers_l.gmt', 'rivers.geojson', 'level'),
                       ('borders_l.gmt', 'borders.geojson', 'level')]:
    segs = read_gmt(os.path.join(RAW, src))
    feats = []
    for lv in sorted({level(h) for h, _ in segs}):
        for g in merged([c for h, c in segs if level(h) == lv]):
            g = shapely.set_precision(g.simplify(TOL), GRID)
            if g.is_empty or g.length == 0:
                continue
            feats.append({"type": "Feature", "properties": {key: lv}, "geometry": rnd(g)})
    write(name, feats)
