//! Frames from the peer: the receive table plus the HTTP message rules.

use crate::state::{recv_transition, RecvInput, RecvStep, StreamState};
use crate::stream::Phase;
use crate::validate::{self, Block, Method};
use crate::{Role, Stream, ValidationConfig};
use bytes::Bytes;
use h2_events::{push_event, Event, Priority};
use h2_frame::{ErrorCode, H2Error, PrioritySpec, StreamId};
use h2_hpack_glue::syntax::KnownValid;
use h2_hpack_glue::HeaderList;

/// RFC 9113 8.1.1: "Malformed requests or responses that are detected MUST be treated as a
/// stream error of type PROTOCOL_ERROR."
fn malformed(id: StreamId) -> impl Fn(&'static str) -> H2Error {
    move |why| H2Error::stream(id, ErrorCode::PROTOCOL_ERROR, why)
}

impl Stream {
    fn recv_step(&self, input: RecvInput) -> Result<Option<StreamState>, H2Error> {
        match recv_transition(self.state, self.role, self.id, input)? {
            RecvStep::Process(next) => Ok(Some(next)),
            RecvStep::Ignore => Ok(None),
        }
    }

    /// A complete HEADERS field block (HEADERS plus CONTINUATIONs, decoded) arrived.
    ///
    /// Whether it is a request, a response, an interim (1xx) response or trailers follows
    /// from our role and what came before (RFC 9113 8.1). The block is validated when
    /// `cfg.validate_inbound_headers` is set (RFC 9113 8.2, 8.3; a malformed message is a
    /// stream error of type PROTOCOL_ERROR) and cookie crumbs are joined when
    /// `cfg.normalize_inbound_headers` is set (8.2.3). The message framing rules apply
    /// always: trailers must carry END_STREAM, a 1xx must not (8.1), content-length must
    /// match when the stream ends (8.1.1, when validating).
    ///
    /// Pushes `RequestReceived`, `ResponseReceived`, `InformationalResponseReceived` or
    /// `TrailersReceived`; then `PriorityUpdated` when a non-request HEADERS carried
    /// priority fields (a request carries them in its event); then `StreamEnded` when
    /// `end_stream`. Nothing is pushed when the stream is closed by our RST_STREAM (the
    /// frame is ignored, RFC 9113 5.1).
    ///
    /// `known_valid` names the fields that need no character scan and the names that need
    /// not be read (those the HPACK decoder took from checked table entries,
    /// [`HeaderBlockDecoder::known_valid`]); pass [`KnownValid::NONE`] to scan every field.
    ///
    /// `headers` is the decoded [`HeaderList`] (a `Vec<HeaderField>` converts into one).
    ///
    /// [`HeaderBlockDecoder::known_valid`]: h2_hpack_glue::HeaderBlockDecoder::known_valid
    pub fn recv_headers(
        &mut self,
        headers: impl Into<HeaderList>,
        known_valid: KnownValid,
        end_stream: bool,
        priority: Option<PrioritySpec>,
        cfg: &ValidationConfig,
        events: &mut Vec<Event>,
    ) -> Result<(), H2Error> {
        let Some(next) = self.recv_step(RecvInput::Headers { end_stream })? else {
            return Ok(());
        };
        let mut headers = headers.into();
        let malformed = malformed(self.id);
        // RFC 9113 5.3.1: "A stream cannot depend on itself."
        if let Some(spec) = priority {
            spec.validate(self.id)?;
        }
        let block = match (self.role, self.recv.phase) {
            (_, Phase::Body) => Block::Trailers,
            (Role::Server, Phase::Head) => Block::Request { push: false },
            (Role::Client, Phase::Head) => Block::Response,
        };
        // RFC 9113 8.1: "An endpoint that receives a HEADERS frame without the END_STREAM
        // flag set after receiving the HEADERS frame that opens a request or after receiving
        // a final (non-informational) status code MUST treat the corresponding request or
        // response as malformed."
        if block == Block::Trailers && !end_stream {
            return Err(malformed("trailers without END_STREAM"));
        }
        // RFC 9113 8.5: "Frame types other than DATA or stream management frames
        // (RST_STREAM, WINDOW_UPDATE, and PRIORITY) MUST NOT be sent on a connected stream
        // and MUST be treated as a stream error if received."
        if block == Block::Trailers && self.method == Method::Connect {
            return Err(malformed("HEADERS on a CONNECT tunnel"));
        }
        let msg = validate::inbound(&mut headers, known_valid, block, cfg, self.extended_connect)
            .map_err(&malformed)?;
        let informational = block == Block::Response && msg.is_informational();
        // RFC 9113 8.1: "A HEADERS frame with the END_STREAM flag set that carries an
        // informational status code is malformed."
        if informational && end_stream {
            return Err(malformed("informational response with END_STREAM"));
        }
        let (mut recv, mut method) = (self.recv, self.method);
        let body_started = recv.on_headers(&mut method, block, &msg, cfg.validate_inbound_headers);
        if end_stream {
            recv.length.on_end().map_err(&malformed)?;
        }

        self.state = next;
        self.recv = recv;
        if body_started {
            self.recv_declared = recv.declared();
        }
        self.method = method;
        let stream_id = self.id;
        push_event(events, || match block {
            Block::Request { .. } => Event::RequestReceived {
                stream_id,
                headers,
                end_stream,
                priority,
            },
            Block::Response if informational => {
                Event::InformationalResponseReceived { stream_id, headers }
            }
            Block::Response => Event::ResponseReceived {
                stream_id,
                headers,
                end_stream,
            },
            Block::Trailers => Event::TrailersReceived { stream_id, headers },
        });
        if let (Some(spec), false) = (priority, matches!(block, Block::Request { .. })) {
            events.push(Event::PriorityUpdated {
                stream_id,
                priority: Priority::Rfc7540(spec),
            });
        }
        if end_stream {
            push_event(events, || Event::StreamEnded { stream_id });
        }
        Ok(())
    }

    /// A PUSH_PROMISE naming this (idle) stream as the promised stream arrived, on
    /// `parent` (check that one first with [`Stream::check_push_parent`]).
    ///
    /// The stream becomes reserved (remote) even when the promised request turns out to be
    /// malformed (RFC 9113 5.1, 8.4): the error is then a stream error of type
    /// PROTOCOL_ERROR on this stream, which the connection answers with RST_STREAM. The
    /// promised request must be a valid request (8.3.1) with a safe, cacheable method
    /// (GET or HEAD), no content and an `:authority` (8.4, 8.4.1). Pushes
    /// `PushedStreamReceived`.
    pub fn recv_push_promise(
        &mut self,
        parent: StreamId,
        headers: impl Into<HeaderList>,
        cfg: &ValidationConfig,
        events: &mut Vec<Event>,
    ) -> Result<(), H2Error> {
        let Some(next) = self.recv_step(RecvInput::PushPromise)? else {
            return Ok(());
        };
        let mut headers = headers.into();
        self.state = next;
        let msg = validate::inbound(
            &mut headers,
            KnownValid::NONE,
            Block::Request { push: true },
            cfg,
            self.extended_connect,
        )
        .map_err(malformed(self.id))?;
        self.method = msg.method;
        events.push(Event::PushedStreamReceived {
            pushed_stream_id: self.id,
            parent_stream_id: parent,
            headers,
        });
        Ok(())
    }

    /// Called on the stream a PUSH_PROMISE arrived on (the parent). RFC 9113 6.6: "A
    /// receiver MUST treat the receipt of a PUSH_PROMISE on a stream that is neither open
    /// nor half-closed (local) as a connection error of type PROTOCOL_ERROR"; 8.4: a server
    /// receiving PUSH_PROMISE is a connection error of type PROTOCOL_ERROR. A parent we
    /// reset is accepted (RFC 9113 5.1: the promised stream is reserved "even when the
    /// PUSH_PROMISE frame is received on a closed stream"); the connection then resets the
    /// promised stream too.
    pub fn check_push_parent(&self) -> Result<(), H2Error> {
        if self.role == Role::Server {
            return Err(H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "a client sent PUSH_PROMISE",
            ));
        }
        if !self.id.is_client_initiated() {
            return Err(H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "PUSH_PROMISE on a stream the server initiated",
            ));
        }
        match self.state {
            StreamState::Open
            | StreamState::HalfClosedLocal
            | StreamState::Closed(crate::CloseCause::ResetSent(_)) => Ok(()),
            _ => Err(H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "PUSH_PROMISE on a stream that is neither open nor half-closed (local)",
            )),
        }
    }

    /// A DATA frame arrived: `data` is its payload without padding, `flow_controlled_len`
    /// the whole frame payload (RFC 9113 6.9.1: padding counts).
    ///
    /// Checks the state table, the stream receive window (a frame beyond it is a stream
    /// error of type FLOW_CONTROL_ERROR), that the header section came first (RFC 9113 8.1)
    /// and content-length (8.1.1). Pushes `DataReceived`, then `StreamEnded` when
    /// `end_stream`. On a stream we reset, the frame is ignored: the connection still
    /// counts it against the connection window.
    pub fn recv_data(
        &mut self,
        data: Bytes,
        flow_controlled_len: u32,
        end_stream: bool,
        events: &mut Vec<Event>,
    ) -> Result<(), H2Error> {
        let Some(next) = self.recv_step(RecvInput::Data { end_stream })? else {
            return Ok(());
        };
        let malformed = malformed(self.id);
        // RFC 9113 8.1: a message is HEADERS, then DATA; DATA before the (final) header
        // section is an extraneous frame (8.1.1).
        if self.recv.phase == Phase::Head {
            return Err(malformed("cannot receive data before headers"));
        }
        let mut window = self.recv_window;
        window.decrease(flow_controlled_len).map_err(|_| {
            H2Error::stream(
                self.id,
                ErrorCode::FLOW_CONTROL_ERROR,
                "DATA exceeds the stream flow-control window",
            )
        })?;
        let mut recv = self.recv;
        // Counted even when the check below fails, to report the mismatch.
        self.recv_received = self.recv_received.saturating_add(data.len() as u64);
        recv.length = recv.length.on_data(data.len() as u64).map_err(&malformed)?;
        if end_stream {
            recv.length.on_end().map_err(&malformed)?;
        }

        self.state = next;
        self.recv_window = window;
        self.recv = recv;
        let stream_id = self.id;
        push_event(events, || Event::DataReceived {
            stream_id,
            data,
            flow_controlled_length: flow_controlled_len,
            end_stream,
        });
        if end_stream {
            push_event(events, || Event::StreamEnded { stream_id });
        }
        Ok(())
    }

    /// RST_STREAM arrived. Pushes `StreamReset { remote_reset: true }` when it closed the
    /// stream; on a closed stream it is ignored (RFC 9113 5.1, 5.4.2).
    pub fn recv_rst_stream(
        &mut self,
        code: ErrorCode,
        events: &mut Vec<Event>,
    ) -> Result<(), H2Error> {
        if let Some(next) = self.recv_step(RecvInput::RstStream(code))? {
            self.state = next;
            events.push(Event::StreamReset {
                stream_id: self.id,
                error_code: code,
                remote_reset: true,
            });
        }
        Ok(())
    }

    /// WINDOW_UPDATE arrived for this stream: credit for what we send. RFC 9113 6.9.1: a
    /// window past 2^31-1 is a stream error of type FLOW_CONTROL_ERROR; 6.9: an increment
    /// of 0 is a stream error of type PROTOCOL_ERROR. Pushes `WindowUpdated`.
    pub fn recv_window_update(
        &mut self,
        increment: u32,
        events: &mut Vec<Event>,
    ) -> Result<(), H2Error> {
        if self.recv_step(RecvInput::WindowUpdate)?.is_none() {
            return Ok(());
        }
        if increment == 0 {
            return Err(H2Error::stream(
                self.id,
                ErrorCode::PROTOCOL_ERROR,
                "WINDOW_UPDATE increment of 0",
            ));
        }
        self.send_window.increase(increment).map_err(|_| {
            H2Error::stream(
                self.id,
                ErrorCode::FLOW_CONTROL_ERROR,
                "WINDOW_UPDATE takes the stream window past 2^31-1",
            )
        })?;
        push_event(events, || Event::WindowUpdated {
            stream_id: self.id,
            delta: increment,
        });
        Ok(())
    }

    /// PRIORITY (RFC 7540 fields) or PRIORITY_UPDATE (RFC 9218) about this stream; allowed
    /// in every state (RFC 9113 5.1). A stream depending on itself is a stream error of
    /// type PROTOCOL_ERROR (5.3.1). Pushes `PriorityUpdated`.
    pub fn recv_priority(
        &mut self,
        priority: Priority,
        events: &mut Vec<Event>,
    ) -> Result<(), H2Error> {
        self.recv_step(RecvInput::Priority)?;
        if let Priority::Rfc7540(spec) = &priority {
            spec.validate(self.id)?;
        }
        events.push(Event::PriorityUpdated {
            stream_id: self.id,
            priority,
        });
        Ok(())
    }
}
