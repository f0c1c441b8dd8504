//! HTTP/2 frames (RFC 9113 sections 4 and 6, plus ALTSVC, ORIGIN and PRIORITY_UPDATE).
//!
//! This crate is the bottom layer of the stack: it turns bytes into typed [`Frame`]s and
//! back, with every size and scope rule of the RFC checked, and keeps no protocol state.
//! It is `no_std` + `alloc`; the default `std` feature only adds `std::error::Error`
//! integration.
//!
//! * [`FrameDecoder`] takes bytes in chunks of any size and yields frames. Payloads are
//!   [`Bytes`] views of the input (no copy) whenever a frame arrives whole in one chunk.
//!   It checks the frame length against the local SETTINGS_MAX_FRAME_SIZE before
//!   buffering anything, so a peer cannot make it hold more than one frame.
//! * Every frame type has `encode`, writing into a caller's [`BytesMut`].
//! * Every parse error is an [`H2Error`] that already carries its RFC 9113 5.4 scope
//!   (connection or stream) and [`ErrorCode`].
//!
//! ```
//! use bytes::BytesMut;
//! use h2_frame::{Frame, FrameDecoder, Ping, DEFAULT_MAX_FRAME_SIZE};
//!
//! let mut wire = BytesMut::new();
//! Frame::Ping(Ping { ack: false, payload: *b"12345678" })
//!     .encode(&mut wire, DEFAULT_MAX_FRAME_SIZE)
//!     .unwrap();
//!
//! let mut decoder = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
//! decoder.push_bytes(wire.freeze());
//! match decoder.next_frame().unwrap() {
//!     Some(Frame::Ping(ping)) => assert_eq!(&ping.payload, b"12345678"),
//!     other => panic!("unexpected {other:?}"),
//! }
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod decoder;
mod error;
mod error_code;
mod frame;
mod frame_type;
mod head;
mod settings;
mod stream_id;

pub use bytes::{Bytes, BytesMut};
pub use decoder::FrameDecoder;
pub use error::{EncodeError, H2Error};
pub use error_code::ErrorCode;
pub use frame::{
    AltSvc, Continuation, Data, Frame, GoAway, Headers, Origin, Ping, Priority, PrioritySpec,
    PriorityUpdate, PushPromise, RstStream, SettingsFrame, Unknown, WindowUpdate,
};
pub use frame_type::FrameType;
pub use head::{Flags, Head, HEAD_LEN};
pub use settings::{SettingId, Settings};
pub use stream_id::StreamId;

/// The client connection preface (RFC 9113 3.4): sent by the client before its SETTINGS.
pub const PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// The initial SETTINGS_MAX_FRAME_SIZE every endpoint starts with (RFC 9113 6.5.2).
pub const DEFAULT_MAX_FRAME_SIZE: u32 = 16_384;

/// The largest SETTINGS_MAX_FRAME_SIZE allowed (RFC 9113 6.5.2): 2^24 - 1.
pub const MAX_MAX_FRAME_SIZE: u32 = 16_777_215;

/// The largest flow-control window (RFC 9113 6.9.1): 2^31 - 1.
pub const MAX_WINDOW_SIZE: u32 = 0x7fff_ffff;

/// The initial flow-control window of streams and of the connection (RFC 9113 6.9.2).
pub const DEFAULT_INITIAL_WINDOW_SIZE: u32 = 65_535;
