//! `cargo xtask interop [--allow-missing]`: the example server and client against real
//! HTTP/2 peers nobody here wrote.
//!
//! Builds the examples in release (honouring `CARGO_TARGET_DIR`), starts our `server` on
//! a free loopback port and drives it with curl (prior knowledge and Upgrade), nghttp,
//! h2load and a Python `h2` client (`xtask/interop/h2_client.py`); then drives a Python
//! `h2` server (`xtask/interop/h2_server.py`) and `nghttpd --no-tls` with our `client`,
//! and runs h2load against nghttpd for comparison. Every response is checked exactly.
//! Then the timers: our clients (std and tokio) against a TCP listener that accepts and
//! never writes must give up with an error within `--timeout`, and our servers (std and
//! tokio, `--preface-timeout 2 --idle 3`) must close connections that never complete
//! their preface or first request (slowloris) and connections left idle, in time.
//! Prints a peer x scenario table; fails on any FAIL, and on any SKIP (peer not
//! installed) unless `--allow-missing` is given.

use crate::workspace_root;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What `/` of the example server answers (examples/common/server.rs).
const HELLO: &str = "Hello from h2-sans-io!\n";
const TRAILERS_BODY: &str = "this body is followed by trailers\n";
const PUSH_PAGE: &str = "this response came with a pushed /pushed.txt\n";
const NGHTTPD_INDEX: &str = "hello from nghttpd (h2-sans-io interop)\n";
const PY_HELLO: &str = "hello from python h2\n";
/// Size of the uploads echoed back.
const UPLOAD_LEN: usize = 10 * 1024 * 1024;
/// Size of the uploads that go out while their echo comes back (both directions large at
/// once): an I/O loop that stops reading while it writes deadlocks on these.
const BIG_UPLOAD_LEN: usize = 32 * 1024 * 1024;
/// Size of an HTTP/1.1 Upgrade body the example server takes (its limit is 1 MiB).
const SMALL_UPLOAD_LEN: usize = 512 * 1024;
/// Time limit of the both-directions scenarios: a hang becomes a FAIL.
const BIG_LIMIT: Duration = Duration::from_secs(60);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Pass,
    Fail,
    Skip,
}

struct Row {
    peer: &'static str,
    scenario: String,
    outcome: Outcome,
    note: String,
}

#[derive(Default)]
struct Report {
    rows: Vec<Row>,
    /// h2load summary lines, ours and nghttpd's.
    load: Vec<String>,
}

impl Report {
    fn record(&mut self, peer: &'static str, scenario: &str, result: Result<String, String>) {
        let (outcome, note) = match result {
            Ok(note) => (Outcome::Pass, note),
            Err(why) => (Outcome::Fail, why),
        };
        let mark = if outcome == Outcome::Pass {
            "PASS"
        } else {
            "FAIL"
        };
        eprintln!("[{mark}] {peer} / {scenario}: {note}");
        self.rows.push(Row {
            peer,
            scenario: scenario.to_string(),
            outcome,
            note,
        });
    }

    fn skip(&mut self, peer: &'static str, scenarios: &[&str], why: &str) {
        for scenario in scenarios {
            eprintln!("[SKIP] {peer} / {scenario}: {why}");
            self.rows.push(Row {
                peer,
                scenario: scenario.to_string(),
                outcome: Outcome::Skip,
                note: why.to_string(),
            });
        }
    }

    fn table(&self) -> String {
        let peer_w = self
            .rows
            .iter()
            .map(|r| r.peer.len())
            .max()
            .unwrap_or(4)
            .max(4);
        let scen_w = self
            .rows
            .iter()
            .map(|r| r.scenario.len())
            .max()
            .unwrap_or(8)
            .max(8);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| {:peer_w$} | {:scen_w$} | result | note",
            "peer", "scenario"
        );
        let _ = writeln!(
            out,
            "|{}|{}|--------|------",
            "-".repeat(peer_w + 2),
            "-".repeat(scen_w + 2)
        );
        for r in &self.rows {
            let mark = match r.outcome {
                Outcome::Pass => "PASS",
                Outcome::Fail => "FAIL",
                Outcome::Skip => "SKIP",
            };
            let note: String = r
                .note
                .chars()
                .take(100)
                .collect::<String>()
                .replace('\n', " ");
            let _ = writeln!(
                out,
                "| {:peer_w$} | {:scen_w$} | {mark:6} | {note}",
                r.peer, r.scenario
            );
        }
        out
    }
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let allow_missing = args.iter().any(|a| a == "--allow-missing");
    if let Some(other) = args.iter().find(|a| *a != "--allow-missing") {
        return Err(format!(
            "unknown argument {other}; usage: cargo xtask interop [--allow-missing]"
        ));
    }
    crate::run(
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "h2-conn",
            "--example",
            "server",
            "--example",
            "client",
            "--example",
            "tokio_server",
            "--example",
            "tokio_client",
        ],
        &[],
    )?;
    let examples = target_dir().join("release").join("examples");
    let server_bin = examples.join("server");
    let client_bin = examples.join("client");
    let tokio_server_bin = examples.join("tokio_server");
    let tokio_client_bin = examples.join("tokio_client");
    let work = std::env::temp_dir().join(format!("h2-interop-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let upload = work.join("upload.bin");
    std::fs::write(&upload, pseudo_random(UPLOAD_LEN)).map_err(|e| e.to_string())?;
    let big_upload = work.join("big-upload.bin");
    std::fs::write(&big_upload, pseudo_random(BIG_UPLOAD_LEN)).map_err(|e| e.to_string())?;
    let small_upload = work.join("small-upload.bin");
    std::fs::write(&small_upload, pseudo_random(SMALL_UPLOAD_LEN)).map_err(|e| e.to_string())?;

    let mut report = Report::default();
    let ours = Tools {
        work: work.clone(),
        upload: upload.clone(),
        big_upload,
        small_upload,
        client: client_bin,
    };

    // ---- our server, driven by other peers
    let port = free_port()?;
    let server = Server::start(
        "our server",
        Command::new(&server_bin).args(["--addr", &format!("127.0.0.1:{port}")]),
        port,
        &work,
    )?;
    let base = format!("http://127.0.0.1:{port}");
    curl_scenarios(&mut report, &ours, &base);
    nghttp_scenarios(&mut report, &ours, &base);
    h2load(&mut report, "h2load", "our server", &base, &work);
    python_client(&mut report, &work, port);
    client_vs_ours(&mut report, &ours, &base);
    drop(server);

    // ---- the timers: silent servers, slowloris clients, idle connections
    for client in [&ours.client, &tokio_client_bin] {
        silent_server(&mut report, &ours, client)?;
    }
    for (name, bin) in [
        ("our server", &server_bin),
        ("our tokio_server", &tokio_server_bin),
    ] {
        slowloris(&mut report, &work, name, bin)?;
    }

    // ---- other servers, driven by our client
    python_server(&mut report, &ours)?;
    nghttpd(&mut report, &ours)?;

    let _ = std::fs::remove_dir_all(&work);
    println!("\ninterop results\n\n{}", report.table());
    for line in &report.load {
        println!("{line}");
    }
    let failed = report
        .rows
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .count();
    let skipped = report
        .rows
        .iter()
        .filter(|r| r.outcome == Outcome::Skip)
        .count();
    let passed = report.rows.len() - failed - skipped;
    println!("\ninterop: {passed} passed, {failed} failed, {skipped} skipped");
    if failed > 0 {
        return Err(format!("{failed} interop scenarios failed"));
    }
    if skipped > 0 && !allow_missing {
        return Err(format!(
            "{skipped} interop scenarios skipped (peer missing); pass --allow-missing to accept"
        ));
    }
    Ok(())
}

/// Paths the scenarios share.
struct Tools {
    work: PathBuf,
    upload: PathBuf,
    /// [`BIG_UPLOAD_LEN`] octets.
    big_upload: PathBuf,
    /// [`SMALL_UPLOAD_LEN`] octets.
    small_upload: PathBuf,
    client: PathBuf,
}

/// Builds the named examples of h2-conn in release; returns the folder they are in.
pub(crate) fn build_examples(names: &[&str]) -> Result<PathBuf, String> {
    let mut args = vec!["build", "--release", "-p", "h2-conn"];
    for name in names {
        args.extend(["--example", name]);
    }
    crate::run("cargo", &args, &[])?;
    Ok(target_dir().join("release").join("examples"))
}

/// Where cargo puts build output: `CARGO_TARGET_DIR` (relative to the workspace root) or
/// `target/`.
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

/// Deterministic bytes that compress badly (xorshift).
fn pseudo_random(len: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

pub(crate) fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// True when `program` can be started.
fn installed(program: &str, probe: &[&str]) -> bool {
    Command::new(program)
        .args(probe)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A server process, killed when dropped.
struct Server {
    child: Child,
}

impl Server {
    fn start(name: &str, command: &mut Command, port: u16, work: &Path) -> Result<Server, String> {
        let log =
            File::create(work.join(format!("server-{port}.log"))).map_err(|e| e.to_string())?;
        let child = command
            .current_dir(workspace_root())
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        let mut server = Server { child };
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err(format!("{name} did not listen on port {port}"));
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("{name} exited: {status}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(server)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A finished command: its status, stdout and stderr.
struct Ran {
    ok: bool,
    stdout: Vec<u8>,
    stderr: String,
}

/// Runs a command with a time limit, its output in files (large bodies do not block on
/// a pipe).
fn run_limited(program: &Path, args: &[&str], work: &Path, limit: Duration) -> Result<Ran, String> {
    let out_path = work.join("stdout");
    let err_path = work.join("stderr");
    let mut child = Command::new(program)
        .args(args)
        .current_dir(workspace_root())
        .stdin(Stdio::null())
        .stdout(File::create(&out_path).map_err(|e| e.to_string())?)
        .stderr(File::create(&err_path).map_err(|e| e.to_string())?)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{} timed out after {limit:?}", program.display()));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = Output {
        status,
        stdout: std::fs::read(&out_path).unwrap_or_default(),
        stderr: std::fs::read(&err_path).unwrap_or_default(),
    };
    Ok(Ran {
        ok: output.status.success(),
        stdout: output.stdout,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

fn tool(name: &str) -> PathBuf {
    PathBuf::from(name)
}

/// Checks a body byte for byte.
fn same_body(got: &[u8], want: &[u8]) -> Result<(), String> {
    if got == want {
        return Ok(());
    }
    let at = got
        .iter()
        .zip(want)
        .position(|(a, b)| a != b)
        .unwrap_or(got.len().min(want.len()));
    Err(format!(
        "body differs at byte {at} (got {} bytes, want {})",
        got.len(),
        want.len()
    ))
}

/// curl's `-w` line must be `want` (`STATUS HTTP_VERSION`, e.g. `200 2`).
fn curl(work: &Path, args: &[&str], want: &str, want_body: &[u8]) -> Result<String, String> {
    let mut all = vec![
        "-sS",
        "--max-time",
        "60",
        "-o",
        "-",
        "-w",
        "\n%{http_code} %{http_version}",
    ];
    all.extend_from_slice(args);
    let ran = run_limited(
        &tool("curl"),
        &all,
        work,
        BIG_LIMIT + Duration::from_secs(30),
    )?;
    if !ran.ok {
        return Err(format!("curl failed: {}", ran.stderr.trim()));
    }
    let split = ran
        .stdout
        .iter()
        .rposition(|&b| b == b'\n')
        .ok_or("no -w line")?;
    let (body, tail) = (
        &ran.stdout[..split],
        String::from_utf8_lossy(&ran.stdout[split + 1..]).into_owned(),
    );
    if tail.trim() != want {
        return Err(format!("status/version {tail:?}, want {want:?}"));
    }
    same_body(body, want_body)?;
    Ok(format!("{tail}, {} body bytes", body.len()))
}

fn curl_scenarios(report: &mut Report, t: &Tools, base: &str) {
    let names = [
        "GET /",
        "POST 10 MiB /echo",
        "GET /trailers",
        "GET /bytes/100000",
        "GET /missing (404)",
        "POST 32 MiB /echo (both ways at once)",
        "POST 512 KiB /echo",
    ];
    if !installed("curl", &["--version"]) {
        report.skip("curl prior-knowledge", &names, "curl not installed");
        report.skip("curl Upgrade", &names, "curl not installed");
        return;
    }
    let upload = std::fs::read(&t.upload).unwrap_or_default();
    let data_arg = format!("@{}", t.upload.display());
    let pattern: Vec<u8> = (0..100_000u32).map(|i| b'a' + (i % 26) as u8).collect();
    for (peer, mode) in [
        ("curl prior-knowledge", "--http2-prior-knowledge"),
        ("curl Upgrade", "--http2"),
    ] {
        let url = |path: &str| format!("{base}{path}");
        report.record(
            peer,
            names[0],
            curl(&t.work, &[mode, &url("/")], "200 2", HELLO.as_bytes()),
        );
        let echo = &[mode, "--data-binary", &data_arg, &url("/echo")];
        if mode == "--http2" {
            // curl sends the body with the Upgrade request: above the server's 1 MiB
            // HTTP/1.1 limit it is refused, and nothing of it is held.
            let why = b"request bodies are limited to 1048576 octets\n";
            let name = "POST 10 MiB /echo (413: Upgrade body > 1 MiB)";
            report.record(peer, name, curl(&t.work, echo, "413 1.1", why));
        } else {
            report.record(peer, names[1], curl(&t.work, echo, "200 2", &upload));
        }
        let trailers = curl(
            &t.work,
            &[mode, &url("/trailers")],
            "200 2",
            TRAILERS_BODY.as_bytes(),
        );
        report.record(peer, names[2], trailers);
        report.record(
            peer,
            names[3],
            curl(&t.work, &[mode, &url("/bytes/100000")], "200 2", &pattern),
        );
        report.record(
            peer,
            names[4],
            curl(&t.work, &[mode, &url("/missing")], "404 2", b"not found\n"),
        );
        let (file, name) = match mode {
            "--http2" => (&t.small_upload, names[6]),
            _ => (&t.big_upload, names[5]),
        };
        let body = std::fs::read(file).unwrap_or_default();
        let arg = format!("@{}", file.display());
        report.record(
            peer,
            name,
            curl(
                &t.work,
                &[mode, "--data-binary", &arg, &url("/echo")],
                "200 2",
                &body,
            ),
        );
    }
}

fn nghttp_scenarios(report: &mut Report, t: &Tools, base: &str) {
    let peer = "nghttp";
    let names = [
        "GET / -nv",
        "GET /trailers -nv",
        "GET /push -nv (push)",
        "POST 10 MiB /echo",
        "POST 32 MiB /echo (both ways at once)",
    ];
    if !installed("nghttp", &["--version"]) {
        report.skip(
            peer,
            &names,
            "nghttp not installed (apt-get install nghttp2-client)",
        );
        return;
    }
    let verbose = |path: &str, must: &[&str]| -> Result<String, String> {
        let url = format!("{base}{path}");
        let ran = run_limited(
            &tool("nghttp"),
            &["-nv", &url],
            &t.work,
            Duration::from_secs(60),
        )?;
        let text = String::from_utf8_lossy(&ran.stdout).into_owned();
        if !ran.ok {
            return Err(format!(
                "nghttp failed: {} {}",
                ran.stderr.trim(),
                text.lines().last().unwrap_or_default()
            ));
        }
        for needle in must {
            if !text.contains(needle) {
                return Err(format!("output lacks {needle:?}"));
            }
        }
        if text.contains("GOAWAY") && !text.contains("error_code=NO_ERROR") {
            return Err("GOAWAY with an error".into());
        }
        Ok(format!("saw {}", must.join(", ")))
    };
    report.record(
        peer,
        names[0],
        verbose("/", &[":status: 200", "content-length: 23"]),
    );
    report.record(
        peer,
        names[1],
        verbose("/trailers", &[":status: 200", "x-trailer: done"]),
    );
    report.record(
        peer,
        names[2],
        verbose(
            "/push",
            &[
                "recv PUSH_PROMISE frame",
                "promised_stream_id=2",
                "recv (stream_id=2) :status: 200",
                ":path: /pushed.txt",
            ],
        ),
    );
    let echo = |upload: &Path| {
        let data_arg = upload.display().to_string();
        let url = format!("{base}/echo");
        let ran = run_limited(
            &tool("nghttp"),
            &["-d", &data_arg, &url],
            &t.work,
            BIG_LIMIT,
        )?;
        if !ran.ok {
            return Err(format!("nghttp failed: {}", ran.stderr.trim()));
        }
        same_body(&ran.stdout, &std::fs::read(upload).unwrap_or_default())?;
        Ok(format!("{} bytes echoed", ran.stdout.len()))
    };
    report.record(peer, names[3], echo(&t.upload));
    report.record(peer, names[4], echo(&t.big_upload));
}

/// `h2load -n 20000 -c 8 -m 64`: zero failed, zero errored.
fn h2load(report: &mut Report, peer: &'static str, target: &str, base: &str, work: &Path) {
    let scenario = format!("-n 20000 -c 8 -m 64 vs {target}");
    if !installed("h2load", &["--version"]) {
        report.skip(
            peer,
            &[&scenario],
            "h2load not installed (apt-get install nghttp2-client)",
        );
        return;
    }
    let result = (|| {
        let url = format!("{base}/");
        let ran = run_limited(
            &tool("h2load"),
            &["-n", "20000", "-c", "8", "-m", "64", &url],
            work,
            Duration::from_secs(120),
        )?;
        let text = String::from_utf8_lossy(&ran.stdout).into_owned();
        let requests = text
            .lines()
            .find(|l| l.starts_with("requests:"))
            .ok_or("no requests: line")?;
        let finished = text
            .lines()
            .find(|l| l.starts_with("finished in"))
            .ok_or("no finished line")?;
        report.load.push(format!("h2load vs {target}: {finished}"));
        // "requests: 20000 total, 20000 started, 20000 done, 20000 succeeded, 0 failed, 0 errored, 0 timeout"
        let count = |what: &str| -> Option<u64> {
            requests
                .split(',')
                .find(|p| p.trim().ends_with(what))?
                .split_whitespace()
                .rev()
                .nth(1)?
                .parse()
                .ok()
        };
        let ok = count("succeeded") == Some(20_000)
            && count("failed") == Some(0)
            && count("errored") == Some(0)
            && count("timeout") == Some(0);
        if !ran.ok || !ok {
            return Err(requests.to_string());
        }
        let rate = finished
            .split(',')
            .nth(1)
            .unwrap_or_default()
            .trim()
            .to_string();
        Ok(format!("20000 succeeded, 0 failed, 0 errored; {rate}"))
    })();
    report.record(peer, &scenario, result);
}

fn python_has_h2() -> bool {
    installed("python3", &["-c", "import h2"])
}

fn python_client(report: &mut Report, work: &Path, port: u16) {
    let peer = "python h2 client";
    let names = [
        "get",
        "post-echo-3MiB",
        "trailers",
        "bytes-1MiB",
        "push",
        "not-found",
    ];
    if !python_has_h2() {
        report.skip(
            peer,
            &names,
            "python3 with the h2 package not installed (pip install h2)",
        );
        return;
    }
    let script = workspace_root().join("xtask/interop/h2_client.py");
    let script_arg = script.display().to_string();
    let port_arg = port.to_string();
    match run_limited(
        &tool("python3"),
        &[&script_arg, "127.0.0.1", &port_arg],
        work,
        Duration::from_secs(120),
    ) {
        Err(err) => report.record(peer, "all", Err(err)),
        Ok(ran) => {
            let text = String::from_utf8_lossy(&ran.stdout).into_owned();
            let mut seen = 0;
            for line in text.lines() {
                if let Some(name) = line.strip_prefix("PASS ") {
                    report.record(peer, name, Ok(String::new()));
                    seen += 1;
                } else if let Some(rest) = line.strip_prefix("FAIL ") {
                    let (name, why) = rest.split_once(": ").unwrap_or((rest, ""));
                    report.record(peer, name, Err(why.to_string()));
                    seen += 1;
                }
            }
            if !ran.ok && seen == 0 || seen < names.len() {
                report.record(
                    peer,
                    "script",
                    Err(format!("exit ok={} stderr: {}", ran.ok, ran.stderr.trim())),
                );
            }
        }
    }
}

/// Our client against a server at `base`: `path` must answer `want` exactly.
fn our_client(t: &Tools, args: &[&str], want: Option<&[u8]>) -> Result<String, String> {
    let ran = run_limited(&t.client, args, &t.work, BIG_LIMIT * 2)?;
    if !ran.ok {
        return Err(format!(
            "client failed: {}",
            ran.stderr.lines().last().unwrap_or_default()
        ));
    }
    if let Some(want) = want {
        same_body(&ran.stdout, want)?;
    }
    let summary = ran
        .stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("* ") && l.contains("req/s"));
    Ok(summary.map_or_else(
        || format!("{} body bytes", ran.stdout.len()),
        |l| l[2..].to_string(),
    ))
}

fn client_vs_ours(report: &mut Report, t: &Tools, base: &str) {
    let peer = "our client";
    let upload = std::fs::read(&t.upload).unwrap_or_default();
    let data_arg = t.upload.display().to_string();
    let root = format!("{base}/");
    let echo = format!("{base}/echo");
    report.record(
        peer,
        "GET / (our server)",
        our_client(t, &[&root], Some(HELLO.as_bytes())),
    );
    report.record(
        peer,
        "GET /push --upgrade (our server)",
        our_client(
            t,
            &[&format!("{base}/push"), "--upgrade"],
            Some(PUSH_PAGE.as_bytes()),
        ),
    );
    let small = std::fs::read(&t.small_upload).unwrap_or_default();
    let small_arg = t.small_upload.display().to_string();
    report.record(
        peer,
        "POST 512 KiB /echo --upgrade (our server)",
        our_client(t, &[&echo, "--data", &small_arg, "--upgrade"], Some(&small)),
    );
    // Above the 1 MiB HTTP/1.1 body limit: 413, and the client says so.
    let too_large = match our_client(t, &[&echo, "--data", &data_arg, "--upgrade"], None) {
        Err(why) if why.contains("413") => Ok("413 Payload Too Large".to_string()),
        Err(why) => Err(why),
        Ok(_) => Err("the 10 MiB Upgrade body was taken".to_string()),
    };
    report.record(peer, "POST 10 MiB /echo --upgrade: 413", too_large);
    report.record(
        peer,
        "POST 10 MiB /echo (our server)",
        our_client(t, &[&echo, "--data", &data_arg], Some(&upload)),
    );
    // Both directions large at once: the echo comes back while the upload goes out.
    let big = std::fs::read(&t.big_upload).unwrap_or_default();
    let big_arg = t.big_upload.display().to_string();
    report.record(
        peer,
        "POST 32 MiB /echo, both ways at once (our server)",
        our_client(t, &[&echo, "--data", &big_arg], Some(&big)),
    );
    report.record(
        peer,
        "4 x POST 32 MiB /echo at once (our server)",
        our_client(
            t,
            &[&echo, "--data", &big_arg, "-n", "4", "--concurrent", "4"],
            Some(&big),
        ),
    );
    report.record(
        peer,
        "-n 20000 --concurrent 64 (our server)",
        our_client(t, &[&root, "-n", "20000", "--concurrent", "64"], None),
    );
}

fn python_server(report: &mut Report, t: &Tools) -> Result<(), String> {
    let peer = "python h2 server";
    let names = ["GET /", "POST 10 MiB /echo", "-n 500 --concurrent 20"];
    if !python_has_h2() {
        report.skip(
            peer,
            &names,
            "python3 with the h2 package not installed (pip install h2)",
        );
        return Ok(());
    }
    let port = free_port()?;
    let script = workspace_root().join("xtask/interop/h2_server.py");
    let server = Server::start(
        peer,
        Command::new("python3").arg(&script).arg(port.to_string()),
        port,
        &t.work,
    )?;
    let base = format!("http://127.0.0.1:{port}");
    let upload = std::fs::read(&t.upload).unwrap_or_default();
    let data_arg = t.upload.display().to_string();
    report.record(
        peer,
        names[0],
        our_client(t, &[&format!("{base}/")], Some(PY_HELLO.as_bytes())),
    );
    report.record(
        peer,
        names[1],
        our_client(
            t,
            &[&format!("{base}/echo"), "--data", &data_arg],
            Some(&upload),
        ),
    );
    report.record(
        peer,
        names[2],
        our_client(
            t,
            &[&format!("{base}/"), "-n", "500", "--concurrent", "20"],
            None,
        ),
    );
    drop(server);
    Ok(())
}

fn nghttpd(report: &mut Report, t: &Tools) -> Result<(), String> {
    let peer = "nghttpd --no-tls";
    let names = [
        "GET /index.html",
        "GET 10 MiB file",
        "-n 5000 --concurrent 64",
    ];
    if !installed("nghttpd", &["--version"]) {
        report.skip(
            peer,
            &names,
            "nghttpd not installed (apt-get install nghttp2-server)",
        );
        report.skip(
            "h2load",
            &["-n 20000 -c 8 -m 64 vs nghttpd"],
            "nghttpd not installed",
        );
        return Ok(());
    }
    let docs = t.work.join("htdocs");
    std::fs::create_dir_all(&docs).map_err(|e| e.to_string())?;
    std::fs::write(docs.join("index.html"), NGHTTPD_INDEX).map_err(|e| e.to_string())?;
    std::fs::copy(&t.upload, docs.join("big.bin")).map_err(|e| e.to_string())?;
    let port = free_port()?;
    let docs_arg = docs.display().to_string();
    let server = Server::start(
        peer,
        Command::new("nghttpd").args([
            "--no-tls",
            "-a",
            "127.0.0.1",
            "-d",
            &docs_arg,
            &port.to_string(),
        ]),
        port,
        &t.work,
    )?;
    let base = format!("http://127.0.0.1:{port}");
    let upload = std::fs::read(&t.upload).unwrap_or_default();
    report.record(
        peer,
        names[0],
        our_client(
            t,
            &[&format!("{base}/index.html")],
            Some(NGHTTPD_INDEX.as_bytes()),
        ),
    );
    report.record(
        peer,
        names[1],
        our_client(t, &[&format!("{base}/big.bin")], Some(&upload)),
    );
    report.record(
        peer,
        names[2],
        our_client(
            t,
            &[
                &format!("{base}/index.html"),
                "-n",
                "5000",
                "--concurrent",
                "64",
            ],
            None,
        ),
    );
    h2load(report, "h2load", "nghttpd", &base, &t.work);
    drop(server);
    Ok(())
}

/// `--timeout` of the silent-server scenarios.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(2);
/// Our clients close with a linger (up to 1 s reading what the server still sends, so
/// the GOAWAY is not lost to a TCP reset); a silent server sends nothing and never
/// closes, so they exit about this much after their timeout.
const LINGER: Duration = Duration::from_secs(1);
/// Slack for a loaded machine on every "in time" check.
const SLACK: Duration = Duration::from_millis(1500);

/// Our client (std or tokio) against a TCP listener that accepts and never writes: it
/// must exit non-zero, saying why, within its `--timeout` (and the close's linger).
fn silent_server(report: &mut Report, t: &Tools, client: &Path) -> Result<(), String> {
    let peer = if client.ends_with("tokio_client") {
        "our tokio_client"
    } else {
        "our client"
    };
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        // Accepts, holds every connection open, and never writes a byte.
        scope.spawn(|| {
            let mut held = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((socket, _)) => held.push(socket),
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        let secs = CLIENT_TIMEOUT.as_secs().to_string();
        let url = format!("http://127.0.0.1:{port}/");
        for (scenario, args, want) in [
            (
                "silent TCP server, --timeout 2: exits non-zero in time",
                vec![url.as_str(), "--timeout", &secs],
                "sent no HTTP/2 SETTINGS",
            ),
            (
                "silent TCP server, --upgrade --timeout 2: exits non-zero in time",
                vec![url.as_str(), "--upgrade", "--timeout", &secs],
                "waiting for the upgrade answer",
            ),
        ] {
            let began = Instant::now();
            let result =
                run_limited(client, &args, &t.work, Duration::from_secs(20)).and_then(|ran| {
                    let took = began.elapsed();
                    let said = ran.stderr.lines().last().unwrap_or_default().to_string();
                    if ran.ok {
                        return Err(format!("exited 0 after {took:.1?}: {said}"));
                    }
                    if !said.contains(want) {
                        return Err(format!("exited non-zero, but said {said:?}"));
                    }
                    if took < CLIENT_TIMEOUT || took > CLIENT_TIMEOUT + LINGER + SLACK {
                        return Err(format!("gave up after {took:.1?}: {said}"));
                    }
                    Ok(format!("exit 1 after {took:.1?}: {said}"))
                });
            report.record(peer, scenario, result);
        }
        stop.store(true, Ordering::Relaxed);
    });
    Ok(())
}

/// `--preface-timeout` and `--idle` of the server in the slowloris scenarios.
const PREFACE_TIMEOUT: Duration = Duration::from_secs(2);
const IDLE_TIMEOUT: Duration = Duration::from_secs(3);

/// An empty SETTINGS frame, and a SETTINGS ACK (RFC 9113 6.5).
const SETTINGS: [u8; 9] = [0, 0, 0, 4, 0, 0, 0, 0, 0];
const SETTINGS_ACK: [u8; 9] = [0, 0, 0, 4, 1, 0, 0, 0, 0];

/// Our server (std or tokio), with `--preface-timeout 2 --idle 3`, against clients that
/// send part of what they must and then wait: each connection must be closed by the
/// deadline (and not before it).
fn slowloris(
    report: &mut Report,
    work: &Path,
    peer: &'static str,
    bin: &Path,
) -> Result<(), String> {
    let port = free_port()?;
    let server = Server::start(
        peer,
        Command::new(bin).args([
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--preface-timeout",
            &PREFACE_TIMEOUT.as_secs().to_string(),
            "--idle",
            &IDLE_TIMEOUT.as_secs().to_string(),
        ]),
        port,
        work,
    )?;
    let preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".as_slice();
    let mut settled = preface.to_vec();
    settled.extend_from_slice(&SETTINGS);
    settled.extend_from_slice(&SETTINGS_ACK);
    // (scenario, what the client sends, the deadline, the GOAWAY code expected)
    let cases: [(&str, &[u8], Duration, Option<u32>); 4] = [
        (
            "slowloris: 16 of the 24 preface octets, --preface-timeout 2: closed in time",
            &preface[..16],
            PREFACE_TIMEOUT,
            None,
        ),
        (
            "slowloris: half an HTTP/1.1 head, --preface-timeout 2: closed in time",
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n",
            PREFACE_TIMEOUT,
            None,
        ),
        (
            "slowloris: preface, no SETTINGS: GOAWAY PROTOCOL_ERROR in time",
            preface,
            PREFACE_TIMEOUT,
            Some(0x1),
        ),
        (
            "idle after the handshake, --idle 3: GOAWAY NO_ERROR in time",
            &settled,
            IDLE_TIMEOUT,
            Some(0x0),
        ),
    ];
    let results: Vec<_> = std::thread::scope(|scope| {
        let runs: Vec<_> = cases
            .iter()
            .map(|&(_, send, deadline, code)| {
                scope.spawn(move || closed_in_time(port, send, deadline, code))
            })
            .collect();
        runs.into_iter()
            .map(|run| run.join().unwrap_or_else(|_| Err("probe panicked".into())))
            .collect()
    });
    for ((scenario, ..), result) in cases.iter().zip(results) {
        report.record(peer, scenario, result);
    }
    drop(server);
    Ok(())
}

/// Connects, sends `send`, then only reads: the server must close the connection between
/// `deadline` and `deadline` + [`SLACK`], with a GOAWAY carrying `code` when one is given.
fn closed_in_time(
    port: u16,
    send: &[u8],
    deadline: Duration,
    code: Option<u32>,
) -> Result<String, String> {
    let mut socket = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    socket.write_all(send).map_err(|e| e.to_string())?;
    let began = Instant::now();
    socket
        .set_read_timeout(Some(deadline + SLACK * 4))
        .map_err(|e| e.to_string())?;
    let mut got = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match socket.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => return Err(format!("still open after {:.1?} ({e})", began.elapsed())),
        }
    }
    let took = began.elapsed();
    if took + Duration::from_millis(100) < deadline || took > deadline + SLACK {
        return Err(format!("closed after {took:.1?}, deadline {deadline:?}"));
    }
    let goaway = goaway(&got);
    match (code, &goaway) {
        (None, _) => Ok(format!("closed after {took:.1?}")),
        (Some(want), Some((got_code, why))) if *got_code == want => {
            Ok(format!("GOAWAY {got_code:#x} {why:?} after {took:.1?}"))
        }
        (Some(want), _) => Err(format!(
            "closed after {took:.1?} without GOAWAY {want:#x} (got {goaway:?})"
        )),
    }
}

/// The error code and debug data of the first GOAWAY frame (RFC 9113 6.8) in `bytes`.
fn goaway(mut bytes: &[u8]) -> Option<(u32, String)> {
    while bytes.len() >= 9 {
        let len = u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]) as usize;
        let payload = bytes.get(9..9 + len)?;
        if bytes[3] == 0x7 && len >= 8 {
            let code = u32::from_be_bytes([payload[4], payload[5], payload[6], payload[7]]);
            return Some((code, String::from_utf8_lossy(&payload[8..]).into_owned()));
        }
        bytes = &bytes[9 + len..];
    }
    None
}
