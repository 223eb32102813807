//! `alooma inputs …`: list, create, edit, pause, resume and remove inputs.

use crate::context::{read_secret, Ctx};
use crate::exit::CliError;
use alooma::core::inputs::{CreateInput, InputFilter};
use alooma::types::{Delimited, InputSpec, LoadFiles, MixpanelInput, S3FileFormat, S3Input};
use clap::{Args, Subcommand};
use serde_json::{json, Value};
use std::path::PathBuf;

/// Input commands.
#[derive(Debug, Subcommand)]
pub enum InputsCmd {
    /// Inputs, optionally filtered.
    List {
        /// Only names matching this regular expression at their start.
        #[arg(long)]
        name: Option<String>,
        /// Only inputs of this type (S3, MIXPANEL …).
        #[arg(long = "type", value_name = "TYPE")]
        input_type: Option<String>,
        /// Only the input with this id.
        #[arg(long)]
        id: Option<String>,
    },
    /// One input's details, by id or by --name.
    Get {
        /// The input's id.
        #[arg(required_unless_present = "name")]
        id: Option<String>,
        /// Find the input by its exact name instead.
        #[arg(long, conflicts_with = "id")]
        name: Option<String>,
    },
    /// Create an input and wait until it appears in the structure.
    Create(CreateArgs),
    /// Change an input from a JSON spec that includes its id.
    Edit {
        /// The spec (`{"id", "name", "type", "configuration"}`; `-` for standard input).
        file: PathBuf,
    },
    /// Pause an input.
    Pause {
        /// The input's id.
        id: String,
    },
    /// Resume a paused input.
    Resume {
        /// The input's id.
        id: String,
    },
    /// Remove one input.
    Remove {
        /// The input's id.
        id: String,
    },
    /// Remove EVERY input (asks first unless --yes).
    RemoveAll,
    /// Show an input's sleep time, or set it.
    SleepTime {
        /// The input's id.
        id: String,
        /// The new sleep time in seconds (`45` is sent as an integer, `45.5`
        /// as a number with a fraction).
        seconds: Option<String>,
    },
}

/// Arguments of `alooma inputs create`: a JSON spec, or `s3` / `mixpanel`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CreateArgs {
    /// The spec (`{"name", "type", "configuration"}`; `-` for standard input).
    #[arg(required = true)]
    pub file: Option<PathBuf>,
    /// Do not turn on automatic mapping (one-click) for the new input.
    #[arg(long)]
    pub no_one_click: bool,
    /// Ask the server not to validate the configuration.
    #[arg(long)]
    pub no_validate: bool,
    /// A typed input.
    #[command(subcommand)]
    pub kind: Option<CreateKind>,
}

/// Typed inputs. Secrets are read from standard input (one per line) or
/// typed at a prompt that does not echo, never from flags.
#[derive(Debug, Subcommand)]
pub enum CreateKind {
    /// An S3 input (the secret access key is read from standard input or a prompt).
    S3 {
        /// The input's name.
        name: String,
        /// The bucket.
        #[arg(long)]
        bucket: String,
        /// The AWS access key id.
        #[arg(long, value_name = "ID")]
        access_key_id: String,
        /// Only keys under this prefix.
        #[arg(long, default_value = "")]
        prefix: String,
        /// Which files to load: all or new.
        #[arg(long, default_value = "all")]
        load_files: String,
        /// json, delimited or other.
        #[arg(long, default_value = "json")]
        file_format: String,
        /// The delimiter (delimited files).
        #[arg(long)]
        delimiter: Option<String>,
        /// The quote character (delimited files).
        #[arg(long)]
        quote_char: Option<String>,
        /// The escape character (delimited files).
        #[arg(long)]
        escape_char: Option<String>,
    },
    /// A Mixpanel input (the API key and secret are read from standard input or prompts).
    Mixpanel {
        /// The input's name.
        name: String,
        /// Load events from this date (YYYY-MM-DD).
        #[arg(long)]
        from_date: String,
    },
}

/// Runs an input command.
pub async fn run(cmd: InputsCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        InputsCmd::List {
            name,
            input_type,
            id,
        } => {
            let mut filter = InputFilter::new();
            if let Some(n) = name {
                filter = filter.name(n);
            }
            if let Some(t) = input_type {
                filter = filter.input_type(t);
            }
            if let Some(i) = id {
                filter = filter.input_id(i);
            }
            let inputs = ctx.client()?.get_inputs_with(&filter).await?;
            ctx.out.columns(&inputs, super::structure::NODE_COLUMNS)
        }
        InputsCmd::Get { id: Some(id), .. } => {
            let details = ctx.client()?.get_input_by_id(&id).await?;
            ctx.out.value(&details)
        }
        InputsCmd::Get { id: None, name } => {
            let name = name.unwrap_or_default();
            let details = ctx.client()?.get_input_by_name(&name).await?;
            ctx.out.value(&details)
        }
        InputsCmd::Create(args) => create(args, ctx).await,
        InputsCmd::Edit { file } => {
            let mut doc = spec_document(super::read_json(&file)?);
            let Some(id) = doc.get("id").and_then(Value::as_str).map(str::to_owned) else {
                return Err(CliError::usage(format!(
                    "{}: the spec needs the input's \"id\" (see `alooma inputs list`)",
                    file.display()
                )));
            };
            let client = ctx.client()?;
            super::restore_secrets(&mut doc, &file, || async {
                let job = client.get_input_by_id(&id).await?.job;
                serde_json::to_value(job).map_err(|e| CliError::failed(e.to_string()))
            })
            .await?;
            let spec: InputSpec = serde_json::from_value(doc).map_err(|e| {
                CliError::failed(format!(
                    "{} is not an input spec ({{\"id\", \"name\", \"type\", \"configuration\"}}): {e}",
                    file.display()
                ))
            })?;
            let answer = client.edit_input(&spec).await?;
            answer_or_done(ctx, answer, &format!("edited input {}", spec.name))
        }
        InputsCmd::Pause { id } => {
            let answer = ctx.client()?.pause_input_by_id(&id).await?;
            answer_or_done(ctx, answer, &format!("paused input {id}"))
        }
        InputsCmd::Resume { id } => {
            let answer = ctx.client()?.resume_input_by_id(&id).await?;
            answer_or_done(ctx, answer, &format!("resumed input {id}"))
        }
        InputsCmd::Remove { id } => {
            let client = ctx.client()?;
            ctx.confirm(&format!("remove the input {id}"))?;
            client.remove_input(&id).await?;
            ctx.out.done(&format!("removed input {id}"))
        }
        InputsCmd::RemoveAll => {
            let client = ctx.client()?;
            ctx.confirm("remove EVERY input")?;
            let spinner = ctx.out.spinner("removing every input");
            let report = client.remove_all_inputs().await;
            spinner.finish_and_clear();
            super::finish_bulk(ctx, "inputs", report?)
        }
        InputsCmd::SleepTime { id, seconds: None } => {
            let t = ctx.client()?.get_input_sleep_time(&id).await?;
            ctx.out.value(&json!({ "id": id, "inputSleepTime": t }))
        }
        InputsCmd::SleepTime {
            id,
            seconds: Some(t),
        } => {
            let t: alooma::core::inputs::SleepTime = t
                .parse()
                .ok()
                .filter(|t: &alooma::core::inputs::SleepTime| {
                    t.as_f64().is_finite() && t.as_f64() >= 0.0
                })
                .ok_or_else(|| {
                    CliError::usage("the sleep time is a number of seconds, 0 or more")
                })?;
            ctx.client()?.set_input_sleep_time(&id, t).await?;
            ctx.out
                .done(&format!("input {id} sleeps {t} s between runs"))
        }
    }
}

/// The spec in a document: the document itself, or, for what `alooma
/// inputs get` prints (`{"job": …, "tasks": …}`), its job without the
/// service's status keys (`created_at`, `validated`, `paused`).
fn spec_document(doc: Value) -> Value {
    match doc {
        Value::Object(mut map) if !map.contains_key("name") && map.contains_key("job") => {
            let mut job = map.remove("job").unwrap_or(Value::Null);
            if let Some(job) = job.as_object_mut() {
                for key in ["created_at", "validated", "paused"] {
                    job.remove(key);
                }
            }
            job
        }
        other => other,
    }
}

/// Prints the server's answer when it sent one, else a sentence.
fn answer_or_done(
    ctx: &Ctx,
    answer: Option<serde_json::Value>,
    message: &str,
) -> Result<(), CliError> {
    match answer {
        Some(v) if !v.is_null() => ctx.out.value(&v),
        _ => ctx.out.done(message),
    }
}

async fn create(args: CreateArgs, ctx: &Ctx) -> Result<(), CliError> {
    let client = ctx.client()?;
    let (label, id) = match (args.kind, args.file) {
        (
            Some(CreateKind::S3 {
                name,
                bucket,
                access_key_id,
                prefix,
                load_files,
                file_format,
                delimiter,
                quote_char,
                escape_char,
            }),
            _,
        ) => {
            let mut format: S3FileFormat = file_format
                .parse()
                .map_err(|e| CliError::usage(format!("--file-format: {e}")))?;
            if let S3FileFormat::Delimited(d) = &mut format {
                let mut delimited = Delimited::new();
                if let Some(c) = delimiter {
                    delimited = delimited.with_delimiter(c);
                }
                if let Some(c) = quote_char {
                    delimited = delimited.with_quote_char(c);
                }
                if let Some(c) = escape_char {
                    delimited = delimited.with_escape_char(c);
                }
                *d = delimited;
            }
            let secret = read_secret("AWS secret access key: ")?;
            let input = S3Input::new(name.clone(), access_key_id, secret, bucket)
                .with_prefix(prefix)
                .with_load_files(LoadFiles::from(load_files.as_str()))
                .with_file_format(format);
            let spinner = ctx.out.spinner(format!("creating S3 input {name}"));
            let id = client.create_s3_input(input).await;
            spinner.finish_and_clear();
            (name, id?)
        }
        (Some(CreateKind::Mixpanel { name, from_date }), _) => {
            let key = read_secret("Mixpanel API key: ")?;
            let secret = read_secret("Mixpanel API secret: ")?;
            let input = MixpanelInput::new(key, secret, from_date, name.clone());
            let spinner = ctx.out.spinner(format!("creating Mixpanel input {name}"));
            let id = client.create_mixpanel_input(input).await;
            spinner.finish_and_clear();
            (name, id?)
        }
        (None, Some(file)) => {
            let spec: InputSpec = super::read_json(&file)?;
            let spinner = ctx.out.spinner(format!("creating input {}", spec.name));
            let id = if args.no_one_click || args.no_validate {
                let op = CreateInput::new(&spec)
                    .one_click(!args.no_one_click)
                    .validate(!args.no_validate);
                client.create_input_with(op).await
            } else {
                client.create_input(&spec).await
            };
            spinner.finish_and_clear();
            (spec.name, id?)
        }
        (None, None) => {
            return Err(CliError::usage(
                "give a spec FILE, or `s3` / `mixpanel` (see `alooma inputs create --help`)",
            ))
        }
    };
    match ctx.out.format() {
        crate::output::Format::Json | crate::output::Format::Yaml => {
            ctx.out.value(&json!({ "id": id, "name": label }))
        }
        crate::output::Format::Table | crate::output::Format::Tsv => {
            ctx.out.done(&format!("created input {label}: {id}"))
        }
    }
}
