//! `cargo xtask attack [--seconds N]`: hostile peers against the example servers, with
//! the server's memory watched (issue 14).
//!
//! Builds the `server` and `tokio_server` examples in release, starts each on a free
//! loopback port and runs, one after another, the attacks that grew a server's memory
//! before: a peer that opens huge windows and never reads, one that pushes a body at
//! `/echo` and never reads, HTTP/1.1 Upgrade requests with huge bodies held open, Rapid
//! Reset diluted with harmless frames, a peer that keeps reopening windows without
//! reading, and a PING flood that never reads the acknowledgements. While an attack runs,
//! the server's RSS is sampled every 50 ms from `/proc` and a legitimate client fetches `/`
//! on its own connection every 250 ms. After each attack it must still be served.
//!
//! Fails when an attack raises the server's RSS more than [`RSS_BOUND`] above its baseline,
//! the legitimate client fails during or after an attack, or Rapid Reset gets no GOAWAY. Each attack lasts
//! `--seconds` (default 6); the whole run stays well under five minutes.

use crate::interop::{build_examples, free_port};
use crate::workspace_root;
use bytes::{Bytes, BytesMut};
use h2_conn::frame::{Data, Frame, FrameDecoder, FrameType, Ping, StreamId, Unknown, WindowUpdate};
use h2_conn::{Config, Connection, ErrorCode, Event, HeaderField, SettingId};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// The most an attack may raise the server's resident memory above its baseline.
const RSS_BOUND: u64 = 64 << 20;

/// What `/` of the example server answers.
const HELLO: &[u8] = b"Hello from h2-sans-io!\n";

/// The largest window (RFC 9113 6.9.1).
const MAX_WINDOW: u32 = (1 << 31) - 1;

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut seconds = 6u64;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--seconds needs a number")?;
            }
            other => {
                return Err(format!(
                    "unknown argument {other}; usage: cargo xtask attack [--seconds N]"
                ))
            }
        }
    }
    let duration = Duration::from_secs(seconds);
    let examples = build_examples(&["server", "tokio_server"])?;
    let mut rows = Vec::new();
    let mut idle = Vec::new();
    let mut failures = 0;
    for name in ["server", "tokio_server"] {
        let port = free_port()?;
        let mut server = Server::start(&examples.join(name), port)?;
        legit_get(port).map_err(|e| format!("{name}: not serving before the attacks: {e}"))?;
        idle.push(format!("| {name} | {} |", idle_cost(&server, port)));
        for attack in ATTACKS {
            let baseline = server.rss().unwrap_or(0);
            let outcome = run_attack(&server, port, attack, duration);
            let peak = outcome.peak.saturating_sub(baseline);
            let after = legit_get(port);
            // An attack the server must notice (Rapid Reset) fails when it does not.
            let noticed = !outcome.note.starts_with("no GOAWAY");
            let ok = peak <= RSS_BOUND && outcome.legit_failed == 0 && after.is_ok() && noticed;
            if !ok {
                failures += 1;
            }
            rows.push(format!(
                "| {name} | {} | {:.1} MiB | {}/{} | {} | {} | {} |",
                attack.name,
                peak as f64 / f64::from(1 << 20),
                outcome.legit_ok,
                outcome.legit_ok + outcome.legit_failed,
                if after.is_ok() {
                    "served"
                } else {
                    "NOT served"
                },
                outcome.note,
                if ok { "PASS" } else { "FAIL" },
            ));
            if server.exited() {
                return Err(format!("{name} died during {}", attack.name));
            }
        }
    }
    println!(
        "\nattacks (each {seconds} s; bound {} MiB over the baseline RSS)\n",
        RSS_BOUND >> 20
    );
    println!("| server | attack | peak RSS over baseline | legit during | legit after | what the attacker saw | result |");
    println!("|---|---|--:|--:|---|---|---|");
    for row in &rows {
        println!("{row}");
    }
    println!(
        "\nidle connections ({IDLE_CONNECTIONS} after the handshake, RSS over the baseline)\n"
    );
    println!("| server | per connection |");
    println!("|---|--:|");
    for row in &idle {
        println!("{row}");
    }
    if failures > 0 {
        return Err(format!("{failures} attacks passed the bounds"));
    }
    Ok(())
}

/// One attack: a name and the attacker, which runs until `stop` or its own end and
/// returns what it saw.
struct Attack {
    name: &'static str,
    run: fn(u16, &AtomicBool) -> String,
}

const ATTACKS: &[Attack] = &[
    Attack {
        name: "2^31-1 window, GET 1 GB, never read",
        run: |port, stop| big_download(port, stop, 1),
    },
    Attack {
        name: "the same, 4 streams",
        run: |port, stop| big_download(port, stop, 4),
    },
    Attack {
        name: "POST 2 GB to /echo, never read",
        run: echo_blast,
    },
    Attack {
        name: "Upgrade with 67 MB bodies, 8 connections, last octet withheld",
        run: upgrade_bodies,
    },
    Attack {
        name: "Rapid Reset, an unknown frame between pairs (100k pairs)",
        run: rapid_reset_padded,
    },
    Attack {
        name: "reopen windows with WINDOW_UPDATE, never read",
        run: window_reopen,
    },
    Attack {
        name: "PING flood, never read the ACKs",
        run: ping_flood,
    },
];

struct Outcome {
    peak: u64,
    legit_ok: u32,
    legit_failed: u32,
    note: String,
}

fn run_attack(server: &Server, port: u16, attack: &Attack, duration: Duration) -> Outcome {
    let stop = Arc::new(AtomicBool::new(false));
    let legit_ok = Arc::new(AtomicU64::new(0));
    let legit_failed = Arc::new(AtomicU64::new(0));
    let attacker = {
        let stop = stop.clone();
        let run = attack.run;
        thread::spawn(move || run(port, &stop))
    };
    let legit = {
        let (stop, ok, failed) = (stop.clone(), legit_ok.clone(), legit_failed.clone());
        thread::spawn(move || {
            // Let the attack get going first.
            thread::sleep(Duration::from_millis(500));
            while !stop.load(Ordering::Relaxed) {
                match legit_get(port) {
                    Ok(()) => ok.fetch_add(1, Ordering::Relaxed),
                    Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                };
                thread::sleep(Duration::from_millis(250));
            }
        })
    };
    let end = Instant::now() + duration;
    let mut peak = 0;
    while Instant::now() < end {
        peak = peak.max(server.rss().unwrap_or(0));
        thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, Ordering::Relaxed);
    let note = attacker
        .join()
        .unwrap_or_else(|_| "attacker panicked".into());
    let _ = legit.join();
    // Memory still held once the attacker is gone counts too.
    thread::sleep(Duration::from_millis(200));
    peak = peak.max(server.rss().unwrap_or(0));
    Outcome {
        peak,
        legit_ok: legit_ok.load(Ordering::Relaxed) as u32,
        legit_failed: legit_failed.load(Ordering::Relaxed) as u32,
        note,
    }
}

// ------------------------------------------------------------------------- attackers

/// A socket to the server that gives up on blocked writes after a second.
fn connect(port: u16) -> Option<TcpStream> {
    let socket = TcpStream::connect(("127.0.0.1", port)).ok()?;
    socket
        .set_write_timeout(Some(Duration::from_secs(1)))
        .ok()?;
    socket.set_nodelay(true).ok()?;
    Some(socket)
}

/// A client connection whose preface and SETTINGS (and, with `open`, 2^31-1 windows) are
/// written to `socket`.
fn client(socket: &mut TcpStream, open: bool) -> Option<Connection> {
    let mut config = Config::client();
    if open {
        config.set_local_setting(SettingId::INITIAL_WINDOW_SIZE, MAX_WINDOW);
        config.initial_connection_window = Some(MAX_WINDOW);
    }
    let mut conn = Connection::new(config);
    conn.initiate_connection();
    socket.write_all(&conn.data_to_send()).ok()?;
    Some(conn)
}

fn request(method: &'static str, path: String) -> Vec<HeaderField> {
    vec![
        HeaderField::new(":method", method),
        HeaderField::new(":scheme", "http"),
        HeaderField::new(":authority", "127.0.0.1"),
        HeaderField::new(":path", path),
    ]
}

/// Raw frames written without the connection's checks.
fn write_frames(socket: &mut TcpStream, frames: &[Frame]) -> bool {
    let mut buf = BytesMut::new();
    for frame in frames {
        if frame.encode(&mut buf, 1 << 24).is_err() {
            return false;
        }
    }
    socket.write_all(&buf).is_ok()
}

fn wait(stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        thread::sleep(Duration::from_millis(20));
    }
}

/// Opens the largest windows, asks for 1 GB on `streams` streams and never reads.
fn big_download(port: u16, stop: &AtomicBool, streams: u32) -> String {
    let Some(mut socket) = connect(port) else {
        return "cannot connect".into();
    };
    let Some(mut conn) = client(&mut socket, true) else {
        return "write failed".into();
    };
    for _ in 0..streams {
        let Ok(id) = conn.next_stream_id() else { break };
        let _ = conn.send_headers(id, &request("GET", "/bytes/1000000000".into()), true);
    }
    let _ = socket.write_all(&conn.data_to_send());
    wait(stop);
    "never read".into()
}

/// Sends a body at `/echo` as fast as the socket takes it, ignoring flow control, and never
/// reads the echo.
fn echo_blast(port: u16, stop: &AtomicBool) -> String {
    let Some(mut socket) = connect(port) else {
        return "cannot connect".into();
    };
    let Some(mut conn) = client(&mut socket, true) else {
        return "write failed".into();
    };
    let id = StreamId::new(1);
    let _ = conn.send_headers(id, &request("POST", "/echo".into()), false);
    let _ = socket.write_all(&conn.data_to_send());
    let chunk = Bytes::from(vec![b'x'; 16_384]);
    let mut sent = 0u64;
    while !stop.load(Ordering::Relaxed) && sent < 2_000_000_000 {
        let frames: Vec<Frame> = (0..16)
            .map(|_| Frame::Data(Data::new(id, chunk.clone(), false)))
            .collect();
        if !write_frames(&mut socket, &frames) {
            // Blocked (the server stopped reading) or closed: hold the connection open.
            if socket.peek(&mut [0u8; 1]).is_ok_and(|n| n == 0) {
                break;
            }
            thread::sleep(Duration::from_millis(50));
            continue;
        }
        sent += 16 * 16_384;
    }
    wait(stop);
    format!("{} MB written", sent / 1_000_000)
}

/// Eight HTTP/1.1 Upgrade requests announcing 67 MB bodies, sent but for the last octet.
fn upgrade_bodies(port: u16, stop: &AtomicBool) -> String {
    const BODY: usize = 67_108_864;
    let mut sockets = Vec::new();
    let mut refused = 0;
    for _ in 0..8 {
        let Some(mut socket) = connect(port) else {
            continue;
        };
        let head = format!(
            "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n\
             Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\nContent-Length: {BODY}\r\n\r\n"
        );
        if socket.write_all(head.as_bytes()).is_err() {
            refused += 1;
            continue;
        }
        let chunk = vec![b'y'; 1 << 20];
        let mut left = BODY - 1;
        while left > 0 && !stop.load(Ordering::Relaxed) {
            let n = left.min(chunk.len());
            if socket.write_all(&chunk[..n]).is_err() {
                refused += 1;
                break;
            }
            left -= n;
        }
        sockets.push(socket);
    }
    wait(stop);
    format!("{refused} of 8 refused before the body was sent")
}

/// HEADERS + RST_STREAM pairs with an unknown frame between them; reads the answers to see
/// the GOAWAY.
fn rapid_reset_padded(port: u16, stop: &AtomicBool) -> String {
    let Some(mut socket) = connect(port) else {
        return "cannot connect".into();
    };
    let Some(mut conn) = client(&mut socket, false) else {
        return "write failed".into();
    };
    let mut reader = socket.try_clone().expect("clone socket");
    let goaway = Arc::new(std::sync::Mutex::new(None::<ErrorCode>));
    let seen = goaway.clone();
    let read_thread = thread::spawn(move || {
        // Only the frames matter (the responses are to streams a second connection
        // state would not know): look for the GOAWAY.
        let mut frames = FrameDecoder::new(1 << 24);
        let mut buf = vec![0u8; 64 * 1024];
        reader
            .set_read_timeout(Some(Duration::from_millis(200)))
            .ok();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    frames.push_slice(&buf[..n]);
                    while let Ok(Some(frame)) = frames.next_frame() {
                        if let Frame::GoAway(goaway) = frame {
                            *seen.lock().unwrap() = Some(goaway.code);
                            return;
                        }
                    }
                }
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(err) if err.kind() == std::io::ErrorKind::TimedOut => {}
                Err(_) => break,
            }
        }
    });
    let mut pairs = 0u32;
    let padding = Frame::Unknown(Unknown {
        kind: FrameType(0xfe),
        flags: h2_conn::frame::Flags(0),
        stream_id: StreamId::ZERO,
        payload: Bytes::from_static(b"padding!"),
    });
    let mut batch = BytesMut::new();
    while pairs < 100_000 && !stop.load(Ordering::Relaxed) && goaway.lock().unwrap().is_none() {
        let Ok(id) = conn.next_stream_id() else { break };
        if conn
            .send_headers(id, &request("GET", "/".into()), true)
            .is_err()
            || conn.reset_stream(id, ErrorCode::CANCEL).is_err()
        {
            break;
        }
        batch.extend_from_slice(&conn.data_to_send());
        let _ = padding.encode(&mut batch, 1 << 14);
        pairs += 1;
        if pairs % 100 == 0 {
            if socket.write_all(&batch).is_err() {
                break;
            }
            batch.clear();
        }
    }
    let _ = socket.write_all(&batch);
    let _ = read_thread.join();
    let code = *goaway.lock().unwrap();
    wait(stop);
    match code {
        Some(code) => format!("GOAWAY {code:?} after at most {pairs} pairs"),
        None => format!("no GOAWAY after {pairs} pairs"),
    }
}

/// Asks for 1 GB on four streams and keeps reopening every window, never reading.
fn window_reopen(port: u16, stop: &AtomicBool) -> String {
    let Some(mut socket) = connect(port) else {
        return "cannot connect".into();
    };
    let Some(mut conn) = client(&mut socket, false) else {
        return "write failed".into();
    };
    let mut ids = Vec::new();
    for _ in 0..4 {
        let Ok(id) = conn.next_stream_id() else { break };
        let _ = conn.send_headers(id, &request("GET", "/bytes/1000000000".into()), true);
        ids.push(id);
    }
    let _ = socket.write_all(&conn.data_to_send());
    let mut updates = 0u32;
    while !stop.load(Ordering::Relaxed) {
        let mut frames = vec![Frame::WindowUpdate(WindowUpdate {
            stream_id: StreamId::ZERO,
            increment: 1 << 20,
        })];
        frames.extend(ids.iter().map(|&id| {
            Frame::WindowUpdate(WindowUpdate {
                stream_id: id,
                increment: 1 << 20,
            })
        }));
        if !write_frames(&mut socket, &frames) {
            break;
        }
        updates += 1;
        thread::sleep(Duration::from_millis(5));
    }
    wait(stop);
    format!("{updates} rounds of WINDOW_UPDATE written")
}

/// PINGs as fast as the socket takes them; the ACKs are never read.
fn ping_flood(port: u16, stop: &AtomicBool) -> String {
    let Some(mut socket) = connect(port) else {
        return "cannot connect".into();
    };
    if client(&mut socket, false).is_none() {
        return "write failed".into();
    }
    let ping = Frame::Ping(Ping {
        ack: false,
        payload: *b"pingpong",
    });
    let frames = vec![ping; 256];
    let mut sent = 0u64;
    while !stop.load(Ordering::Relaxed) && write_frames(&mut socket, &frames) {
        sent += 256;
    }
    let closed = socket.peek(&mut [0u8; 1]).is_ok_and(|n| n == 0);
    let _ = socket.shutdown(Shutdown::Both);
    wait(stop);
    format!(
        "{sent} PINGs written{}",
        if closed {
            ", then the server closed"
        } else {
            ""
        }
    )
}

/// How many idle connections [`idle_cost`] opens.
const IDLE_CONNECTIONS: usize = 2000;

/// Opens [`IDLE_CONNECTIONS`] connections that complete the handshake and then say
/// nothing, and reports the server's RSS growth per connection.
fn idle_cost(server: &Server, port: u16) -> String {
    let baseline = server.rss().unwrap_or(0);
    let mut sockets = Vec::new();
    for _ in 0..IDLE_CONNECTIONS {
        let Some(mut socket) = connect(port) else {
            break;
        };
        let Some(mut conn) = client(&mut socket, false) else {
            break;
        };
        // Acknowledge the server's SETTINGS once they arrive, as a real client would.
        socket
            .set_read_timeout(Some(Duration::from_millis(500)))
            .ok();
        let mut buf = [0u8; 1024];
        if let Ok(n) = socket.read(&mut buf) {
            let _ = conn.receive_data(&buf[..n]);
            let _ = socket.write_all(&conn.data_to_send());
        }
        sockets.push(socket);
    }
    thread::sleep(Duration::from_secs(1));
    let grown = server.rss().unwrap_or(0).saturating_sub(baseline);
    let opened = sockets.len().max(1);
    drop(sockets);
    thread::sleep(Duration::from_millis(500));
    format!(
        "{:.1} KiB ({} connections, {:.1} MiB)",
        grown as f64 / 1024.0 / opened as f64,
        opened,
        grown as f64 / f64::from(1 << 20)
    )
}

// ------------------------------------------------------------------------- the client

/// GET `/` on a new connection: status 200 and the hello body within 5 seconds.
fn legit_get(port: u16) -> Result<(), String> {
    let mut socket = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    let mut conn = Connection::new(Config::client());
    conn.initiate_connection();
    let id = conn.next_stream_id().map_err(|e| e.to_string())?;
    conn.send_headers(id, &request("GET", "/".into()), true)
        .map_err(|e| e.to_string())?;
    socket
        .write_all(&conn.data_to_send())
        .map_err(|e| e.to_string())?;
    let (mut status, mut body) = (Vec::new(), Vec::new());
    let mut buf = vec![0u8; 16 * 1024];
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        let n = socket.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("closed".into());
        }
        for event in conn.receive_data(&buf[..n]).map_err(|e| e.to_string())? {
            match event {
                Event::ResponseReceived { headers, .. } => {
                    if let Some(f) = headers.iter().find(|f| f.name == b":status") {
                        status = f.value.to_vec();
                    }
                }
                Event::DataReceived {
                    data,
                    flow_controlled_length,
                    stream_id,
                    ..
                } => {
                    body.extend_from_slice(&data);
                    let _ = conn.acknowledge_received_data(flow_controlled_length, stream_id);
                }
                Event::StreamEnded { .. } => {
                    let _ = conn.close_connection(ErrorCode::NO_ERROR, None, None);
                    let _ = socket.write_all(&conn.data_to_send());
                    return if status == b"200" && body == HELLO {
                        Ok(())
                    } else {
                        Err(format!("status {status:?}, {} body octets", body.len()))
                    };
                }
                Event::StreamReset { error_code, .. }
                | Event::ConnectionTerminated { error_code, .. } => {
                    return Err(format!("{error_code:?}"));
                }
                _ => {}
            }
        }
        socket
            .write_all(&conn.data_to_send())
            .map_err(|e| e.to_string())?;
    }
    Err("timed out".into())
}

// ------------------------------------------------------------------------- the server

struct Server {
    child: Child,
}

impl Server {
    fn start(program: &PathBuf, port: u16) -> Result<Server, String> {
        let child = Command::new(program)
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .current_dir(workspace_root())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let mut server = Server { child };
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline || server.exited() {
                return Err(format!("{} did not listen on {port}", program.display()));
            }
            thread::sleep(Duration::from_millis(50));
        }
        Ok(server)
    }

    fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Resident memory, from `/proc/PID/status` (`VmRSS`, in KiB).
    fn rss(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
