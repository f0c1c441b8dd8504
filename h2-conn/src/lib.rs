//! A sans-IO HTTP/2 connection (RFC 9113, HPACK RFC 7541), client and server.
//!
//! This is the top layer of the h2-sans-io stack and the one crate most users need. The
//! [`Connection`] does no I/O: feed it the bytes you read and it returns [`Event`]s;
//! call its commands and take the bytes to write with
//! [`data_to_send`](Connection::data_to_send). It works the same under tokio, mio,
//! blocking std sockets, io_uring or an embedded executor. Its methods mirror Python's
//! hyper-h2 `H2Connection`, so hyper-h2 code ports line by line (see the [`guide`]).
//!
//! Everything a caller needs is re-exported here, so `h2-conn` is the only dependency
//! line: [`Config`], [`Event`], [`HeaderField`], [`StreamId`], [`ErrorCode`],
//! [`Settings`], and the lower crates as [`frame`], [`hpack`], [`events`] and [`stream`].
//!
//! # The model in one example
//!
//! Two connections talk to each other in memory: whatever one side's `data_to_send`
//! returns is what the other side's socket would read.
//!
//! ```
//! use h2_conn::{Config, Connection, Event, HeaderField};
//!
//! let mut client = Connection::new(Config::client());
//! let mut server = Connection::new(Config::server());
//! client.initiate_connection();
//! server.initiate_connection();
//!
//! let id = client.next_stream_id().unwrap();
//! let request = [
//!     HeaderField::new(":method", "GET"),
//!     HeaderField::new(":scheme", "http"),
//!     HeaderField::new(":authority", "example.com"),
//!     HeaderField::new(":path", "/"),
//! ];
//! client.send_headers(id, &request, true).unwrap();
//!
//! // "Network": hand each side's output to the other.
//! for event in server.receive_bytes(client.data_to_send()).unwrap() {
//!     if let Event::RequestReceived { stream_id, .. } = event {
//!         server.send_headers(stream_id, &[HeaderField::new(":status", "200")], false).unwrap();
//!         server.send_data(stream_id, "hello", true).unwrap();
//!     }
//! }
//! let events = client.receive_bytes(server.data_to_send()).unwrap();
//! assert!(events.iter().any(|e| matches!(e, Event::DataReceived { data, .. } if data == "hello")));
//! ```
//!
//! # A server and a client over TCP, end to end
//!
//! Every program built on this crate has the same loop: read bytes, hand them to
//! [`receive_data`](Connection::receive_data), act on each event, and write
//! [`data_to_send`](Connection::data_to_send) while [`wants_write`](Connection::wants_write).
//! Below, a blocking server echoes request bodies, and a client POSTs a body three times
//! larger than the initial window with [`queue_data`](Connection::queue_data) (the
//! connection sends it as the server opens windows), over a real loopback socket.
//!
//! Each side reads on a thread of its own: with "write everything, then read", two peers
//! that both send large bodies at once would each block in `write`, waiting for the other
//! to read.
//!
//! ```
//! use h2_conn::{Config, Connection, ErrorCode, Event, HeaderField, StreamId};
//! use std::collections::HashMap;
//! use std::io::{self, Read, Write};
//! use std::net::{Shutdown, TcpListener, TcpStream};
//! use std::sync::mpsc::{sync_channel, Receiver};
//!
//! /// Reads `socket` on a thread of its own, so reading goes on while we write.
//! fn reader(socket: &TcpStream) -> io::Result<Receiver<Vec<u8>>> {
//!     let mut socket = socket.try_clone()?;
//!     let (tx, rx) = sync_channel(16);
//!     std::thread::spawn(move || {
//!         let mut buf = vec![0; 64 * 1024];
//!         while let Ok(n @ 1..) = socket.read(&mut buf) {
//!             if tx.send(buf[..n].to_vec()).is_err() {
//!                 break;
//!             }
//!         }
//!     }); // ends at EOF: `recv` then fails
//!     Ok(rx)
//! }
//!
//! /// Serves one connection: answers every request with `200` and the request's body.
//! fn serve(mut socket: TcpStream) -> io::Result<()> {
//!     let input = reader(&socket)?;
//!     let mut conn = Connection::new(Config::server());
//!     conn.initiate_connection(); // queues our SETTINGS
//!     let mut bodies: HashMap<StreamId, Vec<u8>> = HashMap::new();
//!     loop {
//!         while conn.wants_write() {
//!             socket.write_all(&conn.data_to_send())?;
//!         }
//!         let Ok(bytes) = input.recv() else {
//!             return Ok(()); // the peer closed the socket
//!         };
//!         // Err only if the connection was already closed; peer faults are events.
//!         // `bytes` by value: the connection keeps the Vec, no copy.
//!         let events = conn.receive_data(bytes).expect("connection is open");
//!         for event in events {
//!             match event {
//!                 Event::RequestReceived { stream_id, .. } => {
//!                     bodies.insert(stream_id, Vec::new());
//!                 }
//!                 Event::DataReceived { stream_id, data, flow_controlled_length, .. } => {
//!                     bodies.entry(stream_id).or_default().extend_from_slice(&data);
//!                     // Give the window back once the data is consumed.
//!                     conn.acknowledge_received_data(flow_controlled_length, stream_id)
//!                         .expect("connection is open");
//!                 }
//!                 Event::StreamEnded { stream_id } => {
//!                     // The request is complete: respond.
//!                     let body = bodies.remove(&stream_id).unwrap_or_default();
//!                     let length = body.len().to_string();
//!                     let response = [
//!                         HeaderField::new(":status", "200"),
//!                         HeaderField::new("content-length", length),
//!                     ];
//!                     conn.send_headers(stream_id, &response, false).expect("stream is open");
//!                     // Any size: framed as the client's windows allow.
//!                     conn.queue_data(stream_id, body, true).expect("within the send buffer");
//!                 }
//!                 Event::StreamReset { stream_id, .. } => {
//!                     bodies.remove(&stream_id);
//!                 }
//!                 Event::ConnectionTerminated { .. } => {
//!                     // GOAWAY received, or sent by us on a protocol error: flush, stop.
//!                     socket.write_all(&conn.data_to_send())?;
//!                     return socket.shutdown(Shutdown::Write);
//!                 }
//!                 _ => {} // settings, pings (answered for you), window updates, ...
//!             }
//!         }
//!     }
//! }
//!
//! /// Sends one POST and returns the response status and body.
//! fn post(mut socket: TcpStream, path: &str, body: Vec<u8>) -> io::Result<(u16, Vec<u8>)> {
//!     let input = reader(&socket)?;
//!     let mut conn = Connection::new(Config::client());
//!     conn.initiate_connection(); // queues the client preface and our SETTINGS
//!     let id = conn.next_stream_id().expect("a fresh connection has stream ids");
//!     let request = [
//!         HeaderField::new(":method", "POST"),
//!         HeaderField::new(":scheme", "http"),
//!         HeaderField::new(":authority", "localhost"),
//!         HeaderField::new(":path", path.to_owned()),
//!     ];
//!     conn.send_headers(id, &request, false).expect("new stream");
//!     conn.queue_data(id, body, true).expect("within the send buffer");
//!
//!     let (mut status, mut response_body) = (0, Vec::new());
//!     loop {
//!         while conn.wants_write() {
//!             socket.write_all(&conn.data_to_send())?;
//!         }
//!         let bytes = input.recv().map_err(|_| io::Error::from(io::ErrorKind::UnexpectedEof))?;
//!         for event in conn.receive_data(bytes).expect("connection is open") {
//!             match event {
//!                 Event::ResponseReceived { headers, .. } => {
//!                     status = headers.status().expect("a response has a :status");
//!                 }
//!                 Event::DataReceived { stream_id, data, flow_controlled_length, .. } => {
//!                     response_body.extend_from_slice(&data);
//!                     conn.acknowledge_received_data(flow_controlled_length, stream_id)
//!                         .expect("connection is open");
//!                 }
//!                 Event::StreamEnded { stream_id } if stream_id == id => {
//!                     // Done: say goodbye with GOAWAY(NO_ERROR) and close.
//!                     conn.close_connection(ErrorCode::NO_ERROR, None, None)
//!                         .expect("connection is open");
//!                     socket.write_all(&conn.data_to_send())?;
//!                     socket.shutdown(Shutdown::Write)?;
//!                     return Ok((status, response_body));
//!                 }
//!                 Event::StreamReset { error_code, .. }
//!                 | Event::ConnectionTerminated { error_code, .. } => {
//!                     return Err(io::Error::other(format!("failed: {error_code}")));
//!                 }
//!                 _ => {}
//!             }
//!         }
//!     }
//! }
//!
//! let listener = TcpListener::bind("127.0.0.1:0")?;
//! let addr = listener.local_addr()?;
//! let server = std::thread::spawn(move || serve(listener.accept()?.0));
//! let upload: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
//! let (status, body) = post(TcpStream::connect(addr)?, "/echo", upload.clone())?;
//! assert_eq!(status, 200);
//! assert_eq!(body, upload);
//! server.join().unwrap()?;
//! # Ok::<(), io::Error>(())
//! ```
//!
//! The same loop runs under an async runtime: keep the `Connection` in the task and
//! `select!` over reading and writing the two halves of the socket (see
//! `examples/common/tokio_io.rs`). The
//! repository's `examples/` also hold a complete h2c server and client with prior
//! knowledge and the HTTP/1.1 Upgrade path (`cargo run --example server`, then
//! `curl --http2-prior-knowledge http://127.0.0.1:8080/`), and a TLS server with ALPN.
//!
//! # What else to know
//!
//! * **Errors.** A peer's protocol violation never returns `Err`: the connection queues
//!   the GOAWAY or RST_STREAM that RFC 9113 5.4 requires and reports
//!   [`Event::ConnectionTerminated`] (`remote: false`) or [`Event::StreamReset`]
//!   (`remote_reset: false`). `Err` is always a [`UserError`]: your call was refused and
//!   nothing changed.
//! * **Flow control.** [`send_data`](Connection::send_data) sends all of its payload or
//!   nothing; check [`local_flow_control_window`](Connection::local_flow_control_window)
//!   and resume on [`Event::WindowUpdated`]. Received data counts against our window
//!   until you call [`acknowledge_received_data`](Connection::acknowledge_received_data);
//!   [`Config::window_policy`] decides when WINDOW_UPDATE goes out.
//! * **Zero copy.** [`receive_data`](Connection::receive_data) given a [`Bytes`] (by
//!   value or by reference), a `Vec<u8>` or a `BytesMut` by value keeps it and makes
//!   every DATA payload a view of it (see [`ReceivedOctets`]);
//!   [`data_to_send_vectored`](Connection::data_to_send_vectored) hands payloads you sent
//!   back to the socket without a copy.
//! * **Costs.** [`receive_data`](Connection::receive_data) copies a slice once into a
//!   reused buffer (and nothing else it takes, as above) and returns a new `Vec` of
//!   events ([`receive_data_into`](Connection::receive_data_into) reuses yours). Hand the
//!   chunks [`data_to_send_vectored`](Connection::data_to_send_vectored) gave to the
//!   peer's [`receive_vectored`](Connection::receive_vectored), in one call, to keep
//!   payloads zero-copy end to end.
//!   [`data_to_send`](Connection::data_to_send) copies each DATA payload once into a
//!   reused buffer (no allocation when warm, if you dropped the previous `Bytes`).
//!   One [`Event::DataReceived`] is one DATA frame (at most the local
//!   SETTINGS_MAX_FRAME_SIZE, 16 KiB by default), not one read.
//!   [`local_flow_control_window`](Connection::local_flow_control_window) is the window
//!   *we* may send into (the peer's credit to us);
//!   [`remote_flow_control_window`](Connection::remote_flow_control_window) the one the
//!   peer may send into.
//! * **Windows and shutdown.** [`Config::set_receive_windows`] sizes what the peer may
//!   send ahead of you (1 MiB per stream by default); after a GOAWAY the connection is
//!   [`ConnectionState::GoingAway`]: no new streams, open ones carry on.
//! * **Headers** are validated and normalized both ways as [`ValidationConfig`] says
//!   (strict by default, like hyper-h2). You send a slice of [`HeaderField`]s; a
//!   received list is a [`HeaderList`], one buffer per header block: iterate it
//!   (`for f in &headers`, borrowed `f.name` / `f.value`), look fields up
//!   (`headers.get("content-type")`, `headers.status()`, `headers.path()`), or take owned
//!   fields that share its buffer (`headers.to_vec()`). Reading a list allocates nothing
//!   and touches no reference count. **Limits** against known attacks are in
//!   [`Limits`].
//! * **Time.** The connection never reads a clock: you pass `std::time::Instant`s in,
//!   as in quinn-proto. Call [`set_now`](Connection::set_now) with the time you read
//!   bytes, before [`receive_data`](Connection::receive_data) (PING and SETTINGS ACKs,
//!   header blocks and stream closes are stamped with the last time given; an earlier
//!   time is ignored), and [`handle_timeout`](Connection::handle_timeout) when
//!   [`poll_timeout`](Connection::poll_timeout) says; its events report a timer that
//!   ended the connection ([`Connection::timed_out`] says which). The SETTINGS and PINGs
//!   we send are stamped with the last time given when they are queued
//!   (`initiate_connection`, `update_settings`, [`ping`](Connection::ping)), not when
//!   you write them: give the time right before those calls and write soon after, or
//!   [`rtt`](Connection::rtt) counts the gap (say, a slow setup between
//!   `initiate_connection` and the first `data_to_send`) as network delay. In an async loop, wait for input, writability and `poll_timeout()` at once
//!   (tokio: a `sleep_until` branch in the `select!`, as in the repository's
//!   `examples/common/tokio_io.rs`); your own deadlines (a request that makes no
//!   progress) are yours to merge with it. Timers
//!   ([`Timeouts`]: keep-alive, SETTINGS ACK, idle, graceful-shutdown, preface and
//!   header-block deadlines), the [`AdaptiveWindow`] and the per-second [`RateLimits`]
//!   are all off by default; [`rtt`](Connection::rtt) is measured whenever you pass the
//!   time. A connection never told the time behaves as if none of this existed.
//!
//! # Cargo features
//!
//! * `http`: [`http_compat`] (only with the feature) converts `http::Request`,
//!   `http::Response` and `http::HeaderMap` to and from header lists.
//! * `tracing`: a frame-by-frame trace of both directions, like `nghttp -v`, as
//!   `tracing` events (see [`trace`]); without the feature the hooks compile to nothing.
//!
#![cfg_attr(
    not(feature = "http"),
    doc = "[`http_compat`]: https://docs.rs/h2-conn/latest/h2_conn/http_compat/index.html"
)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod bdp;
mod body;
mod buffered;
mod config;
mod connection;
mod flow;
mod framing;
mod input;
mod limits;
mod output;
mod priority;
mod rate;
mod recv;
mod registry;
mod rtt;
mod send;
mod send_queue;
mod settings_state;
mod state;
mod timers;
pub mod trace;
mod upgrade;
mod windows;

pub mod guide;
#[cfg(feature = "http")]
pub mod http_compat;

pub use bdp::AdaptiveWindow;
pub use body::{BodySource, Pull};
pub use bytes::Bytes;
pub use config::{
    Config, DEFAULT_CLIENT_CONNECTION_WINDOW, DEFAULT_INITIAL_MAX_SEND_STREAMS,
    DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_MAX_HEADER_LIST_SIZE, DEFAULT_MAX_SEND_BUFFER,
    DEFAULT_MAX_STREAM_SEND_BUFFER, DEFAULT_SERVER_CONNECTION_WINDOW, DEFAULT_STREAM_WINDOW,
};
pub use connection::Connection;
pub use flow::{HalfConsumed, HyperH2Windows, Manual, WindowPolicy};
pub use framing::WRITE_BATCH;
pub use h2_events::{ChangedSetting, Event, FlowWindow, Priority, SendBuffer, UserError};
pub use h2_frame::{ErrorCode, H2Error, SettingId, Settings, StreamId};
pub use h2_hpack_glue::{FieldRef, HeaderField, HeaderList};
pub use h2_stream::{Role, StreamState, ValidationConfig, Window};
pub use input::ReceivedOctets;
pub use limits::Limits;
pub use priority::ExtensiblePriority;
pub use rate::RateLimits;
pub use send::HeadersOptions;
pub use settings_state::SettingValues;
pub use state::ConnectionState;
pub use timers::{KeepAlive, KeepAliveMode, Timeout, Timeouts};

pub use h2_events as events;
pub use h2_frame as frame;
pub use h2_hpack_glue as hpack;
pub use h2_stream as stream;

/// The workspace README's code sample, compiled as a doc test so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
