//! Commands: what the application asks the connection to send.

use crate::connection::{Connection, Phase};
use bytes::Bytes;
use h2_events::{FlowWindow, HeaderField, UserError};
use h2_frame::{
    AltSvc, BytesMut, Data, EncodeError, ErrorCode, Frame, FrameType, GoAway, Origin, Ping,
    PrioritySpec, PriorityUpdate, RstStream, Settings, SettingsFrame, StreamId, Unknown,
    WindowUpdate, MAX_WINDOW_SIZE, PREFACE,
};
use h2_hpack_glue::syntax::KnownValid;
use h2_hpack_glue::HeaderBlockEncoder;
use h2_stream::{Role, Stream};

/// Most SETTINGS frames we let wait for acknowledgement at once.
const MAX_PENDING_SETTINGS: usize = 16;

/// The opaque payload of the PING that measures the round trip of a graceful shutdown.
const SHUTDOWN_PING: [u8; 8] = *b"h2sd\0\0\0\x01";

impl Connection {
    /// Queues the connection preface: the client preface and our SETTINGS (client), or our
    /// SETTINGS (server). Calling it again does nothing.
    pub fn initiate_connection(&mut self) {
        let implicit = std::mem::take(&mut self.started_implicitly);
        if self.phase != Phase::NotStarted && !implicit {
            return;
        }
        if self.role == Role::Client {
            self.output.write(|buf| buf.extend_from_slice(PREFACE));
        }
        if !implicit {
            self.phase = match self.role {
                Role::Client => Phase::AwaitingSettings,
                Role::Server => Phase::AwaitingPreface { matched: 0 },
            };
        }
        let settings = self.config.initial_settings.clone();
        self.write_frame(&Frame::Settings(SettingsFrame::new(settings.clone())));
        self.local.pending.push_back(settings);
        self.clock.on_settings_sent();
        if self.config.initial_settings_in_force {
            // Config::initial_settings_in_force: as if acknowledged at once; the peer's
            // first ACK then answers the next SETTINGS we send.
            let mut ignored = Vec::new();
            let _ = self.on_settings_ack(&mut ignored);
        }
        if let Some(window) = self.config.initial_connection_window {
            let window = window.min(MAX_WINDOW_SIZE);
            if window > self.recv_target {
                let increment = window - self.recv_target;
                if self.recv_flow.window.increase(increment).is_ok() {
                    self.recv_target = window;
                    self.write_frame(&Frame::WindowUpdate(WindowUpdate {
                        stream_id: StreamId::ZERO,
                        increment,
                    }));
                }
            }
        }
    }

    /// Sends a header block on a stream: opens a new stream (client; the id must be
    /// [`next_stream_id`](Connection::next_stream_id) or above), sends a response or 1xx
    /// (server), or trailers (`end_stream` must then be true).
    ///
    /// Opening a stream after a GOAWAY was sent or received is refused with
    /// [`UserError::GoingAway`] (RFC 9113 6.8; see
    /// [`can_open_streams`](Connection::can_open_streams)); streams already open carry on.
    ///
    /// Headers are validated and normalized as [`Config::validation`](crate::Config) says.
    /// A list over the peer's SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 6.5.2) is refused
    /// with [`UserError::HeaderListTooLarge`] before anything is written.
    ///
    /// For the compatibility options of the HEADERS frame (padding, RFC 7540 priority
    /// fields; hyper-h2's `pad_length` and `priority_*` arguments) use
    /// [`send_headers_with`](Connection::send_headers_with).
    pub fn send_headers(
        &mut self,
        stream_id: StreamId,
        headers: &[HeaderField],
        end_stream: bool,
    ) -> Result<(), UserError> {
        self.send_headers_with(stream_id, headers, end_stream, HeadersOptions::default())
    }

    /// [`send_headers`](Connection::send_headers) with [`HeadersOptions`]: padding and the
    /// deprecated RFC 7540 priority fields in the HEADERS frame.
    ///
    /// ```
    /// use h2_conn::{Config, Connection, HeaderField, HeadersOptions};
    /// use h2_conn::frame::{PrioritySpec, StreamId};
    /// let mut client = Connection::new(Config::client());
    /// client.initiate_connection();
    /// let id = client.next_stream_id().unwrap();
    /// let request = [
    ///     HeaderField::new(":method", "GET"),
    ///     HeaderField::new(":scheme", "https"),
    ///     HeaderField::new(":authority", "example.com"),
    ///     HeaderField::new(":path", "/"),
    /// ];
    /// // hyper-h2: send_headers(1, request, end_stream=True, priority_weight=16,
    /// //           priority_depends_on=0, priority_exclusive=False), pad_length=8
    /// let options = HeadersOptions::new()
    ///     .padded(8)
    ///     .priority(PrioritySpec::from_weight(StreamId::ZERO, false, 16));
    /// client.send_headers_with(id, &request, true, options).unwrap();
    /// ```
    pub fn send_headers_with(
        &mut self,
        stream_id: StreamId,
        headers: &[HeaderField],
        end_stream: bool,
        options: HeadersOptions,
    ) -> Result<(), UserError> {
        self.check_usable()?;
        options.check(stream_id)?;
        let HeadersOptions {
            pad_length,
            priority,
        } = options;
        let cfg = self.config.validation;
        let max = self.remote.max_frame_size();
        // Fields equal to those of the lists we sent before were judged then (one
        // comparison each, where the encoder's table would take a hash lookup).
        let known = match cfg.validate_outbound_headers {
            true => self.out_verdicts.known(headers),
            false => KnownValid::NONE,
        };
        let limit = self.remote.max_header_list_size();
        // One lookup answers both "is the stream new?" and "is body data queued on it?"
        // (the common response path would otherwise hash the id twice before `with`).
        let queued = self
            .streams
            .get(stream_id)
            .map(|e| e.queue.as_ref().is_some_and(|q| !q.items.is_empty()));
        if queued.is_none() {
            let mut stream = self.new_outbound_stream(stream_id)?;
            let list = stream.send_headers(headers, known, end_stream, &cfg)?;
            check_list_size(stream_id, &list, limit)?;
            crate::trace::sent_headers(self.role, stream_id, &list, end_stream);
            let encoder = &mut self.hpack_out;
            self.output.write(|buf| {
                encode_headers(encoder, stream_id, &list, end_stream, options, max, buf)
            });
            drop(list);
            // Only a client opens streams here. What its request says of itself, in one
            // pass: its origin (an ALTSVC frame on the stream speaks for it, RFC 7838 4)
            // and its `priority` field, which orders our own upload too (RFC 9218 5).
            let mut authority = None;
            let mut priority = None;
            for field in headers {
                match field.name.as_ref() {
                    b":authority" if authority.is_none() => authority = Some(field.value.clone()),
                    b"priority" if priority.is_none() => {
                        priority = Some(crate::ExtensiblePriority::parse(&field.value))
                    }
                    _ => {}
                }
            }
            // Set on the entry as it goes in (nothing is queued yet, so the scheduler has
            // nothing to move), rather than looking the stream up again afterwards.
            self.streams.insert_with(stream, |e| {
                e.authority = authority;
                if let Some(priority) = priority {
                    e.priority = priority;
                }
            });
            return Ok(());
        }
        if queued == Some(true) {
            if pad_length.is_some() || priority.is_some() {
                return Err(UserError::InvalidState {
                    stream_id,
                    why: "trailers queued behind body data take no padding or priority",
                });
            }
            return self.queue_trailers(stream_id, headers, end_stream);
        }
        let (encoder, output, role) = (&mut self.hpack_out, &mut self.output, self.role);
        self.streams
            .with(stream_id, |e| {
                let before = e.stream.clone();
                let list = e.stream.send_headers(headers, known, end_stream, &cfg)?;
                if let Err(err) = check_list_size(stream_id, &list, limit) {
                    e.stream = before;
                    return Err(err);
                }
                crate::trace::sent_headers(role, stream_id, &list, end_stream);
                output.write(|buf| {
                    encode_headers(encoder, stream_id, &list, end_stream, options, max, buf)
                });
                e.answered = true;
                Ok(())
            })
            // Worked out only when the stream is gone (the lookup above found it, so this
            // is unreachable today; kept for the same error if that ever changes).
            .unwrap_or_else(|| Err(self.streams.missing(stream_id)))
    }

    /// Trailers sent while body data is queued go behind it: checked now (on a copy of
    /// the stream, so nothing changes on error), sent when the body has gone.
    fn queue_trailers(
        &mut self,
        stream_id: StreamId,
        headers: &[HeaderField],
        end_stream: bool,
    ) -> Result<(), UserError> {
        let cfg = self.config.validation;
        let entry = self.queue_open(stream_id)?;
        if !end_stream {
            return Err(UserError::InvalidState {
                stream_id,
                why: "body data is queued: only trailers (with end_stream) may follow it",
            });
        }
        let mut probe = entry.stream.clone();
        let list = probe.send_headers(headers, KnownValid::NONE, true, &cfg)?;
        check_list_size(stream_id, &list, self.remote.max_header_list_size())?;
        drop(list);
        self.queue_end(stream_id, Some(headers));
        Ok(())
    }

    /// Checks that we may open `stream_id` now and makes the stream.
    #[inline]
    fn new_outbound_stream(&self, stream_id: StreamId) -> Result<Stream, UserError> {
        // RFC 9113 5.1.1: our parity, above every id we used; a server opens streams
        // only by promising them.
        if self.role == Role::Server {
            return Err(UserError::NoSuchStream(stream_id));
        }
        if !self.streams.is_local(stream_id) || stream_id <= self.streams.highest_outbound {
            return Err(UserError::InvalidStreamId(stream_id));
        }
        // RFC 9113 6.8: no new streams after a GOAWAY either way.
        self.check_new_streams()?;
        // RFC 9113 5.1.2: the peer's SETTINGS_MAX_CONCURRENT_STREAMS. It starts
        // unlimited (6.5.2); until the peer's SETTINGS arrive we hold ourselves to the
        // configured initial limit rather than risk streams it would refuse.
        let mut limit = self.remote.max_concurrent_streams();
        if !self.remote_settings_received {
            limit = limit.min(self.config.initial_max_send_streams);
        }
        if self.streams.open_outbound() >= limit {
            return Err(UserError::TooManyStreams(limit));
        }
        Ok(self.new_stream(stream_id))
    }

    /// Sends DATA on a stream, split into frames of at most
    /// [`max_outbound_frame_size`](Connection::max_outbound_frame_size). The whole of
    /// `data` must fit in [`local_flow_control_window`](Connection::local_flow_control_window);
    /// otherwise nothing is sent and the error says how much would fit.
    ///
    /// This is the strict, hyper-h2 style send: the frames are made now. To send a body
    /// of any size and let the connection frame it as windows open, use
    /// [`queue_data`](Connection::queue_data) (or a pulled
    /// [`queue_source`](Connection::queue_source)) instead. Refused while body data is
    /// queued on the stream, and with [`UserError::SendBufferFull`] when the held output
    /// is at [`Config::max_send_buffer`](crate::Config) (take output first).
    ///
    /// Payloads of 1 KiB or more are queued by reference: with
    /// [`data_to_send_vectored`](Connection::data_to_send_vectored) they reach the socket
    /// without a copy.
    ///
    /// **Borrowed data.** `data` is anything that becomes [`Bytes`] without a copy: a
    /// `Bytes`, `Vec<u8>`, `String`, or a `'static` literal. A borrowed `&[u8]` or `&str`
    /// that is not `'static` (a slice of your read buffer) does not compile ("borrowed
    /// value does not live long enough ... requires that it is borrowed for `'static`"):
    /// copy it once with [`Bytes::copy_from_slice`].
    ///
    /// ```
    /// use h2_conn::{Bytes, Config, Connection, HeaderField};
    /// let mut client = Connection::new(Config::client());
    /// client.initiate_connection();
    /// let id = client.next_stream_id().unwrap();
    /// let request = [
    ///     HeaderField::new(":method", "POST"),
    ///     HeaderField::new(":scheme", "http"),
    ///     HeaderField::new(":authority", "example.com"),
    ///     HeaderField::new(":path", "/upload"),
    /// ];
    /// client.send_headers(id, &request, false).unwrap();
    /// let buffer = vec![b'x'; 100];
    /// let chunk: &[u8] = &buffer[..10]; // borrowed, not 'static
    /// client.send_data(id, Bytes::copy_from_slice(chunk), true).unwrap();
    /// ```
    pub fn send_data(
        &mut self,
        stream_id: StreamId,
        data: impl Into<Bytes>,
        end_stream: bool,
    ) -> Result<(), UserError> {
        self.send_data_frames(stream_id, data.into(), end_stream, None)
    }

    /// [`send_data`](Connection::send_data) with `pad_length` octets of padding in every
    /// DATA frame (RFC 9113 6.1, the PADDED flag; hyper-h2's `pad_length`). Padding is
    /// flow-controlled: each frame counts `pad_length + 1` octets more than its data
    /// against both windows (RFC 9113 6.9.1), and it is all or nothing, like `send_data`.
    /// Each frame holds at most [`max_outbound_frame_size`](Connection::max_outbound_frame_size)
    /// octets, padding included; the peer's content-length counts the data alone.
    ///
    /// ```
    /// use h2_conn::{Config, Connection, HeaderField};
    /// let mut client = Connection::new(Config::client());
    /// client.initiate_connection();
    /// let id = client.next_stream_id().unwrap();
    /// let request = [
    ///     HeaderField::new(":method", "POST"),
    ///     HeaderField::new(":scheme", "https"),
    ///     HeaderField::new(":authority", "example.com"),
    ///     HeaderField::new(":path", "/"),
    /// ];
    /// client.send_headers(id, &request, false).unwrap();
    /// let before = client.local_flow_control_window(id).unwrap();
    /// client.send_data_padded(id, "secret", true, 10).unwrap();
    /// // 6 octets of data + 1 (Pad Length) + 10 octets of padding.
    /// assert_eq!(client.local_flow_control_window(id).unwrap(), before - 17);
    /// ```
    pub fn send_data_padded(
        &mut self,
        stream_id: StreamId,
        data: impl Into<Bytes>,
        end_stream: bool,
        pad_length: u8,
    ) -> Result<(), UserError> {
        self.send_data_frames(stream_id, data.into(), end_stream, Some(pad_length))
    }

    /// `send_data`, with `pad` octets of padding in each frame when given.
    fn send_data_frames(
        &mut self,
        stream_id: StreamId,
        mut data: Bytes,
        end_stream: bool,
        pad: Option<u8>,
    ) -> Result<(), UserError> {
        self.check_usable()?;
        let max = self.remote.max_frame_size() as usize;
        // RFC 9113 6.1: "The entire DATA frame payload is included in flow control,
        // including the Pad Length and Padding fields if present." Every frame of a
        // padded send carries the padding.
        let overhead = pad.map_or(0, |n| usize::from(n) + 1);
        if !self.config.split_data && data.len() + overhead > max {
            return Err(UserError::Encode(EncodeError::PayloadTooLarge {
                len: data.len() + overhead,
                max: max as u32,
            }));
        }
        let per_frame = max - overhead;
        let frames = data.len().div_ceil(per_frame).max(1);
        let flow_len = data.len() as u64 + (frames * overhead) as u64;
        let len = u32::try_from(flow_len).map_err(|_| UserError::FlowControlBlocked {
            stream_id,
            window: FlowWindow::Connection,
            available: i64::from(self.send_window.available()),
        })?;
        // RFC 9113 6.9.1: "A sender MUST NOT send a flow-controlled frame with a length
        // that exceeds the space available in either of the flow-control windows".
        if i64::from(len) > i64::from(self.send_window.available()) {
            return Err(UserError::FlowControlBlocked {
                stream_id,
                window: FlowWindow::Connection,
                available: i64::from(self.send_window.available()),
            });
        }
        // One visit to the stream: the queue check, the room verdict (worked out before,
        // it needs the whole connection) and the state change; the error for an unknown
        // id only when there is no such stream.
        let room = self.check_room(stream_id, 0, len as usize);
        let data_len = data.len() as u64;
        let visited = self.streams.with(stream_id, |e| {
            if e.queue.as_ref().is_some_and(|q| !q.items.is_empty()) {
                return Err(UserError::InvalidState {
                    stream_id,
                    why: "body data is queued on this stream: use queue_data",
                });
            }
            room?;
            match pad {
                None => e.stream.send_data(len, end_stream),
                // The window counts the padding, content-length the data alone.
                Some(_) => {
                    if i64::from(len) > i64::from(e.stream.send_window()) {
                        return Err(UserError::FlowControlBlocked {
                            stream_id,
                            window: FlowWindow::Stream,
                            available: i64::from(e.stream.send_window()),
                        });
                    }
                    let before = e.stream.clone();
                    let result = e
                        .stream
                        .reserve_data(data_len, end_stream)
                        .and_then(|()| e.stream.send_reserved_data(len, end_stream));
                    if result.is_err() {
                        e.stream = before;
                    }
                    result
                }
            }
        });
        match visited {
            Some(result) => result?,
            None => return Err(self.streams.missing(stream_id)),
        }
        self.send_window.decrease(len).expect("checked above");
        loop {
            // The head is written from the lengths before the payload is moved anywhere:
            // moved into a `Data` just as `split_to` had returned it, the payload was read
            // back wider than it was written (a store-forwarding stall per frame).
            let n = data.len().min(per_frame);
            let last = n == data.len();
            let chunk = if last {
                std::mem::take(&mut data)
            } else {
                data.split_to(n)
            };
            let end = end_stream && last;
            crate::trace::sent_data(self.role, stream_id, n, end);
            let output = &mut self.output;
            let suffix = output
                .write(|buf| Data::encode_head_of(stream_id, n, end, pad, buf, max as u32))
                .expect("DATA head of a checked size always encodes");
            output.push_payload(chunk, true);
            if !suffix.is_empty() {
                output.write(|buf| buf.extend_from_slice(suffix));
            }
            if last {
                return Ok(());
            }
        }
    }

    /// Ends our side of a stream with an empty DATA frame carrying END_STREAM (behind
    /// any body data queued on the stream).
    pub fn end_stream(&mut self, stream_id: StreamId) -> Result<(), UserError> {
        if self.has_queue(stream_id) {
            return self.queue_data(stream_id, Bytes::new(), true);
        }
        self.send_data(stream_id, Bytes::new(), true)
    }

    /// Resets a stream with RST_STREAM carrying `error_code`.
    pub fn reset_stream(
        &mut self,
        stream_id: StreamId,
        error_code: ErrorCode,
    ) -> Result<(), UserError> {
        self.check_usable()?;
        let missing = self.streams.missing(stream_id);
        self.streams
            .with(stream_id, |e| e.stream.send_reset(error_code))
            .unwrap_or(Err(missing))?;
        self.write_frame(&Frame::RstStream(RstStream {
            stream_id,
            code: error_code,
        }));
        Ok(())
    }

    /// Server push (RFC 9113 8.4): promises `promised_stream_id` (take it from
    /// [`next_stream_id`](Connection::next_stream_id)) on the client's stream
    /// `stream_id`, with the request `headers` the pushed response answers. Then send the
    /// response on the promised stream with `send_headers`/`send_data`. Like
    /// `send_headers`, a list over the peer's SETTINGS_MAX_HEADER_LIST_SIZE is refused
    /// ([`UserError::HeaderListTooLarge`]).
    pub fn push_stream(
        &mut self,
        stream_id: StreamId,
        promised_stream_id: StreamId,
        headers: &[HeaderField],
    ) -> Result<(), UserError> {
        self.check_usable()?;
        if self.role != Role::Server {
            return Err(UserError::WrongRole("client: only servers push"));
        }
        // RFC 9113 8.4: "A server MUST NOT send a PUSH_PROMISE ... if the client has set
        // SETTINGS_ENABLE_PUSH to 0".
        if !self.remote.enable_push() {
            return Err(UserError::PushDisabled);
        }
        // RFC 9113 6.8: no new streams after a GOAWAY either way.
        self.check_new_streams()?;
        if !self.streams.is_local(promised_stream_id)
            || promised_stream_id <= self.streams.highest_outbound
        {
            return Err(UserError::InvalidStreamId(promised_stream_id));
        }
        match self.streams.get(stream_id) {
            Some(parent) => parent.stream.check_push_parent_send()?,
            None => return Err(UserError::NoSuchStream(stream_id)),
        }
        let cfg = self.config.validation;
        let mut stream = self.new_stream(promised_stream_id);
        let list = stream.send_push_promise(headers, &cfg)?;
        check_list_size(
            promised_stream_id,
            &list,
            self.remote.max_header_list_size(),
        )?;
        crate::trace::sent_push_promise(self.role, stream_id, promised_stream_id, &list);
        let max = self.remote.max_frame_size();
        let encoder = &mut self.hpack_out;
        self.output.write(|buf| {
            encoder.encode_push_promise(stream_id, promised_stream_id, &list, max, buf)
        });
        drop(list);
        self.streams.insert(stream);
        Ok(())
    }

    /// Sends new local settings. They take effect for us when the peer acknowledges them
    /// ([`Event::SettingsAcknowledged`](crate::Event::SettingsAcknowledged)).
    pub fn update_settings(&mut self, settings: Settings) -> Result<(), UserError> {
        self.check_usable()?;
        settings
            .validate()
            .map_err(|e| UserError::InvalidSetting(e.why()))?;
        if self.role == Role::Server && settings.get(h2_frame::SettingId::ENABLE_PUSH) == Some(1) {
            return Err(UserError::InvalidSetting(
                "a server must not set SETTINGS_ENABLE_PUSH to 1",
            ));
        }
        if self.local.pending.len() >= MAX_PENDING_SETTINGS {
            return Err(UserError::TooManyOutstanding("SETTINGS"));
        }
        // A list too long for one frame is refused, not split: it must be acknowledged
        // as one unit (RFC 9113 6.5.3).
        self.encode_checked(&Frame::Settings(SettingsFrame::new(settings.clone())))?;
        self.local.pending.push_back(settings);
        self.clock.on_settings_sent();
        Ok(())
    }

    /// Sends a PING with an opaque payload; the answer is [`Event::PingAckReceived`](crate::Event::PingAckReceived).
    pub fn ping(&mut self, data: [u8; 8]) -> Result<(), UserError> {
        self.check_usable()?;
        self.write_frame(&Frame::Ping(Ping {
            ack: false,
            payload: data,
        }));
        self.clock.on_ping_sent(data);
        Ok(())
    }

    /// Sends GOAWAY and closes the connection: no more frames are processed or sent.
    /// `last_stream_id` defaults to the highest stream the peer opened.
    pub fn close_connection(
        &mut self,
        error_code: ErrorCode,
        last_stream_id: Option<StreamId>,
        debug_data: Option<Bytes>,
    ) -> Result<(), UserError> {
        // Config::repeat_goaway: once closed, another GOAWAY may still be sent.
        if !(self.config.repeat_goaway && self.phase == Phase::Closed) {
            self.check_usable()?;
        }
        let last_stream_id = last_stream_id.unwrap_or(self.streams.highest_inbound);
        self.write_frame(&Frame::GoAway(GoAway {
            last_stream_id,
            code: error_code,
            debug_data: debug_data.unwrap_or_default(),
        }));
        self.goaway_sent = Some(last_stream_id);
        self.phase = Phase::Closed;
        Ok(())
    }

    /// Starts a graceful shutdown (RFC 9113 6.8): GOAWAY with stream id 2^31-1 and
    /// NO_ERROR, then a PING. When its answer arrives (one round trip later, so every
    /// stream the peer had in flight has arrived) a second GOAWAY carries the real last
    /// stream id; streams above it are ignored. Existing streams carry on; close the
    /// connection once they are done.
    pub fn begin_graceful_shutdown(&mut self) -> Result<(), UserError> {
        self.check_usable()?;
        self.write_frame(&Frame::GoAway(GoAway {
            last_stream_id: StreamId::MAX,
            code: ErrorCode::NO_ERROR,
            debug_data: Bytes::new(),
        }));
        self.goaway_sent = Some(StreamId::MAX);
        self.write_frame(&Frame::Ping(Ping {
            ack: false,
            payload: SHUTDOWN_PING,
        }));
        self.shutdown_ping = Some(SHUTDOWN_PING);
        self.clock.on_ping_sent(SHUTDOWN_PING);
        Ok(())
    }

    /// Second phase of a graceful shutdown.
    pub(crate) fn finish_graceful_shutdown(&mut self) {
        let last_stream_id = self.streams.highest_inbound;
        self.write_frame(&Frame::GoAway(GoAway {
            last_stream_id,
            code: ErrorCode::NO_ERROR,
            debug_data: Bytes::new(),
        }));
        self.goaway_sent = Some(last_stream_id);
    }

    /// Opens the peer's receive window by `increment` with WINDOW_UPDATE, for the
    /// connection (`None`) or a stream. For manual flow control; with the default
    /// policy prefer [`acknowledge_received_data`](Connection::acknowledge_received_data).
    pub fn increment_flow_control_window(
        &mut self,
        increment: u32,
        stream_id: Option<StreamId>,
    ) -> Result<(), UserError> {
        self.check_usable()?;
        if increment == 0 || increment > MAX_WINDOW_SIZE {
            return Err(UserError::WindowOverflow);
        }
        let stream_id = stream_id.unwrap_or(StreamId::ZERO);
        if stream_id.is_zero() {
            self.recv_flow
                .window
                .increase(increment)
                .map_err(|_| UserError::WindowOverflow)?;
            // The window policy keeps the larger window from now on.
            self.recv_target = self
                .recv_target
                .saturating_add(increment)
                .min(MAX_WINDOW_SIZE);
        } else {
            let missing = self.streams.missing(stream_id);
            self.streams
                .with(stream_id, |e| {
                    e.stream
                        .recv_window_mut()
                        .increase(increment)
                        .map_err(|_| UserError::WindowOverflow)
                })
                .unwrap_or(Err(missing))?;
        }
        self.write_frame(&Frame::WindowUpdate(WindowUpdate {
            stream_id,
            increment,
        }));
        Ok(())
    }

    /// Tells the connection the application consumed `acknowledged_size` bytes of DATA
    /// received on `stream_id` (use `flow_controlled_length` from
    /// [`Event::DataReceived`](crate::Event::DataReceived)). The window policy decides
    /// when WINDOW_UPDATE frames go out.
    pub fn acknowledge_received_data(
        &mut self,
        acknowledged_size: u32,
        stream_id: StreamId,
    ) -> Result<(), UserError> {
        self.check_usable()?;
        if acknowledged_size == 0 {
            return Ok(());
        }
        // A stream forgotten since: only the connection window still matters.
        self.recv_flow.pending = self.recv_flow.pending.saturating_add(acknowledged_size);
        self.return_stream_window(stream_id, acknowledged_size);
        self.maybe_return_window(StreamId::ZERO);
        Ok(())
    }

    /// Client: signals a stream's priority with PRIORITY_UPDATE (RFC 9218 7.1):
    /// `urgency` 0..=7 (default 3) and `incremental`.
    pub fn prioritize(
        &mut self,
        stream_id: StreamId,
        urgency: u8,
        incremental: bool,
    ) -> Result<(), UserError> {
        self.check_usable()?;
        if self.role != Role::Client {
            return Err(UserError::WrongRole(
                "server: PRIORITY_UPDATE is sent by clients",
            ));
        }
        if urgency > 7 || stream_id.is_zero() {
            return Err(UserError::InvalidState {
                stream_id,
                why: "urgency must be 0..=7 on a non-zero stream",
            });
        }
        let value = format!("u={urgency}{}", if incremental { ", i" } else { "" });
        self.write_frame(&Frame::PriorityUpdate(PriorityUpdate {
            prioritized_stream_id: stream_id,
            field_value: Bytes::from(value),
        }));
        // Our own uploads on the stream follow the same priority.
        let priority = crate::ExtensiblePriority {
            urgency,
            incremental,
        };
        self.streams.set_priority(stream_id, priority);
        Ok(())
    }

    /// Sends an RFC 7540 PRIORITY frame for `stream_id` (hyper-h2's `prioritize`). RFC
    /// 9113 5.3.2 deprecates this signal; peers may ignore it. Prefer
    /// [`Connection::prioritize`] (RFC 9218). A stream may not depend on itself.
    pub fn send_priority(
        &mut self,
        stream_id: StreamId,
        priority: PrioritySpec,
    ) -> Result<(), UserError> {
        self.check_usable()?;
        if stream_id.is_zero() || priority.dependency == stream_id {
            return Err(UserError::InvalidState {
                stream_id,
                why: "a PRIORITY frame needs a non-zero stream that does not depend on itself",
            });
        }
        self.write_frame(&Frame::Priority(h2_frame::Priority {
            stream_id,
            spec: priority,
        }));
        Ok(())
    }

    /// Server: advertises an alternative service (RFC 7838) with ALTSVC, for `origin` on
    /// stream 0, or for the origin of `stream_id`'s request.
    pub fn advertise_alternative_service(
        &mut self,
        field_value: impl Into<Bytes>,
        origin: Option<Bytes>,
        stream_id: Option<StreamId>,
    ) -> Result<(), UserError> {
        self.check_usable()?;
        if self.role != Role::Server {
            return Err(UserError::WrongRole("client: ALTSVC is sent by servers"));
        }
        let (stream_id, origin) = match (origin, stream_id) {
            (Some(origin), None) if !origin.is_empty() => (StreamId::ZERO, origin),
            (None, Some(id)) if !id.is_zero() => (id, Bytes::new()),
            _ => {
                return Err(UserError::InvalidState {
                    stream_id: StreamId::ZERO,
                    why: "give exactly one of origin and stream_id",
                })
            }
        };
        let frame = Frame::AltSvc(AltSvc {
            stream_id,
            origin,
            field_value: field_value.into(),
        });
        self.encode_checked(&frame)
    }

    /// Server: lists the origins this connection is authoritative for (RFC 8336 ORIGIN).
    pub fn send_origin(&mut self, origins: Vec<Bytes>) -> Result<(), UserError> {
        self.check_usable()?;
        if self.role != Role::Server {
            return Err(UserError::WrongRole("client: ORIGIN is sent by servers"));
        }
        self.encode_checked(&Frame::Origin(Origin { origins }))
    }

    /// Sends a frame of an extension type this crate does not implement. Known types are
    /// refused: use their own methods.
    pub fn send_extension_frame(
        &mut self,
        frame_type: u8,
        stream_id: StreamId,
        flags: u8,
        payload: Bytes,
    ) -> Result<(), UserError> {
        self.check_usable()?;
        if FrameType(frame_type).name().is_some() {
            return Err(UserError::InvalidState {
                stream_id,
                why: "frame type is a known type; use its method",
            });
        }
        let frame = Frame::Unknown(Unknown {
            kind: FrameType(frame_type),
            flags: h2_frame::Flags(flags),
            stream_id,
            payload,
        });
        self.encode_checked(&frame)
    }

    /// Serializes a frame whose fields came from the caller.
    fn encode_checked(&mut self, frame: &Frame) -> Result<(), UserError> {
        crate::trace::sent(self.role, frame);
        let max = self.remote.max_frame_size();
        self.output
            .write(|buf| frame.encode(buf, max))
            .map_err(UserError::Encode)
    }
}

/// Options of the HEADERS frame [`Connection::send_headers_with`] sends, for
/// compatibility with peers and tests that expect them (hyper-h2's `pad_length` and
/// `priority_weight` / `priority_depends_on` / `priority_exclusive` arguments). The
/// default is neither, which is what [`Connection::send_headers`] sends. Build it with
/// [`HeadersOptions::new`] and the methods `padded` and `priority`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HeadersOptions {
    /// Octets of padding (RFC 9113 6.2, PADDED flag), to hide the size of the header
    /// block. HEADERS are not flow-controlled, so it costs only bytes on the wire.
    pub pad_length: Option<u8>,
    /// The RFC 7540 5.3 priority fields (PRIORITY flag). RFC 9113 5.3.2 deprecates
    /// them and most servers ignore them; [`Connection::prioritize`] sends the RFC 9218
    /// signal instead. Build it with
    /// [`PrioritySpec::from_weight`](h2_frame::PrioritySpec::from_weight) to use
    /// hyper-h2's weight of 1..=256. A stream may not depend on itself (RFC 9113 5.3.1).
    pub priority: Option<PrioritySpec>,
}

impl HeadersOptions {
    /// Neither padding nor priority fields (the default).
    pub fn new() -> HeadersOptions {
        HeadersOptions::default()
    }

    /// With `pad_length` octets of padding.
    pub fn padded(mut self, pad_length: u8) -> HeadersOptions {
        self.pad_length = Some(pad_length);
        self
    }

    /// With RFC 7540 priority fields.
    pub fn priority(mut self, priority: PrioritySpec) -> HeadersOptions {
        self.priority = Some(priority);
        self
    }

    fn check(self, stream_id: StreamId) -> Result<(), UserError> {
        // RFC 9113 5.3.1: "A stream cannot depend on itself."
        if self.priority.is_some_and(|p| p.dependency == stream_id) {
            return Err(UserError::InvalidState {
                stream_id,
                why: "a stream cannot depend on itself (RFC 9113 5.3.1)",
            });
        }
        Ok(())
    }
}

/// Writes a header block with the HEADERS frame's options.
fn encode_headers(
    encoder: &mut HeaderBlockEncoder,
    stream_id: StreamId,
    list: &[HeaderField],
    end_stream: bool,
    options: HeadersOptions,
    max: u32,
    buf: &mut BytesMut,
) {
    if options == HeadersOptions::default() {
        return encoder.encode_headers(stream_id, list, end_stream, max, buf);
    }
    let written = encoder.try_encode_headers_with(
        stream_id,
        list,
        end_stream,
        options.priority,
        options.pad_length,
        max,
        buf,
    );
    debug_assert!(written.is_ok(), "HEADERS with options: {written:?}");
}

/// RFC 9113 6.5.2 SETTINGS_MAX_HEADER_LIST_SIZE: "The value is based on the uncompressed
/// size of field lines, including the length of the name and value in octets plus an
/// overhead of 32 octets for each field line." We hold what we send to the peer's value,
/// counted on the list as it will be encoded (normalized, cookies split).
fn check_list_size(stream_id: StreamId, list: &[HeaderField], limit: u32) -> Result<(), UserError> {
    if limit == u32::MAX {
        // No limit advertised (the initial value is unlimited).
        return Ok(());
    }
    let size = list
        .iter()
        .fold(0u64, |sum, f| sum.saturating_add(f.size() as u64));
    if size > u64::from(limit) {
        return Err(UserError::HeaderListTooLarge {
            stream_id,
            size,
            limit,
        });
    }
    Ok(())
}
