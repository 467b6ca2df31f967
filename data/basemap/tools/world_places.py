#!/usr/bin/env python3
"""Write world/places.geojson: reference places for locator insets (capitals and the largest
cities of each part of the world).  Coordinates are city centres rounded to 0.01 degree, from
Wikipedia's infoboxes (facts, not copyrightable); `rank` orders places by importance for a small
map (1 = most important: large capitals), so a locator marks the highest-ranked places in view.
Usage: world_places.py OUT_DIR
"""
import json
import os
import sys

# name, lat, lon, rank (1: capital or city above ~8 million; 2: capital or above ~3 million;
# 3: regional centre or a historic port)
PLACES = [
    ("London", 51.51, -0.13, 1), ("Paris", 48.86, 2.35, 1), ("Madrid", 40.42, -3.70, 1),
    ("Lisbon", 38.72, -9.14, 2), ("Rome", 41.90, 12.50, 1), ("Berlin", 52.52, 13.40, 1),
    ("Vienna", 48.21, 16.37, 2), ("Warsaw", 52.23, 21.01, 2), ("Stockholm", 59.33, 18.07, 2),
    ("Oslo", 59.91, 10.75, 2), ("Helsinki", 60.17, 24.94, 2), ("Copenhagen", 55.68, 12.57, 2),
    ("Dublin", 53.35, -6.26, 2), ("Amsterdam", 52.37, 4.90, 2), ("Brussels", 50.85, 4.35, 2),
    ("Athens", 37.98, 23.73, 2), ("Istanbul", 41.01, 28.98, 1), ("Ankara", 39.93, 32.86, 2),
    ("Kyiv", 50.45, 30.52, 2), ("Minsk", 53.90, 27.56, 2), ("Bucharest", 44.43, 26.10, 2),
    ("Budapest", 47.50, 19.04, 2), ("Prague", 50.08, 14.44, 2), ("Belgrade", 44.79, 20.45, 2),
    ("Moscow", 55.76, 37.62, 1), ("Saint Petersburg", 59.94, 30.31, 1),
    ("Arkhangelsk", 64.54, 40.54, 3), ("Murmansk", 68.97, 33.08, 3),
    ("Yekaterinburg", 56.84, 60.60, 2), ("Novosibirsk", 55.03, 82.92, 2),
    ("Irkutsk", 52.29, 104.28, 3), ("Vladivostok", 43.12, 131.89, 3),
    ("Yakutsk", 62.03, 129.73, 3), ("Magadan", 59.56, 150.80, 3),
    ("Tbilisi", 41.72, 44.79, 2), ("Tehran", 35.69, 51.39, 1), ("Baghdad", 33.31, 44.36, 2),
    ("Riyadh", 24.71, 46.68, 2), ("Cairo", 30.04, 31.24, 1), ("Tashkent", 41.30, 69.24, 2),
    ("Almaty", 43.24, 76.89, 2), ("Kabul", 34.53, 69.17, 2), ("Karachi", 24.86, 67.01, 1),
    ("Delhi", 28.61, 77.21, 1), ("Mumbai", 19.08, 72.88, 1), ("Kolkata", 22.57, 88.36, 1),
    ("Dhaka", 23.81, 90.41, 1), ("Colombo", 6.93, 79.85, 2), ("Bangkok", 13.76, 100.50, 1),
    ("Hanoi", 21.03, 105.85, 2), ("Singapore", 1.35, 103.82, 2), ("Jakarta", -6.21, 106.85, 1),
    ("Manila", 14.60, 120.98, 1), ("Beijing", 39.90, 116.41, 1), ("Shanghai", 31.23, 121.47, 1),
    ("Hong Kong", 22.32, 114.17, 1), ("Seoul", 37.57, 126.98, 1), ("Tokyo", 35.68, 139.69, 1),
    ("Ulaanbaatar", 47.89, 106.91, 2), ("Sydney", -33.87, 151.21, 1),
    ("Melbourne", -37.81, 144.96, 2), ("Perth", -31.95, 115.86, 2), ("Darwin", -12.46, 130.84, 3),
    ("Auckland", -36.85, 174.76, 2), ("Wellington", -41.29, 174.78, 2),
    ("Lagos", 6.52, 3.38, 1), ("Dakar", 14.72, -17.47, 2), ("Accra", 5.60, -0.19, 2),
    ("Kinshasa", -4.44, 15.27, 1), ("Luanda", -8.84, 13.23, 2), ("Nairobi", -1.29, 36.82, 2),
    ("Addis Ababa", 9.03, 38.74, 2), ("Khartoum", 15.50, 32.56, 2), ("Algiers", 36.75, 3.06, 2),
    ("Casablanca", 33.57, -7.59, 2), ("Tunis", 36.81, 10.18, 2), ("Cape Town", -33.92, 18.42, 2),
    ("Johannesburg", -26.20, 28.05, 2), ("Dar es Salaam", -6.79, 39.21, 2),
    ("Antananarivo", -18.88, 47.51, 2), ("Las Palmas", 28.12, -15.43, 3),
    ("Santa Cruz de Tenerife", 28.46, -16.25, 3), ("Praia", 14.93, -23.51, 3),
    ("Funchal", 32.65, -16.91, 3), ("Reykjavik", 64.15, -21.94, 2),
    ("New York", 40.71, -74.01, 1), ("Washington", 38.91, -77.04, 1),
    ("Chicago", 41.88, -87.63, 2), ("Los Angeles", 34.05, -118.24, 1),
    ("San Francisco", 37.77, -122.42, 2), ("Houston", 29.76, -95.37, 2),
    ("Miami", 25.76, -80.19, 2), ("Toronto", 43.65, -79.38, 2), ("Montreal", 45.50, -73.57, 2),
    ("Ottawa", 45.42, -75.70, 2), ("Vancouver", 49.28, -123.12, 2),
    ("Anchorage", 61.22, -149.90, 3), ("Mexico City", 19.43, -99.13, 1),
    ("Havana", 23.11, -82.37, 2), ("Panama City", 8.98, -79.52, 2), ("Bogota", 4.71, -74.07, 1),
    ("Caracas", 10.48, -66.90, 2), ("Quito", -0.18, -78.47, 2), ("Lima", -12.05, -77.04, 1),
    ("La Paz", -16.50, -68.15, 2), ("Santiago", -33.45, -70.67, 1),
    ("Buenos Aires", -34.60, -58.38, 1), ("Montevideo", -34.90, -56.16, 2),
    ("Asuncion", -25.26, -57.58, 2), ("Sao Paulo", -23.55, -46.63, 1),
    ("Rio de Janeiro", -22.91, -43.17, 1), ("Brasilia", -15.79, -47.88, 2),
    ("Salvador", -12.97, -38.50, 2), ("Recife", -8.05, -34.88, 2), ("Belem", -1.46, -48.50, 2),
    ("Manaus", -3.12, -60.02, 2), ("Nuuk", 64.18, -51.69, 3),
]


def main():
    out = sys.argv[1]
    feats = [{"type": "Feature",
              "properties": {"name": n, "rank": r},
              "geometry": {"type": "Point", "coordinates": [lon, lat]}}
             for n, lat, lon, r in sorted(PLACES, key=lambda p: (p[3], p[0]))]
    path = os.path.join(out, 'places.geojson')
    with open(path, 'w') as fh:
        json.dump({"type": "FeatureCollection", "features": feats}, fh,
                  ensure_ascii=False, separators=(',', ':'))
    print(f"places.geojson: {len(feats)} features, {os.path.getsize(path)} bytes")


if __name__ == '__main__':
    main()
