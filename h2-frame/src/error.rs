//! Errors: peer faults with their RFC 9113 5.4 scope, and caller mistakes when encoding.

use crate::{ErrorCode, StreamId};

/// A fault in what the peer sent, with the scope and code RFC 9113 5.4 prescribes.
///
/// The scope is decided where the fault is detected, so the layer above only has to turn
/// a `Connection` error into GOAWAY and a `Stream` error into RST_STREAM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum H2Error {
    /// A connection error (RFC 9113 5.4.1): answer with GOAWAY carrying `code`.
    #[error("connection error {code:?}: {why}")]
    Connection {
        /// The code to send in GOAWAY.
        code: ErrorCode,
        /// What was wrong, for humans.
        why: &'static str,
    },
    /// A stream error (RFC 9113 5.4.2): answer with RST_STREAM on `id` carrying `code`.
    #[error("stream error on stream {id}: {code:?}: {why}")]
    Stream {
        /// The stream to reset.
        id: StreamId,
        /// The code to send in RST_STREAM.
        code: ErrorCode,
        /// What was wrong, for humans.
        why: &'static str,
    },
}

impl H2Error {
    /// A connection error.
    pub const fn conn(code: ErrorCode, why: &'static str) -> H2Error {
        H2Error::Connection { code, why }
    }

    /// A stream error on `id`.
    pub const fn stream(id: StreamId, code: ErrorCode, why: &'static str) -> H2Error {
        H2Error::Stream { id, code, why }
    }

    /// The error code to send.
    pub const fn code(&self) -> ErrorCode {
        match self {
            H2Error::Connection { code, .. } | H2Error::Stream { code, .. } => *code,
        }
    }

    /// The human-readable reason.
    pub const fn why(&self) -> &'static str {
        match self {
            H2Error::Connection { why, .. } | H2Error::Stream { why, .. } => why,
        }
    }

    /// Whether this is a connection error.
    pub const fn is_connection_error(&self) -> bool {
        matches!(self, H2Error::Connection { .. })
    }
}

/// A caller mistake while serializing a frame. Nothing is written when one is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// The payload is larger than the peer's SETTINGS_MAX_FRAME_SIZE; split it first.
    #[error("frame payload of {len} bytes exceeds the maximum frame size {max}")]
    PayloadTooLarge {
        /// The payload length that was asked for.
        len: usize,
        /// The limit in force.
        max: u32,
    },
    /// A field holds a value the wire format cannot carry (e.g. a frame that needs a stream
    /// on stream 0, a zero WINDOW_UPDATE increment, an over-long ALTSVC origin).
    #[error("invalid frame field: {0}")]
    InvalidField(&'static str),
}
