//! Every operation's request, from the registry: each example of each
//! entry rendered as the snapshot `tests/snapshots/{area}__{operation}.snap`
//! (`…_{label}` for a labelled example; examples sharing a label share the
//! snapshot). One test per area.

use alooma_core::{operations, render};

/// Renders every example of `area`, grouped by snapshot name in
/// declaration order.
fn rendered(area: &str) -> Vec<(String, String)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for op in operations().filter(|op| op.meta().area == area) {
        for example in op.examples() {
            let name = example.snapshot_name();
            let request = example
                .operation
                .build()
                .unwrap_or_else(|e| panic!("{name}: the example does not build: {e}"));
            match groups.iter_mut().find(|(n, _)| *n == name) {
                Some((_, texts)) => texts.push(render(&request)),
                None => groups.push((name, vec![render(&request)])),
            }
        }
    }
    groups
        .into_iter()
        .map(|(name, texts)| (name, texts.join("\n")))
        .collect()
}

fn check(area: &str) {
    let snapshots = rendered(area);
    assert!(!snapshots.is_empty(), "area {area} has no operations");
    for (name, text) in snapshots {
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, text);
        });
    }
}

macro_rules! areas {
    ($($area:ident),+ $(,)?) => {
        $(
            #[test]
            fn $area() {
                check(stringify!($area));
            }
        )+

        #[test]
        fn every_area_has_its_test() {
            assert_eq!([$(stringify!($area)),+], alooma_core::areas());
        }
    };
}

areas! {
    auth, structure, outputs, inputs, event_types, code_engine, samples, metrics,
    notifications, restream, tables, queries, secrets, settings, users, credits,
}
