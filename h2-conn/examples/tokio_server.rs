//! The example h2c server on tokio: the same routes and HTTP/2 logic as `server`
//! (`common/server.rs`), driven from an async runtime.
//!
//! ```sh
//! cargo run --release --example tokio_server                   # 127.0.0.1:8080
//! cargo run --release --example tokio_server -- --addr 127.0.0.1:9000 --verbose
//! curl --http2-prior-knowledge http://127.0.0.1:8080/
//! curl --http2 http://127.0.0.1:8080/                           # HTTP/1.1 Upgrade
//! ```
//!
//! One task per connection reads and writes at once (`common/tokio_io.rs`: `select!` over
//! the two halves of the socket), so reading never stops while a write waits; a write
//! that makes no progress for 10 s gives the connection up.
//!
//! Time: a fourth `select!` branch sleeps until the connection's next timer
//! (`poll_timeout`) and calls `handle_timeout`; reads are handed over with
//! `Instant::now()`. The timers and their flags are the std server's:
//! `Timeouts::recommended()`, keep-alive after 30 s of quiet, idle timeout 60 s
//! (`--keep-alive SECS`, `--idle SECS`, `--preface-timeout SECS`; 0 turns one off).

mod common;

use common::http1::{self, Start};
use common::server::{http1_response, Http1Answer, ServeOptions, ServerConn};
use common::tokio_io;
use h2_conn::{BodySource, Pull};
use std::io;
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() {
    let (addr, options) = common::server::args("tokio_server", "127.0.0.1:8080");
    let listener = TcpListener::bind(&addr).await.unwrap_or_else(|e| {
        eprintln!("cannot listen on {addr}: {e}");
        std::process::exit(1);
    });
    eprintln!(
        "listening on http://{} (tokio; h2c: prior knowledge or Upgrade)",
        listener.local_addr().expect("bound")
    );
    loop {
        let Ok((mut socket, peer)) = listener.accept().await else {
            continue;
        };
        let start = Instant::now();
        tokio::spawn(async move {
            let _ = socket.set_nodelay(true);
            let (mut reader, mut writer) = socket.split();
            if let Err(err) = handle(&mut reader, &mut writer, options, start).await {
                if options.verbose {
                    eprintln!("{peer}: {err}");
                }
            }
            // FIN, then drain for a moment: our GOAWAY is not lost to a TCP reset.
            tokio_io::close(&mut reader, &mut writer).await;
        });
    }
}

/// One connection: HTTP/1.1 requests (kept alive) until the HTTP/2 preface or an
/// `Upgrade: h2c`, then HTTP/2 until it is over. The preface or first request must be
/// complete within the preface timeout, each later HTTP/1.1 request within the idle
/// timeout (slowloris).
async fn handle(
    reader: &mut (impl AsyncRead + Unpin),
    writer: &mut (impl AsyncWrite + Unpin),
    options: ServeOptions,
    start: Instant,
) -> io::Result<()> {
    // Only for the first bytes (preface or HTTP/1.1 head); `run` reads with its own.
    let mut buf = vec![0u8; 4096];
    let mut first = Vec::new();
    let mut deadline = options.first_request_deadline(start);
    let (mut server, rest) = loop {
        let answer = match http1::parse_start(&first) {
            Start::NeedMore => {
                let n = tokio_io::read_until(reader, &mut buf, deadline).await?;
                if n == 0 {
                    return Ok(());
                }
                first.extend_from_slice(&buf[..n]);
                continue;
            }
            Start::PriorKnowledge => break (ServerConn::new(options, start), first),
            Start::Upgrade {
                request,
                settings,
                rest,
            } => match ServerConn::upgraded(&settings, &request, options, start) {
                Ok(server) => {
                    tokio_io::write_all(writer, http1::SWITCHING_PROTOCOLS).await?;
                    break (server, rest);
                }
                Err(why) => http1::bad_request(&why),
            },
            Start::Http1 { request, rest } => {
                let close = request.wants_close();
                write_http1(writer, http1_response(&request, close)).await?;
                if close {
                    return Ok(());
                }
                first = rest;
                deadline = options.next_request_deadline(Instant::now());
                continue;
            }
            Start::TooLarge => http1::payload_too_large(),
            Start::Bad(why) => http1::bad_request(why),
        };
        // An error answer closes the connection.
        return tokio_io::write_all(writer, &answer).await;
    };
    drop(buf);
    server.receive(Instant::now(), &rest);
    tokio_io::run(reader, writer, &mut server).await
}

/// Writes an HTTP/1.1 answer: the head, then a generated body in chunks.
async fn write_http1(
    writer: &mut (impl AsyncWrite + Unpin),
    answer: Http1Answer,
) -> io::Result<()> {
    tokio_io::write_all(writer, &answer.head).await?;
    if let Some(mut pattern) = answer.pattern {
        while let Pull::Data(chunk) | Pull::Last(chunk) = pattern.pull(64 * 1024) {
            if chunk.is_empty() {
                break;
            }
            tokio_io::write_all(writer, &chunk).await?;
        }
    }
    Ok(())
}
