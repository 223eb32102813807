//! The module graph of a crate, read from its sources, and its import
//! cycles.
//!
//! Each source file is a module (`a/b.rs` and `a/b/mod.rs` are `a::b`).
//! A module imports another when its code (comments and its `#[cfg(test)]
//! mod tests` left out) names a path into it: `crate::a::b::Item`,
//! `super::b`, `self::c`, or the members of a `use crate::{a, b::c}`
//! group. A path is resolved to the longest module it names. Declaring a
//! child (`mod b;`) is not an import; re-exporting from it is.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`["domain", "state"]`, `[]` for the crate root) → the
/// modules it imports.
pub type Graph = BTreeMap<Vec<String>, BTreeSet<Vec<String>>>;

/// Reads the module graph of the crate whose sources are under `src`.
pub fn graph(src: &Path) -> std::io::Result<Graph> {
    let mut files = Vec::new();
    collect(src, src, &mut files)?;
    let modules: BTreeSet<Vec<String>> = files.iter().map(|(m, _)| m.clone()).collect();
    let exports = root_exports(&files, &modules);
    let mut graph = Graph::new();
    for (module, text) in &files {
        if module.is_empty() {
            // The crate root declares and re-exports; its names are
            // resolved to where they come from (`exports`).
            continue;
        }
        let code = code_of(text);
        let mut deps = BTreeSet::new();
        for path in paths(&code, &children(module, &modules)) {
            let target = match resolve(module, &path, &modules) {
                Some(t) if t.is_empty() => path.get(1).and_then(|name| exports.get(name)).cloned(),
                other => other,
            };
            if let Some(target) = target.filter(|t| t != module && !t.is_empty()) {
                deps.insert(target);
            }
        }
        graph.insert(module.clone(), deps);
    }
    Ok(graph)
}

/// The modules declared directly under `module`, by name.
fn children(module: &[String], modules: &BTreeSet<Vec<String>>) -> Vec<String> {
    modules
        .iter()
        .filter(|m| m.len() == module.len() + 1 && m.starts_with(module))
        .filter_map(|m| m.last().cloned())
        .collect()
}

/// What the crate root re-exports: a name → the module it comes from.
fn root_exports(
    files: &[(Vec<String>, String)],
    modules: &BTreeSet<Vec<String>>,
) -> BTreeMap<String, Vec<String>> {
    let mut exports = BTreeMap::new();
    let Some((_, root)) = files.iter().find(|(m, _)| m.is_empty()) else {
        return exports;
    };
    let code = code_of(root);
    for statement in code.split(';') {
        let Some(at) = statement.find("pub use ") else {
            continue;
        };
        let written = statement[at + "pub use ".len()..].trim();
        for path in paths(&format!("crate::{written}"), &[]) {
            let target = resolve(&[], &path, modules);
            if let (Some(name), Some(target)) = (path.last(), target) {
                exports.insert(name.clone(), target);
            }
        }
    }
    exports
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(Vec<String>, String)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out)?;
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(&path).with_extension("");
        let mut module: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if matches!(
            module.last().map(String::as_str),
            Some("mod" | "lib" | "main")
        ) {
            module.pop();
        }
        out.push((module, std::fs::read_to_string(&path)?));
    }
    Ok(())
}

/// The text without comments and without the unit-test module.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path starting with `crate`, `super` or `self` in the code, with
/// `use` groups expanded one level (`crate::{a, b::c}` → `crate::a`,
/// `crate::b::c`).
fn paths(code: &str, children: &[String]) -> Vec<Vec<String>> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !code.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let boundary = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'_'
                || bytes[i - 1] == b':');
        let starts = ["crate::", "super::", "self::"]
            .iter()
            .any(|p| code[i..].starts_with(*p));
        let child = boundary
            && children.iter().any(|c| {
                code[i..].starts_with(c.as_str()) && code[i + c.len()..].starts_with("::")
            });
        if boundary && child && !starts {
            let (mut path, end) = read_path(code, i);
            path.insert(0, "self".to_owned());
            found.push(path);
            i = end;
            continue;
        }
        let (true, true) = (starts, boundary) else {
            i += 1;
            continue;
        };
        let (path, end) = read_path(code, i);
        i = end;
        if code[end..].starts_with("::{") || code[end..].starts_with('{') {
            let open = code[end..].find('{').map_or(end, |o| end + o);
            let close = code[open..].find('}').map_or(code.len(), |c| open + c);
            for member in code[open + 1..close].split(',') {
                let member = member.trim();
                if member.is_empty() {
                    continue;
                }
                let mut full = path.clone();
                full.extend(
                    member
                        .split("::")
                        .map(|s| s.trim().trim_matches('{').to_owned())
                        .filter(|s| !s.is_empty()),
                );
                found.push(full);
            }
            i = close;
        } else {
            found.push(path);
        }
    }
    found
}

/// The `::`-separated identifiers from `at`, and where they end.
fn read_path(code: &str, at: usize) -> (Vec<String>, usize) {
    let mut segs = Vec::new();
    let mut i = at;
    loop {
        let len = code[i..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(code.len() - i);
        if len == 0 {
            break;
        }
        segs.push(code[i..i + len].to_owned());
        i += len;
        if code[i..].starts_with("::")
            && code[i + 2..].starts_with(|c: char| c.is_alphabetic() || c == '_')
        {
            i += 2;
        } else {
            break;
        }
    }
    (segs, i)
}

/// The module a path written in `module` names (its longest module
/// prefix), if any.
fn resolve(
    module: &[String],
    path: &[String],
    modules: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let mut base: Vec<String> = Vec::new();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => rest = &rest[1..],
        Some("super") | Some("self") => {
            base = module.to_vec();
            while let Some(first) = rest.first() {
                match first.as_str() {
                    "super" => {
                        base.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    let mut best = None;
    let mut candidate = base.clone();
    if modules.contains(&candidate) {
        best = Some(candidate.clone());
    }
    for seg in rest {
        candidate.push(seg.clone());
        if modules.contains(&candidate) {
            best = Some(candidate.clone());
        } else {
            break;
        }
    }
    best
}

/// The graph's cycles: each strongly connected set of two or more
/// modules, as `a::b` names.
pub fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct Tarjan<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g Vec<String>, usize>,
        low: BTreeMap<&'g Vec<String>, usize>,
        stack: Vec<&'g Vec<String>>,
        on_stack: BTreeSet<&'g Vec<String>>,
        found: Vec<Vec<String>>,
    }
    impl<'g> Tarjan<'g> {
        fn visit(&mut self, v: &'g Vec<String>) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            self.on_stack.insert(v);
            let graph = self.graph;
            for w in graph.get(v).into_iter().flatten() {
                let Some((w, _)) = graph.get_key_value(w) else {
                    continue;
                };
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low[v];
                    self.low.insert(v, lv.min(lw));
                } else if self.on_stack.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low[v];
                    self.low.insert(v, lv.min(iw));
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.join("::"));
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut t = Tarjan {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v) {
            t.visit(v);
        }
    }
    t.found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_src(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("crates")
            .join(name)
            .join("src")
    }

    #[test]
    fn these_crates_have_no_import_cycle_between_their_modules() {
        for name in ["alooma-emulator", "alooma-pipeline", "alooma-exporter"] {
            let graph = graph(&crate_src(name)).expect("sources read");
            assert!(graph.len() > 1, "{name}: {} modules read", graph.len());
            assert_eq!(cycles(&graph), Vec::<Vec<String>>::new(), "{name}");
        }
    }

    #[test]
    fn the_emulator_domain_never_imports_its_http_front() {
        let graph = graph(&crate_src("alooma-emulator")).expect("sources read");
        let domain: Vec<_> = graph
            .keys()
            .filter(|m| m.first().map(String::as_str) == Some("domain"))
            .collect();
        assert!(domain.len() >= 8, "{domain:?}");
        for module in domain {
            for dep in &graph[module] {
                assert_ne!(
                    dep.first().map(String::as_str),
                    Some("http"),
                    "{module:?} imports {dep:?}"
                );
            }
        }
    }

    #[test]
    fn a_cycle_is_found_through_groups_super_and_re_exports() {
        let dir = std::env::temp_dir().join(format!("xtask-layout-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("a")).expect("dir");
        std::fs::write(dir.join("lib.rs"), "mod a; mod b;\n").expect("write");
        std::fs::write(dir.join("a/mod.rs"), "mod c;\npub use c::Thing;\n").expect("write");
        std::fs::write(
            dir.join("a/c.rs"),
            "use crate::{b::{self}, x};\n// crate::a\n",
        )
        .expect("write");
        std::fs::write(
            dir.join("b.rs"),
            "fn f() { super::a::Thing::new(); }\n#[cfg(test)]\nmod tests { use crate::a::c; }\n",
        )
        .expect("write");
        let graph = graph(&dir).expect("read");
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            cycles(&graph),
            vec![vec!["a".to_owned(), "a::c".to_owned(), "b".to_owned()]]
        );
    }
}
