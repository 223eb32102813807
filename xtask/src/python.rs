//! A temporary Python virtualenv with packages from PyPI, for the tasks
//! that drive Python tools (the reference client, validators).

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A virtualenv in a temporary directory, removed when dropped.
pub struct Venv {
    dir: PathBuf,
}

impl Venv {
    /// Creates the virtualenv (`name` tells the directory apart) and
    /// installs `packages` (`alooma==0.4.16` …) into it.
    pub fn with(name: &str, packages: &[&str]) -> Result<Self> {
        let python = ["python3", "python"]
            .into_iter()
            .find(|p| {
                Command::new(p)
                    .args(["-m", "pip", "--version"])
                    .output()
                    .map(|o| o.status.success())
                    .unwrap_or(false)
            })
            .context("this task needs python3 with pip")?;
        let dir = std::env::temp_dir().join(format!("alooma-{name}-{}", std::process::id()));
        let venv = Venv { dir };
        let mut create = Command::new(python);
        create.args(["-m", "venv"]).arg(&venv.dir);
        crate::run("python3 -m venv", create)?;
        let mut pip = Command::new(venv.bin("pip"));
        pip.args(["install", "--quiet"]).args(packages);
        crate::run(&format!("pip install {}", packages.join(" ")), pip)?;
        Ok(venv)
    }

    /// A program of the virtualenv (`python`, `pip` …).
    pub fn bin(&self, program: &str) -> PathBuf {
        self.dir.join("bin").join(program)
    }

    /// The virtualenv's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Venv {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
