//! Round trips of the tables and schemas examples.
#![allow(clippy::unwrap_used, clippy::panic)] // the shared tests/common harness panics by design

use crate::common::{check_area, round_trip};
use alooma_types::*;

#[test]
fn tables_fixtures_round_trip() {
    check_area(
        "tables",
        &[
            ("create_table.json", round_trip::<Vec<Column>>),
            ("get_tables.json", round_trip::<Vec<Table>>),
            ("get_tables_shallow.json", round_trip::<Vec<Table>>),
            ("get_table_names.json", round_trip::<Vec<Table>>),
            ("get_schemas.json", round_trip::<Vec<Schema>>),
        ],
    );
}
