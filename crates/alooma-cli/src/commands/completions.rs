//! `alooma completions SHELL`: shell completion scripts.

use crate::cli::Cli;
use crate::exit::CliError;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

/// Arguments of `alooma completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Writes the completion script to standard output.
pub fn run(args: &CompletionsArgs) -> Result<(), CliError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "alooma", &mut script);
    let text = String::from_utf8(script)
        .map_err(|e| CliError::failed(format!("the completion script is not UTF-8: {e}")))?;
    crate::output::write_line(text.trim_end_matches('\n'))
}
