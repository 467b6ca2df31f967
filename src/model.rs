//! The validated atlas: sources, sites, events and stated distances as plain data.
//!
//! No I/O happens here; [`crate::load`] fills these types from an atlas folder and
//! [`crate::check`] judges them. Coordinates are WGS84 **longitude/latitude in degrees**,
//! distances are **metres** unless a name says otherwise.

use std::path::PathBuf;

use geo::{Geometry, MultiLineString, MultiPolygon, Point, Polygon};

use crate::time::DateRange;

/// A whole atlas as read from one folder.
#[derive(Debug, Clone)]
pub struct Atlas {
    /// The folder the atlas was read from.
    pub dir: PathBuf,
    /// Title, licence, extent and other metadata from `atlas.toml`.
    pub meta: AtlasMeta,
    /// Source documents the atlas cites, with their full text.
    pub sources: Vec<Source>,
    /// Every place the sources name or imply.
    pub sites: Vec<Site>,
    /// Events at places and movements between them.
    pub events: Vec<Event>,
    /// Distances stated in the sources.
    pub claims: Vec<Claim>,
    /// Named phases of the story (used for printed sheets and the viewer).
    pub periods: Vec<Period>,
    /// Lookups by site id, built on first use.
    pub index: AtlasIndex,
}

/// Lookups over an [`Atlas`], built once on first use so that per-site questions cost no scan
/// of all sites or events. An atlas is not changed after it is checked; should its sites or
/// events change afterwards, make a fresh `AtlasIndex::default()`.
#[derive(Debug, Clone, Default)]
pub struct AtlasIndex {
    sites: std::sync::OnceLock<rustc_hash::FxHashMap<String, usize>>,
    spans: std::sync::OnceLock<rustc_hash::FxHashMap<String, EventSpan>>,
}

/// The days the events at or through one site cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventSpan {
    /// Earliest day any of the events allows.
    pub earliest: jiff::civil::Date,
    /// Latest day any of the events allows.
    pub latest: jiff::civil::Date,
    /// How many events.
    pub count: usize,
}

/// Atlas-wide metadata from `atlas.toml`.
#[derive(Debug, Clone, Default)]
pub struct AtlasMeta {
    /// Short id, used for output file names.
    pub id: String,
    /// Human title.
    pub title: String,
    /// One-paragraph description.
    pub description: String,
    /// Licence of the atlas data.
    pub licence: String,
    /// Credit lines (source, basemap, tool).
    pub credits: Vec<String>,
    /// Stable URI prefix for Linked Places `@id`s.
    pub base_uri: String,
    /// Default map extent: lon_min, lat_min, lon_max, lat_max (**degrees**).
    pub extent: Option<[f64; 4]>,
    /// The span the time slider covers.
    pub time_range: Option<DateRange>,
    /// Folder of GeoJSON basemap layers, resolved against the atlas folder.
    pub basemap_dir: Option<PathBuf>,
    /// Credit line for the basemap.
    pub basemap_credit: String,
    /// The atlas's site kinds (its `[[kinds]]` and the built-in ones) and movement wording.
    pub vocabulary: crate::style::Vocabulary,
    /// The whole `atlas.toml` as parsed by `load` (sheets, tiles ... are read from here, never
    /// from the file again).
    pub config: std::sync::Arc<crate::config::Config>,
}

/// A source document; every quote must be an exact substring of `text`.
#[derive(Debug, Clone)]
pub struct Source {
    /// Id cited by rows in their `source` column.
    pub id: String,
    /// Title of the document.
    pub title: String,
    /// Author or signature.
    pub author: String,
    /// Publication date as EDTF text.
    pub published: String,
    /// Where it can be read.
    pub url: String,
    /// Licence or terms of the text.
    pub licence: String,
    /// The file holding the text.
    pub path: PathBuf,
    /// The full text, verbatim.
    pub text: String,
}

/// Where a row's words come from: a source and a character span in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// Id of the [`Source`].
    pub source_id: String,
    /// Offset of the quote in the source, in Unicode **characters** (not bytes), 0-based.
    pub char_offset: Option<usize>,
    /// The quote, verbatim.
    pub quote: String,
}

impl Citation {
    /// Short reference such as `mb1961:12345` (source id and character offset).
    #[must_use]
    pub fn short(&self) -> String {
        match self.char_offset {
            Some(offset) => format!("{}:{offset}", self.source_id),
            None => self.source_id.clone(),
        }
    }
}

/// Another name of a place, with its BCP 47 language tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The toponym as written.
    pub text: String,
    /// Language (and script) tag, e.g. `ru`, `ru-Latn`, `kv`.
    pub lang: String,
}

/// How a site's coordinates were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Basis {
    /// The identified place's coordinates from a reference.
    Documented,
    /// Identification solid, the point only roughly known.
    Approximate,
    /// Identification or position derived from the account's own words.
    Inferred,
    /// No point at all.
    Unlocated,
}

impl Basis {
    /// The word used in CSV files and outputs.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Documented => "documented",
            Self::Approximate => "approximate",
            Self::Inferred => "inferred",
            Self::Unlocated => "unlocated",
        }
    }

    /// Parses the CSV word.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "documented" => Some(Self::Documented),
            "approximate" => Some(Self::Approximate),
            "inferred" => Some(Self::Inferred),
            "unlocated" => Some(Self::Unlocated),
            _ => None,
        }
    }
}

/// A point with the radius within which the place lies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    /// Longitude, **degrees** east.
    pub lon: f64,
    /// Latitude, **degrees** north.
    pub lat: f64,
    /// Radius of the location uncertainty, **metres**.
    pub uncertainty_m: f64,
}

/// Line geometry of a river or railway.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteLine {
    /// Lon/lat line work.
    pub geometry: MultiLineString<f64>,
    /// True when the line is drawn through documented points, not traced from a map.
    pub schematic: bool,
    /// Where the line comes from.
    pub geometry_ref: String,
}

/// Where in an input file a row stands, for messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowOrigin {
    /// The file, as given to the loader.
    pub file: PathBuf,
    /// 1-based line where the record starts.
    pub line: u64,
    /// The file's column names, in order, so findings can name a column's number.
    pub columns: std::sync::Arc<Vec<String>>,
}

impl RowOrigin {
    /// 1-based number and name of the column called `name`, if the file has it.
    #[must_use]
    pub fn column(&self, name: &str) -> Option<(usize, String)> {
        self.columns
            .iter()
            .position(|c| c == name)
            .map(|i| (i + 1, name.to_owned()))
    }
}

/// A place the account names or implies.
#[derive(Debug, Clone)]
pub struct Site {
    /// Unique id.
    pub id: String,
    /// The name as the account writes it.
    pub name: String,
    /// Other names, with languages.
    pub names: Vec<Name>,
    /// Kind: an id of the atlas's [`Atlas::kinds`] (an unknown one is drawn as `other`).
    pub kind: String,
    /// Point and radius; `None` for unlocated places.
    pub location: Option<Location>,
    /// How the coordinates were obtained.
    pub basis: Basis,
    /// Why this basis and radius.
    pub basis_reason: String,
    /// Reference for the coordinates.
    pub coord_ref: String,
    /// The words that support the place.
    pub citation: Citation,
    /// A rival identification of the same place.
    pub alternative_to: Option<String>,
    /// The site this one belongs to.
    pub part_of: Option<String>,
    /// When the place existed or was in use as described.
    pub when: Option<DateRange>,
    /// Wikidata item id.
    pub wikidata: String,
    /// GeoNames id.
    pub geonames: String,
    /// Free notes.
    pub notes: String,
    /// Line geometry for rivers and railways, from `lines.geojson`.
    pub line: Option<SiteLine>,
    /// The shape the place lies in: a circle of `uncertainty_m`, a ring or an area.
    pub extent: Extent,
    /// Where the row stands in `sites.csv`.
    pub origin: RowOrigin,
}

/// The region a site lies somewhere in (`shape` in `sites.csv`). The site's lat/lon stay its
/// representative point (labels, distance tables); the extent is what the map draws.
#[derive(Debug, Clone, PartialEq)]
pub enum Extent {
    /// A geodesic circle of the location's `uncertainty_m` around its point.
    Circle,
    /// Known by its distance (and perhaps direction) from another site.
    Ring(Ring),
    /// A camp system, district or region.
    Area(Area),
}

/// A place stated to lie at some distance from another: an annulus or a sector of one.
#[derive(Debug, Clone, PartialEq)]
pub struct Ring {
    /// Site id the distance is measured from.
    pub from: String,
    /// Nearest the place can be, **metres**.
    pub min_m: f64,
    /// Farthest the place can be, **metres**.
    pub max_m: f64,
    /// Bearing range, **degrees** clockwise from north, from the first clockwise to the second
    /// (across north when the first is larger); `None` for the full annulus.
    pub bearings: Option<(f64, f64)>,
    /// The annulus or sector around `from`'s point, lon/lat.
    pub polygon: Polygon,
}

/// A camp system, district or region drawn as a polygon.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// The outline, lon/lat.
    pub outline: MultiPolygon,
    /// Where the outline comes from.
    pub source: AreaSource,
}

/// How an area's outline was obtained.
#[derive(Debug, Clone, PartialEq)]
pub enum AreaSource {
    /// A feature of `areas.geojson`.
    Drawn {
        /// Where the outline comes from (its `geometry_ref` property).
        geometry_ref: String,
        /// True when the outline is documented, not sketched.
        documented: bool,
    },
    /// The convex hull of the located parts (sites whose `part_of` leads here) plus a margin.
    Hull {
        /// Ids of the parts, sorted.
        parts: Vec<String>,
        /// The margin, **metres**.
        margin_m: f64,
    },
}

impl Extent {
    /// The word used in CSV files and outputs: `circle`, `ring` or `area`.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Circle => "circle",
            Self::Ring(_) => "ring",
            Self::Area(_) => "area",
        }
    }
}

impl Site {
    /// The representative point (lon/lat), if located.
    #[must_use]
    pub fn point(&self) -> Option<Point> {
        self.location.map(|l| Point::new(l.lon, l.lat))
    }

    /// The polygon the place lies in: a circle of `circle_vertices` vertices for [`Extent::Circle`]
    /// (`None` when the radius is 0 or the site unlocated), else the ring or area.
    #[must_use]
    pub fn shape(&self, circle_vertices: usize) -> Option<Geometry> {
        match &self.extent {
            Extent::Circle => {
                let l = self.location.filter(|l| l.uncertainty_m > 0.0)?;
                Some(Geometry::Polygon(crate::geodesy::circle(
                    Point::new(l.lon, l.lat),
                    l.uncertainty_m,
                    circle_vertices,
                )))
            }
            Extent::Ring(r) => Some(Geometry::Polygon(r.polygon.clone())),
            Extent::Area(a) => Some(if a.outline.0.len() == 1 {
                Geometry::Polygon(a.outline.0[0].clone())
            } else {
                Geometry::MultiPolygon(a.outline.clone())
            }),
        }
    }

    /// True when the site is drawn as an area (events there are drawn on it).
    #[must_use]
    pub fn is_area(&self) -> bool {
        matches!(self.extent, Extent::Area(_))
    }
}

/// Where an event happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// At one site, or nowhere stated (`None`).
    At(Option<String>),
    /// A movement from one site to another.
    Movement {
        /// Site id of the start.
        from: String,
        /// Site id of the end.
        to: String,
    },
}

/// A dated happening, or a movement of people between places.
#[derive(Debug, Clone)]
pub struct Event {
    /// Unique id.
    pub id: String,
    /// Short title.
    pub title: String,
    /// Kind (strike, transfer, execution ...).
    pub kind: String,
    /// EDTF date and its day bounds.
    pub when: DateRange,
    /// Where it happened.
    pub place: Place,
    /// Number of people when stated.
    pub people: Option<u32>,
    /// Lower end of a stated range of people ("thirty to forty" -> 30).
    pub people_min: Option<u32>,
    /// Upper end of a stated range of people.
    pub people_max: Option<u32>,
    /// The account's words for the number.
    pub people_text: String,
    /// Mode of travel when stated.
    pub mode: String,
    /// The words that support the event.
    pub citation: Citation,
    /// Where other sources disagree.
    pub disputed: String,
    /// Free notes.
    pub notes: String,
    /// Where the row stands in `events.csv`.
    pub origin: RowOrigin,
}

impl Event {
    /// True for transfers and other movements between two sites.
    #[must_use]
    pub fn is_movement(&self) -> bool {
        matches!(self.place, Place::Movement { .. })
    }
}

/// How a stated distance compares with the coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimStatus {
    /// The stated distance fits within both places' uncertainty.
    Consistent,
    /// Agrees, but only because a point was placed from this statement: proves nothing.
    ByConstruction,
    /// The coordinates cannot be reconciled with the statement.
    Contradicted,
}

impl ClaimStatus {
    /// The word used in outputs.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Consistent => "consistent",
            Self::ByConstruction => "by construction",
            Self::Contradicted => "contradicted",
        }
    }
}

/// A stated distance measured against the coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClaimVerdict {
    /// Where the measurement starts.
    pub from: Point,
    /// Where it ends (the nearest point of the line, for a line feature).
    pub to: Point,
    /// Geodesic distance between the two, **metres**.
    pub computed_m: f64,
    /// Smallest distance the two places' shapes (circles, rings, areas, lines) allow, **metres**.
    pub min_m: f64,
    /// Largest distance the two places' shapes allow, **metres**.
    pub max_m: f64,
    /// The judgement.
    pub status: ClaimStatus,
}

/// A distance stated in a source between two places.
#[derive(Debug, Clone)]
pub struct Claim {
    /// Unique id.
    pub id: String,
    /// Site id the distance is measured from.
    pub from_site: String,
    /// Site id (point or line feature) the distance is measured to.
    pub to_site: String,
    /// The stated distance, **metres**.
    pub stated_m: f64,
    /// How loose the wording is, **metres**.
    pub tolerance_m: f64,
    /// True when one end was placed from this very statement.
    pub by_construction: bool,
    /// The words that state the distance.
    pub citation: Citation,
    /// Free notes.
    pub notes: String,
    /// The statement measured against the places, set once by [`crate::check::run`] (`None`
    /// before the check, or when an end is unknown or unlocated). Writers read it; none
    /// measures again.
    pub verdict: Option<ClaimVerdict>,
    /// Where the row stands in `claims.csv`.
    pub origin: RowOrigin,
}

/// A named phase of the story.
#[derive(Debug, Clone)]
pub struct Period {
    /// Id used by sheets and the viewer.
    pub id: String,
    /// Human title.
    pub title: String,
    /// The span.
    pub when: DateRange,
}

impl Atlas {
    /// The atlas's site kinds and movement wording, resolved once by [`crate::load`].
    #[must_use]
    pub fn kinds(&self) -> &crate::style::Vocabulary {
        &self.meta.vocabulary
    }

    /// The site with this id (the first, if the id is duplicated).
    #[must_use]
    pub fn site(&self, id: &str) -> Option<&Site> {
        let index = self.index.sites.get_or_init(|| {
            let mut map = rustc_hash::FxHashMap::default();
            map.reserve(self.sites.len());
            for (i, s) in self.sites.iter().enumerate() {
                map.entry(s.id.clone()).or_insert(i);
            }
            map
        });
        match index.get(id).and_then(|&i| self.sites.get(i)) {
            Some(s) if s.id == id => Some(s),
            // A stale index (sites changed after first use) falls back to a scan.
            _ if index.len() != self.sites.len() || index.get(id).is_some() => {
                self.sites.iter().find(|s| s.id == id)
            }
            _ => None,
        }
    }

    /// The span of the events at site `id` or moving from or to it (counted once per event).
    #[must_use]
    pub fn event_span(&self, id: &str) -> Option<EventSpan> {
        let spans = self.index.spans.get_or_init(|| {
            let mut map: rustc_hash::FxHashMap<String, EventSpan> =
                rustc_hash::FxHashMap::default();
            for event in &self.events {
                let (a, b) = (event.when.earliest, event.when.latest);
                let ids: [Option<&String>; 2] = match &event.place {
                    Place::At(s) => [s.as_ref(), None],
                    Place::Movement { from, to } => [Some(from), (to != from).then_some(to)],
                };
                for site in ids.into_iter().flatten() {
                    map.entry(site.clone())
                        .and_modify(|s| {
                            s.earliest = s.earliest.min(a);
                            s.latest = s.latest.max(b);
                            s.count += 1;
                        })
                        .or_insert(EventSpan {
                            earliest: a,
                            latest: b,
                            count: 1,
                        });
                }
            }
            map
        });
        spans.get(id).copied()
    }

    /// The source with this id.
    #[must_use]
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }
}
