//! Conversation tests for connection-level rules: the preface (RFC 9113 3.4), frame
//! format and size (4.1, 4.2), extensibility (5.5), SETTINGS (6.5), PING (6.7), GOAWAY
//! (6.8). Each test scripts a raw-frame peer and asserts the exact frames our connection
//! writes and the exact events it returns.

mod support;

use h2_conn::frame::{FrameType, SettingId, PREFACE};
use h2_conn::{
    ChangedSetting, Config, Connection, ErrorCode, Event, HeaderField, StreamId, StreamState,
    UserError,
};
use support::frames::{self, sid};
use support::{client, server, server_with, terminated, Got, Peer};

fn changed(setting: SettingId, from: u32, to: u32) -> ChangedSetting {
    ChangedSetting {
        setting,
        original_value: Some(from),
        new_value: to,
    }
}

fn server_settings() -> h2_conn::frame::Frame {
    h2_conn::frame::Frame::Settings(h2_conn::frame::SettingsFrame::new(
        Config::server().initial_settings,
    ))
}

/// The WINDOW_UPDATE that opens a default server's connection window after its SETTINGS.
fn server_window() -> h2_conn::frame::Frame {
    frames::window_update(0, h2_conn::DEFAULT_SERVER_CONNECTION_WINDOW - 65_535)
}

// ---------------------------------------------------------------- 3.4 preface

#[test]
fn rfc9113_3_4_invalid_preface_is_protocol_error() {
    let mut conn = Connection::new(Config::server());
    conn.initiate_connection();
    let mut peer = Peer::new(&conn);
    let events = peer.send_raw(&mut conn, b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![
            server_settings(),
            server_window(),
            frames::goaway(0, ErrorCode::PROTOCOL_ERROR)
        ]
    );
    assert!(conn.is_closed());
    assert!(conn.receive_data(PREFACE).is_err());
}

#[test]
fn rfc9113_3_4_preface_may_arrive_one_octet_at_a_time() {
    let mut conn = Connection::new(Config::server());
    conn.initiate_connection();
    let mut peer = Peer::new(&conn);
    for octet in PREFACE.iter() {
        assert_eq!(peer.send_raw(&mut conn, &[*octet]), vec![]);
    }
    let wire = peer.encode(frames::settings().max_concurrent_streams(7));
    let mut events = Vec::new();
    for octet in wire.iter() {
        events.extend(peer.send_raw(&mut conn, &[*octet]));
    }
    assert_eq!(
        events,
        vec![Event::RemoteSettingsChanged {
            changed: vec![changed(SettingId::MAX_CONCURRENT_STREAMS, u32::MAX, 7)]
        }]
    );
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![server_settings(), server_window(), frames::settings_ack()]
    );
}

#[test]
fn rfc9113_3_4_preface_wrong_in_last_octet_is_protocol_error() {
    let mut conn = Connection::new(Config::server());
    conn.initiate_connection();
    let mut peer = Peer::new(&conn);
    let mut bad = *PREFACE;
    bad[23] = b'X';
    assert_eq!(peer.send_raw(&mut conn, &bad[..20]), vec![]);
    assert_eq!(
        peer.send_raw(&mut conn, &bad[20..]),
        vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]
    );
}

#[test]
fn rfc9113_3_4_first_frame_must_be_settings() {
    let mut conn = Connection::new(Config::server());
    conn.initiate_connection();
    let mut peer = Peer::new(&conn);
    peer.send_raw(&mut conn, PREFACE);
    let events = peer.send(&mut conn, frames::ping(*b"12345678"));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![
            server_settings(),
            server_window(),
            frames::goaway(0, ErrorCode::PROTOCOL_ERROR)
        ]
    );
}

#[test]
fn rfc9113_3_4_first_frame_must_not_be_a_settings_ack() {
    let mut conn = Connection::new(Config::server());
    conn.initiate_connection();
    let mut peer = Peer::new(&conn);
    peer.send_raw(&mut conn, PREFACE);
    let events = peer.send(&mut conn, frames::settings_ack());
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
}

#[test]
fn rfc9113_3_4_server_first_frame_must_be_settings_for_a_client() {
    let mut conn = Connection::new(Config::client());
    conn.initiate_connection();
    let mut peer = Peer::new(&conn);
    // SETTINGS and the WINDOW_UPDATE opening the connection window.
    assert_eq!(peer.recv_frames(&mut conn).len(), 2);
    let events = peer.send(&mut conn, frames::window_update(0, 10));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(0, ErrorCode::PROTOCOL_ERROR)]
    );
}

#[test]
fn rfc9113_3_4_client_sends_preface_then_settings() {
    let mut conn = Connection::new(Config::client());
    conn.initiate_connection();
    let wire = conn.data_to_send();
    assert_eq!(&wire[..24], &PREFACE[..]);
    let mut peer = Peer::new(&conn);
    peer.send_raw(&mut conn, &[]);
    let mut decoder = h2_conn::frame::FrameDecoder::new(16_384);
    decoder.push_bytes(wire.slice(24..));
    assert_eq!(
        decoder.next_frame().unwrap(),
        Some(h2_conn::frame::Frame::Settings(
            h2_conn::frame::SettingsFrame::new(Config::client().initial_settings)
        ))
    );
}

// ---------------------------------------------------------------- 4.x frames

#[test]
fn rfc9113_4_1_unknown_frame_type_is_ignored_and_reported() {
    let (mut conn, mut peer) = server();
    let frame = frames::raw(FrameType(0xbb), 0x5a, 0, "opaque");
    let events = peer.send(&mut conn, frame.clone());
    let h2_conn::frame::Frame::Unknown(unknown) = frame else {
        unreachable!()
    };
    assert_eq!(events, vec![Event::UnknownFrameReceived { frame: unknown }]);
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
}

#[test]
fn rfc9113_4_1_unknown_flags_are_ignored() {
    let (mut conn, mut peer) = server();
    // PING with every flag but ACK set.
    let events = peer.send(
        &mut conn,
        frames::raw(FrameType::PING, 0xfe, 0, &b"abcdefgh"[..]),
    );
    assert_eq!(events, vec![Event::PingReceived { data: *b"abcdefgh" }]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::ping_ack(*b"abcdefgh")]
    );
}

#[test]
fn rfc9113_4_1_reserved_bit_of_stream_id_is_ignored() {
    let (mut conn, mut peer) = server();
    let mut wire = peer
        .encode(frames::headers(1).get("/").end_stream())
        .to_vec();
    wire[5] |= 0x80; // the reserved bit
    let events = peer.send_raw(&mut conn, &wire);
    assert_eq!(
        events,
        vec![
            support::request_received(1, "GET", "/", true),
            support::ended(1)
        ]
    );
}

#[test]
fn rfc9113_4_2_frame_over_max_frame_size_is_frame_size_error() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let events = peer.send(&mut conn, frames::data(1, vec![0u8; 16_385]));
    assert_eq!(events, vec![terminated(ErrorCode::FRAME_SIZE_ERROR, 1)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(1, ErrorCode::FRAME_SIZE_ERROR)]
    );
}

#[test]
fn rfc9113_4_2_frame_of_exactly_max_frame_size_is_accepted() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let events = peer.send(&mut conn, frames::data(1, vec![7u8; 16_384]));
    assert!(
        matches!(&events[..], [Event::DataReceived { data, .. }] if data.len() == 16_384),
        "{events:?}"
    );
}

#[test]
fn rfc9113_4_3_hpack_error_is_compression_error() {
    let (mut conn, mut peer) = server();
    // Indexed field 127+: beyond the static table and the empty dynamic table.
    let events = peer.send(
        &mut conn,
        frames::headers(1).raw_block(&[0xff, 0x7f][..]).end_stream(),
    );
    assert_eq!(events, vec![terminated(ErrorCode::COMPRESSION_ERROR, 0)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(0, ErrorCode::COMPRESSION_ERROR)]
    );
}

#[test]
fn hpack_error_reported_as_protocol_error_when_configured() {
    // Config::compression_error_as_protocol_error (hyper-h2 compatibility).
    let mut config = Config::server();
    config.compression_error_as_protocol_error = true;
    let (mut conn, mut peer) = server_with(config);
    let events = peer.send(
        &mut conn,
        frames::headers(1).raw_block(&[0xff, 0x7f][..]).end_stream(),
    );
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(0, ErrorCode::PROTOCOL_ERROR)]
    );
}

#[test]
fn rfc9113_4_3_truncated_hpack_block_is_compression_error() {
    let (mut conn, mut peer) = server();
    // A literal whose name length promises 10 octets and carries 2.
    let events = peer.send(
        &mut conn,
        frames::headers(1).raw_block(&[0x40, 0x0a, b'a', b'b'][..]),
    );
    assert_eq!(events, vec![terminated(ErrorCode::COMPRESSION_ERROR, 0)]);
}

#[test]
fn rfc9113_4_3_hpack_context_survives_a_refused_stream() {
    // A block that is decoded and then refused still updates the dynamic table, so the
    // next block that refers to it decodes (RFC 9113 4.3: a receiver MUST decode every
    // field block to keep the compression state).
    let mut config = Config::server();
    config.set_local_setting(SettingId::MAX_CONCURRENT_STREAMS, 1);
    let (mut conn, mut peer) = server_with(config);
    peer.send(&mut conn, frames::headers(1).get("/a"));
    let events = peer.send(&mut conn, frames::headers(3).get("/b").field("x-k", "v"));
    assert_eq!(
        events,
        vec![support::reset_by_us(3, ErrorCode::REFUSED_STREAM)]
    );
    peer.send(&mut conn, frames::rst(1, ErrorCode::CANCEL));
    peer.recv_frames(&mut conn);
    // Same fields again: the peer's encoder uses dynamic-table references now.
    let events = peer.send(
        &mut conn,
        frames::headers(5).get("/b").field("x-k", "v").end_stream(),
    );
    assert_eq!(
        events,
        vec![
            Event::RequestReceived {
                stream_id: sid(5),
                headers: support::fields(&[
                    (":method", "GET"),
                    (":scheme", "http"),
                    (":authority", "example.com"),
                    (":path", "/b"),
                    ("x-k", "v")
                ])
                .into(),
                end_stream: true,
                priority: None,
            },
            support::ended(5)
        ]
    );
}

// ---------------------------------------------------------------- 5.5 extensions

#[test]
fn rfc9113_5_5_unknown_frame_in_the_middle_of_a_header_block_is_protocol_error() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).get("/").unfinished());
    let events = peer.send(&mut conn, frames::raw(FrameType(0xbb), 0, 0, ""));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
}

#[test]
fn rfc9113_5_5_unknown_setting_is_ignored() {
    let (mut conn, mut peer) = server();
    let events = peer.send(&mut conn, frames::settings().set(SettingId(0x4242), 9));
    assert_eq!(
        events,
        vec![Event::RemoteSettingsChanged { changed: vec![] }]
    );
    assert_eq!(peer.recv_frames(&mut conn), vec![frames::settings_ack()]);
}

// ---------------------------------------------------------------- 6.5 SETTINGS

#[test]
fn rfc9113_6_5_3_settings_are_acknowledged_and_applied() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::settings()
            .max_frame_size(20_000)
            .max_concurrent_streams(5),
    );
    assert_eq!(
        events,
        vec![Event::RemoteSettingsChanged {
            changed: vec![
                changed(SettingId::MAX_FRAME_SIZE, 16_384, 20_000),
                changed(SettingId::MAX_CONCURRENT_STREAMS, u32::MAX, 5),
            ]
        }]
    );
    assert_eq!(peer.recv_frames(&mut conn), vec![frames::settings_ack()]);
    assert_eq!(conn.max_outbound_frame_size(), 20_000);
    assert_eq!(conn.remote_settings().max_concurrent_streams(), 5);
}

#[test]
fn rfc9113_6_5_3_settings_take_effect_on_ack() {
    let (mut conn, mut peer) = server();
    let mut settings = h2_conn::Settings::new();
    settings.set(SettingId::MAX_FRAME_SIZE, 32_768);
    conn.update_settings(settings.clone()).unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![h2_conn::frame::Frame::Settings(
            h2_conn::frame::SettingsFrame::new(settings)
        )]
    );
    // Not in force until the peer acknowledges.
    assert_eq!(conn.max_inbound_frame_size(), 16_384);
    let events = peer.send(&mut conn, frames::settings_ack());
    assert_eq!(
        events,
        vec![Event::SettingsAcknowledged {
            changed: vec![changed(SettingId::MAX_FRAME_SIZE, 16_384, 32_768)]
        }]
    );
    assert_eq!(conn.max_inbound_frame_size(), 32_768);
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let events = peer.send(&mut conn, frames::data(1, vec![1u8; 20_000]));
    assert!(
        matches!(&events[..], [Event::DataReceived { data, .. }] if data.len() == 20_000),
        "{events:?}"
    );
}

#[test]
fn rfc9113_6_5_3_frame_size_before_ack_is_still_the_old_one() {
    let (mut conn, mut peer) = server();
    let mut settings = h2_conn::Settings::new();
    settings.set(SettingId::MAX_FRAME_SIZE, 32_768);
    conn.update_settings(settings).unwrap();
    peer.recv_frames(&mut conn);
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let events = peer.send(&mut conn, frames::data(1, vec![1u8; 20_000]));
    assert_eq!(events, vec![terminated(ErrorCode::FRAME_SIZE_ERROR, 1)]);
}

#[test]
fn rfc9113_6_5_3_several_settings_are_acknowledged_in_order() {
    let (mut conn, mut peer) = server();
    for streams in [10, 20] {
        let mut settings = h2_conn::Settings::new();
        settings.set(SettingId::MAX_CONCURRENT_STREAMS, streams);
        conn.update_settings(settings).unwrap();
    }
    peer.recv_frames(&mut conn);
    assert_eq!(
        peer.send(&mut conn, frames::settings_ack()),
        vec![Event::SettingsAcknowledged {
            changed: vec![changed(SettingId::MAX_CONCURRENT_STREAMS, 128, 10)]
        }]
    );
    assert_eq!(conn.local_settings().max_concurrent_streams(), 10);
    assert_eq!(
        peer.send(&mut conn, frames::settings_ack()),
        vec![Event::SettingsAcknowledged {
            changed: vec![changed(SettingId::MAX_CONCURRENT_STREAMS, 10, 20)]
        }]
    );
    assert_eq!(conn.local_settings().max_concurrent_streams(), 20);
}

#[test]
fn rfc9113_6_5_settings_on_a_stream_is_protocol_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(&mut conn, frames::raw(FrameType::SETTINGS, 0, 1, ""));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(0, ErrorCode::PROTOCOL_ERROR)]
    );
}

#[test]
fn rfc9113_6_5_settings_ack_with_payload_is_frame_size_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::raw(FrameType::SETTINGS, 0x1, 0, &[0, 3, 0, 0, 0, 1][..]),
    );
    assert_eq!(events, vec![terminated(ErrorCode::FRAME_SIZE_ERROR, 0)]);
}

#[test]
fn rfc9113_6_5_settings_length_not_multiple_of_6_is_frame_size_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::raw(FrameType::SETTINGS, 0, 0, &[0, 3, 0, 0, 1][..]),
    );
    assert_eq!(events, vec![terminated(ErrorCode::FRAME_SIZE_ERROR, 0)]);
}

#[test]
fn rfc9113_6_5_2_enable_push_above_1_is_protocol_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(&mut conn, frames::settings().enable_push(2));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
}

#[test]
fn rfc9113_6_5_2_client_receiving_enable_push_1_is_protocol_error() {
    let (mut conn, mut peer) = client();
    let events = peer.send(&mut conn, frames::settings().enable_push(1));
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(0, ErrorCode::PROTOCOL_ERROR)]
    );
}

#[test]
fn rfc9113_6_5_2_initial_window_size_above_max_is_flow_control_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(&mut conn, frames::settings().initial_window_size(1 << 31));
    assert_eq!(events, vec![terminated(ErrorCode::FLOW_CONTROL_ERROR, 0)]);
}

#[test]
fn rfc9113_6_5_2_max_frame_size_out_of_range_is_protocol_error() {
    for bad in [16_383, 16_777_216] {
        let (mut conn, mut peer) = server();
        let events = peer.send(&mut conn, frames::settings().max_frame_size(bad));
        assert_eq!(
            events,
            vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)],
            "{bad}"
        );
    }
}

#[test]
fn rfc9113_6_5_2_header_table_size_change_is_applied_by_our_encoder() {
    // After the peer shrinks its table to 0, our blocks start with a table size update
    // and never index; the peer's decoder (following the same settings) accepts them.
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::settings().header_table_size(0));
    peer.recv_frames(&mut conn);
    peer.send(&mut conn, frames::headers(1).get("/").end_stream());
    conn.send_headers(
        sid(1),
        &support::fields(&[(":status", "200"), ("x-custom", "value")]),
        true,
    )
    .unwrap();
    let frames = peer.recv_frames(&mut conn);
    let [h2_conn::frame::Frame::Headers(h)] = &frames[..] else {
        panic!("{frames:?}")
    };
    assert_eq!(h.block[0], 0x20, "dynamic table size update to 0 first");
}

/// RFC 9113 6.5.2 SETTINGS_MAX_HEADER_LIST_SIZE on what we send: name + value + 32 per
/// field, counted after normalization (with `split_outbound_cookies` the cookie is split
/// into two crumbs, 258 octets, where the unsplit list would be 222); over the limit
/// nothing is written and no stream opens; a list of exactly the limit goes out.
#[test]
fn rfc9113_6_5_2_max_header_list_size_holds_requests_we_send() {
    let mut config = Config::client();
    config.validation.split_outbound_cookies = true;
    let mut conn = Connection::new(config);
    let mut peer = Peer::connect_with(&mut conn, frames::settings().max_header_list_size(240));
    // :method GET 42, :scheme http 43, :authority example.com 53, :path / 38 = 176.
    let mut request = frames::request_fields("GET", "/");
    request.push(HeaderField::new("cookie", "a=1; b=2"));
    assert_eq!(
        conn.send_headers(sid(1), &request, true),
        Err(UserError::HeaderListTooLarge {
            stream_id: sid(1),
            size: 258,
            limit: 240
        })
    );
    assert_eq!(conn.pending_output_len(), 0);
    assert_eq!(conn.stream_state(sid(1)), None);
    assert_eq!(conn.open_outbound_streams(), 0);
    assert_eq!(conn.next_stream_id(), Ok(sid(1)));
    // 176 + x-pad (5 + 27 + 32 = 64) = 240: exactly the limit.
    let mut at_limit = frames::request_fields("GET", "/");
    at_limit.push(HeaderField::new("x-pad", "p".repeat(27)));
    conn.send_headers(sid(1), &at_limit, true).unwrap();
    assert_eq!(
        peer.recv(&mut conn),
        vec![Got::Headers {
            stream_id: sid(1),
            fields: at_limit,
            end_stream: true
        }]
    );
}

/// RFC 9113 6.5.2 on a server: a response and a PUSH_PROMISE over the client's
/// SETTINGS_MAX_HEADER_LIST_SIZE are refused before anything is written; the stream is
/// as it was, so a smaller response still goes out.
#[test]
fn rfc9113_6_5_2_max_header_list_size_holds_responses_and_promises_we_send() {
    let mut conn = Connection::new(Config::server());
    let mut peer = Peer::connect_with(&mut conn, frames::settings().max_header_list_size(100));
    peer.send(&mut conn, frames::headers(1).get("/").end_stream());
    // :status 200 (7 + 3 + 32 = 42) + x-big (5 + 40 + 32 = 77) = 119.
    let big = vec![
        HeaderField::new(":status", "200"),
        HeaderField::new("x-big", "v".repeat(40)),
    ];
    assert_eq!(
        conn.send_headers(sid(1), &big, true),
        Err(UserError::HeaderListTooLarge {
            stream_id: sid(1),
            size: 119,
            limit: 100
        })
    );
    assert_eq!(conn.pending_output_len(), 0);
    assert_eq!(
        conn.stream_state(sid(1)),
        Some(StreamState::HalfClosedRemote)
    );
    // 176 - 38 + :path /app.js (5 + 7 + 32 = 44) = 182.
    assert_eq!(
        conn.push_stream(sid(1), sid(2), &frames::request_fields("GET", "/app.js")),
        Err(UserError::HeaderListTooLarge {
            stream_id: sid(2),
            size: 182,
            limit: 100
        })
    );
    assert_eq!(conn.pending_output_len(), 0);
    assert_eq!(conn.stream_state(sid(2)), None);
    assert_eq!(conn.next_stream_id(), Ok(sid(2)));
    conn.send_headers(sid(1), &support::fields(&[(":status", "200")]), true)
        .unwrap();
    assert_eq!(
        peer.recv(&mut conn),
        vec![Got::headers(1, &[(":status", "200")], true)]
    );
}

/// RFC 9113 6.5.2 for trailers queued behind buffered body data: checked when they are
/// queued, so a list over the peer's limit is refused then and nothing is queued.
#[test]
fn rfc9113_6_5_2_max_header_list_size_holds_queued_trailers() {
    let mut conn = Connection::new(Config::server());
    let mut peer = Peer::connect_with(&mut conn, frames::settings().max_header_list_size(100));
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    conn.send_headers(sid(1), &support::fields(&[(":status", "200")]), false)
        .unwrap();
    conn.queue_data(sid(1), "body", false).unwrap();
    let queued = conn.queued_len(sid(1));
    // x-big: 5 + 80 + 32 = 117.
    let big = vec![HeaderField::new("x-big", "v".repeat(80))];
    assert_eq!(
        conn.send_headers(sid(1), &big, true),
        Err(UserError::HeaderListTooLarge {
            stream_id: sid(1),
            size: 117,
            limit: 100
        })
    );
    assert_eq!(conn.queued_len(sid(1)), queued);
    conn.send_headers(sid(1), &support::fields(&[("grpc-status", "0")]), true)
        .unwrap();
    assert_eq!(
        peer.recv(&mut conn),
        vec![
            Got::headers(1, &[(":status", "200")], false),
            Got::Frame(frames::data(1, "body").frame()),
            Got::headers(1, &[("grpc-status", "0")], true),
        ]
    );
}

// ---------------------------------------------------------------- 6.7 PING

#[test]
fn rfc9113_6_7_ping_is_acked() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::ping(*b"\x01\x02\x03\x04\x05\x06\x07\x08"),
    );
    assert_eq!(
        events,
        vec![Event::PingReceived {
            data: *b"\x01\x02\x03\x04\x05\x06\x07\x08"
        }]
    );
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::ping_ack(*b"\x01\x02\x03\x04\x05\x06\x07\x08")]
    );
}

#[test]
fn rfc9113_6_7_ping_ack_is_not_answered() {
    let (mut conn, mut peer) = client();
    conn.ping(*b"rtt-0001").unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::ping(*b"rtt-0001")]
    );
    let events = peer.send(&mut conn, frames::ping_ack(*b"rtt-0001"));
    assert_eq!(events, vec![Event::PingAckReceived { data: *b"rtt-0001" }]);
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
}

#[test]
fn rfc9113_6_7_ping_with_wrong_length_is_frame_size_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::raw(FrameType::PING, 0, 0, &b"1234567"[..]),
    );
    assert_eq!(events, vec![terminated(ErrorCode::FRAME_SIZE_ERROR, 0)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(0, ErrorCode::FRAME_SIZE_ERROR)]
    );
}

#[test]
fn rfc9113_6_7_ping_on_a_stream_is_protocol_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::raw(FrameType::PING, 0, 1, &b"12345678"[..]),
    );
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
}

// ---------------------------------------------------------------- 6.8 GOAWAY

#[test]
fn rfc9113_6_8_goaway_refuses_streams_above_last_id() {
    let (mut conn, mut peer) = client();
    for _ in 0..3 {
        let id = conn.next_stream_id().unwrap();
        conn.send_headers(id, &support::request_fields("GET", "/"), true)
            .unwrap();
    }
    peer.recv_frames(&mut conn);
    let events = peer.send(&mut conn, frames::goaway(3, ErrorCode::NO_ERROR));
    assert_eq!(
        events,
        vec![
            Event::ConnectionTerminated {
                error_code: ErrorCode::NO_ERROR,
                last_stream_id: sid(3),
                additional_data: h2_conn::Bytes::new(),
                remote: true,
            },
            Event::StreamReset {
                stream_id: sid(5),
                error_code: ErrorCode::REFUSED_STREAM,
                remote_reset: true,
            }
        ]
    );
    // No new streams; the ones at or below the last id still complete.
    let next = StreamId::new(7);
    assert_eq!(
        conn.send_headers(next, &support::request_fields("GET", "/"), true),
        Err(h2_conn::UserError::GoingAway {
            remote: true,
            last_stream_id: sid(3)
        })
    );
    let events = peer.send(&mut conn, frames::headers(3).response(200).end_stream());
    assert_eq!(
        events,
        vec![
            Event::ResponseReceived {
                stream_id: sid(3),
                headers: support::fields(&[(":status", "200")]).into(),
                end_stream: true,
            },
            support::ended(3)
        ]
    );
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
}

#[test]
fn rfc9113_6_8_goaway_last_stream_id_never_grows() {
    let (mut conn, mut peer) = client();
    peer.send(&mut conn, frames::goaway(0x7fff_ffff, ErrorCode::NO_ERROR));
    let events = peer.send(&mut conn, frames::goaway(1, ErrorCode::NO_ERROR));
    assert!(
        matches!(&events[..], [Event::ConnectionTerminated { last_stream_id, .. }] if *last_stream_id == sid(1)),
        "{events:?}"
    );
    let events = peer.send(&mut conn, frames::goaway(9, ErrorCode::NO_ERROR));
    assert!(
        matches!(&events[..], [Event::ConnectionTerminated { last_stream_id, .. }] if *last_stream_id == sid(1)),
        "{events:?}"
    );
}

#[test]
fn rfc9113_6_8_goaway_on_a_stream_is_protocol_error() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        frames::raw(FrameType::GOAWAY, 0, 1, &[0, 0, 0, 0, 0, 0, 0, 0][..]),
    );
    assert_eq!(events, vec![terminated(ErrorCode::PROTOCOL_ERROR, 0)]);
}

#[test]
fn rfc9113_6_8_connection_error_goaway_carries_last_processed_stream() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).get("/").end_stream());
    peer.send(&mut conn, frames::headers(3).get("/").end_stream());
    let events = peer.send(&mut conn, frames::raw(FrameType::PING, 0, 0, ""));
    assert_eq!(events, vec![terminated(ErrorCode::FRAME_SIZE_ERROR, 3)]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(3, ErrorCode::FRAME_SIZE_ERROR)]
    );
    // Nothing more is processed or sent.
    assert_eq!(
        conn.receive_data(peer.encode(frames::ping(*b"ignored!"))),
        Err(h2_conn::UserError::ConnectionClosed)
    );
    assert_eq!(
        conn.ping(*b"12345678"),
        Err(h2_conn::UserError::ConnectionClosed)
    );
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
}

#[test]
fn rfc9113_6_8_server_ignores_new_streams_above_its_goaway() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).get("/").end_stream());
    conn.begin_graceful_shutdown().unwrap();
    let out = peer.recv_frames(&mut conn);
    let h2_conn::frame::Frame::Ping(ping) = &out[1] else {
        panic!("{out:?}")
    };
    let payload = ping.payload;
    peer.send(&mut conn, frames::ping_ack(payload));
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(1, ErrorCode::NO_ERROR)]
    );
    // Stream 3 is above the last id: ignored, not answered.
    let events = peer.send(&mut conn, frames::headers(3).get("/").end_stream());
    assert_eq!(events, vec![]);
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
    // Stream 1 still gets its response.
    conn.send_headers(sid(1), &support::fields(&[(":status", "204")]), true)
        .unwrap();
    assert_eq!(
        peer.recv(&mut conn),
        vec![support::Got::headers(1, &[(":status", "204")], true)]
    );
}

/// Config::repeat_goaway (hyper-h2 compatibility; RFC 9113 6.8 allows several GOAWAYs):
/// each `close_connection` sends one; by default a second call is refused.
#[test]
fn rfc9113_6_8_close_connection_again_per_config() {
    for (config, repeat) in [
        (Config::server(), false),
        (Config::hyper_h2(h2_conn::Role::Server), true),
    ] {
        let (mut conn, mut peer) = server_with(config);
        conn.close_connection(ErrorCode::NO_ERROR, None, None)
            .unwrap();
        let again = conn.close_connection(ErrorCode::NO_ERROR, None, None);
        let goaway = frames::goaway(0, ErrorCode::NO_ERROR);
        if repeat {
            assert_eq!(again, Ok(()));
            assert_eq!(peer.recv_frames(&mut conn), vec![goaway.clone(), goaway]);
        } else {
            assert_eq!(again, Err(h2_conn::UserError::ConnectionClosed));
            assert_eq!(peer.recv_frames(&mut conn), vec![goaway]);
        }
    }
}

/// Config::discard_output_on_goaway (hyper-h2 compatibility): a GOAWAY received drops
/// what we had not yet sent; by default it stays to be sent (RFC 9113 6.8).
#[test]
fn rfc9113_6_8_goaway_received_discards_output_per_config() {
    for (config, discard) in [
        (Config::server(), false),
        (Config::hyper_h2(h2_conn::Role::Server), true),
    ] {
        let (mut conn, mut peer) = server_with(config);
        peer.send(&mut conn, frames::headers(1).request("GET", "/"));
        let _ = peer.recv_frames(&mut conn);
        // A response whose 2,000-octet body is queued by reference, and a PING.
        conn.send_headers(sid(1), &support::fields(&[(":status", "200")]), false)
            .unwrap();
        conn.send_data(sid(1), vec![7u8; 2_000], true).unwrap();
        conn.ping(*b"12345678").unwrap();
        let events = peer.send(&mut conn, frames::goaway(1, ErrorCode::NO_ERROR));
        assert_eq!(
            events,
            vec![Event::ConnectionTerminated {
                error_code: ErrorCode::NO_ERROR,
                last_stream_id: sid(1),
                additional_data: h2_conn::Bytes::new(),
                remote: true,
            }]
        );
        let sent = peer.recv_frames(&mut conn);
        if discard {
            assert_eq!(sent, vec![]);
            assert_eq!(conn.pending_output_len(), 0);
        } else {
            assert!(
                matches!(&sent[..], [h2_conn::frame::Frame::Headers(_), h2_conn::frame::Frame::Data(d), ping]
                    if d.data.len() == 2_000 && *ping == frames::ping(*b"12345678")),
                "{sent:?}"
            );
        }
    }
}
