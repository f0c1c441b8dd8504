//! Frame builders for scripted conversations, in the style of hyperium h2's
//! `tests/h2-support/src/frames.rs`: `frames::headers(1).request("GET", "/").end_stream()`,
//! `frames::data(1, "hello").padded(3)`, `frames::settings().initial_window_size(10)`.
//!
//! Builders of header blocks hold header fields, not HPACK bytes: the [`Peer`](super::Peer)
//! encodes them with its own HPACK context when it sends them ([`IntoFrames`]). Every other
//! builder turns into a plain [`Frame`] with `.frame()`, so it can also be the expected
//! value in `assert_eq!`.

use h2_conn::frame::{
    Bytes, Continuation, Data, ErrorCode, Flags, Frame, FrameType, GoAway, Headers, Ping, Priority,
    PrioritySpec, PushPromise, RstStream, SettingId, Settings, SettingsFrame, StreamId, Unknown,
    WindowUpdate,
};
use h2_conn::hpack::Encoder;
use h2_conn::HeaderField;

/// Stream id shorthand.
pub fn sid(n: u32) -> StreamId {
    StreamId::new(n)
}

/// A header list from `(name, value)` pairs.
pub fn fields(pairs: &[(&str, &str)]) -> Vec<HeaderField> {
    pairs
        .iter()
        .map(|(n, v)| HeaderField::new(n.to_string(), v.to_string()))
        .collect()
}

/// The request header list the builders use: `:method`, `:scheme` http, `:authority`
/// example.com, `:path`.
pub fn request_fields(method: &str, path: &str) -> Vec<HeaderField> {
    fields(&[
        (":method", method),
        (":scheme", "http"),
        (":authority", "example.com"),
        (":path", path),
    ])
}

/// Something the peer can put on the wire: one frame, or a header block it encodes.
pub trait IntoFrames {
    /// The frames, in order; header blocks are encoded with `encoder`.
    fn into_frames(self, encoder: &mut Encoder) -> Vec<Frame>;
}

impl IntoFrames for Frame {
    fn into_frames(self, _: &mut Encoder) -> Vec<Frame> {
        vec![self]
    }
}

impl IntoFrames for Vec<Frame> {
    fn into_frames(self, _: &mut Encoder) -> Vec<Frame> {
        self
    }
}

fn encode_block(encoder: &mut Encoder, fields: &[HeaderField]) -> Bytes {
    let mut buf = h2_conn::frame::BytesMut::new();
    encoder.encode(fields, &mut buf);
    buf.freeze()
}

/// Splits `block` into the first fragment and CONTINUATION fragments of `size` bytes.
fn split_block(mut block: Bytes, size: Option<usize>) -> (Bytes, Vec<Bytes>) {
    let Some(size) = size else {
        return (block, Vec::new());
    };
    let first = block.split_to(block.len().min(size));
    let mut rest = Vec::new();
    while !block.is_empty() {
        rest.push(block.split_to(block.len().min(size)));
    }
    (first, rest)
}

fn continuations(stream_id: StreamId, rest: Vec<Bytes>, last_ends: bool) -> Vec<Frame> {
    let n = rest.len();
    rest.into_iter()
        .enumerate()
        .map(|(i, block)| {
            Frame::Continuation(Continuation {
                stream_id,
                block,
                end_headers: last_ends && i + 1 == n,
            })
        })
        .collect()
}

// ---------------------------------------------------------------- HEADERS

/// HEADERS (+ CONTINUATION) on `id`.
pub fn headers(id: u32) -> HeadersBuilder {
    HeadersBuilder {
        stream_id: sid(id),
        fields: Vec::new(),
        block: None,
        end_stream: false,
        end_headers: true,
        priority: None,
        pad_len: None,
        fragment: None,
    }
}

/// A HEADERS frame being built.
#[derive(Clone, Debug)]
pub struct HeadersBuilder {
    stream_id: StreamId,
    fields: Vec<HeaderField>,
    block: Option<Bytes>,
    end_stream: bool,
    end_headers: bool,
    priority: Option<PrioritySpec>,
    pad_len: Option<u8>,
    fragment: Option<usize>,
}

impl HeadersBuilder {
    /// A request: `:method`, `:scheme`, `:authority`, `:path`.
    pub fn request(mut self, method: &str, path: &str) -> Self {
        self.fields.extend(request_fields(method, path));
        self
    }
    /// `GET path`.
    pub fn get(self, path: &str) -> Self {
        self.request("GET", path)
    }
    /// A response: `:status`.
    pub fn response(mut self, status: u16) -> Self {
        self.fields
            .push(HeaderField::new(":status", status.to_string()));
        self
    }
    /// One more field.
    pub fn field(mut self, name: &str, value: &str) -> Self {
        self.fields
            .push(HeaderField::new(name.to_string(), value.to_string()));
        self
    }
    /// Exactly these fields.
    pub fn fields(mut self, list: Vec<HeaderField>) -> Self {
        self.fields = list;
        self
    }
    /// A raw (possibly corrupt) HPACK block instead of encoded fields.
    pub fn raw_block(mut self, block: impl Into<Bytes>) -> Self {
        self.block = Some(block.into());
        self
    }
    /// END_STREAM.
    pub fn end_stream(mut self) -> Self {
        self.end_stream = true;
        self
    }
    /// RFC 7540 priority fields.
    pub fn priority(mut self, dependency: u32, weight: u8, exclusive: bool) -> Self {
        self.priority = Some(PrioritySpec {
            dependency: sid(dependency),
            exclusive,
            weight,
        });
        self
    }
    /// PADDED with `n` octets of padding.
    pub fn padded(mut self, n: u8) -> Self {
        self.pad_len = Some(n);
        self
    }
    /// Splits the block into HEADERS + CONTINUATION frames of `size` block bytes each.
    pub fn continuations(mut self, size: usize) -> Self {
        self.fragment = Some(size);
        self
    }
    /// Leaves the block unfinished: no frame carries END_HEADERS.
    pub fn unfinished(mut self) -> Self {
        self.end_headers = false;
        self
    }
}

impl IntoFrames for HeadersBuilder {
    fn into_frames(self, encoder: &mut Encoder) -> Vec<Frame> {
        let block = match self.block {
            Some(block) => block,
            None => encode_block(encoder, &self.fields),
        };
        let (first, rest) = split_block(block, self.fragment);
        let mut out = vec![Frame::Headers(Headers {
            stream_id: self.stream_id,
            block: first,
            end_stream: self.end_stream,
            end_headers: self.end_headers && rest.is_empty(),
            priority: self.priority,
            pad_len: self.pad_len,
        })];
        out.extend(continuations(self.stream_id, rest, self.end_headers));
        out
    }
}

// ---------------------------------------------------------------- PUSH_PROMISE

/// PUSH_PROMISE on `id` promising `promised`.
pub fn push_promise(id: u32, promised: u32) -> PushPromiseBuilder {
    PushPromiseBuilder {
        stream_id: sid(id),
        promised_id: sid(promised),
        fields: Vec::new(),
    }
}

/// A PUSH_PROMISE being built.
#[derive(Clone, Debug)]
pub struct PushPromiseBuilder {
    stream_id: StreamId,
    promised_id: StreamId,
    fields: Vec<HeaderField>,
}

impl PushPromiseBuilder {
    /// The promised request.
    pub fn request(mut self, method: &str, path: &str) -> Self {
        self.fields.extend(request_fields(method, path));
        self
    }
}

impl IntoFrames for PushPromiseBuilder {
    fn into_frames(self, encoder: &mut Encoder) -> Vec<Frame> {
        vec![Frame::PushPromise(PushPromise {
            stream_id: self.stream_id,
            promised_id: self.promised_id,
            block: encode_block(encoder, &self.fields),
            end_headers: true,
            pad_len: None,
        })]
    }
}

// ---------------------------------------------------------------- DATA

/// DATA on `id`.
pub fn data(id: u32, payload: impl Into<Bytes>) -> DataBuilder {
    DataBuilder(Data::new(sid(id), payload.into(), false))
}

/// A DATA frame being built.
#[derive(Clone, Debug)]
pub struct DataBuilder(Data);

impl DataBuilder {
    /// END_STREAM.
    pub fn end_stream(mut self) -> Self {
        self.0.end_stream = true;
        self
    }
    /// PADDED with `n` octets of padding (flow control counts `n + 1` more octets).
    pub fn padded(mut self, n: u8) -> Self {
        self.0.pad_len = Some(n);
        self
    }
    /// The frame.
    pub fn frame(self) -> Frame {
        Frame::Data(self.0)
    }
}

impl IntoFrames for DataBuilder {
    fn into_frames(self, _: &mut Encoder) -> Vec<Frame> {
        vec![self.frame()]
    }
}

// ---------------------------------------------------------------- SETTINGS

/// A SETTINGS frame (no ACK).
pub fn settings() -> SettingsBuilder {
    SettingsBuilder(Settings::new())
}

/// A SETTINGS frame with ACK.
pub fn settings_ack() -> Frame {
    Frame::Settings(SettingsFrame::ack())
}

/// A SETTINGS frame being built; settings appear in the order they are set.
#[derive(Clone, Debug)]
pub struct SettingsBuilder(Settings);

impl SettingsBuilder {
    /// Any setting, known or not.
    pub fn set(mut self, id: SettingId, value: u32) -> Self {
        self.0.push(id, value);
        self
    }
    /// SETTINGS_HEADER_TABLE_SIZE.
    pub fn header_table_size(self, v: u32) -> Self {
        self.set(SettingId::HEADER_TABLE_SIZE, v)
    }
    /// SETTINGS_ENABLE_PUSH.
    pub fn enable_push(self, v: u32) -> Self {
        self.set(SettingId::ENABLE_PUSH, v)
    }
    /// SETTINGS_MAX_CONCURRENT_STREAMS.
    pub fn max_concurrent_streams(self, v: u32) -> Self {
        self.set(SettingId::MAX_CONCURRENT_STREAMS, v)
    }
    /// SETTINGS_INITIAL_WINDOW_SIZE.
    pub fn initial_window_size(self, v: u32) -> Self {
        self.set(SettingId::INITIAL_WINDOW_SIZE, v)
    }
    /// SETTINGS_MAX_FRAME_SIZE.
    pub fn max_frame_size(self, v: u32) -> Self {
        self.set(SettingId::MAX_FRAME_SIZE, v)
    }
    /// SETTINGS_MAX_HEADER_LIST_SIZE.
    pub fn max_header_list_size(self, v: u32) -> Self {
        self.set(SettingId::MAX_HEADER_LIST_SIZE, v)
    }
    /// SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441).
    pub fn enable_connect_protocol(self, v: u32) -> Self {
        self.set(SettingId::ENABLE_CONNECT_PROTOCOL, v)
    }
    /// The settings list.
    pub fn settings(&self) -> Settings {
        self.0.clone()
    }
    /// The frame.
    pub fn frame(self) -> Frame {
        Frame::Settings(SettingsFrame::new(self.0))
    }
}

impl IntoFrames for SettingsBuilder {
    fn into_frames(self, _: &mut Encoder) -> Vec<Frame> {
        vec![self.frame()]
    }
}

// ---------------------------------------------------------------- control frames

/// PING without ACK.
pub fn ping(payload: [u8; 8]) -> Frame {
    Frame::Ping(Ping {
        ack: false,
        payload,
    })
}

/// PING with ACK.
pub fn ping_ack(payload: [u8; 8]) -> Frame {
    Frame::Ping(Ping { ack: true, payload })
}

/// GOAWAY without debug data.
pub fn goaway(last_stream_id: u32, code: ErrorCode) -> Frame {
    Frame::GoAway(GoAway {
        last_stream_id: sid(last_stream_id),
        code,
        debug_data: Bytes::new(),
    })
}

/// RST_STREAM.
pub fn rst(id: u32, code: ErrorCode) -> Frame {
    Frame::RstStream(RstStream {
        stream_id: sid(id),
        code,
    })
}

/// WINDOW_UPDATE (`id` 0: the connection).
pub fn window_update(id: u32, increment: u32) -> Frame {
    Frame::WindowUpdate(WindowUpdate {
        stream_id: sid(id),
        increment,
    })
}

/// PRIORITY (RFC 7540 fields).
pub fn priority(id: u32, dependency: u32, weight: u8) -> Frame {
    Frame::Priority(Priority {
        stream_id: sid(id),
        spec: PrioritySpec {
            dependency: sid(dependency),
            exclusive: false,
            weight,
        },
    })
}

/// A CONTINUATION with a raw block fragment.
pub fn continuation(id: u32, block: impl Into<Bytes>, end_headers: bool) -> Frame {
    Frame::Continuation(Continuation {
        stream_id: sid(id),
        block: block.into(),
        end_headers,
    })
}

/// Any frame header with any payload, written as it is: for malformed frames (a PING of 7
/// octets, a WINDOW_UPDATE on a stream with a zero increment...) and extension types.
pub fn raw(kind: FrameType, flags: u8, id: u32, payload: impl Into<Bytes>) -> Frame {
    Frame::Unknown(Unknown {
        kind,
        flags: Flags(flags),
        stream_id: sid(id),
        payload: payload.into(),
    })
}
