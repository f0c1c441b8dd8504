//! The frames a connection handles where they lie in its input (plain HEADERS and DATA
//! lying whole in one input) against the frame parser: the same octets fed whole, one
//! octet per `Bytes` input (every frame then goes through `next_frame` and `on_frame`),
//! one octet per slice input (kept in the input buffer until a frame is whole), and as
//! chunks of one `receive_vectored` call (one octet each, and cut after each frame header
//! as a vectored writer sends them) must give the same events, frames and GOAWAY reasons,
//! errors and interleavings included.
mod support;

use bytes::Bytes;
use h2_conn::frame::SettingId;
use h2_conn::{Config, Connection, Event};
use support::frames;
use support::{rfc_windows, Peer};

/// A frame from its parts, as octets (any flags, any stream id, any length field).
fn raw(len: usize, kind: u8, flags: u8, id: u32, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![(len >> 16) as u8, (len >> 8) as u8, len as u8, kind, flags];
    v.extend_from_slice(&id.to_be_bytes());
    v.extend_from_slice(payload);
    v
}

/// The inputs of a scenario, one `Vec` per `receive_data` call (encoded by the peer).
type Script = fn(&mut Peer) -> Vec<Vec<u8>>;

/// How a scenario's inputs are fed.
#[derive(Clone, Copy, Debug)]
enum Feed {
    /// Each input in one `receive_data` call.
    Whole,
    /// One `receive_data` call per octet, as a slice.
    Bytewise,
    /// One `receive_data` call per octet, as a `Bytes` (the decoder joins each frame).
    BytewiseShared,
    /// Each input in one `receive_vectored` call, one chunk per octet.
    VectoredBytewise,
    /// Each input in one `receive_vectored` call, cut after the first 9 octets of each
    /// frame as the length fields say (a frame header alone, then its payload).
    VectoredHeaders,
}

/// `wire` cut after each frame header, as the length fields say (the rest as it comes
/// when a length runs past the end).
fn header_cuts(wire: &[u8]) -> Vec<Bytes> {
    let (mut chunks, mut at) = (Vec::new(), 0);
    while at < wire.len() {
        let head_end = (at + 9).min(wire.len());
        chunks.push(Bytes::copy_from_slice(&wire[at..head_end]));
        let h = &wire[at..head_end];
        let len = if h.len() == 9 {
            (usize::from(h[0]) << 16) | (usize::from(h[1]) << 8) | usize::from(h[2])
        } else {
            0
        };
        let end = (head_end + len).min(wire.len());
        if end > head_end {
            chunks.push(Bytes::copy_from_slice(&wire[head_end..end]));
        }
        at = end;
    }
    chunks
}

/// Runs `script` against a fresh connection made with `cfg`, fed each [`Feed`] way.
fn run(cfg: fn() -> Config, script: Script, name: &str) {
    let mut out = Vec::new();
    let feeds = [
        Feed::Whole,
        Feed::Bytewise,
        Feed::BytewiseShared,
        Feed::VectoredBytewise,
        Feed::VectoredHeaders,
    ];
    for feed in feeds {
        let mut conn = Connection::new(cfg());
        let mut peer = Peer::connect(&mut conn);
        let steps = script(&mut peer);
        let mut all = Vec::new();
        for wire in steps {
            let mut events: Vec<Event> = Vec::new();
            if conn.is_closed() {
                // Nothing more is read.
            } else if let Feed::Bytewise | Feed::BytewiseShared = feed {
                for b in &wire {
                    if conn.is_closed() {
                        break;
                    }
                    let got = if let Feed::Bytewise = feed {
                        conn.receive_data(std::slice::from_ref(b))
                    } else {
                        conn.receive_data(Bytes::copy_from_slice(&[*b]))
                    };
                    events.extend(got.unwrap());
                }
            } else if let Feed::Whole = feed {
                events = conn.receive_data(&wire).unwrap();
            } else {
                let chunks = match feed {
                    Feed::VectoredHeaders => header_cuts(&wire),
                    _ => wire.iter().map(|b| Bytes::copy_from_slice(&[*b])).collect(),
                };
                conn.receive_vectored(chunks, &mut events).unwrap();
            }
            let events = peer.tidy(events);
            let frames = peer.recv_frames(&mut conn);
            all.push((
                events,
                frames,
                peer.reasons.clone(),
                conn.memory_usage() > 0,
            ));
        }
        out.push((feed, all));
    }
    for (feed, all) in &out[1..] {
        assert_eq!(
            &out[0].1, all,
            "scenario {name}: {feed:?} against whole inputs"
        );
    }
}

fn server_cfg() -> Config {
    rfc_windows(Config::server())
}
fn client_cfg() -> Config {
    rfc_windows(Config::client())
}
fn small_list_cfg() -> Config {
    let mut c = rfc_windows(Config::server());
    c.initial_settings.set(SettingId::MAX_HEADER_LIST_SIZE, 100);
    c
}

#[test]
fn whole_and_bytewise_inputs_agree_for_headers() {
    run(server_cfg, |_| vec![raw(1, 1, 4, 0, b"\x82")], "stream 0");
    run(
        server_cfg,
        |_| vec![raw(16385, 1, 5, 1, &vec![0x82; 16385])],
        "too large",
    );
    run(
        server_cfg,
        |_| vec![raw(1, 1, 0, 1, b"\x82"), raw(1, 1, 4, 3, b"\x82")],
        "interleaved",
    );
    run(
        server_cfg,
        |_| vec![raw(1, 1, 0, 1, b"\x82"), raw(1, 1, 4, 1, b"\x82")],
        "interleaved same",
    );
    run(
        server_cfg,
        |_| vec![raw(4, 1, 5, 1, b"\xff\xff\xff\xff")],
        "hpack error",
    );
    run(
        server_cfg,
        |p| vec![p.encode(frames::headers(2).get("/").end_stream()).to_vec()],
        "even id",
    );
    run(
        server_cfg,
        |p| {
            vec![p.encode(vec![]).to_vec(), {
                let mut w = p.encode(frames::headers(1).get("/")).to_vec();
                w.extend_from_slice(&p.encode(frames::headers(1).field("x-t", "1")));
                w
            }]
        },
        "trailers without ES",
    );
    run(
        server_cfg,
        |p| {
            let mut w = p.encode(frames::headers(1).get("/").end_stream()).to_vec();
            w.extend_from_slice(&p.encode(frames::rst(1, h2_conn::ErrorCode::CANCEL)));
            w.extend_from_slice(&p.encode(frames::headers(1).get("/").end_stream()));
            vec![w]
        },
        "closed stream",
    );
    run(
        server_cfg,
        |p| {
            let mut w = p.encode(frames::headers(5).get("/").end_stream()).to_vec();
            w.extend_from_slice(&p.encode(frames::headers(3).get("/").end_stream()));
            vec![w]
        },
        "lower id",
    );
    run(
        server_cfg,
        |p| {
            let mut w = raw(1, 1, !0x28, 1, b"\x82");
            w.extend_from_slice(&p.encode(vec![]));
            vec![w, raw(2, 1, 0xc5, 0x8000_0003, b"\x82\x84")]
        },
        "odd flags and reserved bit",
    );
    run(
        small_list_cfg,
        |p| {
            vec![
                p.encode(
                    frames::headers(1)
                        .get("/")
                        .field("x-big", &"v".repeat(200))
                        .end_stream(),
                )
                .to_vec(),
                p.encode(frames::headers(3).get("/").end_stream()).to_vec(),
            ]
        },
        "list too large",
    );
    run(
        server_cfg,
        |p| {
            let mut w = Vec::new();
            for i in 0..40u32 {
                w.extend_from_slice(
                    &p.encode(
                        frames::headers(2 * i + 1)
                            .get("/")
                            .field("x-a", "b")
                            .end_stream(),
                    ),
                );
            }
            vec![w]
        },
        "many",
    );
    run(
        server_cfg,
        |p| {
            let mut w = Vec::new();
            for i in 0..300u32 {
                w.extend_from_slice(
                    &p.encode(frames::headers(2 * i + 1).get("/").field("x-a", "b")),
                );
            }
            vec![w]
        },
        "concurrency",
    );
    run(
        server_cfg,
        |p| {
            vec![p
                .encode(frames::headers(1).get("/").field("X-Up", "1").end_stream())
                .to_vec()]
        },
        "malformed",
    );
    run(
        server_cfg,
        |p| {
            let mut w = p
                .encode(frames::headers(1).get("/").continuations(3))
                .to_vec();
            w.extend_from_slice(&p.encode(frames::headers(3).get("/").end_stream()));
            vec![w]
        },
        "continuations then plain",
    );
    run(
        client_cfg,
        |p| {
            let mut w = p
                .encode(frames::goaway(0, h2_conn::ErrorCode::NO_ERROR))
                .to_vec();
            w.extend_from_slice(&p.encode(frames::headers(2).response(200)));
            vec![w]
        },
        "client goaway then headers",
    );
    run(
        server_cfg,
        |p| {
            let mut w = p
                .encode(frames::settings().max_frame_size(20000).frame())
                .to_vec();
            w.extend_from_slice(&raw(0, 1, 5, 1, b""));
            vec![w]
        },
        "empty block",
    );
}

#[test]
fn whole_and_bytewise_inputs_agree_for_data() {
    run(
        server_cfg,
        |p| {
            let mut w = p.encode(frames::headers(1).request("POST", "/")).to_vec();
            w.extend_from_slice(&p.encode(frames::data(1, "abc")));
            w.extend_from_slice(&p.encode(frames::data(1, "")));
            w.extend_from_slice(&p.encode(frames::data(1, "de").padded(3)));
            w.extend_from_slice(&raw(2, 0, 0, 0, b"xy"));
            vec![w]
        },
        "data stream 0",
    );
    run(
        server_cfg,
        |p| {
            let mut w = p
                .encode(
                    frames::headers(1)
                        .request("POST", "/")
                        .field("content-length", "3"),
                )
                .to_vec();
            w.extend_from_slice(&p.encode(frames::data(1, "abcd").end_stream()));
            w.extend_from_slice(&p.encode(frames::data(3, "x")));
            vec![w]
        },
        "data content-length and idle",
    );
    run(
        server_cfg,
        |p| {
            let mut w = p.encode(frames::headers(1).request("POST", "/")).to_vec();
            for _ in 0..5 {
                w.extend_from_slice(&p.encode(frames::data(1, vec![0u8; 16384])));
            }
            vec![w]
        },
        "data flow control",
    );
    run(
        server_cfg,
        |p| {
            let mut w = p.encode(frames::headers(1).request("POST", "/")).to_vec();
            for _ in 0..3000 {
                w.extend_from_slice(&p.encode(frames::data(1, "")));
            }
            vec![w]
        },
        "empty data flood",
    );
}
