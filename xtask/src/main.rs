//! `cargo xtask <task>`: developer tasks for the workspace.
//!
//! * `ci`: everything CI checks (fmt, clippy, tests, docs, no_std build, bench compile).
//! * `fuzz TARGET [--seconds N]`: runs one cargo-fuzz target (stable toolchain with
//!   `RUSTC_BOOTSTRAP=1`).
//! * `interop`, `bench`, `attack`: see their modules.
//! * `pycompat`: hyper-h2's own test suite against our Python binding (h2-py).
//! * `pybench`: the Python benchmark, hyper-h2 against our binding (see its module).

use std::process::{Command, ExitCode};

mod attack;
mod bench;
mod fuzz;
mod interop;
mod pybench;
mod pycompat;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("fuzz") => fuzz::run_cli(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("interop") => interop::run(&args[1..]),
        Some("attack") => attack::run(&args[1..]),
        Some("pycompat") => pycompat::run(&args[1..]),
        Some("pybench") => pybench::run(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <ci | fuzz TARGET [--seconds N] | interop | bench | attack | pycompat | pybench>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a command from the workspace root, failing when it fails.
pub(crate) fn run(program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<(), String> {
    eprintln!("+ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{program} {} failed: {status}", args.join(" ")))
    }
}

pub(crate) fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn ci() -> Result<(), String> {
    run("cargo", &["fmt", "--all", "--check"], &[])?;
    // Every optional feature (h2-conn's `http` and `tracing`) is linted, tested and
    // documented; the default build is compiled by `cargo bench --no-run` below.
    let clippy = [
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--",
        "-D",
        "warnings",
    ];
    run("cargo", &clippy, &[])?;
    run("cargo", &["test", "--workspace", "--all-features"], &[])?;
    // h2-frame serves no_std users.
    run(
        "cargo",
        &["build", "-p", "h2-frame", "--no-default-features"],
        &[],
    )?;
    run(
        "cargo",
        &["doc", "--workspace", "--no-deps", "--all-features"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    // Criterion benches only compile in CI; they run on demand.
    run("cargo", &["bench", "--workspace", "--no-run"], &[])?;
    // Every library crate packages (metadata, READMEs, license files).
    let package = [
        "package",
        "--workspace",
        "--exclude",
        "xtask",
        "--exclude",
        "h2-py",
        "--allow-dirty",
        "--no-verify",
    ];
    run("cargo", &package, &[])?;
    Ok(())
}
