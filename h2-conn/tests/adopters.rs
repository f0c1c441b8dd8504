//! Issue 17 ("Adopters' friction"): the paths adopters met first, each shown working with
//! the exact frames and events it produces.

mod support;

use h2_conn::frame::{BytesMut, Frame, Headers, PrioritySpec, SettingsFrame};
use h2_conn::hpack::Encoder;
use h2_conn::{
    Bytes, Config, Connection, ConnectionState, ErrorCode, Event, FlowWindow, HeaderField,
    HeadersOptions, SettingId, UserError,
};
use support::frames::{self, sid};
use support::{client, server, server_with, Got, Peer};

/// Item 3: a header list and a body built from data the caller only borrows (slices of a
/// buffer that is not `'static`) go out with the copying constructors.
#[test]
fn rfc9113_8_3_borrowed_header_values_and_body_are_copied_once() {
    let (mut conn, mut peer) = client();
    // A "parsed" request line the caller only borrows.
    let line = String::from("POST /upload?x=1 example.com");
    let mut parts = line.split(' ');
    let (method, path, authority) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let request = [
        HeaderField::copy_from(":method", method),
        HeaderField::copy_from(b":scheme", b"http"),
        HeaderField::copy_from(":authority", authority),
        HeaderField::copy_from(":path", path),
        HeaderField::sensitive_copy_from("authorization", &line[..4]),
    ];
    conn.send_headers(sid(1), &request, false).unwrap();
    let body = line.as_bytes();
    conn.send_data(sid(1), Bytes::copy_from_slice(&body[..4]), false)
        .unwrap();
    conn.queue_data(sid(1), Bytes::copy_from_slice(&body[5..11]), true)
        .unwrap();
    drop(line);
    let got = peer.recv(&mut conn);
    let mut expected = frames::request_fields("POST", "/upload?x=1");
    expected.push(HeaderField::sensitive("authorization", "POST"));
    assert_eq!(
        got,
        vec![
            Got::Headers {
                stream_id: sid(1),
                fields: expected,
                end_stream: false,
            },
            Got::Frame(frames::data(1, "POST").frame()),
            Got::Frame(frames::data(1, "/uploa").end_stream().frame()),
        ]
    );
}

/// Item 5: after the peer's graceful GOAWAY the connection is going away, not closed: no
/// new streams (with an error that says why), while streams at or below the last stream
/// id carry on both ways.
#[test]
fn rfc9113_6_8_peer_goaway_stops_new_streams_and_open_ones_carry_on() {
    let (mut conn, mut peer) = client();
    assert_eq!(conn.state(), ConnectionState::Open);
    assert!(conn.can_open_streams());
    conn.send_headers(sid(1), &frames::request_fields("POST", "/"), false)
        .unwrap();
    conn.send_headers(sid(3), &frames::request_fields("GET", "/"), true)
        .unwrap();
    peer.recv_frames(&mut conn);

    let events = peer.send(&mut conn, frames::goaway(1, ErrorCode::NO_ERROR));
    assert_eq!(
        events,
        vec![
            Event::ConnectionTerminated {
                error_code: ErrorCode::NO_ERROR,
                last_stream_id: sid(1),
                additional_data: Bytes::new(),
                remote: true,
            },
            Event::StreamReset {
                stream_id: sid(3),
                error_code: ErrorCode::REFUSED_STREAM,
                remote_reset: true,
            },
        ]
    );
    assert_eq!(
        conn.state(),
        ConnectionState::GoingAway {
            sent: None,
            received: Some(sid(1)),
        }
    );
    assert!(!conn.can_open_streams());
    assert!(!conn.is_closed());
    let refused = conn
        .send_headers(sid(5), &frames::request_fields("GET", "/"), true)
        .unwrap_err();
    assert_eq!(
        refused,
        UserError::GoingAway {
            remote: true,
            last_stream_id: sid(1),
        }
    );
    assert_eq!(
        refused.to_string(),
        "no new streams: the peer sent GOAWAY (last stream id 1)"
    );
    assert_eq!(refused.code(), ErrorCode::REFUSED_STREAM);

    // Stream 1 is below the last stream id: its body and response still flow.
    conn.send_data(sid(1), "body", true).unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::data(1, "body").end_stream().frame()]
    );
    let events = peer.send(&mut conn, frames::headers(1).response(200).end_stream());
    assert_eq!(
        events,
        vec![
            Event::ResponseReceived {
                stream_id: sid(1),
                headers: frames::fields(&[(":status", "200")]).into(),
                end_stream: true,
            },
            support::ended(1),
        ]
    );

    // Done: closing is what makes it Closed.
    conn.close_connection(ErrorCode::NO_ERROR, None, None)
        .unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(0, ErrorCode::NO_ERROR)]
    );
    assert_eq!(conn.state(), ConnectionState::Closed);
    assert!(conn.is_closed());
    assert_eq!(
        conn.receive_data(&[]).unwrap_err(),
        UserError::ConnectionClosed
    );
}

/// Item 5, our side: during our graceful shutdown a server may not push (the error names
/// our GOAWAY), and the state follows both phases.
#[test]
fn rfc9113_6_8_our_graceful_shutdown_is_going_away_until_closed() {
    let (mut conn, mut peer) = server();
    assert_eq!(
        Connection::new(Config::server()).state(),
        ConnectionState::NotInitiated
    );
    peer.send(&mut conn, frames::headers(1).get("/").end_stream());
    conn.begin_graceful_shutdown().unwrap();
    let out = peer.recv_frames(&mut conn);
    assert_eq!(out[0], frames::goaway(0x7fff_ffff, ErrorCode::NO_ERROR));
    let Frame::Ping(ping) = &out[1] else {
        panic!("{out:?}")
    };
    assert_eq!(
        conn.state(),
        ConnectionState::GoingAway {
            sent: Some(sid(0x7fff_ffff)),
            received: None,
        }
    );
    assert!(!conn.can_open_streams());
    assert_eq!(
        conn.push_stream(sid(1), sid(2), &frames::request_fields("GET", "/style.css")),
        Err(UserError::GoingAway {
            remote: false,
            last_stream_id: sid(0x7fff_ffff),
        })
    );
    peer.send(&mut conn, frames::ping_ack(ping.payload));
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::goaway(1, ErrorCode::NO_ERROR)]
    );
    assert_eq!(
        conn.state(),
        ConnectionState::GoingAway {
            sent: Some(sid(1)),
            received: None,
        }
    );
    // The stream it processed is still answered.
    conn.send_headers(sid(1), &frames::fields(&[(":status", "204")]), true)
        .unwrap();
    assert_eq!(
        peer.recv(&mut conn),
        vec![Got::Headers {
            stream_id: sid(1),
            fields: frames::fields(&[(":status", "204")]),
            end_stream: true,
        }]
    );
}

/// Item 5: a connection error is the one way (besides `close_connection`) to `Closed`.
#[test]
fn rfc9113_5_4_1_connection_error_closes_the_connection() {
    let (mut conn, mut peer) = server();
    let events = peer.send(&mut conn, frames::window_update(0, 0x7fff_ffff));
    assert_eq!(
        events,
        vec![support::terminated(ErrorCode::FLOW_CONTROL_ERROR, 0)]
    );
    assert_eq!(conn.state(), ConnectionState::Closed);
    assert!(conn.is_closed() && !conn.can_open_streams());
}

/// Item 10: padded DATA, as hyper-h2's `send_data(.., pad_length=n)`. Every frame carries
/// the padding, and flow control counts it (RFC 9113 6.1, 6.9.1).
#[test]
fn rfc9113_6_1_send_data_padded_counts_padding_against_flow_control() {
    let (mut conn, mut peer) = client();
    conn.send_headers(sid(1), &frames::request_fields("POST", "/"), false)
        .unwrap();
    peer.recv_frames(&mut conn);
    conn.send_data_padded(sid(1), "hello", false, 3).unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::data(1, "hello").padded(3).frame()]
    );
    assert_eq!(conn.local_flow_control_window(sid(1)), Ok(65_535 - 9));

    // Split at the peer's frame size, padding included in each frame.
    let body = Bytes::from(vec![5u8; 20_000]);
    conn.send_data_padded(sid(1), body.clone(), false, 10)
        .unwrap();
    let first = 16_384 - 11;
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![
            frames::data(1, body.slice(..first)).padded(10).frame(),
            frames::data(1, body.slice(first..)).padded(10).frame(),
        ]
    );
    let left = 65_535 - 9 - 20_000 - 22;
    assert_eq!(conn.local_flow_control_window(sid(1)), Ok(left));

    // All or nothing: the data alone fits, with its padding it does not.
    let data = Bytes::from(vec![1u8; left as usize - 5]);
    assert_eq!(
        conn.send_data_padded(sid(1), data.clone(), true, 10),
        Err(UserError::FlowControlBlocked {
            stream_id: sid(1),
            window: FlowWindow::Connection,
            available: i64::from(left),
        })
    );
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
    conn.send_data(sid(1), data, true).unwrap();
}

/// Item 10: the HEADERS frame's padding and RFC 7540 priority fields, as hyper-h2's
/// `send_headers(.., priority_weight, priority_depends_on, priority_exclusive)`.
#[test]
fn rfc9113_6_2_send_headers_with_padding_and_priority_fields() {
    let (mut conn, mut peer) = client();
    let request = frames::request_fields("GET", "/");
    let spec = PrioritySpec::from_weight(sid(0), true, 32);
    let options = HeadersOptions::new().padded(4).priority(spec);
    assert_eq!(options.pad_length, Some(4));
    assert_eq!(options.priority, Some(spec));
    conn.send_headers_with(sid(1), &request, true, options)
        .unwrap();
    // Our HPACK context is fresh, so the block is what a fresh encoder makes.
    let mut block = BytesMut::new();
    Encoder::default().encode(&request, &mut block);
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![Frame::Headers(Headers {
            stream_id: sid(1),
            block: block.freeze(),
            end_stream: true,
            end_headers: true,
            priority: Some(PrioritySpec {
                dependency: sid(0),
                exclusive: true,
                weight: 31,
            }),
            pad_len: Some(4),
        })]
    );
    // Each option alone; the default is plain `send_headers`.
    conn.send_headers_with(sid(3), &request, true, HeadersOptions::new().padded(0))
        .unwrap();
    conn.send_headers_with(
        sid(5),
        &request,
        true,
        HeadersOptions::new().priority(PrioritySpec::from_weight(sid(3), false, 1)),
    )
    .unwrap();
    conn.send_headers_with(sid(7), &request, true, HeadersOptions::default())
        .unwrap();
    let shapes: Vec<_> = peer
        .recv_frames(&mut conn)
        .into_iter()
        .map(|f| match f {
            Frame::Headers(h) => (h.stream_id, h.pad_len, h.priority),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        shapes,
        vec![
            (sid(3), Some(0), None),
            (
                sid(5),
                None,
                Some(PrioritySpec {
                    dependency: sid(3),
                    exclusive: false,
                    weight: 0
                })
            ),
            (sid(7), None, None),
        ]
    );
}

/// Item 10: RFC 9113 5.3.1, "A stream cannot depend on itself": refused, nothing sent.
#[test]
fn rfc9113_5_3_1_send_headers_with_a_self_dependency_is_refused() {
    let (mut conn, mut peer) = client();
    let options = HeadersOptions::new().priority(PrioritySpec::from_weight(sid(1), false, 16));
    assert_eq!(
        conn.send_headers_with(sid(1), &frames::request_fields("GET", "/"), true, options),
        Err(UserError::InvalidState {
            stream_id: sid(1),
            why: "a stream cannot depend on itself (RFC 9113 5.3.1)",
        })
    );
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
    assert_eq!(conn.next_stream_id(), Ok(sid(1)));
}

/// Item 7: `Config::client()`/`server()` announce receive windows sized for real links,
/// the stream one as SETTINGS_INITIAL_WINDOW_SIZE and the connection one with
/// WINDOW_UPDATE right after SETTINGS (RFC 9113 6.9.2, 6.9).
#[test]
fn rfc9113_6_9_2_default_receive_windows_are_announced_in_the_preface() {
    for (config, connection) in [
        (Config::client(), h2_conn::DEFAULT_CLIENT_CONNECTION_WINDOW),
        (Config::server(), h2_conn::DEFAULT_SERVER_CONNECTION_WINDOW),
    ] {
        assert_eq!(
            config.local_setting(SettingId::INITIAL_WINDOW_SIZE),
            h2_conn::DEFAULT_STREAM_WINDOW
        );
        assert_eq!(config.initial_connection_window, Some(connection));
        let mut conn = Connection::new(config);
        conn.initiate_connection();
        let mut peer = Peer::new(&conn);
        let settings = conn.config().initial_settings.clone();
        assert_eq!(settings.get(SettingId::INITIAL_WINDOW_SIZE), Some(1 << 20));
        assert_eq!(
            peer.recv_frames(&mut conn),
            vec![
                Frame::Settings(SettingsFrame::new(settings)),
                frames::window_update(0, connection - 65_535),
            ]
        );
        assert_eq!(
            conn.remote_flow_control_window(sid(0)),
            Ok(connection as i32)
        );
    }
}

/// Item 7: the connection window target at run time. Raising it sends WINDOW_UPDATE for
/// the difference at once; lowering it returns no window until the peer's is below the
/// new target, then only up to it.
#[test]
fn rfc9113_6_9_set_target_window_size_raises_now_and_lowers_by_withholding() {
    let mut config = Config::server();
    config.set_receive_windows(65_535, 100_000);
    let (mut conn, mut peer) = server_with(config);
    assert_eq!(conn.target_window_size(), 100_000);
    conn.set_target_window_size(200_000).unwrap();
    assert_eq!(
        peer.recv_frames(&mut conn),
        vec![frames::window_update(0, 100_000)]
    );
    assert_eq!(conn.remote_flow_control_window(sid(0)), Ok(200_000));

    conn.set_target_window_size(50_000).unwrap();
    assert_eq!(peer.recv_frames(&mut conn), vec![]);
    peer.send(&mut conn, frames::headers(1).request("POST", "/"));
    let mut connection_window = 200_000;
    // Three rounds of 60,000 octets, each consumed: the stream window comes back every
    // time, the connection window only once it is below 50,000, and only up to it.
    for round in 0..3 {
        let body = vec![0u8; 60_000];
        for chunk in body.chunks(16_384) {
            peer.send(&mut conn, frames::data(1, chunk.to_vec()));
        }
        connection_window -= 60_000;
        conn.acknowledge_received_data(60_000, sid(1)).unwrap();
        let mut expected = vec![frames::window_update(1, 60_000)];
        if round == 2 {
            expected.push(frames::window_update(0, 50_000 - connection_window as u32));
            connection_window = 50_000;
        }
        assert_eq!(peer.recv_frames(&mut conn), expected, "round {round}");
        assert_eq!(
            conn.remote_flow_control_window(sid(0)),
            Ok(connection_window)
        );
    }
    assert_eq!(
        conn.set_target_window_size(1 << 31),
        Err(UserError::WindowOverflow)
    );
}

/// Item 8: one setting is changed with `set_local_setting`, which keeps the defaults;
/// replacing `initial_settings` whole announces nothing else, yet the header list size
/// is still enforced at the default (RFC 9113 10.5.1), answered with 431.
#[test]
fn rfc9113_6_5_2_header_list_size_is_enforced_even_when_not_announced() {
    let mut config = Config::server();
    config.set_local_setting(SettingId::MAX_CONCURRENT_STREAMS, 10);
    assert_eq!(config.local_setting(SettingId::MAX_CONCURRENT_STREAMS), 10);
    assert_eq!(
        config.local_setting(SettingId::MAX_HEADER_LIST_SIZE),
        h2_conn::DEFAULT_MAX_HEADER_LIST_SIZE
    );

    let mut config = Config::server();
    config.initial_settings = h2_conn::Settings::new(); // the trap: nothing announced
    config.initial_connection_window = None;
    let (mut conn, mut peer) = server_with(config);
    let big = "a".repeat(h2_conn::DEFAULT_MAX_HEADER_LIST_SIZE as usize);
    let events = peer.send(
        &mut conn,
        frames::headers(1)
            .request("GET", "/")
            .field("x-big", &big)
            .end_stream()
            .continuations(16_384),
    );
    assert_eq!(events, vec![]);
    assert_eq!(
        peer.recv(&mut conn),
        vec![Got::Headers {
            stream_id: sid(1),
            fields: frames::fields(&[(":status", "431")]),
            end_stream: true,
        }]
    );
    // A list under the default passes.
    let events = peer.send(&mut conn, frames::headers(3).get("/").end_stream());
    assert_eq!(
        events,
        vec![
            support::request_received(3, "GET", "/", true),
            support::ended(3)
        ]
    );
}
