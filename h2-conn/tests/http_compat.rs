//! The `http` feature end to end: a client sends `http::Request`s through our
//! `Connection`, the server reads them back as `http::Request`s and answers with
//! `http::Response`s and trailers from a `HeaderMap`.
#![cfg(feature = "http")]

use h2_conn::http_compat::http::uri::Scheme;
use h2_conn::http_compat::http::{self, HeaderMap, HeaderValue, Method, Request, Response};
use h2_conn::http_compat::{
    fields_from_header_map, fields_from_request, fields_from_request_parts,
    fields_from_request_parts_with_scheme, fields_from_request_with_scheme, fields_from_response,
    header_map_from_fields, request_from_fields, response_from_fields, ConvertError, Protocol,
};
use h2_conn::HeaderField;
use h2_conn::{Config, Connection, Event, SettingId, StreamId};

/// Hands each side's output to the other until both are quiet; returns the events.
fn exchange(client: &mut Connection, server: &mut Connection) -> (Vec<Event>, Vec<Event>) {
    let (mut at_client, mut at_server) = (Vec::new(), Vec::new());
    loop {
        let to_server = client.data_to_send();
        let to_client = server.data_to_send();
        if to_server.is_empty() && to_client.is_empty() {
            return (at_client, at_server);
        }
        at_server.extend(server.receive_bytes(to_server).unwrap());
        at_client.extend(client.receive_bytes(to_client).unwrap());
    }
}

fn pair(server_config: Config) -> (Connection, Connection) {
    let mut client = Connection::new(Config::client());
    let mut server = Connection::new(server_config);
    client.initiate_connection();
    server.initiate_connection();
    exchange(&mut client, &mut server);
    (client, server)
}

#[test]
fn request_response_trailers_through_a_connection() {
    let (mut client, mut server) = pair(Config::server());

    let mut token = HeaderValue::from_static("Bearer abc");
    token.set_sensitive(true);
    let request = Request::builder()
        .method(Method::POST)
        .uri("https://example.com/items?id=7")
        .header("authorization", token)
        .header("content-type", "application/json")
        .header("accept", "a/b")
        .header("accept", "c/d")
        .body(())
        .unwrap();
    let id = client.next_stream_id().unwrap();
    client
        .send_headers(id, &fields_from_request(&request).unwrap(), false)
        .unwrap();
    client.send_data(id, "{}", true).unwrap();

    let (_, events) = exchange(&mut client, &mut server);
    let received = events
        .iter()
        .find_map(|e| match e {
            Event::RequestReceived { headers, .. } => Some(request_from_fields(headers).unwrap()),
            _ => None,
        })
        .expect("request arrives");
    assert_eq!(received.method(), request.method());
    assert_eq!(received.uri(), request.uri());
    assert_eq!(received.version(), http::Version::HTTP_2);
    assert_eq!(received.headers(), request.headers());
    assert!(received.headers()["authorization"].is_sensitive());

    let response = Response::builder()
        .status(201)
        .header("location", "/items/7")
        .body(())
        .unwrap();
    server
        .send_headers(id, &fields_from_response(&response), false)
        .unwrap();
    server.send_data(id, "created", false).unwrap();
    let mut trailers = HeaderMap::new();
    trailers.insert("grpc-status", HeaderValue::from_static("0"));
    server
        .send_headers(id, &fields_from_header_map(&trailers), true)
        .unwrap();

    let (events, _) = exchange(&mut client, &mut server);
    let mut got_response = None;
    let mut got_trailers = None;
    for event in events {
        match event {
            Event::ResponseReceived { headers, .. } => {
                got_response = Some(response_from_fields(&headers).unwrap())
            }
            Event::TrailersReceived { headers, .. } => {
                got_trailers = Some(header_map_from_fields(&headers).unwrap())
            }
            _ => {}
        }
    }
    let got_response = got_response.expect("response arrives");
    assert_eq!(got_response.status(), 201);
    assert_eq!(got_response.headers(), response.headers());
    assert_eq!(got_trailers.expect("trailers arrive"), trailers);
}

#[test]
fn rfc8441_extended_connect_through_a_connection() {
    let mut config = Config::server();
    config.set_local_setting(SettingId::ENABLE_CONNECT_PROTOCOL, 1);
    let (mut client, mut server) = pair(config);
    assert!(client.remote_settings().enable_connect_protocol());

    let mut request = Request::connect("https://example.com/chat")
        .header("sec-websocket-version", "13")
        .body(())
        .unwrap();
    request
        .extensions_mut()
        .insert(Protocol::from_static("websocket"));
    let id = client.next_stream_id().unwrap();
    client
        .send_headers(id, &fields_from_request(&request).unwrap(), false)
        .unwrap();
    let (_, events) = exchange(&mut client, &mut server);
    let received = events
        .iter()
        .find_map(|e| match e {
            Event::RequestReceived { headers, .. } => Some(request_from_fields(headers).unwrap()),
            _ => None,
        })
        .expect("extended CONNECT arrives");
    assert_eq!(received.method(), Method::CONNECT);
    assert_eq!(
        received.extensions().get::<Protocol>(),
        Some(&Protocol::new("websocket"))
    );
    assert_eq!(received.uri(), "https://example.com/chat");
}

#[test]
fn rfc9113_8_5_plain_connect_through_a_connection() {
    let (mut client, mut server) = pair(Config::server());
    let request = Request::connect("proxy.example:443").body(()).unwrap();
    let id = client.next_stream_id().unwrap();
    client
        .send_headers(id, &fields_from_request(&request).unwrap(), false)
        .unwrap();
    let (_, events) = exchange(&mut client, &mut server);
    let received = events
        .iter()
        .find_map(|e| match e {
            Event::RequestReceived { headers, .. } => Some(request_from_fields(headers).unwrap()),
            _ => None,
        })
        .expect("CONNECT arrives");
    assert_eq!(received.uri().authority().unwrap(), "proxy.example:443");
    assert_eq!(received.uri().path_and_query(), None);
}

#[test]
fn connection_specific_fields_are_left_to_validation() {
    // Normalization (on by default, as hyper-h2's normalize_outbound_headers) drops
    // them (RFC 9113 8.2.2); with it off, validation refuses the list.
    let request = Request::get("http://example.com/")
        .header("connection", "keep-alive")
        .body(())
        .unwrap();
    let fields = fields_from_request(&request).unwrap();
    let (mut client, _server) = pair(Config::server());
    client
        .send_headers(StreamId::new(1), &fields, true)
        .expect("normalization strips connection-specific fields");

    let mut strict = Config::client();
    strict.validation.normalize_outbound_headers = false;
    let mut client = h2_conn::Connection::new(strict);
    client.initiate_connection();
    let err = client
        .send_headers(StreamId::new(1), &fields, true)
        .unwrap_err();
    assert!(
        matches!(err, h2_conn::UserError::InvalidHeaders(_)),
        "{err:?}"
    );
}

fn pairs(list: &[(&str, &str)]) -> Vec<HeaderField> {
    list.iter()
        .map(|&(n, v)| HeaderField::new(n.to_owned(), v.to_owned()))
        .collect()
}

/// RFC 9113 8.3.1: "Clients that generate HTTP/2 requests directly MUST use the
/// :authority pseudo-header field to convey authority information". An origin-form
/// request (`GET /x` with `host`, the HTTP/1.1 shape) becomes `:authority` from `host`,
/// `host` is not sent, and `:scheme` is `https` unless the caller names the connection's
/// scheme.
#[test]
fn rfc9113_8_3_1_origin_form_request_takes_authority_from_host() {
    let request = Request::post("/items?page=2")
        .header("host", "api.example.com:8080")
        .header("content-type", "application/json")
        .body(())
        .unwrap();
    let expected = |scheme| {
        pairs(&[
            (":method", "POST"),
            (":scheme", scheme),
            (":authority", "api.example.com:8080"),
            (":path", "/items?page=2"),
            ("content-type", "application/json"),
        ])
    };
    assert_eq!(fields_from_request(&request).unwrap(), expected("https"));
    assert_eq!(
        fields_from_request_with_scheme(&request, &Scheme::HTTP).unwrap(),
        expected("http")
    );
    let (parts, ()) = request.into_parts();
    assert_eq!(
        fields_from_request_parts(&parts).unwrap(),
        expected("https")
    );
    assert_eq!(
        fields_from_request_parts_with_scheme(&parts, &Scheme::HTTP).unwrap(),
        expected("http")
    );
    // Without host there is no authority to convey: no :authority at all.
    let bare = Request::get("/x").body(()).unwrap();
    assert_eq!(
        fields_from_request(&bare).unwrap(),
        pairs(&[(":method", "GET"), (":scheme", "https"), (":path", "/x")])
    );
}

/// An absolute URI keeps its own scheme; given the connection's scheme, a URI that names
/// another one is refused rather than sent with a `:scheme` the URI contradicts.
#[test]
fn rfc9113_8_3_1_connection_scheme_must_match_an_absolute_uri() {
    let request = Request::get("https://example.com/").body(()).unwrap();
    assert_eq!(
        fields_from_request_with_scheme(&request, &Scheme::HTTP),
        Err(ConvertError::SchemeMismatch)
    );
    let fields = fields_from_request_with_scheme(&request, &Scheme::HTTPS).unwrap();
    assert_eq!(&fields[1].value[..], b"https");
}

/// An origin-form request through an h2c connection: the server rebuilds the absolute
/// URI from `:scheme`, `:authority` and `:path`, and sees no `host` field.
#[test]
fn origin_form_request_through_a_connection() {
    let (mut client, mut server) = pair(Config::server());
    let request = Request::get("/index.html")
        .header("host", "example.org")
        .header("accept", "text/html")
        .body(())
        .unwrap();
    let id = client.next_stream_id().unwrap();
    client
        .send_headers(
            id,
            &fields_from_request_with_scheme(&request, &Scheme::HTTP).unwrap(),
            true,
        )
        .unwrap();
    let (_, events) = exchange(&mut client, &mut server);
    let received = events
        .iter()
        .find_map(|e| match e {
            Event::RequestReceived { headers, .. } => Some(request_from_fields(headers).unwrap()),
            _ => None,
        })
        .expect("request arrives");
    assert_eq!(received.method(), Method::GET);
    assert_eq!(received.uri(), "http://example.org/index.html");
    assert_eq!(received.headers().get("host"), None);
    assert_eq!(received.headers()["accept"], "text/html");
}
