//! `cargo xtask pybench`: the Python side of the benchmarks (issue 16 "Speed").
//!
//! Runs one script, `xtask/pybench/h2_bench.py`, twice: once in a venv with hyper-h2
//! from the package index (`target/pybench/hyper-h2-venv`), once in pycompat's venv
//! (`target/pycompat/venv`) with our wheel (h2-py) freshly built and installed. The
//! script drives both ends of in-memory connections through hyper-h2's API, checks every
//! response and prints its median rates as one JSON line; this prints them side by side
//! with the ratio ours / hyper-h2 (the issue's bar: W1 at least 20x).
//!
//! * W1: GETs with browser-like headers, 100 in flight, 13-byte responses;
//! * W3: W1 plus 20 custom ~40-byte headers per request;
//! * W2: one 64 MiB body on one stream in 16 KiB DATA frames, 16 MiB windows.
//!
//! Arguments are passed to the script: `--requests N` (W1/W3, default 20000),
//! `--bulk-mib N` (W2, default 64), `--runs N` (default 3).

use crate::pycompat::{ensure_venv, install_our_wheel, path, pip};
use crate::workspace_root;
use std::path::Path;
use std::process::Command;

/// The hyper-h2 release we compare with (the one h2-py is a drop-in for).
const HYPER_H2_VERSION: &str = "4.4.1";

/// The workloads: JSON key, unit.
const WORKLOADS: [(&str, &str); 3] = [("W1", "req/s"), ("W3", "req/s"), ("W2", "MB/s")];

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let root = workspace_root();
    let work = root.join("target").join("pybench");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {work:?}: {e}"))?;

    let hyper = ensure_venv(&work.join("hyper-h2-venv"))?;
    pip(&hyper, &["install", &format!("h2=={HYPER_H2_VERSION}")])?;
    let ours = ensure_venv(&root.join("target").join("pycompat").join("venv"))?;
    install_our_wheel(&ours, &root.join("target").join("pycompat").join("wheels"))?;

    let script = root.join("xtask").join("pybench").join("h2_bench.py");
    let theirs = bench(&hyper, &script, args, "hyper-h2")?;
    let ours = bench(&ours, &script, args, "h2-sans-io")?;

    println!();
    println!(
        "{:<9} {:<6} {:>16} {:>16} {:>14}",
        "workload", "unit", "hyper-h2 4.4.1", "ours (h2-py)", "ours/hyper-h2"
    );
    for (key, unit) in WORKLOADS {
        let (a, b) = (number(&theirs, key)?, number(&ours, key)?);
        println!(
            "{key:<9} {unit:<6} {:>16} {:>16} {:>13.1}x",
            format_rate(a),
            format_rate(b),
            b / a
        );
    }
    Ok(())
}

/// Runs the script with `python`, checks it imported the expected `h2` and returns its
/// JSON result line.
fn bench(python: &Path, script: &Path, args: &[String], expect: &str) -> Result<String, String> {
    eprintln!("+ {} {} {}", path(python), path(script), args.join(" "));
    let out = Command::new(python)
        .arg(script)
        .args(args)
        .current_dir(script.parent().expect("the script is in a directory"))
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run python: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "the benchmark failed with {expect}: {}",
            out.status
        ));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or("").to_owned();
    if !line.contains(&format!("\"impl\": \"{expect}")) {
        return Err(format!("expected a run with {expect}, got {line:?}"));
    }
    Ok(line)
}

/// The number after `"key": ` in the script's one-line JSON result.
fn number(json: &str, key: &str) -> Result<f64, String> {
    let tag = format!("\"{key}\": ");
    let start = json.find(&tag).ok_or(format!("no {key} in {json:?}"))? + tag.len();
    let rest = &json[start..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    rest[..end]
        .trim()
        .parse()
        .map_err(|e| format!("bad {key} in {json:?}: {e}"))
}

/// A rate with thousands separators and one decimal below 1,000.
fn format_rate(x: f64) -> String {
    if x < 1000.0 {
        return format!("{x:.1}");
    }
    let digits = format!("{:.0}", x);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{format_rate, number};

    #[test]
    fn reads_the_scripts_result_line() {
        let line = r#"{"impl": "hyper-h2 4.4.1", "W1": 3365.4, "W3": 2178.9, "W2": 287.2}"#;
        assert_eq!(number(line, "W1"), Ok(3365.4));
        assert_eq!(number(line, "W2"), Ok(287.2));
        assert!(number(line, "W4").is_err());
        assert_eq!(format_rate(1_234_567.4), "1,234,567");
        assert_eq!(format_rate(63.06), "63.1");
    }
}
