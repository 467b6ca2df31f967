//! `gazmap distance` (one pair, with the range the uncertainty allows) and `gazmap matrix` (all
//! pairs, streamed).

use std::path::PathBuf;

use gazmap::authoring::Fallback;

use super::{Failure, atlas_dir, from_lib};
use gazmap::{layers, output};

/// Geodesic distance, initial bearing and the range the two sites' uncertainty allows.
#[derive(Debug, clap::Args)]
pub(super) struct DistanceArgs {
    /// Site id to measure from.
    pub(super) site_a: String,
    /// Site id to measure to.
    pub(super) site_b: String,
    /// Atlas folder (default: the current folder).
    pub(super) atlas: Option<PathBuf>,
    /// The atlas folder, as an option (older spelling of the positional DIR).
    #[arg(long = "atlas", hide = true, conflicts_with = "atlas")]
    pub(super) atlas_option: Option<PathBuf>,
}

pub(super) fn run_distance(args: DistanceArgs) -> Result<String, Failure> {
    let DistanceArgs {
        site_a,
        site_b,
        atlas,
        atlas_option,
    } = args;
    let dir = atlas_dir(atlas.or(atlas_option), Fallback::CurrentOnly)?;
    let checked = gazmap::open(&dir).map_err(from_lib)?;
    let find = |id: &str| {
        checked.atlas.site(id).ok_or_else(|| {
            Failure::Input(format!(
                "unknown site id `{id}` in atlas {}{}",
                gazmap::authoring::atlas_label(&checked.atlas.meta.id, &dir),
                gazmap::authoring::did_you_mean_text(
                    id,
                    checked.atlas.sites.iter().map(|s| s.id.as_str())
                )
            ))
        })
    };
    let (a, b) = (find(&site_a)?, find(&site_b)?);
    let m = layers::transfer_measure(a, b)
        .ok_or_else(|| Failure::Input(format!("`{site_a}` or `{site_b}` has no coordinates")))?;
    Ok(format!(
        "{} -> {}\ndistance: {:.3} km (geodesic, WGS84)\nbearing: {:.1} degrees from true north\nrange allowed by uncertainty: {:.3} to {:.3} km (radii {} m and {} m)",
        a.id,
        b.id,
        m.distance_km,
        m.bearing_deg,
        m.min_km,
        m.max_km,
        a.location.map_or(0.0, |l| l.uncertainty_m),
        b.location.map_or(0.0, |l| l.uncertainty_m),
    ))
}

/// The all-pairs geodesic distance matrix of the located sites (km, CSV).
#[derive(Debug, clap::Args)]
pub(super) struct MatrixArgs {
    /// Atlas folder (default: the current folder).
    pub(super) atlas: Option<PathBuf>,
    /// The atlas folder, as an option (older spelling of the positional DIR).
    #[arg(long = "atlas", hide = true, conflicts_with = "atlas")]
    pub(super) atlas_option: Option<PathBuf>,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub(super) out: Option<PathBuf>,
}

pub(super) fn run_matrix(args: MatrixArgs) -> Result<String, Failure> {
    let MatrixArgs {
        atlas,
        atlas_option,
        out,
    } = args;
    let dir = atlas_dir(atlas.or(atlas_option), Fallback::CurrentOnly)?;
    let checked = gazmap::open(&dir).map_err(from_lib)?;
    let layers = layers::build(&checked.atlas).map_err(|e| from_lib(e.into()))?;
    match out {
        Some(path) => {
            // Streamed to the file: the matrix is never held whole.
            output::tables::write_distance_matrix_file(&layers, &path)
                .map_err(|e| Failure::Other(format!("{}: {e}", path.display())))?;
            Ok(format!("wrote {}", path.display()))
        }
        None => {
            let csv = output::tables::distance_matrix_csv(&layers)
                .map_err(|e| Failure::Other(e.to_string()))?;
            Ok(String::from_utf8_lossy(&csv).trim_end().to_owned())
        }
    }
}
