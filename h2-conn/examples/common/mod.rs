//! Code shared by the examples: the sans-IO halves of the example server and client.
//!
//! Each example does its own I/O (std blocking sockets, tokio, rustls) and hands bytes to
//! [`server::ServerConn`] or [`client::ClientConn`], which own the `h2_conn::Connection`.
//! The I/O loops, which never stop reading while they write, are in [`blocking`] (std,
//! a reader thread) and [`tokio_io`] (`select!`). Not every example uses every item here.
#![allow(dead_code)]

pub mod blocking;
pub mod client;
pub mod http1;
pub mod server;
pub mod tokio_io;

/// What the I/O loops drive: [`server::ServerConn`] or [`client::ClientConn`].
pub trait Session {
    /// Handles received bytes.
    fn receive(&mut self, data: &[u8]);
    /// True while there is output to take.
    fn wants_write(&self) -> bool;
    /// The next output to write.
    fn data_to_send(&mut self) -> h2_conn::Bytes;
    /// The connection is over once the last output is written.
    fn is_done(&self) -> bool;
}

impl Session for server::ServerConn {
    fn receive(&mut self, data: &[u8]) {
        self.receive(data)
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

impl Session for client::ClientConn {
    fn receive(&mut self, data: &[u8]) {
        self.receive(data)
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
