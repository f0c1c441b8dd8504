//! Caller mistakes. Peer faults are [`h2_frame::H2Error`].

use core::fmt;
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
    /// `initiate_connection` (or `initiate_upgrade_connection`) has not been called: the
    /// connection sends nothing before its preface.
    #[error("the connection is not initiated: call initiate_connection first")]
    NotInitiated,
    /// The action is not allowed in the stream's current state (stream 0: in the
    /// connection's state, or with these arguments).
    #[error("{}: {why}", Scope(*.stream_id))]
    InvalidState {
        /// The stream (0: the connection as a whole).
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
    /// [`Event::WindowUpdated`](crate::Event::WindowUpdated) on the window named.
    #[error(
        "stream {stream_id}: the {window} flow-control window has {available} bytes, not enough"
    )]
    FlowControlBlocked {
        /// The stream the data was for.
        stream_id: StreamId,
        /// Which window is too small: the connection's or the stream's.
        window: FlowWindow,
        /// Bytes that window lets us send now (a stream window may be negative after
        /// a SETTINGS_INITIAL_WINDOW_SIZE decrease, RFC 9113 6.9.2).
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
    /// The connection is closed: a connection error happened (GOAWAY sent with its code)
    /// or `close_connection` was called. Nothing more is processed or sent
    /// (`Connection::is_closed`).
    #[error("the connection is closed")]
    ConnectionClosed,
    /// No new streams: a GOAWAY was sent or received (RFC 9113 6.8). Streams already
    /// open carry on; open this one on a new connection (a request refused this way was
    /// never sent, so it is safe to retry).
    #[error(
        "no new streams: {} sent GOAWAY (last stream id {last_stream_id})",
        if *.remote { "the peer" } else { "we" }
    )]
    GoingAway {
        /// True when the peer sent the GOAWAY (its last stream id is carried), false when
        /// we did (our last stream id).
        remote: bool,
        /// The GOAWAY's last stream id: the highest stream the sender processes.
        last_stream_id: StreamId,
    },
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
    /// The connection's or the stream's send buffer has no room for this much (see
    /// `Config::max_send_buffer` and `Config::max_stream_send_buffer`): take output
    /// first, or wait until the stream is reported writable again.
    #[error(
        "stream {stream_id}: the {buffer} send buffer holds {held} of {limit} bytes, no room for {len} more"
    )]
    SendBufferFull {
        /// The stream the refused data was for.
        stream_id: StreamId,
        /// Which buffer is full: the connection's (shared by every stream) or the
        /// stream's own.
        buffer: SendBuffer,
        /// Octets that buffer holds now (connection: framed and not taken, plus queued;
        /// stream: queued).
        held: usize,
        /// That buffer's configured limit.
        limit: usize,
        /// Octets the refused call wanted to add.
        len: usize,
    },
    /// The action is not available for this side of the connection.
    #[error("not allowed for a {0}")]
    WrongRole(&'static str),
}

/// Which flow-control window (RFC 9113 6.9) blocks a send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlowWindow {
    /// The connection window (stream 0), shared by every stream.
    Connection,
    /// The stream's own window.
    Stream,
}

impl fmt::Display for FlowWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FlowWindow::Connection => "connection",
            FlowWindow::Stream => "stream",
        })
    }
}

/// Which send buffer refuses data ([`UserError::SendBufferFull`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SendBuffer {
    /// The connection's buffer (`Config::max_send_buffer`), shared by every stream.
    Connection,
    /// The stream's own queue (`Config::max_stream_send_buffer`).
    Stream,
}

impl fmt::Display for SendBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SendBuffer::Connection => "connection",
            SendBuffer::Stream => "stream",
        })
    }
}

/// Names what an error is about: "stream N", or "connection" for stream 0.
struct Scope(StreamId);

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_zero() {
            f.write_str("connection")
        } else {
            write!(f, "stream {}", self.0)
        }
    }
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
            UserError::TooManyStreams(_) | UserError::GoingAway { .. } => ErrorCode::REFUSED_STREAM,
            UserError::Encode(EncodeError::PayloadTooLarge { .. }) => ErrorCode::FRAME_SIZE_ERROR,
            _ => ErrorCode::PROTOCOL_ERROR,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_name_the_stream_or_the_connection_and_the_window() {
        let blocked = |window| UserError::FlowControlBlocked {
            stream_id: StreamId::new(3),
            window,
            available: 10,
        };
        assert_eq!(
            blocked(FlowWindow::Connection).to_string(),
            "stream 3: the connection flow-control window has 10 bytes, not enough"
        );
        assert_eq!(
            blocked(FlowWindow::Stream).to_string(),
            "stream 3: the stream flow-control window has 10 bytes, not enough"
        );
        assert_eq!(
            UserError::NotInitiated.to_string(),
            "the connection is not initiated: call initiate_connection first"
        );
        let invalid = |id| UserError::InvalidState {
            stream_id: StreamId::new(id),
            why: "not now",
        };
        assert_eq!(invalid(0).to_string(), "connection: not now");
        assert_eq!(invalid(5).to_string(), "stream 5: not now");
        let full = |buffer| UserError::SendBufferFull {
            stream_id: StreamId::new(7),
            buffer,
            held: 10,
            limit: 20,
            len: 15,
        };
        assert_eq!(
            full(SendBuffer::Connection).to_string(),
            "stream 7: the connection send buffer holds 10 of 20 bytes, no room for 15 more"
        );
        assert_eq!(
            full(SendBuffer::Stream).to_string(),
            "stream 7: the stream send buffer holds 10 of 20 bytes, no room for 15 more"
        );
        assert_eq!(
            UserError::GoingAway {
                remote: true,
                last_stream_id: StreamId::new(3)
            }
            .to_string(),
            "no new streams: the peer sent GOAWAY (last stream id 3)"
        );
        assert_eq!(
            UserError::HeaderListTooLarge {
                stream_id: StreamId::new(1),
                size: 300,
                limit: 200
            }
            .to_string(),
            "stream 1: header list of 300 octets exceeds the peer's SETTINGS_MAX_HEADER_LIST_SIZE of 200"
        );
    }
}
