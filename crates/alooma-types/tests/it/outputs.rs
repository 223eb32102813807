//! Round trips of the output examples.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers in common/ may panic

use crate::common::{check_area, round_trip};
use alooma_types::*;

#[test]
fn outputs_fixtures_round_trip() {
    check_area(
        "outputs",
        &[
            ("get_output_node.json", round_trip::<Node>),
            ("get_redshift_config.json", round_trip::<RedshiftConfig>),
            ("get_snowflake_config.json", round_trip::<SnowflakeConfig>),
            ("get_bigquery_config.json", round_trip::<BigQueryConfig>),
        ],
    );
}
