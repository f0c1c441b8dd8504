//! Conversation tests for stream rules: states (RFC 9113 5.1), identifiers (5.1.1),
//! concurrency (5.1.2), priority (5.3), DATA/HEADERS/PRIORITY/RST_STREAM/PUSH_PROMISE/
//! CONTINUATION frames (6.1-6.4, 6.6, 6.10) and HTTP message rules (8.x).

mod support;

use h2_conn::frame::{FrameType, SettingId};
use h2_conn::{Bytes, Config, Connection, ErrorCode, Event, StreamState};
use support::frames::{self, sid};
use support::{
    assert_reset_by_us, client, client_with, data_received, ended, request_received, reset_by_us,
    server, server_with, terminated, Got,
};

fn remote_reset(id: u32, code: ErrorCode) -> Event {
    Event::StreamReset {
        stream_id: sid(id),
        error_code: code,
        remote_reset: true,
    }
}

// ---------------------------------------------------------------- 5.1 states

#[test]
fn rfc9113_5_1_idle_stream_data_is_protocol_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(&mut conn, frames::data(1, "early"));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(0, ErrorCode::PROTOCOL_ERROR)]
    );
}

#[test]
fn rfc9113_5_1_idle_stream_window_update_is_protocol_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(&mut conn, frames::window_update(1, 10));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
}

#[test]
fn rfc9113_5_1_priority_on_idle_stream_is_allowed() {
    let (mut conn, mut peer) = server();
    let events = peer.send(&mut conn, frames::priority(5, 0, 16));
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(matches!(events[0], Event::PriorityUpdated { .. }));
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
    // The stream is still idle: HEADERS may open it.
    let events = peer.send(&mut conn, frames::headers(5).get("/").end_stream());
    assert_eq!(
        events,
        vec![request_received(5, "GET", "/", true), ended(5)]
    );
}

#[test]
fn rfc9113_5_1_data_after_our_reset_is_ignored() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    conn.reset_stream(sid(1), ErrorCode::CANCEL).unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::rst(1, ErrorCode::CANCEL)]
    );
    // Frames the peer sent before it saw our RST_STREAM: ignored, no error.
    assert_eq!(peer.send(&mut conn, frames::data(1, "late")), vec![]);
    assert_eq!(
        peer.send(&mut conn, frames::headers(1).field("x-t", "1").end_stream()),
        vec![]
    );
    assert_eq!(peer.send(&mut conn, frames::window_update(1, 100)), vec![]);
    assert_eq!(
        peer.send(&mut conn, frames::rst(1, ErrorCode::CANCEL)),
        vec![]
    );
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
    // The connection window still counts the late DATA (RFC 9113 6.9).
    assert!(conn.remote_flow_control_window(sid(0)).unwrap() <= 65_535);
    assert!(!conn.is_closed());
}

/// Config::answer_frames_after_local_reset (hyper-h2 compatibility): with it, HEADERS and
/// DATA on a stream we reset are each answered with RST_STREAM(STREAM_CLOSED), without an
/// event; WINDOW_UPDATE and RST_STREAM stay ignored. Without it they are ignored (above).
#[test]
fn rfc9113_5_1_frames_after_our_reset_answered_when_configured() {
    for (config, answered) in [
        (Config::server(), false),
        (Config::hyper_h2(h2_conn::Role::Server), true),
    ] {
        let mut config = config;
        config.stream_errors_close_connection = false;
        let (mut conn, mut peer) = server_with(config);
        peer.send(&mut conn, frames::headers(1).request("POST", "/"));
        conn.reset_stream(sid(1), ErrorCode::CANCEL).unwrap();
        assert_eq!(
            peer.recv_frames(&mut conn),
            vec![frames::rst(1, ErrorCode::CANCEL)]
        );
        let closed = frames::rst(1, ErrorCode::STREAM_CLOSED);
        assert_eq!(peer.send(&mut conn, frames::data(1, "late")), vec![]);
        assert_eq!(
            peer.send(&mut conn, frames::headers(1).field("x-t", "1").end_stream()),
            vec![]
        );
        assert_eq!(peer.send(&mut conn, frames::window_update(1, 100)), vec![]);
        assert_eq!(
            peer.send(&mut conn, frames::rst(1, ErrorCode::CANCEL)),
            vec![]
        );
        let got = peer.recv_frames(&mut conn);
        // (The late DATA's 4 octets go back to the connection window, too few for
        // either window policy to send WINDOW_UPDATE.)
        let expected = match answered {
            true => vec![closed.clone(), closed],
            false => vec![],
        };
        assert_eq!(got, expected, "answered: {answered}");
        assert!(!conn.is_closed());
    }
}

/// Config::answer_frames_after_local_reset: a PUSH_PROMISE on a stream we reset is
/// refused with RST_STREAM(REFUSED_STREAM) on the promised stream (hyper-h2), CANCEL by
/// default; the connection stays up either way.
#[test]
fn rfc9113_8_4_promise_on_a_stream_we_reset_refused_per_config() {
    for (config, code) in [
        (Config::client(), ErrorCode::CANCEL),
        (
            Config::hyper_h2(h2_conn::Role::Client),
            ErrorCode::REFUSED_STREAM,
        ),
    ] {
        let (mut conn, mut peer) = client_with(config);
        conn.send_headers(sid(1), &support::request_fields("GET", "/"), true)
            .unwrap();
        conn.reset_stream(sid(1), ErrorCode::CANCEL).unwrap();
        peer.recv_frames(&mut conn);
        let events = peer.send(&mut conn, frames::push_promise(1, 2).request("GET", "/p"));
        assert_eq!(events, vec![]);
        assert_eq!(peer.recv_frames(&mut conn), vec![frames::rst(2, code)]);
        assert!(!conn.is_closed());
    }
}

#[test]
fn rfc9113_5_1_data_after_end_stream_is_stream_closed() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).get("/").end_stream());
    assert_eq!(
        conn.stream_state(sid(1)),
        Some(StreamState::HalfClosedRemote)
    );
    let events = peer.send(&mut conn, frames::data(1, "more"));
    assert_reset_by_us(&events, &mut conn, &mut peer, 1, ErrorCode::STREAM_CLOSED);
}

#[test]
fn rfc9113_5_1_frames_after_peer_reset_are_stream_closed() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let events = peer.send(&mut conn, frames::rst(1, ErrorCode::CANCEL));
    assert_eq!(events, vec![remote_reset(1, ErrorCode::CANCEL)]);
    // PRIORITY is still allowed on a closed stream.
    let events = peer.send(&mut conn, frames::priority(1, 0, 1));
    assert!(
        matches!(&events[..], [Event::PriorityUpdated { .. }]),
        "{events:?}"
    );
    let events = peer.send(&mut conn, frames::data(1, "x"));
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::rst(1, ErrorCode::STREAM_CLOSED)]
    );
    assert_eq!(events, vec![]);
}

#[test]
fn rfc9113_5_1_half_closed_local_still_receives() {
    let (mut conn, mut peer) = client();
    let id = conn.next_stream_id().unwrap();
    conn.send_headers(id, &support::request_fields("GET", "/"), true)
        .unwrap();
    assert_eq!(conn.stream_state(id), Some(StreamState::HalfClosedLocal));
    peer.recv_frames(&mut conn);
    let events = peer.send(&mut conn, frames::headers(1).response(200));
    assert!(matches!(&events[..], [Event::ResponseReceived { .. }]));
    let events = peer.send(&mut conn, frames::data(1, "body").end_stream());
    assert_eq!(events, vec![data_received(1, "body", true), ended(1)]);
    assert!(matches!(
        conn.stream_state(id),
        Some(StreamState::Closed(_))
    ));
    assert_eq!(conn.open_outbound_streams(), 0);
    // Sending more on a closed stream is a caller error.
    assert!(conn.send_data(id, "x", false).is_err());
}

// ---------------------------------------------------------------- 5.1.1 identifiers

#[test]
fn rfc9113_5_1_1_even_stream_from_client_is_protocol_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(&mut conn, frames::headers(2).get("/").end_stream());
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(0, ErrorCode::PROTOCOL_ERROR)]
    );
}

#[test]
fn rfc9113_5_1_1_server_may_not_open_streams_with_headers() {
    let (mut conn, mut peer) = client();
    let events = peer.send(&mut conn, frames::headers(2).response(200).end_stream());
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
}

#[test]
fn rfc9113_5_1_1_stream_ids_must_increase() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(5).get("/").end_stream());
    let events = peer.send(&mut conn, frames::headers(3).get("/").end_stream());
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 5)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(5, ErrorCode::PROTOCOL_ERROR)]
    );
}

#[test]
fn rfc9113_5_1_1_skipped_streams_are_implicitly_closed() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(7).get("/").end_stream());
    assert_eq!(conn.stream_state(sid(3)), None);
    // DATA on a skipped (closed) stream: a stream error, not an idle-stream error.
    let events = peer.send(&mut conn, frames::data(3, "x"));
    assert_eq!(events, vec![]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::rst(3, ErrorCode::STREAM_CLOSED)]
    );
    assert!(!conn.is_closed());
}

#[test]
fn rfc9113_5_1_1_client_ids_are_odd_and_increase() {
    let (mut conn, mut peer) = client();
    assert_eq!(conn.next_stream_id(), Ok(sid(1)));
    conn.send_headers(sid(3), &support::request_fields("GET", "/"), true)
        .unwrap();
    assert_eq!(conn.next_stream_id(), Ok(sid(5)));
    assert_eq!(
        conn.send_headers(sid(1), &support::request_fields("GET", "/"), true),
        Err(h2_conn::UserError::InvalidStreamId(sid(1)))
    );
    assert_eq!(
        conn.send_headers(sid(6), &support::request_fields("GET", "/"), true),
        Err(h2_conn::UserError::InvalidStreamId(sid(6)))
    );
    assert_eq!(
        peer.recv(&mut conn),
        vec![Got::Headers {
            stream_id: sid(3),
            fields: support::request_fields("GET", "/"),
            end_stream: true
        }]
    );
}

// ---------------------------------------------------------------- 5.1.2 concurrency

fn limited_server(limit: u32) -> (h2_conn::Connection, support::Peer) {
    let mut config = Config::server();
    config.set_local_setting(SettingId::MAX_CONCURRENT_STREAMS, limit);
    server_with(config)
}

#[test]
fn rfc9113_5_1_2_over_concurrency_limit_is_refused_stream() {
    let (mut conn, mut peer) = limited_server(2);
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    peer.send(&mut conn, frames::headers(3).request("POST", "/"));
    let events = peer.send(&mut conn, frames::headers(5).request("POST", "/"));
    assert_reset_by_us(&events, &mut conn, &mut peer, 5, ErrorCode::REFUSED_STREAM);
    assert_eq!(conn.open_inbound_streams(), 2);
    // Once a stream closes, a new one fits.
    peer.send(&mut conn, frames::data(1, "").end_stream());
    conn.send_headers(sid(1), &support::fields(&[(":status", "200")]), true)
        .unwrap();
    let events = peer.send(&mut conn, frames::headers(7).get("/").end_stream());
    assert_eq!(
        events,
        vec![request_received(7, "GET", "/", true), ended(7)]
    );
}

#[test]
fn rfc9113_5_1_2_half_closed_streams_count() {
    let (mut conn, mut peer) = limited_server(1);
    peer.send(&mut conn, frames::headers(1).get("/").end_stream());
    assert_eq!(conn.open_inbound_streams(), 1);
    let events = peer.send(&mut conn, frames::headers(3).get("/").end_stream());
    assert_eq!(events, vec![reset_by_us(3, ErrorCode::REFUSED_STREAM)]);
}

#[test]
fn rfc9113_5_1_2_client_respects_peer_limit() {
    let (mut conn, mut peer) = client();
    peer.send(&mut conn, frames::settings().max_concurrent_streams(1));
    peer.recv_frames(&mut conn);
    conn.send_headers(sid(1), &support::request_fields("GET", "/"), true)
        .unwrap();
    assert_eq!(
        conn.send_headers(sid(3), &support::request_fields("GET", "/"), true),
        Err(h2_conn::UserError::TooManyStreams(1))
    );
    peer.send(&mut conn, frames::headers(1).response(200).end_stream());
    conn.send_headers(sid(3), &support::request_fields("GET", "/"), true)
        .unwrap();
}

/// A client that has sent its preface but not yet heard the server's SETTINGS opens
/// `n` GET streams (ids 1, 3, ...) and returns how the next one fares.
fn open_before_settings(conn: &mut Connection, n: u32) -> Result<(), h2_conn::UserError> {
    for i in 0..n {
        conn.send_headers(sid(2 * i + 1), &support::request_fields("GET", "/"), true)
            .unwrap();
    }
    conn.send_headers(sid(2 * n + 1), &support::request_fields("GET", "/"), true)
}

/// RFC 9113 5.1.2 / 6.5.2: SETTINGS_MAX_CONCURRENT_STREAMS starts unlimited, but until
/// the peer's SETTINGS arrive we open at most `Config::initial_max_send_streams` (100):
/// the 101st request is refused with nothing written; the server's SETTINGS then set the
/// real limit.
#[test]
fn rfc9113_5_1_2_streams_before_peer_settings_are_held_to_initial_max_send_streams() {
    let mut conn = Connection::new(Config::client());
    assert_eq!(conn.config().initial_max_send_streams, 100);
    conn.initiate_connection();
    let mut peer = support::Peer::new(&conn);
    peer.recv_frames(&mut conn);
    assert!(!conn.remote_settings_received());
    let before = conn.pending_output_len();
    assert_eq!(
        open_before_settings(&mut conn, 100),
        Err(h2_conn::UserError::TooManyStreams(100))
    );
    assert_eq!(conn.open_outbound_streams(), 100);
    assert_eq!(conn.stream_state(sid(201)), None);
    assert_eq!(conn.next_stream_id(), Ok(sid(201)));
    assert!(conn.pending_output_len() > before);
    let written = peer.recv(&mut conn);
    assert_eq!(written.len(), 100, "one HEADERS per stream, no more");
    // The server's SETTINGS allow 128: the 101st opens, up to the 128th.
    let events = peer.send(&mut conn, frames::settings().max_concurrent_streams(128));
    assert!(matches!(&events[..], [Event::RemoteSettingsChanged { .. }]));
    assert!(conn.remote_settings_received());
    for id in (201..=255).step_by(2) {
        conn.send_headers(sid(id), &support::request_fields("GET", "/"), true)
            .unwrap();
    }
    assert_eq!(
        conn.send_headers(sid(257), &support::request_fields("GET", "/"), true),
        Err(h2_conn::UserError::TooManyStreams(128))
    );
}

/// The initial limit gives way to whatever the peer's SETTINGS say, including no
/// SETTINGS_MAX_CONCURRENT_STREAMS at all (no limit, RFC 9113 6.5.2), and it can be
/// configured.
#[test]
fn rfc9113_6_5_2_peer_settings_without_max_concurrent_streams_lift_the_initial_limit() {
    let mut config = Config::client();
    config.initial_max_send_streams = 2;
    let mut conn = Connection::new(config);
    conn.initiate_connection();
    let mut peer = support::Peer::new(&conn);
    peer.recv_frames(&mut conn);
    assert_eq!(
        open_before_settings(&mut conn, 2),
        Err(h2_conn::UserError::TooManyStreams(2))
    );
    peer.send(&mut conn, frames::settings());
    assert!(conn.remote_settings_received());
    for id in (5..=403).step_by(2) {
        conn.send_headers(sid(id), &support::request_fields("GET", "/"), true)
            .unwrap();
    }
    assert_eq!(conn.open_outbound_streams(), 202);
}

/// A server learns the client's settings from the first frame after the preface; an
/// h2c server from the HTTP2-Settings header, before any frame.
#[test]
fn rfc9113_3_4_remote_settings_received_after_the_first_settings_frame() {
    let mut conn = Connection::new(Config::server());
    conn.initiate_connection();
    let mut peer = support::Peer::new(&conn);
    peer.send_raw(&mut conn, h2_conn::frame::PREFACE);
    assert!(!conn.remote_settings_received());
    peer.send(&mut conn, frames::settings());
    assert!(conn.remote_settings_received());

    let mut client = Connection::new(Config::client());
    let header = client.initiate_upgrade_connection(None).unwrap().unwrap();
    assert!(!client.remote_settings_received());
    let mut server = Connection::new(Config::server());
    server
        .initiate_upgrade_connection(Some(header.as_bytes()))
        .unwrap();
    assert!(server.remote_settings_received());
}

// ---------------------------------------------------------------- 5.3 priority

#[test]
fn rfc9113_5_3_1_stream_depending_on_itself_is_protocol_error() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let events = peer.send(&mut conn, frames::priority(1, 1, 16));
    assert_reset_by_us(&events, &mut conn, &mut peer, 1, ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9113_5_3_1_headers_depending_on_itself_is_protocol_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::headers(1)
            .get("/")
            .priority(1, 16, false)
            .end_stream(),
    );
    assert_eq!(events, vec![]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::rst(1, ErrorCode::PROTOCOL_ERROR)]
    );
    // The id counts as used.
    let events = peer.send(&mut conn, frames::headers(1).get("/").end_stream());
    assert!(events.is_empty() || conn.is_closed(), "{events:?}");
}

#[test]
fn rfc9113_5_3_2_priority_fields_are_reported() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::headers(3)
            .get("/")
            .priority(1, 200, true)
            .end_stream(),
    );
    let Event::RequestReceived { priority, .. } = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(
        *priority,
        Some(h2_conn::frame::PrioritySpec {
            dependency: sid(1),
            exclusive: true,
            weight: 200
        })
    );
}

// ---------------------------------------------------------------- 6.1 DATA

#[test]
fn rfc9113_6_1_padding_counts_against_flow_control() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let events = peer.send(&mut conn, frames::data(1, "hello").padded(3));
    assert_eq!(
        events,
        vec![Event::DataReceived {
            stream_id: sid(1),
            data: Bytes::from_static(b"hello"),
            flow_controlled_length: 9,
            end_stream: false,
        }]
    );
    assert_eq!(conn.remote_flow_control_window(sid(0)), Ok(65_535 - 9));
    assert_eq!(conn.remote_flow_control_window(sid(1)), Ok(65_535 - 9));
}

#[test]
fn rfc9113_6_1_data_on_stream_0_is_protocol_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(&mut conn, frames::raw(FrameType::DATA, 0, 0, "x"));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
}

#[test]
fn rfc9113_6_1_padding_longer_than_payload_is_protocol_error() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let events = peer.send(
        &mut conn,
        frames::raw(FrameType::DATA, 0x8, 1, &[5u8, b'a', b'b'][..]),
    );
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 1)]);
}

#[test]
fn rfc9113_6_1_data_before_headers_is_malformed() {
    let (mut conn, mut peer) = client();
    conn.send_headers(sid(1), &support::request_fields("GET", "/"), true)
        .unwrap();
    peer.recv_frames(&mut conn);
    let events = peer.send(&mut conn, frames::data(1, "body"));
    assert_reset_by_us(&events, &mut conn, &mut peer, 1, ErrorCode::PROTOCOL_ERROR);
}

/// A plain DATA frame is taken apart where it lies when it lies whole in the input, or
/// when its header came alone in the input before (vectored writers); one cut anywhere
/// else goes through the frame parser. All three must give the same events and frames
/// back: data, an empty frame, the end of the stream, then DATA on a closed stream.
#[test]
fn rfc9113_6_1_data_in_place_and_parsed_frames_agree() {
    // Where each frame is cut into two inputs: not at all, after its header, after its
    // header and one payload octet.
    let cuts = [None, Some(9), Some(10)];
    let mut conns: Vec<_> = cuts.iter().map(|_| server()).collect();
    let steps: Vec<Vec<frames::DataBuilder>> = vec![
        vec![frames::data(1, "hello"), frames::data(1, "")],
        vec![frames::data(1, "world").end_stream()],
        vec![frames::data(1, "late")],
    ];
    for (conn, peer) in conns.iter_mut() {
        peer.send(conn, frames::headers(1).request("POST", "/"));
    }
    for step in steps {
        let mut got = Vec::new();
        for ((conn, peer), cut) in conns.iter_mut().zip(cuts) {
            let mut events = Vec::new();
            let mut wire = Vec::new();
            for d in &step {
                let frame = peer.encode(d.clone());
                match cut {
                    Some(at) => {
                        let at = at.min(frame.len());
                        events.extend(peer.send_raw(conn, &frame[..at]));
                        events.extend(peer.send_raw(conn, &frame[at..]));
                    }
                    None => wire.extend_from_slice(&frame),
                }
            }
            if cut.is_none() {
                events = peer.send_raw(conn, &wire);
            }
            got.push((events, peer.recv_frames(conn), peer.reasons.clone()));
        }
        assert_eq!(got[0], got[1]);
        assert_eq!(got[0], got[2]);
        assert!(!got[0].0.is_empty());
    }
}

// ---------------------------------------------------------------- 6.2 HEADERS

#[test]
fn rfc9113_6_2_headers_on_stream_0_is_protocol_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(&mut conn, frames::raw(FrameType::HEADERS, 0x4, 0, ""));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
}

#[test]
fn rfc9113_6_2_padded_headers_are_accepted() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::headers(1).get("/").padded(10).end_stream(),
    );
    assert_eq!(
        events,
        vec![request_received(1, "GET", "/", true), ended(1)]
    );
}

/// A plain HEADERS frame (END_HEADERS, no padding, no priority fields) is decoded where
/// it lies in the input; a padded one goes through the frame parser. Both must give the
/// same events and the same frames back, for requests several to an input, trailers, a
/// malformed request and a block that does not decode.
#[test]
fn rfc9113_6_2_headers_in_place_and_parsed_frames_agree() {
    let (mut plain, mut plain_peer) = server();
    let (mut padded, mut padded_peer) = server();
    type Step = fn(frames::HeadersBuilder) -> frames::HeadersBuilder;
    let keep: Step = |h| h;
    let pad: Step = |h| h.padded(0);
    let steps: Vec<Vec<frames::HeadersBuilder>> = vec![
        vec![
            frames::headers(1).get("/a").end_stream(),
            frames::headers(3).request("POST", "/b"),
            frames::headers(5).get("/c").field("x-k", "v").end_stream(),
        ],
        vec![frames::headers(3).field("x-t", "1").end_stream()],
        vec![frames::headers(7).get("/").field("X-Up", "1")],
        vec![frames::headers(9).raw_block(&b"\xff\xff\xff\xff"[..])],
    ];
    for step in steps {
        let mut got = Vec::new();
        for (conn, peer, shape) in [
            (&mut plain, &mut plain_peer, keep),
            (&mut padded, &mut padded_peer, pad),
        ] {
            let mut wire = Vec::new();
            for h in &step {
                wire.extend_from_slice(&peer.encode(shape(h.clone())));
            }
            let events = peer.send_raw(conn, &wire);
            got.push((events, peer.recv_frames(conn), peer.reasons.clone()));
        }
        assert_eq!(got[0], got[1]);
        assert!(!got[0].0.is_empty());
    }
}

// ---------------------------------------------------------------- 6.3 PRIORITY

#[test]
fn rfc9113_6_3_priority_on_stream_0_is_protocol_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::raw(FrameType::PRIORITY, 0, 0, &[0, 0, 0, 1, 16][..]),
    );
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
}

#[test]
fn rfc9113_6_3_priority_of_wrong_length_is_frame_size_error() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let events = peer.send(
        &mut conn,
        frames::raw(FrameType::PRIORITY, 0, 1, &[0, 0, 0, 0][..]),
    );
    assert_reset_by_us(
        &events,
        &mut conn,
        &mut peer,
        1,
        ErrorCode::FRAME_SIZE_ERROR,
    );
}

// ---------------------------------------------------------------- 6.4 RST_STREAM

#[test]
fn rfc9113_6_4_rst_stream_closes_the_stream() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let events = peer.send(&mut conn, frames::rst(1, ErrorCode::CANCEL));
    assert_eq!(events, vec![remote_reset(1, ErrorCode::CANCEL)]);
    assert!(matches!(
        conn.stream_state(sid(1)),
        Some(StreamState::Closed(_))
    ));
    assert_eq!(conn.open_inbound_streams(), 0);
    // No RST_STREAM in answer to RST_STREAM (RFC 9113 5.4.2).
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
    assert!(conn
        .send_headers(sid(1), &support::fields(&[(":status", "200")]), true)
        .is_err());
}

#[test]
fn rfc9113_6_4_rst_stream_on_idle_stream_is_protocol_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(&mut conn, frames::rst(1, ErrorCode::CANCEL));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
}

#[test]
fn rfc9113_6_4_rst_stream_on_stream_0_is_protocol_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::raw(FrameType::RST_STREAM, 0, 0, &[0, 0, 0, 8][..]),
    );
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
}

#[test]
fn rfc9113_6_4_rst_stream_of_wrong_length_is_frame_size_error() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let events = peer.send(
        &mut conn,
        frames::raw(FrameType::RST_STREAM, 0, 1, &[0, 0, 8][..]),
    );
    assert_eq!(events, vec![terminated(ErrorCode::FRAME_SIZE_ERROR, 1)]);
}

// ---------------------------------------------------------------- 6.6 PUSH_PROMISE

#[test]
fn rfc9113_6_6_push_promise_to_server_is_protocol_error() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).get("/").end_stream());
    let events = peer.send(&mut conn, frames::push_promise(1, 2).request("GET", "/p"));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 1)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(1, ErrorCode::PROTOCOL_ERROR)]
    );
}

#[test]
fn rfc9113_6_6_client_receives_a_pushed_response() {
    let (mut conn, mut peer) = client();
    conn.send_headers(sid(1), &support::request_fields("GET", "/"), true)
        .unwrap();
    peer.recv_frames(&mut conn);
    let events = peer.send(
        &mut conn,
        frames::push_promise(1, 2).request("GET", "/style.css"),
    );
    assert_eq!(
        events,
        vec![Event::PushedStreamReceived {
            pushed_stream_id: sid(2),
            parent_stream_id: sid(1),
            headers: support::request_fields("GET", "/style.css").into(),
        }]
    );
    assert_eq!(conn.stream_state(sid(2)), Some(StreamState::ReservedRemote));
    let events = peer.send(&mut conn, frames::headers(2).response(200));
    assert!(
        matches!(&events[..], [Event::ResponseReceived { .. }]),
        "{events:?}"
    );
    let events = peer.send(&mut conn, frames::data(2, "body{}").end_stream());
    assert_eq!(events, vec![data_received(2, "body{}", true), ended(2)]);
}

#[test]
fn rfc9113_6_6_push_promise_when_disabled_is_protocol_error() {
    let mut config = Config::client();
    config.set_local_setting(SettingId::ENABLE_PUSH, 0);
    let (mut conn, mut peer) = client_with(config);
    conn.send_headers(sid(1), &support::request_fields("GET", "/"), true)
        .unwrap();
    peer.recv_frames(&mut conn);
    let events = peer.send(&mut conn, frames::push_promise(1, 2).request("GET", "/p"));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
}

#[test]
fn rfc9113_6_6_promised_stream_must_be_even_and_idle() {
    for promised in [3, 0x7fff_fffd] {
        let (mut conn, mut peer) = client();
        conn.send_headers(sid(1), &support::request_fields("GET", "/"), true)
            .unwrap();
        peer.recv_frames(&mut conn);
        let events = peer.send(
            &mut conn,
            frames::push_promise(1, promised).request("GET", "/p"),
        );
        assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
    }
    let (mut conn, mut peer) = client();
    conn.send_headers(sid(1), &support::request_fields("GET", "/"), true)
        .unwrap();
    peer.send(&mut conn, frames::push_promise(1, 4).request("GET", "/a"));
    let events = peer.send(&mut conn, frames::push_promise(1, 2).request("GET", "/b"));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 4)]);
}

#[test]
fn rfc9113_6_6_push_promise_on_a_closed_stream_is_an_error() {
    let (mut conn, mut peer) = client();
    conn.send_headers(sid(1), &support::request_fields("GET", "/"), true)
        .unwrap();
    peer.send(&mut conn, frames::headers(1).response(200).end_stream());
    peer.recv_frames(&mut conn);
    let events = peer.send(&mut conn, frames::push_promise(1, 2).request("GET", "/b"));
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(
        matches!(
            &events[0],
            Event::ConnectionTerminated { error_code, .. } if *error_code == ErrorCode::PROTOCOL_ERROR
                || *error_code == ErrorCode::STREAM_CLOSED
        ),
        "{events:?}"
    );
}

// ---------------------------------------------------------------- 6.10 CONTINUATION

#[test]
fn rfc9113_6_10_continuations_complete_a_header_block() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::headers(1)
            .get("/long")
            .continuations(3)
            .end_stream(),
    );
    assert_eq!(
        events,
        vec![request_received(1, "GET", "/long", true), ended(1)]
    );
}

#[test]
fn rfc9113_6_10_interleaved_frame_in_header_block_is_protocol_error() {
    let (mut conn, mut peer) = server();
    assert_eq!(
        peer.send(&mut conn, frames::headers(1).get("/").unfinished()),
        vec![]
    );
    let events = peer.send(&mut conn, frames::ping(*b"12345678"));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(0, ErrorCode::PROTOCOL_ERROR)]
    );
}

#[test]
fn rfc9113_6_10_continuation_on_another_stream_is_protocol_error() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).get("/").unfinished());
    let events = peer.send(&mut conn, frames::continuation(3, Bytes::new(), true));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
}

#[test]
fn rfc9113_6_10_continuation_without_a_block_is_protocol_error() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).get("/").end_stream());
    let events = peer.send(&mut conn, frames::continuation(1, Bytes::new(), true));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 1)]);
}

// ---------------------------------------------------------------- 8.x messages

#[test]
fn rfc9113_8_1_1_content_length_mismatch_is_stream_error() {
    let (mut conn, mut peer) = server();
    peer.send(
        &mut conn,
        frames::headers(1)
            .request("POST", "/")
            .field("content-length", "10"),
    );
    let events = peer.send(&mut conn, frames::data(1, "hello").end_stream());
    assert_reset_by_us(&events, &mut conn, &mut peer, 1, ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9113_8_1_1_data_beyond_content_length_is_stream_error() {
    let (mut conn, mut peer) = server();
    peer.send(
        &mut conn,
        frames::headers(1)
            .request("POST", "/")
            .field("content-length", "3"),
    );
    let events = peer.send(&mut conn, frames::data(1, "hello"));
    assert_eq!(events, vec![reset_by_us(1, ErrorCode::PROTOCOL_ERROR)]);
}

#[test]
fn rfc9113_8_1_trailers_end_the_stream() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    peer.send(&mut conn, frames::data(1, "body"));
    let events = peer.send(
        &mut conn,
        frames::headers(1).field("x-checksum", "abc").end_stream(),
    );
    assert_eq!(
        events,
        vec![
            Event::TrailersReceived {
                stream_id: sid(1),
                headers: support::fields(&[("x-checksum", "abc")]).into(),
            },
            ended(1)
        ]
    );
}

#[test]
fn rfc9113_8_1_trailers_without_end_stream_are_malformed() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    peer.send(&mut conn, frames::data(1, "body"));
    let events = peer.send(&mut conn, frames::headers(1).field("x-checksum", "abc"));
    assert_eq!(events, vec![reset_by_us(1, ErrorCode::PROTOCOL_ERROR)]);
}

#[test]
fn rfc9113_8_1_informational_responses_precede_the_final_one() {
    let (mut conn, mut peer) = client();
    conn.send_headers(sid(1), &support::request_fields("GET", "/"), true)
        .unwrap();
    peer.recv_frames(&mut conn);
    let events = peer.send(
        &mut conn,
        frames::headers(1).response(103).field("link", "</s>"),
    );
    assert_eq!(
        events,
        vec![Event::InformationalResponseReceived {
            stream_id: sid(1),
            headers: support::fields(&[(":status", "103"), ("link", "</s>")]).into(),
        }]
    );
    let events = peer.send(&mut conn, frames::headers(1).response(200).end_stream());
    assert_eq!(
        events,
        vec![
            Event::ResponseReceived {
                stream_id: sid(1),
                headers: support::fields(&[(":status", "200")]).into(),
                end_stream: true
            },
            ended(1)
        ]
    );
}

fn malformed_request(list: &[(&str, &str)]) {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::headers(1)
            .fields(support::fields(list))
            .end_stream(),
    );
    assert_eq!(
        events,
        vec![reset_by_us(1, ErrorCode::PROTOCOL_ERROR)],
        "{list:?}"
    );
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::rst(1, ErrorCode::PROTOCOL_ERROR)],
        "{list:?}"
    );
}

const GET: [(&str, &str); 4] = [
    (":method", "GET"),
    (":scheme", "http"),
    (":authority", "a"),
    (":path", "/"),
];

#[test]
fn rfc9113_8_2_uppercase_field_name_is_malformed() {
    malformed_request(&[GET[0], GET[1], GET[2], GET[3], ("X-Upper", "1")]);
}

#[test]
fn rfc9113_8_2_1_field_value_with_newline_is_malformed() {
    malformed_request(&[GET[0], GET[1], GET[2], GET[3], ("x-a", "a\nb")]);
}

/// A request block: `:method GET`, `:scheme http`, `:path /` from the static table, a
/// literal `:authority a`, then `rest`.
fn get_block(rest: &[u8]) -> Bytes {
    let mut block = vec![0x82, 0x86, 0x84, 0x01, 0x01, b'a'];
    block.extend_from_slice(rest);
    Bytes::from(block)
}

/// A field the peer adds to the HPACK dynamic table (literal with incremental indexing,
/// RFC 7541 6.2.1) makes its first request malformed; referencing that entry by index in a
/// later request must make that one malformed too: the character check is skipped only
/// for entries that passed it.
#[test]
fn rfc9113_8_2_1_indexed_field_from_invalid_table_entry_is_malformed() {
    let entries: [&[u8]; 3] = [
        b"\x40\x05x-bad\x03a\x01b", // control octet in the value
        b"\x40\x05X-Bad\x01v",      // uppercase name
        b"\x40\x05x-bad\x02v ",     // trailing whitespace
    ];
    for entry in entries {
        let (mut conn, mut peer) = server();
        for (id, block) in [(1, get_block(entry)), (3, get_block(b"\xbe"))] {
            let events = peer.send(&mut conn, frames::headers(id).raw_block(block).end_stream());
            assert_eq!(
                events,
                vec![reset_by_us(id, ErrorCode::PROTOCOL_ERROR)],
                "{entry:?} stream {id}"
            );
            assert_eq!(
                peer.recv_frames(&mut conn),
                vec![frames::rst(id, ErrorCode::PROTOCOL_ERROR)],
                "{entry:?} stream {id}"
            );
        }
    }
}

/// The other side of the test above: a valid entry is accepted when it is added and every
/// time it is referenced, with the same field delivered; and a connection-specific field
/// taken from the table is still malformed (only the character scan is skipped).
#[test]
fn rfc9113_8_2_2_indexed_valid_entry_is_accepted_and_other_rules_still_apply() {
    let (mut conn, mut peer) = server();
    for (id, block) in [
        (1, get_block(b"\x40\x05x-one\x01v")),
        (3, get_block(b"\xbe")),
    ] {
        let events = peer.send(&mut conn, frames::headers(id).raw_block(block).end_stream());
        let Some(Event::RequestReceived { headers, .. }) = events.first() else {
            panic!("stream {id}: {events:?}");
        };
        let last = headers.iter().next_back().expect("fields");
        assert_eq!((last.name, last.value), (&b"x-one"[..], &b"v"[..]));
    }
    for (id, block) in [
        (5, get_block(b"\x40\x0aconnection\x05close")),
        (7, get_block(b"\xbe")),
    ] {
        let events = peer.send(&mut conn, frames::headers(id).raw_block(block).end_stream());
        assert_eq!(
            events,
            vec![reset_by_us(id, ErrorCode::PROTOCOL_ERROR)],
            "stream {id}"
        );
        assert_eq!(
            peer.recv_frames(&mut conn),
            vec![frames::rst(id, ErrorCode::PROTOCOL_ERROR)]
        );
    }
}

#[test]
fn rfc9113_8_2_2_connection_specific_field_is_malformed() {
    malformed_request(&[GET[0], GET[1], GET[2], GET[3], ("connection", "close")]);
    malformed_request(&[
        GET[0],
        GET[1],
        GET[2],
        GET[3],
        ("transfer-encoding", "chunked"),
    ]);
}

#[test]
fn rfc9113_8_2_2_te_other_than_trailers_is_malformed() {
    malformed_request(&[GET[0], GET[1], GET[2], GET[3], ("te", "gzip")]);
}

#[test]
fn rfc9113_8_3_pseudo_header_after_regular_field_is_malformed() {
    malformed_request(&[GET[0], GET[1], GET[2], ("x-a", "1"), GET[3]]);
}

#[test]
fn rfc9113_8_3_1_missing_method_is_malformed() {
    malformed_request(&[GET[1], GET[2], GET[3]]);
}

#[test]
fn rfc9113_8_3_1_response_pseudo_header_in_request_is_malformed() {
    malformed_request(&[GET[0], GET[1], GET[2], GET[3], (":status", "200")]);
}

#[test]
fn rfc9113_8_3_1_duplicate_pseudo_header_is_malformed() {
    malformed_request(&[GET[0], GET[1], GET[2], GET[3], (":path", "/x")]);
}

#[test]
fn rfc9113_8_3_2_response_without_status_is_malformed() {
    let (mut conn, mut peer) = client();
    conn.send_headers(sid(1), &support::request_fields("GET", "/"), true)
        .unwrap();
    peer.recv_frames(&mut conn);
    let events = peer.send(&mut conn, frames::headers(1).field("x-a", "1").end_stream());
    assert_reset_by_us(&events, &mut conn, &mut peer, 1, ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9113_8_5_connect_has_only_method_and_authority() {
    let (mut conn, mut peer) = server();
    let list = support::fields(&[(":method", "CONNECT"), (":authority", "example.com:443")]);
    let events = peer.send(&mut conn, frames::headers(1).fields(list.clone()));
    assert_eq!(
        events,
        vec![Event::RequestReceived {
            stream_id: sid(1),
            headers: list.into(),
            end_stream: false,
            priority: None
        }]
    );
    malformed_request(&[
        (":method", "CONNECT"),
        (":authority", "a:1"),
        (":path", "/"),
    ]);
}

#[test]
fn rfc9113_8_7_refused_stream_is_reported_for_retry() {
    let (mut conn, mut peer) = client();
    conn.send_headers(sid(1), &support::request_fields("GET", "/"), true)
        .unwrap();
    peer.recv_frames(&mut conn);
    let events = peer.send(&mut conn, frames::rst(1, ErrorCode::REFUSED_STREAM));
    assert_eq!(events, vec![remote_reset(1, ErrorCode::REFUSED_STREAM)]);
    assert_eq!(conn.open_outbound_streams(), 0);
    assert_eq!(conn.next_stream_id(), Ok(sid(3)));
}

#[test]
fn rfc9113_10_5_1_header_list_over_our_limit_is_answered_431() {
    let mut config = Config::server();
    config.set_local_setting(SettingId::MAX_HEADER_LIST_SIZE, 200);
    let (mut conn, mut peer) = server_with(config);
    let big = "v".repeat(300);
    let events = peer.send(
        &mut conn,
        frames::headers(1)
            .get("/")
            .field("x-big", &big)
            .end_stream(),
    );
    assert_eq!(events, vec![]);
    assert_eq!(
        peer.recv(&mut conn),
        vec![Got::headers(1, &[(":status", "431")], true)]
    );
    // The HPACK context is intact: the next request decodes.
    let events = peer.send(&mut conn, frames::headers(3).get("/").end_stream());
    assert_eq!(
        events,
        vec![request_received(3, "GET", "/", true), ended(3)]
    );
}

/// Config::header_list_too_large_closes_connection (hyper-h2 compatibility): a header list
/// over our limit ends the connection with GOAWAY(ENHANCE_YOUR_CALM) naming the last
/// stream processed before it; by default the request is answered with 431 (above).
#[test]
fn rfc9113_10_5_1_header_list_over_our_limit_closes_connection_when_configured() {
    for (mut config, closes) in [
        (Config::server(), false),
        (Config::hyper_h2(h2_conn::Role::Server), true),
    ] {
        config.set_local_setting(SettingId::MAX_HEADER_LIST_SIZE, 200);
        let (mut conn, mut peer) = server_with(config);
        peer.send(&mut conn, frames::headers(1).get("/"));
        let big = "v".repeat(300);
        let events = peer.send(
            &mut conn,
            frames::headers(3)
                .get("/")
                .field("x-big", &big)
                .end_stream(),
        );
        if closes {
            assert_eq!(events, vec![terminated(ErrorCode::ENHANCE_YOUR_CALM, 1)]);
            assert_eq!(
                peer.recv_frames(&mut conn),
                vec![frames::goaway(1, ErrorCode::ENHANCE_YOUR_CALM)]
            );
            assert!(conn.is_closed());
        } else {
            assert_eq!(events, vec![]);
            assert_eq!(
                peer.recv(&mut conn),
                vec![Got::headers(3, &[(":status", "431")], true)]
            );
            assert!(!conn.is_closed());
        }
    }
}

/// Config::stream_errors_close_connection: a stream over SETTINGS_MAX_CONCURRENT_STREAMS
/// ends the connection with PROTOCOL_ERROR (REFUSED_STREAM means nothing for a whole
/// connection), and the refused stream is not counted as processed in the GOAWAY; by
/// default it is refused on its own with RST_STREAM(REFUSED_STREAM).
#[test]
fn rfc9113_5_1_2_over_concurrency_limit_as_connection_error_is_protocol_error() {
    for close in [false, true] {
        let mut config = Config::server();
        config.set_local_setting(SettingId::MAX_CONCURRENT_STREAMS, 1);
        config.stream_errors_close_connection = close;
        let (mut conn, mut peer) = server_with(config);
        peer.send(&mut conn, frames::headers(1).request("POST", "/"));
        let events = peer.send(&mut conn, frames::headers(3).request("POST", "/"));
        if close {
            assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 1)]);
            assert_eq!(
                peer.recv_frames(&mut conn),
                vec![frames::goaway(1, ErrorCode::PROTOCOL_ERROR)]
            );
            assert_eq!(conn.local_error_stream_id(), Some(sid(3)));
        } else {
            assert_reset_by_us(&events, &mut conn, &mut peer, 3, ErrorCode::REFUSED_STREAM);
            assert_eq!(conn.local_error_stream_id(), None);
        }
    }
}

/// RFC 9113 5.1.1: HEADERS on a stream id below one already used is a connection error;
/// `local_error_stream_id` names the offending id.
#[test]
fn rfc9113_5_1_1_low_stream_id_is_reported_with_its_id() {
    for config in [Config::server(), Config::hyper_h2(h2_conn::Role::Server)] {
        let (mut conn, mut peer) = server_with(config);
        peer.send(&mut conn, frames::headers(3).get("/").end_stream());
        let events = peer.send(&mut conn, frames::headers(1).get("/").end_stream());
        assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 3)]);
        assert_eq!(conn.local_error_stream_id(), Some(sid(1)));
    }
}

/// RFC 9113 8.2: an empty field name makes the message malformed, reported as such even
/// when the value is invalid too (a stream error; with stream_errors_close_connection,
/// as in hyper-h2 mode, it ends the connection with the reason).
#[test]
fn rfc9113_8_2_empty_field_name_is_malformed() {
    // Literal without indexing, new name of length 0, value "\x04".
    let block: &[u8] = &[0x00, 0x00, 0x01, 0x04];
    let (mut conn, mut peer) = server();
    let events = peer.send(&mut conn, frames::headers(1).raw_block(block).end_stream());
    assert_reset_by_us(&events, &mut conn, &mut peer, 1, ErrorCode::PROTOCOL_ERROR);
    let (mut conn, mut peer) = server_with(Config::hyper_h2(h2_conn::Role::Server));
    let events = peer.send(&mut conn, frames::headers(1).raw_block(block).end_stream());
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 1)]);
    assert_eq!(conn.local_error_reason(), Some("field name is empty"));
}
