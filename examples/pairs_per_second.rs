//! Times the all-pairs geodesic matrix of an atlas's located sites: the inverse problem alone
//! (rayon over rows, as `distances.csv` computes it) and the whole streamed `distances.csv`
//! (inverse + formatting). Compare with `benches/pyproj_pairs.py` on the same atlas.
//!
//! ```text
//! cargo run --release --example pairs_per_second -- /tmp/synth-2000
//! ```

use std::time::Instant;

use rayon::prelude::*;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: pairs_per_second ATLAS_DIR");
    let checked = gazmap::open(std::path::Path::new(&dir)).expect("the atlas checks");
    let layers = gazmap::layers::build(&checked.atlas).expect("layers");
    let sites = gazmap::layers::located_sites(&layers);
    let n = sites.len();
    #[allow(clippy::cast_precision_loss)]
    let pairs = (n * n) as f64;

    let t = Instant::now();
    let total: f64 = sites
        .par_iter()
        .map(|a| {
            sites
                .iter()
                .map(|b| gazmap::geodesy::distance_m(a.point, b.point))
                .sum::<f64>()
        })
        .sum();
    let inverse = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let bytes = gazmap::output::tables::write_distance_matrix(&layers, &mut std::io::sink())
        .expect("write to sink");
    let csv = t.elapsed().as_secs_f64();
    println!(
        "{n} sites, {pairs} pairs ({} threads; checksum {total:.0} m)",
        rayon::current_num_threads()
    );
    println!(
        "inverse only:        {inverse:.3} s, {:.0} pairs/s",
        pairs / inverse
    );
    println!(
        "distances.csv bytes: {csv:.3} s, {:.0} pairs/s ({bytes} bytes)",
        pairs / csv
    );
}
