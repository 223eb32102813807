//! Coverage, derived rather than listed, from the suite's own run: `cargo
//! xtask test` runs the suite once with the recording subscriber of
//! [`alooma_tests::coverage`] writing what it sees to a file
//! (`ALOOMA_E2E_RECORD`) and every client recording its calls to a
//! cassette (`ALOOMA_E2E_CASSETTE`), then runs the checks below as a
//! second phase: the suite itself skips them (they read what the whole
//! suite did, so they run after it: `cargo test -p alooma-tests --test e2e
//! -- --ignored coverage::` with the same variables, which CI runs every
//! time). Every operation of the registry must have been
//! answered with a 2xx status, and every client method called, at least
//! once; every recorded call fits the OpenAPI document; and every method of
//! the reference client is a client method.

use alooma_tests::coverage::RECORD_VAR;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// What the suite exercised: (operations answered 2xx, methods called),
/// and the cassette of every call its clients made.
fn exercised() -> &'static (BTreeSet<String>, BTreeSet<String>) {
    &run().0
}

type Run = ((BTreeSet<String>, BTreeSet<String>), String);

/// What the suite recorded, read from the files the variables name.
fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let read = |var: &str| {
            let Some(path) = std::env::var_os(var) else {
                panic!(
                    "{var} is not set: these checks read what the suite recorded; \
                     run `cargo xtask test` (or the suite, then these with --ignored, \
                     both with {RECORD_VAR} and {} set)",
                    alooma_tests::CASSETTE_VAR
                )
            };
            std::fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!(
                    "{var} = {}: {e} (did the suite run with it set?)",
                    path.to_string_lossy()
                )
            })
        };
        let text = read(RECORD_VAR);
        let mut operations = BTreeSet::new();
        let mut methods = BTreeSet::new();
        for line in text.lines() {
            match line.split_once(' ') {
                Some(("operation", name)) => operations.insert(name.to_owned()),
                Some(("method", name)) => methods.insert(name.to_owned()),
                _ => false,
            };
        }
        let calls = read(alooma_tests::CASSETTE_VAR);
        ((operations, methods), calls)
    })
}

/// The operation of the OpenAPI document a recorded call is.
fn find_operation<'d>(
    doc: &'d serde_json::Value,
    method: &str,
    path: &str,
) -> Option<&'d serde_json::Value> {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    doc["paths"]
        .as_object()?
        .iter()
        .find_map(|(template, item)| {
            let pieces: Vec<&str> = template.trim_start_matches('/').split('/').collect();
            let fits = pieces.len() == segs.len()
                && pieces.iter().zip(&segs).all(|(p, s)| {
                    if p.starts_with('{') {
                        !s.is_empty()
                    } else {
                        p == s
                    }
                });
            fits.then(|| item.get(method.to_ascii_lowercase()))?
        })
}

/// Validates `value` against a schema of the document (its `$ref`s into
/// `components` resolve against the document).
fn check(
    doc: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
) -> Result<(), String> {
    let mut root = schema.clone();
    if let Some(obj) = root.as_object_mut() {
        obj.insert("components".into(), doc["components"].clone());
    } else {
        return Ok(());
    }
    let validator = jsonschema::validator_for(&root).map_err(|e| format!("bad schema: {e}"))?;
    let errors: Vec<String> = validator
        .iter_errors(value)
        .take(3)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

#[test]
#[ignore = "reads what the whole suite recorded: cargo xtask test runs it after the suite"]
fn every_request_of_the_suite_fits_the_openapi_document() {
    let doc = alooma_core::openapi::document();
    let calls = alooma_core::cassette::parse(&run().1).unwrap();
    assert!(
        calls.len() > 300,
        "the suite recorded {} calls",
        calls.len()
    );
    let mut failures = Vec::new();
    let mut checked = (0, 0);
    for call in &calls {
        let what = call.request_line();
        let Some(op) = find_operation(&doc, &call.method, &call.path) else {
            failures.push(format!("{what}: no operation of the document"));
            continue;
        };
        let sent: Vec<&str> = call
            .query
            .as_deref()
            .unwrap_or("")
            .split('&')
            .filter_map(|p| p.split('=').next())
            .collect();
        for p in op["parameters"].as_array().into_iter().flatten() {
            if p["in"] == "query"
                && p["required"] == true
                && !sent.contains(&p["name"].as_str().unwrap_or(""))
            {
                failures.push(format!(
                    "{what}: the required query parameter {} is missing",
                    p["name"]
                ));
            }
        }
        if let Some(body) = &call.request_body {
            checked.0 += 1;
            match op.pointer("/requestBody/content/application~1json/schema") {
                Some(schema) => {
                    if let Err(e) = check(&doc, schema, body) {
                        failures.push(format!("{what}: the request body does not fit: {e}"));
                    }
                }
                None => failures.push(format!("{what}: a body the document does not describe")),
            }
        }
        if (200..300).contains(&call.status) {
            if let (Some(body), Some(schema)) = (
                &call.response_body,
                op.pointer("/responses/200/content/application~1json/schema"),
            ) {
                checked.1 += 1;
                if let Err(e) = check(&doc, schema, body) {
                    failures.push(format!("{what}: the answer does not fit: {e}"));
                }
            }
        }
    }
    eprintln!(
        "contract: {} calls of the e2e suite, {} request bodies and {} answers validated against openapi/alooma.json",
        calls.len(),
        checked.0,
        checked.1
    );
    failures.sort();
    failures.dedup();
    assert!(
        failures.is_empty(),
        "{} misfits:\n{}",
        failures.len(),
        failures
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
#[ignore = "reads what the whole suite recorded: cargo xtask test runs it after the suite"]
fn every_operation_of_the_registry_is_answered_by_the_emulator() {
    let (operations, _) = exercised();
    let registry: Vec<&str> = alooma_core::operations().map(|op| op.meta().name).collect();
    let missing: Vec<&&str> = registry
        .iter()
        .filter(|op| !operations.contains(**op))
        .collect();
    eprintln!(
        "e2e coverage: {}/{} registry operations answered 2xx",
        registry.len() - missing.len(),
        registry.len()
    );
    assert!(
        missing.is_empty(),
        "never answered with success end to end: {missing:?}"
    );
}

#[test]
#[ignore = "reads what the whole suite recorded: cargo xtask test runs it after the suite"]
fn every_client_method_is_called_by_the_suite() {
    let (_, methods) = exercised();
    let all: Vec<(&str, &str)> = alooma::client_methods().collect();
    let missing: Vec<&(&str, &str)> = all.iter().filter(|(_, m)| !methods.contains(*m)).collect();
    eprintln!(
        "e2e coverage: {}/{} client methods called",
        all.len() - missing.len(),
        all.len()
    );
    assert!(
        missing.is_empty(),
        "client methods no test calls: {missing:?}"
    );
}

/// The public methods of the reference client's `Client`, read from
/// `alooma==0.4.16` itself (from PyPI, in a virtualenv the suite shares),
/// and the one module-level function its documentation gives users.
fn reference_methods() -> BTreeSet<String> {
    let venv = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("reference-venv");
    let python = alooma_tests::python::reference_client(&venv);
    let script = "import inspect, alooma\n\
        names = [n for n, f in inspect.getmembers(alooma.Client, inspect.isfunction)]\n\
        names.append(alooma.remove_stats.__name__)\n\
        print('\\n'.join(n for n in names if not n.startswith('_')))";
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_reference_method_is_a_client_method() {
    let reference = reference_methods();
    // 108 methods of `Client` and the module's `remove_stats`.
    assert!(reference.len() >= 109, "{reference:?}");
    let methods: BTreeSet<&str> = alooma::client_methods().map(|(_, m)| m).collect();
    let missing: Vec<&String> = reference
        .iter()
        .filter(|m| !methods.contains(m.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "reference methods the client lacks: {missing:?}"
    );
}

/// A path template with every capture written `{}`, without a trailing `/`.
fn shape(template: &str) -> String {
    template
        .trim_end_matches('/')
        .split('/')
        .map(|piece| if piece.starts_with('{') { "{}" } else { piece })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every registry entry has an emulator route (the SDK's and the
/// emulator's tables, each written on its own, agree), and the run above
/// shows each one answered.
#[test]
fn every_operation_of_the_registry_has_an_emulator_route() {
    let routes: Vec<(&str, String)> = alooma_emulator::routes()
        .map(|(method, path)| (method, shape(path)))
        .collect();
    // An emulator route serves a registry path when each piece is equal,
    // or the emulator's is a capture (which takes a literal too).
    let serves = |route: &str, path: &str| {
        let (r, p): (Vec<&str>, Vec<&str>) =
            (route.split('/').collect(), path.split('/').collect());
        r.len() == p.len() && r.iter().zip(&p).all(|(r, p)| r == p || *r == "{}")
    };
    let mut missing = Vec::new();
    for op in alooma_core::operations() {
        let meta = op.meta();
        for alternative in meta.path.split(" | ") {
            let forms: Vec<String> = match alternative.strip_suffix("/{schema?}") {
                Some(base) => vec![base.to_owned(), format!("{base}/{{}}")],
                None => vec![alternative.to_owned()],
            };
            for form in forms {
                let (verb, path) = (meta.verb.as_str(), shape(&form));
                if !routes.iter().any(|(m, r)| *m == verb && serves(r, &path)) {
                    missing.push(format!("{}: {verb} {path}", meta.name));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "operations the emulator has no route for: {missing:#?}"
    );
}

/// The areas are the registry's: the emulator serves each operation in the
/// handler module of its area, and has a handler module for every area.
/// (A route that serves a second operation, such as `start_restream` on
/// `set_output`'s route, counts for the route's own.)
#[test]
fn the_emulator_serves_each_operation_in_the_module_of_its_area() {
    use std::collections::BTreeMap;
    let registry: BTreeMap<&str, &str> = alooma::core::operations()
        .map(|op| (op.meta().name, op.meta().area))
        .collect();
    let mut served_areas = BTreeSet::new();
    for (area, operation) in alooma_emulator::operation_areas() {
        let Some(registry_area) = registry.get(operation) else {
            panic!("the emulator serves `{operation}`, which the registry does not declare");
        };
        assert_eq!(
            area, *registry_area,
            "`{operation}` is served in the emulator's `{area}` handlers, but belongs to `{registry_area}`"
        );
        served_areas.insert(area);
    }
    let areas: BTreeSet<&str> = registry.values().copied().collect();
    assert_eq!(served_areas, areas, "one emulator handler module per area");
}
