//! Catalog files (`--catalog FILE`): any text is read or refused with a message, never a
//! panic; a catalog that is read answers its lookups.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zec_core::Catalog;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(catalog) = Catalog::from_toml(text) {
        for zone in ["asia-east-1a", "", "x"] {
            let _ = catalog.zone(zone);
            if let Some(image) = catalog.image("ubuntu2404_20240712") {
                let _ = image.offered_in(zone);
            }
        }
        let _ = catalog.region("asia-east-1");
        let _ = catalog.subnet("1272168087751233112");
    }
});
