//! Property tests over random operation sequences: nothing panics, closed is absorbing,
//! windows follow exact i64 arithmetic and never pass 2^31-1, a refused action changes
//! nothing; and validation verdicts do not depend on which fields HPACK vouched for.

mod support;

use h2_stream::events::Event;
use h2_stream::frame::{ErrorCode, PrioritySpec, StreamId, MAX_WINDOW_SIZE};
use h2_stream::hpack::HeaderField;
use h2_stream::KnownValid;
use h2_stream::{Priority, Role, Stream, StreamState, ValidationConfig};
use proptest::prelude::*;
use support::*;

#[derive(Clone, Debug)]
enum Op {
    RecvHeaders(u8, bool),
    RecvData(u32, u8, bool),
    RecvRst(u32),
    RecvWindowUpdate(u32),
    RecvPriority(u32),
    RecvPushPromise(u8),
    SendHeaders(u8, bool),
    SendData(u32, bool),
    SendReset(u32),
    SendWindowUpdate(u32),
    LocalReset,
    AdjustSend(i64),
    AdjustRecv(i64),
}

fn op() -> impl Strategy<Value = Op> {
    let len = prop_oneof![0u32..20, 0u32..70_000, Just(u32::MAX)];
    let inc = prop_oneof![0u32..100, Just(MAX_WINDOW_SIZE), any::<u32>()];
    let delta = prop_oneof![-70_000i64..70_000, any::<i32>().prop_map(i64::from)];
    prop_oneof![
        (0u8..8, any::<bool>()).prop_map(|(k, es)| Op::RecvHeaders(k, es)),
        (len.clone(), any::<u8>(), any::<bool>()).prop_map(|(n, p, es)| Op::RecvData(
            n % 70_000,
            p,
            es
        )),
        (0u32..16).prop_map(Op::RecvRst),
        inc.clone().prop_map(Op::RecvWindowUpdate),
        (0u32..6).prop_map(Op::RecvPriority),
        (0u8..8).prop_map(Op::RecvPushPromise),
        (0u8..8, any::<bool>()).prop_map(|(k, es)| Op::SendHeaders(k, es)),
        (len, any::<bool>()).prop_map(|(n, es)| Op::SendData(n, es)),
        (0u32..16).prop_map(Op::SendReset),
        inc.prop_map(Op::SendWindowUpdate),
        Just(Op::LocalReset),
        delta.clone().prop_map(Op::AdjustSend),
        delta.prop_map(Op::AdjustRecv),
    ]
}

/// A header block of kind `k`: well-formed requests, responses, 1xx, trailers, and a few
/// malformed ones.
fn block(k: u8) -> Vec<HeaderField> {
    match k {
        0 => get(),
        1 => post("5"),
        2 => status("200"),
        3 => status("100"),
        4 => trailers(),
        5 => vec![h(":status", "204"), h("content-length", "3")],
        6 => vec![h(":method", "GET"), h("Connection", "x")],
        _ => vec![],
    }
}

fn cfg_from(bits: u8) -> ValidationConfig {
    ValidationConfig {
        validate_inbound_headers: bits & 1 != 0,
        normalize_inbound_headers: bits & 2 != 0,
        validate_outbound_headers: bits & 4 != 0,
        normalize_outbound_headers: bits & 8 != 0,
        split_outbound_cookies: bits & 16 != 0,
        allow_status_101: bits & 32 != 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_the_invariants(
        server in any::<bool>(),
        id in 1u32..5,
        send0 in prop_oneof![0u32..100, Just(65_535u32), Just(MAX_WINDOW_SIZE)],
        recv0 in prop_oneof![0u32..100, Just(65_535u32), Just(MAX_WINDOW_SIZE)],
        cfg_bits in any::<u8>(),
        extended in any::<bool>(),
        ops in proptest::collection::vec(op(), 0..40),
    ) {
        let role = if server { Role::Server } else { Role::Client };
        let cfg = cfg_from(cfg_bits);
        let mut s = Stream::new(StreamId::new(id), role, send0, recv0);
        s.set_extended_connect(extended);
        let mut send_model = i64::from(send0);
        let mut recv_model = i64::from(recv0);
        for op in ops {
            let was_closed = s.is_closed();
            let before = format!("{s:?}");
            let state_before = s.state();
            let mut ev: Vec<Event> = Vec::new();
            let recv_result = match op.clone() {
                Op::RecvHeaders(k, es) => Some(s.recv_headers(block(k), KnownValid::NONE, es, None, &cfg, &mut ev)),
                Op::RecvData(n, pad, es) => {
                    let r = s.recv_data(vec![0u8; n as usize].into(), n + u32::from(pad), es, &mut ev);
                    if r.is_ok() && !ev.is_empty() {
                        recv_model -= i64::from(n + u32::from(pad));
                    }
                    Some(r)
                }
                Op::RecvRst(c) => Some(s.recv_rst_stream(ErrorCode(c), &mut ev)),
                Op::RecvWindowUpdate(n) => {
                    let r = s.recv_window_update(n, &mut ev);
                    if r.is_ok() && !ev.is_empty() {
                        send_model += i64::from(n);
                    }
                    Some(r)
                }
                Op::RecvPriority(dep) => {
                    let spec = PrioritySpec { dependency: StreamId::new(dep), exclusive: false, weight: 1 };
                    Some(s.recv_priority(Priority::Rfc7540(spec), &mut ev))
                }
                Op::RecvPushPromise(k) => Some(s.recv_push_promise(StreamId::new(1), block(k), &cfg, &mut ev)),
                Op::SendHeaders(k, es) => {
                    let b = block(k);
                    let r = s.send_headers(&b, KnownValid::NONE, es, &cfg).map(|_| ());
                    if r.is_err() { prop_assert_eq!(&format!("{s:?}"), &before); }
                    None
                }
                Op::SendData(n, es) => {
                    let r = s.send_data(n, es);
                    match r {
                        Ok(()) => send_model -= i64::from(n),
                        Err(_) => prop_assert_eq!(&format!("{s:?}"), &before),
                    }
                    None
                }
                Op::SendReset(c) => {
                    if s.send_reset(ErrorCode(c)).is_err() { prop_assert_eq!(&format!("{s:?}"), &before); }
                    None
                }
                Op::SendWindowUpdate(n) => {
                    match s.send_window_update(n) {
                        Ok(()) => recv_model += i64::from(n),
                        Err(_) => prop_assert_eq!(&format!("{s:?}"), &before),
                    }
                    None
                }
                Op::LocalReset => { s.on_local_reset(ErrorCode::PROTOCOL_ERROR); None }
                Op::AdjustSend(d) => {
                    if s.send_window_mut().adjust(d).is_ok() { send_model += d; }
                    None
                }
                Op::AdjustRecv(d) => {
                    if s.recv_window_mut().adjust(d).is_ok() { recv_model += d; }
                    None
                }
            };
            if let Some(Err(e)) = &recv_result {
                prop_assert!(ev.is_empty(), "events pushed with error {:?}", e);
                if !matches!(op, Op::RecvPushPromise(_)) {
                    prop_assert_eq!(s.state(), state_before);
                }
            }
            // Closed is absorbing.
            if was_closed {
                prop_assert!(s.is_closed(), "{:?} reopened a closed stream", op);
                if !matches!(op, Op::LocalReset) {
                    prop_assert_eq!(s.state(), state_before);
                }
            }
            // Window arithmetic never wraps and never passes 2^31-1.
            prop_assert_eq!(i64::from(s.send_window()), send_model);
            prop_assert_eq!(i64::from(s.recv_window()), recv_model);
            prop_assert!(send_model <= i64::from(MAX_WINDOW_SIZE));
            prop_assert!(recv_model <= i64::from(MAX_WINDOW_SIZE));
            if s.state() == StreamState::Idle {
                prop_assert!(!s.is_active());
            }
        }
    }
}

fn field() -> impl Strategy<Value = HeaderField> {
    let name = prop_oneof![
        Just(":method".to_string()),
        Just(":path".to_string()),
        Just(":scheme".to_string()),
        Just(":authority".to_string()),
        Just(":status".to_string()),
        Just("cookie".to_string()),
        Just("content-length".to_string()),
        Just("te".to_string()),
        Just("host".to_string()),
        Just(":protocol".to_string()),
        Just("connection".to_string()),
        Just("upgrade".to_string()),
        Just("authorization".to_string()),
        Just("proxy-authorization".to_string()),
        Just("accept".to_string()),
        "[a-zA-Z:\\- ]{0,6}",
    ];
    let value = prop_oneof![
        Just("GET".to_string()),
        Just("/".to_string()),
        Just("https".to_string()),
        Just("200".to_string()),
        Just("example.com".to_string()),
        Just("a=b; c=d".to_string()),
        "[0-9]{1,3}",
        "[ -~\t\r\n\0]{0,8}",
    ];
    (name, value, any::<bool>()).prop_map(|(n, v, sensitive)| HeaderField {
        name: n.into(),
        value: v.into(),
        sensitive,
    })
}

proptest! {
    /// Whatever we agree to send, a peer with our validation accepts (requests).
    #[test]
    fn sent_requests_are_accepted_by_a_validating_peer(
        fields in proptest::collection::vec(field(), 0..10),
        split in any::<bool>(),
        prefix in any::<bool>(),
    ) {
        let cfg = ValidationConfig { split_outbound_cookies: split, ..ValidationConfig::default() };
        let fields = if prefix { get().into_iter().chain(fields).collect() } else { fields };
        let mut client = Stream::new(StreamId::new(1), Role::Client, 100, 100);
        if let Ok(out) = client.send_headers(&fields, KnownValid::NONE, true, &cfg) {
            let mut server = Stream::new(StreamId::new(1), Role::Server, 100, 100);
            let mut ev = Vec::new();
            let r = server.recv_headers(out.into_owned(), KnownValid::NONE, true, None, &cfg, &mut ev);
            prop_assert!(r.is_ok(), "{:?}", r);
        }
    }

    /// Received blocks that pass validation obey RFC 9113 8.2.1 and 8.3 field by field.
    #[test]
    fn accepted_blocks_obey_the_field_rules(
        fields in proptest::collection::vec(field(), 0..10),
        response in any::<bool>(),
    ) {
        let cfg = ValidationConfig::default();
        let role = if response { Role::Client } else { Role::Server };
        let mut s = Stream::new(StreamId::new(1), role, 100, 100);
        if response {
            s.send_headers(&get(), KnownValid::NONE, true, &cfg).unwrap();
        }
        let mut ev = Vec::new();
        if s.recv_headers(fields, KnownValid::NONE, false, None, &cfg, &mut ev).is_ok() {
            let headers = match &ev[0] {
                Event::RequestReceived { headers, .. }
                | Event::ResponseReceived { headers, .. }
                | Event::InformationalResponseReceived { headers, .. } => headers.clone(),
                other => panic!("{other:?}"),
            };
            let mut regular = false;
            for f in &headers {
                prop_assert!(!f.value.iter().any(|b| matches!(b, 0 | b'\r' | b'\n')));
                prop_assert!(!f.name.iter().any(|b| b.is_ascii_uppercase() || *b <= b' '));
                if f.name.starts_with(b":") {
                    prop_assert!(!regular);
                } else {
                    regular = true;
                    prop_assert!(!f.name.contains(&b':'));
                }
            }
            prop_assert!(headers.iter().filter(|f| f.name == b"cookie").count() <= 1);
        }
    }
}

/// Result of receiving `fields` on a fresh stream of `role` (a client first sends a GET),
/// as the events pushed or the error.
fn receive(
    role: Role,
    fields: Vec<HeaderField>,
    known: KnownValid,
) -> Result<Vec<Event>, h2_stream::H2Error> {
    let cfg = ValidationConfig::default();
    let mut s = Stream::new(StreamId::new(1), role, 100, 100);
    if role == Role::Client {
        s.send_headers(&get(), KnownValid::NONE, true, &cfg)
            .unwrap();
    }
    let mut ev = Vec::new();
    s.recv_headers(fields, known, false, None, &cfg, &mut ev)
        .map(|()| ev)
}

proptest! {
    /// Skipping the character scans of the fields the HPACK layer vouches for never
    /// changes a verdict: for any list (invalid characters included), sent through an
    /// encoder and decoded twice (the second time mostly from the dynamic table), the
    /// decoder's `KnownValid` gives the same result as scanning every field, inbound; and
    /// the encoder's gives the same result as scanning every field, outbound.
    #[test]
    fn known_valid_fields_get_the_same_verdict_as_scanned_ones(
        fields in proptest::collection::vec(field(), 0..10),
        prefix in any::<bool>(),
        response in any::<bool>(),
    ) {
        use h2_stream::hpack::{Decoder, Encoder};
        let fields: Vec<HeaderField> =
            if prefix { get().into_iter().chain(fields).collect() } else { fields };
        let role = if response { Role::Client } else { Role::Server };
        let (mut enc, mut dec) = (Encoder::new(), Decoder::new(4096));
        for _ in 0..2 {
            let mut wire = bytes::BytesMut::new();
            enc.encode(&fields, &mut wire);
            let mut list = Vec::new();
            let known = dec.decode(wire.freeze(), usize::MAX, &mut list).unwrap();
            prop_assert_eq!(
                receive(role, list.clone(), known),
                receive(role, list, KnownValid::NONE)
            );
        }
        // Outbound: the encoder's table now holds these fields.
        let known = enc.known_valid(&fields);
        let cfg = ValidationConfig::default();
        let send = |known| {
            let mut s = Stream::new(StreamId::new(1), Role::Client, 100, 100);
            s.send_headers(&fields, known, true, &cfg).map(|out| out.into_owned())
        };
        prop_assert_eq!(send(known), send(KnownValid::NONE));
    }

    /// The same for what a `VerdictMemo` vouches for outbound, whatever it remembered
    /// from the list before (the previous list may share fields, names or nothing), under
    /// every validation configuration.
    #[test]
    fn memo_vouched_fields_get_the_same_verdict_as_scanned_ones(
        previous in proptest::collection::vec(field(), 0..10),
        fields in proptest::collection::vec(field(), 0..10),
        prefix in any::<bool>(),
        response in any::<bool>(),
        bits in any::<u8>(),
    ) {
        use h2_stream::hpack::syntax::VerdictMemo;
        let fields: Vec<HeaderField> =
            if prefix { get().into_iter().chain(fields).collect() } else { fields };
        // Half the time the previous list is this one with its values changed in place.
        let previous: Vec<HeaderField> = if bits & 64 != 0 {
            fields.iter().zip(previous.iter().chain(std::iter::repeat(&h("x", "y"))))
                .map(|(f, p)| HeaderField { value: p.value.clone(), ..f.clone() })
                .collect()
        } else {
            previous
        };
        let mut memo = VerdictMemo::new();
        memo.known(&previous);
        let known = memo.known(&fields);
        let cfg = cfg_from(bits);
        let role = if response { Role::Server } else { Role::Client };
        let send = |known| {
            let mut s = Stream::new(StreamId::new(1), role, 100, 100);
            if response {
                let mut ev = Vec::new();
                s.recv_headers(get(), KnownValid::NONE, true, None, &cfg, &mut ev).unwrap();
            }
            s.send_headers(&fields, known, true, &cfg).map(|out| out.into_owned())
        };
        prop_assert_eq!(send(known), send(KnownValid::NONE));
    }
}

/// Every regular name message validation has a rule for is outside the plain class, whose
/// fields validation lets through on their values alone.
#[test]
fn names_with_rules_are_never_plain() {
    use h2_stream::hpack::syntax::{name_class, NameClass};
    for name in [
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "upgrade",
        "te",
        "content-length",
        "host",
        "cookie",
        "authorization",
        "proxy-authorization",
    ] {
        assert_ne!(name_class(name.as_bytes()), NameClass::Plain, "{name}");
    }
}
