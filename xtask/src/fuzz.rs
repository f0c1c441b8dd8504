//! `cargo xtask fuzz TARGET [--seconds N]`: finds the crate that owns TARGET (each crate
//! keeps its targets in `<crate>/fuzz/fuzz_targets/`) and runs it with cargo-fuzz on the
//! stable toolchain (`RUSTC_BOOTSTRAP=1`), starting from the committed corpus.

use crate::{run, workspace_root};

pub(crate) fn run_target(target: &str, seconds: u64) -> Result<(), String> {
    let root = workspace_root();
    let owner = std::fs::read_dir(&root)
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|dir| {
            dir.join("fuzz/fuzz_targets")
                .join(format!("{target}.rs"))
                .exists()
        })
        .ok_or_else(|| format!("no crate has fuzz/fuzz_targets/{target}.rs"))?;
    let fuzz_dir = owner.join("fuzz");
    let corpus = fuzz_dir.join("corpus").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
    let max_time = format!("-max_total_time={seconds}");
    let fuzz_dir = fuzz_dir.to_string_lossy().into_owned();
    let corpus = corpus.to_string_lossy().into_owned();
    run(
        "cargo",
        &[
            "fuzz",
            "run",
            "--fuzz-dir",
            &fuzz_dir,
            target,
            &corpus,
            "--",
            &max_time,
            "-print_final_stats=1",
        ],
        &[("RUSTC_BOOTSTRAP", "1")],
    )
}

pub(crate) fn run_cli(args: &[String]) -> Result<(), String> {
    let target = args
        .first()
        .ok_or("usage: cargo xtask fuzz TARGET [--seconds N]")?;
    let mut seconds = 60;
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = rest
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--seconds needs a number")?;
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    run_target(target, seconds)
}
