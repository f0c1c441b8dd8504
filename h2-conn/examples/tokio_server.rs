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
//! Each connection is split into a read half and a write half. The reader feeds the
//! sans-IO connection and wakes the writer; the writer sleeps until woken, then writes
//! whatever output is pending. The connection sits behind a mutex that is never held
//! across an `.await`.

mod common;

use common::http1::{self, Start};
use common::server::{http1_response, ServerConn};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

#[tokio::main]
async fn main() {
    let (addr, verbose) = common::server::args("tokio_server", "127.0.0.1:8080");
    let listener = TcpListener::bind(&addr).await.unwrap_or_else(|e| {
        eprintln!("cannot listen on {addr}: {e}");
        std::process::exit(1);
    });
    eprintln!(
        "listening on http://{} (tokio; h2c: prior knowledge or Upgrade)",
        listener.local_addr().expect("bound")
    );
    loop {
        let Ok((socket, peer)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(async move {
            if let Err(err) = handle(socket, verbose).await {
                if verbose {
                    eprintln!("{peer}: {err}");
                }
            }
        });
    }
}

/// What the two halves share.
struct Shared {
    server: Mutex<ServerConn>,
    /// Output may be pending (or the connection ended): the writer should look.
    wake: Notify,
    /// The peer closed its side.
    eof: AtomicBool,
}

async fn handle(mut socket: TcpStream, verbose: bool) -> std::io::Result<()> {
    socket.set_nodelay(true)?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut first = Vec::new();
    let (mut server, rest) = loop {
        let n = socket.read(&mut buf).await?;
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
                    socket.write_all(http1::SWITCHING_PROTOCOLS).await?;
                    break (server, rest);
                }
                Err(why) => http1::bad_request(&why),
            },
            Start::Http1(request) => http1_response(&request),
            Start::Bad(why) => http1::bad_request(why),
        };
        socket.write_all(&answer).await?;
        return socket.shutdown().await;
    };
    server.verbose = verbose;
    server.receive(&rest);

    let shared = Arc::new(Shared {
        server: Mutex::new(server),
        wake: Notify::new(),
        eof: AtomicBool::new(false),
    });
    let (mut reader, writer) = socket.into_split();
    let write_task = tokio::spawn(write_loop(writer, Arc::clone(&shared)));
    loop {
        let n: usize = reader.read(&mut buf).await.unwrap_or_default();
        if n == 0 {
            shared.eof.store(true, Ordering::Release);
            shared.wake.notify_one();
            break;
        }
        let done = {
            let mut server = shared.server.lock().expect("not poisoned");
            server.receive(&buf[..n]);
            server.is_done()
        };
        shared.wake.notify_one();
        if done {
            break;
        }
    }
    write_task.await.expect("writer task does not panic")
}

/// Writes pending output whenever woken; ends once the connection is over and
/// everything is written.
async fn write_loop(mut writer: OwnedWriteHalf, shared: Arc<Shared>) -> std::io::Result<()> {
    loop {
        let (out, done) = {
            let mut server = shared.server.lock().expect("not poisoned");
            (
                server.data_to_send(),
                server.is_done() || shared.eof.load(Ordering::Acquire),
            )
        };
        if !out.is_empty() {
            writer.write_all(&out).await?;
            continue;
        }
        if done {
            break;
        }
        // `notify_one` stores a permit when nobody waits, so a wake-up between the check
        // above and this line is not lost.
        shared.wake.notified().await;
    }
    writer.shutdown().await
}
