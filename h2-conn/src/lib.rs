//! A sans-IO HTTP/2 connection (RFC 9113, HPACK RFC 7541), client and server.
//!
//! The [`Connection`] does no I/O: feed it the bytes you read and it returns [`Event`]s;
//! call its commands and take the bytes to write with
//! [`data_to_send`](Connection::data_to_send). It works the same under tokio, mio,
//! blocking std sockets, io_uring or an embedded executor. Its methods mirror Python's
//! hyper-h2 `H2Connection`, so hyper-h2 code ports line by line.
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
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod config;
mod connection;
mod flow;
mod limits;
mod output;
mod recv;
mod registry;
mod send;
mod settings_state;
pub mod trace;
mod upgrade;

pub mod guide;
#[cfg(feature = "http")]
pub mod http_compat;

pub use bytes::Bytes;
pub use config::{Config, DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_MAX_HEADER_LIST_SIZE};
pub use connection::Connection;
pub use flow::{HalfConsumed, Manual, WindowPolicy};
pub use h2_events::{ChangedSetting, Event, Priority, UserError};
pub use h2_frame::{ErrorCode, H2Error, SettingId, Settings, StreamId};
pub use h2_hpack_glue::HeaderField;
pub use h2_stream::{Role, StreamState, ValidationConfig, Window};
pub use limits::Limits;
pub use settings_state::SettingValues;

pub use h2_events as events;
pub use h2_frame as frame;
pub use h2_hpack_glue as hpack;
pub use h2_stream as stream;
