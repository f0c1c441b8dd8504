//! Helpers shared by the integration tests: a frame byte builder, a one-call decoder, and
//! a set of valid sample frames of every type.
#![allow(dead_code)] // each test file uses a different subset

use h2_frame::{
    AltSvc, Bytes, BytesMut, Continuation, Data, ErrorCode, Flags, Frame, FrameDecoder, FrameType,
    GoAway, H2Error, Headers, Origin, Ping, Priority, PrioritySpec, PriorityUpdate, PushPromise,
    RstStream, SettingId, Settings, SettingsFrame, StreamId, Unknown, WindowUpdate,
    DEFAULT_MAX_FRAME_SIZE, MAX_MAX_FRAME_SIZE,
};

/// Builds one frame's bytes field by field, for frames the encoders refuse to write.
#[derive(Clone, Debug)]
pub struct RawFrame {
    kind: FrameType,
    flags: Flags,
    stream_id: u32,
    payload: Vec<u8>,
    length: Option<u32>,
}

/// A frame of type `kind` on stream `stream_id` (the raw 32-bit word, reserved bit and
/// all), no flags, empty payload.
pub fn raw(kind: FrameType, stream_id: u32) -> RawFrame {
    RawFrame {
        kind,
        flags: Flags::empty(),
        stream_id,
        payload: Vec::new(),
        length: None,
    }
}

impl RawFrame {
    pub fn flags(mut self, flags: Flags) -> Self {
        self.flags = flags;
        self
    }
    /// Appends payload octets.
    pub fn bytes(mut self, bytes: &[u8]) -> Self {
        self.payload.extend_from_slice(bytes);
        self
    }
    /// Appends `n` zero octets.
    pub fn zeros(mut self, n: usize) -> Self {
        self.payload.resize(self.payload.len() + n, 0);
        self
    }
    pub fn u8(self, v: u8) -> Self {
        self.bytes(&[v])
    }
    pub fn u16(self, v: u16) -> Self {
        self.bytes(&v.to_be_bytes())
    }
    pub fn u32(self, v: u32) -> Self {
        self.bytes(&v.to_be_bytes())
    }
    /// A SETTINGS entry.
    pub fn setting(self, id: SettingId, value: u32) -> Self {
        self.u16(id.0).u32(value)
    }
    /// Overrides the length field (the payload written stays as built).
    pub fn length(mut self, length: u32) -> Self {
        self.length = Some(length);
        self
    }
    pub fn build(&self) -> Vec<u8> {
        let len = self
            .length
            .unwrap_or(self.payload.len() as u32)
            .to_be_bytes();
        let mut out = vec![len[1], len[2], len[3], self.kind.0, self.flags.0];
        out.extend_from_slice(&self.stream_id.to_be_bytes());
        out.extend_from_slice(&self.payload);
        out
    }
}

/// Decodes `bytes` with the default max frame size: the first frame or error.
pub fn decode(bytes: &[u8]) -> Result<Frame, H2Error> {
    decode_with(DEFAULT_MAX_FRAME_SIZE, bytes)
}

/// Decodes `bytes` with `max_frame_size`: the first frame or error, and the frame must be
/// complete.
pub fn decode_with(max_frame_size: u32, bytes: &[u8]) -> Result<Frame, H2Error> {
    let mut decoder = FrameDecoder::new(max_frame_size);
    decoder.push_slice(bytes);
    decoder
        .next_frame()
        .map(|frame| frame.expect("a complete frame"))
}

/// Decodes a whole stream: every frame and the error that stopped it, if any.
pub fn decode_all(max_frame_size: u32, bytes: Bytes) -> Vec<Result<Frame, H2Error>> {
    let mut decoder = FrameDecoder::new(max_frame_size);
    decoder.push_bytes(bytes);
    let mut out = Vec::new();
    loop {
        match decoder.next_frame() {
            Ok(Some(frame)) => out.push(Ok(frame)),
            Ok(None) => return out,
            Err(err) => {
                out.push(Err(err));
                if err.is_connection_error() {
                    return out;
                }
            }
        }
    }
}

/// Encodes with the largest max frame size.
pub fn encode(frame: &Frame) -> Vec<u8> {
    let mut dst = BytesMut::new();
    frame
        .encode(&mut dst, MAX_MAX_FRAME_SIZE)
        .expect("encodable");
    dst.to_vec()
}

/// Asserts a connection error with `code`.
#[track_caller]
pub fn assert_conn(result: Result<Frame, H2Error>, code: ErrorCode) {
    match result {
        Err(H2Error::Connection { code: got, .. }) => assert_eq!(got, code),
        other => panic!("expected a connection error {code:?}, got {other:?}"),
    }
}

/// Asserts a stream error on `id` with `code`.
#[track_caller]
pub fn assert_stream(result: Result<Frame, H2Error>, id: u32, code: ErrorCode) {
    match result {
        Err(H2Error::Stream {
            id: got_id,
            code: got,
            ..
        }) => {
            assert_eq!((got_id, got), (StreamId::new(id), code));
        }
        other => panic!("expected a stream error {code:?} on {id}, got {other:?}"),
    }
}

pub fn sid(n: u32) -> StreamId {
    StreamId::new(n)
}

/// Valid frames of every type, with and without the optional fields.
pub fn sample_frames() -> Vec<Frame> {
    let block = Bytes::from_static(b"\x82\x86\x84\x41\x8a\x08\x9d\x5c\x0b\x81\x70\xdc\x78\x0f\x03");
    let mut settings = Settings::new();
    settings.push(SettingId::HEADER_TABLE_SIZE, 4096);
    settings.push(SettingId::ENABLE_PUSH, 0);
    settings.push(SettingId::MAX_CONCURRENT_STREAMS, 100);
    settings.push(SettingId::INITIAL_WINDOW_SIZE, 1 << 20);
    settings.push(SettingId::MAX_FRAME_SIZE, 1 << 16);
    settings.push(SettingId::MAX_HEADER_LIST_SIZE, 8192);
    settings.push(SettingId::ENABLE_CONNECT_PROTOCOL, 1);
    settings.push(SettingId::NO_RFC7540_PRIORITIES, 1);
    settings.push(SettingId(0x4242), 7);
    let spec = PrioritySpec {
        dependency: sid(3),
        exclusive: true,
        weight: 200,
    };
    vec![
        Frame::Data(Data::new(sid(1), Bytes::from_static(b"hello"), false)),
        Frame::Data(Data {
            stream_id: sid(3),
            data: Bytes::from_static(b"padded body"),
            end_stream: true,
            pad_len: Some(4),
        }),
        Frame::Data(Data::new(sid(5), Bytes::new(), true)),
        Frame::Headers(Headers::new(sid(1), block.clone(), true, true)),
        Frame::Headers(Headers {
            stream_id: sid(7),
            block: block.clone(),
            end_stream: false,
            end_headers: false,
            priority: Some(spec),
            pad_len: Some(3),
        }),
        Frame::Priority(Priority {
            stream_id: sid(5),
            spec,
        }),
        Frame::RstStream(RstStream {
            stream_id: sid(1),
            code: ErrorCode::CANCEL,
        }),
        Frame::RstStream(RstStream {
            stream_id: sid(9),
            code: ErrorCode(0xdead),
        }),
        Frame::Settings(SettingsFrame::new(settings)),
        Frame::Settings(SettingsFrame::new(Settings::new())),
        Frame::Settings(SettingsFrame::ack()),
        Frame::PushPromise(PushPromise {
            stream_id: sid(1),
            promised_id: sid(2),
            block: block.clone(),
            end_headers: true,
            pad_len: None,
        }),
        Frame::PushPromise(PushPromise {
            stream_id: sid(3),
            promised_id: sid(4),
            block: block.clone(),
            end_headers: false,
            pad_len: Some(2),
        }),
        Frame::Ping(Ping {
            ack: false,
            payload: *b"pingpong",
        }),
        Frame::Ping(Ping {
            ack: true,
            payload: [1, 2, 3, 4, 5, 6, 7, 8],
        }),
        Frame::GoAway(GoAway {
            last_stream_id: sid(7),
            code: ErrorCode::NO_ERROR,
            debug_data: Bytes::new(),
        }),
        Frame::GoAway(GoAway {
            last_stream_id: sid(0x7fff_ffff),
            code: ErrorCode::ENHANCE_YOUR_CALM,
            debug_data: Bytes::from_static(b"too many resets"),
        }),
        Frame::WindowUpdate(WindowUpdate {
            stream_id: sid(0),
            increment: 65_535,
        }),
        Frame::WindowUpdate(WindowUpdate {
            stream_id: sid(1),
            increment: 0x7fff_ffff,
        }),
        Frame::Continuation(Continuation {
            stream_id: sid(7),
            block: block.clone(),
            end_headers: true,
        }),
        Frame::AltSvc(AltSvc {
            stream_id: sid(0),
            origin: Bytes::from_static(b"https://example.com"),
            field_value: Bytes::from_static(b"h2=\"alt.example.com:443\""),
        }),
        Frame::AltSvc(AltSvc {
            stream_id: sid(1),
            origin: Bytes::new(),
            field_value: Bytes::from_static(b"h2=\":8443\"; ma=60"),
        }),
        Frame::Origin(Origin {
            origins: vec![
                Bytes::from_static(b"https://example.com"),
                Bytes::from_static(b"https://www.example.com:8443"),
            ],
        }),
        Frame::Origin(Origin::default()),
        Frame::PriorityUpdate(PriorityUpdate {
            prioritized_stream_id: sid(5),
            field_value: Bytes::from_static(b"u=1, i"),
        }),
        Frame::Unknown(Unknown {
            kind: FrameType(0xfa),
            flags: Flags(0xff),
            stream_id: sid(11),
            payload: Bytes::from_static(b"extension"),
        }),
    ]
}
