//! Site kinds: the atlas's own vocabulary of places, each with its legend label, symbol and
//! label priority.
//!
//! An atlas names its kinds in `atlas.toml` (`[[kinds]]`, read by [`crate::load`]); the
//! built-in [`DEFAULT_KINDS`] cover common places (settlement, city, port, island, ...). The
//! table is resolved once, when the atlas is loaded ([`Vocabulary::new`]), and every output
//! (check, print, web, QGIS, KML, Linked Places) reads that one table. Legends list only the
//! kinds an atlas holds ([`Vocabulary::legend`]).

use super::Shape;

/// Outline colour of every site symbol.
pub const SYMBOL_STROKE: &str = "#1a1a1a";

/// Symbol size of an atlas kind that sets no `size_mm`, **mm**.
pub const DEFAULT_SIZE_MM: f64 = 2.4;

/// Label priority of an atlas kind that sets no `label_priority`: above buildings (40), below
/// towns (60). Labels of higher priority are placed first on printed maps; 70 and more are
/// printed larger.
pub const DEFAULT_LABEL_PRIORITY: i32 = 50;

/// Movement wording of an atlas that sets no `movement_label`.
pub const DEFAULT_MOVEMENT_LABEL: &str = "Movement of people";

/// Label priority from which a kind's labels are printed larger (major places).
pub const MAJOR_PRIORITY: i32 = 70;

/// How the sites of one kind are drawn and named.
#[derive(Debug, Clone, PartialEq)]
pub struct Kind {
    /// The `kind` value in `sites.csv`.
    pub id: String,
    /// Legend text.
    pub label: String,
    /// Symbol.
    pub shape: Shape,
    /// Fill colour, `#rrggbb`.
    pub fill: String,
    /// Symbol size, **mm**.
    pub size_mm: f64,
    /// Placement priority of the labels of this kind on printed maps (higher first).
    pub label_priority: i32,
    /// The Getty AAT place type of the kind, for Linked Places (`None`: only the label).
    pub aat: Option<Aat>,
    /// The GeoNames feature class of the kind (LP-TSV `fclasses`): `A` country or division,
    /// `H` water, `L` area or port, `P` populated place, `R` road or railway, `S` site or
    /// building, `T` mountain, island or cape, `U` undersea, `V` vegetation.
    pub feature_class: char,
}

/// A Getty Art & Architecture Thesaurus place type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aat {
    /// The AAT id (digits only).
    pub id: String,
    /// The AAT preferred term (singular).
    pub term: String,
}

/// The GeoNames feature classes (see [`Kind::feature_class`]).
pub const FEATURE_CLASSES: &str = "AHLPRSTUV";

impl Kind {
    /// Whether labels of this kind are printed in the larger type of major places.
    #[must_use]
    pub fn major(&self) -> bool {
        self.label_priority >= MAJOR_PRIORITY
    }
}

/// A built-in kind (see [`Kind`] for the fields).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Builtin {
    /// Id.
    pub id: &'static str,
    /// Legend text.
    pub label: &'static str,
    /// Symbol.
    pub shape: Shape,
    /// Fill colour.
    pub fill: &'static str,
    /// Symbol size, **mm**.
    pub size_mm: f64,
    /// Label priority.
    pub label_priority: i32,
    /// AAT id and term.
    pub aat: Option<(&'static str, &'static str)>,
    /// GeoNames feature class.
    pub feature_class: char,
}

const fn b(
    id: &'static str,
    label: &'static str,
    shape: Shape,
    fill: &'static str,
    size_mm: f64,
    label_priority: i32,
) -> Builtin {
    Builtin {
        id,
        label,
        shape,
        fill,
        size_mm,
        label_priority,
        aat: None,
        feature_class: 'S',
    }
}

impl Builtin {
    const fn aat(self, id: &'static str, term: &'static str) -> Self {
        Self {
            aat: Some((id, term)),
            ..self
        }
    }

    const fn class(self, feature_class: char) -> Self {
        Self {
            feature_class,
            ..self
        }
    }
}

/// The built-in kinds, in legend order; an atlas kind of the same id replaces one.
///
/// Every AAT id is from WHG's own list of the AAT place types it accepts
/// (`feature-types-AAT_20230609.tsv` in the linked-places-format repository), which LP-TSV's
/// `aat_types` column requires; kinds with no clear match there (volcano, landing) have none.
pub const DEFAULT_KINDS: &[Builtin] = &[
    b(
        "settlement",
        "Settlement",
        Shape::Circle,
        "#636363",
        2.2,
        60,
    )
    .aat("300008347", "inhabited place")
    .class('P'),
    b("city", "City", Shape::Circle, "#252525", 2.8, 60)
        .aat("300008389", "city")
        .class('P'),
    b("building", "Building", Shape::Square, "#525252", 2.2, 40)
        .aat("300004790", "single built work"),
    b("region", "Region", Shape::Circle, "#bdbdbd", 2.0, 20)
        .aat("300182722", "region (geographic)")
        .class('L'),
    b(
        "river",
        "River (label point)",
        Shape::Circle,
        "#4a90c2",
        1.6,
        30,
    )
    .aat("300008707", "river")
    .class('H'),
    b(
        "railway",
        "Railway (label point)",
        Shape::Circle,
        "#4d4d4d",
        1.6,
        30,
    )
    .aat("300008591", "railroad")
    .class('R'),
    b("port", "Port, harbour", Shape::Square, "#08519c", 2.8, 60)
        .aat("300120599", "port")
        .class('L'),
    b("island", "Island", Shape::Circle, "#5a8a3c", 2.4, 50)
        .aat("300008791", "island")
        .class('T'),
    b(
        "mountain",
        "Mountain, hill",
        Shape::Triangle,
        "#7f5a35",
        2.8,
        50,
    )
    .aat("300008795", "mountain")
    .class('T'),
    b("volcano", "Volcano", Shape::Triangle, "#b2182b", 3.0, 50).class('T'),
    b("lake", "Lake", Shape::Circle, "#6baed6", 2.2, 30)
        .aat("300008680", "lake")
        .class('H'),
    b(
        "sea",
        "Sea, ocean (label point)",
        Shape::Circle,
        "#2b6fa8",
        1.6,
        30,
    )
    .aat("300008694", "sea")
    .class('H'),
    b("bay", "Bay, anchorage", Shape::Diamond, "#4292c6", 2.4, 40)
        .aat("300132316", "bay")
        .class('H'),
    b("cape", "Cape, headland", Shape::Diamond, "#8c6d31", 2.4, 40)
        .aat("300008850", "cape")
        .class('T'),
    b(
        "landing",
        "Landing place",
        Shape::Circle,
        "#2166ac",
        2.6,
        60,
    )
    .class('L'),
];

/// The kind of sites whose `kind` the table does not know.
pub const OTHER: Builtin = b("other", "Other place", Shape::Circle, "#969696", 2.2, 20);

fn builtin(k: &Builtin) -> Kind {
    Kind {
        id: k.id.into(),
        label: k.label.into(),
        shape: k.shape,
        fill: k.fill.into(),
        size_mm: k.size_mm,
        label_priority: k.label_priority,
        aat: k.aat.map(|(id, term)| Aat {
            id: id.into(),
            term: term.into(),
        }),
        feature_class: k.feature_class,
    }
}

/// The built-in kind `id`, if there is one (`other` included).
#[must_use]
pub fn default_kind(id: &str) -> Option<Kind> {
    DEFAULT_KINDS
        .iter()
        .chain([&OTHER])
        .find(|k| k.id == id)
        .map(builtin)
}

/// The resolved vocabulary of one atlas: its kinds in legend order (the atlas's own first, in
/// the order `atlas.toml` gives them, then the built-in kinds it does not redefine), the kind
/// for unknown places, and the wording of movements.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocabulary {
    kinds: Vec<Kind>,
    other: Kind,
    /// Legend text of movements between places (transfer lines).
    pub movement_label: String,
}

impl Default for Vocabulary {
    /// The built-in kinds and the neutral movement wording.
    fn default() -> Self {
        Self::new(vec![], None)
    }
}

impl Vocabulary {
    /// The table of an atlas defining `own` kinds (ids unique; validated by [`crate::load`]).
    #[must_use]
    pub fn new(own: Vec<Kind>, movement_label: Option<String>) -> Self {
        let mut other = builtin(&OTHER);
        let mut kinds = vec![];
        for k in own {
            if k.id == other.id {
                other = k;
            } else {
                kinds.push(k);
            }
        }
        let defaults: Vec<Kind> = DEFAULT_KINDS
            .iter()
            .filter(|d| !kinds.iter().any(|k| k.id == d.id))
            .map(builtin)
            .collect();
        kinds.extend(defaults);
        Self {
            kinds,
            other,
            movement_label: movement_label.unwrap_or_else(|| DEFAULT_MOVEMENT_LABEL.into()),
        }
    }

    /// Every known kind, in legend order (`other` not included).
    #[must_use]
    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    /// The kind `id`, if the table knows it.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.id == id)
    }

    /// How sites of kind `id` are drawn: the kind, or [`Self::other`] when unknown.
    #[must_use]
    pub fn style(&self, id: &str) -> &Kind {
        self.get(id).unwrap_or(&self.other)
    }

    /// The kind of places whose kind is unknown (id `other`).
    #[must_use]
    pub fn other(&self) -> &Kind {
        &self.other
    }

    /// The legend label of kind `id`: its label, or `id` itself when the table does not know it.
    #[must_use]
    pub fn label<'a>(&'a self, id: &'a str) -> &'a str {
        self.get(id).map_or(id, |k| k.label.as_str())
    }

    /// The kinds that sites of the `held` kinds are drawn with, in legend order: the known ones
    /// held, then `other` when any held kind is unknown.
    #[must_use]
    pub fn legend<'a>(&self, held: impl IntoIterator<Item = &'a str>) -> Vec<&Kind> {
        let held: Vec<&str> = held.into_iter().collect();
        let mut out: Vec<&Kind> = self
            .kinds
            .iter()
            .filter(|k| held.contains(&k.id.as_str()))
            .collect();
        if held.iter().any(|h| self.get(h).is_none()) {
            out.push(&self.other);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(id: &str, shape: Shape) -> Kind {
        Kind {
            id: id.into(),
            label: id.to_uppercase(),
            shape,
            fill: "#123456".into(),
            size_mm: 3.0,
            label_priority: 80,
            aat: None,
            feature_class: 'S',
        }
    }

    #[test]
    fn atlas_kinds_come_first_and_replace_defaults() {
        let v = Vocabulary::new(
            vec![kind("mine", Shape::Square), kind("city", Shape::Star)],
            None,
        );
        let ids: Vec<&str> = v.kinds().iter().map(|k| k.id.as_str()).collect();
        assert_eq!(&ids[..4], ["mine", "city", "settlement", "building"]);
        assert_eq!(ids.iter().filter(|i| **i == "city").count(), 1);
        assert_eq!(ids.len(), DEFAULT_KINDS.len() + 1);
        assert_eq!(v.style("city").shape, Shape::Star);
        assert_eq!(v.style("nowhere").id, "other");
        assert_eq!(v.movement_label, DEFAULT_MOVEMENT_LABEL);
    }

    #[test]
    fn legend_lists_only_held_kinds_and_other_for_unknown() {
        let v = Vocabulary::new(vec![kind("mine", Shape::Square)], Some("Transfer".into()));
        let ids = |held: &[&str]| -> Vec<String> {
            v.legend(held.iter().copied())
                .iter()
                .map(|k| k.id.clone())
                .collect()
        };
        assert_eq!(ids(&["city", "mine", "city"]), ["mine", "city"]);
        assert_eq!(ids(&["port", "gulag_office"]), ["port", "other"]);
        assert!(ids(&[]).is_empty());
    }

    #[test]
    fn an_atlas_may_restyle_other() {
        let v = Vocabulary::new(vec![kind("other", Shape::Cross)], None);
        assert_eq!(v.other().shape, Shape::Cross);
        assert!(v.get("other").is_none());
    }

    #[test]
    fn default_ids_are_unique_and_colours_well_formed() {
        for (i, k) in DEFAULT_KINDS.iter().enumerate() {
            assert!(!DEFAULT_KINDS[..i].iter().any(|d| d.id == k.id), "{}", k.id);
            assert!(super::super::parse_colour(k.fill).is_some(), "{}", k.fill);
            assert!(FEATURE_CLASSES.contains(k.feature_class), "{}", k.id);
            if let Some((id, _)) = k.aat {
                assert!(id.len() == 9 && id.starts_with("300"), "{id}");
            }
        }
    }
}
