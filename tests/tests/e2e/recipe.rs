//! ARCHITECTURE.md's recipe for adding an operation is the truth: every
//! file it lists is read from the document (the numbered items of "How to
//! add an operation"), and for every operation of the registry, each of
//! those files, with its area and name put in, exists and holds the
//! operation. A recipe that names a file nobody uses, or an operation
//! whose parts live elsewhere, fails here.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The file patterns of the recipe: each numbered item's first
/// `` `**path**` ``, with `<area>` and `<name>` in it.
fn recipe() -> Vec<String> {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let section = doc
        .split("## How to add an operation")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("ARCHITECTURE.md has a \"How to add an operation\" section");
    section
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_digit()) && l.contains(". **`"))
        .filter_map(|l| {
            l.split("**`")
                .nth(1)?
                .split("`**")
                .next()
                .map(str::to_owned)
        })
        .collect()
}

/// What shows that `file` holds the operation `name`, by the kind of file.
fn holds(pattern: &str, text: &str, name: &str) -> bool {
    if pattern.ends_with(".snap") {
        return true; // it exists: that is the whole of it
    }
    if pattern.contains("alooma-core/src") {
        return text.contains(&format!("op {name} ")) || text.contains(&format!("op {name}:"));
    }
    if pattern.contains("emulator") {
        return text.contains(&format!(" as {name} "));
    }
    // The client method, with the example that calls it.
    text.contains(&format!("fn {name}(")) && text.contains(&format!("client.{name}("))
}

#[test]
fn the_recipe_lists_the_files_that_hold_every_operation() {
    let patterns = recipe();
    assert_eq!(patterns.len(), 4, "the recipe's files: {patterns:?}");
    // Operations the emulator answers on another operation's route (its
    // router tells them apart by the request): their route is that
    // operation's.
    let shared_routes: Vec<&str> = alooma_emulator::operations().map(|(_, _, op)| op).collect();
    let mut missing = Vec::new();
    for op in alooma::core::operations() {
        let (name, area) = (op.meta().name, op.meta().area);
        for pattern in &patterns {
            if pattern.contains("emulator") && !shared_routes.contains(&name) {
                continue;
            }
            let path = root().join(pattern.replace("<area>", area).replace("<name>", name));
            match std::fs::read_to_string(&path) {
                Ok(text) if holds(pattern, &text, name) => {}
                Ok(_) => missing.push(format!("{name}: {} does not hold it", path.display())),
                Err(_) => missing.push(format!("{name}: no {}", path.display())),
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} mismatches:\n{}",
        missing.len(),
        missing.join("\n")
    );
}
