//! The EDTF facade (`gazmap::time::parse`): no panic, and every range it returns is ordered.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let fallback = gazmap::time::parse("1936/1938", None).expect("a valid fallback");
    for fb in [None, Some(&fallback)] {
        if let Ok(r) = gazmap::time::parse(text, fb) {
            assert!(r.earliest <= r.latest, "{text:?}: {r:?}");
            if let Some((a, b)) = r.certain {
                assert!(r.earliest <= a && a <= b && b <= r.latest, "{text:?}: {r:?}");
            }
            assert!(r.possibly_at(r.earliest) && r.possibly_at(r.latest));
        }
    }
});
