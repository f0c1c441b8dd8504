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
//! After the optional HTTP/1.1 Upgrade handshake the socket is split: a read half feeds
//! the connection and wakes the write half, which writes pending output.

mod common;

use common::client::{ClientConn, Options, USAGE};
use common::http1;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::TcpStream;
use tokio::sync::Notify;

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

/// What the two halves share.
struct Shared {
    client: Mutex<ClientConn>,
    wake: Notify,
    /// The reader stopped (end of input or error).
    stopped: AtomicBool,
}

async fn run(options: Options) -> Result<(), String> {
    let mut socket = TcpStream::connect(&options.authority)
        .await
        .map_err(|e| format!("connect {}: {e}", options.authority))?;
    socket.set_nodelay(true).map_err(|e| e.to_string())?;
    let upgrade = options.upgrade;
    let mut client = ClientConn::new(options);
    let mut buf = vec![0u8; 64 * 1024];
    if upgrade {
        let request = client.upgrade_request()?;
        socket
            .write_all(&request)
            .await
            .map_err(|e| format!("write: {e}"))?;
        let mut head = Vec::new();
        let head_len = loop {
            let n = socket
                .read(&mut buf)
                .await
                .map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                return Err("connection closed before the upgrade answer".into());
            }
            head.extend_from_slice(&buf[..n]);
            if let Some(len) = http1::find_head_end(&head) {
                break len;
            }
        };
        client.upgrade_answered(&head[..head_len])?;
        client.receive(&head[head_len..]);
    } else {
        client.start();
    }

    let shared = Arc::new(Shared {
        client: Mutex::new(client),
        wake: Notify::new(),
        stopped: AtomicBool::new(false),
    });
    let (mut reader, writer) = socket.into_split();
    let write_task = tokio::spawn(write_loop(writer, Arc::clone(&shared)));
    loop {
        let result = reader.read(&mut buf).await;
        let mut client = shared.client.lock().expect("not poisoned");
        match result {
            Ok(0) => client.io_failed("the server closed the connection".into()),
            Ok(n) => client.receive(&buf[..n]),
            Err(ref err) => client.io_failed(format!("read: {err}")),
        }
        let done = client.is_done() || matches!(result, Ok(0) | Err(_));
        drop(client);
        if done {
            shared.stopped.store(true, Ordering::Release);
        }
        shared.wake.notify_one();
        if done {
            break;
        }
    }
    if let Err(err) = write_task.await.expect("writer task does not panic") {
        shared
            .client
            .lock()
            .expect("not poisoned")
            .io_failed(format!("write: {err}"));
    }
    let client = shared.client.lock().expect("not poisoned");
    client.finish_run()
}

/// Writes pending output whenever woken; ends when the reader stopped and everything
/// is written.
async fn write_loop(mut writer: OwnedWriteHalf, shared: Arc<Shared>) -> std::io::Result<()> {
    loop {
        let (out, done) = {
            let mut client = shared.client.lock().expect("not poisoned");
            (
                client.data_to_send(),
                client.is_done() || shared.stopped.load(Ordering::Acquire),
            )
        };
        if !out.is_empty() {
            writer.write_all(&out).await?;
            continue;
        }
        if done {
            break;
        }
        shared.wake.notified().await;
    }
    writer.shutdown().await
}
