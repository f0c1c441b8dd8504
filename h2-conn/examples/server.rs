//! An HTTP/2 cleartext (h2c) server on std blocking sockets, one thread per connection.
//!
//! ```sh
//! cargo run --release --example server                    # 127.0.0.1:8080
//! cargo run --release --example server -- --addr 127.0.0.1:9000 --verbose
//! curl --http2-prior-knowledge http://127.0.0.1:8080/      # prior knowledge
//! curl --http2 http://127.0.0.1:8080/                      # HTTP/1.1 Upgrade: h2c
//! curl --http2-prior-knowledge --data-binary @file http://127.0.0.1:8080/echo
//! nghttp -nv http://127.0.0.1:8080/push                    # server push
//! h2load -n 20000 -c 8 -m 64 http://127.0.0.1:8080/
//! ```
//!
//! Routes: `/` (text), `/echo` (POST: the body comes back), `/bytes/N` (N bytes),
//! `/trailers` (a body then trailers), `/push` (pushes `/pushed.txt` when the client
//! allows push); anything else is 404.
//!
//! Each connection starts either with the HTTP/2 preface (prior knowledge) or with an
//! HTTP/1.1 request. A request carrying `Upgrade: h2c` and `HTTP2-Settings` is answered
//! with `101 Switching Protocols`, then the connection speaks HTTP/2 and the response to
//! that request goes out on stream 1. All the HTTP/2 logic is in `common/server.rs`.

mod common;

use common::http1::{self, Start};
use common::server::{http1_response, serve_blocking, ServerConn};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::Duration;

fn main() {
    let (addr, verbose) = common::server::args("server", "127.0.0.1:8080");
    let listener = TcpListener::bind(&addr).unwrap_or_else(|e| {
        eprintln!("cannot listen on {addr}: {e}");
        std::process::exit(1);
    });
    eprintln!(
        "listening on http://{} (h2c: prior knowledge or Upgrade)",
        listener.local_addr().expect("bound")
    );
    for socket in listener.incoming() {
        let Ok(socket) = socket else { continue };
        std::thread::spawn(move || {
            let peer = socket
                .peer_addr()
                .map(|a| a.to_string())
                .unwrap_or_default();
            if let Err(err) = handle(socket, verbose) {
                if verbose {
                    eprintln!("{peer}: {err}");
                }
            }
        });
    }
}

/// One connection: find out how it starts, then run HTTP/2 until it is over.
fn handle(mut socket: TcpStream, verbose: bool) -> io::Result<()> {
    socket.set_nodelay(true)?;
    let mut first = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let (mut server, rest) = loop {
        let n = socket.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        first.extend_from_slice(&buf[..n]);
        let answer = match http1::parse_start(&first) {
            Start::NeedMore => continue,
            Start::PriorKnowledge => break (ServerConn::new(), first),
            Start::Upgrade {
                request,
                settings,
                rest,
            } => match ServerConn::upgraded(&settings, &request) {
                Ok(server) => {
                    socket.write_all(http1::SWITCHING_PROTOCOLS)?;
                    break (server, rest);
                }
                Err(why) => http1::bad_request(&why),
            },
            Start::Http1(request) => http1_response(&request),
            Start::Bad(why) => http1::bad_request(why),
        };
        socket.write_all(&answer)?;
        return linger_close(socket);
    };
    server.verbose = verbose;
    serve_blocking(&mut socket, server, &rest)?;
    linger_close(socket)
}

/// Closes our side and drains what the peer still sends for a moment, so that our last
/// bytes (a GOAWAY) are not destroyed by a TCP reset caused by unread input.
fn linger_close(mut socket: TcpStream) -> io::Result<()> {
    socket.shutdown(Shutdown::Write)?;
    socket.set_read_timeout(Some(Duration::from_secs(1)))?;
    let mut buf = [0u8; 16 * 1024];
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    while std::time::Instant::now() < deadline && matches!(socket.read(&mut buf), Ok(n) if n > 0) {}
    Ok(())
}
