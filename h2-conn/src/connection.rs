//! The [`Connection`] type: its state, getters, outputs and error handling. The inputs are
//! in `recv.rs`, the commands in `send.rs`.

use crate::config::Config;
use crate::flow::RecvFlow;
use crate::limits::{Flood, FloodGuard};
use crate::output::Output;
use crate::registry::Registry;
use crate::settings_state::{LocalSettings, SettingValues};
use bytes::Bytes;
use h2_events::{Event, UserError};
use h2_frame::{
    ErrorCode, Frame, FrameDecoder, GoAway, H2Error, RstStream, StreamId, WindowUpdate,
    DEFAULT_INITIAL_WINDOW_SIZE,
};
use h2_hpack_glue::{BlockLimits, HeaderBlockDecoder, HeaderBlockEncoder};
use h2_stream::{Role, Stream, StreamState, Window};

/// Where the connection is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// `initiate_connection` not called yet.
    NotStarted,
    /// Server: waiting for the client preface (RFC 9113 3.4); `matched` octets seen.
    AwaitingPreface { matched: usize },
    /// Waiting for the peer's first frame, which must be SETTINGS (RFC 9113 3.4).
    AwaitingSettings,
    /// Frames flow.
    Open,
    /// A connection error happened or `close_connection` was called: nothing more is
    /// processed or sent.
    Closed,
}

/// The header block being assembled from HEADERS/PUSH_PROMISE + CONTINUATION frames.
#[derive(Clone, Copy, Debug)]
pub(crate) enum BlockStart {
    Headers {
        stream_id: StreamId,
        end_stream: bool,
        priority: Option<h2_frame::PrioritySpec>,
    },
    PushPromise {
        parent: StreamId,
        promised: StreamId,
    },
}

/// A sans-IO HTTP/2 connection, client or server.
///
/// Methods come in four kinds (as in quinn-proto):
/// * **getters** (`&self`): [`local_flow_control_window`](Connection::local_flow_control_window),
///   [`open_outbound_streams`](Connection::open_outbound_streams), ...;
/// * **input**: [`receive_data`](Connection::receive_data) /
///   [`receive_bytes`](Connection::receive_bytes) /
///   [`receive_vectored`](Connection::receive_vectored) turn received bytes into
///   [`Event`]s;
/// * **commands**: [`send_headers`](Connection::send_headers),
///   [`send_data`](Connection::send_data), [`reset_stream`](Connection::reset_stream),
///   [`ping`](Connection::ping), ... queue frames;
/// * **output**: [`data_to_send`](Connection::data_to_send) and its bounded and vectored
///   forms hand over the bytes to write. Output changes after any input or command.
/// * **time** (see [`set_now`](Connection::set_now)): [`set_now`](Connection::set_now)
///   and [`handle_timeout`](Connection::handle_timeout) pass the caller's clock in,
///   [`poll_timeout`](Connection::poll_timeout) says when to call back.
///
/// Peer faults never surface as `Err`: the connection queues the GOAWAY or RST_STREAM RFC
/// 9113 5.4 requires and reports [`Event::ConnectionTerminated`] or [`Event::StreamReset`].
/// `Err` is always a [`UserError`]: a call that was refused, with nothing changed.
pub struct Connection {
    pub(crate) config: Config,
    pub(crate) role: Role,
    pub(crate) phase: Phase,
    pub(crate) decoder: FrameDecoder,
    pub(crate) hpack_in: HeaderBlockDecoder,
    pub(crate) hpack_out: HeaderBlockEncoder,
    /// Verdicts on the fields of the header lists we send, by content: a list that repeats
    /// the previous one's fields skips their character scans and name rules.
    pub(crate) out_verdicts: h2_hpack_glue::syntax::VerdictMemo,
    pub(crate) block: Option<BlockStart>,
    pub(crate) streams: Registry,
    pub(crate) local: LocalSettings,
    pub(crate) remote: SettingValues,
    /// The peer's first SETTINGS arrived (or, for an h2c server, its HTTP2-Settings).
    pub(crate) remote_settings_received: bool,
    /// What we may still send on the connection.
    pub(crate) send_window: Window,
    /// What the peer may still send us on the connection.
    pub(crate) recv_flow: RecvFlow,
    /// The connection window we want the peer to have.
    pub(crate) recv_target: u32,
    pub(crate) output: Output,
    pub(crate) flood: FloodGuard,
    /// Last stream id announced in a GOAWAY we sent.
    pub(crate) goaway_sent: Option<StreamId>,
    /// Why we ended the connection on a peer fault, if we did.
    pub(crate) local_error: Option<&'static str>,
    /// The content-length bookkeeping of the stream whose fault ended the connection.
    pub(crate) local_error_content_length: Option<(u64, u64)>,
    /// The stream whose frame ended the connection, where known.
    pub(crate) local_error_stream: Option<StreamId>,
    /// Receiving started before `initiate_connection` (`Config::require_initiate` off):
    /// our preface has not been sent yet.
    pub(crate) started_implicitly: bool,
    /// Last stream id from a GOAWAY the peer sent.
    pub(crate) goaway_received: Option<StreamId>,
    /// PING payload of a graceful shutdown in progress.
    pub(crate) shutdown_ping: Option<[u8; 8]>,
    /// Events that happened while output was taken (a pulled body that broke a rule),
    /// delivered with the next input.
    pub(crate) deferred: Vec<h2_events::Event>,
    /// Where `receive_data` copies its input; reused once the events' views are dropped.
    pub(crate) recv_buf: crate::output::Recycled,
    /// How many events the last `receive_data` call returned: the next one's capacity.
    pub(crate) events_hint: usize,
    /// The caller's time and everything that depends on it (timers.rs).
    pub(crate) clock: crate::timers::Clock,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("role", &self.role)
            .field("phase", &self.phase)
            .field("streams", &self.streams.len())
            .field("send_window", &self.send_window)
            .field("recv_window", &self.recv_flow.window)
            .field("pending_output", &self.output.len())
            .field("queued_output", &self.streams.queued)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// A connection that has sent nothing yet; call
    /// [`initiate_connection`](Connection::initiate_connection) next.
    pub fn new(config: Config) -> Connection {
        let local_defaults = SettingValues::default();
        let limits = BlockLimits {
            max_table_size: local_defaults.header_table_size(),
            // Until our SETTINGS is acknowledged the peer may assume no limit; we still
            // hold it to the configured one, which is what we advertise. Not announced
            // (`initial_settings` replaced whole) is not unlimited: the default still
            // bounds what HPACK may expand to (RFC 9113 10.5.1).
            max_header_list_size: config
                .initial_settings
                .get(h2_frame::SettingId::MAX_HEADER_LIST_SIZE)
                .unwrap_or(crate::config::DEFAULT_MAX_HEADER_LIST_SIZE),
            max_block_bytes: config.limits.max_header_block_bytes,
            max_continuation_frames: config.limits.max_continuation_frames,
        };
        Connection {
            role: config.role,
            phase: Phase::NotStarted,
            decoder: FrameDecoder::new(local_defaults.max_frame_size()),
            hpack_in: HeaderBlockDecoder::new(limits),
            out_verdicts: h2_hpack_glue::syntax::VerdictMemo::new(),
            hpack_out: HeaderBlockEncoder::with_encoder(h2_hpack_glue::Encoder::with_policy(
                config.hpack_policy,
            )),
            block: None,
            streams: Registry::new(config.role, config.limits.max_closed_streams),
            local: LocalSettings::default(),
            remote: SettingValues::default(),
            remote_settings_received: false,
            send_window: Window::new(DEFAULT_INITIAL_WINDOW_SIZE),
            recv_flow: RecvFlow::new(DEFAULT_INITIAL_WINDOW_SIZE),
            recv_target: DEFAULT_INITIAL_WINDOW_SIZE,
            output: Output::default(),
            flood: FloodGuard::default(),
            goaway_sent: None,
            local_error: None,
            local_error_content_length: None,
            local_error_stream: None,
            started_implicitly: false,
            goaway_received: None,
            shutdown_ping: None,
            deferred: Vec::new(),
            recv_buf: crate::output::Recycled::default(),
            events_hint: 0,
            clock: crate::timers::Clock::default(),
            config,
        }
    }

    // ---------------------------------------------------------------- getters

    /// Our role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The configuration the connection was made with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// True once a connection error happened or `close_connection` was called: nothing
    /// more is processed or sent ([`ConnectionState::Closed`](crate::ConnectionState)).
    /// A GOAWAY alone does not close the connection: streams at or below its last stream
    /// id carry on ([`state`](Connection::state),
    /// [`can_open_streams`](Connection::can_open_streams)).
    pub fn is_closed(&self) -> bool {
        self.phase == Phase::Closed
    }

    /// Why we ended the connection, when a peer fault made us send GOAWAY (the text
    /// that [`Config::goaway_debug_data`](crate::Config::goaway_debug_data) puts in the
    /// frame); `None` otherwise.
    pub fn local_error_reason(&self) -> Option<&'static str> {
        self.local_error
    }

    /// When a stream fault ended the connection
    /// ([`Config::stream_errors_close_connection`](crate::Config::stream_errors_close_connection)):
    /// that stream's declared content-length and the DATA octets received on it (see
    /// [`Stream::recv_content_length`](crate::stream::Stream::recv_content_length)), so
    /// a content-length mismatch can be reported with its numbers.
    pub fn local_error_content_length(&self) -> Option<(u64, u64)> {
        self.local_error_content_length
    }

    /// The stream id of the frame whose fault ended the connection, where it is known: a
    /// stream error made a connection error
    /// ([`Config::stream_errors_close_connection`](crate::Config::stream_errors_close_connection)),
    /// or HEADERS on a stream id not above every id the peer used before (RFC 9113
    /// 5.1.1). `None` otherwise.
    pub fn local_error_stream_id(&self) -> Option<StreamId> {
        self.local_error_stream
    }

    /// Our settings currently in force (acknowledged by the peer).
    pub fn local_settings(&self) -> &SettingValues {
        &self.local.current
    }

    /// The peer's settings currently in force.
    pub fn remote_settings(&self) -> &SettingValues {
        &self.remote
    }

    /// True once the peer's first SETTINGS frame arrived (for an h2c server: once the
    /// client's `HTTP2-Settings` were applied). Before that its settings have their RFC
    /// 9113 6.5.2 initial values and the streams we open are held to
    /// [`Config::initial_max_send_streams`](crate::Config::initial_max_send_streams).
    pub fn remote_settings_received(&self) -> bool {
        self.remote_settings_received
    }

    /// The state of a stream, `None` when unknown (idle, or closed and forgotten).
    pub fn stream_state(&self, stream_id: StreamId) -> Option<StreamState> {
        self.streams.state(stream_id)
    }

    /// How many bytes of DATA *we* may send on `stream_id` now: the smaller of the
    /// connection and the stream send windows the peer granted us (hyper-h2's
    /// `local_flow_control_window`). Padding counts against it
    /// ([`send_data_padded`](Connection::send_data_padded)). The window the peer may
    /// send into is [`remote_flow_control_window`](Connection::remote_flow_control_window).
    /// On stream 0, the connection's send window alone (hyper-h2's
    /// `outbound_flow_control_window`).
    pub fn local_flow_control_window(&self, stream_id: StreamId) -> Result<i32, UserError> {
        if stream_id.is_zero() {
            return Ok(self.send_window.available());
        }
        let entry = self
            .streams
            .get(stream_id)
            .ok_or_else(|| self.streams.missing(stream_id))?;
        Ok(entry.stream.send_window().min(self.send_window.available()))
    }

    /// How many bytes the peer may still send us on `stream_id` before we return window:
    /// the smaller of the stream's and the connection's receive windows (stream 0: the
    /// connection's alone), as hyper-h2's `remote_flow_control_window`.
    pub fn remote_flow_control_window(&self, stream_id: StreamId) -> Result<i32, UserError> {
        if stream_id.is_zero() {
            return Ok(self.recv_flow.window.available());
        }
        let entry = self
            .streams
            .get(stream_id)
            .ok_or_else(|| self.streams.missing(stream_id))?;
        Ok(entry
            .stream
            .recv_window()
            .min(self.recv_flow.window.available()))
    }

    /// The largest frame payload we may send (the peer's SETTINGS_MAX_FRAME_SIZE).
    pub fn max_outbound_frame_size(&self) -> u32 {
        self.remote.max_frame_size()
    }

    /// The largest frame payload we accept (our acknowledged SETTINGS_MAX_FRAME_SIZE).
    pub fn max_inbound_frame_size(&self) -> u32 {
        self.local.current.max_frame_size()
    }

    /// Streams the peer opened that are open or half-closed.
    pub fn open_inbound_streams(&self) -> u32 {
        self.streams.open_inbound()
    }

    /// Streams we opened that are open or half-closed.
    pub fn open_outbound_streams(&self) -> u32 {
        self.streams.open_outbound()
    }

    /// The next stream id we may open (hyper-h2's `get_next_available_stream_id`). It is
    /// not reserved: it stays the same until a stream is opened with it.
    pub fn next_stream_id(&self) -> Result<StreamId, UserError> {
        let highest = self.streams.highest_outbound;
        let next = if highest.is_zero() {
            Some(StreamId::new(if self.role == Role::Client { 1 } else { 2 }))
        } else {
            highest.next_for_same_peer()
        };
        next.ok_or(UserError::StreamIdsExhausted)
    }

    /// Approximate heap bytes held by the connection: streams, queued and framed output,
    /// the input and output buffers kept for reuse, the verdicts remembered for the
    /// header lists we send (at most 32 fields of 256 octets) and the last repeated header
    /// block received (at most 128 octets, and a copy of its list of at most 2 KiB).
    pub fn memory_usage(&self) -> usize {
        self.streams.memory_usage()
            + self.decoder.buffered_len()
            + self.output.len().max(self.output.capacity())
            + self.recv_buf.capacity()
            + self.out_verdicts.memory_usage()
            + self.hpack_in.memory_usage()
    }

    // ---------------------------------------------------------------- output

    /// Octets framed and waiting to be written. Body data queued with
    /// [`queue_data`](Connection::queue_data) is framed when output is taken and is not
    /// counted here (see [`queued_len`](Connection::queued_len) and
    /// [`wants_write`](Connection::wants_write)).
    pub fn pending_output_len(&self) -> usize {
        self.output.len()
    }

    /// Takes the octets waiting to be written, as one buffer, after framing queued body
    /// data up to [`WRITE_BATCH`](crate::WRITE_BATCH) octets. Loop while
    /// [`wants_write`](Connection::wants_write) to take everything.
    ///
    /// Cost: one copy of each DATA payload into the output buffer, and no allocation per
    /// call once warm, as long as the previous buffer was dropped before the call (the
    /// same allocation is then reused).
    pub fn data_to_send(&mut self) -> Bytes {
        self.fill_output(crate::WRITE_BATCH, false);
        self.sync_timers();
        self.output.take_all()
    }

    /// Takes up to `dst.len()` octets into `dst` (for a fixed write buffer); returns how
    /// many. The rest stays queued. Queued body data is framed only as far as `dst` has
    /// room, and copied once, into `dst`.
    pub fn data_to_send_into(&mut self, dst: &mut [u8]) -> usize {
        self.fill_output(dst.len(), true);
        self.sync_timers();
        self.output.take_into(dst)
    }

    /// Takes the octets waiting to be written as a list of chunks in order, for
    /// `write_vectored`, after framing queued body data as `data_to_send` does. DATA
    /// payloads of 1 KiB or more come back as the same `Bytes` that were handed to
    /// `send_data`/`queue_data` or pulled from a source, never copied.
    ///
    /// Cost: no copy of those payloads. To stay zero-copy into an in-memory peer (a
    /// proxy relaying between two connections, a test), hand the chunks to its
    /// [`receive_vectored`](Connection::receive_vectored) in one call; joining them
    /// first is a copy.
    pub fn data_to_send_vectored(&mut self, out: &mut Vec<Bytes>) {
        self.fill_output(crate::WRITE_BATCH, true);
        self.sync_timers();
        self.output.take_vectored(out)
    }

    // ---------------------------------------------------------------- internals

    /// A new idle stream with the windows and options currently in force.
    #[inline]
    pub(crate) fn new_stream(&self, id: StreamId) -> Stream {
        let mut stream = Stream::new(
            id,
            self.role,
            self.remote.initial_window_size(),
            self.local.current.initial_window_size(),
        );
        // RFC 8441 3: extended CONNECT once the server's SETTINGS_ENABLE_CONNECT_PROTOCOL
        // = 1 is in force (ours, acknowledged, on a server; the server's on a client).
        let connect = match self.role {
            Role::Server => self.local.current.enable_connect_protocol(),
            Role::Client => self.remote.enable_connect_protocol(),
        };
        stream.set_extended_connect(connect);
        stream
    }

    /// Refuses commands once the connection is over or not started.
    pub(crate) fn check_usable(&self) -> Result<(), UserError> {
        match self.phase {
            Phase::Closed => Err(UserError::ConnectionClosed),
            Phase::NotStarted if self.config.require_initiate => Err(UserError::NotInitiated),
            _ => Ok(()),
        }
    }

    /// Serializes one frame we built ourselves. Every field is ours and checked, so an
    /// encoding failure would be a bug in this crate; it writes nothing rather than panic
    /// (and fails debug builds). The one caller-shaped frame, the initial SETTINGS from
    /// `Config`, is at most 16,384 octets as long as it has at most 2,730 entries.
    pub(crate) fn write_frame(&mut self, frame: &Frame) {
        crate::trace::sent(self.role, frame);
        let max = self.remote.max_frame_size();
        let written = self.output.write(|buf| frame.encode(buf, max));
        debug_assert!(
            written.is_ok(),
            "a frame we built did not encode: {written:?}"
        );
    }

    /// Queues a control frame a peer can make us send, bounded by
    /// `max_pending_control_frames` while the application does not take our output.
    pub(crate) fn write_control(&mut self, frame: &Frame) -> Result<(), H2Error> {
        self.output.control_frames += 1;
        if self.output.control_frames > self.config.limits.max_pending_control_frames {
            return Err(H2Error::conn(
                ErrorCode::ENHANCE_YOUR_CALM,
                "peer makes us queue control frames faster than they are written",
            ));
        }
        self.write_frame(frame);
        Ok(())
    }

    /// Counts an abusive pattern; over the limit it is a connection error.
    pub(crate) fn count_flood(&mut self, kind: Flood) -> Result<(), H2Error> {
        self.flood
            .count(kind, &self.config.limits)
            .and_then(|()| {
                let now = self.clock.now;
                self.clock.rates.count(kind, now, &self.config.rate_limits)
            })
            .map_err(|k| H2Error::conn(ErrorCode::ENHANCE_YOUR_CALM, k.why()))
    }

    /// Turns a peer fault into frames and events (RFC 9113 5.4).
    pub(crate) fn on_peer_error(&mut self, err: H2Error, events: &mut Vec<Event>) {
        match err {
            H2Error::Connection { code, why } => self.connection_error(code, why, events),
            // hyper-h2 compatibility: every stream fault but STREAM_CLOSED ends the
            // connection (Config::stream_errors_close_connection). CANCEL is no fault:
            // it refuses a promise on a stream we reset.
            H2Error::Stream { id, code, why }
                if self.config.stream_errors_close_connection
                    && code != ErrorCode::STREAM_CLOSED
                    && code != ErrorCode::CANCEL =>
            {
                self.local_error_content_length = self
                    .streams
                    .get(id)
                    .and_then(|e| e.stream.recv_content_length());
                self.local_error_stream = Some(id);
                // REFUSED_STREAM names no fault of a whole connection (see the option).
                let code = match code {
                    ErrorCode::REFUSED_STREAM => ErrorCode::PROTOCOL_ERROR,
                    code => code,
                };
                self.connection_error(code, why, events)
            }
            H2Error::Stream { id, code, .. } => {
                // RFC 9113 5.4.2: send RST_STREAM; the stream is closed for us now.
                let known = self
                    .streams
                    .with(id, |e| {
                        let was_closed = e.stream.is_closed();
                        e.stream.on_local_reset(code);
                        !was_closed
                    })
                    .unwrap_or(false);
                let result = self
                    .write_control(&Frame::RstStream(RstStream {
                        stream_id: id,
                        code,
                    }))
                    .and_then(|()| self.count_flood(Flood::LocalReset));
                if known {
                    events.push(Event::StreamReset {
                        stream_id: id,
                        error_code: code,
                        remote_reset: false,
                    });
                }
                if let Err(H2Error::Connection { code, why }) = result {
                    self.connection_error(code, why, events);
                }
            }
        }
    }

    /// RFC 9113 5.4.1: send GOAWAY with the last stream we processed, then stop.
    pub(crate) fn connection_error(
        &mut self,
        code: ErrorCode,
        why: &'static str,
        events: &mut Vec<Event>,
    ) {
        if self.phase == Phase::Closed {
            return;
        }
        let code = match code {
            ErrorCode::COMPRESSION_ERROR if self.config.compression_error_as_protocol_error => {
                ErrorCode::PROTOCOL_ERROR
            }
            code => code,
        };
        let last_stream_id = self.streams.highest_inbound;
        let debug_data = match self.config.goaway_debug_data {
            true => Bytes::from_static(why.as_bytes()),
            false => Bytes::new(),
        };
        let goaway = GoAway {
            last_stream_id,
            code,
            debug_data: debug_data.clone(),
        };
        self.write_frame(&Frame::GoAway(goaway));
        self.goaway_sent = Some(last_stream_id);
        self.local_error = Some(why);
        self.phase = Phase::Closed;
        events.push(Event::ConnectionTerminated {
            error_code: code,
            last_stream_id,
            additional_data: debug_data,
            remote: false,
        });
    }

    /// Queues WINDOW_UPDATE for whatever the policy says to return now.
    pub(crate) fn maybe_return_window(&mut self, stream_id: StreamId) {
        let policy = &*self.config.window_policy;
        if stream_id.is_zero() {
            let flow = &mut self.recv_flow;
            if let Some(inc) = policy.increment(self.recv_target, flow.window, flow.pending) {
                // Never above the target (lowered by `set_target_window_size`).
                let room = i64::from(self.recv_target) - i64::from(flow.window.available());
                let inc = inc
                    .min(flow.pending)
                    .min(room.clamp(0, i64::from(u32::MAX)) as u32);
                if inc > 0 && flow.window.increase(inc).is_ok() {
                    flow.pending -= inc;
                    self.write_frame(&Frame::WindowUpdate(WindowUpdate {
                        stream_id,
                        increment: inc,
                    }));
                }
            }
            return;
        }
        self.return_stream_window(stream_id, 0);
    }

    /// Adds `acknowledged` to the stream's consumed-but-unreturned octets and sends the
    /// WINDOW_UPDATE its policy asks for, in one visit to the stream.
    pub(crate) fn return_stream_window(&mut self, stream_id: StreamId, acknowledged: u32) {
        let policy = &*self.config.window_policy;
        let target = self.local.current.initial_window_size();
        let inc = self.streams.with(stream_id, |e| {
            e.pending_ack = e.pending_ack.saturating_add(acknowledged);
            // A stream the peer has finished sending on needs no more window.
            if matches!(
                e.stream.state(),
                StreamState::HalfClosedRemote | StreamState::Closed(_)
            ) {
                e.pending_ack = 0;
                return None;
            }
            let window = *e.stream.recv_window_mut();
            let inc = policy
                .increment(target, window, e.pending_ack)?
                .min(e.pending_ack);
            if inc == 0 || e.stream.recv_window_mut().increase(inc).is_err() {
                return None;
            }
            e.pending_ack -= inc;
            Some(inc)
        });
        if let Some(Some(increment)) = inc {
            self.write_frame(&Frame::WindowUpdate(WindowUpdate {
                stream_id,
                increment,
            }));
        }
    }

    /// Received bytes that no application will acknowledge (discarded DATA): return
    /// them to the connection window through the policy.
    pub(crate) fn release_connection_window(&mut self, n: u32) {
        self.recv_flow.pending = self.recv_flow.pending.saturating_add(n);
        self.maybe_return_window(StreamId::ZERO);
    }
}
