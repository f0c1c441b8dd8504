//! The RFC 9113 5.1 stream state machine as two tables: one `match` for what we receive,
//! one for what we send. The diagram is on [`StreamState`].

use crate::Role;
use h2_events::UserError;
use h2_frame::{ErrorCode, H2Error, StreamId};

/// The state of one stream, RFC 9113 5.1 (Figure 2), with how it closed.
///
/// ```text
///                              +--------+
///                      send PP |        | recv PP
///                     ,--------+  idle  +--------.
///                    /         |        |         \
///                   v          +--------+          v
///            +----------+          |           +----------+
///            |          |          | send H /  |          |
///     ,------+ reserved |          | recv H    | reserved +------.
///     |      | (local)  |          |           | (remote) |      |
///     |      +---+------+          v           +------+---+      |
///     |          |             +--------+             |          |
///     |          |     recv ES |        | send ES     |          |
///     |   send H |     ,-------+  open  +-------.     | recv H   |
///     |          |    /        |        |        \    |          |
///     |          v   v         +---+----+         v   v          |
///     |      +----------+          |           +----------+      |
///     |      |   half-  |          |           |   half-  |      |
///     |      |  closed  |          | send R /  |  closed  |      |
///     |      | (remote) |          | recv R    | (local)  |      |
///     |      +----+-----+          |           +-----+----+      |
///     |           |                |                 |           |
///     |           | send ES /      |       recv ES / |           |
///     |           |  send R /      v        send R / |           |
///     |           |  recv R    +--------+   recv R   |           |
///     | send R /  `----------->|        |<-----------'  send R / |
///     | recv R                 | closed |               recv R   |
///     `----------------------->|        |<-----------------------'
///                              +--------+
///
///   H: HEADERS (with its CONTINUATIONs)  ES: END_STREAM  R: RST_STREAM
///   PP: PUSH_PROMISE (transitions are for the promised stream)
/// ```
///
/// END_STREAM is a separate event after the frame that carries it (RFC 9113 5.1), so a
/// HEADERS frame with END_STREAM on an idle stream goes idle → open → half-closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamState {
    /// Not yet used.
    Idle,
    /// Promised by a PUSH_PROMISE we sent.
    ReservedLocal,
    /// Promised by a PUSH_PROMISE we received.
    ReservedRemote,
    /// Both sides may send.
    Open,
    /// We sent END_STREAM; the peer may still send.
    HalfClosedLocal,
    /// The peer sent END_STREAM; we may still send.
    HalfClosedRemote,
    /// Terminal; the cause decides what a late frame means (RFC 9113 5.1 "closed").
    Closed(CloseCause),
}

/// How a stream reached the closed state. RFC 9113 5.1 treats late frames differently for
/// each: after we reset a stream the peer may not know yet, so its frames are ignored;
/// after the peer reset it or ended it, more frames are the peer's fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseCause {
    /// Both sides sent END_STREAM.
    EndStream,
    /// We sent RST_STREAM with this code.
    ResetSent(ErrorCode),
    /// The peer sent RST_STREAM with this code.
    ResetReceived(ErrorCode),
}

/// A frame (or flag) arriving from the peer, as far as stream state is concerned.
///
/// CONTINUATION frames are part of the HEADERS or PUSH_PROMISE they follow (RFC 9113 5.1)
/// and never reach the table on their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecvInput {
    /// A complete HEADERS field block (request, response, 1xx or trailers).
    Headers {
        /// The END_STREAM flag.
        end_stream: bool,
    },
    /// A DATA frame.
    Data {
        /// The END_STREAM flag.
        end_stream: bool,
    },
    /// RST_STREAM with its code.
    RstStream(ErrorCode),
    /// WINDOW_UPDATE on this stream.
    WindowUpdate,
    /// PRIORITY (or RFC 9218 PRIORITY_UPDATE) about this stream.
    Priority,
    /// A PUSH_PROMISE that names this stream as the promised stream.
    PushPromise,
}

/// An action of ours on a stream, as far as stream state is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendInput {
    /// HEADERS (request, response, 1xx or trailers).
    Headers {
        /// The END_STREAM flag.
        end_stream: bool,
    },
    /// DATA.
    Data {
        /// The END_STREAM flag.
        end_stream: bool,
    },
    /// RST_STREAM with its code.
    RstStream(ErrorCode),
    /// WINDOW_UPDATE on this stream.
    WindowUpdate,
    /// PRIORITY about this stream.
    Priority,
    /// PUSH_PROMISE naming this stream as the promised stream.
    PushPromise,
}

/// What the receive table decided for a frame that is not an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecvStep {
    /// Process the frame; the stream moves to this state (possibly the same one).
    Process(StreamState),
    /// Discard the frame silently (RFC 9113 5.1 "closed": frames after we sent RST_STREAM,
    /// WINDOW_UPDATE or RST_STREAM racing our END_STREAM). The connection still counts DATA
    /// against its own window and still decodes header blocks.
    Ignore,
}

const fn conn(code: ErrorCode, why: &'static str) -> Result<RecvStep, H2Error> {
    Err(H2Error::conn(code, why))
}

/// The state after END_STREAM is received ("processed as a separate event", RFC 9113 5.1).
const fn after_recv_es(state: StreamState, end_stream: bool) -> StreamState {
    match (state, end_stream) {
        (StreamState::Open, true) => StreamState::HalfClosedRemote,
        (StreamState::HalfClosedLocal, true) => StreamState::Closed(CloseCause::EndStream),
        (s, _) => s,
    }
}

/// The state after END_STREAM is sent.
const fn after_send_es(state: StreamState, end_stream: bool) -> StreamState {
    match (state, end_stream) {
        (StreamState::Open, true) => StreamState::HalfClosedLocal,
        (StreamState::HalfClosedRemote, true) => StreamState::Closed(CloseCause::EndStream),
        (s, _) => s,
    }
}

/// The receive table: what a frame from the peer does to a stream in `state`.
///
/// `role` is our role on the connection; `id` is the stream. Every pair of RFC 9113 5.1
/// gives either the next state, [`RecvStep::Ignore`], or the error with the scope and code
/// the RFC requires:
///
/// | state \ frame | HEADERS | DATA | RST_STREAM | WINDOW_UPDATE | PRIORITY | PUSH_PROMISE (promised) |
/// |---|---|---|---|---|---|---|
/// | idle | server, client-initiated id: open (ES: half-closed (remote)); else conn PROTOCOL_ERROR | conn PROTOCOL_ERROR | conn PROTOCOL_ERROR (6.4) | conn PROTOCOL_ERROR | stay | client, server-initiated id: reserved (remote); else conn PROTOCOL_ERROR |
/// | reserved (local) | conn PROTOCOL_ERROR | conn PROTOCOL_ERROR | closed (reset received) | stay | stay | conn PROTOCOL_ERROR |
/// | reserved (remote) | half-closed (local) (ES: closed) | conn PROTOCOL_ERROR | closed (reset received) | conn PROTOCOL_ERROR | stay | conn PROTOCOL_ERROR |
/// | open | stay (ES: half-closed (remote)) | stay (ES: half-closed (remote)) | closed (reset received) | stay | stay | conn PROTOCOL_ERROR |
/// | half-closed (local) | stay (ES: closed) | stay (ES: closed) | closed (reset received) | stay | stay | conn PROTOCOL_ERROR |
/// | half-closed (remote) | stream STREAM_CLOSED | stream STREAM_CLOSED | closed (reset received) | stay | stay | conn PROTOCOL_ERROR |
/// | closed (END_STREAM) | conn STREAM_CLOSED | conn STREAM_CLOSED | ignore | ignore | stay | conn PROTOCOL_ERROR |
/// | closed (RST sent) | ignore | ignore | ignore | ignore | stay | conn PROTOCOL_ERROR |
/// | closed (RST received) | stream STREAM_CLOSED | stream STREAM_CLOSED | ignore (5.4.2) | stream STREAM_CLOSED | stay | conn PROTOCOL_ERROR |
///
/// ```
/// use h2_stream::{recv_transition, RecvInput, RecvStep, Role, StreamState};
/// use h2_stream::frame::{ErrorCode, StreamId};
/// let id = StreamId::new(1);
/// let step = recv_transition(StreamState::Idle, Role::Server, id, RecvInput::Headers { end_stream: true });
/// assert_eq!(step, Ok(RecvStep::Process(StreamState::HalfClosedRemote)));
/// let err = recv_transition(StreamState::HalfClosedRemote, Role::Server, id, RecvInput::Data { end_stream: false })
///     .unwrap_err();
/// assert_eq!(err.code(), ErrorCode::STREAM_CLOSED);
/// assert!(!err.is_connection_error());
/// ```
// Always inlined, as `send_transition` is.
#[inline(always)]
pub fn recv_transition(
    state: StreamState,
    role: Role,
    id: StreamId,
    input: RecvInput,
) -> Result<RecvStep, H2Error> {
    use CloseCause::*;
    use RecvInput as I;
    use StreamState as S;
    let process = |s| Ok(RecvStep::Process(s));
    match (state, input) {
        // RFC 9113 5.1 "Note that PRIORITY can be sent and received in any stream state."
        (s, I::Priority) => process(s),

        // RFC 9113 5.1 idle: "Receiving any frame other than HEADERS or PRIORITY on a stream
        // in this state MUST be treated as a connection error of type PROTOCOL_ERROR. If this
        // stream is initiated by the server, ... receiving a HEADERS frame MUST also be
        // treated as a connection error of type PROTOCOL_ERROR."
        (S::Idle, I::Headers { end_stream }) => {
            if role == Role::Server && id.is_client_initiated() {
                process(after_recv_es(S::Open, end_stream))
            } else {
                conn(
                    ErrorCode::PROTOCOL_ERROR,
                    "HEADERS on an idle stream the peer may not open",
                )
            }
        }
        // RFC 9113 5.1 idle: receiving PUSH_PROMISE reserves the promised stream; "Only a
        // client may receive PUSH_PROMISE frames." 8.4: servers MUST treat a received
        // PUSH_PROMISE as a connection error of type PROTOCOL_ERROR.
        (S::Idle, I::PushPromise) => {
            if role == Role::Client && id.is_server_initiated() {
                process(S::ReservedRemote)
            } else {
                conn(ErrorCode::PROTOCOL_ERROR, "PUSH_PROMISE not allowed here")
            }
        }
        (S::Idle, I::Data { .. }) => conn(ErrorCode::PROTOCOL_ERROR, "DATA on an idle stream"),
        // RFC 9113 6.4: "If a RST_STREAM frame identifying an idle stream is received, the
        // recipient MUST treat this as a connection error of type PROTOCOL_ERROR."
        (S::Idle, I::RstStream(_)) => {
            conn(ErrorCode::PROTOCOL_ERROR, "RST_STREAM on an idle stream")
        }
        (S::Idle, I::WindowUpdate) => {
            conn(ErrorCode::PROTOCOL_ERROR, "WINDOW_UPDATE on an idle stream")
        }

        // A promised stream id must be idle (RFC 9113 6.6, 5.1.1).
        (_, I::PushPromise) => conn(
            ErrorCode::PROTOCOL_ERROR,
            "PUSH_PROMISE promises a stream that is not idle",
        ),

        // RFC 9113 5.1 reserved (local): "Receiving any type of frame other than RST_STREAM,
        // PRIORITY, or WINDOW_UPDATE on a stream in this state MUST be treated as a
        // connection error of type PROTOCOL_ERROR."
        (S::ReservedLocal, I::WindowUpdate) => process(S::ReservedLocal),
        (S::ReservedLocal, I::Headers { .. } | I::Data { .. }) => conn(
            ErrorCode::PROTOCOL_ERROR,
            "frame other than RST_STREAM, PRIORITY, WINDOW_UPDATE on a reserved (local) stream",
        ),

        // RFC 9113 5.1 reserved (remote): "Receiving a HEADERS frame causes the stream to
        // transition to half-closed (local)." "Receiving any type of frame other than
        // HEADERS, RST_STREAM, or PRIORITY ... MUST be treated as a connection error of type
        // PROTOCOL_ERROR."
        (S::ReservedRemote, I::Headers { end_stream }) => {
            process(after_recv_es(S::HalfClosedLocal, end_stream))
        }
        (S::ReservedRemote, I::Data { .. } | I::WindowUpdate) => conn(
            ErrorCode::PROTOCOL_ERROR,
            "frame other than HEADERS, RST_STREAM, PRIORITY on a reserved (remote) stream",
        ),

        // RFC 9113 5.1 open / half-closed (local): "An endpoint can receive any type of
        // frame in this state."
        (S::Open | S::HalfClosedLocal, I::Headers { end_stream } | I::Data { end_stream }) => {
            process(after_recv_es(state, end_stream))
        }
        (S::Open | S::HalfClosedLocal | S::HalfClosedRemote, I::WindowUpdate) => process(state),

        // RFC 9113 5.1 half-closed (remote): "If an endpoint receives additional frames,
        // other than WINDOW_UPDATE, PRIORITY, or RST_STREAM, for a stream that is in this
        // state, it MUST respond with a stream error of type STREAM_CLOSED."
        (S::HalfClosedRemote, I::Headers { .. } | I::Data { .. }) => Err(H2Error::stream(
            id,
            ErrorCode::STREAM_CLOSED,
            "frame after END_STREAM on a half-closed (remote) stream",
        )),

        // RFC 9113 5.1: "Either endpoint can send a RST_STREAM frame" from reserved, open
        // and half-closed states, "causing it to transition immediately to closed".
        (
            S::ReservedLocal
            | S::ReservedRemote
            | S::Open
            | S::HalfClosedLocal
            | S::HalfClosedRemote,
            I::RstStream(code),
        ) => process(S::Closed(ResetReceived(code))),

        // RFC 9113 5.1 closed: "An endpoint that sends a RST_STREAM frame on a stream that is
        // in the open or half-closed (local) state could receive any type of frame. ... An
        // endpoint MUST minimally process and then discard any frames it receives in this
        // state."
        (S::Closed(ResetSent(_)), _) => Ok(RecvStep::Ignore),

        // RFC 9113 5.1 closed: "An endpoint that sends a frame with the END_STREAM flag set
        // or a RST_STREAM frame might receive a WINDOW_UPDATE or RST_STREAM frame from its
        // peer in the time before the peer receives and processes the frame that closes the
        // stream."
        (S::Closed(EndStream), I::WindowUpdate | I::RstStream(_)) => Ok(RecvStep::Ignore),
        // "An endpoint MAY treat receipt of any other type of frame on a closed stream as a
        // connection error of type STREAM_CLOSED": the peer already sent END_STREAM, so a
        // DATA or HEADERS frame after it is its fault, whatever the timing.
        (S::Closed(EndStream), I::Headers { .. } | I::Data { .. }) => conn(
            ErrorCode::STREAM_CLOSED,
            "frame after END_STREAM on a closed stream",
        ),

        // After the peer reset the stream it may send nothing but PRIORITY (RFC 9113 5.1
        // "An endpoint MUST NOT send frames other than PRIORITY on a closed stream"); we
        // answer with a stream error of type STREAM_CLOSED (RFC 9113 6.4: "after sending
        // the RST_STREAM, the sending endpoint MUST be prepared to receive and handle
        // additional frames", the receiver of RST is not). A RST_STREAM is ignored: RFC 9113
        // 5.4.2 "an endpoint MUST NOT send a RST_STREAM in response to a RST_STREAM frame".
        (S::Closed(ResetReceived(_)), I::RstStream(_)) => Ok(RecvStep::Ignore),
        (S::Closed(ResetReceived(_)), I::Headers { .. } | I::Data { .. } | I::WindowUpdate) => {
            Err(H2Error::stream(
                id,
                ErrorCode::STREAM_CLOSED,
                "frame after RST_STREAM on a closed stream",
            ))
        }
    }
}

/// The send table: what an action of ours does to a stream in `state`, or why it is not
/// allowed. Errors are caller mistakes and change nothing.
///
/// | state \ action | HEADERS | DATA | RST_STREAM | WINDOW_UPDATE | PRIORITY | PUSH_PROMISE (promised) |
/// |---|---|---|---|---|---|---|
/// | idle | client, client-initiated id: open (ES: half-closed (local)) | invalid | invalid (6.4) | invalid | stay | server, server-initiated id: reserved (local) |
/// | reserved (local) | half-closed (remote) (ES: closed) | invalid | closed (reset sent) | invalid | stay | invalid |
/// | reserved (remote) | invalid | invalid | closed (reset sent) | stay | stay | invalid |
/// | open | stay (ES: half-closed (local)) | stay (ES: half-closed (local)) | closed (reset sent) | stay | stay | invalid |
/// | half-closed (local) | stream closed | stream closed | closed (reset sent) | stay | stay | invalid |
/// | half-closed (remote) | stay (ES: closed) | stay (ES: closed) | closed (reset sent) | stay | stay | invalid |
/// | closed | stream closed | stream closed | stream closed | stream closed | stay | invalid |
// Always inlined: as a call its `Result` came back through a stack slot that the caller
// read wider than it was written, a store-forwarding stall on every HEADERS sent.
#[inline(always)]
pub fn send_transition(
    state: StreamState,
    role: Role,
    id: StreamId,
    input: SendInput,
) -> Result<StreamState, UserError> {
    use SendInput as I;
    use StreamState as S;
    let invalid = |why| Err(UserError::InvalidState { stream_id: id, why });
    match (state, input) {
        // RFC 9113 5.1: "PRIORITY can be sent and received in any stream state."
        (s, I::Priority) => Ok(s),

        // RFC 9113 5.1 idle: "Sending a HEADERS frame as a client ... causes the stream to
        // become open"; a server opens streams only by PUSH_PROMISE.
        (S::Idle, I::Headers { end_stream }) => {
            if role == Role::Client && id.is_client_initiated() {
                Ok(after_send_es(S::Open, end_stream))
            } else {
                invalid("only a client opens a stream with HEADERS, on an odd id")
            }
        }
        // RFC 9113 5.1 idle: "Only a server may send PUSH_PROMISE frames."
        (S::Idle, I::PushPromise) => {
            if role == Role::Server && id.is_server_initiated() {
                Ok(S::ReservedLocal)
            } else {
                invalid("only a server promises a stream, on an even id")
            }
        }
        // RFC 9113 6.4: "RST_STREAM frames MUST NOT be sent for a stream in the idle state."
        (S::Idle, I::Data { .. } | I::RstStream(_) | I::WindowUpdate) => invalid("stream is idle"),
        (_, I::PushPromise) => invalid("the promised stream must be idle"),

        // RFC 9113 5.1 reserved (local): "The endpoint can send a HEADERS frame. This causes
        // the stream to open in a half-closed (remote) state." "An endpoint MUST NOT send
        // any type of frame other than HEADERS, RST_STREAM, or PRIORITY in this state."
        (S::ReservedLocal, I::Headers { end_stream }) => {
            Ok(after_send_es(S::HalfClosedRemote, end_stream))
        }
        (S::ReservedLocal, I::Data { .. } | I::WindowUpdate) => {
            invalid("only HEADERS, RST_STREAM or PRIORITY on a reserved (local) stream")
        }
        // RFC 9113 5.1 reserved (remote): "An endpoint MUST NOT send any type of frame other
        // than RST_STREAM, WINDOW_UPDATE, or PRIORITY in this state."
        (S::ReservedRemote, I::WindowUpdate) => Ok(state),
        (S::ReservedRemote, I::Headers { .. } | I::Data { .. }) => {
            invalid("only RST_STREAM, WINDOW_UPDATE or PRIORITY on a reserved (remote) stream")
        }

        (S::Open | S::HalfClosedRemote, I::Headers { end_stream } | I::Data { end_stream }) => {
            Ok(after_send_es(state, end_stream))
        }
        (S::Open | S::HalfClosedLocal | S::HalfClosedRemote, I::WindowUpdate) => Ok(state),
        // RFC 9113 5.1 half-closed (local): "cannot be used for sending frames other than
        // WINDOW_UPDATE, PRIORITY, and RST_STREAM."
        (S::HalfClosedLocal, I::Headers { .. } | I::Data { .. }) => {
            Err(UserError::StreamClosed(id))
        }
        (
            S::ReservedLocal
            | S::ReservedRemote
            | S::Open
            | S::HalfClosedLocal
            | S::HalfClosedRemote,
            I::RstStream(code),
        ) => Ok(S::Closed(CloseCause::ResetSent(code))),

        // RFC 9113 5.1 closed: "An endpoint MUST NOT send frames other than PRIORITY on a
        // closed stream." (A second RST_STREAM: 5.4.2 "SHOULD NOT send more than one".)
        (S::Closed(_), I::Headers { .. } | I::Data { .. } | I::RstStream(_) | I::WindowUpdate) => {
            Err(UserError::StreamClosed(id))
        }
    }
}

/// All states, in the order of RFC 9113 5.1 (closed once per cause), for tests and tools.
pub const ALL_STATES: [StreamState; 9] = [
    StreamState::Idle,
    StreamState::ReservedLocal,
    StreamState::ReservedRemote,
    StreamState::Open,
    StreamState::HalfClosedLocal,
    StreamState::HalfClosedRemote,
    StreamState::Closed(CloseCause::EndStream),
    StreamState::Closed(CloseCause::ResetSent(ErrorCode::CANCEL)),
    StreamState::Closed(CloseCause::ResetReceived(ErrorCode::CANCEL)),
];
