//! Benchmark 6: peak memory of `alooma mapping edit` on a big mapping file,
//! against the file's size (issue 19: at most 3x the file).
//!
//! The release binary (`target/release/alooma`, which `cargo xtask bench`
//! builds first; `ALOOMA_BIN` names another) runs under `/usr/bin/time -v`
//! and the bench reads its "Maximum resident set size":
//! 1. a compact mapping (as the server answers it) edited to stdout, which
//!    prints it pretty, as `mapping get` does;
//! 2. that pretty file edited `--in-place`.
//!
//! `EDIT_MEMORY_MB` sets the compact file's size (default 200).
#![allow(missing_docs, clippy::print_stdout, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The bound the issue sets: peak RSS at most this many times the file.
const TARGET: f64 = 3.0;

fn alooma_bin() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("ALOOMA_BIN") {
        return Some(bin.into());
    }
    // target/release/deps/edit_memory-… -> target/release/alooma
    let exe = std::env::current_exe().ok()?;
    let bin = exe.parent()?.parent()?.join("alooma");
    bin.exists().then_some(bin)
}

/// Runs `alooma mapping edit` with `args` under `/usr/bin/time -v`, with
/// stdout to `stdout`; returns the peak RSS in bytes and the wall time.
fn peak_rss(bin: &Path, args: &[&str], stdout: Stdio) -> (u64, f64) {
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(bin)
        .args(["mapping", "edit"])
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("run /usr/bin/time -v alooma mapping edit");
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "alooma mapping edit {args:?} failed ({}):\n{report}",
        out.status
    );
    let field = |name: &str| {
        report
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no {name:?} in /usr/bin/time's report:\n{report}"))
            .to_owned()
    };
    let kb: u64 = field("Maximum resident set size (kbytes):")
        .parse()
        .expect("a number of kB");
    let wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss):");
    let seconds = wall
        .split(':')
        .try_fold(0.0, |acc, part| part.parse::<f64>().map(|v| acc * 60.0 + v))
        .expect("a wall clock time");
    (kb * 1024, seconds)
}

fn main() {
    let mb: usize = std::env::var("EDIT_MEMORY_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    println!(
        "\n== mapping editor peak memory ({}) ==",
        alooma_benches::machine()
    );
    if !Path::new("/usr/bin/time").exists() {
        println!("skipped: /usr/bin/time is not installed (apt-get install time)");
        return;
    }
    let Some(bin) = alooma_bin() else {
        println!(
            "RESULT edit memory: the alooma binary is missing: run `cargo build --release -p alooma-cli` (cargo xtask bench does) or set ALOOMA_BIN"
        );
        std::process::exit(1);
    };
    let dir = std::env::temp_dir().join(format!("alooma-edit-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the bench's directory");
    let compact = dir.join("compact.json");
    let pretty = dir.join("pretty.json");
    // About 207 bytes a leaf, 100 leaves an object field.
    let objects = (mb * 1_000_000 / 207 / 100).max(1);
    std::fs::write(&compact, alooma_benches::payload::mapping(objects, 100))
        .expect("write the mapping");
    let size = |p: &Path| std::fs::metadata(p).expect("the file's size").len();
    // Edits at both ends and in the middle, of every kind the editor has;
    // each run touches other leaves (an unmapped field cannot be unmapped
    // twice).
    let edits = |run: usize| -> Vec<String> {
        let middle = format!("obj_{:04}", objects / 2);
        let last = format!("obj_{:04}", objects - 1);
        vec![
            "--map".into(),
            format!("obj_0000.f_{:02}:renamed_col_{run}:VARCHAR(1024)", run),
            "--set".into(),
            format!("{middle}.f_{:02}:length=512", 10 + run),
            "--discard".into(),
            format!("{last}.f_{:02}", 20 + run),
            "--unmap".into(),
            format!("{middle}.f_{:02}", 30 + run),
            "--table".into(),
            format!("analytics.big_events_{run}"),
        ]
    };

    let mut results = Vec::new();
    {
        let out = std::fs::File::create(&pretty).expect("create the output file");
        let edits = edits(0);
        let mut args: Vec<&str> = edits.iter().map(String::as_str).collect();
        let path = compact.to_string_lossy().into_owned();
        args.push(&path);
        let (rss, secs) = peak_rss(&bin, &args, out.into());
        results.push(("compact to stdout", size(&compact), rss, secs));
    }
    {
        let edits = edits(1);
        let mut args: Vec<&str> = edits.iter().map(String::as_str).collect();
        let path = pretty.to_string_lossy().into_owned();
        args.push("--in-place");
        args.push(&path);
        let before = size(&pretty);
        let (rss, secs) = peak_rss(&bin, &args, Stdio::null());
        results.push(("pretty --in-place", before, rss, secs));
    }
    let _ = std::fs::remove_dir_all(&dir);

    let load =
        alooma_benches::timing::load().map_or_else(|| "unknown".to_owned(), |l| format!("{l:.2}"));
    for (what, file, rss, secs) in results {
        let ratio = rss as f64 / file as f64;
        println!(
            "RESULT edit memory {what}: file {:.0} MB, peak RSS {:.0} MB = {ratio:.2} x the file, {secs:.1} s (target <= {TARGET}: {}; load {load})",
            file as f64 / 1e6,
            rss as f64 / 1e6,
            if ratio <= TARGET { "ok" } else { "MISSED" },
        );
    }
}
