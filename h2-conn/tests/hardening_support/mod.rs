//! Helpers for `tests/hardening.rs`: a peer that speaks raw frames (so it can misbehave in
//! ways our own `Connection` never would), a reader that turns what a `Connection` wrote
//! back into frames and header lists, and a per-thread counting allocator meter.

#![allow(dead_code)]

use bytes::{Bytes, BytesMut};
use h2_conn::frame::{
    Continuation, Data, ErrorCode, Frame, FrameDecoder, FrameType, GoAway, Headers, Ping, Priority,
    PrioritySpec, RstStream, SettingId, Settings, SettingsFrame, StreamId, Unknown, WindowUpdate,
    MAX_MAX_FRAME_SIZE, PREFACE,
};
use h2_conn::hpack::{BlockLimits, HeaderBlockDecoder, HeaderBlockEncoder};
use h2_conn::{Config, Connection, Event, HeaderField, HeaderList, Limits, Role};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

// ------------------------------------------------------------------ counting allocator

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn account(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| {
            if now > peak.get() {
                peak.set(now)
            }
        });
    });
}

/// Counts live heap bytes per thread (tests run on parallel threads; each one measures
/// only its own allocations). Install it with `#[global_allocator]` in the test binary.
pub struct CountingAlloc;

// SAFETY: every call is forwarded unchanged to `System`; the bookkeeping touches only
// const-initialized thread-locals without destructors, which never allocate.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            account(layout.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            account(layout.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        account(-(layout.size() as isize));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            account(new_size as isize - layout.size() as isize);
        }
        p
    }
}

/// Heap bytes this thread allocated since `start` and still holds, and the peak.
pub struct Meter {
    start: isize,
}

impl Meter {
    pub fn start() -> Meter {
        let start = LIVE.with(Cell::get);
        PEAK.with(|p| p.set(start));
        Meter { start }
    }
    /// Bytes allocated since `start` and not freed.
    pub fn live(&self) -> isize {
        LIVE.with(Cell::get) - self.start
    }
    /// The highest `live` reached since `start`.
    pub fn peak(&self) -> isize {
        PEAK.with(Cell::get) - self.start
    }
}

// ------------------------------------------------------------------ frames

pub fn sid(n: u32) -> StreamId {
    StreamId::new(n)
}

/// One frame on the wire.
pub fn wire(frame: Frame) -> Bytes {
    let mut buf = BytesMut::new();
    frame
        .encode(&mut buf, MAX_MAX_FRAME_SIZE)
        .expect("test frame encodes");
    buf.freeze()
}

pub fn ping(n: u64) -> Bytes {
    wire(Frame::Ping(Ping {
        ack: false,
        payload: n.to_be_bytes(),
    }))
}

pub fn settings(list: &[(SettingId, u32)]) -> Bytes {
    let mut s = Settings::new();
    for &(id, v) in list {
        s.set(id, v);
    }
    wire(Frame::Settings(SettingsFrame::new(s)))
}

pub fn settings_ack() -> Bytes {
    wire(Frame::Settings(SettingsFrame::ack()))
}

pub fn rst(id: u32, code: ErrorCode) -> Bytes {
    wire(Frame::RstStream(RstStream {
        stream_id: sid(id),
        code,
    }))
}

pub fn window_update(id: u32, increment: u32) -> Bytes {
    wire(Frame::WindowUpdate(WindowUpdate {
        stream_id: sid(id),
        increment,
    }))
}

pub fn data(id: u32, payload: &[u8], end_stream: bool) -> Bytes {
    wire(Frame::Data(Data::new(
        sid(id),
        Bytes::copy_from_slice(payload),
        end_stream,
    )))
}

pub fn priority(id: u32, dependency: u32) -> Bytes {
    wire(Frame::Priority(Priority {
        stream_id: sid(id),
        spec: PrioritySpec {
            dependency: sid(dependency),
            exclusive: false,
            weight: 15,
        },
    }))
}

/// A frame of an unassigned type: ignored by the receiver (RFC 9113 5.5), but it is a
/// received frame, so it fills flood-accounting windows.
pub fn unknown_frame() -> Bytes {
    wire(Frame::Unknown(Unknown {
        kind: FrameType(0xfa),
        flags: h2_conn::frame::Flags(0),
        stream_id: StreamId::ZERO,
        payload: Bytes::new(),
    }))
}

/// HEADERS carrying a raw (hand-made) HPACK fragment.
pub fn raw_headers(id: u32, block: &[u8], end_stream: bool, end_headers: bool) -> Bytes {
    wire(Frame::Headers(Headers::new(
        sid(id),
        Bytes::copy_from_slice(block),
        end_stream,
        end_headers,
    )))
}

pub fn continuation(id: u32, block: &[u8], end_headers: bool) -> Bytes {
    wire(Frame::Continuation(Continuation {
        stream_id: sid(id),
        block: Bytes::copy_from_slice(block),
        end_headers,
    }))
}

/// A GET request's header block using only the static table (RFC 7541 Appendix A):
/// `:method GET` (2), `:scheme http` (6), `:path /` (4), and `:authority` (name 1) as a
/// literal without indexing. It leaves the receiver's dynamic table unchanged, so it can
/// be mixed with hand-made blocks without desynchronizing anything.
pub const STATIC_GET: &[u8] = b"\x82\x86\x84\x01\x0bexample.com";

pub fn get_request(path: &str) -> Vec<HeaderField> {
    vec![
        HeaderField::new(":method", "GET"),
        HeaderField::new(":scheme", "http"),
        HeaderField::new(":authority", "example.com"),
        HeaderField::new(":path", path.to_owned()),
    ]
}

// ------------------------------------------------------------------ reading output

/// What a `Connection` wrote, one item per frame (header blocks reassembled and decoded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rx {
    Headers {
        stream_id: u32,
        fields: Vec<HeaderField>,
        end_stream: bool,
    },
    PushPromise {
        stream_id: u32,
        promised: u32,
    },
    Data {
        stream_id: u32,
        data: Bytes,
        end_stream: bool,
    },
    Rst {
        stream_id: u32,
        code: ErrorCode,
    },
    GoAway {
        last_stream_id: u32,
        code: ErrorCode,
    },
    Settings {
        ack: bool,
    },
    Ping {
        ack: bool,
    },
    WindowUpdate {
        stream_id: u32,
        increment: u32,
    },
    Other(FrameType),
}

/// The misbehaving peer: raw frames out, decoded frames in.
pub struct Peer {
    pub encoder: HeaderBlockEncoder,
    decoder: HeaderBlockDecoder,
    frames: FrameDecoder,
    block: Option<(u32, bool)>,
    preface_pending: bool,
}

impl Peer {
    /// `role` is the role of the `Connection` this peer talks to.
    pub fn new(role: Role) -> Peer {
        let limits = BlockLimits {
            max_header_list_size: u32::MAX,
            max_block_bytes: usize::MAX,
            max_continuation_frames: usize::MAX,
            ..BlockLimits::default()
        };
        Peer {
            encoder: HeaderBlockEncoder::new(),
            decoder: HeaderBlockDecoder::new(limits),
            frames: FrameDecoder::new(MAX_MAX_FRAME_SIZE),
            block: None,
            preface_pending: role == Role::Client,
        }
    }

    /// A request (or response) header block encoded with the peer's own HPACK encoder.
    pub fn headers(&mut self, id: u32, fields: &[HeaderField], end_stream: bool) -> Bytes {
        let mut buf = BytesMut::new();
        self.encoder
            .encode_headers(sid(id), fields, end_stream, 16_384, &mut buf);
        buf.freeze()
    }

    /// Parses everything `conn` wrote so far.
    pub fn read(&mut self, conn: &mut Connection) -> Vec<Rx> {
        let mut bytes = conn.data_to_send();
        if self.preface_pending && bytes.len() >= PREFACE.len() {
            assert_eq!(&bytes[..PREFACE.len()], PREFACE);
            let _ = bytes.split_to(PREFACE.len());
            self.preface_pending = false;
        }
        self.frames.push_bytes(bytes);
        let mut out = Vec::new();
        while let Some(frame) = self.frames.next_frame().expect("our output parses") {
            let rx = match frame {
                Frame::Headers(h) => {
                    let list = self
                        .decoder
                        .begin(h.stream_id, h.block, h.end_headers)
                        .expect("our header blocks decode");
                    self.block = Some((h.stream_id.value(), h.end_stream));
                    match list {
                        Some(fields) => self.finish_block(fields),
                        None => continue,
                    }
                }
                Frame::Continuation(c) => {
                    match self.decoder.continuation(c).expect("our blocks decode") {
                        Some(fields) => self.finish_block(fields),
                        None => continue,
                    }
                }
                Frame::PushPromise(p) => {
                    let list = self
                        .decoder
                        .begin(p.stream_id, p.block, p.end_headers)
                        .expect("our blocks decode");
                    assert!(list.is_some(), "test push promises fit one frame");
                    Rx::PushPromise {
                        stream_id: p.stream_id.value(),
                        promised: p.promised_id.value(),
                    }
                }
                Frame::Data(d) => Rx::Data {
                    stream_id: d.stream_id.value(),
                    data: d.data,
                    end_stream: d.end_stream,
                },
                Frame::RstStream(r) => Rx::Rst {
                    stream_id: r.stream_id.value(),
                    code: r.code,
                },
                Frame::GoAway(GoAway {
                    last_stream_id,
                    code,
                    ..
                }) => Rx::GoAway {
                    last_stream_id: last_stream_id.value(),
                    code,
                },
                Frame::Settings(s) => Rx::Settings { ack: s.ack },
                Frame::Ping(p) => Rx::Ping { ack: p.ack },
                Frame::WindowUpdate(w) => Rx::WindowUpdate {
                    stream_id: w.stream_id.value(),
                    increment: w.increment,
                },
                other => Rx::Other(other.kind()),
            };
            out.push(rx);
        }
        out
    }

    fn finish_block(&mut self, list: HeaderList) -> Rx {
        let fields = list.to_vec();
        let (stream_id, end_stream) = self.block.take().expect("block started");
        Rx::Headers {
            stream_id,
            fields,
            end_stream,
        }
    }
}

// ------------------------------------------------------------------ set-ups

/// `config` with RFC 9113's 65,535-octet receive windows instead of our larger defaults:
/// the attacks here are measured against the protocol's initial windows.
pub fn rfc_windows(mut config: Config) -> Config {
    config
        .initial_settings
        .remove(SettingId::INITIAL_WINDOW_SIZE);
    config.initial_connection_window = None;
    config
}

pub fn server_config(limits: Limits) -> Config {
    let mut config = Config::server();
    config.limits = limits;
    config
}

/// A server past the handshake: the peer sent the preface, an empty SETTINGS and the ACK
/// of ours, so our settings (MAX_CONCURRENT_STREAMS 128, MAX_HEADER_LIST_SIZE 64 KiB) are
/// in force.
pub fn server_with(config: Config) -> (Connection, Peer) {
    let mut conn = Connection::new(rfc_windows(config));
    conn.initiate_connection();
    let mut peer = Peer::new(Role::Server);
    let mut hello = BytesMut::from(&PREFACE[..]);
    hello.extend_from_slice(&settings(&[]));
    hello.extend_from_slice(&settings_ack());
    let events = conn.receive_bytes(hello.freeze()).unwrap();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::SettingsAcknowledged { .. })),
        "{events:?}"
    );
    let rx = peer.read(&mut conn);
    assert_eq!(
        rx,
        [Rx::Settings { ack: false }, Rx::Settings { ack: true }]
    );
    (conn, peer)
}

pub fn server() -> (Connection, Peer) {
    server_with(Config::server())
}

/// A client past the handshake (the peer, a server, sent SETTINGS and the ACK).
pub fn client_with(config: Config) -> (Connection, Peer) {
    let mut conn = Connection::new(rfc_windows(config));
    conn.initiate_connection();
    let mut peer = Peer::new(Role::Client);
    let mut hello = BytesMut::new();
    hello.extend_from_slice(&settings(&[(SettingId::ENABLE_PUSH, 0)]));
    hello.extend_from_slice(&settings_ack());
    conn.receive_bytes(hello.freeze()).unwrap();
    let rx = peer.read(&mut conn);
    assert_eq!(
        rx,
        [Rx::Settings { ack: false }, Rx::Settings { ack: true }]
    );
    (conn, peer)
}

pub fn client() -> (Connection, Peer) {
    client_with(Config::client())
}

/// The server application: answers a request with 200 and a small body.
pub fn respond(conn: &mut Connection, id: StreamId) {
    conn.send_headers(id, &[HeaderField::new(":status", "200")], false)
        .unwrap();
    conn.send_data(id, Bytes::from_static(b"legit body"), true)
        .unwrap();
}

/// A well-behaved application on top of `conn`: answers every complete request and
/// returns the window of every DATA frame. Returns the events it saw.
pub fn serve(conn: &mut Connection, input: Bytes) -> Vec<Event> {
    let events = conn.receive_bytes(input).unwrap_or_default();
    for e in &events {
        match e {
            Event::RequestReceived {
                stream_id,
                end_stream: true,
                ..
            } => {
                // The stream may already be reset by a later frame of the same input.
                let status = [HeaderField::new(":status", "200")];
                if conn.send_headers(*stream_id, &status, false).is_ok() {
                    let _ = conn.send_data(*stream_id, Bytes::from_static(b"legit body"), true);
                }
            }
            Event::DataReceived {
                stream_id,
                flow_controlled_length,
                ..
            } => {
                let _ = conn.acknowledge_received_data(*flow_controlled_length, *stream_id);
            }
            _ => {}
        }
    }
    events
}

/// True when `rx` holds a whole response for `id` (HEADERS 200 then DATA with END_STREAM)
/// before any GOAWAY.
pub fn completed_before_goaway(rx: &[Rx], id: u32) -> bool {
    let mut headers = false;
    for item in rx {
        match item {
            Rx::Headers {
                stream_id, fields, ..
            } if *stream_id == id => {
                headers = fields[0] == HeaderField::new(":status", "200");
            }
            Rx::Data {
                stream_id,
                end_stream: true,
                data,
            } if *stream_id == id => return headers && data == "legit body",
            Rx::GoAway { .. } => return false,
            Rx::Rst { stream_id, .. } if *stream_id == id => return false,
            _ => {}
        }
    }
    false
}

/// The GOAWAY in `rx`, if any.
pub fn goaway(rx: &[Rx]) -> Option<(u32, ErrorCode)> {
    rx.iter().find_map(|r| match r {
        Rx::GoAway {
            last_stream_id,
            code,
        } => Some((*last_stream_id, *code)),
        _ => None,
    })
}

/// Every RST_STREAM in `rx`.
pub fn resets(rx: &[Rx]) -> Vec<(u32, ErrorCode)> {
    rx.iter()
        .filter_map(|r| match r {
            Rx::Rst { stream_id, code } => Some((*stream_id, *code)),
            _ => None,
        })
        .collect()
}

/// The `ConnectionTerminated` we raised ourselves, if any.
pub fn local_termination(events: &[Event]) -> Option<ErrorCode> {
    events.iter().find_map(|e| match e {
        Event::ConnectionTerminated {
            error_code,
            remote: false,
            ..
        } => Some(*error_code),
        _ => None,
    })
}
