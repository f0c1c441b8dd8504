//! The public vocabulary of the h2-sans-io HTTP/2 stack: the [`Event`]s a connection
//! reports and the error types shared by every layer.
//!
//! Events come out of `Connection::receive_data` in wire order. Each variant carries
//! everything a caller needs to act on it. A received header list is a [`HeaderList`]:
//! one buffer per header block, read through borrowed name/value pairs ([`FieldRef`]),
//! looked up by name (`headers.get("content-type")`, `headers.status()`), and turned
//! into owned [`HeaderField`]s only when asked (`headers.to_vec()`, no octet copied).
//! Data is [`Bytes`] (views of the received buffer, no copy).
//!
//! # From Python's hyper-h2
//!
//! The events keep hyper-h2's names and meanings, so code ports line by line:
//!
//! | hyper-h2 (`h2.events`) | this crate |
//! |---|---|
//! | `RequestReceived` | [`Event::RequestReceived`] (`stream_ended` → `end_stream`, `priority_updated` → `priority`) |
//! | `ResponseReceived` | [`Event::ResponseReceived`] |
//! | `TrailersReceived` | [`Event::TrailersReceived`] (always ends the stream) |
//! | `InformationalResponseReceived` | [`Event::InformationalResponseReceived`] |
//! | `DataReceived` | [`Event::DataReceived`] (`flow_controlled_length` counts padding) |
//! | `WindowUpdated` | [`Event::WindowUpdated`] (stream 0 = the connection window) |
//! | `RemoteSettingsChanged` | [`Event::RemoteSettingsChanged`] (list of [`ChangedSetting`]) |
//! | `SettingsAcknowledged` | [`Event::SettingsAcknowledged`] |
//! | `PingReceived` / `PingAckReceived` | [`Event::PingReceived`] / [`Event::PingAckReceived`] |
//! | `StreamEnded` | [`Event::StreamEnded`] (follows the headers/data event, as in hyper-h2) |
//! | `StreamReset` | [`Event::StreamReset`] (`remote_reset` says who reset it) |
//! | `PushedStreamReceived` | [`Event::PushedStreamReceived`] |
//! | `PriorityUpdated` | [`Event::PriorityUpdated`] (RFC 7540 PRIORITY or RFC 9218 PRIORITY_UPDATE) |
//! | `ConnectionTerminated` | [`Event::ConnectionTerminated`] (also when *we* end it on a peer fault: `remote` is false) |
//! | `AlternativeServiceAvailable` | [`Event::AlternativeServiceAvailable`] |
//! | `UnknownFrameReceived` | [`Event::UnknownFrameReceived`] |
//! | — | [`Event::OriginReceived`] (RFC 8336, not in hyper-h2) |
//!
//! # Errors
//!
//! * Peer faults are [`H2Error`]: `H2Error::Connection` is a connection error (answered with
//!   GOAWAY), `H2Error::Stream` a stream error (answered with RST_STREAM); both carry the
//!   [`ErrorCode`] and a human message. A connection turns them into frames and events;
//!   callers normally see them only as [`Event::StreamReset`] and
//!   [`Event::ConnectionTerminated`].
//! * Caller mistakes are [`UserError`]: they change nothing and send nothing.
//!
//! ```
//! use h2_events::{Event, frame::StreamId};
//! fn on_event(event: Event) {
//!     match event {
//!         Event::RequestReceived { stream_id, headers, end_stream, .. } => {
//!             println!("request on {stream_id}: {} fields, body follows: {}", headers.len(), !end_stream);
//!             let path = headers.path().unwrap_or(b"/");
//!             for field in &headers {
//!                 println!("{}: {}", field.name.escape_ascii(), field.value.escape_ascii());
//!             }
//!             # let _ = path;
//!         }
//!         Event::DataReceived { data, .. } => println!("{} bytes", data.len()),
//!         _ => {}
//!     }
//! }
//! on_event(Event::StreamEnded { stream_id: StreamId::new(1) });
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod error;
mod event;
mod push;

pub use bytes::Bytes;
pub use error::{FlowWindow, SendBuffer, UserError};
pub use event::{ChangedSetting, Event, Priority};
pub use h2_frame as frame;
pub use h2_frame::{ErrorCode, H2Error, StreamId};
pub use h2_hpack_glue as hpack;
pub use h2_hpack_glue::{FieldRef, HeaderField, HeaderList};
pub use push::push_event;
