//! Metadata a TileJSON client or the PMTiles viewer reads besides `vector_layers`: Mapbox
//! `tilestats` (per layer its feature count, geometry type and attribute values, as tippecanoe
//! writes them) and tippecanoe's per-zoom `strategies` report of what was thinned, dropped or
//! coalesced.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::ZoomReport;
use super::store::{AttrRef, GeomKind, Store};

/// At most this many distinct values of one attribute are listed (as tippecanoe).
const MAX_VALUES: usize = 100;
/// Distinct values counted per attribute before counting stops.
const MAX_DISTINCT: usize = 1000;

#[derive(Default)]
struct AttrStat {
    /// Values as their JSON text (sorted, distinct), up to `MAX_DISTINCT`.
    values: BTreeSet<String>,
    types: BTreeSet<&'static str>,
    min: Option<f64>,
    max: Option<f64>,
}

/// The `tilestats` object for everything in the store.
#[must_use]
pub fn tilestats(store: &Store) -> Value {
    let mut per_layer: Vec<(u64, [u64; 3], BTreeMap<u32, AttrStat>)> = store
        .layers()
        .iter()
        .map(|_| (0, [0; 3], BTreeMap::new()))
        .collect();
    for f in &store.features {
        let Some((count, kinds, attrs)) = per_layer.get_mut(usize::from(f.layer)) else {
            continue;
        };
        *count += 1;
        kinds[match f.kind {
            GeomKind::Point => 0,
            GeomKind::Line => 1,
            GeomKind::Polygon => 2,
        }] += 1;
        for (k, v) in store.attrs(f) {
            let st = attrs.entry(k).or_default();
            let (ty, text, num) = match v {
                AttrRef::Str(s) => ("string", Value::from(s).to_string(), None),
                AttrRef::Bool(b) => ("boolean", b.to_string(), None),
                #[allow(clippy::cast_precision_loss)]
                AttrRef::Int(i) => ("number", i.to_string(), Some(i as f64)),
                #[allow(clippy::cast_precision_loss)]
                AttrRef::UInt(u) => ("number", u.to_string(), Some(u as f64)),
                AttrRef::Double(d) => ("number", Value::from(d).to_string(), Some(d)),
            };
            st.types.insert(ty);
            if st.values.len() < MAX_DISTINCT {
                st.values.insert(text);
            }
            if let Some(n) = num {
                st.min = Some(st.min.map_or(n, |m| m.min(n)));
                st.max = Some(st.max.map_or(n, |m| m.max(n)));
            }
        }
    }
    let layers: Vec<Value> = store
        .layers()
        .iter()
        .zip(per_layer)
        .map(|(l, (count, kinds, attrs))| {
            let geometry = ["Point", "LineString", "Polygon"]
                .iter()
                .zip(kinds)
                .max_by_key(|(_, n)| *n)
                .map_or("Point", |(g, _)| *g);
            let attributes: Vec<Value> = attrs
                .into_iter()
                .map(|(k, st)| {
                    let ty = if st.types.len() == 1 {
                        st.types.first().copied().unwrap_or("mixed")
                    } else {
                        "mixed"
                    };
                    let values: Vec<Value> = st
                        .values
                        .iter()
                        .take(MAX_VALUES)
                        .filter_map(|t| serde_json::from_str(t).ok())
                        .collect();
                    let mut a = json!({
                        "attribute": store.key_name(k),
                        "count": st.values.len(),
                        "type": ty,
                        "values": values,
                    });
                    if let (Some(o), Some(min), Some(max)) = (a.as_object_mut(), st.min, st.max) {
                        o.insert("min".into(), json!(min));
                        o.insert("max".into(), json!(max));
                    }
                    a
                })
                .collect();
            json!({
                "layer": l.name,
                "count": count,
                "geometry": geometry,
                "attributeCount": attributes.len(),
                "attributes": attributes,
            })
        })
        .collect();
    json!({ "layerCount": layers.len(), "layers": layers })
}

/// tippecanoe's `strategies`: one object per zoom from 0, with the non-zero counts.
#[must_use]
pub fn strategies(zooms: &[ZoomReport]) -> Value {
    let last = zooms.last().map_or(0, |z| z.zoom);
    Value::Array(
        (0..=last)
            .map(|z| {
                let mut o = serde_json::Map::new();
                if let Some(r) = zooms.iter().find(|r| r.zoom == z) {
                    for (k, v) in [
                        ("dropped_by_rate", r.dropped_by_rate),
                        ("dropped_as_needed", r.dropped_as_needed),
                        ("coalesced_as_needed", r.coalesced_as_needed),
                        ("clusters", r.clusters),
                        ("clustered_points", r.clustered),
                    ] {
                        if v > 0 {
                            o.insert(k.into(), v.into());
                        }
                    }
                }
                Value::Object(o)
            })
            .collect(),
    )
}
