//! Point thinning at zooms below the base zoom: tippecanoe's drop rate, counted per square.
//!
//! Points are walked along the Hilbert curve, which keeps neighbours together. Going down from
//! the base zoom, each zoom keeps one point out of every `rate` points shown at the zoom above,
//! *counted within each square* of `spacing` pixels at that zoom (the squares are a grid inside
//! each tile, so they are runs of the curve): a square that held any point keeps at least one.
//! Dense places are thinned by the rate at every zoom and keep an even sample; sparse points (one
//! per square) survive to the lowest zoom, as tippecanoe's per-tile counting keeps them, instead of
//! being counted away with the rest of the input. Within each group the point with the highest
//! priority survives (the first one if no priority is given). A feature marked *keep* (every
//! feature of the atlas) is never dropped. The result is a per-feature first zoom, so a point
//! shown at one zoom is shown at all deeper ones.

use super::store::Store;

/// `log2` of the squares per tile side for a spacing in pixels (a power of two, 1..=256).
#[must_use]
pub fn spacing_levels(spacing_px: f64) -> Option<u8> {
    (1u8..=8)
        .chain(std::iter::once(0))
        .find(|&k| (256.0 / f64::from(1u32 << k) - spacing_px).abs() < 1e-9)
}

/// Sets the first zoom of every single point: all points are shown from `base_zoom` on; below it,
/// each zoom shows one point of every `rate` shown at the next zoom, counted per layer within each
/// square of `2^-levels` of a tile, and at least one per square that had any.
pub fn assign_minzoom(store: &mut Store, min_zoom: u8, base_zoom: u8, rate: f64, levels: u8) {
    if rate.is_nan() || rate <= 1.0 || base_zoom <= min_zoom {
        return;
    }
    #[derive(Clone, Copy)]
    struct Group {
        acc: f64,
        best: Option<u32>,
        cell: u64,
    }
    let n_layers = store.layers.len();
    let mut survivors: Vec<u32> =
        (0..u32::try_from(store.points.len()).unwrap_or(u32::MAX)).collect();
    for z in (min_zoom..base_zoom).rev() {
        let order = u32::from(z) + u32::from(levels);
        let cell_of = |key: u64| match order {
            0 => 0,
            1..32 => key >> (64 - 2 * order),
            _ => key,
        };
        let mut groups = vec![
            Group {
                acc: 0.0,
                best: None,
                cell: u64::MAX,
            };
            n_layers
        ];
        let mut next: Vec<u32> = Vec::with_capacity(survivors.len() / 2 + 16);
        for &pi in &survivors {
            let p = store.points[pi as usize];
            let f = store.features[p.feature as usize];
            if f.keep() {
                next.push(pi);
                continue;
            }
            let Some(g) = groups.get_mut(usize::from(f.layer)) else {
                continue;
            };
            let cell = cell_of(p.key);
            if cell != g.cell {
                // A new square: the last group of the previous one keeps its best point.
                if let Some(b) = g.best.take() {
                    next.push(b);
                }
                g.acc = 0.0;
                g.cell = cell;
            }
            match g.best {
                Some(b) if store.points[b as usize].priority >= p.priority => {}
                _ => g.best = Some(pi),
            }
            g.acc += 1.0;
            if g.acc >= rate {
                g.acc -= rate;
                if let Some(b) = g.best.take() {
                    next.push(b);
                }
            }
        }
        for g in &mut groups {
            if let Some(b) = g.best.take() {
                next.push(b);
            }
        }
        next.sort_unstable();
        let mut kept = next.iter().peekable();
        for &pi in &survivors {
            if kept.peek() == Some(&&pi) {
                kept.next();
            } else {
                let fi = store.points[pi as usize].feature as usize;
                if let Some(f) = store.features.get_mut(fi) {
                    f.minzoom = f.minzoom.max(z + 1);
                }
            }
        }
        survivors = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiles::store::Geom;

    fn store_of(pts: &[[f64; 2]], keep_every: usize) -> Store {
        let mut s = Store::new();
        let l = s.add_layer("pts", "", 0, 14);
        for (i, p) in pts.iter().enumerate() {
            let keep = keep_every > 0 && i % keep_every == 0;
            #[allow(clippy::cast_precision_loss)]
            s.add_feature(l, None, &[], &Geom::Point(*p), keep, i as f32)
                .unwrap();
        }
        s.finish();
        s
    }

    /// A deterministic pseudo-random sequence in 0..1.
    fn rand(state: &mut u64) -> f64 {
        *state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        #[allow(clippy::cast_precision_loss)]
        let v = (*state >> 11) as f64 / (1u64 << 53) as f64;
        v
    }

    fn uniform(n: usize) -> Vec<[f64; 2]> {
        let mut st = 7;
        (0..n)
            .map(|_| [50.0 + rand(&mut st) * 16.0, 60.0 + rand(&mut st) * 9.0])
            .collect()
    }

    fn shown_at(s: &Store, z: u8) -> usize {
        s.features.iter().filter(|f| f.minzoom <= z).count()
    }

    /// Squares of 16 px at zoom `z` (`levels` 4) holding a point shown at `z` (or any point).
    fn squares(s: &Store, z: u8, all: bool) -> std::collections::BTreeSet<u64> {
        s.points
            .iter()
            .filter(|p| all || s.features[p.feature as usize].minzoom <= z)
            .map(|p| p.key >> (64 - 2 * (u32::from(z) + 4)))
            .collect()
    }

    #[test]
    fn sparse_points_are_shown_at_every_zoom() {
        // 50 points about 0.6 degrees apart: one per square down to zoom 5 or so.
        let pts: Vec<[f64; 2]> = (0..50)
            .map(|i| {
                [
                    40.0 + f64::from(i % 10) * 0.6,
                    55.0 + f64::from(i / 10) * 0.6,
                ]
            })
            .collect();
        let mut s = store_of(&pts, 0);
        assign_minzoom(&mut s, 0, 14, 2.5, 4);
        for z in 0..=14 {
            assert!(shown_at(&s, z) >= 1, "zoom {z}");
            assert_eq!(squares(&s, z, false), squares(&s, z, true), "zoom {z}");
        }
        for z in 6..=14 {
            assert_eq!(shown_at(&s, z), 50, "zoom {z}");
        }
        // Counting over the whole input (the old rule) would leave none below zoom 10.
        assert!(shown_at(&s, 0) >= 1 && shown_at(&s, 0) < 10);
    }

    #[test]
    fn dense_points_thin_by_the_rate_and_keep_every_square() {
        let mut s = store_of(&uniform(20_000), 0);
        assign_minzoom(&mut s, 0, 14, 2.5, 4);
        let at: Vec<usize> = (0..=14).map(|z| shown_at(&s, z)).collect();
        assert_eq!(at[14], 20_000);
        // Where squares hold many points, each zoom keeps about one in 2.5.
        for z in [6, 5, 4] {
            #[allow(clippy::cast_precision_loss)]
            let ratio = at[z + 1] as f64 / at[z] as f64;
            assert!((2.0..=2.6).contains(&ratio), "zoom {z}: {at:?}");
        }
        for z in 0..14 {
            assert!(at[z] <= at[z + 1]);
            // An even sample: every square that has data shows some of it.
            assert_eq!(squares(&s, z as u8, false), squares(&s, z as u8, true));
        }
    }

    #[test]
    fn a_cluster_is_thinned_but_outliers_stay() {
        let mut pts: Vec<[f64; 2]> = vec![];
        let mut st = 3;
        for _ in 0..10_000 {
            pts.push([55.0 + rand(&mut st) * 0.01, 65.0 + rand(&mut st) * 0.01]);
        }
        // Outliers 3 degrees apart, more than a 16 px square down to zoom 4 (1.4 degrees).
        for i in 0..20 {
            pts.push([30.0 + f64::from(i) * 3.0, 50.0]);
        }
        let mut s = store_of(&pts, 0);
        assign_minzoom(&mut s, 0, 14, 2.5, 4);
        let outliers_at = |z: u8| {
            s.features[10_000..]
                .iter()
                .filter(|f| f.minzoom <= z)
                .count()
        };
        for z in 4..=14 {
            assert_eq!(outliers_at(z), 20, "zoom {z}");
        }
        let cluster_at = |z: u8| shown_at(&s, z) - outliers_at(z);
        assert_eq!(cluster_at(14), 10_000);
        // Inside the cluster the rate rules: 10,000 / 2.5^4 = 256 at zoom 10.
        assert!((230..=285).contains(&cluster_at(10)), "{}", cluster_at(10));
        assert!(cluster_at(4) <= 5, "{}", cluster_at(4));
        assert!(cluster_at(0) >= 1);
    }

    #[test]
    fn kept_features_are_shown_at_every_zoom() {
        let mut s = store_of(&uniform(5_000), 7);
        assign_minzoom(&mut s, 0, 14, 2.5, 4);
        assert!(
            s.features
                .iter()
                .filter(|f| f.keep())
                .all(|f| f.minzoom == 0)
        );
        assert!(s.features.iter().any(|f| f.minzoom > 0));
    }

    #[test]
    fn higher_priority_survives() {
        let mut s = store_of(&uniform(5_000), 0);
        assign_minzoom(&mut s, 0, 14, 2.5, 4);
        let shown: Vec<f32> = s
            .points
            .iter()
            .filter(|p| s.features[p.feature as usize].minzoom <= 8)
            .map(|p| p.priority)
            .collect();
        let all: f32 = s.points.iter().map(|p| p.priority).sum::<f32>() / 5000.0;
        #[allow(clippy::cast_precision_loss)]
        let kept = shown.iter().sum::<f32>() / shown.len() as f32;
        assert!(kept > all, "{kept} vs {all}");
    }

    #[test]
    fn one_square_per_tile_works_down_to_zoom_0() {
        let mut s = store_of(&uniform(1_000), 0);
        assign_minzoom(&mut s, 0, 14, 2.5, 0);
        assert!(shown_at(&s, 0) >= 1 && shown_at(&s, 0) <= shown_at(&s, 1));
        assert_eq!(shown_at(&s, 14), 1_000);
    }

    #[test]
    fn spacing_must_be_a_power_of_two() {
        assert_eq!(spacing_levels(16.0), Some(4));
        assert_eq!(spacing_levels(256.0), Some(0));
        assert_eq!(spacing_levels(1.0), Some(8));
        assert_eq!(spacing_levels(12.0), None);
    }
}
