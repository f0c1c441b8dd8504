//! Interop: hyperium `h2` 0.4's client against our server, over `tokio::io::duplex`.

mod support;

use bytes::Bytes;
use h2_conn::{Config, Connection, ErrorCode, Event, HeaderField, StreamId};
use http::{HeaderMap, Request};
use std::collections::HashMap;
use std::time::Duration;
use support::driver::{run, Outbox};
use tokio::io::DuplexStream;

const MIB: usize = 1 << 20;

fn body(len: usize) -> Bytes {
    (0..len)
        .map(|i| (i % 251) as u8)
        .collect::<Vec<u8>>()
        .into()
}

#[derive(Default)]
struct Req {
    path: String,
    body: Vec<u8>,
    trailers: Vec<HeaderField>,
}

fn status(code: &str) -> Vec<HeaderField> {
    vec![HeaderField::new(":status", code.to_owned())]
}

/// Our server: `/` answers "hello", `/echo` echoes the body back with trailers carrying its
/// length and the request trailers, `/push` pushes `/pushed` first, `/reset` is refused.
async fn our_server(io: DuplexStream) -> Vec<Event> {
    let mut io = io;
    let mut conn = Connection::new(Config::server());
    let mut requests: HashMap<StreamId, Req> = HashMap::new();
    let mut outbox = Outbox::default();
    let mut seen = Vec::new();
    run(&mut conn, &mut io, |conn, events| {
        for event in events {
            match &event {
                Event::RequestReceived {
                    stream_id, headers, ..
                } => {
                    let path = headers
                        .iter()
                        .find(|f| f.name == b":path")
                        .map(|f| String::from_utf8_lossy(f.value).into_owned())
                        .unwrap_or_default();
                    requests.insert(
                        *stream_id,
                        Req {
                            path,
                            ..Req::default()
                        },
                    );
                }
                Event::DataReceived {
                    stream_id,
                    data,
                    flow_controlled_length,
                    ..
                } => {
                    requests
                        .get_mut(stream_id)
                        .expect("request")
                        .body
                        .extend_from_slice(data);
                    conn.acknowledge_received_data(*flow_controlled_length, *stream_id)
                        .unwrap();
                }
                Event::TrailersReceived { stream_id, headers } => {
                    requests.get_mut(stream_id).expect("request").trailers = headers.to_vec();
                }
                Event::StreamEnded { stream_id } => {
                    if let Some(req) = requests.remove(stream_id) {
                        respond(conn, &mut outbox, *stream_id, req);
                    }
                }
                Event::StreamReset { stream_id, .. } => outbox.forget(*stream_id),
                _ => {}
            }
            if !matches!(event, Event::DataReceived { .. }) {
                seen.push(event);
            }
        }
        outbox.flush(conn);
        false
    })
    .await;
    seen
}

fn respond(conn: &mut Connection, outbox: &mut Outbox, id: StreamId, req: Req) {
    match req.path.as_str() {
        "/echo" => {
            conn.send_headers(id, &status("200"), false).unwrap();
            outbox.data(id, req.body.clone(), false);
            let mut trailers = vec![HeaderField::new(
                "x-body-length",
                req.body.len().to_string(),
            )];
            trailers.extend(req.trailers);
            outbox.trailers(id, trailers);
        }
        "/push" => {
            let promised = conn.next_stream_id().unwrap();
            let pushed_request = support::request_fields("GET", "/pushed");
            conn.push_stream(id, promised, &pushed_request).unwrap();
            conn.send_headers(promised, &status("200"), false).unwrap();
            outbox.data(promised, "pushed body", true);
            conn.send_headers(id, &status("200"), false).unwrap();
            outbox.data(id, "main body", true);
        }
        "/reset" => conn.reset_stream(id, ErrorCode::REFUSED_STREAM).unwrap(),
        _ => {
            conn.send_headers(id, &status("200"), false).unwrap();
            outbox.data(id, "hello", true);
        }
    }
}

fn get(path: &str) -> Request<()> {
    Request::builder()
        .method("GET")
        .uri(format!("http://example.com{path}"))
        .body(())
        .unwrap()
}

async fn read_body(mut body: h2::RecvStream) -> (Vec<u8>, Option<HeaderMap>) {
    let mut out = Vec::new();
    while let Some(chunk) = body.data().await {
        let chunk = chunk.unwrap();
        out.extend_from_slice(&chunk);
        body.flow_control().release_capacity(chunk.len()).unwrap();
    }
    let trailers = body.trailers().await.unwrap();
    (out, trailers)
}

/// Runs `test` with an h2 client connected to our server; returns the server's events.
async fn with_our_server<F, Fut>(builder: h2::client::Builder, test: F) -> Vec<Event>
where
    F: FnOnce(h2::client::SendRequest<Bytes>, h2::client::Connection<DuplexStream, Bytes>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let (theirs, ours) = tokio::io::duplex(1 << 20);
    let server = tokio::spawn(our_server(ours));
    let (client, connection) = builder.handshake(theirs).await.unwrap();
    tokio::time::timeout(Duration::from_secs(10), test(client, connection))
        .await
        .expect("test timed out");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("server did not stop")
        .unwrap()
}

fn spawn_connection(connection: h2::client::Connection<DuplexStream, Bytes>) {
    tokio::spawn(async move {
        let _ = connection.await;
    });
}

#[tokio::test]
async fn h2_client_gets_from_our_server() {
    let events = with_our_server(
        h2::client::Builder::new(),
        |client, connection| async move {
            spawn_connection(connection);
            let mut client = client.ready().await.unwrap();
            for _ in 0..3 {
                let (response, _) = client.send_request(get("/"), true).unwrap();
                let response = response.await.unwrap();
                assert_eq!(response.status(), 200);
                let (data, trailers) = read_body(response.into_body()).await;
                assert_eq!(data, b"hello");
                assert_eq!(trailers, None);
                client = client.ready().await.unwrap();
            }
        },
    )
    .await;
    let requests = events
        .iter()
        .filter(|e| matches!(e, Event::RequestReceived { .. }))
        .count();
    assert_eq!(requests, 3);
}

#[tokio::test]
async fn h2_client_posts_10_mib_and_gets_it_echoed_with_trailers() {
    with_our_server(
        h2::client::Builder::new(),
        |client, connection| async move {
            spawn_connection(connection);
            let mut client = client.ready().await.unwrap();
            let request = Request::builder()
                .method("POST")
                .uri("http://example.com/echo")
                .body(())
                .unwrap();
            let (response, mut send) = client.send_request(request, false).unwrap();
            let payload = body(10 * MIB);
            // Respect our server's windows: wait for capacity, send what fits.
            let mut rest = payload.clone();
            while !rest.is_empty() {
                send.reserve_capacity(rest.len().min(MIB));
                let cap = std::future::poll_fn(|cx| send.poll_capacity(cx))
                    .await
                    .unwrap()
                    .unwrap();
                let chunk = rest.split_to(cap.min(rest.len()));
                send.send_data(chunk, false).unwrap();
            }
            let mut trailers = HeaderMap::new();
            trailers.insert("x-request-trailer", "yes".parse().unwrap());
            send.send_trailers(trailers).unwrap();
            let response = response.await.unwrap();
            assert_eq!(response.status(), 200);
            let (data, trailers) = read_body(response.into_body()).await;
            assert!(
                data == payload,
                "echoed body differs ({} bytes)",
                data.len()
            );
            let trailers = trailers.expect("trailers");
            assert_eq!(trailers["x-body-length"], (10 * MIB).to_string().as_str());
            assert_eq!(trailers["x-request-trailer"], "yes");
        },
    )
    .await;
}

#[tokio::test]
async fn h2_client_runs_100_concurrent_streams_on_our_server() {
    with_our_server(
        h2::client::Builder::new(),
        |client, connection| async move {
            spawn_connection(connection);
            let client = client.ready().await.unwrap();
            let mut tasks = tokio::task::JoinSet::new();
            for i in 0..100 {
                let mut client = client.clone();
                tasks.spawn(async move {
                    client = client.ready().await.unwrap();
                    let path = format!("/{i}");
                    let (response, _) = client.send_request(get(&path), true).unwrap();
                    let response = response.await.unwrap();
                    read_body(response.into_body()).await.0
                });
            }
            let mut done = 0;
            while let Some(result) = tasks.join_next().await {
                assert_eq!(result.unwrap(), b"hello");
                done += 1;
            }
            assert_eq!(done, 100);
        },
    )
    .await;
}

#[tokio::test]
async fn h2_client_sees_our_rst_stream_and_we_see_its_reset() {
    let events = with_our_server(
        h2::client::Builder::new(),
        |client, connection| async move {
            spawn_connection(connection);
            let mut client = client.ready().await.unwrap();
            let (response, _) = client.send_request(get("/reset"), true).unwrap();
            let err = response.await.unwrap_err();
            assert_eq!(err.reason(), Some(h2::Reason::REFUSED_STREAM));
            // The client resets a stream of its own.
            let mut client = client.ready().await.unwrap();
            let request = Request::builder()
                .method("POST")
                .uri("http://example.com/echo")
                .body(())
                .unwrap();
            let (_response, mut send) = client.send_request(request, false).unwrap();
            send.send_data(Bytes::from_static(b"partial"), false)
                .unwrap();
            send.send_reset(h2::Reason::CANCEL);
            // One more request so we know the reset has reached the server.
            let mut client = client.ready().await.unwrap();
            let (response, _) = client.send_request(get("/"), true).unwrap();
            assert_eq!(response.await.unwrap().status(), 200);
        },
    )
    .await;
    assert!(
        events.contains(&Event::StreamReset {
            stream_id: StreamId::new(3),
            error_code: ErrorCode::CANCEL,
            remote_reset: true,
        }),
        "{events:?}"
    );
}

#[tokio::test]
async fn h2_client_pings_our_server() {
    let events = with_our_server(
        h2::client::Builder::new(),
        |client, mut connection| async move {
            let mut ping_pong = connection.ping_pong().expect("ping_pong");
            spawn_connection(connection);
            let _client = client.ready().await.unwrap();
            ping_pong.ping(h2::Ping::opaque()).await.unwrap();
            ping_pong.ping(h2::Ping::opaque()).await.unwrap();
        },
    )
    .await;
    let pings = events
        .iter()
        .filter(|e| matches!(e, Event::PingReceived { .. }))
        .count();
    assert!(pings >= 2, "{events:?}");
}

#[tokio::test]
async fn h2_client_receives_our_push_promise() {
    let builder = {
        let mut b = h2::client::Builder::new();
        b.enable_push(true);
        b
    };
    with_our_server(builder, |client, connection| async move {
        spawn_connection(connection);
        let mut client = client.ready().await.unwrap();
        let (mut response, _) = client.send_request(get("/push"), true).unwrap();
        let mut pushes = response.push_promises();
        let response = response.await.unwrap();
        let (main, _) = read_body(response.into_body()).await;
        assert_eq!(main, b"main body");
        let push = pushes.push_promise().await.expect("one push").unwrap();
        let (request, pushed) = push.into_parts();
        assert_eq!(request.uri().path(), "/pushed");
        assert_eq!(request.method(), "GET");
        let pushed = pushed.await.unwrap();
        assert_eq!(pushed.status(), 200);
        let (data, _) = read_body(pushed.into_body()).await;
        assert_eq!(data, b"pushed body");
        assert!(pushes.push_promise().await.is_none());
    })
    .await;
}

#[tokio::test]
async fn h2_client_goaway_ends_our_server_cleanly() {
    let events = with_our_server(
        h2::client::Builder::new(),
        |client, connection| async move {
            let task = tokio::spawn(connection);
            let mut client = client.ready().await.unwrap();
            let (response, _) = client.send_request(get("/"), true).unwrap();
            read_body(response.await.unwrap().into_body()).await;
            // Dropping every handle makes the h2 client send GOAWAY and close.
            drop(client);
            task.await.unwrap().unwrap();
        },
    )
    .await;
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::ConnectionTerminated {
                error_code: ErrorCode::NO_ERROR,
                remote: true,
                ..
            }
        )),
        "{events:?}"
    );
}
