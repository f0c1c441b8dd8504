//! Caller mistakes. Peer faults are [`h2_frame::H2Error`].

use h2_frame::{EncodeError, ErrorCode, StreamId};

/// A caller mistake: the action was refused and nothing was changed or sent.
///
/// These come only from the order or the arguments of calls, never from what the peer
/// sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UserError {
    /// The stream does not exist (never opened, or closed and forgotten).
    #[error("stream {0} does not exist")]
    NoSuchStream(StreamId),
    /// The stream is closed for sending.
    #[error("stream {0} is closed")]
    StreamClosed(StreamId),
    /// The action is not allowed in the stream's current state.
    #[error("stream {stream_id}: {why}")]
    InvalidState {
        /// The stream.
        stream_id: StreamId,
        /// What is not allowed.
        why: &'static str,
    },
    /// The stream id is not one we may use now (wrong parity, not above the last one,
    /// beyond 2^31-1).
    #[error("stream id {0} cannot be used here")]
    InvalidStreamId(StreamId),
    /// The header list breaks an RFC 9113 8.2/8.3 rule (outbound validation).
    #[error("invalid header list: {0}")]
    InvalidHeaders(&'static str),
    /// Not enough flow-control window for this much data; wait for
    /// [`Event::WindowUpdated`](crate::Event::WindowUpdated).
    #[error("stream {stream_id}: flow-control window has {available} bytes, not enough")]
    FlowControlBlocked {
        /// The stream (0: the connection window is the limit).
        stream_id: StreamId,
        /// Bytes that may be sent now.
        available: i64,
    },
    /// The header list is larger than the peer's SETTINGS_MAX_HEADER_LIST_SIZE, counted
    /// as RFC 9113 6.5.2 says (name + value + 32 octets per field, after normalization
    /// and cookie splitting). Nothing was sent and the stream did not change; a request
    /// this large would likely be refused (431) by the peer.
    #[error(
        "stream {stream_id}: header list of {size} octets exceeds the peer's SETTINGS_MAX_HEADER_LIST_SIZE of {limit}"
    )]
    HeaderListTooLarge {
        /// The stream the header list was for (for a PUSH_PROMISE, the promised stream).
        stream_id: StreamId,
        /// The list's size as RFC 9113 6.5.2 counts it.
        size: u64,
        /// The peer's SETTINGS_MAX_HEADER_LIST_SIZE.
        limit: u32,
    },
    /// A flow-control window would pass 2^31-1.
    #[error("flow-control window would exceed 2^31-1")]
    WindowOverflow,
    /// Opening a stream would exceed the peer's SETTINGS_MAX_CONCURRENT_STREAMS (the
    /// value carried is the limit in force; until the peer's SETTINGS arrive, the
    /// connection's configured initial limit). Nothing was sent: open the stream once
    /// one of ours closes ([`Event::StreamEnded`](crate::Event::StreamEnded) both ways or
    /// [`Event::StreamReset`](crate::Event::StreamReset)) or the peer raises its limit
    /// ([`Event::RemoteSettingsChanged`](crate::Event::RemoteSettingsChanged)).
    ///
    /// This is our own check; a peer that refuses a stream it counts over its limit resets
    /// it with `REFUSED_STREAM` instead, and such a request may be retried as-is (RFC 9113
    /// 8.7, see [`Event::StreamReset`](crate::Event::StreamReset)).
    #[error("the peer allows at most {0} concurrent streams")]
    TooManyStreams(u32),
    /// The peer disabled server push (SETTINGS_ENABLE_PUSH = 0), or we are a client.
    #[error("server push is not allowed on this connection")]
    PushDisabled,
    /// The connection is closed (GOAWAY sent or received, or a connection error).
    #[error("the connection is closed")]
    ConnectionClosed,
    /// No stream ids are left (RFC 9113 5.1.1): open a new connection.
    #[error("stream ids are exhausted")]
    StreamIdsExhausted,
    /// A frame could not be serialized (too large for the peer, invalid field).
    #[error("cannot encode frame: {0}")]
    Encode(#[from] EncodeError),
    /// A setting value is outside what RFC 9113 6.5.2 allows.
    #[error("invalid setting value: {0}")]
    InvalidSetting(&'static str),
    /// Too many un-acknowledged SETTINGS or PINGs are outstanding.
    #[error("too many outstanding {0}")]
    TooManyOutstanding(&'static str),
    /// The action is not available for this side of the connection.
    #[error("not allowed for a {0}")]
    WrongRole(&'static str),
}

impl UserError {
    /// The HTTP/2 error code closest to this mistake, for callers that map it onto the
    /// wire themselves.
    pub const fn code(&self) -> ErrorCode {
        match self {
            UserError::FlowControlBlocked { .. } | UserError::WindowOverflow => {
                ErrorCode::FLOW_CONTROL_ERROR
            }
            UserError::StreamClosed(_) => ErrorCode::STREAM_CLOSED,
            UserError::TooManyStreams(_) => ErrorCode::REFUSED_STREAM,
            UserError::Encode(EncodeError::PayloadTooLarge { .. }) => ErrorCode::FRAME_SIZE_ERROR,
            _ => ErrorCode::PROTOCOL_ERROR,
        }
    }
}
