//! Path parser: any bytes parse or fail cleanly, and Display round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(failure) = alooma_mapping::fuzzing::field_path(data) {
        panic!("field_path invariant broken: {failure}");
    }
});
