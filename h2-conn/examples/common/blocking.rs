//! std blocking sockets that never stop reading while they write.
//!
//! A loop that writes everything and only then reads deadlocks when both sides send
//! large bodies at once: each blocks in `write` with full socket buffers, waiting for the
//! other to read. [`Socket`] reads on a thread of its own and hands what it read over a
//! bounded channel, while the thread that owns the HTTP/2 connection writes. Waiting on
//! that channel with a deadline (`recv_timeout`) is how the loop keeps the connection's
//! timers: it never waits for input past [`Session::poll_timeout`].

use super::Session;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long a write may make no progress (a peer that does not read) before the
/// connection is given up, so such a peer never holds a thread forever. It is the
/// socket's send timeout: the kernel growing its send buffer counts as progress, so the
/// connection ends this long after the buffer is at its largest.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// After our last bytes, how long we keep reading (and dropping) what the peer still
/// sends before closing.
pub const LINGER: Duration = Duration::from_secs(1);
/// Reads held between the reader thread and the connection (up to 16 KiB each). The
/// peer cannot send more DATA than the receive window we gave it, so the reader never
/// has to hold more than that to keep a peer that writes before it reads going.
const QUEUED_READS: usize = 32;

/// Received bytes in, bytes to write out, one blocking call each: what the HTTP/2 loops
/// of the std examples drive ([`Socket`] for TCP, a TLS wrapper in `tls_server`).
pub trait Transport {
    /// The next bytes from the peer, waiting no later than `deadline` (`None`: as long
    /// as it takes). `Ok(None)`: the deadline passed first; empty: the end of input.
    fn read_until(&mut self, deadline: Option<Instant>) -> io::Result<Option<Vec<u8>>>;
    /// The next bytes from the peer, by `deadline`, else a `TimedOut` error; empty at the
    /// end of input.
    fn read_by(&mut self, deadline: Instant) -> io::Result<Vec<u8>> {
        self.read_until(Some(deadline))?
            .ok_or_else(|| io::Error::new(io::ErrorKind::TimedOut, "the peer said nothing in time"))
    }
    /// Writes all of `data` (blocks at most [`WRITE_TIMEOUT`] without progress).
    fn write_all(&mut self, data: &[u8]) -> io::Result<()>;
}

/// A `TcpStream` read by a thread of its own: [`Transport::read`] takes what it read,
/// [`Transport::write_all`] writes on the caller's thread.
pub struct Socket {
    socket: TcpStream,
    input: Receiver<io::Result<Vec<u8>>>,
}

impl Socket {
    /// Starts the reader thread.
    pub fn new(socket: TcpStream) -> io::Result<Socket> {
        socket.set_nodelay(true)?;
        socket.set_write_timeout(Some(WRITE_TIMEOUT))?;
        let mut reading = socket.try_clone()?;
        let (tx, input) = sync_channel(QUEUED_READS);
        // The reader needs little stack: it only reads into its buffer.
        let reader = std::thread::Builder::new().stack_size(64 * 1024);
        reader.spawn(move || {
            // 16 KiB: one full-size frame per read, and little held per idle connection.
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                let result = reading.read(&mut buf).map(|n| buf[..n].to_vec());
                let more = matches!(&result, Ok(bytes) if !bytes.is_empty());
                // Ends when the connection owner is gone, at EOF, or on an error.
                if tx.send(result).is_err() || !more {
                    return;
                }
            }
        })?;
        Ok(Socket { socket, input })
    }

    /// Ends the connection from our side without losing our last bytes: sends FIN, then
    /// reads what the peer still sends for up to [`LINGER`]. Closing with unread input
    /// makes the kernel answer with a TCP reset, which can destroy our GOAWAY or last
    /// response before the peer reads it.
    pub fn close(self) {
        let _ = self.socket.shutdown(Shutdown::Write);
        let deadline = Instant::now() + LINGER;
        while let Ok(Ok(bytes)) = self
            .input
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            if bytes.is_empty() {
                break; // the peer closed too
            }
        }
    }
}

impl Transport for Socket {
    fn read_until(&mut self, deadline: Option<Instant>) -> io::Result<Option<Vec<u8>>> {
        let received = match deadline {
            None => self
                .input
                .recv()
                .map_err(|_| RecvTimeoutError::Disconnected),
            Some(at) => self
                .input
                .recv_timeout(at.saturating_duration_since(Instant::now())),
        };
        match received {
            Ok(result) => result.map(Some),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            // The reader thread is gone only after EOF or an error, both handed over.
            Err(RecvTimeoutError::Disconnected) => Ok(Some(Vec::new())),
        }
    }

    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.socket.write_all(data)
    }
}

/// Plain `Write` on the caller's thread (for a TLS library that writes records itself).
impl Write for Socket {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.socket.write(data)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.socket.flush()
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        // Wakes the reader thread if it is blocked in `read`.
        let _ = self.socket.shutdown(Shutdown::Both);
    }
}

/// The HTTP/2 loop: run the timers that are due, write everything the connection has
/// (the reader thread keeps reading meanwhile), then wait for input until the next timer
/// at most, and feed what came with the time it came. Returns when the session is done
/// or the peer closed; the caller closes the transport.
pub fn run(io: &mut impl Transport, session: &mut impl Session) -> io::Result<()> {
    loop {
        // Due timers first: a peer that never stops sending cannot starve them.
        let now = Instant::now();
        if session.poll_timeout().is_some_and(|at| at <= now) {
            session.handle_timeout(now);
        }
        while session.wants_write() {
            io.write_all(&session.data_to_send())?;
        }
        if session.is_done() {
            return Ok(());
        }
        match io.read_until(session.poll_timeout())? {
            None => session.handle_timeout(Instant::now()),
            Some(input) if input.is_empty() => return Ok(()), // the peer closed
            Some(input) => session.receive(Instant::now(), &input),
        }
    }
}
