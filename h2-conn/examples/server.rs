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
//! that request goes out on stream 1 (an HTTP/1.1 body above 1 MiB gets `413` instead).
//! Plain HTTP/1.1 requests are answered on the same routes, the connection kept alive.
//! All the HTTP/2 logic is in `common/server.rs`.
//!
//! The socket is read on a thread of its own while the connection's thread writes
//! (`common/blocking.rs`), so a client that uploads while it downloads never deadlocks
//! us; a write that makes no progress for 10 s gives the connection up.
//!
//! Time: the connection thread waits for input no longer than the connection's next timer
//! (`recv_timeout` on the reader's channel) and passes `Instant::now()` in with every
//! read and timeout. The timers are `Timeouts::recommended()` plus keep-alive PINGs after
//! 30 s of quiet and an idle timeout of 60 s (`--keep-alive SECS`, `--idle SECS`,
//! `--preface-timeout SECS`; 0 turns one off), so a client that connects and never
//! completes its preface is closed after 10 s.

mod common;

use common::blocking::Socket;
use common::server::serve_connection;
use std::net::TcpListener;
use std::time::Instant;

fn main() {
    let (addr, options) = common::server::args("server", "127.0.0.1:8080");
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
        let start = Instant::now();
        std::thread::spawn(move || {
            let peer = socket
                .peer_addr()
                .map(|a| a.to_string())
                .unwrap_or_default();
            let mut socket = match Socket::new(socket) {
                Ok(socket) => socket,
                Err(err) => return eprintln!("{peer}: {err}"),
            };
            if let Err(err) = serve_connection(&mut socket, options, true, Vec::new(), start) {
                if options.verbose {
                    eprintln!("{peer}: {err}");
                }
            }
            // FIN, then drain for a moment: our GOAWAY is not lost to a TCP reset.
            socket.close();
        });
    }
}
