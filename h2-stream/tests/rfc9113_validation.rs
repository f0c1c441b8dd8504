//! Header validation and normalization, one test per rule (RFC 9113 8.2, 8.2.1, 8.2.2,
//! 8.2.3, 8.3, 8.3.1, 8.3.2, 8.4, 8.5, 8.6; RFC 8441).

mod support;

use h2_stream::events::Event;
use h2_stream::frame::{ErrorCode, H2Error};
use h2_stream::hpack::HeaderField;
use h2_stream::KnownValid;
use h2_stream::{Role, Stream, UserError, ValidationConfig};
use std::borrow::Cow;
use support::*;

fn recv_request_with(
    block: Vec<HeaderField>,
    cfg: &ValidationConfig,
) -> Result<Vec<Event>, H2Error> {
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    let mut ev = Vec::new();
    s.recv_headers(block, KnownValid::NONE, true, None, cfg, &mut ev)?;
    Ok(ev)
}

fn recv_request(block: Vec<HeaderField>) -> Result<Vec<Event>, H2Error> {
    recv_request_with(block, &cfg())
}

fn recv_response(block: Vec<HeaderField>) -> Result<Vec<Event>, H2Error> {
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    s.send_headers(&get(), KnownValid::NONE, true, &cfg())
        .unwrap();
    let mut ev = Vec::new();
    s.recv_headers(block, KnownValid::NONE, false, None, &cfg(), &mut ev)?;
    Ok(ev)
}

fn recv_trailers(block: Vec<HeaderField>) -> Result<Vec<Event>, H2Error> {
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    let mut ev = Vec::new();
    s.recv_headers(get(), KnownValid::NONE, false, None, &cfg(), &mut ev)
        .unwrap();
    ev.clear();
    s.recv_headers(block, KnownValid::NONE, true, None, &cfg(), &mut ev)?;
    Ok(ev)
}

fn send_request(block: &[HeaderField]) -> Result<Vec<HeaderField>, UserError> {
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    s.send_headers(block, KnownValid::NONE, true, &cfg())
        .map(Cow::into_owned)
}

#[track_caller]
fn assert_malformed<T: std::fmt::Debug>(r: Result<T, H2Error>) {
    match r {
        Err(H2Error::Stream {
            id,
            code: ErrorCode::PROTOCOL_ERROR,
            ..
        }) => {
            assert_eq!(id, client_id())
        }
        other => panic!("expected a stream PROTOCOL_ERROR (malformed), got {other:?}"),
    }
}

#[track_caller]
fn assert_refused<T: std::fmt::Debug>(r: Result<T, UserError>) {
    assert!(
        matches!(r, Err(UserError::InvalidHeaders(_))),
        "expected InvalidHeaders, got {r:?}"
    );
}

fn with(mut block: Vec<HeaderField>, name: &'static str, value: &'static str) -> Vec<HeaderField> {
    block.push(h(name, value));
    block
}

fn without(block: Vec<HeaderField>, name: &str) -> Vec<HeaderField> {
    block
        .into_iter()
        .filter(|f| &f.name[..] != name.as_bytes())
        .collect()
}

fn replace(block: Vec<HeaderField>, name: &'static str, value: &'static str) -> Vec<HeaderField> {
    block
        .into_iter()
        .map(|f| {
            if &f.name[..] == name.as_bytes() {
                h(name, value)
            } else {
                f
            }
        })
        .collect()
}

// ---- well-formed messages pass untouched ---------------------------------------------

#[test]
fn valid_request_is_accepted_and_borrowed_on_send() {
    let block = with(get(), "user-agent", "test/1.0");
    let ev = recv_request(block.clone()).unwrap();
    assert!(matches!(&ev[0], Event::RequestReceived { headers, .. } if *headers == block));
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    assert!(matches!(
        s.send_headers(&block, KnownValid::NONE, true, &cfg())
            .unwrap(),
        Cow::Borrowed(_)
    ));
}

// ---- 8.2: lowercase ----------------------------------------------------------------

#[test]
fn rfc9113_8_2_uppercase_field_name_is_malformed() {
    assert_malformed(recv_request(with(get(), "X-Custom", "1")));
    assert_malformed(recv_response(vec![
        h(":status", "200"),
        h("Content-Type", "a"),
    ]));
}

#[test]
fn rfc9113_8_2_uppercase_pseudo_header_name_is_malformed() {
    assert_malformed(recv_request(
        replace(get(), ":path", "/")
            .into_iter()
            .map(|f| {
                if &f.name[..] == b":path" {
                    h(":PATH", "/")
                } else {
                    f
                }
            })
            .collect(),
    ));
}

#[test]
fn rfc9113_8_2_outbound_names_are_lowercased_when_normalizing() {
    let out = send_request(&with(get(), "X-Custom", "1")).unwrap();
    assert_eq!(&out[4].name[..], b"x-custom");
    let strict = ValidationConfig {
        normalize_outbound_headers: false,
        ..cfg()
    };
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    assert_refused(s.send_headers(
        &with(get(), "X-Custom", "1"),
        KnownValid::NONE,
        true,
        &strict,
    ));
}

// ---- 8.2.1: field validity -----------------------------------------------------------

#[test]
fn rfc9113_8_2_1_name_with_space_or_control_is_malformed() {
    assert_malformed(recv_request(with(get(), "x custom", "1")));
    assert_malformed(recv_request(with(get(), "x\x00y", "1")));
    assert_malformed(recv_request(with(get(), "x\x7f", "1")));
    assert_malformed(recv_request(with(get(), "caf\u{e9}", "1")));
    assert_malformed(recv_request(with(get(), "", "1")));
}

#[test]
fn rfc9113_8_2_1_colon_in_regular_name_is_malformed() {
    assert_malformed(recv_request(with(get(), "x:y", "1")));
}

#[test]
fn rfc9113_8_2_1_nul_cr_lf_in_value_is_malformed() {
    assert_malformed(recv_request(with(get(), "x", "a\0b")));
    assert_malformed(recv_request(with(get(), "x", "a\rb")));
    assert_malformed(recv_request(with(get(), "x", "a\nb")));
    assert_malformed(recv_request(replace(get(), ":path", "/a\r\nb")));
    assert_refused(send_request(&with(get(), "x", "a\r\nx-injected: 1")));
}

#[test]
fn rfc9113_8_2_1_leading_or_trailing_whitespace_in_value_is_malformed() {
    assert_malformed(recv_request(with(get(), "x", " a")));
    assert_malformed(recv_request(with(get(), "x", "a\t")));
    assert!(recv_request(with(get(), "x", "a b\tc")).is_ok());
    assert!(recv_request(with(get(), "x", "")).is_ok());
}

#[test]
fn rfc9113_8_2_1_outbound_whitespace_is_trimmed_when_normalizing() {
    let out = send_request(&with(get(), "x", "  a b \t")).unwrap();
    assert_eq!(&out[4].value[..], b"a b");
}

// ---- 8.2.2: connection-specific fields -------------------------------------------------

#[test]
fn rfc9113_8_2_2_connection_header_is_malformed() {
    assert_malformed(recv_request(with(get(), "connection", "close")));
    // Outbound, normalization (on by default, as hyper-h2's) removes it; without
    // normalization the block is refused.
    let out = send_request(&with(get(), "Connection", "close")).unwrap();
    assert!(out
        .iter()
        .all(|f| !f.name.eq_ignore_ascii_case(b"connection")));
    let mut strict = cfg();
    strict.normalize_outbound_headers = false;
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    assert_refused(
        s.send_headers(
            &with(get(), "connection", "close"),
            KnownValid::NONE,
            true,
            &strict,
        )
        .map(Cow::into_owned),
    );
}

#[test]
fn rfc9113_8_2_2_keep_alive_proxy_connection_upgrade_are_malformed() {
    assert_malformed(recv_request(with(get(), "keep-alive", "timeout=5")));
    assert_malformed(recv_request(with(get(), "proxy-connection", "keep-alive")));
    assert_malformed(recv_request(with(get(), "upgrade", "websocket")));
    assert_malformed(recv_response(vec![
        h(":status", "200"),
        h("upgrade", "h2c"),
    ]));
}

#[test]
fn rfc9113_8_2_2_transfer_encoding_is_malformed() {
    assert_malformed(recv_request(with(get(), "transfer-encoding", "chunked")));
    assert_malformed(recv_response(vec![
        h(":status", "200"),
        h("transfer-encoding", "chunked"),
    ]));
}

#[test]
fn rfc9113_8_2_2_te_other_than_trailers_is_malformed() {
    assert!(recv_request(with(get(), "te", "trailers")).is_ok());
    assert_malformed(recv_request(with(get(), "te", "gzip")));
    assert_malformed(recv_request(with(get(), "te", "trailers, gzip")));
    assert_refused(send_request(&with(get(), "te", "deflate")));
}

// ---- 8.2.3: cookies --------------------------------------------------------------------

#[test]
fn rfc9113_8_2_3_inbound_cookie_crumbs_are_joined() {
    let block = with(
        with(with(get(), "cookie", "a=b"), "accept", "*/*"),
        "cookie",
        "c=d",
    );
    let block = with(block, "cookie", "e=f");
    let ev = recv_request(block).unwrap();
    let Event::RequestReceived { headers, .. } = &ev[0] else {
        panic!()
    };
    let cookies: Vec<_> = headers.iter().filter(|f| f.name == b"cookie").collect();
    assert_eq!(cookies.len(), 1);
    assert_eq!(cookies[0].value, b"a=b; c=d; e=f");
    assert_eq!(
        headers.get_index(4).unwrap().name,
        b"cookie",
        "the joined field takes the first one's place"
    );
    assert_eq!(headers.get_index(5).unwrap().name, b"accept");
}

#[test]
fn rfc9113_8_2_3_inbound_cookies_kept_apart_without_normalization() {
    let cfg = ValidationConfig {
        normalize_inbound_headers: false,
        ..cfg()
    };
    let ev = recv_request_with(with(with(get(), "cookie", "a=b"), "cookie", "c=d"), &cfg).unwrap();
    let Event::RequestReceived { headers, .. } = &ev[0] else {
        panic!()
    };
    assert_eq!(headers.len(), 6);
}

#[test]
fn rfc9113_8_2_3_outbound_cookie_is_split_when_configured() {
    let cfg = ValidationConfig {
        split_outbound_cookies: true,
        ..cfg()
    };
    let block = with(
        get(),
        "cookie",
        "session=abcdefghijklmnopqrstuvwxyz; a=b;c=d",
    );
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    let out = s
        .send_headers(&block, KnownValid::NONE, true, &cfg)
        .unwrap();
    let crumbs: Vec<_> = out[4..]
        .iter()
        .map(|f| (&f.value[..], f.sensitive))
        .collect();
    assert_eq!(
        crumbs,
        vec![
            (&b"session=abcdefghijklmnopqrstuvwxyz"[..], false),
            (&b"a=b"[..], true),
            (&b"c=d"[..], true)
        ]
    );
    // Default: not split.
    let out = send_request(&block).unwrap();
    assert_eq!(out.len(), 5);
}

#[test]
fn outbound_credentials_are_marked_sensitive() {
    let out = send_request(&with(get(), "authorization", "Bearer x")).unwrap();
    assert!(out[4].sensitive);
}

// ---- 8.3: pseudo-header fields ----------------------------------------------------------

#[test]
fn rfc9113_8_3_pseudo_header_after_regular_field_is_malformed() {
    let block = vec![
        h(":method", "GET"),
        h(":scheme", "https"),
        h("accept", "*/*"),
        h(":authority", "example.com"),
        h(":path", "/"),
    ];
    assert_malformed(recv_request(block.clone()));
    assert_refused(send_request(&block));
}

#[test]
fn rfc9113_8_3_duplicate_pseudo_header_is_malformed() {
    assert_malformed(recv_request(with(get(), ":path", "/other")));
    assert_malformed(recv_response(vec![
        h(":status", "200"),
        h(":status", "204"),
    ]));
}

#[test]
fn rfc9113_8_3_undefined_pseudo_header_is_malformed() {
    let mut block = get();
    block.insert(0, h(":foo", "bar"));
    assert_malformed(recv_request(block));
}

#[test]
fn rfc9113_8_3_response_pseudo_header_in_request_is_malformed() {
    let mut block = get();
    block.insert(0, h(":status", "200"));
    assert_malformed(recv_request(block.clone()));
    assert_refused(send_request(&block));
}

#[test]
fn rfc9113_8_3_request_pseudo_header_in_response_is_malformed() {
    assert_malformed(recv_response(vec![h(":status", "200"), h(":path", "/")]));
}

#[test]
fn rfc9113_8_1_pseudo_header_in_trailers_is_malformed() {
    assert_malformed(recv_trailers(vec![h(":status", "200")]));
    assert_malformed(recv_trailers(vec![h(":path", "/")]));
    assert!(recv_trailers(trailers()).is_ok());
}

// ---- 8.3.1: request pseudo-header fields -------------------------------------------------

#[test]
fn rfc9113_8_3_1_missing_method_is_malformed() {
    assert_malformed(recv_request(without(get(), ":method")));
    assert_refused(send_request(&without(get(), ":method")));
}

#[test]
fn rfc9113_8_3_1_missing_scheme_is_malformed() {
    assert_malformed(recv_request(without(get(), ":scheme")));
}

#[test]
fn rfc9113_8_3_1_missing_path_is_malformed() {
    assert_malformed(recv_request(without(get(), ":path")));
}

#[test]
fn rfc9113_8_3_1_empty_path_is_malformed() {
    assert_malformed(recv_request(replace(get(), ":path", "")));
    assert_refused(send_request(&replace(get(), ":path", "")));
}

#[test]
fn rfc9113_8_3_1_path_must_be_absolute_or_asterisk() {
    assert_malformed(recv_request(replace(get(), ":path", "index.html")));
    let options = replace(replace(get(), ":method", "OPTIONS"), ":path", "*");
    assert!(recv_request(options).is_ok());
    assert_malformed(recv_request(replace(get(), ":path", "*")));
}

#[test]
fn rfc9113_8_3_1_invalid_method_is_malformed() {
    assert_malformed(recv_request(replace(get(), ":method", "")));
    assert_malformed(recv_request(replace(get(), ":method", "GE T")));
}

#[test]
fn rfc9113_8_3_1_authority_with_userinfo_is_malformed() {
    assert_malformed(recv_request(replace(
        get(),
        ":authority",
        "user:pw@example.com",
    )));
}

#[test]
fn rfc9113_8_3_1_host_differing_from_authority_is_malformed() {
    assert_malformed(recv_request(with(get(), "host", "evil.example")));
    assert!(recv_request(with(get(), "host", "Example.COM")).is_ok());
    assert_refused(send_request(&with(get(), "host", "other.example")));
}

#[test]
fn rfc9113_8_3_1_host_alone_is_accepted_but_no_authority_at_all_is_malformed() {
    assert!(recv_request(with(without(get(), ":authority"), "host", "example.com")).is_ok());
    assert_malformed(recv_request(without(get(), ":authority")));
}

#[test]
fn rfc9113_8_3_1_non_http_scheme_allows_any_path() {
    let block = replace(replace(get(), ":scheme", "foo"), ":path", "");
    assert!(recv_request(block).is_ok());
}

// ---- 8.3.2: response pseudo-header fields ------------------------------------------------

#[test]
fn rfc9113_8_3_2_missing_status_is_malformed() {
    assert_malformed(recv_response(vec![h("content-type", "text/plain")]));
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    let mut ev = Vec::new();
    s.recv_headers(get(), KnownValid::NONE, true, None, &cfg(), &mut ev)
        .unwrap();
    assert_refused(s.send_headers(&[h("server", "x")], KnownValid::NONE, true, &cfg()));
}

#[test]
fn rfc9113_8_3_2_invalid_status_is_malformed() {
    for bad in ["", "20", "2000", "abc", "099", "600", " 200"] {
        assert_malformed(recv_response(vec![HeaderField::new(":status", bad)]));
    }
}

// ---- 8.4: pushed requests ------------------------------------------------------------------

fn recv_promise(block: Vec<HeaderField>) -> Result<Vec<Event>, H2Error> {
    let mut s = Stream::new(server_id(), Role::Client, WIN, WIN);
    let mut ev = Vec::new();
    s.recv_push_promise(client_id(), block, &cfg(), &mut ev)?;
    Ok(ev)
}

#[track_caller]
fn assert_promise_malformed(r: Result<Vec<Event>, H2Error>) {
    match r {
        Err(H2Error::Stream {
            id,
            code: ErrorCode::PROTOCOL_ERROR,
            ..
        }) => {
            assert_eq!(id, server_id())
        }
        other => panic!("expected a stream PROTOCOL_ERROR on the promised stream, got {other:?}"),
    }
}

#[test]
fn rfc9113_8_4_promised_request_must_be_safe_and_cacheable() {
    assert!(recv_promise(get()).is_ok());
    assert!(recv_promise(replace(get(), ":method", "HEAD")).is_ok());
    assert_promise_malformed(recv_promise(replace(get(), ":method", "POST")));
    assert_promise_malformed(recv_promise(replace(get(), ":method", "DELETE")));
    let mut s = Stream::new(server_id(), Role::Server, WIN, WIN);
    assert_refused(s.send_push_promise(&replace(get(), ":method", "POST"), &cfg()));
}

#[test]
fn rfc9113_8_4_promised_request_with_content_is_malformed() {
    assert_promise_malformed(recv_promise(with(get(), "content-length", "10")));
    assert!(recv_promise(with(get(), "content-length", "0")).is_ok());
}

#[test]
fn rfc9113_8_4_1_promised_request_must_be_complete() {
    assert_promise_malformed(recv_promise(without(get(), ":path")));
    assert_promise_malformed(recv_promise(with(
        without(get(), ":authority"),
        "host",
        "example.com",
    )));
}

#[test]
fn rfc9113_8_4_unsafe_promise_is_rejected_even_without_validation() {
    let cfg = ValidationConfig {
        validate_inbound_headers: false,
        ..cfg()
    };
    let mut s = Stream::new(server_id(), Role::Client, WIN, WIN);
    let mut ev = Vec::new();
    let r = s.recv_push_promise(
        client_id(),
        replace(get(), ":method", "POST"),
        &cfg,
        &mut ev,
    );
    assert!(r.is_err());
}

// ---- 8.5: CONNECT; RFC 8441 extended CONNECT --------------------------------------------------

fn connect() -> Vec<HeaderField> {
    vec![h(":method", "CONNECT"), h(":authority", "example.com:443")]
}

fn extended_connect() -> Vec<HeaderField> {
    vec![
        h(":method", "CONNECT"),
        h(":protocol", "websocket"),
        h(":scheme", "https"),
        h(":path", "/chat"),
        h(":authority", "example.com"),
    ]
}

#[test]
fn rfc9113_8_5_connect_omits_scheme_and_path() {
    assert!(recv_request(connect()).is_ok());
    assert!(send_request(&connect()).is_ok());
}

#[test]
fn rfc9113_8_5_connect_with_scheme_or_path_is_malformed() {
    assert_malformed(recv_request(with(connect(), ":path", "/")));
    assert_malformed(recv_request(with(connect(), ":scheme", "https")));
    assert_refused(send_request(&with(connect(), ":path", "/")));
}

#[test]
fn rfc9113_8_5_connect_without_authority_is_malformed() {
    assert_malformed(recv_request(vec![
        h(":method", "CONNECT"),
        h("host", "example.com:443"),
    ]));
}

#[test]
fn rfc8441_extended_connect_needs_the_setting() {
    assert_malformed(recv_request(extended_connect()));
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    s.set_extended_connect(true);
    assert!(s.extended_connect());
    let mut ev = Vec::new();
    s.recv_headers(
        extended_connect(),
        KnownValid::NONE,
        false,
        None,
        &cfg(),
        &mut ev,
    )
    .unwrap();
    let mut c = Stream::new(client_id(), Role::Client, WIN, WIN);
    assert_refused(c.send_headers(&extended_connect(), KnownValid::NONE, false, &cfg()));
    c.set_extended_connect(true);
    assert!(c
        .send_headers(&extended_connect(), KnownValid::NONE, false, &cfg())
        .is_ok());
}

#[test]
fn rfc8441_protocol_on_a_method_other_than_connect_is_malformed() {
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    s.set_extended_connect(true);
    let mut ev = Vec::new();
    let block = replace(extended_connect(), ":method", "GET");
    assert_malformed(s.recv_headers(block, KnownValid::NONE, true, None, &cfg(), &mut ev));
}

#[test]
fn rfc8441_extended_connect_needs_scheme_and_path() {
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    s.set_extended_connect(true);
    let mut ev = Vec::new();
    assert_malformed(s.recv_headers(
        without(extended_connect(), ":path"),
        KnownValid::NONE,
        false,
        None,
        &cfg(),
        &mut ev,
    ));
}

// ---- 8.6: 101 -------------------------------------------------------------------------------

#[test]
fn rfc9113_8_6_status_101_is_malformed() {
    assert_malformed(recv_response(status("101")));
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    let mut ev = Vec::new();
    s.recv_headers(get(), KnownValid::NONE, true, None, &cfg(), &mut ev)
        .unwrap();
    assert_refused(s.send_headers(&status("101"), KnownValid::NONE, false, &cfg()));
}

#[test]
fn status_101_passes_as_informational_when_allowed() {
    // ValidationConfig::allow_status_101 (hyper-h2 compatibility).
    let lenient = ValidationConfig {
        allow_status_101: true,
        ..cfg()
    };
    let mut s = Stream::new(client_id(), Role::Server, WIN, WIN);
    let mut ev = Vec::new();
    s.recv_headers(get(), KnownValid::NONE, true, None, &lenient, &mut ev)
        .unwrap();
    assert!(s
        .send_headers(&status("101"), KnownValid::NONE, false, &lenient)
        .is_ok());
    assert!(s
        .send_headers(&status("200"), KnownValid::NONE, true, &lenient)
        .is_ok());
}

// ---- content-length syntax (8.1.1) ------------------------------------------------------------

#[test]
fn rfc9113_8_1_1_invalid_or_conflicting_content_length_is_malformed() {
    assert_malformed(recv_request(with(get(), "content-length", "abc")));
    assert_malformed(recv_request(with(get(), "content-length", "-1")));
    assert_malformed(recv_request(with(
        with(get(), "content-length", "1"),
        "content-length",
        "2",
    )));
    assert!(recv_request(with(
        with(get(), "content-length", "0"),
        "content-length",
        "0"
    ))
    .is_ok());
}

// ---- switches ----------------------------------------------------------------------------------

#[test]
fn validation_off_accepts_what_it_would_reject() {
    let off = ValidationConfig {
        validate_inbound_headers: false,
        normalize_inbound_headers: false,
        validate_outbound_headers: false,
        normalize_outbound_headers: false,
        split_outbound_cookies: false,
        allow_status_101: false,
    };
    let block = with(without(get(), ":method"), "Connection", "close");
    assert!(recv_request_with(block.clone(), &off).is_ok());
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    let out = s
        .send_headers(&block, KnownValid::NONE, true, &off)
        .unwrap();
    assert!(matches!(out, Cow::Borrowed(_)));
}

#[test]
fn normalization_without_validation_still_lowercases() {
    let cfg = ValidationConfig {
        validate_outbound_headers: false,
        ..cfg()
    };
    let mut s = Stream::new(client_id(), Role::Client, WIN, WIN);
    let block = with(get(), "X-A", "b");
    let out = s
        .send_headers(&block, KnownValid::NONE, true, &cfg)
        .unwrap();
    assert_eq!(&out[4].name[..], b"x-a");
}
