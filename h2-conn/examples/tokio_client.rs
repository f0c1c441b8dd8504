//! The example h2c client on tokio: the same options and output as `client`
//! (`common/client.rs`), driven from an async runtime.
//!
//! ```sh
//! cargo run --release --example tokio_server &
//! cargo run --release --example tokio_client -- http://127.0.0.1:8080/
//! cargo run --release --example tokio_client -- http://127.0.0.1:8080/echo --data Cargo.toml --upgrade
//! cargo run --release --example tokio_client -- http://127.0.0.1:8080/ -n 10000 --concurrent 100
//! ```
//!
//! After the optional HTTP/1.1 Upgrade handshake one task reads and writes at once
//! (`common/tokio_io.rs`: `select!` over the two halves of the socket), so a large upload
//! to `/echo` comes back while it is still going out.
//!
//! Time: connecting and the Upgrade answer may take `--timeout SECS` (default 30); then
//! a `select!` branch sleeps until the connection's next timer and runs it, and each read
//! is handed over with `Instant::now()`. The timers are the std client's: the server's
//! SETTINGS within `--timeout`, keep-alive PINGs after 30 s of quiet, and progress on
//! each request every `--timeout`.

mod common;

use common::client::{ClientConn, Options, USAGE};
use common::{http1, tokio_io};
use std::process::ExitCode;
use std::time::Instant;
use tokio::net::TcpStream;

#[tokio::main]
async fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(err) => {
            eprintln!("{err}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("tokio_client: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: Options) -> Result<(), String> {
    let connect = tokio::time::timeout(options.timeout, TcpStream::connect(&options.authority));
    let mut socket = match connect.await {
        Ok(connected) => connected.map_err(|e| format!("connect {}: {e}", options.authority))?,
        Err(_) => return Err(format!("connect {}: timed out", options.authority)),
    };
    socket.set_nodelay(true).map_err(|e| e.to_string())?;
    let (mut reader, mut writer) = socket.split();
    let upgrade = options.upgrade;
    let deadline = Instant::now() + options.timeout;
    let mut client = ClientConn::new(options, Instant::now());
    if upgrade {
        let request = client.upgrade_request()?;
        tokio_io::write_all(&mut writer, &request)
            .await
            .map_err(|e| format!("write: {e}"))?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut head = Vec::new();
        let head_len = loop {
            let n = tokio_io::read_until(&mut reader, &mut buf, Some(deadline))
                .await
                .map_err(|e| format!("waiting for the upgrade answer: {e}"))?;
            if n == 0 {
                return Err("connection closed before the upgrade answer".into());
            }
            head.extend_from_slice(&buf[..n]);
            if let Some(len) = http1::find_head_end(&head) {
                break len;
            }
        };
        client.upgrade_answered(&head[..head_len])?;
        client.receive(Instant::now(), &head[head_len..]);
    } else {
        client.start();
    }
    match tokio_io::run(&mut reader, &mut writer, &mut client).await {
        Ok(()) if !client.is_done() => client.io_failed("the server closed the connection".into()),
        Ok(()) => {}
        Err(err) => client.io_failed(format!("I/O: {err}")),
    }
    tokio_io::close(&mut reader, &mut writer).await;
    client.finish_run()
}
