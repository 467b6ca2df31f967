#!/usr/bin/env python3
"""GMT multisegment text (`gmt coast ... -M`) to GeoJSONSeq, for benches/tiles_vs_tippecanoe.sh.

Provenance of the benchmark's real data: the Debian packages `gmt` 6.4, `gmt-gshhg-full` 2.3.7
(GSHHG shorelines and WDBII rivers, full resolution; LGPL-3) and `gmt-dcw` 2.1.1 (Digital Chart of
the World country polygons; LGPL-3), dumped by `gmt coast`, the same packages the basemap uses.

    python3 benches/gmt_to_geojsonseq.py lines    < coast.txt > coast.geojsonl
    python3 benches/gmt_to_geojsonseq.py polygons < dcw.txt   > countries.geojsonl

`lines`: every segment is one LineString feature, its header (`Shore Bin # 675, Level 1`) kept
as `name`, the GSHHG level as `level` when the header has one. `polygons`: every segment is one
ring; consecutive segments of the same name (`Angola Segment 0`, `Angola Segment 1`, ...) become
one MultiPolygon feature with one polygon per ring; a ring left open is closed. Prints the
feature and vertex counts on stderr. Standard library only.
"""

import json
import re
import sys

SEGMENT = re.compile(r"^(.*?)\s+Segment\s+\d+\s*$")
LEVEL = re.compile(r"Level\s+(\d+)")


def segments(stream):
    """Yields (header, [[lon, lat], ...]) for each segment of GMT multisegment text."""
    header, points = None, []
    for line in stream:
        line = line.strip()
        if not line:
            continue
        if line.startswith(">"):
            if points:
                yield header, points
            header, points = line[1:].strip(), []
            continue
        fields = line.split()
        points.append([float(fields[0]), float(fields[1])])
    if points:
        yield header, points


def write(out, geometry, properties):
    feature = {"type": "Feature", "geometry": geometry, "properties": properties}
    out.write(json.dumps(feature, separators=(",", ":")))
    out.write("\n")


def lines(stream, out):
    features = vertices = 0
    for header, points in segments(stream):
        if len(points) < 2:
            continue
        properties = {"name": header or ""}
        level = LEVEL.search(header or "")
        if level:
            properties["level"] = int(level.group(1))
        write(out, {"type": "LineString", "coordinates": points}, properties)
        features += 1
        vertices += len(points)
    return features, vertices


def polygons(stream, out):
    features = vertices = 0
    name, rings = None, []

    def flush():
        nonlocal features
        if rings:
            geometry = {"type": "MultiPolygon", "coordinates": [[r] for r in rings]}
            write(out, geometry, {"name": name})
            features += 1

    for header, points in segments(stream):
        match = SEGMENT.match(header or "")
        this = match.group(1).strip() if match else (header or "")
        if this != name:
            flush()
            name, rings = this, []
        if points[0] != points[-1]:
            points.append(list(points[0]))
        if len(points) < 4:
            continue
        rings.append(points)
        vertices += len(points)
    flush()
    return features, vertices


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("lines", "polygons"):
        sys.exit("usage: gmt_to_geojsonseq.py lines|polygons < gmt.txt > out.geojsonl")
    convert = lines if sys.argv[1] == "lines" else polygons
    features, vertices = convert(sys.stdin, sys.stdout)
    print(f"{features} features, {vertices} vertices", file=sys.stderr)


if __name__ == "__main__":
    main()
