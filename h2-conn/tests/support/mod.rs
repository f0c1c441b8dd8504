//! Test support: a scripted raw-frame [`Peer`] (like hyperium h2's `tests/h2-support`
//! mock), frame builders ([`frames`]), and a quinn-style [`Pair`] of our own client and
//! server in memory.
//!
//! A scenario test drives one of our [`Connection`]s by hand:
//!
//! ```ignore
//! let mut conn = Connection::new(Config::server());
//! let mut peer = Peer::connect(&mut conn);
//! let events = peer.send(&mut conn, frames::headers(1).get("/").end_stream());
//! assert_eq!(peer.recv_frames(&mut conn), vec![]);
//! ```
//!
//! The peer keeps its own HPACK contexts, so header blocks in both directions stay in sync
//! with the connection's. What the connection writes is parsed back into [`Frame`]s
//! ([`Peer::recv_frames`]) or, with header blocks decoded, into [`Got`]s
//! ([`Peer::recv`]). GOAWAY debug data and the `additional_data` of locally generated
//! [`Event::ConnectionTerminated`] are the connection's human-readable reason; the peer
//! moves them to [`Peer::reasons`] so tests compare codes and ids exactly with `assert_eq!`.
#![allow(dead_code)] // each test binary uses a different part of this module

pub mod driver;
pub mod frames;
pub mod pair;

#[allow(unused_imports)]
pub use frames::{fields, request_fields, sid, IntoFrames};
#[allow(unused_imports)]
pub use pair::Pair;

use h2_conn::frame::{
    Bytes, BytesMut, Frame, FrameDecoder, DEFAULT_MAX_FRAME_SIZE, MAX_MAX_FRAME_SIZE, PREFACE,
};
use h2_conn::hpack::{BlockLimits, Encoder, HeaderBlockDecoder};
use h2_conn::{Connection, Event, HeaderField, HeaderList, Role, StreamId};

/// What the connection wrote, with header blocks reassembled and decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Got {
    /// A complete HEADERS (+ CONTINUATION) block.
    Headers {
        stream_id: StreamId,
        fields: Vec<HeaderField>,
        end_stream: bool,
    },
    /// A complete PUSH_PROMISE (+ CONTINUATION) block.
    PushPromise {
        stream_id: StreamId,
        promised_id: StreamId,
        fields: Vec<HeaderField>,
    },
    /// Any other frame.
    Frame(Frame),
}

impl Got {
    /// A header block with these fields.
    pub fn headers(id: u32, list: &[(&str, &str)], end_stream: bool) -> Got {
        Got::Headers {
            stream_id: sid(id),
            fields: fields(list),
            end_stream,
        }
    }
}

impl From<Frame> for Got {
    fn from(frame: Frame) -> Got {
        Got::Frame(frame)
    }
}

#[derive(Clone, Copy, Debug)]
enum BlockKind {
    Headers { end_stream: bool },
    PushPromise { promised_id: StreamId },
}

/// The other end of a connection under test, scripted frame by frame.
pub struct Peer {
    /// The role the peer plays (the opposite of the connection's).
    pub role: Role,
    encoder: Encoder,
    decoder: FrameDecoder,
    blocks: HeaderBlockDecoder,
    block: Option<(StreamId, BlockKind)>,
    /// The client preface is still expected from the connection (we play a server).
    awaiting_preface: bool,
    /// GOAWAY debug data and local `ConnectionTerminated` reasons, in order.
    pub reasons: Vec<Bytes>,
}

impl Peer {
    /// A peer for `conn` that has exchanged nothing yet.
    pub fn new(conn: &Connection) -> Peer {
        let role = match conn.role() {
            Role::Client => Role::Server,
            Role::Server => Role::Client,
        };
        Peer {
            role,
            encoder: Encoder::new(),
            decoder: FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE),
            blocks: HeaderBlockDecoder::new(BlockLimits::default()),
            block: None,
            awaiting_preface: role == Role::Server,
            reasons: Vec::new(),
        }
    }

    /// Starts `conn` and completes the handshake with empty peer SETTINGS.
    pub fn connect(conn: &mut Connection) -> Peer {
        Peer::connect_with(conn, frames::settings())
    }

    /// Starts `conn` and completes the handshake: both SETTINGS exchanged and acknowledged,
    /// nothing left in the connection's output. Asserts every frame and event on the way.
    pub fn connect_with(conn: &mut Connection, settings: frames::SettingsBuilder) -> Peer {
        let mut peer = Peer::new(conn);
        conn.initiate_connection();
        let ours = Frame::Settings(h2_conn::frame::SettingsFrame::new(
            conn.config().initial_settings.clone(),
        ));
        let mut expected_out = vec![ours];
        if let Some(window) = conn.config().initial_connection_window {
            if window > 65_535 {
                expected_out.push(frames::window_update(0, window - 65_535));
            }
        }
        if peer.role == Role::Client {
            peer.send_raw(conn, PREFACE);
        } else {
            assert_eq!(peer.recv_frames(conn), expected_out, "connection preface");
        }
        let events = peer.send(conn, settings.frame());
        assert!(
            matches!(&events[..], [Event::RemoteSettingsChanged { .. }]),
            "{events:?}"
        );
        if peer.role == Role::Client {
            expected_out.push(frames::settings_ack());
            assert_eq!(peer.recv_frames(conn), expected_out, "server preface");
        } else {
            assert_eq!(peer.recv_frames(conn), vec![frames::settings_ack()]);
        }
        let events = peer.send(conn, frames::settings_ack());
        assert!(
            matches!(&events[..], [Event::SettingsAcknowledged { .. }]),
            "{events:?}"
        );
        assert_eq!(conn.pending_output_len(), 0);
        peer
    }

    /// Lets the peer accept frames up to `size` from the connection (after it sent
    /// SETTINGS_MAX_FRAME_SIZE).
    pub fn accept_frame_size(&mut self, size: u32) {
        self.decoder.set_max_frame_size(size);
    }

    /// Encodes frames (and header blocks, with the peer's HPACK context) to wire bytes
    /// without sending them.
    pub fn encode(&mut self, frames: impl IntoFrames) -> Bytes {
        let mut wire = BytesMut::new();
        for frame in frames.into_frames(&mut self.encoder) {
            frame
                .encode(&mut wire, MAX_MAX_FRAME_SIZE)
                .expect("test frames encode");
        }
        wire.freeze()
    }

    /// Sends frames to the connection; returns its events (see [`tidy`]).
    pub fn send(&mut self, conn: &mut Connection, frames: impl IntoFrames) -> Vec<Event> {
        let wire = self.encode(frames);
        self.send_raw(conn, &wire)
    }

    /// Sends raw octets (a preface, a truncated frame); returns the events.
    pub fn send_raw(&mut self, conn: &mut Connection, bytes: &[u8]) -> Vec<Event> {
        let events = conn.receive_data(bytes).expect("connection accepts input");
        self.tidy(events)
    }

    /// Moves the reason of a locally generated `ConnectionTerminated` to `reasons`.
    pub fn tidy(&mut self, events: Vec<Event>) -> Vec<Event> {
        events
            .into_iter()
            .map(|event| match event {
                Event::ConnectionTerminated {
                    error_code,
                    last_stream_id,
                    additional_data,
                    remote: false,
                } => {
                    self.reasons.push(additional_data);
                    Event::ConnectionTerminated {
                        error_code,
                        last_stream_id,
                        additional_data: Bytes::new(),
                        remote: false,
                    }
                }
                other => other,
            })
            .collect()
    }

    /// Takes everything the connection wrote, as frames (header blocks still encoded;
    /// GOAWAY debug data moved to `reasons`).
    pub fn recv_frames(&mut self, conn: &mut Connection) -> Vec<Frame> {
        self.pull(conn)
            .into_iter()
            .map(|(frame, _)| frame)
            .collect()
    }

    /// Takes everything the connection wrote, header blocks decoded.
    pub fn recv(&mut self, conn: &mut Connection) -> Vec<Got> {
        let mut out = Vec::new();
        for (frame, block) in self.pull(conn) {
            match (frame, block) {
                (_, Some(got)) => out.push(got),
                (Frame::Headers(_) | Frame::PushPromise(_) | Frame::Continuation(_), None) => {}
                (frame, None) => out.push(Got::Frame(frame)),
            }
        }
        out
    }

    /// Decodes the connection's output frame by frame; a frame that completes a header
    /// block comes with the decoded block.
    fn pull(&mut self, conn: &mut Connection) -> Vec<(Frame, Option<Got>)> {
        let mut wire = conn.data_to_send();
        if self.awaiting_preface && !wire.is_empty() {
            assert!(
                wire.len() >= PREFACE.len(),
                "client preface cut short: {wire:?}"
            );
            assert_eq!(&wire.split_to(PREFACE.len())[..], &PREFACE[..]);
            self.awaiting_preface = false;
        }
        self.decoder.push_bytes(wire);
        let mut out = Vec::new();
        while let Some(frame) = self
            .decoder
            .next_frame()
            .expect("the connection writes valid frames")
        {
            let got = self.on_frame(&frame);
            let frame = match frame {
                Frame::GoAway(mut g) => {
                    self.reasons.push(std::mem::take(&mut g.debug_data));
                    Frame::GoAway(g)
                }
                other => other,
            };
            out.push((frame, got));
        }
        assert_eq!(
            self.decoder.buffered_len(),
            0,
            "a partial frame was written"
        );
        out
    }

    fn on_frame(&mut self, frame: &Frame) -> Option<Got> {
        let (stream_id, kind, block, end_headers) = match frame {
            Frame::Headers(h) => (
                h.stream_id,
                BlockKind::Headers {
                    end_stream: h.end_stream,
                },
                h.block.clone(),
                h.end_headers,
            ),
            Frame::PushPromise(p) => (
                p.stream_id,
                BlockKind::PushPromise {
                    promised_id: p.promised_id,
                },
                p.block.clone(),
                p.end_headers,
            ),
            Frame::Continuation(c) => {
                let (stream_id, kind) = self.block.expect("CONTINUATION follows a block");
                assert_eq!(stream_id, c.stream_id, "CONTINUATION on another stream");
                let list = self
                    .blocks
                    .continue_block(c.block.clone(), c.end_headers)
                    .expect("our connection encodes valid blocks")?;
                self.block = None;
                return Some(block_got(stream_id, kind, list));
            }
            _ => {
                assert!(self.block.is_none(), "frame interleaved in a header block");
                return None;
            }
        };
        assert!(self.block.is_none(), "header block interleaved");
        match self
            .blocks
            .begin(stream_id, block, end_headers)
            .expect("our connection encodes valid blocks")
        {
            Some(list) => Some(block_got(stream_id, kind, list)),
            None => {
                self.block = Some((stream_id, kind));
                None
            }
        }
    }
}

fn block_got(stream_id: StreamId, kind: BlockKind, list: HeaderList) -> Got {
    let fields = list.to_vec();
    match kind {
        BlockKind::Headers { end_stream } => Got::Headers {
            stream_id,
            fields,
            end_stream,
        },
        BlockKind::PushPromise { promised_id } => Got::PushPromise {
            stream_id,
            promised_id,
            fields,
        },
    }
}

/// `Event::ConnectionTerminated` as the peer sees it after [`Peer::tidy`].
pub fn terminated(code: h2_conn::ErrorCode, last: u32) -> Event {
    Event::ConnectionTerminated {
        error_code: code,
        last_stream_id: sid(last),
        additional_data: Bytes::new(),
        remote: false,
    }
}

/// `Event::StreamReset` sent by us (`remote_reset: false`).
pub fn reset_by_us(id: u32, code: h2_conn::ErrorCode) -> Event {
    Event::StreamReset {
        stream_id: sid(id),
        error_code: code,
        remote_reset: false,
    }
}

/// The stream error of RFC 9113 5.4.2, exactly: `events` is our `StreamReset` of `id`
/// alone, and the only frame the connection wrote since is RST_STREAM `id` with `code`.
#[track_caller]
pub fn assert_reset_by_us(
    events: &[Event],
    conn: &mut Connection,
    peer: &mut Peer,
    id: u32,
    code: h2_conn::ErrorCode,
) {
    assert_eq!(events, [reset_by_us(id, code)]);
    assert_eq!(peer.recv_frames(conn), vec![frames::rst(id, code)]);
}

/// A request event as our server reports it, for `frames::headers(id).request(..)`.
pub fn request_received(id: u32, method: &str, path: &str, end_stream: bool) -> Event {
    Event::RequestReceived {
        stream_id: sid(id),
        headers: request_fields(method, path).into(),
        end_stream,
        priority: None,
    }
}

/// `Event::DataReceived` without padding.
pub fn data_received(id: u32, data: &'static str, end_stream: bool) -> Event {
    Event::DataReceived {
        stream_id: sid(id),
        data: Bytes::from_static(data.as_bytes()),
        flow_controlled_length: data.len() as u32,
        end_stream,
    }
}

/// `Event::StreamEnded`.
pub fn ended(id: u32) -> Event {
    Event::StreamEnded { stream_id: sid(id) }
}

/// `config` with RFC 9113's 65,535-octet receive windows instead of our larger defaults
/// (`Config::set_receive_windows`), as the conversation tests are written against them:
/// no SETTINGS_INITIAL_WINDOW_SIZE, no connection WINDOW_UPDATE after the preface.
pub fn rfc_windows(mut config: h2_conn::Config) -> h2_conn::Config {
    config
        .initial_settings
        .remove(h2_conn::SettingId::INITIAL_WINDOW_SIZE);
    config.initial_connection_window = None;
    config
}

/// Our server with default configuration but RFC 9113 windows ([`rfc_windows`]),
/// handshake done.
pub fn server() -> (Connection, Peer) {
    server_with(rfc_windows(h2_conn::Config::server()))
}

/// Our server with `config`, handshake done.
pub fn server_with(config: h2_conn::Config) -> (Connection, Peer) {
    let mut conn = Connection::new(config);
    let peer = Peer::connect(&mut conn);
    (conn, peer)
}

/// Our client with default configuration but RFC 9113 windows ([`rfc_windows`]),
/// handshake done.
pub fn client() -> (Connection, Peer) {
    client_with(rfc_windows(h2_conn::Config::client()))
}

/// Our client with `config`, handshake done.
pub fn client_with(config: h2_conn::Config) -> (Connection, Peer) {
    let mut conn = Connection::new(config);
    let peer = Peer::connect(&mut conn);
    (conn, peer)
}
