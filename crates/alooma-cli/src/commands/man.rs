//! `alooma man DIR` (hidden; `cargo xtask man` runs it): a man page per
//! command, generated from the command line's own definition with
//! clap_mangen.

use crate::exit::CliError;
use clap::{Args, CommandFactory};
use std::path::{Path, PathBuf};

/// Arguments of `alooma man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Where to write the pages (`alooma.1`, `alooma-mapping-edit.1` …).
    pub dir: PathBuf,
}

fn write(cmd: &clap::Command, name: &str, dir: &Path, count: &mut usize) -> Result<(), CliError> {
    let cmd = cmd
        .clone()
        .name(name.to_owned())
        .bin_name(name.replace('-', " "));
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut page)
        .map_err(|e| CliError::failed(format!("could not render the man page of {name}: {e}")))?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, page)
        .map_err(|e| CliError::failed(format!("could not write {}: {e}", path.display())))?;
    *count += 1;
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        write(sub, &format!("{name}-{}", sub.get_name()), dir, count)?;
    }
    Ok(())
}

/// Writes every page into `args.dir`.
pub fn run(args: &ManArgs) -> Result<(), CliError> {
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| CliError::failed(format!("could not create {}: {e}", args.dir.display())))?;
    let mut cmd = crate::cli::Cli::command();
    cmd.build();
    let mut count = 0;
    write(&cmd, "alooma", &args.dir, &mut count)?;
    crate::output::write_line(&format!(
        "wrote {count} man pages to {}",
        args.dir.display()
    ))
}
