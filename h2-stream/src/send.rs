//! Our actions: the send table plus the HTTP message rules. Errors change nothing.

use crate::state::{send_transition, SendInput, StreamState};
use crate::stream::Phase;
use crate::validate::{self, Block, Method};
use crate::{Role, Stream, ValidationConfig};
use h2_events::{FlowWindow, UserError};
use h2_frame::ErrorCode;
use h2_hpack_glue::syntax::KnownValid;
use h2_hpack_glue::HeaderField;
use std::borrow::Cow;

impl Stream {
    fn invalid(&self, why: &'static str) -> UserError {
        UserError::InvalidState {
            stream_id: self.id,
            why,
        }
    }

    /// Checks a header block we want to send and moves the stream on; returns the fields
    /// to encode (`Cow::Borrowed(headers)` when nothing had to change).
    ///
    /// A request (client, idle stream), a response or 1xx (server), or trailers (after the
    /// request or the final response; they must carry END_STREAM, RFC 9113 8.1). With
    /// `cfg.normalize_outbound_headers`, names are lowercased, values trimmed, credentials
    /// and short cookies marked sensitive, and with `cfg.split_outbound_cookies` cookies
    /// split into crumbs (8.2.3). With `cfg.validate_outbound_headers` the result must pass
    /// the same rules as a received block, and content-length is then held against
    /// [`Stream::send_data`].
    ///
    /// `known_valid` names the fields that need no character scan and the names that need
    /// not be read (those the HPACK encoder's table already holds, checked when they
    /// entered it: [`Encoder::known_valid`]; or those a [`VerdictMemo`] judged before);
    /// pass [`KnownValid::NONE`] to scan every field.
    ///
    /// [`Encoder::known_valid`]: h2_hpack_glue::Encoder::known_valid
    /// [`VerdictMemo`]: h2_hpack_glue::syntax::VerdictMemo
    pub fn send_headers<'a>(
        &mut self,
        headers: &'a [HeaderField],
        known_valid: KnownValid,
        end_stream: bool,
        cfg: &ValidationConfig,
    ) -> Result<Cow<'a, [HeaderField]>, UserError> {
        let next = send_transition(
            self.state,
            self.role,
            self.id,
            SendInput::Headers { end_stream },
        )?;
        let block = match (self.role, self.send.phase) {
            (_, Phase::Body) => Block::Trailers,
            (Role::Client, Phase::Head) => Block::Request { push: false },
            (Role::Server, Phase::Head) => Block::Response,
        };
        // RFC 9113 8.1: trailers are "a HEADERS frame ... where the HEADERS frame bears an
        // END_STREAM flag".
        if block == Block::Trailers && !end_stream {
            return Err(self.invalid("trailers must carry END_STREAM"));
        }
        // RFC 9113 8.5: only DATA and stream management frames on a connected stream.
        if block == Block::Trailers && self.method == Method::Connect {
            return Err(self.invalid("no HEADERS on a CONNECT tunnel"));
        }
        let (out, msg) =
            validate::outbound(headers, known_valid, block, cfg, self.extended_connect)
                .map_err(UserError::InvalidHeaders)?;
        let informational = block == Block::Response && msg.is_informational();
        // RFC 9113 8.1: a 1xx HEADERS frame with END_STREAM is malformed.
        if informational && end_stream {
            return Err(self.invalid("an informational response cannot end the stream"));
        }
        let (mut send, mut method) = (self.send, self.method);
        send.on_headers(&mut method, block, &msg, cfg.validate_outbound_headers);
        if end_stream {
            send.length.on_end().map_err(|why| self.invalid(why))?;
        }
        self.state = next;
        self.send = send;
        self.method = method;
        Ok(out)
    }

    /// Promises this (idle) stream in a PUSH_PROMISE (sent on a parent checked with
    /// [`Stream::check_push_parent_send`]): idle → reserved (local). With validation, the
    /// promised request must be valid, GET or HEAD, without content (RFC 9113 8.4).
    pub fn send_push_promise<'a>(
        &mut self,
        headers: &'a [HeaderField],
        cfg: &ValidationConfig,
    ) -> Result<Cow<'a, [HeaderField]>, UserError> {
        let next = send_transition(self.state, self.role, self.id, SendInput::PushPromise)?;
        let (out, msg) = validate::outbound(
            headers,
            KnownValid::NONE,
            Block::Request { push: true },
            cfg,
            self.extended_connect,
        )
        .map_err(UserError::InvalidHeaders)?;
        self.state = next;
        self.method = msg.method;
        Ok(out)
    }

    /// Whether we may send a PUSH_PROMISE on this stream (the parent). RFC 9113 6.6:
    /// "PUSH_PROMISE frames MUST only be sent on a peer-initiated stream that is in either
    /// the open or half-closed (remote) state"; 8.4: only servers push.
    pub fn check_push_parent_send(&self) -> Result<(), UserError> {
        if self.role == Role::Client {
            return Err(UserError::WrongRole("client"));
        }
        if !self.id.is_client_initiated() {
            return Err(self.invalid("PUSH_PROMISE only on a client-initiated stream"));
        }
        match self.state {
            StreamState::Open | StreamState::HalfClosedRemote => Ok(()),
            StreamState::Closed(_) | StreamState::HalfClosedLocal => {
                Err(UserError::StreamClosed(self.id))
            }
            _ => Err(self.invalid("PUSH_PROMISE only on an open or half-closed (remote) stream")),
        }
    }

    /// Accounts for a DATA frame of `len` flow-controlled octets we want to send: checks
    /// the state, that the header section went first, the stream send window (the
    /// connection checks its own) and, with outbound validation, content-length.
    ///
    /// The same as [`reserve_data`](Stream::reserve_data) followed by
    /// [`send_reserved_data`](Stream::send_reserved_data), all or nothing.
    pub fn send_data(&mut self, len: u32, end_stream: bool) -> Result<(), UserError> {
        if i64::from(len) > i64::from(self.send_window.available()) {
            return Err(self.window_blocked());
        }
        self.reserve_data(u64::from(len), end_stream)?;
        self.send_reserved_data(len, end_stream)
    }

    /// Accounts for body octets queued to be sent later (a send buffer): checks that DATA
    /// may follow in this state and after the header section, and, with outbound
    /// validation, holds `len` (and the end of the message when `end_stream`) against
    /// content-length. The state and the window do not change: the frames are sent later
    /// with [`send_reserved_data`](Stream::send_reserved_data).
    pub fn reserve_data(&mut self, len: u64, end_stream: bool) -> Result<(), UserError> {
        send_transition(
            self.state,
            self.role,
            self.id,
            SendInput::Data { end_stream },
        )?;
        if self.send.phase == Phase::Head {
            return Err(self.invalid("DATA before the header section"));
        }
        let length = self
            .send
            .length
            .on_data(len)
            .map_err(|why| self.invalid(why))?;
        if end_stream {
            length.on_end().map_err(|why| self.invalid(why))?;
        }
        self.send.length = length;
        Ok(())
    }

    /// Sends a DATA frame of `len` octets whose payload was reserved with
    /// [`reserve_data`](Stream::reserve_data): moves the state on and takes `len` from the
    /// stream send window.
    pub fn send_reserved_data(&mut self, len: u32, end_stream: bool) -> Result<(), UserError> {
        let next = send_transition(
            self.state,
            self.role,
            self.id,
            SendInput::Data { end_stream },
        )?;
        let mut window = self.send_window;
        window.decrease(len).map_err(|_| self.window_blocked())?;
        self.state = next;
        self.send_window = window;
        Ok(())
    }

    fn window_blocked(&self) -> UserError {
        UserError::FlowControlBlocked {
            stream_id: self.id,
            window: FlowWindow::Stream,
            available: i64::from(self.send_window.available()),
        }
    }

    /// We reset the stream (RST_STREAM with `code`): → closed (RST sent). Not allowed on an
    /// idle stream (RFC 9113 6.4) nor on a closed one (5.4.2: one RST_STREAM per stream).
    pub fn send_reset(&mut self, code: ErrorCode) -> Result<(), UserError> {
        self.state = send_transition(self.state, self.role, self.id, SendInput::RstStream(code))?;
        Ok(())
    }

    /// We give the peer `increment` more octets of credit on this stream (WINDOW_UPDATE).
    /// Fails on a zero increment, past 2^31-1, or in a state that does not allow sending
    /// WINDOW_UPDATE (RFC 9113 5.1).
    pub fn send_window_update(&mut self, increment: u32) -> Result<(), UserError> {
        send_transition(self.state, self.role, self.id, SendInput::WindowUpdate)?;
        if increment == 0 {
            return Err(self.invalid("WINDOW_UPDATE increment of 0"));
        }
        self.recv_window
            .increase(increment)
            .map_err(|_| UserError::WindowOverflow)
    }
}
