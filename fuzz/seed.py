#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/ from the real atlases
(data/vorkuta, tests/fixtures/tiny), their source texts, the basemap and the test fixtures.
Seeds are derived, not stored, so they follow the data. Run from anywhere."""
import csv, hashlib, io, json, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus")
ATLASES = [os.path.join(ROOT, "data", "vorkuta"), os.path.join(ROOT, "tests", "fixtures", "tiny")]


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def rows(path):
    if not os.path.exists(path):
        return []
    return list(csv.DictReader(io.StringIO(read(path).decode())))


for atlas in ATLASES:
    toml = read(os.path.join(atlas, "atlas.toml")).decode()
    m = re.search(r'^file\s*=\s*"([^"]+)"', toml, re.M)
    source = read(os.path.normpath(os.path.join(atlas, m.group(1)))) if m else b""
    # The harness writes the source as source.txt and refuses paths leaving its folder.
    toml = re.sub(r'^file\s*=\s*"[^"]+"', 'file = "source.txt"', toml, flags=re.M)
    toml = re.sub(r'^dir\s*=\s*"[^"]+"', 'dir = "basemap"', toml, flags=re.M)
    toml = re.sub(r"#.*", lambda c: re.sub(r"\.{2,}", ".", c.group(0)), toml)
    parts = [toml.encode()]
    for name in ["sites.csv", "events.csv", "claims.csv", "lines.geojson"]:
        p = os.path.join(atlas, name)
        parts.append(read(p) if os.path.exists(p) else b"")
    parts.append(source)
    put("atlas", b"\0".join(parts))
    # Smaller seeds: the first rows of each table, which mutate faster.
    small = [parts[0]]
    for part in parts[1:4]:
        small.append(b"\n".join(part.split(b"\n")[:6]) + b"\n")
    small += [b"", source]
    put("atlas", b"\0".join(small))

    text = source.decode()
    whens = set(re.findall(r'^(?:when|time_range)\s*=\s*"([^"]+)"', toml, re.M))
    for table in ["sites.csv", "events.csv", "claims.csv"]:
        for r in rows(os.path.join(atlas, table)):
            if r.get("when"):
                whens.add(r["when"])
            q = r.get("quote") or ""
            if q:
                i = max(text.find(q), 0)
                window = text[max(0, i - 600): i + len(q) + 600]
                put("quote", window + "\0" + q)
                # A mistyped quote, for the nearest-match search.
                put("quote", window + "\0" + q[: len(q) // 2] + "x" + q[len(q) // 2 + 1:])
    for w in whens:
        put("edtf", w)

for w in ["1937", "1937-03-27", "1936-10-27/1937-03", "1937-03~", "1937?", "1938-03/..", "../1937",
          "[1937-03..1937-05]", "{1936,1937}", "193X", "1937-21", "Y-10000", "1937-03-27T12:00:00Z",
          "%1937-03", "1937-03-2X", "/1937", "1937/", "-1937"]:
    put("edtf", w)

# GeoJSON: the atlas lines, the small basemap layer, features of every geometry type; the first
# byte picks the reader (0: .geojson, 1: .geojsonseq, 2: .json).
put("geojson", b"\0" + read(os.path.join(ROOT, "data", "vorkuta", "lines.geojson")))
put("geojson", b"\0" + read(os.path.join(ROOT, "data", "basemap", "borders.geojson")))
feats = [
    {"type": "Feature", "id": 1, "properties": {"name": "a", "rank": 3, "ok": True, "x": 1.5, "n": None},
     "geometry": {"type": "Point", "coordinates": [64.02, 67.5]}},
    {"type": "Feature", "properties": {"rank": -2}, "geometry": {"type": "MultiPoint", "coordinates": [[1, 2], [3, 4]]}},
    {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[179, 1], [-179, 2]]}},
    {"type": "Feature", "properties": {"o": {"k": [1]}}, "geometry": {"type": "MultiLineString", "coordinates": [[[0, 0], [1, 1]], [[2, 2], [3, 3]]]}},
    {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[2, 2], [2, 4], [4, 4], [2, 2]]]}},
    {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [0, 1], [0, 0]]]]}},
    {"type": "Feature", "properties": {}, "geometry": {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [0, 0]}]}},
    {"type": "Feature", "properties": {}, "geometry": None},
]
put("geojson", b"\0" + json.dumps({"type": "FeatureCollection", "features": feats}).encode())
put("geojson", b"\1" + "\n".join(json.dumps(f) for f in feats).encode() + b"\n")
put("geojson", b"\1" + "".join("\x1e" + json.dumps(f) + "\n" for f in feats).encode())
put("geojson", b"\2" + json.dumps(feats[4]).encode())

# CSV points for `gazmap tiles`: the atlas sites (lat/lon columns among text cells) and small
# hand-made tables with every accepted column spelling, quoting and empty cells.
for atlas in ATLASES:
    put("csv", read(os.path.join(atlas, "sites.csv")))
put("csv", "name,lon,lat,rank\nVorkuta,64.02,67.5,3\nUsa,\"57.5\",66.0,\n\"a, b\",-179.9,-85,1e3\n")
put("csv", "x;y\n1;2\n")
put("csv", "Longitude,Latitude,ok\n361,0,true\n-0.0,90,false\n")
put("csv", "lng,LAT\r\n1,2\r\n")

# FlatGeobuf: every layer of the Vorkuta atlas as `gazmap export --format fgb` writes it (points,
# lines and polygons with typed columns and a spatial index), when a built gazmap is at hand.
fgb_dir = os.path.join(ROOT, "target", "fuzz-seed-fgb")
gazmap = os.path.join(ROOT, "target", "debug", "gazmap")
if os.path.exists(gazmap):
    import shutil, subprocess
    shutil.rmtree(fgb_dir, ignore_errors=True)
    subprocess.run([gazmap, "export", "--format", "fgb", os.path.join(ROOT, "data", "vorkuta"),
                    "-o", fgb_dir], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for name in sorted(os.listdir(fgb_dir)):
        if name.endswith(".fgb"):
            data = read(os.path.join(fgb_dir, name))
            if len(data) <= 65536:
                put("fgb", data)
else:
    print("no target/debug/gazmap: build it first for the fgb seeds", file=sys.stderr)

# The tile pipeline takes structured (arbitrary) input; a few byte strings start it off.
for i in range(4):
    put("tiles", bytes((j * 37 + i * 11) % 256 for j in range(64 + 32 * i)))
print("seeded", OUT)
