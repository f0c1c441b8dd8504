//! One test per (state, input) pair RFC 9113 names (sections 5.1, 6.1, 6.2, 6.4, 6.6,
//! 8.4), through the public `Stream` API.

mod support;

use h2_stream::events::Event;
use h2_stream::frame::{ErrorCode, H2Error, StreamId};
use h2_stream::KnownValid;
use h2_stream::{
    CloseCause, Priority, PrioritySpec, RecvInput, Role, Stream, StreamState, UserError,
};
use support::*;

fn conn(code: ErrorCode) -> impl Fn(Result<(), H2Error>) {
    move |r| match r {
        Err(H2Error::Connection { code: c, .. }) => assert_eq!(c, code),
        other => panic!("expected connection error {code:?}, got {other:?}"),
    }
}

fn stream_err(id: StreamId, code: ErrorCode) -> impl Fn(Result<(), H2Error>) {
    move |r| match r {
        Err(H2Error::Stream { id: i, code: c, .. }) => {
            assert_eq!((i, c), (id, code));
        }
        other => panic!("expected stream error {code:?}, got {other:?}"),
    }
}

fn rst(s: &mut Stream) -> (Result<(), H2Error>, Vec<Event>) {
    let mut ev = Vec::new();
    (s.recv_rst_stream(ErrorCode::CANCEL, &mut ev), ev)
}

fn wu(s: &mut Stream, n: u32) -> (Result<(), H2Error>, Vec<Event>) {
    let mut ev = Vec::new();
    (s.recv_window_update(n, &mut ev), ev)
}

fn headers(
    s: &mut Stream,
    block: Vec<h2_stream::HeaderField>,
    es: bool,
) -> (Result<(), H2Error>, Vec<Event>) {
    let mut ev = Vec::new();
    (
        s.recv_headers(block, KnownValid::NONE, es, None, &cfg(), &mut ev),
        ev,
    )
}

fn priority(s: &mut Stream) -> (Result<(), H2Error>, Vec<Event>) {
    let mut ev = Vec::new();
    let spec = PrioritySpec {
        dependency: StreamId::ZERO,
        exclusive: false,
        weight: 7,
    };
    (s.recv_priority(Priority::Rfc7540(spec), &mut ev), ev)
}

// ---- idle -------------------------------------------------------------------------

#[test]
fn rfc9113_5_1_idle_recv_headers_as_server_opens() {
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    let (r, ev) = headers(&mut s, get(), false);
    r.unwrap();
    assert_eq!(s.state(), StreamState::Open);
    assert!(matches!(
        &ev[..],
        [Event::RequestReceived {
            end_stream: false,
            ..
        }]
    ));
}

#[test]
fn rfc9113_5_1_idle_recv_headers_end_stream_becomes_half_closed_remote() {
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    let (r, ev) = headers(&mut s, get(), true);
    r.unwrap();
    assert_eq!(s.state(), StreamState::HalfClosedRemote);
    assert!(matches!(
        &ev[..],
        [
            Event::RequestReceived {
                end_stream: true,
                ..
            },
            Event::StreamEnded { .. }
        ]
    ));
}

#[test]
fn rfc9113_5_1_idle_recv_headers_on_server_initiated_stream_is_connection_protocol_error() {
    let mut s = Stream::new(server_id(), Role::Server, WIN, WIN);
    conn(ErrorCode::PROTOCOL_ERROR)(headers(&mut s, get(), false).0);
    let mut s = Stream::new(server_id(), Role::Client, WIN, WIN);
    conn(ErrorCode::PROTOCOL_ERROR)(headers(&mut s, status("200"), false).0);
    assert_eq!(s.state(), StreamState::Idle);
}

#[test]
fn rfc9113_5_1_idle_recv_headers_as_client_is_connection_protocol_error() {
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    conn(ErrorCode::PROTOCOL_ERROR)(headers(&mut s, status("200"), false).0);
}

#[test]
fn rfc9113_5_1_idle_data_is_connection_protocol_error() {
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    conn(ErrorCode::PROTOCOL_ERROR)(data(&mut s, 1, false).map(|_| ()));
}

#[test]
fn rfc9113_6_1_idle_data_is_connection_protocol_error_not_stream_closed() {
    // 6.1 says STREAM_CLOSED for DATA outside open/half-closed (local); 5.1's idle rule is
    // the more specific one.
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    conn(ErrorCode::PROTOCOL_ERROR)(data(&mut s, 0, true).map(|_| ()));
}

#[test]
fn rfc9113_5_1_idle_window_update_is_connection_protocol_error() {
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    conn(ErrorCode::PROTOCOL_ERROR)(wu(&mut s, 1).0);
}

#[test]
fn rfc9113_6_4_idle_rst_stream_is_connection_protocol_error() {
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    conn(ErrorCode::PROTOCOL_ERROR)(rst(&mut s).0);
}

#[test]
fn rfc9113_5_1_idle_priority_is_allowed() {
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    let (r, ev) = priority(&mut s);
    r.unwrap();
    assert_eq!(s.state(), StreamState::Idle);
    assert!(matches!(&ev[..], [Event::PriorityUpdated { .. }]));
}

#[test]
fn rfc9113_5_1_idle_recv_push_promise_becomes_reserved_remote() {
    let mut s = Stream::new(server_id(), Role::Client, WIN, WIN);
    let mut ev = Vec::new();
    s.recv_push_promise(client_id(), get(), &cfg(), &mut ev)
        .unwrap();
    assert_eq!(s.state(), StreamState::ReservedRemote);
    assert!(matches!(
        &ev[..],
        [Event::PushedStreamReceived { pushed_stream_id, parent_stream_id, .. }]
            if *pushed_stream_id == server_id() && *parent_stream_id == client_id()
    ));
}

#[test]
fn rfc9113_8_4_server_receiving_push_promise_is_connection_protocol_error() {
    let mut s = Stream::new(server_id(), Role::Server, WIN, WIN);
    let mut ev = Vec::new();
    conn(ErrorCode::PROTOCOL_ERROR)(s.recv_push_promise(client_id(), get(), &cfg(), &mut ev));
    conn(ErrorCode::PROTOCOL_ERROR)(server_in(StreamState::Open).check_push_parent());
}

#[test]
fn rfc9113_5_1_1_push_promise_of_odd_stream_is_connection_protocol_error() {
    let mut s = Stream::new(StreamId::new(3), Role::Client, WIN, WIN);
    let mut ev = Vec::new();
    conn(ErrorCode::PROTOCOL_ERROR)(s.recv_push_promise(client_id(), get(), &cfg(), &mut ev));
}

#[test]
fn rfc9113_5_1_idle_send_headers_as_client_opens() {
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    s.send_headers(&get(), KnownValid::NONE, false, &cfg())
        .unwrap();
    assert_eq!(s.state(), StreamState::Open);
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    s.send_headers(&get(), KnownValid::NONE, true, &cfg())
        .unwrap();
    assert_eq!(s.state(), StreamState::HalfClosedLocal);
}

#[test]
fn rfc9113_5_1_idle_send_headers_as_server_is_user_error() {
    let mut s = Stream::new(server_id(), Role::Server, WIN, WIN);
    let err = s
        .send_headers(&status("200"), KnownValid::NONE, false, &cfg())
        .unwrap_err();
    assert!(matches!(err, UserError::InvalidState { .. }));
    assert_eq!(s.state(), StreamState::Idle);
}

#[test]
fn rfc9113_5_1_idle_send_push_promise_becomes_reserved_local() {
    let mut s = Stream::new(server_id(), Role::Server, WIN, WIN);
    s.send_push_promise(&get(), &cfg()).unwrap();
    assert_eq!(s.state(), StreamState::ReservedLocal);
    let mut c = Stream::new(server_id(), Role::Client, WIN, WIN);
    assert!(c.send_push_promise(&get(), &cfg()).is_err());
}

#[test]
fn rfc9113_6_4_send_rst_stream_on_idle_is_user_error() {
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    assert!(matches!(
        s.send_reset(ErrorCode::CANCEL),
        Err(UserError::InvalidState { .. })
    ));
}

// ---- reserved (local) -------------------------------------------------------------

#[test]
fn rfc9113_5_1_reserved_local_send_headers_becomes_half_closed_remote() {
    let mut s = server_in(StreamState::ReservedLocal);
    s.send_headers(&status("200"), KnownValid::NONE, false, &cfg())
        .unwrap();
    assert_eq!(s.state(), StreamState::HalfClosedRemote);
    s.send_data(0, true).unwrap();
    assert_eq!(s.state(), CLOSED_ES);
}

#[test]
fn rfc9113_5_1_reserved_local_recv_headers_is_connection_protocol_error() {
    let mut s = server_in(StreamState::ReservedLocal);
    conn(ErrorCode::PROTOCOL_ERROR)(headers(&mut s, get(), false).0);
}

#[test]
fn rfc9113_5_1_reserved_local_recv_data_is_connection_protocol_error() {
    let mut s = server_in(StreamState::ReservedLocal);
    conn(ErrorCode::PROTOCOL_ERROR)(data(&mut s, 1, false).map(|_| ()));
}

#[test]
fn rfc9113_5_1_reserved_local_recv_window_update_is_allowed() {
    let mut s = server_in(StreamState::ReservedLocal);
    let (r, ev) = wu(&mut s, 100);
    r.unwrap();
    assert_eq!(s.send_window(), WIN as i32 + 100);
    assert!(matches!(&ev[..], [Event::WindowUpdated { delta: 100, .. }]));
}

#[test]
fn rfc9113_5_1_reserved_local_recv_rst_stream_closes() {
    let mut s = server_in(StreamState::ReservedLocal);
    let (r, ev) = rst(&mut s);
    r.unwrap();
    assert_eq!(s.state(), CLOSED_RST_RECV);
    assert!(matches!(
        &ev[..],
        [Event::StreamReset {
            remote_reset: true,
            ..
        }]
    ));
}

#[test]
fn rfc9113_5_1_reserved_local_send_data_and_window_update_are_user_errors() {
    let mut s = server_in(StreamState::ReservedLocal);
    assert!(s.send_data(1, false).is_err());
    assert!(s.send_window_update(1).is_err());
    s.send_reset(ErrorCode::CANCEL).unwrap();
    assert_eq!(s.state(), CLOSED_RST_SENT);
}

// ---- reserved (remote) ------------------------------------------------------------

#[test]
fn rfc9113_5_1_reserved_remote_recv_headers_becomes_half_closed_local() {
    let mut s = client_in(StreamState::ReservedRemote);
    let (r, ev) = headers(&mut s, status("200"), false);
    r.unwrap();
    assert_eq!(s.state(), StreamState::HalfClosedLocal);
    assert!(matches!(&ev[..], [Event::ResponseReceived { .. }]));
}

#[test]
fn rfc9113_8_4_2_push_response_with_end_stream_closes() {
    let mut s = client_in(StreamState::ReservedRemote);
    headers(&mut s, status("200"), true).0.unwrap();
    assert_eq!(s.state(), CLOSED_ES);
}

#[test]
fn rfc9113_5_1_reserved_remote_recv_data_is_connection_protocol_error() {
    let mut s = client_in(StreamState::ReservedRemote);
    conn(ErrorCode::PROTOCOL_ERROR)(data(&mut s, 1, false).map(|_| ()));
}

#[test]
fn rfc9113_5_1_reserved_remote_recv_window_update_is_connection_protocol_error() {
    let mut s = client_in(StreamState::ReservedRemote);
    conn(ErrorCode::PROTOCOL_ERROR)(wu(&mut s, 1).0);
}

#[test]
fn rfc9113_5_1_reserved_remote_recv_rst_stream_closes() {
    let mut s = client_in(StreamState::ReservedRemote);
    rst(&mut s).0.unwrap();
    assert_eq!(s.state(), CLOSED_RST_RECV);
}

#[test]
fn rfc9113_5_1_reserved_remote_send_only_rst_window_update_priority() {
    let mut s = client_in(StreamState::ReservedRemote);
    assert!(s
        .send_headers(&get(), KnownValid::NONE, false, &cfg())
        .is_err());
    assert!(s.send_data(0, true).is_err());
    s.send_window_update(5).unwrap();
    assert_eq!(s.recv_window(), WIN as i32 + 5);
    s.send_reset(ErrorCode::REFUSED_STREAM).unwrap();
    assert_eq!(
        s.state(),
        StreamState::Closed(CloseCause::ResetSent(ErrorCode::REFUSED_STREAM))
    );
}

// ---- open -------------------------------------------------------------------------

#[test]
fn rfc9113_5_1_open_recv_end_stream_becomes_half_closed_remote() {
    let mut s = server_in(StreamState::Open);
    let ev = data(&mut s, 3, true).unwrap();
    assert_eq!(s.state(), StreamState::HalfClosedRemote);
    assert!(matches!(
        &ev[..],
        [
            Event::DataReceived {
                end_stream: true,
                ..
            },
            Event::StreamEnded { .. }
        ]
    ));
}

#[test]
fn rfc9113_5_1_open_send_end_stream_becomes_half_closed_local() {
    let mut s = server_in(StreamState::Open);
    s.send_data(5, true).unwrap();
    assert_eq!(s.state(), StreamState::HalfClosedLocal);
}

#[test]
fn rfc9113_5_1_open_recv_rst_stream_closes() {
    let mut s = client_in(StreamState::Open);
    let (r, ev) = rst(&mut s);
    r.unwrap();
    assert_eq!(s.state(), CLOSED_RST_RECV);
    assert!(matches!(
        &ev[..],
        [Event::StreamReset {
            error_code: ErrorCode::CANCEL,
            remote_reset: true,
            ..
        }]
    ));
}

#[test]
fn rfc9113_5_1_open_send_rst_stream_closes() {
    let mut s = client_in(StreamState::Open);
    s.send_reset(ErrorCode::CANCEL).unwrap();
    assert_eq!(s.state(), CLOSED_RST_SENT);
}

#[test]
fn rfc9113_5_1_open_recv_trailers_end_the_stream() {
    let mut s = server_in(StreamState::Open);
    let (r, ev) = headers(&mut s, trailers(), true);
    r.unwrap();
    assert_eq!(s.state(), StreamState::HalfClosedRemote);
    assert!(matches!(
        &ev[..],
        [Event::TrailersReceived { .. }, Event::StreamEnded { .. }]
    ));
}

// ---- half-closed (local) ----------------------------------------------------------

#[test]
fn rfc9113_5_1_half_closed_local_recv_end_stream_closes() {
    let mut s = client_in(StreamState::HalfClosedLocal);
    data(&mut s, 2, true).unwrap();
    assert_eq!(s.state(), CLOSED_ES);
}

#[test]
fn rfc9113_5_1_half_closed_local_send_data_is_stream_closed_user_error() {
    let mut s = client_in(StreamState::HalfClosedLocal);
    assert_eq!(
        s.send_data(1, false),
        Err(UserError::StreamClosed(client_id()))
    );
    assert!(matches!(
        s.send_headers(&trailers(), KnownValid::NONE, true, &cfg()),
        Err(UserError::StreamClosed(_))
    ));
}

#[test]
fn rfc9113_5_1_half_closed_local_recv_window_update_is_allowed() {
    let mut s = client_in(StreamState::HalfClosedLocal);
    wu(&mut s, 9).0.unwrap();
    assert_eq!(s.state(), StreamState::HalfClosedLocal);
}

#[test]
fn rfc9113_5_1_half_closed_local_recv_rst_stream_closes() {
    let mut s = client_in(StreamState::HalfClosedLocal);
    rst(&mut s).0.unwrap();
    assert_eq!(s.state(), CLOSED_RST_RECV);
}

#[test]
fn rfc9113_5_1_half_closed_local_send_rst_stream_closes() {
    let mut s = client_in(StreamState::HalfClosedLocal);
    s.send_reset(ErrorCode::CANCEL).unwrap();
    assert_eq!(s.state(), CLOSED_RST_SENT);
}

// ---- half-closed (remote) ---------------------------------------------------------

#[test]
fn rfc9113_5_1_half_closed_remote_data_is_stream_closed() {
    let mut s = server_in(StreamState::HalfClosedRemote);
    stream_err(client_id(), ErrorCode::STREAM_CLOSED)(data(&mut s, 1, false).map(|_| ()));
    assert_eq!(s.state(), StreamState::HalfClosedRemote);
}

#[test]
fn rfc9113_6_1_data_on_half_closed_remote_is_stream_closed() {
    let mut s = client_in(StreamState::HalfClosedRemote);
    stream_err(client_id(), ErrorCode::STREAM_CLOSED)(data(&mut s, 0, true).map(|_| ()));
}

#[test]
fn rfc9113_5_1_half_closed_remote_headers_is_stream_closed() {
    let mut s = server_in(StreamState::HalfClosedRemote);
    stream_err(client_id(), ErrorCode::STREAM_CLOSED)(headers(&mut s, trailers(), true).0);
}

#[test]
fn rfc9113_6_9_half_closed_remote_window_update_is_not_an_error() {
    let mut s = server_in(StreamState::HalfClosedRemote);
    let (r, ev) = wu(&mut s, 1);
    r.unwrap();
    assert_eq!(ev.len(), 1);
}

#[test]
fn rfc9113_5_1_half_closed_remote_priority_is_allowed() {
    let mut s = server_in(StreamState::HalfClosedRemote);
    priority(&mut s).0.unwrap();
    assert_eq!(s.state(), StreamState::HalfClosedRemote);
}

#[test]
fn rfc9113_5_1_half_closed_remote_rst_stream_closes() {
    let mut s = server_in(StreamState::HalfClosedRemote);
    rst(&mut s).0.unwrap();
    assert_eq!(s.state(), CLOSED_RST_RECV);
}

#[test]
fn rfc9113_5_1_half_closed_remote_send_end_stream_closes() {
    let mut s = server_in(StreamState::HalfClosedRemote);
    s.send_headers(&trailers(), KnownValid::NONE, true, &cfg())
        .unwrap();
    assert_eq!(s.state(), CLOSED_ES);
}

// ---- closed -----------------------------------------------------------------------

#[test]
fn rfc9113_5_1_closed_after_end_stream_data_is_connection_stream_closed() {
    let mut s = server_in(CLOSED_ES);
    conn(ErrorCode::STREAM_CLOSED)(data(&mut s, 1, false).map(|_| ()));
}

#[test]
fn rfc9113_5_1_closed_after_end_stream_headers_is_connection_stream_closed() {
    let mut s = client_in(CLOSED_ES);
    conn(ErrorCode::STREAM_CLOSED)(headers(&mut s, trailers(), true).0);
}

#[test]
fn rfc9113_5_1_closed_after_end_stream_window_update_is_ignored() {
    let mut s = server_in(CLOSED_ES);
    let (r, ev) = wu(&mut s, 5);
    r.unwrap();
    assert!(ev.is_empty());
    assert_eq!(s.state(), CLOSED_ES);
}

#[test]
fn rfc9113_6_9_closed_window_update_is_not_an_error() {
    let mut s = client_in(CLOSED_ES);
    assert!(wu(&mut s, u32::MAX >> 1).0.is_ok());
}

#[test]
fn rfc9113_5_1_closed_after_end_stream_rst_stream_is_ignored() {
    let mut s = server_in(CLOSED_ES);
    let (r, ev) = rst(&mut s);
    r.unwrap();
    assert!(ev.is_empty());
    assert_eq!(s.state(), CLOSED_ES);
}

#[test]
fn rfc9113_5_1_closed_after_reset_sent_any_frame_is_ignored() {
    let mut s = client_in(CLOSED_RST_SENT);
    assert_eq!(data(&mut s, 10, true).unwrap(), vec![]);
    assert_eq!(headers(&mut s, trailers(), true), (Ok(()), vec![]));
    assert_eq!(wu(&mut s, 1), (Ok(()), vec![]));
    assert_eq!(rst(&mut s), (Ok(()), vec![]));
    assert_eq!(s.state(), CLOSED_RST_SENT);
    assert_eq!(
        s.recv_window(),
        WIN as i32,
        "ignored DATA leaves the stream window alone"
    );
}

#[test]
fn rfc9113_5_1_closed_after_reset_sent_push_promise_on_parent_is_accepted() {
    let s = client_in(CLOSED_RST_SENT);
    assert!(s.check_push_parent().is_ok());
}

#[test]
fn rfc9113_5_1_closed_after_reset_received_data_is_stream_closed() {
    let mut s = server_in(CLOSED_RST_RECV);
    stream_err(client_id(), ErrorCode::STREAM_CLOSED)(data(&mut s, 1, false).map(|_| ()));
}

#[test]
fn rfc9113_6_4_closed_after_reset_received_headers_and_window_update_are_stream_closed() {
    let mut s = client_in(CLOSED_RST_RECV);
    stream_err(client_id(), ErrorCode::STREAM_CLOSED)(headers(&mut s, trailers(), true).0);
    stream_err(client_id(), ErrorCode::STREAM_CLOSED)(wu(&mut s, 1).0);
}

#[test]
fn rfc9113_5_4_2_closed_after_reset_received_rst_stream_is_ignored() {
    let mut s = client_in(CLOSED_RST_RECV);
    assert_eq!(rst(&mut s), (Ok(()), vec![]));
}

#[test]
fn rfc9113_5_1_closed_priority_is_allowed_whatever_the_cause() {
    for state in [CLOSED_ES, CLOSED_RST_SENT, CLOSED_RST_RECV] {
        let mut s = server_in(state);
        let (r, ev) = priority(&mut s);
        r.unwrap();
        assert_eq!(ev.len(), 1);
        assert_eq!(s.state(), state);
    }
}

#[test]
fn rfc9113_5_1_closed_send_anything_but_priority_is_stream_closed() {
    for state in [CLOSED_ES, CLOSED_RST_SENT, CLOSED_RST_RECV] {
        let mut s = server_in(state);
        let id = s.id();
        assert_eq!(s.send_data(0, true), Err(UserError::StreamClosed(id)));
        assert_eq!(
            s.send_reset(ErrorCode::CANCEL),
            Err(UserError::StreamClosed(id))
        );
        assert_eq!(s.send_window_update(1), Err(UserError::StreamClosed(id)));
        assert!(matches!(
            s.send_headers(&trailers(), KnownValid::NONE, true, &cfg()),
            Err(UserError::StreamClosed(_))
        ));
    }
}

#[test]
fn rfc9113_5_1_late_frame_reports_what_a_closed_stream_means() {
    let s = server_in(CLOSED_RST_SENT);
    assert!(s.late_frame(RecvInput::Data { end_stream: false }).is_ok());
    let s = server_in(CLOSED_ES);
    assert!(s.late_frame(RecvInput::WindowUpdate).is_ok());
    assert!(s
        .late_frame(RecvInput::RstStream(ErrorCode::NO_ERROR))
        .is_ok());
    let err = s
        .late_frame(RecvInput::Headers { end_stream: true })
        .unwrap_err();
    assert!(err.is_connection_error());
    assert_eq!(err.code(), ErrorCode::STREAM_CLOSED);
    let s = server_in(CLOSED_RST_RECV);
    let err = s.late_frame(RecvInput::WindowUpdate).unwrap_err();
    assert!(!err.is_connection_error());
    let idle = Stream::new(client_id(), Role::Server, WIN, WIN);
    assert_eq!(
        idle.late_frame(RecvInput::Data { end_stream: false })
            .unwrap_err()
            .code(),
        ErrorCode::PROTOCOL_ERROR
    );
}

#[test]
fn on_local_reset_closes_from_any_state() {
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    s.on_local_reset(ErrorCode::PROTOCOL_ERROR);
    assert_eq!(
        s.state(),
        StreamState::Closed(CloseCause::ResetSent(ErrorCode::PROTOCOL_ERROR))
    );
    assert!(data(&mut s, 5, true).unwrap().is_empty());
}

// ---- PUSH_PROMISE parents (6.6, 8.4) ------------------------------------------------

#[test]
fn rfc9113_6_6_push_promise_parent_must_be_open_or_half_closed_local() {
    assert!(client_in(StreamState::Open).check_push_parent().is_ok());
    assert!(client_in(StreamState::HalfClosedLocal)
        .check_push_parent()
        .is_ok());
    for state in [
        StreamState::Idle,
        StreamState::HalfClosedRemote,
        CLOSED_ES,
        CLOSED_RST_RECV,
    ] {
        let err = client_in(state).check_push_parent().unwrap_err();
        assert!(err.is_connection_error(), "{state:?}");
        assert_eq!(err.code(), ErrorCode::PROTOCOL_ERROR);
    }
}

#[test]
fn rfc9113_6_6_promised_stream_that_is_not_idle_is_connection_protocol_error() {
    let mut s = client_in(StreamState::ReservedRemote);
    let mut ev = Vec::new();
    conn(ErrorCode::PROTOCOL_ERROR)(s.recv_push_promise(client_id(), get(), &cfg(), &mut ev));
    assert_eq!(s.state(), StreamState::ReservedRemote);
}

#[test]
fn rfc9113_6_6_send_push_promise_parent_must_be_open_or_half_closed_remote() {
    assert!(server_in(StreamState::Open)
        .check_push_parent_send()
        .is_ok());
    assert!(server_in(StreamState::HalfClosedRemote)
        .check_push_parent_send()
        .is_ok());
    assert!(server_in(StreamState::HalfClosedLocal)
        .check_push_parent_send()
        .is_err());
    assert!(server_in(CLOSED_ES).check_push_parent_send().is_err());
    assert!(server_in(StreamState::ReservedLocal)
        .check_push_parent_send()
        .is_err());
    assert_eq!(
        client_in(StreamState::Open).check_push_parent_send(),
        Err(UserError::WrongRole("client"))
    );
}

#[test]
fn rfc9113_8_4_1_malformed_promise_reserves_then_is_stream_protocol_error() {
    let mut s = Stream::new(server_id(), Role::Client, WIN, WIN);
    let mut ev = Vec::new();
    let mut post = post("0");
    post.truncate(4);
    stream_err(server_id(), ErrorCode::PROTOCOL_ERROR)(s.recv_push_promise(
        client_id(),
        post,
        &cfg(),
        &mut ev,
    ));
    assert_eq!(s.state(), StreamState::ReservedRemote);
    assert!(ev.is_empty());
}

// ---- HEADERS (6.2) ------------------------------------------------------------------

#[test]
fn rfc9113_6_2_headers_can_be_sent_in_idle_reserved_local_open_half_closed_remote() {
    assert!(Stream::new(client_id(), Role::Client, WIN, WIN)
        .send_headers(&get(), KnownValid::NONE, false, &cfg())
        .is_ok());
    assert!(server_in(StreamState::ReservedLocal)
        .send_headers(&status("204"), KnownValid::NONE, true, &cfg())
        .is_ok());
    let mut s = server_in(StreamState::Idle);
    headers(&mut s, get(), false).0.unwrap();
    assert!(s
        .send_headers(&status("200"), KnownValid::NONE, false, &cfg())
        .is_ok());
    assert!(server_in(StreamState::HalfClosedRemote)
        .send_headers(&trailers(), KnownValid::NONE, true, &cfg())
        .is_ok());
}

#[test]
fn self_dependent_priority_is_stream_protocol_error() {
    let mut s = server_in(StreamState::Open);
    let mut ev = Vec::new();
    let spec = PrioritySpec {
        dependency: client_id(),
        exclusive: false,
        weight: 0,
    };
    stream_err(client_id(), ErrorCode::PROTOCOL_ERROR)(
        s.recv_priority(Priority::Rfc7540(spec), &mut ev),
    );
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    stream_err(client_id(), ErrorCode::PROTOCOL_ERROR)(s.recv_headers(
        get(),
        KnownValid::NONE,
        true,
        Some(spec),
        &cfg(),
        &mut ev,
    ));
    assert!(ev.is_empty());
}

#[test]
fn rfc9218_priority_update_is_reported() {
    let mut s = server_in(StreamState::Open);
    let mut ev = Vec::new();
    s.recv_priority(Priority::Rfc9218("u=1".into()), &mut ev)
        .unwrap();
    assert!(matches!(
        &ev[..],
        [Event::PriorityUpdated {
            priority: Priority::Rfc9218(_),
            ..
        }]
    ));
}
