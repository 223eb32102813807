//! [`Pipeline::write`] and [`Pipeline::load`]: the directory of files.

use crate::kinds::{self, Layout};
use crate::{canonical, Document, Kind, Pipeline, PipelineError, ResourceId};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The version of the directory's format, in `pipeline.json`.
pub const FORMAT_VERSION: u64 = 1;

const MARKER: &str = "pipeline.json";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PipelineError + '_ {
    move |source| PipelineError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The file of a resource, relative to the directory.
fn file_of(id: &ResourceId) -> PathBuf {
    let rules = kinds::of(id.kind);
    match rules.layout() {
        Layout::Single(file) | Layout::Listed(file) => PathBuf::from(file),
        Layout::PerFile(dir, ext) => {
            PathBuf::from(dir).join(format!("{}{ext}", rules.file_name(&id.name)))
        }
    }
}

/// Writes `text` to `path` through a temporary file beside it, unless the
/// file already holds exactly that.
fn write_file(path: &Path, text: &str) -> Result<(), PipelineError> {
    if fs::read(path).ok().as_deref() == Some(text.as_bytes()) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let tmp = path.with_extension("tmp~");
    fs::write(&tmp, text).map_err(io(&tmp))?;
    fs::rename(&tmp, path).map_err(io(path))
}

fn read_text(path: &Path) -> Result<String, PipelineError> {
    fs::read_to_string(path).map_err(io(path))
}

fn read_json(path: &Path) -> Result<Value, PipelineError> {
    serde_json::from_str(&read_text(path)?).map_err(|source| PipelineError::Json {
        path: path.to_owned(),
        source,
    })
}

/// The files under `dir` (recursively), relative to it; dot files skipped.
fn files_under(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), PipelineError> {
    let full = root.join(dir);
    if !full.is_dir() {
        return Ok(());
    }
    for entry in fs::read_dir(&full).map_err(io(&full))? {
        let entry = entry.map_err(io(&full))?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let rel = dir.join(&name);
        if entry.file_type().map_err(io(&full))?.is_dir() {
            files_under(root, &rel, out)?;
        } else {
            out.push(rel);
        }
    }
    Ok(())
}

impl Pipeline {
    /// Writes the pipeline into `dir` (created when missing): one canonical
    /// file per resource, plus `pipeline.json`. Files of resources that are
    /// gone are removed; every other file (a README, `.git`) is left alone.
    /// Writing the same pipeline twice gives byte-identical trees, and a
    /// file that already holds its text is not touched.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let emulator = alooma_emulator::Emulator::start().await.unwrap();
    /// # let client = alooma::Client::builder().base_url(emulator.base_url())
    /// #     .account(emulator.account()).api_key(emulator.api_key().unwrap()).build().unwrap();
    /// use alooma_pipeline::Pipeline;
    /// let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    /// Pipeline::fetch(&client).await.unwrap().write(a.path()).unwrap();
    /// Pipeline::fetch(&client).await.unwrap().write(b.path()).unwrap();
    /// let text = |d: &std::path::Path| std::fs::read(d.join("inputs/orders_db.json")).unwrap();
    /// assert_eq!(text(a.path()), text(b.path()));
    /// assert!(String::from_utf8(text(a.path())).unwrap().contains(r#""$secret": "INPUT_ORDERS_DB_PASSWORD""#));
    /// # });
    /// ```
    pub fn write(&self, dir: &Path) -> Result<(), PipelineError> {
        fs::create_dir_all(dir).map_err(io(dir))?;
        let mut wanted: BTreeSet<PathBuf> = BTreeSet::new();
        write_file(
            &dir.join(MARKER),
            &canonical::to_text(&serde_json::json!({ "format_version": FORMAT_VERSION })),
        )?;
        let mut secret_names = Vec::new();
        for (id, doc) in &self.resources {
            if let Layout::Listed(_) = id.kind.layout() {
                secret_names.push(Value::String(id.name.clone()));
                continue;
            }
            let rel = file_of(id);
            let text = match doc {
                Document::Text(t) => t.clone(),
                Document::Json(v) => canonical::to_text(v),
            };
            write_file(&dir.join(&rel), &text)?;
            wanted.insert(rel);
        }
        let secrets_file = file_of(&ResourceId::new(Kind::Secret, ""));
        write_file(
            &dir.join(&secrets_file),
            &canonical::to_text(&kinds::canonical(Kind::Secret, Value::Array(secret_names))),
        )?;
        wanted.insert(secrets_file);
        // Remove what an earlier export wrote and this one does not.
        for kind in Kind::ALL {
            let candidates: Vec<PathBuf> = match kind.layout() {
                Layout::PerFile(folder, ext) => {
                    let mut found = Vec::new();
                    files_under(dir, Path::new(folder), &mut found)?;
                    found
                        .into_iter()
                        .filter(|f| f.to_string_lossy().ends_with(ext))
                        .collect()
                }
                Layout::Single(file) => vec![PathBuf::from(file)],
                Layout::Listed(_) => Vec::new(),
            };
            for rel in candidates {
                let full = dir.join(&rel);
                if !wanted.contains(&rel) && full.is_file() {
                    fs::remove_file(&full).map_err(io(&full))?;
                }
            }
        }
        Ok(())
    }

    /// Reads a pipeline directory written by [`write`](Self::write) (and
    /// edited since). Files are taken in any formatting and order; a file
    /// that is not valid JSON, or that does not belong, is an error naming
    /// it.
    ///
    /// ```
    /// use alooma_pipeline::{Kind, Pipeline, ResourceId};
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("pipeline.json"), r#"{"format_version": 1}"#).unwrap();
    /// std::fs::create_dir(dir.path().join("inputs")).unwrap();
    /// std::fs::write(dir.path().join("inputs/web%2Fevents.json"),
    ///     r#"{"type": "RESTAPI", "name": "web/events"}"#).unwrap();
    /// let p = Pipeline::load(dir.path()).unwrap();
    /// assert!(p.get(&ResourceId::new(Kind::Input, "web/events")).is_some());
    /// // Not a pipeline directory: refused (a --prune there would delete everything).
    /// assert!(Pipeline::load(&dir.path().join("inputs")).is_err());
    /// ```
    pub fn load(dir: &Path) -> Result<Pipeline, PipelineError> {
        let marker = dir.join(MARKER);
        if !marker.is_file() {
            return Err(PipelineError::NotAPipeline {
                dir: dir.to_owned(),
            });
        }
        let version = read_json(&marker)?
            .get("format_version")
            .and_then(Value::as_u64)
            .ok_or_else(|| PipelineError::Layout {
                path: marker.clone(),
                message: "no numeric `format_version`".into(),
            })?;
        if version > FORMAT_VERSION {
            return Err(PipelineError::FormatVersion {
                path: marker,
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let mut p = Pipeline::new();
        for kind in Kind::ALL {
            match kind.layout() {
                Layout::Single(file) => {
                    let path = dir.join(file);
                    if path.is_file() {
                        p.insert(ResourceId::singleton(kind), read_doc(kind, &path)?);
                    }
                }
                Layout::Listed(file) => {
                    let path = dir.join(file);
                    if !path.is_file() {
                        continue;
                    }
                    let list = read_json(&path)?;
                    let Value::Array(items) = list else {
                        return Err(PipelineError::Layout {
                            path,
                            message: "expected a JSON list of names".into(),
                        });
                    };
                    for item in items {
                        let Value::String(name) = item else {
                            return Err(PipelineError::Layout {
                                path,
                                message: format!("expected a name, found {item}"),
                            });
                        };
                        p.insert(ResourceId::new(kind, name), Document::Json(Value::Null));
                    }
                }
                Layout::PerFile(folder, ext) => {
                    let mut found = Vec::new();
                    files_under(dir, Path::new(folder), &mut found)?;
                    for rel in found {
                        let path = dir.join(&rel);
                        let single = Kind::ALL.iter().any(
                            |k| matches!(k.layout(), Layout::Single(f) if Path::new(f) == rel),
                        );
                        if single {
                            continue;
                        }
                        let text = rel.to_string_lossy().replace('\\', "/");
                        let Some(stem) = text
                            .strip_prefix(&format!("{folder}/"))
                            .and_then(|s| s.strip_suffix(ext))
                        else {
                            return Err(PipelineError::Layout {
                                path,
                                message: format!(
                                    "not a {kind} file (expected {folder}/<name>{ext})"
                                ),
                            });
                        };
                        let name = kinds::of(kind).name_of_file(stem);
                        let Some(name) = name else {
                            return Err(PipelineError::Layout {
                                path,
                                message: "the file name is not an encoded resource name (see `encode_name`)".into(),
                            });
                        };
                        let doc = read_doc(kind, &path)?;
                        if let (Some(v), true) =
                            (doc.as_json(), kinds::of(kind).named_in_document())
                        {
                            if v.get("name").and_then(Value::as_str) != Some(name.as_str()) {
                                return Err(PipelineError::Layout {
                                    path,
                                    message: format!(
                                        "its \"name\" must be {name:?}, as the file name says"
                                    ),
                                });
                            }
                        }
                        p.insert(ResourceId::new(kind, name), doc);
                    }
                }
            }
        }
        Ok(p)
    }
}

fn read_doc(kind: Kind, path: &Path) -> Result<Document, PipelineError> {
    if kind.is_text() {
        Ok(Document::Text(read_text(path)?))
    } else {
        Ok(Document::Json(read_json(path)?))
    }
}
