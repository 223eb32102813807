//! `alooma secrets …`: secret names, and setting values that are never
//! printed nor taken from flags.

use crate::context::{read_secret, Ctx};
use crate::exit::CliError;
use clap::Subcommand;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Secret commands.
#[derive(Debug, Subcommand)]
pub enum SecretsCmd {
    /// The names of every secret (values are never shown).
    List,
    /// Set secrets: each NAME's value is read from standard input (one line
    /// per name) or typed at a prompt that does not echo; or all of them from
    /// --file.
    Set {
        /// The secrets' names.
        #[arg(required_unless_present = "file")]
        names: Vec<String>,
        /// A JSON object file of name → value.
        #[arg(long, conflicts_with = "names")]
        file: Option<PathBuf>,
    },
    /// Delete a secret.
    Delete {
        /// The secret's name.
        name: String,
    },
}

/// Runs a secrets command.
pub async fn run(cmd: SecretsCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        SecretsCmd::List => {
            let names = ctx.client()?.get_secrets().await?;
            ctx.out.value(&names)
        }
        SecretsCmd::Set { names, file } => {
            let secrets: BTreeMap<String, String> = match file {
                Some(path) => super::read_json(&path)?,
                None => {
                    let mut map = BTreeMap::new();
                    for name in names {
                        let value = read_secret(&format!("value of {name}: "))?;
                        map.insert(name, value);
                    }
                    map
                }
            };
            let names: Vec<String> = secrets.keys().cloned().collect();
            let client = ctx.client()?;
            client.set_secrets(secrets).await?;
            ctx.out.done(&format!(
                "set {} secret(s): {}",
                names.len(),
                names.join(", ")
            ))
        }
        SecretsCmd::Delete { name } => {
            let client = ctx.client()?;
            ctx.confirm(&format!("delete the secret {name}"))?;
            client.delete_secret(&name).await?;
            ctx.out.done(&format!("deleted secret {name}"))
        }
    }
}
