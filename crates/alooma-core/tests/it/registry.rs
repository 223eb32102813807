//! The registry is consistent: names are unique, every example builds the
//! request its entry declares (method, path template, metadata), and an
//! operation rebuilt from its arguments is the same request.

use alooma_core::{operation, operations, render, OperationMeta};
use std::collections::BTreeSet;

/// Whether `path` (a request path without the leading `/`) fits the
/// template: literal segments equal, `{name}` any non-empty segment,
/// `{name?}` (last) present or not, alternatives separated by ` | `.
fn fits(template: &str, path: &str) -> bool {
    template.split(" | ").any(|alternative| {
        let want: Vec<&str> = alternative.split('/').collect();
        let got: Vec<&str> = path.split('/').collect();
        let optional_last = want.last().is_some_and(|s| s.ends_with("?}"));
        let lengths_fit = got.len() == want.len() || (optional_last && got.len() + 1 == want.len());
        lengths_fit
            && want.iter().zip(&got).all(|(w, g)| {
                if w.starts_with('{') && w.ends_with('}') {
                    !g.is_empty()
                } else {
                    w == g
                }
            })
    })
}

#[test]
fn names_are_unique_and_entries_complete() {
    let mut names = BTreeSet::new();
    for op in operations() {
        let meta = op.meta();
        assert!(names.insert(meta.name), "{} is declared twice", meta.name);
        assert!(alooma_core::areas().contains(&meta.area), "{}", meta.name);
        assert!(
            !meta.path.is_empty() && !meta.path.starts_with('/'),
            "{}",
            meta.name
        );
        assert!(
            !meta.summary.is_empty() && !meta.summary.contains('['),
            "{}: the summary is one plain line: {:?}",
            meta.name,
            meta.summary
        );
        assert!(!op.examples().is_empty(), "{} has no example", meta.name);
        assert_eq!(operation(meta.name).map(|o| o.meta().name), Some(meta.name));
    }
    assert!(names.len() >= 70, "{}", names.len());
}

#[test]
fn every_example_builds_the_declared_request() {
    for op in operations() {
        let meta = *op.meta();
        for example in op.examples() {
            let request = example.operation.build().unwrap();
            let name = example.snapshot_name();
            assert_eq!(request.method(), meta.verb.method(), "{name}");
            let path = request.uri().path().trim_start_matches('/');
            assert!(
                fits(meta.path, path),
                "{name}: {path} does not fit {}",
                meta.path
            );
            let carried = request.extensions().get::<OperationMeta>().copied();
            assert_eq!(
                carried,
                Some(meta),
                "{name}: the request carries its metadata"
            );
            assert_eq!(example.operation.meta(), meta, "{name}");
        }
    }
}

#[test]
fn an_operation_rebuilt_from_its_arguments_is_the_same_request() {
    for op in operations() {
        for example in op.examples() {
            let name = example.snapshot_name();
            let arguments = example.operation.arguments();
            let rebuilt = op
                .from_arguments(arguments.clone())
                .unwrap_or_else(|e| panic!("{name}: {arguments} does not rebuild: {e}"));
            assert_eq!(
                render(&rebuilt.build().unwrap()),
                render(&example.operation.build().unwrap()),
                "{name}"
            );
        }
    }
}

#[test]
fn bad_arguments_are_build_errors_naming_the_argument() {
    let op = operation("get_event_type").unwrap();
    let err = op.from_arguments(serde_json::json!({})).unwrap_err();
    assert!(err.is_build(), "{err}");
    assert!(err.to_string().contains("name"), "{err}");
    let err = op
        .from_arguments(serde_json::json!({"name": 7}))
        .unwrap_err();
    assert!(err.to_string().contains("`name`"), "{err}");
    let err = op
        .from_arguments(serde_json::json!({"name": "a", "nmae": "b"}))
        .unwrap_err();
    assert!(err.to_string().contains("nmae"), "{err}");
    let err = operation("set_input_sleep_time")
        .unwrap()
        .from_arguments(serde_json::json!({"id": "i", "sleep_time": "soon"}))
        .unwrap_err();
    assert!(err.to_string().contains("sleep_time"), "{err}");
}

#[test]
fn the_template_matcher_itself() {
    assert!(fits("event-types/{name}", "event-types/a%2Fb"));
    assert!(!fits("event-types/{name}", "event-types"));
    assert!(fits("tables/{schema?}", "tables"));
    assert!(fits("tables/{schema?}", "tables/public"));
    assert!(fits("plumbing/", "plumbing/"));
    assert!(!fits("plumbing/", "plumbing"));
    assert!(fits("plumbing/inputs | inputs", "inputs"));
}
