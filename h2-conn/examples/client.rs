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

mod common;

use common::client::{ClientConn, Options, USAGE};
use common::http1;
use std::io::{Read, Write};
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
    let mut socket = TcpStream::connect(&options.authority)
        .map_err(|e| format!("connect {}: {e}", options.authority))?;
    socket.set_nodelay(true).map_err(|e| e.to_string())?;
    let upgrade = options.upgrade;
    let mut client = ClientConn::new(options);
    let mut buf = vec![0u8; 64 * 1024];
    if upgrade {
        let request = client.upgrade_request()?;
        socket
            .write_all(&request)
            .map_err(|e| format!("write: {e}"))?;
        // Read the HTTP/1.1 answer head; what follows it is HTTP/2.
        let mut head = Vec::new();
        let head_len = loop {
            let n = socket.read(&mut buf).map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                return Err("connection closed before the upgrade answer".into());
            }
            head.extend_from_slice(&buf[..n]);
            if let Some(len) = http1::find_head_end(&head) {
                break len;
            }
        };
        client.upgrade_answered(&head[..head_len])?;
        socket
            .write_all(&client.data_to_send())
            .map_err(|e| format!("write: {e}"))?;
        client.receive(&head[head_len..]);
    } else {
        client.start();
    }
    // The sans-IO loop: write what the connection has, read, feed, repeat.
    loop {
        let out = client.data_to_send();
        if !out.is_empty() {
            if let Err(err) = socket.write_all(&out) {
                client.io_failed(format!("write: {err}"));
                break;
            }
        }
        if client.is_done() {
            break;
        }
        match socket.read(&mut buf) {
            Ok(0) => {
                client.io_failed("the server closed the connection".into());
                break;
            }
            Ok(n) => client.receive(&buf[..n]),
            Err(err) => {
                client.io_failed(format!("read: {err}"));
                break;
            }
        }
    }
    let _ = socket.shutdown(std::net::Shutdown::Both);
    client.finish_run()
}
