//! [`Stream`]: one stream's state, windows and message progress.

use crate::content_length::BodyLength;
use crate::state::{recv_transition, CloseCause, RecvInput, StreamState};
use crate::validate::{Block, Message, Method};
use crate::{Role, Window};
use h2_frame::{ErrorCode, H2Error, StreamId};

/// Where a message is, in one direction (RFC 9113 8.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Waiting for the header section (for a response: the final one; 1xx keep it here).
    Head,
    /// The header section went by: DATA may follow; another HEADERS is the trailers.
    Body,
}

/// One direction of a message: its phase and its content-length budget.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Half {
    pub(crate) phase: Phase,
    pub(crate) length: BodyLength,
}

impl Half {
    pub(crate) const START: Half = Half {
        phase: Phase::Head,
        length: BodyLength::Unchecked,
    };

    /// Moves this direction on after a checked header block `msg` of kind `block`, and
    /// the stream's `method` with it (learned from a request). A request or a final
    /// response starts the body, with the content-length budget when `checked` (true is
    /// returned); a 1xx and trailers change nothing.
    #[inline(always)]
    pub(crate) fn on_headers(
        &mut self,
        method: &mut Method,
        block: Block,
        msg: &Message,
        checked: bool,
    ) -> bool {
        match block {
            Block::Request { .. } => {
                *method = msg.method;
                self.phase = Phase::Body;
                self.length = msg.request_body(checked);
                true
            }
            Block::Response if !msg.is_informational() => {
                self.phase = Phase::Body;
                self.length = msg.response_body(checked, *method);
                true
            }
            Block::Response | Block::Trailers => false,
        }
    }

    /// The content-length a message declared, from its budget right after its header
    /// section (0 for a message defined as having no content); `None` when unchecked.
    pub(crate) fn declared(&self) -> Option<u64> {
        match self.length {
            BodyLength::Remaining(n) => Some(n),
            BodyLength::NoContent => Some(0),
            BodyLength::Unchecked => None,
        }
    }
}

/// One HTTP/2 stream: its [`StreamState`], both flow-control windows, and where the
/// request and response messages are.
///
/// Created idle with [`Stream::new`]; driven by the `recv_*` methods (frames from the
/// peer, which push [`Event`](crate::Event)s and return [`H2Error`] peer faults) and the
/// `send_*` methods (our actions, which return [`UserError`](crate::UserError) caller
/// mistakes and change nothing on error).
#[derive(Clone, Debug)]
pub struct Stream {
    pub(crate) id: StreamId,
    pub(crate) role: Role,
    pub(crate) state: StreamState,
    pub(crate) send_window: Window,
    pub(crate) recv_window: Window,
    pub(crate) extended_connect: bool,
    /// The request method, once the request (or promise) went by.
    pub(crate) method: Method,
    /// What the peer sends.
    pub(crate) recv: Half,
    /// The content-length the peer's message declared (for reporting a mismatch only:
    /// `recv` holds what is still expected), and the DATA octets received so far,
    /// counted before the check.
    pub(crate) recv_declared: Option<u64>,
    pub(crate) recv_received: u64,
    /// What we send.
    pub(crate) send: Half,
}

impl Stream {
    /// An idle stream. `role` is our role on the connection; `initial_send_window` is the
    /// peer's SETTINGS_INITIAL_WINDOW_SIZE, `initial_recv_window` ours.
    #[inline]
    pub fn new(
        id: StreamId,
        role: Role,
        initial_send_window: u32,
        initial_recv_window: u32,
    ) -> Stream {
        Stream {
            id,
            role,
            state: StreamState::Idle,
            send_window: Window::new(initial_send_window),
            recv_window: Window::new(initial_recv_window),
            extended_connect: false,
            method: Method::Other,
            recv: Half::START,
            recv_declared: None,
            recv_received: 0,
            send: Half::START,
        }
    }

    /// Allows extended CONNECT (RFC 8441 `:protocol`) in requests on this stream. The
    /// connection sets it when SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 is in force: as a
    /// server, once the peer acknowledged ours; as a client, once the server sent it.
    /// Off by default, so `:protocol` is malformed (RFC 9113 8.3, RFC 8441 3).
    pub fn set_extended_connect(&mut self, enabled: bool) {
        self.extended_connect = enabled;
    }

    /// Whether extended CONNECT is allowed on this stream.
    pub fn extended_connect(&self) -> bool {
        self.extended_connect
    }

    /// The stream id.
    pub fn id(&self) -> StreamId {
        self.id
    }

    /// Our role on the connection.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The RFC 9113 5.1 state.
    pub fn state(&self) -> StreamState {
        self.state
    }

    /// Whether the stream is closed (terminal).
    pub fn is_closed(&self) -> bool {
        matches!(self.state, StreamState::Closed(_))
    }

    /// Whether the stream counts toward SETTINGS_MAX_CONCURRENT_STREAMS: open or
    /// half-closed (RFC 9113 5.1.2).
    pub fn is_active(&self) -> bool {
        matches!(
            self.state,
            StreamState::Open | StreamState::HalfClosedLocal | StreamState::HalfClosedRemote
        )
    }

    /// What we may still send on this stream (may be negative, RFC 9113 6.9.2).
    pub fn send_window(&self) -> i32 {
        self.send_window.available()
    }

    /// The content-length the peer's message declared and the DATA octets received on
    /// this stream so far (including a frame refused for going over), when
    /// content-length is checked (RFC 9113 8.1.1); a message defined as having no
    /// content declares 0. `None` without a checked content-length.
    pub fn recv_content_length(&self) -> Option<(u64, u64)> {
        self.recv_declared.map(|d| (d, self.recv_received))
    }

    /// What the peer may still send on this stream.
    pub fn recv_window(&self) -> i32 {
        self.recv_window.available()
    }

    /// The send window, for SETTINGS_INITIAL_WINDOW_SIZE changes from the peer.
    pub fn send_window_mut(&mut self) -> &mut Window {
        &mut self.send_window
    }

    /// The receive window, for SETTINGS_INITIAL_WINDOW_SIZE changes of ours once acked.
    pub fn recv_window_mut(&mut self) -> &mut Window {
        &mut self.recv_window
    }

    /// The connection reset this stream because of a stream error the peer caused (an
    /// `H2Error::Stream` from a `recv_*` method): the stream is now closed with
    /// [`CloseCause::ResetSent`], so frames still in flight are ignored. Infallible, from
    /// any state.
    pub fn on_local_reset(&mut self, code: ErrorCode) {
        self.state = StreamState::Closed(CloseCause::ResetSent(code));
    }

    /// What a frame means on this stream in its current state, without changing
    /// anything; meant for closed (and idle) streams (RFC 9113 5.1 "closed").
    ///
    /// `Ok(())` means: on a closed stream, ignore the frame (after we sent RST_STREAM,
    /// anything; after END_STREAM both ways, WINDOW_UPDATE and RST_STREAM; PRIORITY always);
    /// on any other stream, the frame is allowed and goes to the matching `recv_*`
    /// method. Otherwise it is the error to raise: a connection error of type
    /// STREAM_CLOSED for DATA/HEADERS after END_STREAM, a stream error of type
    /// STREAM_CLOSED for anything but PRIORITY/RST_STREAM after the peer's RST_STREAM, a
    /// connection error of type PROTOCOL_ERROR for frames idle or reserved states forbid.
    /// For a stream the connection no longer keeps, use [`recv_transition`] with
    /// `StreamState::Closed(cause)` directly.
    pub fn late_frame(&self, input: RecvInput) -> Result<(), H2Error> {
        recv_transition(self.state, self.role, self.id, input).map(|_| ())
    }
}
