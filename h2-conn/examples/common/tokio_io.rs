//! tokio I/O for the examples: one task reads and writes at once with `select!`, so
//! reading never stops while a write waits for the peer (both sides sending large
//! bodies at once would otherwise deadlock, each waiting in `write` for the other).

use super::Session;
use bytes::BytesMut;
use h2_conn::Bytes;
use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{sleep_until, timeout, Instant};

/// How long a write may make no progress (a peer that does not read) before the
/// connection is given up.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// After our last bytes, how long we keep reading what the peer still sends.
pub const LINGER: Duration = Duration::from_secs(1);

/// The HTTP/2 loop: takes output while the session wants to write and writes it, reading
/// and feeding input all the while. Returns when the session is done (or the peer closed)
/// and everything is written.
pub async fn run(
    reader: &mut (impl AsyncRead + Unpin),
    writer: &mut (impl AsyncWrite + Unpin),
    session: &mut impl Session,
) -> io::Result<()> {
    // 16 KiB: one full-size frame per read. Read into spare capacity (`read_buf`), so an
    // idle connection only touches the pages its few bytes landed in.
    let mut buf = BytesMut::with_capacity(16 * 1024);
    let mut out = Bytes::new();
    let mut last_progress = Instant::now();
    let mut eof = false;
    loop {
        if out.is_empty() && session.wants_write() {
            out = session.data_to_send();
            last_progress = Instant::now();
        }
        if out.is_empty() && (session.is_done() || eof) {
            return Ok(());
        }
        let writing = !out.is_empty();
        // `read` and `write` are cancel safe: the branch that loses did nothing.
        tokio::select! {
            read = reader.read_buf(&mut buf), if !eof => match read? {
                0 => eof = true,
                _ => {
                    session.receive(&buf);
                    buf.clear();
                }
            },
            written = writer.write(&out), if writing => {
                let n = written?;
                // Drop a finished buffer so the connection can reuse its allocation.
                out = if n == out.len() { Bytes::new() } else { out.slice(n..) };
                last_progress = Instant::now();
            }
            _ = sleep_until(last_progress + WRITE_TIMEOUT), if writing => {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "the peer does not read"));
            }
        }
    }
}

/// `write_all` that gives up after [`WRITE_TIMEOUT`] (for writes outside [`run`]).
pub async fn write_all(writer: &mut (impl AsyncWrite + Unpin), data: &[u8]) -> io::Result<()> {
    match timeout(WRITE_TIMEOUT, writer.write_all(data)).await {
        Ok(result) => result,
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the peer does not read",
        )),
    }
}

/// Ends the connection from our side without losing our last bytes: FIN, then read what
/// the peer still sends for up to [`LINGER`] (closing with unread input makes the kernel
/// send a TCP reset, which can destroy our GOAWAY before the peer reads it).
pub async fn close(reader: &mut (impl AsyncRead + Unpin), writer: &mut (impl AsyncWrite + Unpin)) {
    let _ = writer.shutdown().await;
    let mut buf = [0u8; 16 * 1024];
    let drain = async { while matches!(reader.read(&mut buf).await, Ok(n) if n > 0) {} };
    let _ = timeout(LINGER, drain).await;
}
