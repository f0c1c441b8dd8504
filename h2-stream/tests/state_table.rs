//! The whole RFC 9113 5.1 table, walked pair by pair: first the pure tables against an
//! independent transcription of the RFC, then real streams driven into every state.

mod support;

use h2_stream::events::Event;
use h2_stream::frame::{ErrorCode, H2Error, StreamId};
use h2_stream::KnownValid;
use h2_stream::{
    recv_transition, send_transition, CloseCause, Priority, RecvInput, RecvStep, Role, SendInput,
    Stream, StreamState, UserError, ALL_STATES,
};
use support::*;

const CODE: ErrorCode = ErrorCode::CANCEL;

const RECV_INPUTS: [RecvInput; 8] = [
    RecvInput::Headers { end_stream: false },
    RecvInput::Headers { end_stream: true },
    RecvInput::Data { end_stream: false },
    RecvInput::Data { end_stream: true },
    RecvInput::RstStream(CODE),
    RecvInput::WindowUpdate,
    RecvInput::Priority,
    RecvInput::PushPromise,
];

const SEND_INPUTS: [SendInput; 8] = [
    SendInput::Headers { end_stream: false },
    SendInput::Headers { end_stream: true },
    SendInput::Data { end_stream: false },
    SendInput::Data { end_stream: true },
    SendInput::RstStream(CODE),
    SendInput::WindowUpdate,
    SendInput::Priority,
    SendInput::PushPromise,
];

/// RFC 9113 5.1, transcribed by hand. Columns: H, H+ES, D, D+ES, RST, WU, PRIORITY, PP.
/// `=` same state, `I` ignored, `P` connection PROTOCOL_ERROR, `X` connection
/// STREAM_CLOSED, `S` stream STREAM_CLOSED; otherwise the next state.
fn recv_row(state: StreamState, role: Role, id: StreamId) -> [&'static str; 8] {
    use StreamState::*;
    match state {
        Idle => {
            let h = if role == Role::Server && id.is_client_initiated() {
                ["open", "hcr"]
            } else {
                ["P", "P"]
            };
            let pp = if role == Role::Client && id.is_server_initiated() {
                "rr"
            } else {
                "P"
            };
            [h[0], h[1], "P", "P", "P", "P", "=", pp]
        }
        ReservedLocal => ["P", "P", "P", "P", "rstR", "=", "=", "P"],
        ReservedRemote => ["hcl", "ces", "P", "P", "rstR", "P", "=", "P"],
        Open => ["=", "hcr", "=", "hcr", "rstR", "=", "=", "P"],
        HalfClosedLocal => ["=", "ces", "=", "ces", "rstR", "=", "=", "P"],
        HalfClosedRemote => ["S", "S", "S", "S", "rstR", "=", "=", "P"],
        Closed(CloseCause::EndStream) => ["X", "X", "X", "X", "I", "I", "=", "P"],
        Closed(CloseCause::ResetSent(_)) => ["I", "I", "I", "I", "I", "I", "=", "P"],
        Closed(CloseCause::ResetReceived(_)) => ["S", "S", "S", "S", "I", "S", "=", "P"],
    }
}

/// `U` InvalidState, `C` StreamClosed; otherwise as above.
fn send_row(state: StreamState, role: Role, id: StreamId) -> [&'static str; 8] {
    use StreamState::*;
    match state {
        Idle => {
            let h = if role == Role::Client && id.is_client_initiated() {
                ["open", "hcl"]
            } else {
                ["U", "U"]
            };
            let pp = if role == Role::Server && id.is_server_initiated() {
                "rl"
            } else {
                "U"
            };
            [h[0], h[1], "U", "U", "U", "U", "=", pp]
        }
        ReservedLocal => ["hcr", "ces", "U", "U", "rstS", "U", "=", "U"],
        ReservedRemote => ["U", "U", "U", "U", "rstS", "=", "=", "U"],
        Open => ["=", "hcl", "=", "hcl", "rstS", "=", "=", "U"],
        HalfClosedLocal => ["C", "C", "C", "C", "rstS", "=", "=", "U"],
        HalfClosedRemote => ["=", "ces", "=", "ces", "rstS", "=", "=", "U"],
        Closed(_) => ["C", "C", "C", "C", "C", "C", "=", "U"],
    }
}

fn named_state(token: &str, current: StreamState) -> Option<StreamState> {
    Some(match token {
        "=" => current,
        "open" => StreamState::Open,
        "hcl" => StreamState::HalfClosedLocal,
        "hcr" => StreamState::HalfClosedRemote,
        "rr" => StreamState::ReservedRemote,
        "rl" => StreamState::ReservedLocal,
        "ces" => StreamState::Closed(CloseCause::EndStream),
        "rstR" => StreamState::Closed(CloseCause::ResetReceived(CODE)),
        "rstS" => StreamState::Closed(CloseCause::ResetSent(CODE)),
        _ => return None,
    })
}

fn expected_recv(token: &str, state: StreamState, id: StreamId) -> Result<RecvStep, H2Error> {
    let err = |e: H2Error| Err(e);
    match token {
        "I" => Ok(RecvStep::Ignore),
        "P" => err(H2Error::conn(ErrorCode::PROTOCOL_ERROR, "")),
        "X" => err(H2Error::conn(ErrorCode::STREAM_CLOSED, "")),
        "S" => err(H2Error::stream(id, ErrorCode::STREAM_CLOSED, "")),
        t => Ok(RecvStep::Process(named_state(t, state).expect("token"))),
    }
}

/// Compares scope and code, not the human message.
fn same_error(a: &H2Error, b: &H2Error) -> bool {
    a.code() == b.code()
        && match (a, b) {
            (H2Error::Connection { .. }, H2Error::Connection { .. }) => true,
            (H2Error::Stream { id: x, .. }, H2Error::Stream { id: y, .. }) => x == y,
            _ => false,
        }
}

fn ids() -> [StreamId; 2] {
    [StreamId::new(1), StreamId::new(2)]
}

#[test]
fn rfc9113_5_1_recv_table_matches_rfc_for_every_pair() {
    let mut pairs = 0;
    for role in [Role::Client, Role::Server] {
        for id in ids() {
            for state in ALL_STATES {
                let row = recv_row(state, role, id);
                for (input, token) in RECV_INPUTS.into_iter().zip(row) {
                    let got = recv_transition(state, role, id, input);
                    let want = expected_recv(token, state, id);
                    let ok = match (&got, &want) {
                        (Ok(a), Ok(b)) => a == b,
                        (Err(a), Err(b)) => same_error(a, b),
                        _ => false,
                    };
                    assert!(
                        ok,
                        "{role:?} {id:?} {state:?} {input:?}: got {got:?}, want {want:?}"
                    );
                    pairs += 1;
                }
            }
        }
    }
    assert_eq!(pairs, 2 * 2 * 9 * 8);
}

#[test]
fn rfc9113_5_1_send_table_matches_rfc_for_every_pair() {
    for role in [Role::Client, Role::Server] {
        for id in ids() {
            for state in ALL_STATES {
                let row = send_row(state, role, id);
                for (input, token) in SEND_INPUTS.into_iter().zip(row) {
                    let got = send_transition(state, role, id, input);
                    let ok = match (token, &got) {
                        ("U", Err(UserError::InvalidState { stream_id, .. })) => *stream_id == id,
                        ("C", Err(UserError::StreamClosed(sid))) => *sid == id,
                        (t, Ok(next)) => named_state(t, state) == Some(*next),
                        _ => false,
                    };
                    assert!(
                        ok,
                        "{role:?} {id:?} {state:?} {input:?}: got {got:?}, want {token}"
                    );
                }
            }
        }
    }
}

/// Calls the `recv_*` method for `input` with a payload that fits the stream's message.
fn drive_recv(s: &mut Stream, input: RecvInput, ev: &mut Vec<Event>) -> Result<(), H2Error> {
    let c = cfg();
    match input {
        RecvInput::Headers { end_stream } => {
            let block = match (s.role(), s.state()) {
                (Role::Server, StreamState::Idle) => get(),
                (_, StreamState::ReservedRemote) => status("200"),
                _ => trailers(),
            };
            s.recv_headers(block, KnownValid::NONE, end_stream, None, &c, ev)
        }
        RecvInput::Data { end_stream } => s.recv_data(vec![0u8; 3].into(), 3, end_stream, ev),
        RecvInput::RstStream(code) => s.recv_rst_stream(code, ev),
        RecvInput::WindowUpdate => s.recv_window_update(10, ev),
        RecvInput::Priority => {
            let spec = h2_stream::PrioritySpec {
                dependency: StreamId::new(0),
                exclusive: false,
                weight: 15,
            };
            s.recv_priority(Priority::Rfc7540(spec), ev)
        }
        RecvInput::PushPromise => s.recv_push_promise(StreamId::new(1), get(), &c, ev),
    }
}

#[test]
fn rfc9113_5_1_streams_follow_the_recv_table_in_every_state() {
    let mut walked = 0;
    for role in [Role::Client, Role::Server] {
        for state in ALL_STATES {
            for input in RECV_INPUTS {
                let Some(mut s) = stream_in(role, state) else {
                    continue;
                };
                let want = recv_transition(state, role, s.id(), input);
                let mut ev = Vec::new();
                let got = drive_recv(&mut s, input, &mut ev);
                let ctx = format!("{role:?} {state:?} {input:?}: {got:?} vs {want:?}");
                match (want, got) {
                    (Err(w), Err(g)) => {
                        assert!(same_error(&w, &g), "{ctx}");
                        assert_eq!(s.state(), state, "{ctx}");
                        assert!(ev.is_empty(), "{ctx}");
                    }
                    (Ok(RecvStep::Ignore), Ok(())) => {
                        assert_eq!(s.state(), state, "{ctx}");
                        assert!(ev.is_empty(), "{ctx}");
                    }
                    (Ok(RecvStep::Process(next)), Ok(())) => {
                        assert_eq!(s.state(), next, "{ctx}");
                        assert!(!ev.is_empty(), "{ctx}");
                    }
                    // The one message rule on top of an allowed frame: trailers must end
                    // the stream (RFC 9113 8.1).
                    (Ok(RecvStep::Process(_)), Err(g)) => {
                        assert_eq!(input, RecvInput::Headers { end_stream: false }, "{ctx}");
                        assert_eq!(
                            g,
                            H2Error::stream(s.id(), ErrorCode::PROTOCOL_ERROR, g.why())
                        );
                        assert_eq!(s.state(), state, "{ctx}");
                    }
                    _ => panic!("{ctx}"),
                }
                walked += 1;
            }
        }
    }
    assert_eq!(walked, (8 + 8) * 8);
}

fn drive_send(s: &mut Stream, input: SendInput) -> Result<(), UserError> {
    let c = cfg();
    match input {
        SendInput::Headers { end_stream } => {
            let block = match (s.role(), s.state()) {
                (Role::Client, StreamState::Idle) => get(),
                (_, StreamState::ReservedLocal) => status("200"),
                _ => trailers(),
            };
            s.send_headers(&block, KnownValid::NONE, end_stream, &c)
                .map(|_| ())
        }
        SendInput::Data { end_stream } => s.send_data(3, end_stream),
        SendInput::RstStream(code) => s.send_reset(code),
        SendInput::WindowUpdate => s.send_window_update(10),
        SendInput::Priority => Ok(()),
        SendInput::PushPromise => s.send_push_promise(&get(), &c).map(|_| ()),
    }
}

#[test]
fn rfc9113_5_1_streams_follow_the_send_table_in_every_state() {
    for role in [Role::Client, Role::Server] {
        for state in ALL_STATES {
            for input in SEND_INPUTS {
                let Some(mut s) = stream_in(role, state) else {
                    continue;
                };
                let before = format!("{s:?}");
                let want = send_transition(state, role, s.id(), input);
                let got = drive_send(&mut s, input);
                let ctx = format!("{role:?} {state:?} {input:?}: {got:?} vs {want:?}");
                match (want, got) {
                    (Err(w), Err(g)) => {
                        assert_eq!(w, g, "{ctx}");
                        assert_eq!(format!("{s:?}"), before, "{ctx}: changed on error");
                    }
                    (Ok(next), Ok(())) => assert_eq!(s.state(), next, "{ctx}"),
                    (Ok(_), Err(UserError::InvalidState { .. })) => {
                        assert_eq!(input, SendInput::Headers { end_stream: false }, "{ctx}");
                        assert_eq!(format!("{s:?}"), before, "{ctx}: changed on error");
                    }
                    _ => panic!("{ctx}"),
                }
            }
        }
    }
}
