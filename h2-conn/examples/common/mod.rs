//! Code shared by the examples: the sans-IO halves of the example server and client.
//!
//! Each example does its own I/O (std blocking sockets, tokio, rustls) and hands bytes to
//! [`server::ServerConn`] or [`client::ClientConn`], which own the `h2_conn::Connection`.
//! Not every example uses every item here.
#![allow(dead_code)]

pub mod client;
pub mod http1;
pub mod outbox;
pub mod server;
