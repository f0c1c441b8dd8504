//! An HTTP/2 cleartext (h2c) client on std blocking sockets.
//!
//! ```sh
//! cargo run --release --example server &
//! cargo run --release --example client -- http://127.0.0.1:8080/
//! cargo run --release --example client -- http://127.0.0.1:8080/ --upgrade   # HTTP/1.1 Upgrade
//! cargo run --release --example client -- http://127.0.0.1:8080/echo --data Cargo.toml
//! cargo run --release --example client -- http://127.0.0.1:8080/ -n 10000 --concurrent 100
//! cargo run --release --example client -- http://127.0.0.1:8080/bytes/1000000 --timeout 5
//! ```
//!
//! Prints the first response like `curl -v`: request and response headers on stderr, the
//! body on stdout; with `-n` above 1 a summary line follows. Exits non-zero on any
//! error (I/O, a reset stream, a connection error). The HTTP/2 logic is in
//! `common/client.rs`.
//!
//! The socket is read on a thread of its own while this thread writes
//! (`common/blocking.rs`): a large upload to `/echo` comes back while it is still going
//! out, and neither side ever waits in `write` for the other to read.
//!
//! Time: connecting and the Upgrade answer may take `--timeout SECS` (default 30); then
//! this thread waits for input no longer than the connection's next timer
//! (`recv_timeout` on the reader's channel), passes `Instant::now()` in with each read,
//! and runs the timers when they are due: the server's SETTINGS must arrive within
//! `--timeout`, keep-alive PINGs go out after 30 s of quiet, and each request must make
//! progress every `--timeout`. A server that accepts the connection and says nothing
//! makes the client exit with an error after `--timeout`.

mod common;

use common::blocking::{self, Socket, Transport};
use common::client::{ClientConn, Options, USAGE};
use common::http1;
use std::net::{TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(err) => {
            eprintln!("{err}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("client: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: Options) -> Result<(), String> {
    let socket = connect(&options).map_err(|e| format!("connect {}: {e}", options.authority))?;
    let mut socket = Socket::new(socket).map_err(|e| e.to_string())?;
    let upgrade = options.upgrade;
    let deadline = Instant::now() + options.timeout;
    let mut client = ClientConn::new(options, Instant::now());
    if upgrade {
        let request = client.upgrade_request()?;
        socket
            .write_all(&request)
            .map_err(|e| format!("write: {e}"))?;
        // Read the HTTP/1.1 answer head; what follows it is HTTP/2.
        let mut head = Vec::new();
        let head_len = loop {
            let input = socket
                .read_by(deadline)
                .map_err(|e| format!("waiting for the upgrade answer: {e}"))?;
            if input.is_empty() {
                return Err("connection closed before the upgrade answer".into());
            }
            head.extend_from_slice(&input);
            if let Some(len) = http1::find_head_end(&head) {
                break len;
            }
        };
        client.upgrade_answered(&head[..head_len])?;
        client.receive(Instant::now(), &head[head_len..]);
    } else {
        client.start();
    }
    // Reads go on (on the reader thread) while this thread writes.
    match blocking::run(&mut socket, &mut client) {
        Ok(()) if !client.is_done() => client.io_failed("the server closed the connection".into()),
        Ok(()) => {}
        Err(err) => client.io_failed(format!("I/O: {err}")),
    }
    socket.close();
    client.finish_run()
}

/// Connects to the first address of `--authority` that answers within `--timeout` each.
fn connect(options: &Options) -> std::io::Result<TcpStream> {
    let mut last = None;
    for addr in options.authority.to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, options.timeout) {
            Ok(socket) => return Ok(socket),
            Err(err) => last = Some(err),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no address")))
}
