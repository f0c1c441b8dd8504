//! Hardening (issue 7): every known HTTP/2 attack performed against a `Connection`.
//!
//! Each attack test asserts the frames we answer with (GOAWAY ENHANCE_YOUR_CALM, or the
//! code the RFC names; RST_STREAM codes), that the heap this thread holds while the attack
//! runs stays under a stated bound (a counting global allocator, per thread, so parallel
//! tests do not mix), and that a legitimate stream opened before the attack completed.
//! Each limit of `Limits` also has a test showing that the default leaves legitimate
//! traffic alone. The bounds stated here are repeated in SECURITY.md.

mod hardening_support;

use bytes::{Bytes, BytesMut};
use h2_conn::frame::{ErrorCode, SettingId, StreamId};
use h2_conn::{Config, Connection, Event, HeaderField, Limits, UserError};
use hardening_support::*;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

const KIB: isize = 1024;

/// Feeds bytes; a closed connection yields no events.
fn feed(conn: &mut Connection, bytes: Bytes) -> Vec<Event> {
    conn.receive_bytes(bytes).unwrap_or_default()
}

/// Feeds `frame(n)` for n = 0, 1, ... until the connection closes, at most `limit` times;
/// returns how many were fed.
fn feed_until_closed(conn: &mut Connection, limit: u64, frame: impl Fn(u64) -> Bytes) -> u64 {
    let mut n = 0;
    while !conn.is_closed() && n < limit {
        drop(feed(conn, frame(n)));
        n += 1;
    }
    n
}

/// 3,000 GETs, each served; every `every`-th also carries `extra(stream id, request
/// number)`. The defaults must leave such a peer alone: no GOAWAY at any point.
fn requests_with_extra_frames(
    conn: &mut Connection,
    peer: &mut Peer,
    every: u32,
    extra: impl Fn(u32, u32) -> Bytes,
) {
    for n in 0..3000u32 {
        let id = 2 * n + 1;
        let mut wire = BytesMut::from(&peer.headers(id, &get_request("/"), true)[..]);
        if n % every == 0 {
            wire.extend_from_slice(&extra(id, n));
        }
        serve(conn, wire.freeze());
        assert_eq!(goaway(&peer.read(conn)), None, "request {n}");
    }
}

/// Opens stream `id` with a GET and lets the application answer it: the legitimate
/// stream that must complete before any attack.
fn legit_stream(conn: &mut Connection, peer: &mut Peer, id: u32) -> Vec<Rx> {
    let request = peer.headers(id, &get_request("/legit"), true);
    let events = serve(conn, request);
    assert!(
        events.iter().any(
            |e| matches!(e, Event::RequestReceived { stream_id, .. } if stream_id.value() == id)
        ),
        "{events:?}"
    );
    peer.read(conn)
}

fn assert_goaway(rx: &[Rx], code: ErrorCode) -> u32 {
    match goaway(rx) {
        Some((last, c)) => {
            assert_eq!(c, code, "GOAWAY code");
            last
        }
        None => panic!(
            "no GOAWAY {code:?} in {:?}",
            &rx[rx.len().saturating_sub(5)..]
        ),
    }
}

// =================================================================== Rapid Reset

/// CVE-2023-44487: HEADERS then RST_STREAM in a loop. Bound: 256 KiB.
#[test]
fn cve_2023_44487_rapid_reset_is_enhance_your_calm() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1), "{rx:?}");

    let meter = Meter::start();
    let mut id = 3;
    let mut resets = 0;
    while !conn.is_closed() && resets < 10_000 {
        let mut wire = BytesMut::from(&raw_headers(id, STATIC_GET, true, true)[..]);
        wire.extend_from_slice(&rst(id, ErrorCode::CANCEL));
        drop(feed(&mut conn, wire.freeze()));
        resets += 1;
        id += 2;
    }
    let peak = meter.peak();
    let rx = peer.read(&mut conn);
    let last = assert_goaway(&rx, ErrorCode::ENHANCE_YOUR_CALM);
    // Tripped at the 101st reset of the window (max_remote_resets_per_window = 100).
    assert_eq!(resets, 101);
    assert_eq!(last, id - 2, "last stream id is the last stream we saw");
    assert!(peak < 256 * KIB, "peak {peak} bytes");
    eprintln!("rapid reset: peak {peak} bytes");
}

/// The default leaves a client that cancels one stream in ten alone (a browser
/// navigating away), over 3,000 streams.
#[test]
fn rapid_reset_default_leaves_cancelling_clients_alone() {
    let (mut conn, mut peer) = server();
    requests_with_extra_frames(&mut conn, &mut peer, 10, |id, _| rst(id, ErrorCode::CANCEL));
    assert!(!conn.is_closed());
}

/// One HEADERS + RST_STREAM pair on `id` followed by `padding`: the diluted Rapid Reset.
fn reset_pair_with(id: u32, padding: &[Bytes]) -> Bytes {
    let mut wire = BytesMut::from(&raw_headers(id, STATIC_GET, true, true)[..]);
    wire.extend_from_slice(&rst(id, ErrorCode::CANCEL));
    for frame in padding {
        wire.extend_from_slice(frame);
    }
    wire.freeze()
}

/// Runs the Rapid Reset loop with `padding` after every pair until the connection closes
/// (at most 100,000 pairs); returns the pairs fed, the last stream id used, the frames
/// we wrote, the events of the last step and the peak heap.
fn diluted_rapid_reset(padding: &[Bytes]) -> (u32, u32, Vec<Rx>, Vec<Event>, isize) {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1), "{rx:?}");
    let meter = Meter::start();
    let (mut pairs, mut id, mut last_events, mut last_rx) = (0u32, 1u32, Vec::new(), Vec::new());
    while !conn.is_closed() && pairs < 100_000 {
        id += 2;
        last_events = feed(&mut conn, reset_pair_with(id, padding));
        pairs += 1;
        // A reading peer: our output (PING ACKs) never piles up.
        last_rx = peer.read(&mut conn);
    }
    let peak = meter.peak();
    (pairs, id, last_rx, last_events, peak)
}

/// CVE-2023-44487 diluted: HEADERS + RST_STREAM, then nine ignored extension frames, in a
/// loop. The per-window counter sees 91 resets per 1,000 frames and never trips (issue
/// 14: 100,000 such pairs went through); the early-reset count is per stream, so the
/// 201st request reset before it was answered (max_early_resets = 200) ends the
/// connection. Bound: 256 KiB.
#[test]
fn cve_2023_44487_rapid_reset_diluted_by_unknown_frames_is_enhance_your_calm() {
    let padding = vec![unknown_frame(); 9];
    let (pairs, id, rx, events, peak) = diluted_rapid_reset(&padding);
    assert_eq!(pairs, 201);
    let last = assert_goaway(&rx, ErrorCode::ENHANCE_YOUR_CALM);
    assert_eq!(last, id, "last stream id is the last stream we saw");
    assert_eq!(
        local_termination(&events),
        Some(ErrorCode::ENHANCE_YOUR_CALM)
    );
    // Nothing was refused or reset by us on the way: the attacker's streams closed by
    // its own resets.
    assert_eq!(resets(&rx), []);
    assert!(peak < 256 * KIB, "peak {peak} bytes");
    eprintln!("diluted rapid reset: peak {peak} bytes");
}

/// PINGs, unknown frames, PRIORITY and WINDOW_UPDATEs between the pairs, in any amount
/// that stays under their own per-window limits, change nothing: the connection ends at
/// the same 201st early reset.
#[test]
fn cve_2023_44487_rapid_reset_padding_does_not_help() {
    let paddings: Vec<Vec<Bytes>> = vec![
        vec![
            ping(7),
            unknown_frame(),
            unknown_frame(),
            unknown_frame(),
            unknown_frame(),
            unknown_frame(),
            unknown_frame(),
            unknown_frame(),
            unknown_frame(),
        ],
        vec![unknown_frame(); 50],
        vec![
            priority(1, 0),
            window_update(0, 1 << 16),
            unknown_frame(),
            unknown_frame(),
            unknown_frame(),
            unknown_frame(),
            unknown_frame(),
            unknown_frame(),
            unknown_frame(),
        ],
        vec![unknown_frame(); 1000],
    ];
    for padding in paddings {
        let (pairs, _, rx, events, _) = diluted_rapid_reset(&padding);
        assert_eq!(pairs, 201, "padding of {} frames", padding.len());
        assert_goaway(&rx, ErrorCode::ENHANCE_YOUR_CALM);
        assert_eq!(
            local_termination(&events),
            Some(ErrorCode::ENHANCE_YOUR_CALM)
        );
    }
}

/// Why max_early_resets exists: with it out of the way, the per-window counter alone
/// lets 10,000 padded pairs through (issue 14), while the undiluted loop still trips it.
#[test]
fn rapid_reset_per_window_count_alone_is_diluted_by_padding() {
    let limits = Limits {
        max_early_resets: u32::MAX,
        ..Limits::default()
    };
    let (mut conn, mut peer) = server_with(server_config(limits));
    let padding = vec![unknown_frame(); 9];
    let mut id = 1;
    for _ in 0..10_000 {
        drop(feed(&mut conn, reset_pair_with(id, &padding)));
        id += 2;
    }
    assert!(!conn.is_closed());
    assert_eq!(goaway(&peer.read(&mut conn)), None);
    let fed = feed_until_closed(&mut conn, 1000, |n| reset_pair_with(id + 2 * n as u32, &[]));
    // At the latest the 101st reset of a window trips it (fewer when the window already
    // held some of the padded ones).
    assert!((1..=101).contains(&fed), "{fed}");
    assert_goaway(&peer.read(&mut conn), ErrorCode::ENHANCE_YOUR_CALM);
}

/// max_early_resets is configurable, and answered requests pay early resets back: with
/// a limit of 10, ten early resets, then any number of completed requests, then ten more
/// are fine; the eleventh outstanding one ends the connection.
#[test]
fn cve_2023_44487_early_resets_decay_with_completed_requests() {
    let limits = Limits {
        max_early_resets: 10,
        ..Limits::default()
    };
    let (mut conn, mut peer) = server_with(server_config(limits));
    let padding = [unknown_frame()];
    let mut id = 1;
    for _ in 0..10 {
        drop(feed(&mut conn, reset_pair_with(id, &padding)));
        id += 2;
    }
    assert_eq!(goaway(&peer.read(&mut conn)), None);
    // Ten requests answered and completed: the count is back to zero.
    for _ in 0..10 {
        let rx = legit_stream(&mut conn, &mut peer, id);
        assert!(completed_before_goaway(&rx, id), "{rx:?}");
        id += 2;
    }
    for _ in 0..10 {
        drop(feed(&mut conn, reset_pair_with(id, &padding)));
        id += 2;
    }
    assert_eq!(goaway(&peer.read(&mut conn)), None);
    let events = feed(&mut conn, reset_pair_with(id, &padding));
    assert_eq!(
        local_termination(&events),
        Some(ErrorCode::ENHANCE_YOUR_CALM)
    );
    assert_eq!(
        goaway(&peer.read(&mut conn)),
        Some((id, ErrorCode::ENHANCE_YOUR_CALM))
    );
}

/// A reset after we answered (a client cancelling a download in progress) is not an
/// early reset: 1,000 of them in a row, padded so the per-window counter stays under its
/// limit, never trip max_early_resets.
#[test]
fn early_resets_ignore_requests_cancelled_after_the_answer() {
    let (mut conn, mut peer) = server();
    let mut id = 1;
    for _ in 0..1000 {
        let events = serve(&mut conn, peer.headers(id, &get_request("/"), false));
        assert!(!events.is_empty());
        // Answered with HEADERS; the body is still to come when the client cancels.
        let status = [HeaderField::new(":status", "200")];
        conn.send_headers(sid(id), &status, false).unwrap();
        let mut wire = BytesMut::from(&rst(id, ErrorCode::CANCEL)[..]);
        for _ in 0..10 {
            wire.extend_from_slice(&unknown_frame());
        }
        drop(feed(&mut conn, wire.freeze()));
        assert_eq!(goaway(&peer.read(&mut conn)), None, "stream {id}");
        id += 2;
    }
    assert!(!conn.is_closed());
}

/// Normal traffic: 5,000 requests answered, one in ten cancelled by the client before
/// the answer (a browser navigating away), with PINGs and unknown frames between them,
/// plus bursts of 100 cancels in a row (a page closed with a full set of requests in
/// flight) each followed by 100 answered requests. max_early_resets never trips.
#[test]
fn rapid_reset_default_leaves_browser_traffic_alone() {
    let (mut conn, mut peer) = server();
    let mut id = 1u32;
    for n in 0..5000u32 {
        let mut wire = BytesMut::from(&peer.headers(id, &get_request("/"), true)[..]);
        if n % 10 == 0 {
            wire.extend_from_slice(&rst(id, ErrorCode::CANCEL));
        }
        if n % 50 == 0 {
            wire.extend_from_slice(&ping(u64::from(n)));
            wire.extend_from_slice(&unknown_frame());
        }
        serve(&mut conn, wire.freeze());
        assert_eq!(goaway(&peer.read(&mut conn)), None, "request {n}");
        id += 2;
    }
    for burst in 0..20 {
        // Requests that were in flight when the page closed (padded so the per-window
        // counter, 100 per 1,000 frames, is not what this measures).
        let mut wire = BytesMut::new();
        for _ in 0..100 {
            wire.extend_from_slice(&peer.headers(id, &get_request("/"), true));
            wire.extend_from_slice(&rst(id, ErrorCode::CANCEL));
            for _ in 0..8 {
                wire.extend_from_slice(&unknown_frame());
            }
            id += 2;
        }
        serve(&mut conn, wire.freeze());
        assert_eq!(goaway(&peer.read(&mut conn)), None, "burst {burst}");
        for _ in 0..100 {
            serve(&mut conn, peer.headers(id, &get_request("/"), true));
            assert!(completed_before_goaway(&peer.read(&mut conn), id));
            id += 2;
        }
    }
    assert!(!conn.is_closed());
}

// =================================================================== CONTINUATION flood

/// HEADERS without END_HEADERS then 16 KiB CONTINUATIONs that never end the block: the
/// block-bytes cap (max_header_block_bytes, 144 KiB) trips as fragments arrive. Bound:
/// 400 KiB held after every fragment.
#[test]
fn rfc9113_6_10_continuation_flood_without_end_headers_is_enhance_your_calm() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));

    let meter = Meter::start();
    let junk = vec![0x82u8; 16_384];
    drop(feed(&mut conn, raw_headers(3, &junk, false, false)));
    let mut frames = 1;
    while !conn.is_closed() && frames < 1000 {
        drop(feed(&mut conn, continuation(3, &junk, false)));
        frames += 1;
        let held = meter.live();
        assert!(
            held < 400 * KIB,
            "{held} bytes held after {frames} fragments"
        );
    }
    let peak = meter.peak();
    let rx = peer.read(&mut conn);
    assert_goaway(&rx, ErrorCode::ENHANCE_YOUR_CALM);
    // 144 KiB = 9 frames of 16 KiB; the 10th crosses the cap.
    assert_eq!(frames, 10);
    assert!(peak < 512 * KIB, "peak {peak}");
    eprintln!("continuation flood (bytes): peak {peak} bytes");
}

/// The same flood in 1-octet CONTINUATIONs: the frame-count cap
/// (max_continuation_frames, 64) trips long before the byte cap. Bound: 64 KiB.
#[test]
fn rfc9113_6_10_continuation_flood_of_tiny_frames_is_enhance_your_calm() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));
    let meter = Meter::start();
    drop(feed(&mut conn, raw_headers(3, b"\x82", false, false)));
    let continuations = feed_until_closed(&mut conn, 100_000, |_| continuation(3, b"\x82", false));
    let peak = meter.peak();
    assert_goaway(&peer.read(&mut conn), ErrorCode::ENHANCE_YOUR_CALM);
    assert_eq!(continuations, 65);
    assert!(peak < 64 * KIB, "peak {peak}");
    eprintln!("continuation flood (count): peak {peak} bytes");
}

/// The same flood against a client, on the response to its request.
#[test]
fn rfc9113_6_10_continuation_flood_against_a_client_is_enhance_your_calm() {
    let (mut conn, mut peer) = client();
    let id = conn.next_stream_id().unwrap();
    conn.send_headers(id, &get_request("/"), true).unwrap();
    let _ = peer.read(&mut conn);
    let meter = Meter::start();
    drop(feed(&mut conn, raw_headers(1, b"\x88", false, false)));
    let continuations = feed_until_closed(&mut conn, 100_000, |_| {
        continuation(1, &[0x88; 4096], false)
    });
    let peak = meter.peak();
    assert_goaway(&peer.read(&mut conn), ErrorCode::ENHANCE_YOUR_CALM);
    assert!(continuations <= 65, "{continuations}");
    assert!(peak < 512 * KIB, "peak {peak}");
    eprintln!("continuation flood (client): peak {peak} bytes");
}

/// The peer does end the block, but only after 200 KiB: refused at the cap, before the
/// END_HEADERS fragment is ever read.
#[test]
fn rfc9113_6_10_continuation_flood_with_late_end_headers_is_refused_early() {
    let (mut conn, mut peer) = server();
    let chunk = vec![0x82u8; 10_000];
    let mut wire = BytesMut::from(&raw_headers(3, &chunk, false, false)[..]);
    for _ in 0..18 {
        wire.extend_from_slice(&continuation(3, &chunk, false));
    }
    wire.extend_from_slice(&continuation(3, &chunk, true));
    let events = feed(&mut conn, wire.freeze());
    assert_eq!(
        local_termination(&events),
        Some(ErrorCode::ENHANCE_YOUR_CALM)
    );
    assert!(!events
        .iter()
        .any(|e| matches!(e, Event::RequestReceived { .. })));
    assert_goaway(&peer.read(&mut conn), ErrorCode::ENHANCE_YOUR_CALM);
}

/// Defaults: a 60 KiB header list in 2 KiB fragments (31 frames) is accepted.
#[test]
fn continuation_defaults_accept_a_large_legitimate_header_block() {
    let (mut conn, mut peer) = server();
    let mut fields = get_request("/big");
    for i in 0..15 {
        fields.push(HeaderField::new(format!("x-big-{i}"), "v".repeat(4000)));
    }
    // Encode once, then re-frame the block in 2 KiB fragments.
    let mut enc = h2_conn::hpack::Encoder::new();
    let mut block = BytesMut::new();
    enc.encode(&fields, &mut block);
    let block = block.freeze();
    let mut pieces = block.chunks(2048);
    let mut wire = BytesMut::from(&raw_headers(1, pieces.next().unwrap(), true, false)[..]);
    let rest: Vec<&[u8]> = pieces.collect();
    for (i, piece) in rest.iter().enumerate() {
        wire.extend_from_slice(&continuation(1, piece, i + 1 == rest.len()));
    }
    assert!(rest.len() >= 25, "{} fragments", rest.len());
    let events = serve(&mut conn, wire.freeze());
    match &events[0] {
        Event::RequestReceived { headers, .. } => assert_eq!(headers, &fields),
        other => panic!("{other:?}"),
    }
    assert!(completed_before_goaway(&peer.read(&mut conn), 1));
}

// =================================================================== HPACK bomb

/// A header block that inserts `x-bomb: <4,000 octets>` in the dynamic table, then
/// refers to it `refs` times (one octet each: index 62).
fn bomb_block(prefix: &[u8], refs: usize) -> Vec<u8> {
    let mut block = prefix.to_vec();
    // Literal with incremental indexing, new name (RFC 7541 6.2.1).
    block.extend_from_slice(b"\x40\x06x-bomb");
    // Value length 4000: 7-bit prefix integer 127, then 4000 - 127 = 3873 in base 128.
    block.extend_from_slice(&[0x7f, 0xa1, 0x1e]);
    block.extend(std::iter::repeat_n(b'a', 4000));
    block.extend(std::iter::repeat_n(0xbe, refs));
    block
}

/// A small block (20 KiB) expanding to 64 MB of header list. Bounded by
/// SETTINGS_MAX_HEADER_LIST_SIZE (64 KiB): the server answers 431, the connection lives
/// on with HPACK in sync (the next request refers to the bomb's table entry). Bound:
/// 256 KiB peak.
#[test]
fn rfc9113_10_5_1_hpack_bomb_is_431_and_hpack_stays_in_sync() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));

    let block = bomb_block(STATIC_GET, 16_000);
    let meter = Meter::start();
    let mut wire = BytesMut::from(&raw_headers(3, &block[..16_000], true, false)[..]);
    wire.extend_from_slice(&continuation(3, &block[16_000..], true));
    let events = feed(&mut conn, wire.freeze());
    let peak = meter.peak();
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::RequestReceived { .. })),
        "{events:?}"
    );
    let rx = peer.read(&mut conn);
    assert_eq!(goaway(&rx), None);
    match &rx[..] {
        [Rx::Headers {
            stream_id: 3,
            fields,
            end_stream: true,
        }] => assert_eq!(fields, &[HeaderField::new(":status", "431")]),
        other => panic!("{other:?}"),
    }
    assert!(peak < 256 * KIB, "peak {peak}");
    eprintln!("hpack bomb (server): peak {peak} bytes");

    // HPACK in sync: index 62 is still the bomb's entry.
    let mut block = STATIC_GET.to_vec();
    block.push(0xbe);
    let events = serve(&mut conn, raw_headers(5, &block, true, true));
    match &events[0] {
        Event::RequestReceived { headers, .. } => {
            assert_eq!(
                headers.field(4).unwrap(),
                HeaderField::new("x-bomb", "a".repeat(4000))
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(completed_before_goaway(&peer.read(&mut conn), 5));
}

/// The same bomb in a response: the client resets the stream, the connection and its
/// other streams carry on. Bound: 256 KiB peak.
#[test]
fn rfc9113_10_5_1_hpack_bomb_against_a_client_resets_the_stream() {
    let (mut conn, mut peer) = client();
    for _ in 0..3 {
        let id = conn.next_stream_id().unwrap();
        conn.send_headers(id, &get_request("/"), true).unwrap();
    }
    let _ = peer.read(&mut conn);
    // Stream 1: a normal response.
    let mut wire = BytesMut::from(&raw_headers(1, b"\x88", false, true)[..]);
    wire.extend_from_slice(&data(1, b"fine", true));
    let events = feed(&mut conn, wire.freeze());
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::StreamEnded { stream_id } if stream_id.value() == 1)));

    let meter = Meter::start();
    let block = bomb_block(b"\x88", 16_000);
    let mut wire = BytesMut::from(&raw_headers(3, &block[..16_000], true, false)[..]);
    wire.extend_from_slice(&continuation(3, &block[16_000..], true));
    let events = feed(&mut conn, wire.freeze());
    let peak = meter.peak();
    assert!(events.iter().any(|e| matches!(
        e,
        Event::StreamReset { stream_id, remote_reset: false, .. } if stream_id.value() == 3
    )));
    let rx = peer.read(&mut conn);
    assert_eq!(resets(&rx), [(3, ErrorCode::PROTOCOL_ERROR)]);
    assert_eq!(goaway(&rx), None);
    assert!(peak < 256 * KIB, "peak {peak}");
    eprintln!("hpack bomb (client): peak {peak} bytes");

    let events = feed(&mut conn, raw_headers(5, b"\x88\xbe", true, true));
    match &events[0] {
        Event::ResponseReceived { headers, .. } => {
            assert_eq!(
                headers.field(1).unwrap(),
                HeaderField::new("x-bomb", "a".repeat(4000))
            )
        }
        other => panic!("{other:?}"),
    }
}

// =================================================================== ping flood

/// CVE-2019-9512: PINGs the peer never reads the answers of. max_pings_per_window (100)
/// trips at the 101st. Bound: 16 KiB (101 PING ACKs queued).
#[test]
fn cve_2019_9512_ping_flood_is_enhance_your_calm() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));
    let meter = Meter::start();
    let pings = feed_until_closed(&mut conn, 100_000, ping);
    let peak = meter.peak();
    assert_eq!(pings, 101);
    let rx = peer.read(&mut conn);
    assert_eq!(
        rx.iter().filter(|r| **r == Rx::Ping { ack: true }).count(),
        100
    );
    assert_goaway(&rx, ErrorCode::ENHANCE_YOUR_CALM);
    assert!(peak < 16 * KIB, "peak {peak}");
    eprintln!("ping flood: peak {peak} bytes");
}

/// The same against a client.
#[test]
fn cve_2019_9512_ping_flood_against_a_client_is_enhance_your_calm() {
    let (mut conn, mut peer) = client();
    let pings = feed_until_closed(&mut conn, 100_000, ping);
    assert_eq!(pings, 101);
    assert_goaway(&peer.read(&mut conn), ErrorCode::ENHANCE_YOUR_CALM);
}

/// Defaults: keep-alive PINGs, one every twenty requests, over 3,000 requests.
#[test]
fn ping_default_allows_keepalive_pings() {
    let (mut conn, mut peer) = server();
    requests_with_extra_frames(&mut conn, &mut peer, 20, |_, n| ping(u64::from(n)));
}

// =================================================================== settings flood

/// CVE-2019-9515: SETTINGS frames, each demanding an ACK. max_settings_per_window (100)
/// trips at the 101st. Bound: 16 KiB.
#[test]
fn cve_2019_9515_settings_flood_is_enhance_your_calm() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));
    let meter = Meter::start();
    let frames = feed_until_closed(&mut conn, 100_000, |_| {
        settings(&[(SettingId::INITIAL_WINDOW_SIZE, 65_535)])
    });
    let peak = meter.peak();
    // The handshake's SETTINGS and ACK count in the same window: 98 more are allowed.
    assert_eq!(frames, 99);
    assert_goaway(&peer.read(&mut conn), ErrorCode::ENHANCE_YOUR_CALM);
    assert!(peak < 16 * KIB, "peak {peak}");
    eprintln!("settings flood: peak {peak} bytes");
}

/// The same against a client.
#[test]
fn cve_2019_9515_settings_flood_against_a_client_is_enhance_your_calm() {
    let (mut conn, mut peer) = client();
    let frames = feed_until_closed(&mut conn, 100_000, |_| settings(&[]));
    assert_eq!(frames, 99);
    assert_goaway(&peer.read(&mut conn), ErrorCode::ENHANCE_YOUR_CALM);
}

/// Defaults: a peer that changes a setting every 20 requests is left alone.
#[test]
fn settings_default_allow_setting_changes() {
    let (mut conn, mut peer) = server();
    requests_with_extra_frames(&mut conn, &mut peer, 20, |_, n| {
        settings(&[(SettingId::INITIAL_WINDOW_SIZE, 65_535 + n)])
    });
}

/// One window of `per_window` frames built by `make`, padded to a full flood window
/// with ignored unknown frames, so the per-window counters never trip.
fn padded_window(per_window: u64, make: impl Fn(u64) -> Bytes) -> Bytes {
    let mut wire = BytesMut::new();
    for i in 0..per_window {
        wire.extend_from_slice(&make(i));
    }
    for _ in per_window..1000 {
        wire.extend_from_slice(&unknown_frame());
    }
    wire.freeze()
}

/// CVE-2019-9512/9515 with a peer that never reads: SETTINGS and PINGs spread out under
/// the per-window limits, the application never takes output. The control backlog
/// (max_pending_control_frames, 10,000) trips. Bound: 512 KiB (10,000 ACKs of 9 and 17
/// octets in the output buffer).
#[test]
fn cve_2019_9515_unread_acks_bound_the_control_backlog() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));
    let meter = Meter::start();
    let mut windows = 0;
    while !conn.is_closed() && windows < 1000 {
        let wire = padded_window(99, |i| if i % 2 == 0 { ping(i) } else { settings(&[]) });
        drop(feed(&mut conn, wire));
        windows += 1;
    }
    let peak = meter.peak();
    let queued = conn.pending_output_len();
    let rx = peer.read(&mut conn);
    assert_goaway(&rx, ErrorCode::ENHANCE_YOUR_CALM);
    let acks = rx
        .iter()
        .filter(|r| matches!(r, Rx::Ping { ack: true } | Rx::Settings { ack: true }))
        .count();
    assert_eq!(acks, 10_000);
    assert!(windows <= 102, "{windows} windows");
    assert!(peak < 512 * KIB, "peak {peak}, {queued} octets queued");
    eprintln!("control backlog: peak {peak} bytes, {queued} queued");
}

/// Defaults: the same frames to an application that writes its output now and then
/// (every 1,000 frames) never trip the backlog: 20,000 ACKs over time.
#[test]
fn control_backlog_default_allows_a_reading_peer() {
    let (mut conn, mut peer) = server();
    for _ in 0..200 {
        let wire = padded_window(99, |i| if i % 2 == 0 { ping(i) } else { settings(&[]) });
        drop(feed(&mut conn, wire));
        assert_eq!(goaway(&peer.read(&mut conn)), None);
    }
    assert!(!conn.is_closed());
}

// =================================================================== empty frames

/// CVE-2019-9518: zero-length DATA without END_STREAM on an open stream.
/// max_empty_frames_per_window (100) trips at the 101st. Bound: 16 KiB.
#[test]
fn cve_2019_9518_empty_data_flood_is_enhance_your_calm() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));
    drop(feed(
        &mut conn,
        peer.headers(3, &get_request("/upload"), false),
    ));
    let meter = Meter::start();
    let frames = feed_until_closed(&mut conn, 100_000, |_| data(3, b"", false));
    let peak = meter.peak();
    assert_eq!(frames, 101);
    assert_goaway(&peer.read(&mut conn), ErrorCode::ENHANCE_YOUR_CALM);
    assert!(peak < 16 * KIB, "peak {peak}");
    eprintln!("empty DATA flood: peak {peak} bytes");
}

/// CVE-2019-9518 with empty HEADERS + CONTINUATION frames: stopped by the CONTINUATION
/// cap (64) before the empty-frame count (100); either way ENHANCE_YOUR_CALM.
#[test]
fn cve_2019_9518_empty_continuation_flood_is_enhance_your_calm() {
    let (mut conn, mut peer) = server();
    drop(feed(&mut conn, raw_headers(1, b"", false, false)));
    let frames = feed_until_closed(&mut conn, 100_000, |_| continuation(1, b"", false));
    assert!(frames <= 100, "{frames}");
    assert_goaway(&peer.read(&mut conn), ErrorCode::ENHANCE_YOUR_CALM);
}

/// Defaults: empty DATA with END_STREAM (how many clients end uploads) is never
/// counted, and a few empty frames per window are tolerated.
#[test]
fn empty_frames_default_allows_end_stream_markers() {
    let (mut conn, mut peer) = server();
    for n in 0..2000u32 {
        let id = 2 * n + 1;
        let mut wire = BytesMut::from(&peer.headers(id, &get_request("/"), false)[..]);
        if n % 20 == 0 {
            wire.extend_from_slice(&data(id, b"", false));
        }
        wire.extend_from_slice(&data(id, b"body", false));
        wire.extend_from_slice(&data(id, b"", true));
        serve(&mut conn, wire.freeze());
        respond(&mut conn, StreamId::new(id));
        let rx = peer.read(&mut conn);
        assert_eq!(goaway(&rx), None);
        assert!(completed_before_goaway(&rx, id), "{rx:?}");
    }
}

// =================================================================== reset flood

/// CVE-2019-9514: the peer makes us send RST_STREAM en masse (DATA on streams it already
/// half-closed: STREAM_CLOSED). max_local_resets_per_window (100) trips at the 101st.
/// Bound: 256 KiB (the closed streams remembered).
#[test]
fn cve_2019_9514_reset_flood_is_enhance_your_calm() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));
    let meter = Meter::start();
    let mut id = 3;
    let mut provoked = 0;
    while !conn.is_closed() && provoked < 10_000 {
        let mut wire = BytesMut::from(&raw_headers(id, STATIC_GET, true, true)[..]);
        wire.extend_from_slice(&data(id, b"x", false));
        drop(feed(&mut conn, wire.freeze()));
        provoked += 1;
        id += 2;
    }
    let peak = meter.peak();
    let rx = peer.read(&mut conn);
    let rsts = resets(&rx);
    assert_eq!(rsts.len(), 101);
    assert!(rsts
        .iter()
        .all(|(_, code)| *code == ErrorCode::STREAM_CLOSED));
    assert_goaway(&rx, ErrorCode::ENHANCE_YOUR_CALM);
    assert_eq!(provoked, 101);
    assert!(peak < 256 * KIB, "peak {peak}");
    eprintln!("reset flood: peak {peak} bytes");
}

/// The same provoked on one forgotten stream over and over (DATA on a stream closed long
/// ago costs the peer nothing and is only a stream error): still bounded by the same
/// count. (On a stream closed recently by END_STREAM both ways, the same DATA is a
/// connection error STREAM_CLOSED at once, RFC 9113 5.1.)
#[test]
fn cve_2019_9514_reset_flood_on_one_closed_stream_is_enhance_your_calm() {
    let (mut conn, mut peer) = server();
    for n in 0..1100u32 {
        let rx = legit_stream(&mut conn, &mut peer, 2 * n + 1);
        assert!(completed_before_goaway(&rx, 2 * n + 1));
    }
    assert_eq!(conn.stream_state(StreamId::new(1)), None, "forgotten");
    let provoked = feed_until_closed(&mut conn, 10_000, |_| data(1, b"x", false));
    assert_eq!(provoked, 101);
    assert_goaway(&peer.read(&mut conn), ErrorCode::ENHANCE_YOUR_CALM);
}

/// Defaults: a client that makes a mistake now and then (one malformed request in 20,
/// reset with PROTOCOL_ERROR) is not taken for a reset flood.
#[test]
fn local_resets_default_allow_occasional_stream_errors() {
    let (mut conn, mut peer) = server();
    for n in 0..2000u32 {
        let id = 2 * n + 1;
        let mut fields = get_request("/");
        if n % 20 == 0 {
            // RFC 9113 8.2.1: uppercase field names are malformed.
            fields.push(HeaderField::new("X-Upper", "1"));
        }
        serve(&mut conn, peer.headers(id, &fields, true));
        let rx = peer.read(&mut conn);
        assert_eq!(goaway(&rx), None);
        if n % 20 == 0 {
            assert_eq!(resets(&rx), [(id, ErrorCode::PROTOCOL_ERROR)]);
        } else {
            assert!(completed_before_goaway(&rx, id));
        }
    }
}

// =================================================================== zero-length headers

/// CVE-2019-9516: header blocks full of empty names and values, both literal and
/// indexed into the dynamic table. Each costs 32 octets of list size (RFC 9113 6.5.2),
/// so the list limit bounds them; empty names are malformed (RST_STREAM PROTOCOL_ERROR);
/// repeated, the local-reset count ends the connection. Bound: 256 KiB peak, nothing
/// retained.
#[test]
fn cve_2019_9516_zero_length_headers_leak_is_bounded() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));
    let before = conn.memory_usage();
    let meter = Meter::start();
    let mut id = 3;
    let mut first = None;
    while !conn.is_closed() && id < 100_000 {
        let mut block = STATIC_GET.to_vec();
        for i in 0..1500 {
            // Literal with incremental indexing / without indexing, new empty name.
            block.extend_from_slice(if i % 2 == 0 {
                b"\x40\x00\x00"
            } else {
                b"\x00\x00\x00"
            });
        }
        drop(feed(&mut conn, raw_headers(id, &block, true, true)));
        if first.is_none() {
            first = resets(&peer.read(&mut conn)).first().copied();
        }
        id += 2;
    }
    let peak = meter.peak();
    assert_eq!(first, Some((3, ErrorCode::PROTOCOL_ERROR)));
    assert_goaway(&peer.read(&mut conn), ErrorCode::ENHANCE_YOUR_CALM);
    let after = conn.memory_usage();
    assert!(peak < 256 * KIB, "peak {peak}");
    assert!(after < before + 64 * 1024, "{before} -> {after}");
    eprintln!("zero-length headers: peak {peak} bytes, held {before} -> {after}");
}

// =================================================================== data dribble

/// CVE-2019-9511: the peer sets a 1-octet window and opens it one octet at a time,
/// asking for one 1-octet DATA frame per WINDOW_UPDATE. max_window_updates_per_window
/// (500) trips. Bound: 64 KiB.
#[test]
fn cve_2019_9511_data_dribble_is_enhance_your_calm() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));
    drop(feed(
        &mut conn,
        settings(&[(SettingId::INITIAL_WINDOW_SIZE, 1)]),
    ));
    drop(feed(
        &mut conn,
        peer.headers(3, &get_request("/large"), true),
    ));
    conn.send_headers(
        StreamId::new(3),
        &[HeaderField::new(":status", "200")],
        false,
    )
    .unwrap();
    let _ = peer.read(&mut conn);
    let meter = Meter::start();
    let mut updates = 0;
    let mut sent = 0;
    while !conn.is_closed() && updates < 100_000 {
        // The application sends whatever the window allows.
        if conn.local_flow_control_window(StreamId::new(3)).unwrap() > 0 {
            conn.send_data(StreamId::new(3), Bytes::from_static(b"x"), false)
                .unwrap();
            sent += 1;
        }
        drop(feed(&mut conn, window_update(3, 1)));
        updates += 1;
        if updates % 64 == 0 {
            let _ = peer.read(&mut conn);
        }
    }
    let peak = meter.peak();
    assert_eq!(updates, 501);
    assert_eq!(sent, 501);
    assert_goaway(&peer.read(&mut conn), ErrorCode::ENHANCE_YOUR_CALM);
    assert!(peak < 64 * KIB, "peak {peak}");
    eprintln!("data dribble: peak {peak} bytes");
}

/// Our client downloading 16 MiB from our server with default windows and the default
/// window policy: the server receives a WINDOW_UPDATE for nearly every DATA frame it
/// sends, and must not take that for a flood.
#[test]
fn window_updates_default_allow_a_large_download() {
    let mut client = Connection::new(Config::client());
    let mut server = Connection::new(Config::server());
    client.initiate_connection();
    server.initiate_connection();
    let id = client.next_stream_id().unwrap();
    client.send_headers(id, &get_request("/16m"), true).unwrap();
    let total = 16 << 20;
    let mut sent = 0usize;
    let mut received = 0usize;
    let mut responded = false;
    for _ in 0..100_000 {
        let events = server.receive_bytes(client.data_to_send()).unwrap();
        assert_eq!(local_termination(&events), None, "server: {events:?}");
        if !responded && !server.is_closed() && server.stream_state(id).is_some() {
            server
                .send_headers(id, &[HeaderField::new(":status", "200")], false)
                .unwrap();
            responded = true;
        }
        if responded && sent < total {
            let window = server.local_flow_control_window(id).unwrap().max(0) as usize;
            let n = window.min(total - sent).min(16_384);
            if n > 0 {
                server
                    .send_data(id, vec![7u8; n], sent + n == total)
                    .unwrap();
                sent += n;
            }
        }
        let events = client.receive_bytes(server.data_to_send()).unwrap();
        assert_eq!(local_termination(&events), None, "client: {events:?}");
        for e in events {
            if let Event::DataReceived {
                stream_id,
                flow_controlled_length,
                ..
            } = e
            {
                received += flow_controlled_length as usize;
                client
                    .acknowledge_received_data(flow_controlled_length, stream_id)
                    .unwrap();
            }
        }
        if received == total {
            break;
        }
    }
    assert_eq!(received, total);
    assert!(!server.is_closed() && !client.is_closed());
}

// =================================================================== internal buffering

/// CVE-2019-9517: the application does not read (never acknowledges DATA) and the peer
/// keeps sending. We hold no received data (DATA goes out in events, as views of the
/// input), so memory does not grow; past the window the peer gets FLOW_CONTROL_ERROR
/// (RFC 9113 6.9.1). Bound: 64 KiB held by the connection after 64 KiB of DATA.
#[test]
fn cve_2019_9517_unread_data_is_not_buffered() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));
    drop(feed(
        &mut conn,
        peer.headers(3, &get_request("/upload"), false),
    ));
    let before = conn.memory_usage();
    let meter = Meter::start();
    let chunk = vec![b'u'; 16_383];
    for _ in 0..4 {
        // The application drops the events and never acknowledges.
        drop(feed(&mut conn, data(3, &chunk, false)));
    }
    let held = meter.live();
    assert!(!conn.is_closed());
    assert!(
        held < 64 * KIB,
        "{held} bytes held after 65,532 octets of DATA"
    );
    assert!(conn.memory_usage() <= before + 4096);
    // 3 octets of window left (65,535 - 65,532).
    drop(feed(&mut conn, data(3, b"four", false)));
    let rx = peer.read(&mut conn);
    let code = goaway(&rx).map(|g| g.1);
    // RFC 9113 6.9.1: the stream window is exceeded first: a stream error.
    assert!(
        code == Some(ErrorCode::FLOW_CONTROL_ERROR)
            || resets(&rx) == [(3, ErrorCode::FLOW_CONTROL_ERROR)],
        "{rx:?}"
    );
    eprintln!("unread data: {held} bytes held");
}

/// CVE-2019-9517, output side (issue 14): the peer opens huge windows and never reads.
/// The connection bounds what it holds itself: once framed output plus queued body data
/// would pass `Config::max_send_buffer` (512 KiB), strict sends are refused with
/// `SendBufferFull`, as are buffered ones, and the refused stream is reported writable
/// once the output is taken. What the peer alone makes us queue (control frames) is
/// capped by max_pending_control_frames (see the control backlog test).
#[test]
fn cve_2019_9517_unread_output_is_bounded_by_the_send_buffer() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));
    drop(feed(&mut conn, window_update(0, 0x7fff_0000)));
    drop(feed(&mut conn, peer.headers(3, &get_request("/"), true)));
    drop(feed(&mut conn, peer.headers(5, &get_request("/"), true)));
    for id in [3, 5] {
        let ok = [HeaderField::new(":status", "200")];
        conn.send_headers(StreamId::new(id), &ok, false).unwrap();
        drop(feed(&mut conn, window_update(id, 0x7fff_0000)));
    }
    let limit = h2_conn::DEFAULT_MAX_SEND_BUFFER;
    let chunk = Bytes::from(vec![0u8; 65_536]);
    let mut writes = 0;
    let refused = loop {
        match conn.send_data(StreamId::new(3), chunk.clone(), false) {
            Ok(()) => writes += 1,
            Err(err) => break err,
        }
    };
    // A high-water mark: sends are taken while less than 512 KiB is held.
    assert_eq!(writes, 8, "8 x 64 KiB (+ frame heads) reach 512 KiB");
    assert!(
        matches!(refused, UserError::SendBufferFull { limit: l, .. } if l == limit),
        "{refused:?}"
    );
    assert!(conn.pending_output_len() <= limit + chunk.len() + 9);
    // The buffered path is held to the same bound, and says when to come back.
    let queued = conn.queue_data(StreamId::new(5), chunk.clone(), false);
    assert!(
        matches!(queued, Err(UserError::SendBufferFull { .. })),
        "{queued:?}"
    );
    assert_eq!(conn.queued_len(StreamId::new(5)), 0);
    let mut writable = Vec::new();
    conn.writable_streams(&mut writable);
    assert!(writable.is_empty(), "nothing was taken yet");
    assert!(conn.memory_usage() <= limit + 2 * 64 * 1024);
    drop(conn.data_to_send());
    conn.writable_streams(&mut writable);
    assert_eq!(writable, [StreamId::new(5)]);
    conn.queue_data(StreamId::new(5), chunk, false).unwrap();
}

// =================================================================== priority

/// CVE-2019-9513: PRIORITY frames building dependency cycles over idle streams, and
/// self-dependencies. We keep no priority tree: nothing is stored for idle streams,
/// self-dependency is a stream error PROTOCOL_ERROR (RFC 9113 5.3.1), and
/// max_priority_frames_per_window (500) ends the flood. Bound: 64 KiB.
#[test]
fn cve_2019_9513_priority_loop_is_bounded_and_enhance_your_calm() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));
    let meter = Meter::start();
    // Self-dependency: a stream error.
    drop(feed(&mut conn, priority(3, 3)));
    assert_eq!(
        resets(&peer.read(&mut conn)),
        [(3, ErrorCode::PROTOCOL_ERROR)]
    );
    // What the connection holds now, plus at most one frame being parsed.
    let before = conn.memory_usage() + 64;
    let mut frames = 0;
    while !conn.is_closed() && frames < 100_000 {
        // A cycle 5 -> 7 -> 9 -> 5 re-announced over and over, on idle streams.
        let (a, b) = match frames % 3 {
            0 => (5, 7),
            1 => (7, 9),
            _ => (9, 5),
        };
        drop(feed(&mut conn, priority(a, b)));
        frames += 1;
        assert!(
            conn.memory_usage() <= before,
            "a priority frame was stored: {before} -> {}",
            conn.memory_usage()
        );
    }
    let peak = meter.peak();
    assert_eq!(frames, 501);
    assert_goaway(&peer.read(&mut conn), ErrorCode::ENHANCE_YOUR_CALM);
    assert!(peak < 64 * KIB, "peak {peak}");
    eprintln!("priority loop: peak {peak} bytes");
}

/// Defaults: a browser's PRIORITY frames (a few per request) are left alone.
#[test]
fn priority_default_allows_browser_priorities() {
    let (mut conn, mut peer) = server();
    for n in 0..2000u32 {
        let id = 2 * n + 1;
        let mut wire = BytesMut::from(&peer.headers(id, &get_request("/"), true)[..]);
        wire.extend_from_slice(&priority(id, id.saturating_sub(2)));
        serve(&mut conn, wire.freeze());
        assert_eq!(goaway(&peer.read(&mut conn)), None);
    }
}

// =================================================================== stream ids

/// RFC 9113 5.1.1: a client that reaches stream 2^31-1 has no more ids
/// (`StreamIdsExhausted`), and a server that receives it keeps one stream, not 2^30 (the
/// skipped ids are closed implicitly). Bound: 16 KiB.
#[test]
fn rfc9113_5_1_1_stream_id_exhaustion_near_2_31() {
    // Client side.
    let (mut conn, _peer) = client();
    conn.send_headers(StreamId::MAX, &get_request("/"), true)
        .unwrap();
    assert_eq!(conn.next_stream_id(), Err(UserError::StreamIdsExhausted));
    assert_eq!(
        conn.send_headers(StreamId::new(1), &get_request("/"), true),
        Err(UserError::InvalidStreamId(StreamId::new(1)))
    );

    // Server side: the peer jumps to the last id at once.
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));
    let meter = Meter::start();
    let events = serve(&mut conn, raw_headers(0x7fff_ffff, STATIC_GET, true, true));
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::RequestReceived { .. })));
    assert!(completed_before_goaway(&peer.read(&mut conn), 0x7fff_ffff));
    let peak = meter.peak();
    assert!(peak < 16 * KIB, "peak {peak}");
    // Nothing can follow it: any lower id is not new.
    drop(feed(&mut conn, raw_headers(5, STATIC_GET, true, true)));
    assert_goaway(&peer.read(&mut conn), ErrorCode::PROTOCOL_ERROR);
}

/// RFC 9113 5.1.1 for a pushing server: after promising 2^31-2 it has no ids left.
#[test]
fn rfc9113_5_1_1_server_push_ids_exhaust() {
    let mut conn = Connection::new(Config::server());
    conn.initiate_connection();
    let mut peer = Peer::new(h2_conn::Role::Server);
    let mut hello = BytesMut::from(&h2_conn::frame::PREFACE[..]);
    hello.extend_from_slice(&settings(&[(SettingId::ENABLE_PUSH, 1)]));
    hello.extend_from_slice(&settings_ack());
    drop(feed(&mut conn, hello.freeze()));
    drop(feed(&mut conn, peer.headers(1, &get_request("/"), true)));
    conn.push_stream(
        StreamId::new(1),
        StreamId::new(0x7fff_fffe),
        &get_request("/pushed"),
    )
    .unwrap();
    assert_eq!(conn.next_stream_id(), Err(UserError::StreamIdsExhausted));
    let _ = peer.read(&mut conn);
}

// =================================================================== WINDOW_UPDATE overflow

/// RFC 9113 6.9.1: a WINDOW_UPDATE that takes the connection window past 2^31-1 is a
/// connection error FLOW_CONTROL_ERROR.
#[test]
fn rfc9113_6_9_1_connection_window_overflow_is_flow_control_error() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));
    drop(feed(&mut conn, window_update(0, 0x7fff_ffff)));
    assert_goaway(&peer.read(&mut conn), ErrorCode::FLOW_CONTROL_ERROR);
}

/// A storm of stream window overflows: each is a stream error FLOW_CONTROL_ERROR, and the
/// local-reset count ends the storm with ENHANCE_YOUR_CALM. Bound: 256 KiB.
#[test]
fn rfc9113_6_9_1_window_update_overflow_storm_is_enhance_your_calm() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));
    let meter = Meter::start();
    let mut id = 3;
    let mut storms = 0;
    while !conn.is_closed() && storms < 10_000 {
        let mut wire = BytesMut::from(&raw_headers(id, STATIC_GET, false, true)[..]);
        wire.extend_from_slice(&window_update(id, 0x7fff_ffff));
        drop(feed(&mut conn, wire.freeze()));
        storms += 1;
        id += 2;
    }
    let peak = meter.peak();
    let rx = peer.read(&mut conn);
    assert!(resets(&rx)
        .iter()
        .all(|(_, code)| *code == ErrorCode::FLOW_CONTROL_ERROR));
    assert_eq!(resets(&rx).len(), 101);
    assert_goaway(&rx, ErrorCode::ENHANCE_YOUR_CALM);
    assert!(peak < 256 * KIB, "peak {peak}");
    eprintln!("window overflow storm: peak {peak} bytes");
}

// =================================================================== concurrency

/// RFC 9113 5.1.2: a burst past SETTINGS_MAX_CONCURRENT_STREAMS (128) is refused with
/// REFUSED_STREAM; if it goes on, the refusals count as local resets and end in
/// ENHANCE_YOUR_CALM. Bound: 256 KiB.
#[test]
fn rfc9113_5_1_2_concurrent_stream_burst_is_refused_then_enhance_your_calm() {
    let (mut conn, mut peer) = server();
    let rx = legit_stream(&mut conn, &mut peer, 1);
    assert!(completed_before_goaway(&rx, 1));
    let meter = Meter::start();
    let mut id = 3;
    let mut opened = 0;
    while !conn.is_closed() && opened < 10_000 {
        // Requests with a body to come: they stay open.
        drop(feed(&mut conn, raw_headers(id, STATIC_GET, false, true)));
        opened += 1;
        id += 2;
    }
    let peak = meter.peak();
    let rx = peer.read(&mut conn);
    let rsts = resets(&rx);
    assert!(rsts.iter().all(|(_, c)| *c == ErrorCode::REFUSED_STREAM));
    assert_eq!(rsts.len(), 101);
    assert_eq!(conn.open_inbound_streams(), 128);
    assert_goaway(&rx, ErrorCode::ENHANCE_YOUR_CALM);
    assert_eq!(opened, 128 + 101);
    assert!(peak < 256 * KIB, "peak {peak}");
    eprintln!("concurrency burst: peak {peak} bytes");
}

/// The limit holds before the peer acknowledges our SETTINGS: a client that never sends
/// the ACK cannot open streams without bound. Bound: 256 KiB.
#[test]
fn rfc9113_5_1_2_concurrent_stream_limit_holds_before_settings_ack() {
    let mut conn = Connection::new(Config::server());
    conn.initiate_connection();
    let mut peer = Peer::new(h2_conn::Role::Server);
    let mut hello = BytesMut::from(&h2_conn::frame::PREFACE[..]);
    hello.extend_from_slice(&settings(&[]));
    drop(feed(&mut conn, hello.freeze()));
    let meter = Meter::start();
    let mut id = 1;
    while !conn.is_closed() && id < 20_000 {
        drop(feed(&mut conn, raw_headers(id, STATIC_GET, false, true)));
        id += 2;
    }
    let peak = meter.peak();
    assert!(
        conn.open_inbound_streams() <= 128,
        "{}",
        conn.open_inbound_streams()
    );
    let rx = peer.read(&mut conn);
    assert!(resets(&rx)
        .iter()
        .all(|(_, c)| *c == ErrorCode::REFUSED_STREAM));
    assert!(peak < 256 * KIB, "peak {peak}");
}

/// Defaults: bursts up to the limit, answered, over and over: nothing refused.
#[test]
fn concurrent_streams_default_allows_full_bursts() {
    let (mut conn, mut peer) = server();
    let mut id = 1;
    for _ in 0..20 {
        let mut wire = BytesMut::new();
        for _ in 0..128 {
            wire.extend_from_slice(&peer.headers(id, &get_request("/"), true));
            id += 2;
        }
        serve(&mut conn, wire.freeze());
        let rx = peer.read(&mut conn);
        assert!(resets(&rx).is_empty());
        assert_eq!(goaway(&rx), None);
    }
}

// =================================================================== closed streams

/// max_closed_streams (1,024): 5,000 streams opened and closed leave at most 1,024
/// remembered; the oldest are forgotten. Bound: 256 KiB held by the registry.
#[test]
fn closed_stream_bookkeeping_is_bounded() {
    let (mut conn, mut peer) = server();
    let meter = Meter::start();
    for n in 0..5000u32 {
        let id = 2 * n + 1;
        serve(&mut conn, raw_headers(id, STATIC_GET, true, true));
        let _ = peer.read(&mut conn);
    }
    let held = meter.live();
    assert!(conn.stream_state(StreamId::new(1)).is_none(), "forgotten");
    assert!(
        conn.stream_state(StreamId::new(9999)).is_some(),
        "remembered"
    );
    assert!(held < 256 * KIB, "{held}");
    assert!(conn.memory_usage() < 256 * 1024);
    // A late frame on a forgotten stream is a stream error, never a connection error.
    drop(feed(&mut conn, data(1, b"late", false)));
    assert_eq!(
        resets(&peer.read(&mut conn)),
        [(1, ErrorCode::STREAM_CLOSED)]
    );
    eprintln!("closed streams: {held} bytes held");
}

/// Defaults: frames that may still arrive after a stream closed (WINDOW_UPDATE,
/// RST_STREAM) on one of the last 1,024 closed streams are ignored quietly.
#[test]
fn closed_streams_default_keep_late_frames_quiet() {
    let (mut conn, mut peer) = server();
    for n in 0..1000u32 {
        serve(&mut conn, raw_headers(2 * n + 1, STATIC_GET, true, true));
    }
    let _ = peer.read(&mut conn);
    let mut wire = BytesMut::new();
    for n in 0..1000u32 {
        wire.extend_from_slice(&window_update(2 * n + 1, 16_384));
    }
    drop(feed(&mut conn, wire.freeze()));
    let rx = peer.read(&mut conn);
    assert!(rx.is_empty(), "{rx:?}");
}

// =================================================================== flood window

/// flood_window_frames (1,000): counts are per window of received frames. 100 PINGs per
/// window, forever, are fine; 101 inside one window are not.
#[test]
fn flood_window_spreads_counts_over_received_frames() {
    let (mut conn, mut peer) = server();
    for _ in 0..20 {
        drop(feed(&mut conn, padded_window(100, ping)));
        assert_eq!(goaway(&peer.read(&mut conn)), None);
    }
    // A smaller window makes the same traffic a flood.
    let limits = Limits {
        flood_window_frames: 1100,
        ..Limits::default()
    };
    let (mut conn, mut peer) = server_with(server_config(limits));
    for _ in 0..2 {
        drop(feed(&mut conn, padded_window(100, ping)));
    }
    assert_goaway(&peer.read(&mut conn), ErrorCode::ENHANCE_YOUR_CALM);
}

/// Every per-window limit can be raised by configuration.
#[test]
fn limits_are_configurable() {
    let limits = Limits {
        max_pings_per_window: 200,
        ..Limits::default()
    };
    let (mut conn, mut peer) = server_with(server_config(limits));
    for i in 0..200 {
        drop(feed(&mut conn, ping(i)));
    }
    assert_eq!(goaway(&peer.read(&mut conn)), None);
    drop(feed(&mut conn, ping(200)));
    assert_goaway(&peer.read(&mut conn), ErrorCode::ENHANCE_YOUR_CALM);
}
