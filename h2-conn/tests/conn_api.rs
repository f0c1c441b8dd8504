//! One test per public command and output of `Connection` (hyper-h2 `H2Connection`
//! parity), each asserting the exact frames written.

mod support;

use h2_conn::frame::{
    AltSvc, Frame, FrameType, Origin, PriorityUpdate, SettingId, SettingsFrame, Unknown,
};
use h2_conn::{
    Bytes, Config, Connection, ErrorCode, Event, Role, Settings, StreamState, UserError,
};
use support::frames::{self, sid};
use support::{client, server, Got, Pair, Peer};

#[test]
fn initiate_upgrade_connection_client_and_server() {
    let mut client = Connection::new(Config::client());
    let header = client
        .initiate_upgrade_connection(None)
        .unwrap()
        .expect("HTTP2-Settings value");
    assert_eq!(
        client.stream_state(sid(1)),
        Some(StreamState::HalfClosedLocal)
    );
    let mut server = Connection::new(Config::server());
    assert_eq!(
        server.initiate_upgrade_connection(Some(header.as_bytes())),
        Ok(None)
    );
    assert_eq!(
        server.stream_state(sid(1)),
        Some(StreamState::HalfClosedRemote)
    );
    // The client's settings are in force on the server already (RFC 7540 3.2.1).
    assert_eq!(
        server.remote_settings().max_header_list_size(),
        Config::client().local_setting(SettingId::MAX_HEADER_LIST_SIZE)
    );
    let mut pair = Pair {
        client,
        server,
        client_events: Vec::new(),
        server_events: Vec::new(),
    };
    pair.drive();
    pair.take_events();
    pair.server
        .send_headers(sid(1), &support::fields(&[(":status", "200")]), false)
        .unwrap();
    pair.server.send_data(sid(1), "upgraded", true).unwrap();
    pair.drive();
    let (ce, _) = pair.take_events();
    assert_eq!(
        ce,
        vec![
            Event::ResponseReceived {
                stream_id: sid(1),
                headers: support::fields(&[(":status", "200")]).into(),
                end_stream: false
            },
            support::data_received(1, "upgraded", true),
            support::ended(1)
        ]
    );
    assert_eq!(pair.client.next_stream_id(), Ok(sid(3)));
}

#[test]
fn initiate_upgrade_connection_rejects_bad_input() {
    let mut server = Connection::new(Config::server());
    assert!(matches!(
        server.initiate_upgrade_connection(Some(b"!!!")),
        Err(UserError::InvalidSetting(_))
    ));
    // A server with no HTTP2-Settings value applies none; the client's come later.
    assert_eq!(server.initiate_upgrade_connection(None), Ok(None));
    assert!(!server.remote_settings_received());
    assert_eq!(
        server.stream_state(sid(1)),
        Some(h2_conn::StreamState::HalfClosedRemote)
    );
    let mut client = Connection::new(Config::client());
    assert!(matches!(
        client.initiate_upgrade_connection(Some(b"AAMAAABkAAQAAP__")),
        Err(UserError::WrongRole(_))
    ));
    let mut client = Connection::new(Config::client());
    client.initiate_connection();
    assert!(client.initiate_upgrade_connection(None).is_err());
}

#[test]
fn update_settings_sends_settings_and_rejects_invalid_values() {
    let (mut conn, mut peer) = server();
    let mut settings = Settings::new();
    settings.set(SettingId::INITIAL_WINDOW_SIZE, 1 << 31);
    assert!(matches!(
        conn.update_settings(settings),
        Err(UserError::InvalidSetting(_))
    ));
    let mut settings = Settings::new();
    settings.set(SettingId::ENABLE_PUSH, 1);
    assert!(matches!(
        conn.update_settings(settings),
        Err(UserError::InvalidSetting(_))
    ));
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
    let mut settings = Settings::new();
    settings.set(SettingId::MAX_CONCURRENT_STREAMS, 3);
    conn.update_settings(settings.clone()).unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![Frame::Settings(SettingsFrame::new(settings))]
    );
}

#[test]
fn close_connection_sends_goaway_and_refuses_everything() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).get("/").end_stream());
    conn.close_connection(ErrorCode::ENHANCE_YOUR_CALM, None, Some("slow down".into()))
        .unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(1, ErrorCode::ENHANCE_YOUR_CALM)]
    );
    assert_eq!(peer.reasons, vec![Bytes::from_static(b"slow down")]);
    assert!(conn.is_closed());
    assert_eq!(
        conn.send_headers(sid(1), &support::fields(&[(":status", "200")]), true),
        Err(UserError::ConnectionClosed)
    );
    assert_eq!(
        conn.close_connection(ErrorCode::NO_ERROR, None, None),
        Err(UserError::ConnectionClosed)
    );
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
}

#[test]
fn close_connection_with_an_explicit_last_stream_id() {
    let (mut conn, mut peer) = client();
    conn.close_connection(ErrorCode::PROTOCOL_ERROR, Some(sid(8)), None)
        .unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(8, ErrorCode::PROTOCOL_ERROR)]
    );
}

#[test]
fn begin_graceful_shutdown_sends_two_goaways() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).get("/").end_stream());
    conn.begin_graceful_shutdown().unwrap();
    let out = peer.recv_frames(&mut conn);
    assert_eq!(out[0], frames::goaway(0x7fff_ffff, ErrorCode::NO_ERROR));
    let Frame::Ping(ping) = &out[1] else {
        panic!("{out:?}")
    };
    assert!(!ping.ack);
    assert_eq!(out.len(), 2);
    // A stream the client opened before it saw the first GOAWAY is still accepted.
    let events = peer.send(&mut conn, frames::headers(3).get("/late").end_stream());
    assert_eq!(
        events,
        vec![
            support::request_received(3, "GET", "/late", true),
            support::ended(3)
        ]
    );
    let events = peer.send(&mut conn, frames::ping_ack(ping.payload));
    assert_eq!(events, vec![Event::PingAckReceived { data: ping.payload }]);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(3, ErrorCode::NO_ERROR)]
    );
    // Both streams are answered; the connection is still usable for them.
    for id in [1, 3] {
        conn.send_headers(sid(id), &support::fields(&[(":status", "200")]), true)
            .unwrap();
    }
    assert_eq!(peer.recv(&mut conn).len(), 2);
}

#[test]
fn increment_flow_control_window_for_connection_and_stream() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    conn.increment_flow_control_window(1_000, None).unwrap();
    conn.increment_flow_control_window(2_000, Some(sid(1)))
        .unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![
            frames::window_update(0, 1_000),
            frames::window_update(1, 2_000)
        ]
    );
    assert_eq!(conn.remote_flow_control_window(sid(0)), Ok(66_535));
    // The stream's window is 67,535 but the connection's (66,535) bounds it.
    assert_eq!(conn.remote_flow_control_window(sid(1)), Ok(66_535));
    assert_eq!(
        conn.increment_flow_control_window(0, None),
        Err(UserError::WindowOverflow)
    );
    assert_eq!(
        conn.increment_flow_control_window(0x7fff_ffff, None),
        Err(UserError::WindowOverflow)
    );
    assert_eq!(
        conn.increment_flow_control_window(1, Some(sid(9))),
        Err(UserError::NoSuchStream(sid(9)))
    );
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
}

#[test]
fn acknowledge_received_data_on_a_forgotten_stream_returns_the_connection_window() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    peer.send(&mut conn, frames::data(1, vec![0u8; 16_384]));
    peer.send(&mut conn, frames::data(1, vec![0u8; 16_384]).end_stream());
    conn.acknowledge_received_data(32_768, sid(1)).unwrap();
    // The peer finished sending on stream 1: only the connection window is reopened.
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::window_update(0, 32_768)]
    );
}

#[test]
fn prioritize_sends_priority_update() {
    let (mut conn, mut peer) = client();
    conn.send_headers(sid(1), &support::request_fields("GET", "/"), true)
        .unwrap();
    peer.recv_frames(&mut conn);
    conn.prioritize(sid(1), 1, true).unwrap();
    conn.prioritize(sid(1), 5, false).unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![
            Frame::PriorityUpdate(PriorityUpdate {
                prioritized_stream_id: sid(1),
                field_value: Bytes::from_static(b"u=1, i")
            }),
            Frame::PriorityUpdate(PriorityUpdate {
                prioritized_stream_id: sid(1),
                field_value: Bytes::from_static(b"u=5")
            })
        ]
    );
    assert!(conn.prioritize(sid(1), 8, false).is_err());
    let (mut server, _) = server();
    assert!(matches!(
        server.prioritize(sid(1), 1, false),
        Err(UserError::WrongRole(_))
    ));
}

#[test]
fn priority_update_is_reported_to_the_server() {
    let (mut conn, mut peer) = server();
    let events = peer.send(
        &mut conn,
        Frame::PriorityUpdate(PriorityUpdate {
            prioritized_stream_id: sid(1),
            field_value: Bytes::from_static(b"u=0"),
        }),
    );
    assert_eq!(
        events,
        vec![Event::PriorityUpdated {
            stream_id: sid(1),
            priority: h2_conn::Priority::Rfc9218(Bytes::from_static(b"u=0"))
        }]
    );
}

#[test]
fn advertise_alternative_service_sends_altsvc() {
    let (mut conn, mut peer) = server();
    conn.advertise_alternative_service("h3=\":443\"", Some("https://example.com".into()), None)
        .unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![Frame::AltSvc(AltSvc {
            stream_id: sid(0),
            origin: Bytes::from_static(b"https://example.com"),
            field_value: Bytes::from_static(b"h3=\":443\""),
        })]
    );
    assert!(conn
        .advertise_alternative_service("h3", None, None)
        .is_err());
    let (mut client, mut server_peer) = client();
    assert!(matches!(
        client.advertise_alternative_service("h3", Some("o".into()), None),
        Err(UserError::WrongRole(_))
    ));
    let events = server_peer.send(
        &mut client,
        Frame::AltSvc(AltSvc {
            stream_id: sid(0),
            origin: Bytes::from_static(b"https://a"),
            field_value: Bytes::from_static(b"h3"),
        }),
    );
    assert_eq!(
        events,
        vec![Event::AlternativeServiceAvailable {
            stream_id: sid(0),
            origin: Bytes::from_static(b"https://a"),
            field_value: Bytes::from_static(b"h3"),
        }]
    );
}

#[test]
fn send_origin_sends_origin() {
    let (mut conn, mut peer) = server();
    let origins = vec![
        Bytes::from_static(b"https://a.example"),
        Bytes::from_static(b"https://b.example"),
    ];
    conn.send_origin(origins.clone()).unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![Frame::Origin(Origin {
            origins: origins.clone()
        })]
    );
    let (mut client, mut server_peer) = client();
    let events = server_peer.send(
        &mut client,
        Frame::Origin(Origin {
            origins: origins.clone(),
        }),
    );
    assert_eq!(events, vec![Event::OriginReceived { origins }]);
}

#[test]
fn send_extension_frame_sends_unknown_types_only() {
    let (mut conn, mut peer) = server();
    conn.send_extension_frame(0xf0, sid(0), 0x3, Bytes::from_static(b"ext"))
        .unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![Frame::Unknown(Unknown {
            kind: FrameType(0xf0),
            flags: h2_conn::frame::Flags(0x3),
            stream_id: sid(0),
            payload: Bytes::from_static(b"ext"),
        })]
    );
    assert!(conn
        .send_extension_frame(0x6, sid(0), 0, Bytes::from_static(b"12345678"))
        .is_err());
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
}

#[test]
fn push_stream_sends_push_promise() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).get("/").end_stream());
    let promised = conn.next_stream_id().unwrap();
    assert_eq!(promised, sid(2));
    conn.push_stream(sid(1), promised, &support::request_fields("GET", "/app.js"))
        .unwrap();
    assert_eq!(
        conn.stream_state(promised),
        Some(StreamState::ReservedLocal)
    );
    conn.send_headers(promised, &support::fields(&[(":status", "200")]), true)
        .unwrap();
    assert_eq!(
        peer.recv(&mut conn),
        vec![
            Got::PushPromise {
                stream_id: sid(1),
                promised_id: sid(2),
                fields: support::request_fields("GET", "/app.js"),
            },
            Got::headers(2, &[(":status", "200")], true)
        ]
    );
    assert_eq!(conn.next_stream_id(), Ok(sid(4)));
}

#[test]
fn push_stream_is_refused_when_the_client_disabled_push() {
    let mut conn = Connection::new(Config::server());
    let _peer = Peer::connect_with(&mut conn, frames::settings().enable_push(0));
    assert_eq!(
        conn.push_stream(sid(1), sid(2), &support::request_fields("GET", "/")),
        Err(UserError::PushDisabled)
    );
    let (mut client, _) = client();
    assert!(matches!(
        client.push_stream(sid(1), sid(2), &support::request_fields("GET", "/")),
        Err(UserError::WrongRole(_))
    ));
}

#[test]
fn end_stream_and_reset_stream_write_their_frames() {
    let (mut conn, mut peer) = client();
    conn.send_headers(sid(1), &support::request_fields("POST", "/"), false)
        .unwrap();
    conn.send_headers(sid(3), &support::request_fields("POST", "/"), false)
        .unwrap();
    peer.recv_frames(&mut conn);
    conn.end_stream(sid(1)).unwrap();
    conn.reset_stream(sid(3), ErrorCode::CANCEL).unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![
            frames::data(1, "").end_stream().frame(),
            frames::rst(3, ErrorCode::CANCEL)
        ]
    );
    assert_eq!(
        conn.reset_stream(sid(5), ErrorCode::CANCEL),
        Err(UserError::NoSuchStream(sid(5)))
    );
}

#[test]
fn send_data_splits_at_the_peer_max_frame_size() {
    let (mut conn, mut peer) = client();
    conn.send_headers(sid(1), &support::request_fields("POST", "/"), false)
        .unwrap();
    peer.recv_frames(&mut conn);
    let body: Bytes = vec![9u8; 40_000].into();
    conn.send_data(sid(1), body.clone(), true).unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![
            frames::data(1, body.slice(..16_384)).frame(),
            frames::data(1, body.slice(16_384..32_768)).frame(),
            frames::data(1, body.slice(32_768..)).end_stream().frame(),
        ]
    );
}

#[test]
fn data_to_send_into_hands_out_bounded_pieces_in_order() {
    let (mut conn, _peer) = client();
    conn.send_headers(sid(1), &support::request_fields("POST", "/"), false)
        .unwrap();
    conn.send_data(sid(1), vec![5u8; 5_000], false).unwrap();
    conn.ping(*b"pingpong").unwrap();
    let total = conn.pending_output_len();
    let mut wire = Vec::new();
    let mut buf = [0u8; 777];
    loop {
        let n = conn.data_to_send_into(&mut buf);
        if n == 0 {
            break;
        }
        wire.extend_from_slice(&buf[..n]);
        assert_eq!(conn.pending_output_len(), total - wire.len());
    }
    assert_eq!(wire.len(), total);
    // Feed the pieces to a fresh decoder through the peer: same frames as one piece.
    let mut again = Connection::new(Config::client());
    let _again_peer = Peer::connect(&mut again);
    again
        .send_headers(sid(1), &support::request_fields("POST", "/"), false)
        .unwrap();
    again.send_data(sid(1), vec![5u8; 5_000], false).unwrap();
    again.ping(*b"pingpong").unwrap();
    assert_eq!(&again.data_to_send()[..], &wire[..]);
}

#[test]
fn data_to_send_vectored_hands_back_the_same_payload_bytes() {
    let (mut conn, mut peer) = client();
    conn.send_headers(sid(1), &support::request_fields("POST", "/"), false)
        .unwrap();
    let payload = Bytes::from(vec![42u8; 8_192]);
    conn.send_data(sid(1), payload.clone(), true).unwrap();
    let mut chunks = Vec::new();
    conn.data_to_send_vectored(&mut chunks);
    assert_eq!(conn.pending_output_len(), 0);
    assert!(
        chunks
            .iter()
            .any(|c| c.as_ptr() == payload.as_ptr() && c.len() == payload.len()),
        "payload was copied"
    );
    // The chunks, in order, are the same frames.
    let wire: Vec<u8> = chunks.iter().flat_map(|c| c.iter().copied()).collect();
    let events = {
        let mut server = Connection::new(Config::server());
        let mut client_peer = Peer::connect(&mut server);
        let e = client_peer.send_raw(&mut server, &wire);
        client_peer.recv_frames(&mut server);
        e
    };
    assert!(
        matches!(events[0], Event::RequestReceived { .. }),
        "{events:?}"
    );
    let _ = peer.recv_frames(&mut conn);
}

#[test]
fn receive_bytes_hands_out_data_as_views_of_the_input() {
    let (mut conn, mut peer) = server();
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let wire = peer.encode(frames::data(1, vec![7u8; 2_000]));
    let events = conn.receive_bytes(wire.clone()).unwrap();
    let Event::DataReceived { data, .. } = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(data.as_ptr(), wire[9..].as_ptr(), "DATA payload was copied");
}

#[test]
fn getters_report_the_connection_state() {
    let (mut conn, mut peer) = client();
    assert_eq!(conn.role(), Role::Client);
    assert_eq!(conn.max_outbound_frame_size(), 16_384);
    assert_eq!(conn.max_inbound_frame_size(), 16_384);
    assert_eq!(conn.open_outbound_streams(), 0);
    assert_eq!(conn.next_stream_id(), Ok(sid(1)));
    assert_eq!(
        conn.local_flow_control_window(sid(1)),
        Err(UserError::NoSuchStream(sid(1)))
    );
    conn.send_headers(sid(1), &support::request_fields("GET", "/"), true)
        .unwrap();
    assert_eq!(conn.open_outbound_streams(), 1);
    assert_eq!(conn.open_inbound_streams(), 0);
    assert_eq!(conn.local_flow_control_window(sid(1)), Ok(65_535));
    assert_eq!(conn.remote_flow_control_window(sid(1)), Ok(65_535));
    peer.send(&mut conn, frames::settings().max_frame_size(1 << 20));
    assert_eq!(conn.max_outbound_frame_size(), 1 << 20);
    assert!(conn.memory_usage() > 0);
    assert!(!conn.is_closed());
    assert_eq!(conn.remote_settings().max_frame_size(), 1 << 20);
    assert_eq!(conn.local_settings().max_concurrent_streams(), 128);
}

#[test]
fn commands_before_initiate_connection_are_refused() {
    let mut conn = Connection::new(Config::client());
    assert_eq!(
        conn.send_headers(sid(1), &support::request_fields("GET", "/"), true),
        Err(UserError::NotInitiated)
    );
    assert_eq!(conn.ping(*b"12345678"), Err(UserError::NotInitiated));
    assert_eq!(conn.pending_output_len(), 0);
}
