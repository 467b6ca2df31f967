//! Point thinning at zooms below the base zoom, in the manner of tippecanoe's drop rate.
//!
//! Points are walked along the Hilbert curve, which keeps neighbours together, so dropping every
//! n-th point thins dense places and sparse places alike and keeps the texture of the data. Going
//! down from the base zoom, each zoom keeps one point out of every `rate` points shown at the zoom
//! above; within each such group the point with the highest priority survives (the first one if
//! no priority is given). A feature marked *keep* (every feature of the atlas) is never dropped.
//! The result is a per-feature first zoom, so a point shown at one zoom is shown at all deeper ones.

use super::store::Store;

/// Sets the first zoom of every single point: all points are shown from `base_zoom` on; below it,
/// each zoom shows one point of every `rate` shown at the next zoom (per layer).
pub fn assign_minzoom(store: &mut Store, min_zoom: u8, base_zoom: u8, rate: f64) {
    if rate.is_nan() || rate <= 1.0 || base_zoom <= min_zoom {
        return;
    }
    #[derive(Clone, Copy)]
    struct Group {
        acc: f64,
        best: Option<u32>,
    }
    let n_layers = store.layers.len();
    let mut survivors: Vec<u32> =
        (0..u32::try_from(store.points.len()).unwrap_or(u32::MAX)).collect();
    for z in (min_zoom..base_zoom).rev() {
        let mut groups = vec![
            Group {
                acc: 0.0,
                best: None
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
        next.sort_unstable();
        let mut kept = next.iter().peekable();
        for &pi in &survivors {
            if kept.peek() == Some(&&pi) {
                kept.next();
            } else {
                let fi = store.points[pi as usize].feature as usize;
                if let Some(f) = store.features.get_mut(fi) {
                    f.minzoom = z + 1;
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

    fn store_with(n: usize, keep_every: usize) -> Store {
        let mut s = Store::new();
        let l = s.add_layer("pts", "", 0, 14);
        for i in 0..n {
            #[allow(clippy::cast_precision_loss)]
            let (lon, lat) = (
                50.0 + (i % 100) as f64 * 0.1,
                60.0 + (i / 100) as f64 * 0.05,
            );
            let keep = keep_every > 0 && i % keep_every == 0;
            #[allow(clippy::cast_precision_loss)]
            s.add_feature(l, None, &[], &Geom::Point([lon, lat]), keep, i as f32)
                .unwrap();
        }
        s.finish();
        s
    }

    #[test]
    fn each_zoom_keeps_about_one_in_rate() {
        let mut s = store_with(10_000, 0);
        assign_minzoom(&mut s, 0, 14, 2.5);
        let at = |z: u8| s.features.iter().filter(|f| f.minzoom <= z).count();
        assert_eq!(at(14), 10_000);
        assert_eq!(at(13), 4_000);
        assert_eq!(at(12), 1_600);
        assert!(at(0) <= 1);
        for z in 0..14 {
            assert!(at(z) <= at(z + 1));
        }
    }

    #[test]
    fn kept_features_are_shown_at_every_zoom() {
        let mut s = store_with(5_000, 7);
        assign_minzoom(&mut s, 0, 14, 2.5);
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
        let mut s = store_with(1_000, 0);
        assign_minzoom(&mut s, 0, 14, 2.5);
        // Among the points shown at zoom 13, priorities beat the group's others on average.
        let shown: Vec<f32> = s
            .points
            .iter()
            .filter(|p| s.features[p.feature as usize].minzoom <= 13)
            .map(|p| p.priority)
            .collect();
        let all: f32 = s.points.iter().map(|p| p.priority).sum::<f32>() / 1000.0;
        #[allow(clippy::cast_precision_loss)]
        let kept = shown.iter().sum::<f32>() / shown.len() as f32;
        assert!(kept > all, "{kept} vs {all}");
    }
}
