//! tokio I/O for the examples: one task reads and writes at once with `select!`, so
//! reading never stops while a write waits for the peer (both sides sending large
//! bodies at once would otherwise deadlock, each waiting in `write` for the other).
//! A third branch sleeps until the connection's next timer ([`Session::poll_timeout`])
//! and runs it; every read is handed over with the time it came.

use super::Session;
use bytes::BytesMut;
use h2_conn::Bytes;
use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{sleep_until, timeout, timeout_at, Instant};

/// How long a write may make no progress (a peer that does not read) before the
/// connection is given up.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// After our last bytes, how long we keep reading what the peer still sends.
pub const LINGER: Duration = Duration::from_secs(1);

/// The HTTP/2 loop: takes output while the session wants to write and writes it, reading
/// and feeding input all the while, and runs the session's timers when they are due.
/// Returns when the session is done (or the peer closed) and everything is written.
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
        // Due timers first: a peer that never stops sending cannot starve them.
        let now = std::time::Instant::now();
        if session.poll_timeout().is_some_and(|at| at <= now) {
            session.handle_timeout(now);
        }
        if out.is_empty() && session.wants_write() {
            out = session.data_to_send();
            last_progress = Instant::now();
        }
        if out.is_empty() && (session.is_done() || eof) {
            return Ok(());
        }
        let writing = !out.is_empty();
        // Asked after the output was taken: sending starts timers too (a PING's ACK).
        let timer = session.poll_timeout();
        // `read` and `write` are cancel safe: the branch that loses did nothing.
        tokio::select! {
            read = reader.read_buf(&mut buf), if !eof => match read? {
                0 => eof = true,
                _ => {
                    session.receive(std::time::Instant::now(), &buf);
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
            // (A disabled branch's future is still made, so it needs some instant.)
            _ = sleep_until(timer.map_or(last_progress, Instant::from_std)), if timer.is_some() => {
                session.handle_timeout(std::time::Instant::now());
            }
        }
    }
}

/// `read` that gives up at `deadline` (`None`: never) with a `TimedOut` error.
pub async fn read_until(
    reader: &mut (impl AsyncRead + Unpin),
    buf: &mut [u8],
    deadline: Option<std::time::Instant>,
) -> io::Result<usize> {
    let Some(deadline) = deadline else {
        return reader.read(buf).await;
    };
    match timeout_at(Instant::from_std(deadline), reader.read(buf)).await {
        Ok(result) => result,
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the peer said nothing in time",
        )),
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
