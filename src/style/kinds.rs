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
}

impl Kind {
    /// Whether labels of this kind are printed in the larger type of major places.
    #[must_use]
    pub fn major(&self) -> bool {
        self.label_priority >= MAJOR_PRIORITY
    }
}

/// A built-in kind: id, label, shape, fill, size (**mm**), label priority.
pub type DefaultKind = (&'static str, &'static str, Shape, &'static str, f64, i32);

/// The built-in kinds, in legend order; an atlas kind of the same id replaces one.
pub const DEFAULT_KINDS: &[DefaultKind] = &[
    (
        "settlement",
        "Settlement",
        Shape::Circle,
        "#636363",
        2.2,
        60,
    ),
    ("city", "City", Shape::Circle, "#252525", 2.8, 60),
    ("building", "Building", Shape::Square, "#525252", 2.2, 40),
    ("region", "Region", Shape::Circle, "#bdbdbd", 2.0, 20),
    (
        "river",
        "River (label point)",
        Shape::Circle,
        "#4a90c2",
        1.6,
        30,
    ),
    (
        "railway",
        "Railway (label point)",
        Shape::Circle,
        "#4d4d4d",
        1.6,
        30,
    ),
    ("port", "Port, harbour", Shape::Square, "#08519c", 2.8, 60),
    ("island", "Island", Shape::Circle, "#5a8a3c", 2.4, 50),
    (
        "mountain",
        "Mountain, hill",
        Shape::Triangle,
        "#7f5a35",
        2.8,
        50,
    ),
    ("volcano", "Volcano", Shape::Triangle, "#b2182b", 3.0, 50),
    ("lake", "Lake", Shape::Circle, "#6baed6", 2.2, 30),
    (
        "sea",
        "Sea, ocean (label point)",
        Shape::Circle,
        "#2b6fa8",
        1.6,
        30,
    ),
    ("bay", "Bay, anchorage", Shape::Diamond, "#4292c6", 2.4, 40),
    ("cape", "Cape, headland", Shape::Diamond, "#8c6d31", 2.4, 40),
    (
        "landing",
        "Landing place",
        Shape::Circle,
        "#2166ac",
        2.6,
        60,
    ),
];

/// The kind of sites whose `kind` the table does not know.
pub const OTHER: DefaultKind = ("other", "Other place", Shape::Circle, "#969696", 2.2, 20);

fn builtin(k: &DefaultKind) -> Kind {
    Kind {
        id: k.0.into(),
        label: k.1.into(),
        shape: k.2,
        fill: k.3.into(),
        size_mm: k.4,
        label_priority: k.5,
    }
}

/// The built-in kind `id`, if there is one (`other` included).
#[must_use]
pub fn default_kind(id: &str) -> Option<Kind> {
    DEFAULT_KINDS
        .iter()
        .chain([&OTHER])
        .find(|k| k.0 == id)
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
            .filter(|d| !kinds.iter().any(|k| k.id == d.0))
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
            assert!(!DEFAULT_KINDS[..i].iter().any(|d| d.0 == k.0), "{}", k.0);
            assert!(super::super::parse_colour(k.3).is_some(), "{}", k.3);
        }
    }
}
