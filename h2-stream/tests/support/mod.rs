//! Shared helpers: header lists and streams driven into each RFC 9113 5.1 state through
//! the public API only.
#![allow(dead_code)]

use h2_stream::events::Event;
use h2_stream::frame::{ErrorCode, StreamId, DEFAULT_INITIAL_WINDOW_SIZE};
use h2_stream::hpack::HeaderField;
use h2_stream::KnownValid;
use h2_stream::{CloseCause, Role, Stream, StreamState, ValidationConfig};

pub const WIN: u32 = DEFAULT_INITIAL_WINDOW_SIZE;

pub fn cfg() -> ValidationConfig {
    ValidationConfig::default()
}

pub fn h(name: &'static str, value: &'static str) -> HeaderField {
    HeaderField::new(name, value)
}

pub fn get() -> Vec<HeaderField> {
    vec![
        h(":method", "GET"),
        h(":scheme", "https"),
        h(":authority", "example.com"),
        h(":path", "/"),
    ]
}

pub fn post(len: &'static str) -> Vec<HeaderField> {
    vec![
        h(":method", "POST"),
        h(":scheme", "https"),
        h(":authority", "example.com"),
        h(":path", "/upload"),
        h("content-length", len),
    ]
}

pub fn status(code: &'static str) -> Vec<HeaderField> {
    vec![h(":status", code)]
}

pub fn trailers() -> Vec<HeaderField> {
    vec![h("grpc-status", "0")]
}

pub fn client_id() -> StreamId {
    StreamId::new(1)
}

pub fn server_id() -> StreamId {
    StreamId::new(2)
}

/// The id a stream in `state` naturally has for `role`: reserved streams are pushed (even).
pub fn id_for(state: StreamState) -> StreamId {
    match state {
        StreamState::ReservedLocal | StreamState::ReservedRemote => server_id(),
        _ => client_id(),
    }
}

fn ok<T, E: std::fmt::Debug>(r: Result<T, E>) -> T {
    r.expect("setup step failed")
}

/// A server stream that received a request (no END_STREAM) and sent a 200 (no END_STREAM).
fn server_open() -> Stream {
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    let mut ev = Vec::new();
    ok(s.recv_headers(get(), KnownValid::NONE, false, None, &cfg(), &mut ev));
    ok(
        s.send_headers(&status("200"), KnownValid::NONE, false, &cfg())
            .map(|_| ()),
    );
    s
}

/// A client stream that sent a request (no END_STREAM) and received a 200 (no END_STREAM).
fn client_open() -> Stream {
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    let mut ev = Vec::new();
    ok(s.send_headers(&get(), KnownValid::NONE, false, &cfg())
        .map(|_| ()));
    ok(s.recv_headers(
        status("200"),
        KnownValid::NONE,
        false,
        None,
        &cfg(),
        &mut ev,
    ));
    s
}

/// A stream of `role` in `state`, reached through the public API, with both header
/// sections exchanged where the state allows (so DATA and trailers are legal next).
/// `None` when the role cannot reach the state (a client never has reserved (local)).
pub fn stream_in(role: Role, state: StreamState) -> Option<Stream> {
    let mut ev = Vec::new();
    let c = cfg();
    let s = match (role, state) {
        (_, StreamState::Idle) => Stream::new(client_id(), role, WIN, WIN),
        (Role::Server, StreamState::ReservedLocal) => {
            let mut s = Stream::new(server_id(), Role::Server, WIN, WIN);
            ok(s.send_push_promise(&get(), &c).map(|_| ()));
            s
        }
        (Role::Client, StreamState::ReservedRemote) => {
            let mut s = Stream::new(server_id(), Role::Client, WIN, WIN);
            ok(s.recv_push_promise(client_id(), get(), &c, &mut ev));
            s
        }
        (Role::Client, StreamState::ReservedLocal)
        | (Role::Server, StreamState::ReservedRemote) => return None,
        (Role::Server, StreamState::Open) => server_open(),
        (Role::Client, StreamState::Open) => client_open(),
        (Role::Server, StreamState::HalfClosedLocal) => {
            let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
            ok(s.recv_headers(get(), KnownValid::NONE, false, None, &c, &mut ev));
            ok(s.send_headers(&status("200"), KnownValid::NONE, true, &c)
                .map(|_| ()));
            s
        }
        (Role::Client, StreamState::HalfClosedLocal) => {
            let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
            ok(s.send_headers(&get(), KnownValid::NONE, true, &c)
                .map(|_| ()));
            ok(s.recv_headers(status("200"), KnownValid::NONE, false, None, &c, &mut ev));
            s
        }
        (Role::Server, StreamState::HalfClosedRemote) => {
            let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
            ok(s.recv_headers(get(), KnownValid::NONE, true, None, &c, &mut ev));
            ok(s.send_headers(&status("200"), KnownValid::NONE, false, &c)
                .map(|_| ()));
            s
        }
        (Role::Client, StreamState::HalfClosedRemote) => {
            let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
            ok(s.send_headers(&get(), KnownValid::NONE, false, &c)
                .map(|_| ()));
            ok(s.recv_headers(status("200"), KnownValid::NONE, true, None, &c, &mut ev));
            s
        }
        (_, StreamState::Closed(CloseCause::EndStream)) => {
            let mut s = stream_in(role, StreamState::HalfClosedRemote)?;
            ok(s.send_data(0, true));
            s
        }
        (_, StreamState::Closed(CloseCause::ResetSent(code))) => {
            let mut s = stream_in(role, StreamState::Open)?;
            ok(s.send_reset(code));
            s
        }
        (_, StreamState::Closed(CloseCause::ResetReceived(code))) => {
            let mut s = stream_in(role, StreamState::Open)?;
            ok(s.recv_rst_stream(code, &mut ev));
            s
        }
    };
    assert_eq!(s.state(), state, "setup for {role:?} {state:?}");
    Some(s)
}

pub fn server_in(state: StreamState) -> Stream {
    stream_in(Role::Server, state).expect("server can reach the state")
}

pub fn client_in(state: StreamState) -> Stream {
    stream_in(Role::Client, state).expect("client can reach the state")
}

pub const CLOSED_ES: StreamState = StreamState::Closed(CloseCause::EndStream);
pub const CLOSED_RST_SENT: StreamState =
    StreamState::Closed(CloseCause::ResetSent(ErrorCode::CANCEL));
pub const CLOSED_RST_RECV: StreamState =
    StreamState::Closed(CloseCause::ResetReceived(ErrorCode::CANCEL));

pub fn data(s: &mut Stream, n: usize, end_stream: bool) -> Result<Vec<Event>, h2_stream::H2Error> {
    let mut ev = Vec::new();
    s.recv_data(vec![b'x'; n].into(), n as u32, end_stream, &mut ev)?;
    Ok(ev)
}
