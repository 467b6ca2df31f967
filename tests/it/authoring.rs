//! Authoring help: the atlas a command finds, `gazmap new`, `gazmap quote`, locale hints, and
//! the checks of sheets, extents and time ranges.

use predicates::prelude::*;

use crate::util;

#[test]
fn check_inside_an_atlas_folder_checks_that_atlas() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    util::gazmap()
        .current_dir(&atlas)
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "ok: {} sites",
            crate::atlas_expect::TINY_SITES
        )));
}

#[test]
fn commands_outside_an_atlas_folder_say_how_to_name_one() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["check"][..],
        &["matrix"],
        &["distance", "a", "b"],
        &["export", "--format", "kml"],
    ] {
        util::gazmap()
            .current_dir(tmp.path())
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "no atlas.toml in the current folder",
            ));
    }
}

#[test]
fn distance_and_matrix_take_the_atlas_as_a_positional_folder() {
    util::gazmap()
        .args(["distance", "arkhangelsk", "kholmogory"])
        .arg(util::tiny())
        .assert()
        .success()
        .stdout(predicate::str::contains("distance: 63.914 km"));
    let out = util::gazmap()
        .arg("matrix")
        .arg(util::tiny())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(out).unwrap().lines().count(),
        crate::atlas_expect::TINY_SITES + 1
    );
}

#[test]
fn distance_names_the_atlas_and_suggests_a_site() {
    util::gazmap()
        .args(["distance", "arkhangelsk", "kholmogry"])
        .arg(util::tiny())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "unknown site id `kholmogry` in atlas `tiny`",
        ))
        .stderr(predicate::str::contains("did you mean `kholmogory`?"));
}

#[test]
fn build_help_lists_every_format() {
    let out = util::gazmap()
        .args(["build", "--help"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for f in gazmap::output::format::Format::ALL {
        assert!(
            text.contains(&format!(" {},", f.name()))
                || text.ends_with(f.name())
                || text.contains(&format!(" {}\n", f.name())),
            "`{}` missing from build --help:\n{text}",
            f.name()
        );
    }
}

#[test]
fn export_to_a_file_name_writes_that_file() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("places.lpf.json");
    util::gazmap()
        .args(["export", "--format", "lpf", "-o"])
        .arg(&target)
        .arg(util::tiny())
        .assert()
        .success();
    assert!(target.is_file(), "{} is not a file", target.display());
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
    assert_eq!(
        json["features"].as_array().unwrap().len(),
        crate::atlas_expect::TINY_SITES
    );
    // Nothing else is left beside it (the temporary export folder is gone).
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("places.lpf.json")]);
}

#[test]
fn new_writes_an_atlas_that_check_accepts() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("Beagle Journal.txt");
    std::fs::write(
        &source,
        "We sailed from Plymouth on the 27th of December.\n",
    )
    .unwrap();
    let dir = tmp.path().join("voyage");
    util::gazmap()
        .arg("new")
        .arg(&dir)
        .arg("--source")
        .arg(&source)
        .assert()
        .success()
        .stdout(predicate::str::contains("new atlas `voyage`"));
    let toml_text = std::fs::read_to_string(dir.join("atlas.toml")).unwrap();
    assert!(
        toml_text.contains("file = \"sources/Beagle Journal.txt\""),
        "{toml_text}"
    );
    assert!(toml_text.contains("id = \"beagle_journal\""), "{toml_text}");
    assert_eq!(
        std::fs::read(dir.join("sources/Beagle Journal.txt")).unwrap(),
        std::fs::read(&source).unwrap()
    );
    let header = std::fs::read_to_string(dir.join("sites.csv")).unwrap();
    assert!(
        header.starts_with("id,name,names,kind,lat,lon,"),
        "{header}"
    );
    util::gazmap()
        .arg("check")
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("ok: 0 sites, 0 events, 0 claims"));
    // A second `new` into the same folder refuses and changes nothing.
    util::gazmap()
        .arg("new")
        .arg(&dir)
        .arg("--source")
        .arg(&source)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not empty"));
    assert_eq!(
        std::fs::read_to_string(dir.join("atlas.toml")).unwrap(),
        toml_text
    );
}

#[test]
fn new_can_refer_to_the_source_where_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("seeds")).unwrap();
    let source = tmp.path().join("seeds/journal.txt");
    std::fs::write(&source, "Land was sighted at dawn.\n").unwrap();
    let dir = tmp.path().join("data/voyage");
    util::gazmap()
        .arg("new")
        .arg(&dir)
        .arg("--source")
        .arg(&source)
        .arg("--reference")
        .assert()
        .success();
    let toml_text = std::fs::read_to_string(dir.join("atlas.toml")).unwrap();
    assert!(
        toml_text.contains("file = \"../../seeds/journal.txt\""),
        "{toml_text}"
    );
    assert!(!dir.join("sources").exists());
    // Add one cited site by hand: check resolves the quote through the reference.
    let mut sites = std::fs::read_to_string(dir.join("sites.csv")).unwrap();
    sites.push_str(&format!("land,Land,,settlement,10.0,-20.0,5000,inferred,From the account.,placed from the account,journal,Land was sighted,,,,,,{}\n", optional_tail(&sites)));
    std::fs::write(dir.join("sites.csv"), sites).unwrap();
    util::gazmap()
        .current_dir(&dir)
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("ok: 1 sites"));
}

/// A new atlas in a temporary folder whose source has typographic quotes and hard-wrapped lines.
fn typographic_atlas() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("journal.txt");
    std::fs::write(
        &source,
        "The captain\u{2019}s \u{201C}Beagle\u{201D} left Plymouth on the\n27th of December \u{2014} the wind\nwas fair. We saw Madeira. We saw Madeira again.\n",
    )
    .unwrap();
    let dir = tmp.path().join("voyage");
    util::gazmap()
        .arg("new")
        .arg(&dir)
        .arg("--source")
        .arg(&source)
        .assert()
        .success();
    (tmp, dir)
}

/// Empty cells for the optional columns `gazmap new`'s header has beyond the 18 the rows here
/// fill (the shape columns), so a row has as many fields as the header.
fn optional_tail(csv: &str) -> String {
    let header = csv.lines().next().unwrap_or_default();
    ",".repeat(header.split(',').count().saturating_sub(18))
}

const SITE_ROW: &str =
    "plymouth,Plymouth,,city,50.37,-4.14,2000,documented,Town centre.,a gazetteer,journal,";

#[test]
fn quote_finds_a_hard_wrapped_passage_and_prints_the_exact_text() {
    let (_tmp, dir) = typographic_atlas();
    let out = util::gazmap()
        .arg("quote")
        .arg(&dir)
        .arg("captain's \"Beagle\" left Plymouth on the 27th of December - the wind")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains(":1:5: source `journal`, character 4:"),
        "{text}"
    );
    assert!(
        text.contains("captain\u{2019}s \u{201C}Beagle\u{201D} left Plymouth on the\n27th of December \u{2014} the wind"),
        "{text}"
    );
    // Inside the atlas folder the DIR can be left out; an unknown passage exits 1 with a hint.
    util::gazmap()
        .current_dir(&dir)
        .args(["quote", "We saw Madeira"])
        .assert()
        .success()
        .stdout(predicate::str::contains("found 2 times"));
    util::gazmap()
        .current_dir(&dir)
        .args(["quote", "left Plymuoth"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nearest in `journal`"));
}

#[test]
fn check_names_the_differing_character_and_fix_quotes_repairs_it() {
    let (_tmp, dir) = typographic_atlas();
    let sites = dir.join("sites.csv");
    let mut csv = std::fs::read_to_string(&sites).unwrap();
    let tail = optional_tail(&csv);
    // Row 2: straight apostrophe and quotes, a space for the line break, a hyphen for the dash.
    csv.push_str(SITE_ROW);
    csv.push_str(
        &format!("\"captain's \"\"Beagle\"\" left Plymouth on the 27th of December - the wind\",,,,,,{tail}\n"),
    );
    // Row 3: exact already; must stay byte for byte.
    csv.push_str(&format!("madeira,Madeira,,island,32.75,-16.95,20000,approximate,The island.,a gazetteer,journal,We saw Madeira. We,,,,,,{tail}\n"));
    // Row 4: a near miss that occurs twice: ambiguous, never fixed.
    csv.push_str(&format!("madeira2,Madeira,,island,32.75,-16.95,20000,approximate,The island.,a gazetteer,journal,we saw madeira,,,,,,{tail}\n"));
    std::fs::write(&sites, &csv).unwrap();
    util::gazmap()
        .arg("check")
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "sites.csv:2:12: error: column `quote`",
        ))
        .stderr(predicate::str::contains(
            "matches at character 4 (line 1, column 5) apart from typography: U+2019 RIGHT SINGLE QUOTATION MARK in the source vs U+0027 APOSTROPHE in the quote (and 4 more difference(s))",
        ))
        .stderr(predicate::str::contains("it matches 2 places"));
    util::gazmap()
        .arg("check")
        .arg("--fix-quotes")
        .arg(&dir)
        .assert()
        .code(1) // row 4 is still wrong
        .stderr(predicate::str::contains(
            "sites.csv:2: quote fixed to the source's text at character 4",
        ))
        .stderr(predicate::str::contains(
            "sites.csv:4: not fixed: the passage occurs 2 times",
        ));
    let fixed = std::fs::read_to_string(&sites).unwrap();
    let lines: Vec<&str> = fixed.split_inclusive('\n').collect();
    let before: Vec<&str> = csv.split_inclusive('\n').collect();
    assert_eq!(
        lines.len(),
        before.len() + 1,
        "the fixed quote holds a line break"
    );
    assert_eq!(lines[0], before[0]);
    assert_eq!(&lines[3..], &before[2..], "other rows are unchanged");
    let mut reader = csv::Reader::from_reader(fixed.as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(
        &row[11],
        "captain\u{2019}s \u{201C}Beagle\u{201D} left Plymouth on the\n27th of December \u{2014} the wind"
    );
    // With the ambiguous row removed, the fixed atlas passes.
    let without_row4: String = fixed
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("madeira2"))
        .collect();
    std::fs::write(&sites, without_row4).unwrap();
    util::gazmap()
        .arg("check")
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("ok: 2 sites"));
}

#[test]
fn citations_do_not_move_when_the_source_gains_a_bom_or_crlf() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let offsets = |dir: &std::path::Path| -> Vec<(String, Option<usize>)> {
        let checked = gazmap::open(dir).unwrap();
        checked
            .atlas
            .sites
            .iter()
            .map(|s| (s.id.clone(), s.citation.char_offset))
            .chain(
                checked
                    .atlas
                    .events
                    .iter()
                    .map(|e| (e.id.clone(), e.citation.char_offset)),
            )
            .collect()
    };
    let before = offsets(&atlas);
    assert!(before.iter().filter(|(_, o)| o.unwrap() > 100).count() >= 3);
    let letter = atlas.join("seeds/letter.txt");
    let text = std::fs::read_to_string(&letter).unwrap();
    std::fs::write(&letter, format!("\u{feff}{text}")).unwrap();
    assert_eq!(offsets(&atlas), before, "with a BOM");
    std::fs::write(&letter, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
    assert_eq!(offsets(&atlas), before, "with a BOM and CRLF line ends");
    std::fs::write(&letter, text.replace('\n', "\r\n")).unwrap();
    assert_eq!(offsets(&atlas), before, "with CRLF line ends");
}

/// Runs `gazmap check` on `dir` and returns its standard error (the check must fail).
fn check_errors(dir: &std::path::Path) -> String {
    let out = util::gazmap()
        .arg("check")
        .arg(dir)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_semicolon_separated_file_is_named_once_and_the_others_still_checked() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    // sites.csv as a spreadsheet in a German locale saves it: `;` and decimal commas.
    let sites = std::fs::read_to_string(atlas.join("sites.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(sites.as_bytes());
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(vec![]);
    w.write_record(reader.headers().unwrap()).unwrap();
    for r in reader.records() {
        let r = r.unwrap();
        let row: Vec<String> = r.iter().map(|f| f.replace('.', ",")).collect();
        w.write_record(&row).unwrap();
    }
    std::fs::write(atlas.join("sites.csv"), w.into_inner().unwrap()).unwrap();
    // And an error in events.csv, which the broken sites.csv must not hide.
    let events = std::fs::read_to_string(atlas.join("events.csv")).unwrap();
    std::fs::write(
        atlas.join("events.csv"),
        events.replacen("1872-06-01", "1872-13-01", 1),
    )
    .unwrap();
    let err = check_errors(&atlas);
    assert!(
        err.contains(
            "sites.csv:1: error: the file looks semicolon-separated: save it as comma-separated CSV"
        ),
        "{err}"
    );
    assert_eq!(
        err.matches("sites.csv").count(),
        1,
        "one finding, not one per column:\n{err}"
    );
    assert!(err.contains("events.csv:2:"), "{err}");
    assert!(err.contains("1872-13-01"), "{err}");
}

#[test]
fn decimal_commas_and_degrees_minutes_are_named_with_the_value_to_write() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let path = atlas.join("sites.csv");
    let sites = std::fs::read_to_string(&path).unwrap();
    // Arkhangelsk 64.53990, 40.54330 -> "64,53990" (quoted: it holds a comma) and 40°32′36″E.
    let sites = sites
        .replacen("64.53990", "\"64,53990\"", 1)
        .replacen("40.54330", "40°32′36″E", 1)
        .replacen("41.65000", "41 39 N", 1);
    std::fs::write(&path, sites).unwrap();
    let err = check_errors(&atlas);
    assert!(
        err.contains("column `lat`: value `64,53990`: not a number: `64,53990` has a decimal comma; write `64.53990`"),
        "{err}"
    );
    assert!(
        err.contains("not a number: `40°32′36″E` is degrees-minutes(-seconds); write the decimal degrees `40.543333`"),
        "{err}"
    );
    assert!(
        err.contains(
            "write the decimal degrees `41.65`; check the column: north/south belongs in `lat`"
        ),
        "{err}"
    );
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_with(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn check_validates_sheets_with_atlas_toml_lines_and_fixes() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let path = atlas.join("atlas.toml");
    let mut toml_text = std::fs::read_to_string(&path).unwrap();
    toml_text.push_str(
        r#"
[[sheets]]
id = "river"
title = "Up the Dvina"
sites = ["arkhangelsk", "kholmogori"]
period = "jorney"

[[sheets.insets]]
title = "Kholmogory"
sites = ["atlantis"]

[sheets.labels]
pinegga = "Pinega"
"#,
    );
    std::fs::write(&path, &toml_text).unwrap();
    let err = check_errors(&atlas);
    let at = |needle: &str| format!("atlas.toml:{}:", line_with(&toml_text, needle));
    for (needle, wanted) in [
        (
            "\"kholmogori\"",
            "sheet `river`: `sites` names an unknown site id (did you mean `kholmogory`?)",
        ),
        (
            "\"atlantis\"",
            "sheet `river`: `insets.sites` names an unknown site id (site ids are the `id` column of sites.csv)",
        ),
        (
            "pinegga",
            "sheet `river`: `labels` names an unknown site id (did you mean `pinega`?)",
        ),
        (
            "\"jorney\"",
            "sheet `river`: unknown period (did you mean `journey`?) (the [[periods]] are: journey)",
        ),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(wanted))
            .unwrap_or_else(|| panic!("`{wanted}` not in:\n{err}"));
        assert!(line.contains(&at(needle)), "{needle}: {line}");
    }
    // A projection the printer does not know fails `check` too, naming the sheet and the line.
    std::fs::write(
        &path,
        toml_text.replace("period = \"jorney\"", "projection = \"mollweide\""),
    )
    .unwrap();
    let err = check_errors(&atlas);
    let wanted = format!(
        "atlas.toml:{}:14: error: sheet `river`: bad projection",
        line_with(&toml_text, "period = ")
    );
    assert!(err.contains(&wanted), "{wanted} not in:\n{err}");
}

#[test]
fn swapped_coordinates_and_dates_outside_the_time_range_are_warned() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let sites = atlas.join("sites.csv");
    let text = std::fs::read_to_string(&sites).unwrap();
    // Kholmogory 64.22500, 41.65000 typed the wrong way round; Pinega's longitude lost nothing.
    std::fs::write(
        &sites,
        text.replacen("64.22500,41.65000", "41.65000,64.22500", 1),
    )
    .unwrap();
    let events = atlas.join("events.csv");
    let text = std::fs::read_to_string(&events).unwrap();
    std::fs::write(
        &events,
        text.replacen("1872-06-01,kholmogory", "1873-06-01,kholmogory", 1),
    )
    .unwrap();
    let out = util::gazmap()
        .arg("check")
        .arg(&atlas)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let toml_text = std::fs::read_to_string(atlas.join("atlas.toml")).unwrap();
    let extent_line = line_with(&toml_text, "extent =");
    assert!(
        out.contains(
            "sites.csv:3:5: warning: column `lat`: value `41.65`: `kholmogory` (lat 41.65, lon 64.225) lies 2761 km outside"
        ),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "outside the atlas extent [40.0, 63.8, 45.0, 66.2] (atlas.toml line {extent_line}): lat and lon look swapped: lat 64.225, lon 41.65 falls inside it"
        )),
        "{out}"
    );
    let range_line = line_with(&toml_text, "time_range =");
    assert!(
        out.contains(&format!(
            "events.csv:3:4: warning: column `when`: value `1873-06-01`: `arrive_kholmogory` begins after the atlas's time_range `1872-06/1872-07` (atlas.toml line {range_line})"
        )),
        "{out}"
    );
    // The two above and the stated distance the swap now contradicts.
    assert!(out.contains("3 warning(s)"), "{out}");
}

#[test]
fn atlas_toml_errors_carry_line_numbers() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let path = atlas.join("atlas.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text
        .replace(
            "time_range = \"1872-06/1872-07\"",
            "time_range = \"1872-14\"",
        )
        .replace("when = \"1872-06-01/1872-06-30\"", "when = \"June 1872\"")
        .replace(
            "extent = [40.0, 63.8, 45.0, 66.2]",
            "extent = [40.0, 66.2, 45.0, 63.8]",
        );
    std::fs::write(&path, &text).unwrap();
    let err = check_errors(&atlas);
    assert!(
        err.contains(&format!(
            "atlas.toml:{}:14: error: value `1872-14`: atlas.time_range",
            line_with(&text, "time_range =")
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "atlas.toml:{}:8: error: value `June 1872`: period `journey`",
            line_with(&text, "when = \"June")
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "atlas.toml:{}:10: error: atlas.extent [40.0, 66.2, 45.0, 63.8] must be",
            line_with(&text, "extent =")
        )),
        "{err}"
    );
    assert!(!err.contains("outside the atlas extent"), "{err}");
}

#[test]
fn did_you_mean_for_columns_sources_and_tables() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let claims = atlas.join("claims.csv");
    let text_claims = std::fs::read_to_string(&claims).unwrap();
    std::fs::write(
        &claims,
        text_claims.replacen("tolerance_m", "tolerence_m", 1),
    )
    .unwrap();
    let events = atlas.join("events.csv");
    let text = std::fs::read_to_string(&events).unwrap();
    std::fs::write(&events, text.replacen(",letter,", ",leter,", 1)).unwrap();
    let toml_path = atlas.join("atlas.toml");
    let mut toml_text = std::fs::read_to_string(&toml_path).unwrap();
    toml_text.push_str("\n[[sheet]]\nid = \"x\"\n");
    std::fs::write(&toml_path, &toml_text).unwrap();
    let err = check_errors(&atlas);
    assert!(
        err.contains("column `tolerence_m`: value `tolerence_m`: unknown column (did you mean `tolerance_m`?)"),
        "{err}"
    );
    // With the header mended, the rows are checked: the source id typo.
    std::fs::write(&claims, text_claims).unwrap();
    let err = check_errors(&atlas);
    assert!(
        err.contains("column `source`: value `leter`: unknown source id (did you mean `letter`?)"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "atlas.toml:{}:3: error: unknown table `sheet` (did you mean `sheets`?)",
            line_with(&toml_text, "[[sheet]]")
        )),
        "{err}"
    );
}
