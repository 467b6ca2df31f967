//! A small synthetic atlas for the interchange writers' unit tests: every case the writers
//! must handle (documented, approximate, inferred and unlocated places, rival identifications,
//! `part_of`, a river line, a transfer, an event with no place, names in two scripts).

use crate::layers::Layers;
use crate::model::Atlas;

pub(crate) struct Synthetic {
    /// Keeps the folder alive.
    pub _dir: tempfile::TempDir,
    pub atlas: Atlas,
    pub layers: Layers,
}

const ATLAS_TOML: &str = r##"
[atlas]
id = "synth"
title = "Synthetic atlas"
description = "A small atlas for the interchange tests."
licence = "CC-BY-4.0"
credits = ["gazmap tests"]
base_uri = "https://example.org/gazmap/places/"
time_range = "1936-06/1938-06"

[[sources]]
id = "acc"
file = "account.txt"
title = "An Account"
author = "A. N. Author"
published = "1961-10/1961-11"
url = "https://example.org/account.html"

[[kinds]]
id = "mine"
label = "Mine"
symbol = "square"
colour = "#3b3b3b"
size_mm = 3.2
aat = { id = "300000390", term = "mine" }

[[kinds]]
id = "camp"
label = "Camp"
symbol = "square"
colour = "#8c2d04"

[[kinds]]
id = "camp_system"
label = "Camp system (administration)"
symbol = "diamond"
colour = "#b35806"
"##;

pub(crate) const ACCOUNT: &str = "We were taken from Kotlas to the Brickworks, an old brick factory \
on the Vorkuta river.\nAt the Mine the strike began on 27 October.\nSome went to Lower Camp, \
or perhaps to Upper Camp, <both> of the Vorkutlag & its system.\nNobody knows where.";

const SITES: &str = "id,name,names,kind,lat,lon,uncertainty_m,basis,basis_reason,coord_ref,source,quote,alternative_to,part_of,when,wikidata,geonames,notes
kotlas,Kotlas,Котлас@ru; Kotlas@en,city,61.2545,46.6334,500,documented,Town centre from GeoNames.,https://www.geonames.org/548605,acc,Kotlas,,,,Q182547,548605,Railway junction.
vorkutlag,Vorkutlag,Воркутлаг@ru,camp_system,67.4974,64.0611,20000,approximate,Administration at Vorkuta; system spread over the basin.,Encyclopaedia of the Gulag,acc,the Vorkutlag,,,1936-06/1938-06,,,
brickworks,the Brickworks,Kirpichny zavod@ru-Latn,camp,67.52,64.01,2000,approximate,An old brick factory near the river.,placed from the account: on the Vorkuta river,acc,\"the Brickworks, an old brick factory\",,vorkutlag,,,,
mine,the Mine,,mine,67.49,64.05,3000,inferred,Placed from the account's words.,placed from the account,acc,At the Mine,,vorkutlag,,,,
upper_camp,Upper Camp,,camp,67.6,64.2,5000,inferred,One reading of the account.,placed from the account,acc,\"Upper Camp, <both> of the Vorkutlag & its system\",lower_camp,vorkutlag,,,,
lower_camp,Lower Camp,,camp,,,,unlocated,The account gives no hint.,,acc,Lower Camp,upper_camp,vorkutlag,,,,
vorkuta_river,Vorkuta river,Воркута@ru,river,67.5,64.1,1000,documented,Label point on the river.,OpenStreetMap,acc,the Vorkuta river,,,,Q1364,,
";

const EVENTS: &str = "id,title,kind,when,site,from_site,to_site,people,people_text,mode,source,quote,disputed,notes
strike,Strike begins,strike,1936-10-27,mine,,,,,,acc,At the Mine the strike began on 27 October.,,
taken,Taken to the Brickworks,transfer,1936-06~/1936-08,,kotlas,brickworks,100,about a hundred,convoy on foot,acc,We were taken from Kotlas to the Brickworks,,
nowhere,Nobody knows,rumour,1937-03,,,,,,,acc,Nobody knows where.,,
";

const LINES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"vorkuta_river","properties":{"schematic":true,"geometry_ref":"drawn through documented points"},
 "geometry":{"type":"LineString","coordinates":[[63.9,67.4],[64.1,67.5],[64.3,67.55]]}}]}"#;

/// Writes the synthetic atlas into a temporary folder, checks it and builds its layers.
pub(crate) fn synthetic() -> Synthetic {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for (name, text) in [
        ("atlas.toml", ATLAS_TOML),
        ("account.txt", ACCOUNT),
        ("sites.csv", SITES),
        ("events.csv", EVENTS),
        ("lines.geojson", LINES),
    ] {
        std::fs::write(p.join(name), text).unwrap();
    }
    let checked = match crate::open(p) {
        Ok(c) => c,
        Err(crate::Error::Invalid(findings)) => {
            let text: Vec<String> = findings.iter().map(ToString::to_string).collect();
            panic!("synthetic atlas is invalid:\n{}", text.join("\n"))
        }
        Err(e) => panic!("{e}"),
    };
    let layers = crate::layers::build(&checked.atlas).unwrap();
    Synthetic {
        _dir: dir,
        atlas: checked.atlas,
        layers,
    }
}

#[test]
fn synthetic_atlas_is_valid() {
    let s = synthetic();
    assert_eq!(s.atlas.sites.len(), 7);
    assert_eq!(s.atlas.events.len(), 3);
}
