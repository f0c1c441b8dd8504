//! Message framing, flow control and content-length (RFC 9113 6.9, 8.1, 8.1.1, 8.5).

mod support;

use h2_stream::events::Event;
use h2_stream::frame::{ErrorCode, H2Error, StreamId, MAX_WINDOW_SIZE};
use h2_stream::KnownValid;
use h2_stream::{FlowWindow, Role, Stream, StreamState, UserError, ValidationConfig};
use support::*;

fn malformed(r: Result<(), H2Error>) {
    match r {
        Err(H2Error::Stream {
            code: ErrorCode::PROTOCOL_ERROR,
            ..
        }) => {}
        other => panic!("expected stream PROTOCOL_ERROR, got {other:?}"),
    }
}

fn server_with(block: Vec<h2_stream::HeaderField>, es: bool) -> (Stream, Vec<Event>) {
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    let mut ev = Vec::new();
    s.recv_headers(block, KnownValid::NONE, es, None, &cfg(), &mut ev)
        .unwrap();
    (s, ev)
}

/// A client that sent `request` (with END_STREAM).
fn client_sent(request: &[h2_stream::HeaderField]) -> Stream {
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    s.send_headers(request, KnownValid::NONE, true, &cfg())
        .unwrap();
    s
}

fn recv(
    s: &mut Stream,
    block: Vec<h2_stream::HeaderField>,
    es: bool,
) -> Result<Vec<Event>, H2Error> {
    let mut ev = Vec::new();
    s.recv_headers(block, KnownValid::NONE, es, None, &cfg(), &mut ev)?;
    Ok(ev)
}

// ---- 8.1: message framing -----------------------------------------------------------

#[test]
fn rfc9113_8_1_trailers_without_end_stream_are_malformed() {
    let (mut s, _) = server_with(post("3"), false);
    malformed(recv(&mut s, trailers(), false).map(|_| ()));
    assert_eq!(s.state(), StreamState::Open);
}

#[test]
fn rfc9113_8_1_informational_then_final_response() {
    let mut s = client_sent(&get());
    let ev = recv(&mut s, status("100"), false).unwrap();
    assert!(matches!(
        &ev[..],
        [Event::InformationalResponseReceived { .. }]
    ));
    let ev = recv(&mut s, status("103"), false).unwrap();
    assert!(matches!(
        &ev[..],
        [Event::InformationalResponseReceived { .. }]
    ));
    let ev = recv(&mut s, status("200"), false).unwrap();
    assert!(matches!(
        &ev[..],
        [Event::ResponseReceived {
            end_stream: false,
            ..
        }]
    ));
    let ev = recv(&mut s, trailers(), true).unwrap();
    assert!(matches!(
        &ev[..],
        [Event::TrailersReceived { .. }, Event::StreamEnded { .. }]
    ));
    assert!(s.is_closed());
}

#[test]
fn rfc9113_8_1_informational_with_end_stream_is_malformed() {
    let mut s = client_sent(&get());
    malformed(recv(&mut s, status("100"), true).map(|_| ()));
    let mut srv = server_with(get(), true).0;
    assert!(matches!(
        srv.send_headers(&status("103"), KnownValid::NONE, true, &cfg()),
        Err(UserError::InvalidState { .. })
    ));
}

#[test]
fn rfc9113_8_1_headers_after_final_response_without_end_stream_is_malformed() {
    let mut s = client_sent(&get());
    recv(&mut s, status("200"), false).unwrap();
    malformed(recv(&mut s, status("200"), false).map(|_| ()));
}

#[test]
fn rfc9113_8_1_data_before_response_headers_is_malformed() {
    let mut s = client_sent(&get());
    malformed(data(&mut s, 1, false).map(|_| ()));
    recv(&mut s, status("100"), false).unwrap();
    malformed(data(&mut s, 1, false).map(|_| ()));
}

#[test]
fn rfc9113_8_1_server_data_before_response_is_user_error() {
    let (mut s, _) = server_with(get(), true);
    assert!(matches!(
        s.send_data(1, false),
        Err(UserError::InvalidState { .. })
    ));
    s.send_headers(&status("100"), KnownValid::NONE, false, &cfg())
        .unwrap();
    assert!(s.send_data(1, false).is_err());
    s.send_headers(&status("200"), KnownValid::NONE, false, &cfg())
        .unwrap();
    s.send_data(1, true).unwrap();
    assert!(s.is_closed());
}

#[test]
fn rfc9113_8_1_outbound_trailers_must_end_the_stream() {
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    s.send_headers(&post("1"), KnownValid::NONE, false, &cfg())
        .unwrap();
    s.send_data(1, false).unwrap();
    assert!(s
        .send_headers(&trailers(), KnownValid::NONE, false, &cfg())
        .is_err());
    s.send_headers(&trailers(), KnownValid::NONE, true, &cfg())
        .unwrap();
    assert_eq!(s.state(), StreamState::HalfClosedLocal);
}

#[test]
fn rfc9113_8_1_response_before_request_is_complete() {
    // A server may answer before the request ends (8.1); the client keeps sending.
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    s.send_headers(&post("4"), KnownValid::NONE, false, &cfg())
        .unwrap();
    recv(&mut s, status("200"), true).unwrap();
    assert_eq!(s.state(), StreamState::HalfClosedRemote);
    s.send_data(4, true).unwrap();
    assert!(s.is_closed());
}

// ---- 8.1.1: content-length ------------------------------------------------------------

#[test]
fn rfc9113_8_1_1_data_beyond_content_length_is_malformed() {
    let (mut s, _) = server_with(post("3"), false);
    data(&mut s, 2, false).unwrap();
    malformed(data(&mut s, 2, false).map(|_| ()));
}

#[test]
fn recv_content_length_reports_declared_and_received() {
    let (mut s, _) = server_with(post("3"), false);
    assert_eq!(s.recv_content_length(), Some((3, 0)));
    data(&mut s, 2, false).unwrap();
    assert_eq!(s.recv_content_length(), Some((3, 2)));
    // The refused frame counts: this is what the mismatch report shows.
    malformed(data(&mut s, 2, false).map(|_| ()));
    assert_eq!(s.recv_content_length(), Some((3, 4)));
}

#[test]
fn rfc9113_8_1_1_data_short_of_content_length_is_malformed() {
    let (mut s, _) = server_with(post("3"), false);
    data(&mut s, 2, false).unwrap();
    malformed(data(&mut s, 0, true).map(|_| ()));
    let (mut s, _) = server_with(post("3"), false);
    data(&mut s, 2, false).unwrap();
    malformed(recv(&mut s, trailers(), true).map(|_| ()));
}

#[test]
fn rfc9113_8_1_1_content_length_with_end_stream_on_headers_is_malformed() {
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    malformed(recv(&mut s, post("10"), true).map(|_| ()));
    assert_eq!(s.state(), StreamState::Idle);
}

#[test]
fn rfc9113_8_1_1_exact_content_length_is_accepted() {
    let (mut s, _) = server_with(post("5"), false);
    data(&mut s, 2, false).unwrap();
    data(&mut s, 3, false).unwrap();
    recv(&mut s, trailers(), true).unwrap();
    assert_eq!(s.state(), StreamState::HalfClosedRemote);
}

#[test]
fn rfc9113_8_1_1_padding_does_not_count_toward_content_length() {
    let (mut s, _) = server_with(post("2"), false);
    let mut ev = Vec::new();
    s.recv_data(b"ab".to_vec().into(), 2 + 1 + 40, true, &mut ev)
        .unwrap();
    assert_eq!(s.recv_window(), WIN as i32 - 43);
}

#[test]
fn rfc9113_8_1_1_head_response_has_no_content() {
    let mut head = get();
    head[0] = h(":method", "HEAD");
    let mut s = client_sent(&head);
    let mut resp = status("200");
    resp.push(h("content-length", "1000"));
    recv(&mut s, resp.clone(), true).unwrap();
    let mut s = client_sent(&head);
    recv(&mut s, resp, false).unwrap();
    malformed(data(&mut s, 1, true).map(|_| ()));
}

#[test]
fn rfc9113_8_1_1_204_and_304_have_no_content() {
    for code in ["204", "304"] {
        let mut s = client_sent(&get());
        let mut resp = status(code);
        resp.push(h("content-length", "10"));
        recv(&mut s, resp.clone(), false).unwrap();
        malformed(data(&mut s, 1, false).map(|_| ()));
        let mut s = client_sent(&get());
        recv(&mut s, resp, false).unwrap();
        data(&mut s, 0, true).unwrap();
    }
}

#[test]
fn rfc9113_8_1_1_outbound_content_length_is_held_against_data() {
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    s.send_headers(&post("3"), KnownValid::NONE, false, &cfg())
        .unwrap();
    assert!(s.send_data(4, false).is_err());
    s.send_data(2, false).unwrap();
    assert!(s.send_data(0, true).is_err());
    assert_eq!(
        s.send_window(),
        WIN as i32 - 2,
        "a refused send changes nothing"
    );
    s.send_data(1, true).unwrap();
    let mut srv = server_with(get(), true).0;
    let mut resp = status("200");
    resp.push(h("content-length", "0"));
    assert!(srv
        .send_headers(&resp, KnownValid::NONE, true, &cfg())
        .is_ok());
}

#[test]
fn rfc9113_8_1_1_content_length_unchecked_without_validation() {
    let cfg = ValidationConfig {
        validate_inbound_headers: false,
        ..ValidationConfig::default()
    };
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    let mut ev = Vec::new();
    s.recv_headers(post("1"), KnownValid::NONE, false, None, &cfg, &mut ev)
        .unwrap();
    data(&mut s, 5, true).unwrap();
}

#[test]
fn rfc9113_8_5_connect_data_is_not_limited_by_content_length() {
    let connect = vec![h(":method", "CONNECT"), h(":authority", "example.com:443")];
    let (mut s, _) = server_with(connect, false);
    s.send_headers(&status("200"), KnownValid::NONE, false, &cfg())
        .unwrap();
    data(&mut s, 100, false).unwrap();
    s.send_data(100, false).unwrap();
}

// ---- 6.9: flow control -----------------------------------------------------------------

#[test]
fn rfc9113_6_9_data_beyond_stream_window_is_stream_flow_control_error() {
    let mut s = Stream::new(client_id(), Role::Server, WIN, 10);
    let mut ev = Vec::new();
    s.recv_headers(get(), KnownValid::NONE, false, None, &cfg(), &mut ev)
        .unwrap();
    let err = data(&mut s, 11, false).unwrap_err();
    assert_eq!(
        err,
        H2Error::stream(client_id(), ErrorCode::FLOW_CONTROL_ERROR, err.why())
    );
    assert_eq!(s.recv_window(), 10);
    data(&mut s, 10, false).unwrap();
    assert_eq!(s.recv_window(), 0);
    data(&mut s, 0, true).unwrap();
}

#[test]
fn rfc9113_6_9_1_window_update_overflow_is_stream_flow_control_error() {
    let mut s = server_in(StreamState::Open);
    let mut ev = Vec::new();
    let err = s.recv_window_update(MAX_WINDOW_SIZE, &mut ev).unwrap_err();
    assert_eq!(
        err,
        H2Error::stream(client_id(), ErrorCode::FLOW_CONTROL_ERROR, err.why())
    );
    assert_eq!(s.send_window(), WIN as i32);
    s.recv_window_update(MAX_WINDOW_SIZE - WIN, &mut ev)
        .unwrap();
    assert_eq!(s.send_window(), MAX_WINDOW_SIZE as i32);
}

#[test]
fn rfc9113_6_9_window_update_of_zero_is_stream_protocol_error() {
    let mut s = server_in(StreamState::Open);
    let mut ev = Vec::new();
    let err = s.recv_window_update(0, &mut ev).unwrap_err();
    assert_eq!(
        err,
        H2Error::stream(client_id(), ErrorCode::PROTOCOL_ERROR, err.why())
    );
}

#[test]
fn rfc9113_6_9_1_send_beyond_window_is_blocked() {
    let mut s = Stream::new(client_id(), Role::Client, 5, WIN);
    s.send_headers(&get(), KnownValid::NONE, false, &cfg())
        .unwrap();
    assert_eq!(
        s.send_data(6, false),
        Err(UserError::FlowControlBlocked {
            stream_id: client_id(),
            window: FlowWindow::Stream,
            available: 5
        })
    );
    s.send_data(5, false).unwrap();
    s.send_data(0, true).unwrap();
}

#[test]
fn rfc9113_6_9_2_negative_window_after_settings_change_blocks_sending() {
    let mut s = Stream::new(client_id(), Role::Client, 100, WIN);
    s.send_headers(&get(), KnownValid::NONE, false, &cfg())
        .unwrap();
    s.send_data(60, false).unwrap();
    s.send_window_mut().adjust(-90).unwrap();
    assert_eq!(s.send_window(), -50);
    assert!(matches!(
        s.send_data(1, false),
        Err(UserError::FlowControlBlocked { available: -50, .. })
    ));
    let mut ev = Vec::new();
    recv(&mut s, status("200"), false).unwrap();
    s.recv_window_update(51, &mut ev).unwrap();
    s.send_data(1, false).unwrap();
}

#[test]
fn rfc9113_6_9_send_window_update_credits_the_receive_window() {
    let mut s = server_in(StreamState::Open);
    data(&mut s, 100, false).unwrap();
    s.send_window_update(100).unwrap();
    assert_eq!(s.recv_window(), WIN as i32);
    assert_eq!(
        s.send_window_update(MAX_WINDOW_SIZE),
        Err(UserError::WindowOverflow)
    );
    assert!(s.send_window_update(0).is_err());
}

#[test]
fn stream_ids_and_roles_are_reported() {
    let s = Stream::new(StreamId::new(7), Role::Client, 1, 2);
    assert_eq!(
        (s.id(), s.role(), s.send_window(), s.recv_window()),
        (StreamId::new(7), Role::Client, 1, 2)
    );
    assert!(!s.is_active());
    assert!(server_in(StreamState::HalfClosedRemote).is_active());
}

#[test]
fn rfc9113_8_5_headers_on_a_connect_tunnel_are_a_stream_error() {
    let connect = vec![h(":method", "CONNECT"), h(":authority", "example.com:443")];
    let (mut s, _) = server_with(connect.clone(), false);
    malformed(recv(&mut s, trailers(), true).map(|_| ()));
    s.send_headers(&status("200"), KnownValid::NONE, false, &cfg())
        .unwrap();
    assert!(s
        .send_headers(&trailers(), KnownValid::NONE, true, &cfg())
        .is_err());
    let mut c = Stream::new(client_id(), Role::Client, WIN, WIN);
    c.send_headers(&connect, KnownValid::NONE, false, &cfg())
        .unwrap();
    recv(&mut c, status("200"), false).unwrap();
    malformed(recv(&mut c, trailers(), true).map(|_| ()));
}

#[test]
fn rfc8441_extended_connect_stream_carries_an_ordinary_message() {
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    s.set_extended_connect(true);
    let mut ev = Vec::new();
    let block = vec![
        h(":method", "CONNECT"),
        h(":protocol", "websocket"),
        h(":scheme", "https"),
        h(":path", "/chat"),
        h(":authority", "example.com"),
    ];
    s.recv_headers(block, KnownValid::NONE, false, None, &cfg(), &mut ev)
        .unwrap();
    data(&mut s, 10, false).unwrap();
    recv(&mut s, trailers(), true).unwrap();
}

#[test]
fn rfc9113_5_1_2_only_open_and_half_closed_streams_count_toward_concurrency() {
    assert!(!server_in(StreamState::ReservedLocal).is_active());
    assert!(!client_in(StreamState::ReservedRemote).is_active());
    assert!(server_in(StreamState::Open).is_active());
    assert!(client_in(StreamState::HalfClosedLocal).is_active());
    assert!(server_in(StreamState::HalfClosedRemote).is_active());
    assert!(!server_in(CLOSED_ES).is_active());
}

#[test]
fn rfc9113_6_9_3_reduced_receive_window_rejects_data_beyond_it() {
    let mut s = server_in(StreamState::Open);
    data(&mut s, 1000, false).unwrap();
    // We shrank SETTINGS_INITIAL_WINDOW_SIZE to 500 and the peer acknowledged it.
    s.recv_window_mut().adjust(500 - i64::from(WIN)).unwrap();
    assert_eq!(s.recv_window(), -500);
    let err = data(&mut s, 1, false).unwrap_err();
    assert_eq!(err.code(), ErrorCode::FLOW_CONTROL_ERROR);
    data(&mut s, 0, true).unwrap();
}
