//! Geodesy on the WGS84 ellipsoid (Karney 2013, through geo's [`Geodesic`]).
//!
//! Haversine on a sphere is about 0.3 % off at 67 degrees north, which is more than the
//! account's shortest stated distance allows, so everything here is ellipsoidal.
//! Inputs and outputs are lon/lat **degrees**; distances are **metres**; bearings are
//! **degrees clockwise from true north**, in 0..360.

use geo::{
    Bearing, ConvexHull, Coord, Densify, Destination, Distance, Geodesic, LineString,
    MultiLineString, MultiPoint, Point, Polygon,
};

/// Geodesic distance between two lon/lat points, **metres**.
#[must_use]
pub fn distance_m(a: Point, b: Point) -> f64 {
    Geodesic.distance(a, b)
}

/// True when two points are the same place on the map (closer than a metre): no line is drawn
/// between them, and `check` warns about a movement whose ends coincide.
#[must_use]
pub fn coincide(p: Point, q: Point) -> bool {
    distance_m(p, q) < 1.0
}

/// Initial bearing from `a` towards `b`, **degrees** clockwise from true north.
#[must_use]
pub fn bearing_deg(a: Point, b: Point) -> f64 {
    Geodesic.bearing(a, b)
}

/// The point `distance_m` **metres** from `origin` along `bearing_deg`.
#[must_use]
pub fn destination(origin: Point, bearing_deg: f64, distance_m: f64) -> Point {
    Geodesic.destination(origin, bearing_deg, distance_m)
}

/// The smallest and largest distance between two places whose true positions lie anywhere
/// within their uncertainty radii, **metres**.
#[must_use]
pub fn distance_range_m(distance_m: f64, radius_a_m: f64, radius_b_m: f64) -> (f64, f64) {
    let slack = radius_a_m + radius_b_m;
    ((distance_m - slack).max(0.0), distance_m + slack)
}

/// A geodesic circle: `vertices` points at `radius_m` **metres** from `centre`, as a closed
/// polygon ring in counter-clockwise order (RFC 7946 exterior ring).
#[must_use]
pub fn circle(centre: Point, radius_m: f64, vertices: usize) -> Polygon {
    let n = vertices.max(8);
    #[allow(clippy::cast_precision_loss)]
    let step = 360.0 / n as f64;
    // Bearings run clockwise, so walking them backwards traces the ring counter-clockwise.
    let mut ring: Vec<Coord> = (0..n)
        .map(|i| {
            #[allow(clippy::cast_precision_loss)]
            let bearing = 360.0 - step * i as f64;
            destination(centre, bearing % 360.0, radius_m).into()
        })
        .collect();
    ring.push(ring[0]);
    Polygon::new(LineString::new(ring), vec![])
}

/// Largest angle between two vertices of an arc of a ring or sector, **degrees** (72 per full
/// turn, like [`crate::layers::CIRCLE_VERTICES`]).
pub const ARC_STEP_DEG: f64 = 5.0;

/// A geodesic annulus: every point between `min_m` and `max_m` **metres** from `centre`.
///
/// The exterior ring (at `max_m`) runs counter-clockwise and the hole (at `min_m`) clockwise, as
/// RFC 7946 asks; with `min_m` of 0 there is no hole and the result is [`circle`].
#[must_use]
pub fn annulus(centre: Point, min_m: f64, max_m: f64) -> Polygon {
    let n = full_turn_vertices();
    let outer = circle(centre, max_m, n);
    if min_m <= 0.0 {
        return outer;
    }
    let mut hole = circle(centre, min_m, n).exterior().clone();
    hole.0.reverse();
    Polygon::new(outer.exterior().clone(), vec![hole])
}

fn full_turn_vertices() -> usize {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = (360.0 / ARC_STEP_DEG).ceil() as usize;
    n
}

/// Bearings from `from_deg` clockwise to `to_deg` (across north when `from_deg` > `to_deg`),
/// at most [`ARC_STEP_DEG`] apart, both ends included.
fn arc_bearings(from_deg: f64, to_deg: f64) -> Vec<f64> {
    let span = sector_span_deg(from_deg, to_deg);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let steps = ((span / ARC_STEP_DEG).ceil() as usize).max(2);
    #[allow(clippy::cast_precision_loss)]
    (0..=steps)
        .map(|i| (from_deg + span * i as f64 / steps as f64).rem_euclid(360.0))
        .collect()
}

/// Width of the sector from `from_deg` clockwise to `to_deg`, **degrees**, in (0, 360]; equal
/// bearings mean the full turn.
#[must_use]
pub fn sector_span_deg(from_deg: f64, to_deg: f64) -> f64 {
    let span = (to_deg - from_deg).rem_euclid(360.0);
    if span == 0.0 { 360.0 } else { span }
}

/// True when `bearing_deg` lies in the sector from `from_deg` clockwise to `to_deg`
/// (`slack_deg` wider on each side).
#[must_use]
pub fn bearing_in_sector(bearing_deg: f64, from_deg: f64, to_deg: f64, slack_deg: f64) -> bool {
    let span = sector_span_deg(from_deg, to_deg);
    let off = (bearing_deg - from_deg + slack_deg).rem_euclid(360.0);
    span >= 360.0 || off <= span + 2.0 * slack_deg
}

/// A geodesic annular sector: the points between `min_m` and `max_m` **metres** from `centre`
/// whose bearing from it lies between `from_deg` and `to_deg` clockwise (across north when
/// `from_deg` > `to_deg`). One counter-clockwise ring: the outer arc walked backwards, then the
/// inner arc (a single vertex at the centre when `min_m` is 0). A full turn gives [`annulus`].
#[must_use]
pub fn annular_sector(
    centre: Point,
    min_m: f64,
    max_m: f64,
    from_deg: f64,
    to_deg: f64,
) -> Polygon {
    if sector_span_deg(from_deg, to_deg) >= 360.0 {
        return annulus(centre, min_m, max_m);
    }
    let bearings = arc_bearings(from_deg, to_deg);
    // Bearings grow clockwise, so the outer arc walked from `to` back to `from` turns
    // counter-clockwise, and the inner arc continues the same way from `from` to `to`.
    let mut ring: Vec<Coord> = bearings
        .iter()
        .rev()
        .map(|b| destination(centre, *b, max_m).into())
        .collect();
    if min_m > 0.0 {
        ring.extend(
            bearings
                .iter()
                .map(|b| Coord::from(destination(centre, *b, min_m))),
        );
    } else {
        ring.push(centre.into());
    }
    ring.push(ring[0]);
    Polygon::new(LineString::new(ring), vec![])
}

/// An outline around `parts` with a margin: the convex hull of a geodesic circle of `margin_m`
/// **metres** around every part, so every part lies at least `margin_m` inside it (a geodesic
/// buffer of the hull, approximated from its circles' vertices). `None` without parts.
#[must_use]
pub fn hull_with_margin(parts: &[Point], margin_m: f64) -> Option<Polygon> {
    if parts.is_empty() {
        return None;
    }
    let vertices: Vec<Point> = parts
        .iter()
        .flat_map(|p| {
            if margin_m > 0.0 {
                circle(*p, margin_m, full_turn_vertices())
                    .exterior()
                    .points()
                    .collect()
            } else {
                vec![*p]
            }
        })
        .collect();
    let hull = MultiPoint::new(vertices).convex_hull();
    (hull.exterior().0.len() >= 4).then_some(hull)
}

/// The geodesic from `a` to `b`, densified so no segment is longer than `max_segment_m`, and split
/// where it crosses the antimeridian so that every part stays within -180..180.
#[must_use]
pub fn geodesic_line(a: Point, b: Point, max_segment_m: f64) -> MultiLineString {
    let line = LineString::from(vec![a.0, b.0]);
    let dense = Geodesic.densify(&line, max_segment_m);
    split_at_antimeridian(&dense)
}

/// Splits a lon/lat line wherever a segment jumps more than 180 degrees of longitude, inserting
/// the crossing point on both sides (at +180 and -180).
#[must_use]
pub fn split_at_antimeridian(line: &LineString) -> MultiLineString {
    let mut parts = vec![];
    let mut current: Vec<Coord> = vec![];
    for w in line.0.windows(2) {
        let (p, q) = (w[0], w[1]);
        if current.is_empty() {
            current.push(p);
        }
        if (q.x - p.x).abs() > 180.0 {
            // Unwrap q next to p, find where the segment meets the meridian, then wrap.
            let q_unwrapped = if q.x < p.x { q.x + 360.0 } else { q.x - 360.0 };
            let edge = if q_unwrapped > p.x { 180.0 } else { -180.0 };
            let t = (edge - p.x) / (q_unwrapped - p.x);
            let lat = p.y + t * (q.y - p.y);
            current.push(Coord { x: edge, y: lat });
            parts.push(LineString::new(std::mem::take(&mut current)));
            current.push(Coord { x: -edge, y: lat });
        }
        current.push(q);
    }
    if current.len() >= 2 {
        parts.push(LineString::new(current));
    }
    MultiLineString::new(parts)
}

/// Shortest geodesic distance from a point to a line, **metres**, found on the line densified to
/// 25 m steps (so the result is at most a few metres too long).
#[must_use]
pub fn distance_to_line_m(p: Point, line: &MultiLineString) -> f64 {
    line.0
        .iter()
        .map(|ls| Geodesic.densify(ls, 25.0))
        .flat_map(|ls| ls.0.into_iter())
        .map(|c| distance_m(p, Point(c)))
        .fold(f64::INFINITY, f64::min)
}

/// Like [`distance_to_line_m`] with the line densified to `step_m` **metres** instead of 25.
#[must_use]
pub fn distance_to_line_m_step(p: Point, line: &MultiLineString, step_m: f64) -> f64 {
    line.0
        .iter()
        .map(|ls| Geodesic.densify(ls, step_m))
        .flat_map(|ls| ls.0.into_iter())
        .map(|c| distance_m(p, Point(c)))
        .fold(f64::INFINITY, f64::min)
}

/// The point of `line` nearest to `p` (see [`distance_to_line_m`] for the precision).
#[must_use]
pub fn nearest_on_line(p: Point, line: &MultiLineString) -> Option<Point> {
    line.0
        .iter()
        .map(|ls| Geodesic.densify(ls, 25.0))
        .flat_map(|ls| ls.0.into_iter())
        .map(Point)
        .min_by(|a, b| distance_m(p, *a).total_cmp(&distance_m(p, *b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use geo::{Orient, orient::Direction};

    mod distance_m {
        use super::*;

        #[test]
        fn antwerp_to_lisbon_matches_karney() {
            // Reference: GeographicLib (Python, Geodesic.WGS84.Inverse) for the same points.
            let d = distance_m(Point::new(4.4003, 51.2194), Point::new(-9.1399, 38.7223));
            assert_abs_diff_eq!(d, 1_746_122.892, epsilon = 0.01);
        }

        #[test]
        fn one_degree_of_latitude_at_67_north() {
            let d = distance_m(Point::new(64.0, 66.5), Point::new(64.0, 67.5));
            // Reference: GeographicLib, 111,521.794 m; a sphere (haversine) gives 111,195 m.
            assert_abs_diff_eq!(d, 111_521.794, epsilon = 0.01);
        }
    }

    mod circle {
        use super::*;

        #[test]
        fn vertices_lie_on_the_radius_within_a_millimetre() {
            let c = Point::new(64.02472, 67.50944);
            let poly = circle(c, 10_000.0, 64);
            for v in poly.exterior().points() {
                assert_abs_diff_eq!(distance_m(c, v), 10_000.0, epsilon = 0.001);
            }
        }

        #[test]
        fn ring_is_closed_and_counter_clockwise() {
            let poly = circle(Point::new(64.0, 67.5), 5_000.0, 32);
            let ring = poly.exterior();
            assert_eq!(ring.0.first(), ring.0.last());
            assert_eq!(poly.clone().orient(Direction::Default), poly);
        }
    }

    mod rings {
        use super::*;
        use geo::Validation;

        const MINE: Point = Point(Coord {
            x: 64.02472,
            y: 67.50944,
        });

        fn is_ccw(ring: &LineString) -> bool {
            use geo::Winding;
            ring.is_ccw()
        }

        #[test]
        fn annulus_vertices_lie_on_both_radii_with_a_clockwise_hole() {
            let poly = annulus(MINE, 35_000.0, 45_000.0);
            assert!(poly.is_valid(), "{:?}", poly.validation_errors());
            let outer = poly.exterior();
            assert_eq!(outer.0.first(), outer.0.last());
            assert!(is_ccw(outer));
            assert_eq!(poly.interiors().len(), 1);
            let hole = &poly.interiors()[0];
            assert_eq!(hole.0.first(), hole.0.last());
            assert!(!is_ccw(hole));
            for v in outer.points() {
                assert_abs_diff_eq!(distance_m(MINE, v), 45_000.0, epsilon = 1.0);
            }
            for v in hole.points() {
                assert_abs_diff_eq!(distance_m(MINE, v), 35_000.0, epsilon = 1.0);
            }
            assert_eq!(outer.0.len(), 73);
        }

        #[test]
        fn zero_inner_radius_is_a_circle() {
            assert_eq!(annulus(MINE, 0.0, 5_000.0), circle(MINE, 5_000.0, 72));
        }

        #[test]
        fn sector_across_north_keeps_its_bearings_and_radii() {
            let poly = annular_sector(MINE, 35_000.0, 45_000.0, 340.0, 40.0);
            assert!(poly.is_valid(), "{:?}", poly.validation_errors());
            assert!(poly.interiors().is_empty());
            let ring = poly.exterior();
            assert_eq!(ring.0.first(), ring.0.last());
            assert!(is_ccw(ring));
            for v in ring.points() {
                let d = distance_m(MINE, v);
                assert!(
                    (d - 35_000.0).abs() < 1.0 || (d - 45_000.0).abs() < 1.0,
                    "vertex at {d} m"
                );
                let b = bearing_deg(MINE, v).rem_euclid(360.0);
                assert!(bearing_in_sector(b, 340.0, 40.0, 1e-6), "bearing {b}");
            }
            // 60 degrees in 5-degree steps: 13 vertices per arc, plus the closing one.
            assert_eq!(ring.0.len(), 27);
            // Densified: no two neighbours on an arc more than 5 degrees apart.
            let outer: Vec<_> = ring.points().take(13).collect();
            for w in outer.windows(2) {
                let step = (bearing_deg(MINE, w[0]) - bearing_deg(MINE, w[1])).rem_euclid(360.0);
                assert!(step <= 5.0 + 1e-6, "step {step}");
            }
        }

        #[test]
        fn sector_from_the_centre_is_a_wedge() {
            let poly = annular_sector(MINE, 0.0, 10_000.0, 10.0, 50.0);
            assert!(poly.is_valid());
            assert!(is_ccw(poly.exterior()));
            assert!(poly.exterior().0.contains(&MINE.0));
        }

        #[test]
        fn full_turn_sector_is_the_annulus() {
            assert_eq!(
                annular_sector(MINE, 1_000.0, 2_000.0, 90.0, 90.0),
                annulus(MINE, 1_000.0, 2_000.0)
            );
        }

        #[test]
        fn bearing_sectors_wrap_across_north() {
            assert!(bearing_in_sector(350.0, 340.0, 40.0, 0.0));
            assert!(bearing_in_sector(10.0, 340.0, 40.0, 0.0));
            assert!(!bearing_in_sector(180.0, 340.0, 40.0, 0.0));
            assert!(!bearing_in_sector(41.0, 340.0, 40.0, 0.0));
            assert!(bearing_in_sector(41.0, 340.0, 40.0, 1.5));
            assert!(bearing_in_sector(100.0, 90.0, 180.0, 0.0));
            assert!(!bearing_in_sector(80.0, 90.0, 180.0, 0.0));
        }

        #[test]
        fn hull_keeps_every_part_a_margin_inside() {
            use geo::Contains;
            let parts = [MINE, Point::new(64.2, 67.6), Point::new(63.9, 67.4)];
            let hull = hull_with_margin(&parts, 20_000.0).unwrap();
            assert!(hull.is_valid(), "{:?}", hull.validation_errors());
            assert!(is_ccw(hull.exterior()));
            assert_eq!(hull.exterior().0.first(), hull.exterior().0.last());
            for p in parts {
                assert!(hull.contains(&p));
                // Geodesic distance to the hull's boundary vertices: none closer than the margin.
                let nearest = hull
                    .exterior()
                    .points()
                    .map(|v| distance_m(p, v))
                    .fold(f64::INFINITY, f64::min);
                assert!(nearest >= 20_000.0 - 1.0, "{nearest}");
            }
            assert!(hull_with_margin(&[], 1_000.0).is_none());
        }
    }

    mod geodesic_line {
        use super::*;

        #[test]
        fn densified_segments_are_short() {
            let a = Point::new(37.6173, 55.7558);
            let b = Point::new(64.0189, 67.4969);
            let line = geodesic_line(a, b, 10_000.0);
            assert_eq!(line.0.len(), 1);
            for w in line.0[0].0.windows(2) {
                assert!(distance_m(Point(w[0]), Point(w[1])) <= 10_000.0 + 1e-6);
            }
        }

        #[test]
        fn crossing_the_antimeridian_splits_in_two() {
            let line = geodesic_line(Point::new(170.0, 60.0), Point::new(-170.0, 60.0), 50_000.0);
            assert_eq!(line.0.len(), 2);
            assert_abs_diff_eq!(line.0[0].0.last().unwrap().x, 180.0);
            assert_abs_diff_eq!(line.0[1].0.first().unwrap().x, -180.0);
        }
    }

    #[test]
    fn range_never_negative() {
        assert_eq!(distance_range_m(500.0, 1_000.0, 10.0), (0.0, 1_510.0));
    }
}
