//! An HTTP/2 cleartext (h2c) client on std blocking sockets.
//!
//! ```sh
//! cargo run --release --example server &
//! cargo run --release --example client -- http://127.0.0.1:8080/
//! cargo run --release --example client -- http://127.0.0.1:8080/ --upgrade   # HTTP/1.1 Upgrade
//! cargo run --release --example client -- http://127.0.0.1:8080/echo --data Cargo.toml
//! cargo run --release --example client -- http://127.0.0.1:8080/ -n 10000 --concurrent 100
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

mod common;

use common::blocking::{self, Socket, Transport};
use common::client::{ClientConn, Options, USAGE};
use common::http1;
use std::net::TcpStream;
use std::process::ExitCode;

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
    let socket = TcpStream::connect(&options.authority)
        .map_err(|e| format!("connect {}: {e}", options.authority))?;
    let mut socket = Socket::new(socket).map_err(|e| e.to_string())?;
    let upgrade = options.upgrade;
    let mut client = ClientConn::new(options);
    if upgrade {
        let request = client.upgrade_request()?;
        socket
            .write_all(&request)
            .map_err(|e| format!("write: {e}"))?;
        // Read the HTTP/1.1 answer head; what follows it is HTTP/2.
        let mut head = Vec::new();
        let head_len = loop {
            let input = socket.read().map_err(|e| format!("read: {e}"))?;
            if input.is_empty() {
                return Err("connection closed before the upgrade answer".into());
            }
            head.extend_from_slice(&input);
            if let Some(len) = http1::find_head_end(&head) {
                break len;
            }
        };
        client.upgrade_answered(&head[..head_len])?;
        client.receive(&head[head_len..]);
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
