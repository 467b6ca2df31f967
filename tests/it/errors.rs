//! Bad input: every problem reported with file, line and column, and nothing written.

use std::path::Path;

use predicates::prelude::*;

use crate::util;

/// Sets `column` of the row whose id is `id` in the CSV file and returns that row's line number.
fn tamper(csv_path: &Path, id: &str, column: &str, value: &str) -> usize {
    let mut reader = csv::Reader::from_path(csv_path).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = header.iter().position(|h| h == column).unwrap();
    let mut rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row = rows
        .iter_mut()
        .find(|r| &r[0] == id)
        .unwrap_or_else(|| panic!("no row {id}"));
    let mut fields: Vec<String> = row.iter().map(str::to_owned).collect();
    fields[col] = value.to_owned();
    *row = csv::StringRecord::from(fields);
    let mut writer = csv::Writer::from_path(csv_path).unwrap();
    writer.write_record(&header).unwrap();
    for r in &rows {
        writer.write_record(r).unwrap();
    }
    writer.flush().unwrap();
    let text = std::fs::read_to_string(csv_path).unwrap();
    text.lines()
        .position(|l| l.starts_with(&format!("{id},")))
        .unwrap()
        + 1
}

fn column_number(csv_path: &Path, column: &str) -> usize {
    let mut reader = csv::Reader::from_path(csv_path).unwrap();
    reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap()
        + 1
}

/// Runs `gazmap build` on a broken copy and checks the message and that nothing was written.
fn assert_rejected(atlas: &Path, expected: &[String]) {
    let out = tempfile::tempdir().unwrap();
    let sentinel = out.path().join("keep.txt");
    std::fs::write(&sentinel, "untouched").unwrap();
    let target = out.path().join("vorkuta");
    let mut cmd = util::gazmap();
    cmd.arg("build").arg(atlas).arg("--out").arg(&target);
    let mut assert = cmd
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nothing was written"));
    for e in expected {
        assert = assert.stderr(predicate::str::contains(e.as_str()));
    }
    drop(assert);
    assert!(
        !target.exists(),
        "no output folder is created for a failed build"
    );
    assert_eq!(std::fs::read_to_string(&sentinel).unwrap(), "untouched");
}

#[test]
fn tampered_quote_is_reported_with_line_column_and_nearest_match() {
    let (_tmp, atlas) = util::copy_atlas(&util::vorkuta());
    let events = atlas.join("events.csv");
    let original = {
        let checked = gazmap::open(&util::vorkuta()).unwrap();
        checked
            .atlas
            .events
            .iter()
            .find(|e| e.id == "strike_start")
            .unwrap()
            .citation
            .quote
            .clone()
    };
    let tampered = original.replacen('1', "2", 1).replacen('e', "a", 1);
    assert_ne!(tampered, original);
    let line = tamper(&events, "strike_start", "quote", &tampered);
    let col = column_number(&events, "quote");
    assert_rejected(
        &atlas,
        &[
            format!("events.csv:{line}:{col}: error: column `quote`"),
            "not an exact substring".into(),
            "nearest match at character".into(),
        ],
    );
}

#[test]
fn unknown_site_id_is_reported() {
    let (_tmp, atlas) = util::copy_atlas(&util::vorkuta());
    let events = atlas.join("events.csv");
    let line = tamper(&events, "strike_start", "site", "vorkuta_mien");
    let col = column_number(&events, "site");
    assert_rejected(
        &atlas,
        &[format!(
            "events.csv:{line}:{col}: error: column `site`: value `vorkuta_mien`: unknown site id (did you mean `vorkuta_mine`?)"
        )],
    );
}

#[test]
fn bad_date_is_reported() {
    let (_tmp, atlas) = util::copy_atlas(&util::vorkuta());
    let events = atlas.join("events.csv");
    let line = tamper(&events, "strike_start", "when", "1936-02-30");
    let col = column_number(&events, "when");
    assert_rejected(
        &atlas,
        &[format!(
            "events.csv:{line}:{col}: error: column `when`: value `1936-02-30`: not valid EDTF"
        )],
    );
}

#[test]
fn interval_ending_before_it_starts_is_reported() {
    let (_tmp, atlas) = util::copy_atlas(&util::vorkuta());
    let events = atlas.join("events.csv");
    let line = tamper(&events, "strike_start", "when", "1937-03/1936-10");
    assert_rejected(
        &atlas,
        &[
            format!("events.csv:{line}:"),
            "ends before it starts".into(),
        ],
    );
}

#[test]
fn out_of_range_coordinate_is_reported() {
    let (_tmp, atlas) = util::copy_atlas(&util::vorkuta());
    let sites = atlas.join("sites.csv");
    let line = tamper(&sites, "kochmes", "lat", "96.358");
    let col = column_number(&sites, "lat");
    assert_rejected(
        &atlas,
        &[format!(
            "sites.csv:{line}:{col}: error: column `lat`: value `96.358`: latitude 96.358 is out of range"
        )],
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let (_tmp, atlas) = util::copy_atlas(&util::vorkuta());
    let sites = atlas.join("sites.csv");
    let events = atlas.join("events.csv");
    let l1 = tamper(&sites, "kochmes", "uncertainty_m", "-5");
    let l2 = tamper(&events, "strike_start", "when", "sometime");
    let l3 = tamper(&sites, "chibyu", "lon", "");
    assert_rejected(
        &atlas,
        &[
            format!("sites.csv:{l1}:"),
            format!("events.csv:{l2}:"),
            format!("sites.csv:{l3}:"),
            "3 error(s)".into(),
        ],
    );
}

#[test]
fn duplicate_event_id_is_reported_at_its_line() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let events = atlas.join("events.csv");
    let mut text = std::fs::read_to_string(&events).unwrap();
    let first_row = text.lines().nth(1).unwrap().to_owned();
    assert!(first_row.starts_with("leave_arkhangelsk,"));
    text.push_str(&first_row);
    text.push('\n');
    let line = text.lines().count();
    std::fs::write(&events, text).unwrap();
    assert_rejected(
        &atlas,
        &[format!(
            "{}:{line}:1: error: column `id`: value `leave_arkhangelsk`: duplicate event id (first used on line 2)",
            events.display()
        )],
    );
}

#[test]
fn one_ended_transfer_is_reported_at_its_empty_end() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let events = atlas.join("events.csv");
    let text = std::fs::read_to_string(&events).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // Line 5 goes from Kholmogory to nowhere, line 6 from nowhere to Mezen. `to_site` is the
    // 7th column and `from_site` the 6th.
    assert!(lines[4].starts_with("to_pinega,") && lines[4].contains(",kholmogory,pinega,"));
    lines[4] = lines[4].replace(",kholmogory,pinega,", ",kholmogory,,");
    assert!(lines[5].starts_with("to_mezen,") && lines[5].contains(",pinega,mezen,"));
    lines[5] = lines[5].replace(",pinega,mezen,", ",,mezen,");
    std::fs::write(&events, lines.join("\n") + "\n").unwrap();
    assert_rejected(
        &atlas,
        &[
            format!(
                "{}:5:7: error: column `to_site`: value ``: a transfer needs both ends: `to_site` is empty",
                events.display()
            ),
            format!(
                "{}:6:6: error: column `from_site`: value ``: a transfer needs both ends: `from_site` is empty",
                events.display()
            ),
        ],
    );
}

#[test]
fn non_utf8_byte_is_located_by_line_and_column() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let sites = atlas.join("sites.csv");
    let text = std::fs::read_to_string(&sites).unwrap();
    let mut lines: Vec<Vec<u8>> = text.lines().map(|l| l.as_bytes().to_vec()).collect();
    // Line 3 becomes "Kholmogory" with a Latin-1 é in place of its fourth character (after
    // the id, a comma and three characters): the column counts characters, so 'kholmogory,'
    // (11) + 'Kho' (3) + 1 = column 15.
    let line = &mut lines[2];
    assert!(line.starts_with(b"kholmogory,Kholmogory,"));
    line[14] = 0xE9;
    let joined: Vec<u8> = lines.join(&b"\n"[..]);
    std::fs::write(&sites, joined).unwrap();
    assert_rejected(
        &atlas,
        &[format!(
            "{}:3:15: error: not valid UTF-8 (byte 0xE9)",
            sites.display()
        )],
    );
}

#[test]
fn non_utf8_column_counts_characters_not_bytes() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let toml = atlas.join("atlas.toml");
    let mut bytes = std::fs::read(&toml).unwrap();
    // Line 1 of the file is a comment; append "ёё" and then a stray byte: 2 characters of
    // 2 bytes each precede it, so its column is counted in characters.
    let eol = bytes.iter().position(|b| *b == b'\n').unwrap();
    let first_line_chars = std::str::from_utf8(&bytes[..eol]).unwrap().chars().count();
    let mut insert = "ёё".as_bytes().to_vec();
    insert.push(0xFF);
    bytes.splice(eol..eol, insert);
    std::fs::write(&toml, bytes).unwrap();
    let Err(gazmap::Error::Invalid(findings)) = gazmap::open(&atlas) else {
        panic!("a non-UTF-8 atlas.toml is rejected with a finding");
    };
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f.file, toml);
    assert_eq!(f.line, Some(1));
    assert_eq!(f.column.as_ref().map(|c| c.0), Some(first_line_chars + 3));
    assert!(f.message.contains("byte 0xFF"), "{}", f.message);
}

#[test]
fn missing_source_file_names_the_atlas_toml_line() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let toml_path = atlas.join("atlas.toml");
    let toml = std::fs::read_to_string(&toml_path).unwrap();
    let line = toml
        .lines()
        .position(|l| l.starts_with("file = \"seeds/letter.txt\""))
        .unwrap()
        + 1;
    std::fs::write(
        &toml_path,
        toml.replace("seeds/letter.txt", "seeds/gone.txt"),
    )
    .unwrap();
    // Column 8 is the opening quote of the value after `file = `.
    assert_rejected(
        &atlas,
        &[
            format!(
                "{}:{line}:8: error: [[sources]] file `seeds/gone.txt`: cannot read",
                toml_path.display()
            ),
            "gone.txt".to_owned(),
        ],
    );
}

/// 1-based line of the first line of `text` starting with `prefix`.
fn line_starting(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starts with {prefix}"))
        + 1
}

#[test]
fn unknown_atlas_toml_tables_and_keys_are_located_errors() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let toml_path = atlas.join("atlas.toml");
    let toml = std::fs::read_to_string(&toml_path).unwrap();
    // A table nothing reads, and a misspelt key in a known one.
    let text = format!(
        "{}\n[web]\ntitle = \"x\"\n",
        toml.replace("time_range = ", "time_rnage = ")
    );
    std::fs::write(&toml_path, &text).unwrap();
    let (key, web) = (
        line_starting(&text, "time_rnage"),
        line_starting(&text, "[web]"),
    );
    assert_rejected(
        &atlas,
        &[
            format!(
                "{}:{key}:1: error: unknown key `time_rnage` (did you mean `time_range`?)",
                toml_path.display()
            ),
            format!(
                "{}:{web}:2: error: unknown table `web` (the tables are: atlas, basemap, sources, periods, kinds, sheets, tiles)",
                toml_path.display()
            ),
        ],
    );
}

#[test]
fn bad_sheet_and_tiles_values_fail_check_and_build_at_their_column() {
    let (_tmp, atlas) = util::copy_atlas(&util::tiny());
    let toml_path = atlas.join("atlas.toml");
    let mut text = std::fs::read_to_string(&toml_path).unwrap();
    text.push_str(
        "\n[[sheets]]\nid = \"a\"\ntitle = \"A\"\nsites = [\"pinega\"]\norientation = \"portriat\"\ndpi = 5000\n\n[tiles]\nmaxzoom = 12\n[tiles.layers.coasts]\nmaxzoom = 8\n",
    );
    std::fs::write(&toml_path, &text).unwrap();
    let path = toml_path.display();
    let expected = [
        format!(
            "{path}:{}:15: error: sheet `a`: bad orientation (landscape or portrait) `portriat` (did you mean `portrait`?)",
            line_starting(&text, "orientation")
        ),
        format!(
            "{path}:{}:7: error: sheet `a`: bad dpi (36 to 1200) `5000`",
            line_starting(&text, "dpi")
        ),
        format!(
            "{path}:{}:15: error: [tiles.layers.coasts]: there is no such layer (did you mean `coast`?)",
            line_starting(&text, "[tiles.layers.coasts]")
        ),
    ];
    let mut check = util::gazmap();
    let mut assert = check
        .arg("check")
        .arg(&atlas)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("3 error(s)"));
    for e in &expected {
        assert = assert.stderr(predicate::str::contains(e.as_str()));
    }
    drop(assert);
    assert_rejected(&atlas, &expected);
}
