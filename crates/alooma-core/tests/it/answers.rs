//! Every operation's decoder, from the registry, with no operation named:
//! for each entry and each of its examples,
//!
//! - failed calls are errors of their kind (500 → `Api`, 401/403 → `Auth`,
//!   504 → `ServerTimeout`, an HTML error page → `Api`), never a success;
//! - a body that is not the JSON the operation reads is a decode error
//!   naming the operation, never a panic and never a success (an empty
//!   body is a success where the declaration says the answer may be
//!   empty);
//! - its recorded answers (the API reference's examples,
//!   `alooma-types/tests/fixtures/<model>/<operation>.json`) decode and
//!   come back unchanged, for every operation whose output is the answer
//!   as read (a mapped answer's example is its client method's result);
//! - an empty argument that fills a `{field}` of the path is a build
//!   error, whatever else the operation checks.
//!
//! What an operation does beyond its declaration (a hook that maps the
//! answer, a check of its own) keeps a test in its area's module.

use crate::common::{answer, ok};
use alooma_core::registry::Decoding;
use alooma_core::{operations, Error};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The recorded answers, by the operation that answered them.
fn recorded() -> BTreeMap<String, Vec<PathBuf>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../alooma-types/tests/fixtures");
    let mut found: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for model in std::fs::read_dir(&root).unwrap() {
        for file in std::fs::read_dir(model.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                found.entry(stem.to_owned()).or_default().push(path);
            }
        }
    }
    found
}

#[test]
fn failed_calls_are_errors_of_their_kind() {
    for op in operations() {
        for example in op.examples() {
            let o = &example.operation;
            let name = op.meta().name;
            let what = example.snapshot_name();
            match o.decode_json(answer(500, r#"{"error":"boom"}"#)) {
                Err(Error::Api {
                    operation, status, ..
                }) if operation == name && status == 500 => {}
                other => panic!("{what}: a 500 gave {other:?}"),
            }
            for status in [401, 403] {
                match o.decode_json(answer(status, "")) {
                    Err(Error::Auth { .. }) => {}
                    other => panic!("{what}: a {status} gave {other:?}"),
                }
            }
            match o.decode_json(answer(504, "")) {
                Err(Error::ServerTimeout { .. }) => {}
                other => panic!("{what}: a 504 gave {other:?}"),
            }
            match o.decode_json(answer(502, "<html>Bad Gateway</html>")) {
                Err(Error::Api { .. }) => {}
                other => panic!("{what}: a 502 page gave {other:?}"),
            }
        }
    }
}

#[test]
fn bodies_that_are_not_the_answer_are_decode_errors() {
    let mut checked = 0;
    // A hand-written decoder's leniency is its own (`create_input` takes
    // any 2xx as created: the id is a bonus), tested in its area.
    for op in operations() {
        let kind = op.decoding();
        let bodies: &[&str] = match kind {
            Decoding::Json => &["", "{\"nodes\":[", "<html><body>oops</body></html>", "nul"],
            Decoding::JsonOrEmpty => &["{\"nodes\":[", "<html><body>oops</body></html>", "nul"],
            // No body read, or read by hand.
            _ => continue,
        };
        for example in op.examples() {
            let what = example.snapshot_name();
            for body in bodies {
                checked += 1;
                match example.operation.decode_json(ok(body)) {
                    Err(Error::Decode { operation, .. }) if operation == op.meta().name => {}
                    other => panic!("{what}: {body:?} gave {other:?}"),
                }
            }
            if kind == Decoding::JsonOrEmpty {
                if let Err(e) = example.operation.decode_json(ok("")) {
                    panic!("{what}: an empty answer may be empty: {e}");
                }
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn recorded_answers_decode_and_come_back_as_they_were() {
    let recorded = recorded();
    let mut decoded = 0;
    for op in operations() {
        let name = op.meta().name;
        // A mapped answer's example is the client method's result, which
        // the types' corpus reads; only answers read as they are decode here.
        let Some(files) = recorded.get(name).filter(|_| op.answers_as_read()) else {
            continue;
        };
        for file in files {
            let text = std::fs::read_to_string(file).unwrap();
            let original: Value = serde_json::from_str(&text).unwrap();
            for example in op.examples() {
                let back = example
                    .operation
                    .decode_json(ok(&text))
                    .unwrap_or_else(|e| panic!("{name}: {} does not decode: {e}", file.display()));
                decoded += 1;
                assert_eq!(back, original, "{name}: {} changed", file.display());
            }
        }
    }
    assert!(decoded >= 12, "only {decoded} recorded answers decoded");
}

#[test]
fn an_empty_path_argument_is_a_build_error() {
    let mut checked = 0;
    for op in operations() {
        let meta = op.meta();
        let fields = meta.path.split('/').filter_map(|piece| {
            piece
                .strip_prefix('{')
                .and_then(|p| p.strip_suffix('}'))
                .filter(|p| !p.ends_with('?'))
        });
        for field in fields {
            for example in op.examples() {
                let mut arguments = example.operation.arguments();
                match arguments.get_mut(field) {
                    Some(v @ Value::String(_)) => *v = Value::String(String::new()),
                    // Computed from other arguments, or not text.
                    _ => continue,
                }
                checked += 1;
                let built = op.from_arguments(arguments).and_then(|o| o.build());
                assert!(
                    matches!(built, Err(Error::Build { operation, .. }) if operation == meta.name),
                    "{}: an empty `{field}` gave {built:?}",
                    example.snapshot_name()
                );
            }
        }
    }
    assert!(checked > 20, "{checked}");
}
