//! The OpenAPI description: the committed files are the generator's
//! output (`cargo xtask openapi` writes them), and the document says what
//! the registry and the models say.

use serde_json::Value;

fn committed(path: &str) -> String {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

#[test]
fn the_committed_documents_are_current() {
    let generated = alooma_core::openapi::document_text();
    // The emulator's gzip copy is checked against this one by the
    // emulator's tests.
    let path = "openapi/alooma.json";
    assert!(
        committed(path) == generated,
        "{path} is stale: run `cargo xtask openapi` and commit the result"
    );
}

#[test]
fn every_registry_operation_is_in_the_document_with_its_retry_safety() {
    let doc = alooma_core::openapi::document();
    let ops: Vec<&Value> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .collect();
    for info in alooma_core::operations() {
        let name = info.meta().name;
        let op = ops
            .iter()
            .find(|op| {
                op["x-alooma-operations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|n| n == name)
            })
            .unwrap_or_else(|| panic!("{name} is not in the document"));
        let retry = if info.meta().retry == alooma_core::RetrySafety::Idempotent {
            "idempotent"
        } else {
            "not-idempotent"
        };
        assert_eq!(op["x-alooma-retry"], retry, "{name}");
    }
}

#[test]
fn secrets_are_write_only_and_lenient_values_accept_their_text() {
    let doc = alooma_core::openapi::document();
    let text = doc.to_string();
    assert!(
        text.contains(r#"{"format":"password","type":"string","writeOnly":true}"#)
            || text.contains(r#""writeOnly":true"#)
    );
    let column = &doc["components"]["schemas"]["ColumnType"]["properties"]["length"];
    let forms = column.to_string();
    assert!(
        forms.contains("\"integer\"") && forms.contains("\"string\"") && forms.contains("\"null\""),
        "{forms}"
    );
    // An absent key is not required.
    let required = doc["components"]["schemas"]["ColumnType"]["required"].clone();
    assert!(!required.to_string().contains("length"), "{required}");
}
