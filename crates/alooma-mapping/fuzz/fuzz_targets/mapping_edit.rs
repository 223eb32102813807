//! Decode, edit (one by one and as a batch), encode arbitrary JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(failure) = alooma_mapping::fuzzing::mapping_edit(data) {
        panic!("mapping_edit invariant broken: {failure}");
    }
});
