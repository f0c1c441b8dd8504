//! Input: received bytes become frames, frames become state changes and events.

use crate::connection::{BlockStart, Connection, Phase};
use crate::input::ReceivedOctets;
use crate::limits::Flood;
use crate::priority::ExtensiblePriority;
use crate::registry::Unknown;
use bytes::Bytes;
use h2_events::{push_event, Event, HeaderField, HeaderList, Priority, UserError};
use h2_frame::{
    Continuation, Data, ErrorCode, Frame, FrameType, GoAway, H2Error, Headers, Ping, PushPromise,
    RstStream, SettingId, SettingsFrame, StreamId, WindowUpdate, HEAD_LEN, PREFACE,
};
use h2_hpack_glue::syntax::KnownValid;
use h2_hpack_glue::BlockError;
use h2_stream::{recv_transition, CloseCause, RecvInput, Role, Stream, StreamState, Window};

type Events = Vec<Event>;

/// The most events `receive_data`/`receive_bytes` reserve room for up front (the count of
/// the previous call, so a steady stream of inputs allocates its `Vec` once per call and
/// never grows it). 512 covers one 64 KiB read of small requests or responses (two or
/// three events each) and costs at most about 32 KiB for one call.
const MAX_EVENTS_HINT: usize = 512;

impl Connection {
    /// Feeds received bytes and returns what happened, in wire order.
    ///
    /// Peer faults are handled here: the GOAWAY or RST_STREAM is queued and the events
    /// say so ([`Event::ConnectionTerminated`] with `remote: false`, [`Event::StreamReset`]
    /// with `remote_reset: false`). `Err` only when the connection was already closed.
    ///
    /// `data` is a slice (`&buf[..n]`), or anything else [`ReceivedOctets`] lists.
    /// Cost: one copy of a slice, into a buffer the connection reuses once the events'
    /// views of the previous input are dropped (no allocation per call when warm; a
    /// frame cut off by the end of the previous slice is completed in place, so reads of
    /// a fixed size that cut frames anywhere still copy each octet once); no
    /// copy of a `Bytes` (by value or by reference, such as what a peer's
    /// [`data_to_send`](Connection::data_to_send) returned), or of a `Vec<u8>` or a
    /// `BytesMut` by value: DATA payloads in the events are then views of it (but for a
    /// frame cut off at the end of one input, whose parts are joined by a copy). Plus the
    /// returned `Vec` (use [`receive_data_into`](Connection::receive_data_into) to reuse
    /// one).
    pub fn receive_data(&mut self, data: impl ReceivedOctets) -> Result<Vec<Event>, UserError> {
        let mut events = Vec::with_capacity(self.events_hint);
        self.receive_data_into(data, &mut events)?;
        self.events_hint = events.len().min(MAX_EVENTS_HINT);
        Ok(events)
    }

    /// Like [`receive_data`](Connection::receive_data), appending to a caller's vector.
    pub fn receive_data_into(
        &mut self,
        data: impl ReceivedOctets,
        events: &mut Vec<Event>,
    ) -> Result<(), UserError> {
        if self.phase == Phase::Closed {
            return Err(UserError::ConnectionClosed);
        }
        match data.into_shared() {
            Ok(shared) => self.receive_into(shared, events),
            Err(data) => self.receive_copied(data.octets(), events),
        }
    }

    /// A slice: copied into the reused input buffer, behind the start of a frame the
    /// previous slice cut off, and only whole frames handed to the decoder; the start
    /// of a frame this slice cuts off stays in the buffer for the next one. So reads of
    /// a fixed size, which cut frames anywhere, still copy each octet once and need no
    /// buffer per cut frame, and every frame is read where it lies.
    fn receive_copied(&mut self, data: &[u8], events: &mut Vec<Event>) -> Result<(), UserError> {
        let first = self.begin_receive(events)?;
        // Behind a kept frame start, a new buffer gets room for a second read like this
        // one (at most a frame more): what is kept varies from read to read, and growing
        // by exactly what each read needs would grow it again and again. Reads that end
        // on frame boundaries keep nothing and get no more than they need.
        let slack = if self.recv_buf.get().is_empty() {
            0
        } else {
            data.len()
                .min(HEAD_LEN + self.decoder.max_frame_size() as usize)
        };
        let buf = self.recv_buf.room_with_slack(data.len(), slack);
        buf.extend_from_slice(data);
        if matches!(self.phase, Phase::AwaitingPreface { .. }) {
            // The preface is not frames: all of it to `feed`, which checks it.
            let all = buf.split().freeze();
            self.feed(all, events);
        } else {
            // A frame the decoder holds the start of (the preface's last read, or a
            // `Bytes` input, cut it) is completed there first: one frame, after which
            // the decoder holds nothing and the rest is cut as above.
            let completing = self.decoder.octets_to_complete(buf);
            if completing > 0 {
                let part = buf.split_to(completing).freeze();
                self.feed(part, events);
            }
            if self.decoder.buffered_len() == 0 && self.phase != Phase::Closed {
                let buf = self.recv_buf.get();
                let frames = buf.split_to(self.decoder.whole_frames_len(buf)).freeze();
                self.feed(frames, events);
                // A SETTINGS ACK among them may have lowered the frame size limit below
                // what the kept frame's header announces: the decoder rejects it now.
                if self.decoder.whole_frames_len(self.recv_buf.get()) > 0 {
                    self.feed_carried(events);
                }
            }
        }
        self.end_receive(!data.is_empty(), first, events);
        Ok(())
    }

    /// The start of a frame the last slice cut off, handed to the decoder before input
    /// of another kind (a `Bytes`), which the decoder then joins to it.
    #[inline]
    fn feed_carried(&mut self, events: &mut Vec<Event>) {
        let buf = self.recv_buf.get();
        if !buf.is_empty() {
            let carried = buf.split().freeze();
            self.feed(carried, events);
        }
    }

    /// Feeds received bytes without copying them: DATA payloads in the events are views
    /// of `data` (which stays allocated while any view lives). Cost: a new `Vec` of
    /// events ([`receive_into`](Connection::receive_into) reuses yours); nothing copied
    /// unless a frame is split across calls (its parts are joined once).
    pub fn receive_bytes(&mut self, data: Bytes) -> Result<Vec<Event>, UserError> {
        let mut events = Vec::with_capacity(self.events_hint);
        self.receive_into(data, &mut events)?;
        self.events_hint = events.len().min(MAX_EVENTS_HINT);
        Ok(events)
    }

    /// Like [`receive_bytes`](Connection::receive_bytes), appending to a caller's vector
    /// (reuse it to avoid an allocation per call).
    pub fn receive_into(&mut self, data: Bytes, events: &mut Vec<Event>) -> Result<(), UserError> {
        let first = self.begin_receive(events)?;
        let got_bytes = !data.is_empty();
        self.feed_carried(events);
        self.feed(data, events);
        self.end_receive(got_bytes, first, events);
        Ok(())
    }

    /// Feeds received chunks in order, as one input: what a peer's
    /// [`data_to_send_vectored`](Connection::data_to_send_vectored) produced, or the
    /// buffers of a vectored read. The chunks are read as one input, the same events as
    /// their octets joined would give: the per-call work is done once (timers and the
    /// receive-window estimate see one input), and a frame header that came alone in one
    /// chunk meets its payload in the next within the call. Chunks after a connection
    /// error are dropped unread (where a later [`receive_into`](Connection::receive_into)
    /// would return `Err(ConnectionClosed)`).
    ///
    /// ```
    /// # use h2_conn::{Config, Connection};
    /// let mut client = Connection::new(Config::client());
    /// let mut server = Connection::new(Config::server());
    /// client.initiate_connection();
    /// server.initiate_connection();
    /// let (mut chunks, mut events) = (Vec::new(), Vec::new());
    /// client.data_to_send_vectored(&mut chunks);
    /// server.receive_vectored(chunks.drain(..), &mut events).unwrap();
    /// assert!(matches!(events[0], h2_conn::Event::RemoteSettingsChanged { .. }));
    /// ```
    pub fn receive_vectored(
        &mut self,
        chunks: impl IntoIterator<Item = Bytes>,
        events: &mut Vec<Event>,
    ) -> Result<(), UserError> {
        let first = self.begin_receive(events)?;
        let mut got_bytes = false;
        self.feed_carried(events);
        for data in chunks {
            if self.phase == Phase::Closed {
                break;
            }
            got_bytes |= !data.is_empty();
            // A frame header alone (a vectored writer's DATA header before its payload)
            // waits for the next chunk without a pass of its own; never the preface.
            if matches!(self.phase, Phase::AwaitingPreface { .. })
                || !self.decoder.push_header_alone(&data)
            {
                self.feed(data, events);
            }
        }
        self.end_receive(got_bytes, first, events);
        Ok(())
    }

    /// What every input call does first: deferred events out, the connection started if
    /// the caller did not. Returns where this call's events begin.
    #[inline]
    fn begin_receive(&mut self, events: &mut Vec<Event>) -> Result<usize, UserError> {
        if !self.deferred.is_empty() {
            events.append(&mut self.deferred);
        }
        match self.phase {
            Phase::Closed => return Err(UserError::ConnectionClosed),
            Phase::NotStarted if self.config.require_initiate => self.initiate_connection(),
            // Config::require_initiate off: read the peer without sending anything;
            // `initiate_connection` may still send our preface later.
            Phase::NotStarted => {
                self.started_implicitly = true;
                self.phase = match self.role {
                    Role::Client => Phase::AwaitingSettings,
                    Role::Server => Phase::AwaitingPreface { matched: 0 },
                };
            }
            _ => {}
        }
        Ok(events.len())
    }

    /// What every input call does last: the spent input let go of, timers and the
    /// receive-window estimate brought up to date with this call's events.
    #[inline]
    fn end_receive(&mut self, got_bytes: bool, first: usize, events: &[Event]) {
        self.decoder.release_spent_input();
        self.after_receive(got_bytes, &events[first..]);
    }

    /// One chunk of input: the preface checked while it is expected, then every frame
    /// the chunk completes handled.
    #[inline]
    fn feed(&mut self, mut data: Bytes, events: &mut Vec<Event>) {
        if let Phase::AwaitingPreface { matched } = self.phase {
            // RFC 9113 3.4: the client preface, byte for byte.
            let n = data.len().min(PREFACE.len() - matched);
            if data[..n] != PREFACE[matched..matched + n] {
                self.connection_error(
                    ErrorCode::PROTOCOL_ERROR,
                    "invalid connection preface",
                    events,
                );
                return;
            }
            let _ = data.split_to(n);
            self.phase = if matched + n == PREFACE.len() {
                Phase::AwaitingSettings
            } else {
                Phase::AwaitingPreface {
                    matched: matched + n,
                }
            };
        }
        self.decoder.push_bytes(data);
        self.read_frames(events);
    }

    /// Handles every frame the decoder holds whole; a partial frame stays in it.
    #[inline]
    fn read_frames(&mut self, events: &mut Vec<Event>) {
        while self.phase != Phase::Closed {
            // Each outcome handled in its own arm: gathered into one `result` first, the
            // verdict was copied 16 bytes at a time right after `Ok` had been stored as 4
            // (a stall on store forwarding per frame).
            let failed = match self.frame_in_place(events) {
                Some(Ok(())) => continue,
                Some(Err(err)) => err,
                // All of the input handled in place (the usual end of a bulk read): no
                // call into the decoder to learn that nothing is left.
                None if self.decoder.buffered_len() == 0 => break,
                None => match self.decoder.next_frame() {
                    Ok(Some(frame)) => match self.on_frame(frame, events) {
                        Ok(()) => continue,
                        Err(err) => err,
                    },
                    Ok(None) => break,
                    Err(err) => err,
                },
            };
            self.on_peer_error(failed, events);
        }
    }

    /// The frames of every request and response, handled where they lie in the input
    /// when they are plain (lying whole in the chunk at hand, neither padding nor
    /// priority fields): a HEADERS frame with END_HEADERS has its field block decoded
    /// from the input, with no `Bytes` handle made for the frame (two atomic
    /// reference-count operations saved per block); a DATA frame becomes its `Data`
    /// directly rather than a `Frame` returned and copied (which stalled: the copy read
    /// the frame back wider than it was written). Exactly what `on_frame` does with them;
    /// `None` for any other frame, which `next_frame` then takes.
    #[inline]
    fn frame_in_place(&mut self, events: &mut Events) -> Option<Result<(), H2Error>> {
        if self.phase != Phase::Open || self.hpack_in.in_progress().is_some() {
            return None;
        }
        let (head, payload) = self.decoder.peek_whole()?;
        let flags = head.flags;
        if flags.padded() || head.stream_id.is_zero() {
            return None;
        }
        match head.kind {
            FrameType::DATA => {
                let data = Data {
                    stream_id: head.stream_id,
                    data: self.decoder.take_peeked(&head),
                    end_stream: flags.end_stream(),
                    pad_len: None,
                };
                crate::trace::received_data_in_place(self.role, &data);
                self.flood.on_frame(&self.config.limits);
                Some(self.on_data(data, events))
            }
            FrameType::HEADERS if flags.end_headers() && !flags.priority() => {
                crate::trace::received_headers_in_place(self.role, &head, payload);
                self.flood.on_frame(&self.config.limits);
                let decoded = self
                    .hpack_in
                    .decode_whole(head.stream_id, payload)
                    .map(Some);
                self.decoder.skip_peeked(&head);
                let start = BlockStart::Headers {
                    stream_id: head.stream_id,
                    end_stream: flags.end_stream(),
                    priority: None,
                };
                Some(self.on_block_fragment(start, decoded, events))
            }
            _ => None,
        }
    }

    fn on_frame(&mut self, frame: Frame, events: &mut Events) -> Result<(), H2Error> {
        crate::trace::received(self.role, &frame);
        self.flood.on_frame(&self.config.limits);
        // RFC 9113 6.2/6.10: a header block is a single unit: "A receiver MUST treat the
        // receipt of any other type of frame or a frame on a different stream as a
        // connection error of type PROTOCOL_ERROR."
        if let Some(block_stream) = self.hpack_in.in_progress() {
            return match frame {
                Frame::Continuation(c) if c.stream_id == block_stream => {
                    self.on_continuation(c, events)
                }
                _ => Err(H2Error::conn(
                    ErrorCode::PROTOCOL_ERROR,
                    "invalid frame interleaved in a header block",
                )),
            };
        }
        if self.phase == Phase::AwaitingSettings {
            // RFC 9113 3.4: "the first frame ... MUST be a SETTINGS frame"; "Clients and
            // servers MUST treat an invalid connection preface as a connection error of
            // type PROTOCOL_ERROR."
            let settings = matches!(&frame, Frame::Settings(s) if !s.ack);
            if !settings && self.config.require_settings_first {
                return Err(H2Error::conn(
                    ErrorCode::PROTOCOL_ERROR,
                    "first frame is not SETTINGS",
                ));
            }
            self.phase = Phase::Open;
        }
        match frame {
            Frame::Data(f) => self.on_data(f, events),
            Frame::Headers(f) => self.on_headers(f, events),
            Frame::Priority(f) => {
                self.count_flood(Flood::Priority)?;
                events.push(Event::PriorityUpdated {
                    stream_id: f.stream_id,
                    priority: Priority::Rfc7540(f.spec),
                });
                Ok(())
            }
            Frame::RstStream(f) => self.on_rst_stream(f, events),
            Frame::Settings(f) => self.on_settings(f, events),
            Frame::PushPromise(f) => self.on_push_promise(f, events),
            Frame::Ping(f) => self.on_ping(f, events),
            Frame::GoAway(f) => self.on_goaway(f, events),
            Frame::WindowUpdate(f) => self.on_window_update(f, events),
            Frame::Continuation(_) => Err(H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "CONTINUATION without a header block in progress",
            )),
            Frame::AltSvc(f) => {
                // RFC 7838 4: a server receiving ALTSVC ignores it. "An ALTSVC frame on
                // stream 0 with empty (length 0) "Origin" information is invalid and MUST
                // be ignored. An ALTSVC frame on a stream other than stream 0 containing
                // non-empty "Origin" information is invalid and MUST be ignored." On a
                // stream, the origin is that of the stream's request.
                if self.role == Role::Client {
                    let origin = match (f.stream_id.is_zero(), f.origin.is_empty()) {
                        (true, false) => Some(f.origin),
                        (false, true) => self
                            .streams
                            .get(f.stream_id)
                            .and_then(|e| e.authority.clone()),
                        _ => None,
                    };
                    if let Some(origin) = origin {
                        events.push(Event::AlternativeServiceAvailable {
                            stream_id: f.stream_id,
                            origin,
                            field_value: f.field_value,
                        });
                    }
                }
                Ok(())
            }
            Frame::Origin(f) => {
                // RFC 8336 2.1: ORIGIN is a server's frame; a server ignores it.
                if self.role == Role::Client {
                    events.push(Event::OriginReceived { origins: f.origins });
                }
                Ok(())
            }
            Frame::PriorityUpdate(f) => {
                self.count_flood(Flood::Priority)?;
                // RFC 9218 7.1: a server reprioritizes the stream's response. (One for a
                // stream not open yet is reported but not remembered.)
                if self.role == Role::Server {
                    self.on_priority_signal(f.prioritized_stream_id, &f.field_value);
                }
                events.push(Event::PriorityUpdated {
                    stream_id: f.prioritized_stream_id,
                    priority: Priority::Rfc9218(f.field_value),
                });
                Ok(())
            }
            // RFC 9113 5.5: "Implementations MUST ignore unknown or unsupported values in
            // all extensible protocol elements" — reported, otherwise ignored.
            // An ALTSVC frame RFC 7838 4 calls invalid ("MUST be ignored") arrives as
            // Unknown from h2-frame; it is a known type, so it is not reported either.
            Frame::Unknown(frame) if frame.kind == h2_frame::FrameType::ALTSVC => Ok(()),
            Frame::Unknown(frame) => {
                events.push(Event::UnknownFrameReceived { frame });
                Ok(())
            }
        }
    }

    // ------------------------------------------------------------------ DATA

    fn on_data(&mut self, frame: Data, events: &mut Events) -> Result<(), H2Error> {
        let len = frame.flow_controlled_len() as u32;
        if len == 0 && !frame.end_stream {
            self.count_flood(Flood::EmptyFrame)?;
        }
        // RFC 9113 6.9.1: "A receiver MUST treat the receipt of a frame that exceeds the
        // flow-control window as a connection error of type FLOW_CONTROL_ERROR" — the
        // connection window counts every DATA frame, whatever its stream's state.
        self.recv_flow.window.decrease(len).map_err(|_| {
            H2Error::conn(
                ErrorCode::FLOW_CONTROL_ERROR,
                "DATA exceeds the connection window",
            )
        })?;
        let id = frame.stream_id;
        let before = events.len();
        let result = match self.streams.judge(id, |e| {
            e.stream
                .recv_data(frame.data, len, frame.end_stream, events)
        }) {
            Some(result) => result,
            None => self.on_absent_stream(
                id,
                RecvInput::Data {
                    end_stream: frame.end_stream,
                },
            ),
        };
        let delivered = events[before..]
            .iter()
            .any(|e| matches!(e, Event::DataReceived { .. }));
        if !delivered && len > 0 {
            // Nobody will acknowledge these bytes: give them back to the connection now.
            self.release_connection_window(len);
        }
        result
    }

    // ------------------------------------------------------------------ header blocks

    fn on_headers(&mut self, frame: Headers, events: &mut Events) -> Result<(), H2Error> {
        if frame.block.is_empty() && !frame.end_headers && !frame.end_stream {
            self.count_flood(Flood::EmptyFrame)?;
        }
        let start = BlockStart::Headers {
            stream_id: frame.stream_id,
            end_stream: frame.end_stream,
            priority: frame.priority,
        };
        let decoded = self
            .hpack_in
            .begin(frame.stream_id, frame.block, frame.end_headers);
        self.on_block_fragment(start, decoded, events)
    }

    fn on_push_promise(&mut self, frame: PushPromise, events: &mut Events) -> Result<(), H2Error> {
        // RFC 9113 8.4: "A client cannot push. Thus, servers MUST treat the receipt of a
        // PUSH_PROMISE frame as a connection error of type PROTOCOL_ERROR."
        if self.role == Role::Server {
            return Err(H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "PUSH_PROMISE sent by a client",
            ));
        }
        // RFC 9113 6.6: "A receiver MUST treat the receipt of a PUSH_PROMISE frame as a
        // connection error of type PROTOCOL_ERROR if it ... has set SETTINGS_ENABLE_PUSH
        // to 0" (in force once acknowledged).
        if !self.local.current.enable_push() {
            return Err(H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "PUSH_PROMISE while push is disabled",
            ));
        }
        // RFC 9113 6.6: the promised id must be a valid, idle, server-initiated id.
        let promised = frame.promised_id;
        if !promised.is_server_initiated()
            || self.streams.get(promised).is_some()
            || self.streams.unknown(promised) != Unknown::Idle
        {
            return Err(H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "PUSH_PROMISE promises a stream that is not idle",
            ));
        }
        let start = BlockStart::PushPromise {
            parent: frame.stream_id,
            promised,
        };
        let decoded = self
            .hpack_in
            .begin(frame.stream_id, frame.block, frame.end_headers);
        self.on_block_fragment(start, decoded, events)
    }

    fn on_continuation(&mut self, frame: Continuation, events: &mut Events) -> Result<(), H2Error> {
        if frame.block.is_empty() && !frame.end_headers {
            self.count_flood(Flood::EmptyFrame)?;
        }
        // `on_frame` routes CONTINUATION here only while a block is in progress.
        let Some(start) = self.block else {
            return Err(H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "CONTINUATION without a header block in progress",
            ));
        };
        let decoded = self.hpack_in.continue_block(frame.block, frame.end_headers);
        self.on_block_fragment(start, decoded, events)
    }

    /// After each fragment: remember the block's start while it is incomplete, act on
    /// the decoded list when it is complete.
    fn on_block_fragment(
        &mut self,
        start: BlockStart,
        decoded: Result<Option<HeaderList>, BlockError>,
        events: &mut Events,
    ) -> Result<(), H2Error> {
        let fields = match decoded {
            Ok(None) => {
                self.block = Some(start);
                return Ok(());
            }
            Ok(Some(fields)) => fields,
            Err(BlockError::HeaderListTooLarge { .. }) => {
                // RFC 9113 10.5.1: the block was decoded (HPACK state in sync) but is over
                // our SETTINGS_MAX_HEADER_LIST_SIZE.
                self.block = None;
                return self.on_header_list_too_large(start, events);
            }
            Err(err) => {
                self.block = None;
                return Err(err.to_h2_error());
            }
        };
        self.block = None;
        crate::trace::received_block(self.role, &start, &fields);
        match start {
            BlockStart::Headers {
                stream_id,
                end_stream,
                priority,
            } => {
                if let Some(Err(err)) = priority.map(|p| p.validate(stream_id)) {
                    // The block is decoded (HPACK in sync); the stream is reset and, if it
                    // was idle, counts as used (RFC 9113 5.1.1).
                    if !self.streams.is_local(stream_id) {
                        self.streams.highest_inbound = self.streams.highest_inbound.max(stream_id);
                    }
                    return Err(err);
                }
                let known = self.hpack_in.known_valid();
                self.on_header_block(stream_id, fields, known, end_stream, priority, events)
            }
            BlockStart::PushPromise { parent, promised } => {
                self.on_push_block(parent, promised, fields, events)
            }
        }
    }

    /// A complete HEADERS block, with the fields the decoder vouches for.
    fn on_header_block(
        &mut self,
        id: StreamId,
        fields: HeaderList,
        known: KnownValid,
        end_stream: bool,
        priority: Option<h2_frame::PrioritySpec>,
        events: &mut Events,
    ) -> Result<(), H2Error> {
        let cfg = self.config.validation;
        if self.streams.get(id).is_none() {
            if self.streams.closed_cause(id).is_some() {
                return self.on_absent_stream(id, RecvInput::Headers { end_stream });
            }
            match self.streams.unknown(id) {
                // RFC 9113 5.1.1: "The identifier of a newly established stream MUST be
                // numerically greater than all streams that the initiating endpoint has
                // opened or reserved ... An endpoint that receives an unexpected stream
                // identifier MUST respond with a connection error of type
                // PROTOCOL_ERROR." An id below the highest that we do not remember was
                // skipped or closed long ago: it cannot carry a new request.
                Unknown::Forgotten => {
                    self.local_error_stream = Some(id);
                    return Err(H2Error::conn(
                        ErrorCode::PROTOCOL_ERROR,
                        "HEADERS on a stream id that is not above every id used before",
                    ));
                }
                Unknown::Idle => {
                    // Ignored: above the last stream id of a GOAWAY we sent.
                    let Some(mut stream) = self.open_inbound_stream(id)? else {
                        return Ok(());
                    };
                    // The new stream takes its HEADERS before it is registered: inserting
                    // it then counts the same transition `with` would (from idle), with
                    // one hash lookup instead of two. Nothing in between reads the
                    // registry.
                    let signal = fields.get("priority").map(ExtensiblePriority::parse);
                    let result =
                        stream.recv_headers(fields, known, end_stream, priority, &cfg, events);
                    self.streams.insert(stream);
                    if let Some(priority) = signal {
                        self.on_priority(id, priority);
                    }
                    return result;
                }
            }
        }
        // RFC 9218 5: a request's `priority` field sets how we schedule the response.
        let signal = match self.role {
            Role::Server => fields.get("priority").map(ExtensiblePriority::parse),
            Role::Client => None,
        };
        let result = self
            .streams
            .judge(id, |e| {
                e.stream
                    .recv_headers(fields, known, end_stream, priority, &cfg, events)
            })
            .unwrap_or(Ok(()));
        if let Some(priority) = signal {
            self.on_priority(id, priority);
        }
        result
    }

    /// A frame for a stream that is not active: closed recently (judged by how it closed,
    /// RFC 9113 5.1 "closed"), idle, or closed and forgotten.
    fn on_absent_stream(&self, id: StreamId, input: RecvInput) -> Result<(), H2Error> {
        if let Some(cause) = self.streams.closed_cause(id) {
            // hyper-h2 compatibility (Config::answer_frames_after_local_reset): a frame
            // RFC 9113 5.1 would have us ignore is answered with RST_STREAM.
            if self.config.answer_frames_after_local_reset
                && matches!(cause, CloseCause::ResetSent(_))
                && matches!(input, RecvInput::Headers { .. } | RecvInput::Data { .. })
            {
                return Err(H2Error::stream(
                    id,
                    ErrorCode::STREAM_CLOSED,
                    "frame on a stream we reset",
                ));
            }
            return recv_transition(StreamState::Closed(cause), self.role, id, input).map(|_| ());
        }
        match (self.streams.unknown(id), input) {
            // RFC 9113 5.1 idle: "Receiving any frame other than HEADERS or PRIORITY on a
            // stream in this state MUST be treated as a connection error of type
            // PROTOCOL_ERROR" (6.4 says the same of RST_STREAM).
            (Unknown::Idle, _) => {
                recv_transition(StreamState::Idle, self.role, id, input).map(|_| ())
            }
            // Closed so long ago we no longer know how: DATA is refused on the stream,
            // WINDOW_UPDATE and RST_STREAM may still be in flight and are ignored.
            (Unknown::Forgotten, RecvInput::Data { .. }) => Err(H2Error::stream(
                id,
                ErrorCode::STREAM_CLOSED,
                "DATA on a closed stream",
            )),
            (Unknown::Forgotten, RecvInput::Headers { .. }) => Err(H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "HEADERS on a stream id that is not above every id used before",
            )),
            (Unknown::Forgotten, _) => Ok(()),
        }
    }

    /// A peer opens stream `id` with HEADERS (RFC 9113 5.1.1, 5.1.2). `Ok(None)`: the
    /// stream is ignored; `Ok(Some(stream))`: accepted, for the caller to register once
    /// its HEADERS are processed (an idle stream counts toward no limit, so registering
    /// it first or last makes no difference to the check here).
    fn open_inbound_stream(&mut self, id: StreamId) -> Result<Option<Stream>, H2Error> {
        // RFC 9113 5.1.1: streams the peer opens have its parity; a server never opens a
        // stream with HEADERS (it promises them).
        if self.streams.is_local(id) || self.role == Role::Client {
            return Err(H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "HEADERS opens a stream the peer may not open",
            ));
        }
        // RFC 9113 6.8: after our GOAWAY, new streams above its last id are ignored.
        if self.goaway_sent.is_some_and(|last| id > last) {
            self.streams.highest_inbound = self.streams.highest_inbound.max(id);
            return Ok(None);
        }
        let highest = self.streams.highest_inbound;
        let stream = self.new_stream(id);
        // RFC 9113 5.1.2: "An endpoint that receives a HEADERS frame that causes its
        // advertised concurrent stream limit to be exceeded MUST treat this as a stream
        // error of type PROTOCOL_ERROR or REFUSED_STREAM." REFUSED_STREAM tells the
        // client it may retry. The limit is the lowest we advertised, acknowledged or
        // not: a peer that never acknowledges our SETTINGS must not get unlimited streams.
        let limit = self
            .local
            .pending
            .iter()
            .filter_map(|s| s.get(SettingId::MAX_CONCURRENT_STREAMS))
            .fold(self.local.current.max_concurrent_streams(), u32::min);
        if self.streams.open_inbound() >= limit {
            // Refused, the stream was not processed: when this ends the whole connection
            // (Config::stream_errors_close_connection) the GOAWAY's last stream id (RFC
            // 9113 6.8) does not count it. It is registered (idle) all the same, as it
            // was before the limit was checked.
            self.streams.insert(stream);
            if self.config.stream_errors_close_connection {
                self.streams.highest_inbound = highest;
            }
            return Err(H2Error::stream(
                id,
                ErrorCode::REFUSED_STREAM,
                "concurrent stream limit reached",
            ));
        }
        Ok(Some(stream))
    }

    /// A complete PUSH_PROMISE block.
    fn on_push_block(
        &mut self,
        parent: StreamId,
        promised: StreamId,
        fields: HeaderList,
        events: &mut Events,
    ) -> Result<(), H2Error> {
        // RFC 9113 6.6: the associated stream must be open or half-closed (local).
        match self.streams.get(parent) {
            Some(entry) => entry.stream.check_push_parent()?,
            // A promise on a stream we already reset (RFC 9113 5.1: it may have been in
            // flight): the promised stream is reserved, and we refuse it at once.
            None if matches!(
                self.streams.closed_cause(parent),
                Some(CloseCause::ResetSent(_))
            ) =>
            {
                self.streams.highest_inbound = self.streams.highest_inbound.max(promised);
                if self.config.answer_frames_after_local_reset {
                    // hyper-h2 refuses the promised stream; written here, as no fault of
                    // the peer's (the promise may have been in flight), so it is not
                    // taken for a connection error by stream_errors_close_connection.
                    self.write_control(&Frame::RstStream(h2_frame::RstStream {
                        stream_id: promised,
                        code: ErrorCode::REFUSED_STREAM,
                    }))?;
                    return self.count_flood(Flood::LocalReset);
                }
                return Err(H2Error::stream(
                    promised,
                    ErrorCode::CANCEL,
                    "promise on a stream we reset",
                ));
            }
            None => {
                return Err(H2Error::conn(
                    ErrorCode::PROTOCOL_ERROR,
                    "PUSH_PROMISE on a stream that is not open",
                ))
            }
        }
        let cfg = self.config.validation;
        let highest = self.streams.highest_inbound;
        let stream = self.new_stream(promised);
        self.streams.insert(stream);
        let authority = fields.authority().map(Bytes::copy_from_slice);
        let _ = self.streams.with(promised, |e| e.authority = authority);
        let result = self
            .streams
            .with(promised, |e| {
                e.stream.recv_push_promise(parent, fields, &cfg, events)
            })
            .unwrap_or(Ok(()));
        // A malformed promise that ends the whole connection was never processed: the
        // GOAWAY's last stream id (RFC 9113 6.8) does not count it. (Reset on its own,
        // the promised stream must stay known so the RST_STREAM is valid.)
        if result.is_err() && self.config.stream_errors_close_connection {
            self.streams.highest_inbound = highest;
        }
        result
    }

    /// RFC 9113 10.5.1: a header list over our limit. A server answers a new request with
    /// 431; otherwise the stream is reset.
    fn on_header_list_too_large(
        &mut self,
        start: BlockStart,
        events: &mut Events,
    ) -> Result<(), H2Error> {
        // hyper-h2 compatibility (Config::header_list_too_large_closes_connection).
        if self.config.header_list_too_large_closes_connection {
            return Err(H2Error::conn(
                ErrorCode::ENHANCE_YOUR_CALM,
                "header list larger than SETTINGS_MAX_HEADER_LIST_SIZE",
            ));
        }
        let id = match start {
            BlockStart::Headers { stream_id, .. } => stream_id,
            BlockStart::PushPromise { promised, .. } => {
                // Reserve the promised id so it can be reset.
                self.streams.highest_inbound = self.streams.highest_inbound.max(promised);
                return Err(H2Error::stream(
                    promised,
                    ErrorCode::REFUSED_STREAM,
                    "promised request headers too large",
                ));
            }
        };
        let new_request = self.role == Role::Server
            && self.streams.get(id).is_none()
            && self.streams.unknown(id) == Unknown::Idle;
        if new_request && !self.streams.is_local(id) {
            self.streams.highest_inbound = self.streams.highest_inbound.max(id);
            let status = [HeaderField::new(":status", "431")];
            crate::trace::sent_headers(self.role, id, &status, true);
            let max = self.remote.max_frame_size();
            let encoder = &mut self.hpack_out;
            self.output
                .write(|buf| encoder.encode_headers(id, &status, true, max, buf));
            self.count_flood(Flood::LocalReset)?;
            return Ok(());
        }
        let _ = events;
        Err(H2Error::stream(
            id,
            ErrorCode::PROTOCOL_ERROR,
            "header list larger than SETTINGS_MAX_HEADER_LIST_SIZE",
        ))
    }

    // ------------------------------------------------------------------ stream control

    fn on_rst_stream(&mut self, frame: RstStream, events: &mut Events) -> Result<(), H2Error> {
        self.count_flood(Flood::RemoteReset)?;
        let id = frame.stream_id;
        // Rapid Reset (CVE-2023-44487): a request reset before we sent any HEADERS on it
        // is counted by stream, not by frame, so padding between resets does not dilute
        // it (Limits::max_early_resets).
        let early = self.role == Role::Server
            && !self.streams.is_local(id)
            && self.streams.get(id).is_some_and(|e| !e.answered);
        let result = match self
            .streams
            .judge(id, |e| e.stream.recv_rst_stream(frame.code, events))
        {
            Some(result) => result,
            None => self.on_absent_stream(id, RecvInput::RstStream(frame.code)),
        };
        if early && result.is_ok() {
            self.streams
                .early_resets
                .on_early_reset(&self.config.limits)
                .map_err(|why| H2Error::conn(ErrorCode::ENHANCE_YOUR_CALM, why))?;
        }
        result
    }

    fn on_window_update(
        &mut self,
        frame: WindowUpdate,
        events: &mut Events,
    ) -> Result<(), H2Error> {
        // Only small increments are counted: they are what a data-dribble peer sends
        // (CVE-2019-9511). A legitimate download answers nearly every DATA frame with a
        // large WINDOW_UPDATE, which must not look like a flood.
        if frame.increment < crate::limits::SMALL_WINDOW_UPDATE {
            self.count_flood(Flood::WindowUpdate)?;
        }
        let id = frame.stream_id;
        if id.is_zero() {
            // RFC 9113 6.9.1: "If a sender receives a WINDOW_UPDATE that causes a
            // flow-control window to exceed this maximum, it MUST terminate either the
            // stream or the connection, as appropriate."
            self.send_window.increase(frame.increment).map_err(|_| {
                H2Error::conn(
                    ErrorCode::FLOW_CONTROL_ERROR,
                    "WINDOW_UPDATE overflows the connection window",
                )
            })?;
            push_event(events, || Event::WindowUpdated {
                stream_id: id,
                delta: frame.increment,
            });
            return Ok(());
        }
        match self
            .streams
            .judge(id, |e| e.stream.recv_window_update(frame.increment, events))
        {
            Some(result) => result,
            None => self.on_absent_stream(id, RecvInput::WindowUpdate),
        }
    }

    // ------------------------------------------------------------------ connection control

    fn on_settings(&mut self, frame: SettingsFrame, events: &mut Events) -> Result<(), H2Error> {
        self.count_flood(Flood::Settings)?;
        if frame.ack {
            return self.on_settings_ack(events);
        }
        self.remote_settings_received = true;
        let settings = &frame.settings;
        // RFC 9113 6.5.2: "A client MUST treat receipt of a SETTINGS frame with
        // SETTINGS_ENABLE_PUSH set to 1 as a connection error of type PROTOCOL_ERROR."
        if self.role == Role::Client && settings.get(SettingId::ENABLE_PUSH) == Some(1) {
            return Err(H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "server sent SETTINGS_ENABLE_PUSH = 1",
            ));
        }
        // RFC 8441 3: "A sender MUST NOT send a SETTINGS_ENABLE_CONNECT_PROTOCOL parameter
        // with the value of 0 after previously sending a value of 1."
        if self.remote.enable_connect_protocol()
            && settings.get(SettingId::ENABLE_CONNECT_PROTOCOL) == Some(0)
        {
            return Err(H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "SETTINGS_ENABLE_CONNECT_PROTOCOL went from 1 to 0",
            ));
        }
        let changed = self.remote.apply(settings);
        for change in &changed {
            let old = change.original_value.unwrap_or(change.new_value);
            match change.setting {
                SettingId::HEADER_TABLE_SIZE => {
                    self.hpack_out.set_peer_table_size(change.new_value)
                }
                // RFC 9113 6.9.2: "a receiver MUST adjust the size of all stream
                // flow-control windows that it maintains by the difference between the
                // new value and the old value"; overflow is a connection error.
                SettingId::INITIAL_WINDOW_SIZE => {
                    self.adjust_stream_windows(old, change.new_value, |s| s.send_window_mut())?
                }
                _ => {}
            }
        }
        // RFC 9113 6.5.3: "Upon receiving a SETTINGS frame with the ACK flag set ... the
        // recipient of a SETTINGS frame MUST immediately emit a SETTINGS frame with the
        // ACK flag set".
        self.write_control(&Frame::Settings(SettingsFrame::ack()))?;
        events.push(Event::RemoteSettingsChanged { changed });
        Ok(())
    }

    /// Our oldest outstanding SETTINGS is now in force (RFC 9113 6.5.3).
    pub(crate) fn on_settings_ack(&mut self, events: &mut Events) -> Result<(), H2Error> {
        let Some(settings) = self.local.pending.pop_front() else {
            // An ACK for nothing we sent: ignore rather than fail. With
            // Config::initial_settings_in_force it is the expected ACK of our initial
            // SETTINGS, reported (with nothing changed) as hyper-h2 does.
            if self.config.initial_settings_in_force {
                events.push(Event::SettingsAcknowledged {
                    changed: Vec::new(),
                });
            }
            return Ok(());
        };
        self.on_settings_ack_timed();
        let changed = self.local.current.apply(&settings);
        for change in &changed {
            let old = change.original_value.unwrap_or(change.new_value);
            match change.setting {
                SettingId::HEADER_TABLE_SIZE => self.hpack_in.set_max_table_size(change.new_value),
                SettingId::MAX_HEADER_LIST_SIZE => {
                    self.hpack_in.set_max_header_list_size(change.new_value)
                }
                SettingId::MAX_FRAME_SIZE => self.decoder.set_max_frame_size(change.new_value),
                SettingId::INITIAL_WINDOW_SIZE => {
                    self.adjust_stream_windows(old, change.new_value, |s| s.recv_window_mut())?;
                    // The policy's target moved: data acknowledged but held back under the
                    // old target may be due now, and nothing else would send it (the peer
                    // may be stalled on exactly that window).
                    for id in self.streams.active_ids() {
                        self.maybe_return_window(id);
                    }
                }
                _ => {}
            }
        }
        events.push(Event::SettingsAcknowledged { changed });
        Ok(())
    }

    /// RFC 9113 6.9.2: a SETTINGS_INITIAL_WINDOW_SIZE change moves one window of every
    /// open stream (the send windows for the peer's setting, the receive windows for ours)
    /// by the difference; a window pushed past 2^31-1 is a connection FLOW_CONTROL_ERROR.
    fn adjust_stream_windows(
        &mut self,
        old: u32,
        new: u32,
        window: impl Fn(&mut Stream) -> &mut Window,
    ) -> Result<(), H2Error> {
        let delta = i64::from(new) - i64::from(old);
        for id in self.streams.active_ids() {
            if let Some(Err(_)) = self
                .streams
                .with(id, |e| window(&mut e.stream).adjust(delta))
            {
                return Err(H2Error::conn(
                    ErrorCode::FLOW_CONTROL_ERROR,
                    "SETTINGS_INITIAL_WINDOW_SIZE change overflows a stream window",
                ));
            }
        }
        Ok(())
    }

    fn on_ping(&mut self, frame: Ping, events: &mut Events) -> Result<(), H2Error> {
        if frame.ack {
            self.on_ping_ack_timed(frame.payload);
            events.push(Event::PingAckReceived {
                data: frame.payload,
            });
            if self.shutdown_ping == Some(frame.payload) {
                self.shutdown_ping = None;
                self.finish_graceful_shutdown();
            }
            return Ok(());
        }
        self.count_flood(Flood::Ping)?;
        // RFC 9113 6.7: "Receivers of a PING frame that does not include an ACK flag MUST
        // send a PING frame with the ACK flag set in response, with an identical frame
        // payload."
        self.write_control(&Frame::Ping(Ping {
            ack: true,
            payload: frame.payload,
        }))?;
        events.push(Event::PingReceived {
            data: frame.payload,
        });
        Ok(())
    }

    fn on_goaway(&mut self, frame: GoAway, events: &mut Events) -> Result<(), H2Error> {
        let last = frame.last_stream_id;
        // RFC 9113 6.8: "Endpoints MUST NOT increase the value they send in the last
        // stream identifier" — keep the smallest we heard.
        let last = self.goaway_received.map_or(last, |prev| prev.min(last));
        self.goaway_received = Some(last);
        if self.config.discard_output_on_goaway {
            // hyper-h2 compatibility (Config::discard_output_on_goaway).
            self.output.discard();
        }
        events.push(Event::ConnectionTerminated {
            error_code: frame.code,
            last_stream_id: last,
            additional_data: frame.debug_data,
            remote: true,
        });
        // RFC 9113 6.8: streams we opened above `last` were not processed and may be
        // retried on a new connection: report them reset with REFUSED_STREAM.
        for id in self.streams.local_streams_above(last) {
            let _ = self.streams.with(id, |e| {
                e.stream.recv_rst_stream(ErrorCode::REFUSED_STREAM, events)
            });
        }
        Ok(())
    }
}
