//! Code shared by the examples: the sans-IO halves of the example server and client.
//!
//! Each example does its own I/O (std blocking sockets, tokio, rustls) and hands bytes to
//! [`server::ServerConn`] or [`client::ClientConn`], which own the `h2_conn::Connection`.
//! The I/O loops, which never stop reading while they write, are in [`blocking`] (std,
//! a reader thread) and [`tokio_io`] (`select!`). They also keep the time: each passes
//! `Instant::now()` in with what it read, waits for input no longer than
//! [`Session::poll_timeout`], and calls [`Session::handle_timeout`] when that passes.
//! Not every example uses every item here.
#![allow(dead_code)]

pub mod blocking;
pub mod client;
pub mod http1;
pub mod server;
pub mod tokio_io;

use std::time::Instant;

/// What the I/O loops drive: [`server::ServerConn`] or [`client::ClientConn`].
pub trait Session {
    /// Handles bytes received at `now`.
    fn receive(&mut self, now: Instant, data: &[u8]);
    /// When to call [`handle_timeout`](Session::handle_timeout) next (`None`: wait for
    /// input as long as it takes).
    fn poll_timeout(&mut self) -> Option<Instant>;
    /// Runs the timers due at `now` (keep-alive PING, idle and preface deadlines, the
    /// client's no-progress deadline); then take the output.
    fn handle_timeout(&mut self, now: Instant);
    /// True while there is output to take.
    fn wants_write(&self) -> bool;
    /// The next output to write.
    fn data_to_send(&mut self) -> h2_conn::Bytes;
    /// The connection is over once the last output is written.
    fn is_done(&self) -> bool;
}

/// Both sessions implement [`Session`] with inherent methods of the same names.
macro_rules! session_by_delegation {
    ($t:ty) => {
        impl Session for $t {
            fn receive(&mut self, now: Instant, data: &[u8]) {
                self.receive(now, data)
            }
            fn poll_timeout(&mut self) -> Option<Instant> {
                self.poll_timeout()
            }
            fn handle_timeout(&mut self, now: Instant) {
                self.handle_timeout(now)
            }
            fn wants_write(&self) -> bool {
                self.wants_write()
            }
            fn data_to_send(&mut self) -> h2_conn::Bytes {
                self.data_to_send()
            }
            fn is_done(&self) -> bool {
                self.is_done()
            }
        }
    };
}

session_by_delegation!(server::ServerConn);
session_by_delegation!(client::ClientConn);
