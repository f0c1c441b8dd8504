//! One HTTP/2 stream: the RFC 9113 5.1 state machine, stream flow-control windows and
//! message validation (RFC 9113 8.1-8.5), without I/O.
//!
//! A connection owns one [`Stream`] per stream id and calls it for every frame it
//! receives (`recv_*`) and every action the caller takes (`send_*`):
//!
//! * `recv_*` methods take what the peer sent and push [`Event`]s in wire order. A peer
//!   fault is an [`H2Error`] with the scope and code RFC 9113 requires: a connection error
//!   is answered with GOAWAY, a stream error with RST_STREAM, after which the connection
//!   calls [`Stream::on_local_reset`]. On error the stream is left as it was (except that a
//!   received PUSH_PROMISE always reserves the promised stream, RFC 9113 5.1), and no event
//!   is pushed.
//! * `send_*` methods check an action of ours and return a [`UserError`] for a caller
//!   mistake, in which case nothing changed. Header blocks come back validated and
//!   normalized, ready to encode (borrowed when nothing had to change).
//!
//! # The state table
//!
//! The states are one enum, [`StreamState`], shaped like RFC 9113 Figure 2 (the diagram
//! is on the enum), with [`CloseCause`] saying how a closed stream closed. Transitions are
//! two functions, each a single `match` over `(state, input)`: [`recv_transition`] for
//! frames from the peer ([`RecvInput`]) and [`send_transition`] for our actions
//! ([`SendInput`]). Their docs hold the full tables. [`Stream`] layers the HTTP message
//! rules on top: which HEADERS is a request, a response, a 1xx or trailers; content-length
//! accounting; and the flow-control [`Window`]s.
//!
//! Message semantics that are not stream state (has the final response arrived, how many
//! content octets are left) are kept per direction beside the state, not in it: they
//! decide which event a HEADERS frame becomes, never whether the frame is allowed.
//!
//! # Validation
//!
//! [`ValidationConfig`] has hyper-h2's switches. With validation on, each received block is
//! checked in one pass with no allocation (RFC 9113 8.1.1, 8.2, 8.2.1, 8.2.2, 8.3, 8.4,
//! 8.5, 8.6 and RFC 8441); a malformed message is a stream error of type PROTOCOL_ERROR.
//! Extended CONNECT (`:protocol`, RFC 8441) is accepted only after
//! [`Stream::set_extended_connect`]`(true)`; the connection calls it on every stream once
//! SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 is in force (sent and acknowledged by us as a
//! server, received from the server as a client).
//!
//! # Example
//!
//! ```
//! use h2_stream::{KnownValid, Role, Stream, StreamState, ValidationConfig};
//! use h2_stream::events::Event;
//! use h2_stream::frame::{StreamId, DEFAULT_INITIAL_WINDOW_SIZE};
//! use h2_stream::hpack::HeaderField;
//! use h2_stream::frame::Bytes;
//!
//! let cfg = ValidationConfig::default();
//! let id = StreamId::new(1);
//! let win = DEFAULT_INITIAL_WINDOW_SIZE;
//! let mut server = Stream::new(id, Role::Server, win, win);
//! let mut events = Vec::new();
//!
//! // A POST arrives: HEADERS, then DATA with END_STREAM.
//! let request = vec![
//!     HeaderField::new(":method", "POST"),
//!     HeaderField::new(":scheme", "https"),
//!     HeaderField::new(":authority", "example.com"),
//!     HeaderField::new(":path", "/upload"),
//!     HeaderField::new("content-length", "5"),
//! ];
//! // (The connection passes which fields its HPACK decoder vouches for; none here.)
//! server.recv_headers(request, KnownValid::NONE, false, None, &cfg, &mut events).unwrap();
//! server.recv_data(Bytes::from_static(b"hello"), 5, true, &mut events).unwrap();
//! assert_eq!(server.state(), StreamState::HalfClosedRemote);
//! assert!(matches!(events[0], Event::RequestReceived { end_stream: false, .. }));
//! assert!(matches!(events[1], Event::DataReceived { end_stream: true, .. }));
//! assert!(matches!(events[2], Event::StreamEnded { .. }));
//!
//! // The response: names are lowercased on the way out; nothing else changes.
//! let response = [HeaderField::new(":status", "200"), HeaderField::new("Content-Type", "text/plain")];
//! let to_encode = server.send_headers(&response, KnownValid::NONE, false, &cfg).unwrap();
//! assert_eq!(&to_encode[1].name[..], b"content-type");
//! server.send_data(2, true).unwrap();
//! assert!(server.is_closed());
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod content_length;
mod recv;
mod send;
mod state;
mod stream;
mod validate;
pub use validate::{check_inbound_headers, check_outbound_headers, HeaderBlockKind};
mod window;

pub use h2_events as events;
pub use h2_frame as frame;
pub use h2_hpack_glue as hpack;

pub use state::{
    recv_transition, send_transition, CloseCause, RecvInput, RecvStep, SendInput, StreamState,
    ALL_STATES,
};
pub use stream::Stream;
pub use window::{Window, WindowOverflow, WindowUnderflow};

#[doc(no_inline)]
pub use h2_events::{Event, FlowWindow, Priority, UserError};
#[doc(no_inline)]
pub use h2_frame::{ErrorCode, H2Error, PrioritySpec, StreamId};
#[doc(no_inline)]
pub use h2_hpack_glue::syntax::KnownValid;
#[doc(no_inline)]
pub use h2_hpack_glue::{FieldRef, HeaderField, HeaderList};

/// Our role on the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// We opened the connection and send requests.
    Client,
    /// We accept requests.
    Server,
}

/// The header options of hyper-h2's `H2Configuration`.
///
/// `Default` turns everything on except `split_outbound_cookies`, as hyper-h2 does.
#[derive(Clone, Copy, Debug)]
pub struct ValidationConfig {
    /// Check received header blocks (RFC 9113 8.1-8.5); a malformed message is a stream
    /// error of type PROTOCOL_ERROR, and content-length is checked against DATA.
    pub validate_inbound_headers: bool,
    /// Join received cookie crumbs into one `cookie` field with "; " (RFC 9113 8.2.3).
    pub normalize_inbound_headers: bool,
    /// Check header blocks before they are sent, and content-length against DATA sent.
    pub validate_outbound_headers: bool,
    /// Lowercase names, trim values, drop connection-specific fields (`connection`,
    /// `keep-alive`, `proxy-connection`, `transfer-encoding`, `upgrade`, RFC 9113 8.2.2),
    /// and mark `authorization`, `proxy-authorization` and short cookies as sensitive
    /// (never indexed) before sending, as hyper-h2 does.
    pub normalize_outbound_headers: bool,
    /// Split `cookie` fields into one field per crumb before sending (RFC 9113 8.2.3), for
    /// better compression. Needs `normalize_outbound_headers`.
    pub split_outbound_cookies: bool,
    /// Accept `:status 101` as an informational response, both ways. Default `false`:
    /// RFC 9113 8.6 "HTTP/2 does not support the 101 (Switching Protocols) informational
    /// status code", so such a response is malformed. hyper-h2 lets it through as any
    /// other 1xx; `h2_conn::Config::hyper_h2` sets `true`.
    pub allow_status_101: bool,
}

impl Default for ValidationConfig {
    fn default() -> Self {
        ValidationConfig {
            validate_inbound_headers: true,
            normalize_inbound_headers: true,
            validate_outbound_headers: true,
            normalize_outbound_headers: true,
            split_outbound_cookies: false,
            allow_status_101: false,
        }
    }
}
