//! Interop: our client against hyperium `h2` 0.4's server, over `tokio::io::duplex`.

mod support;

use bytes::Bytes;
use h2_conn::{Config, Connection, ErrorCode, Event, HeaderField, StreamId};
use http::Response;
use std::collections::{BTreeMap, BTreeSet};
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

/// What hyperium's server saw: paths served, and the reason of every request body that
/// ended in an error.
#[derive(Debug, Default)]
struct Seen {
    paths: Vec<String>,
    body_errors: Vec<Option<h2::Reason>>,
}

/// hyperium's server: `/` answers "hello", `/echo` echoes the body with trailers (its
/// length, plus the request trailers), `/big` sends 10 MiB, `/reset` is refused,
/// `/goaway` answers and then starts a graceful shutdown.
async fn their_server(io: DuplexStream) -> Seen {
    let mut conn = h2::server::handshake(io).await.unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut seen = Seen::default();
    while let Some(accepted) = conn.accept().await {
        let Ok((request, mut respond)) = accepted else {
            break;
        };
        let path = request.uri().path().to_owned();
        seen.paths.push(path.clone());
        if path == "/goaway" {
            conn.graceful_shutdown();
        }
        let tx = tx.clone();
        tokio::spawn(async move {
            let mut body = request.into_body();
            let mut data = Vec::new();
            let mut error = None;
            while let Some(chunk) = body.data().await {
                match chunk {
                    Ok(chunk) => {
                        data.extend_from_slice(&chunk);
                        let _ = body.flow_control().release_capacity(chunk.len());
                    }
                    Err(e) => {
                        error = Some(e.reason());
                        break;
                    }
                }
            }
            if let Some(reason) = error {
                tx.send(reason).unwrap();
                return;
            }
            let request_trailers = body.trailers().await.ok().flatten();
            let ok = Response::builder().status(200).body(()).unwrap();
            match path.as_str() {
                "/reset" => respond.send_reset(h2::Reason::REFUSED_STREAM),
                "/echo" => {
                    let mut send = respond.send_response(ok, false).unwrap();
                    let mut trailers = request_trailers.unwrap_or_default();
                    trailers.insert("x-body-length", data.len().into());
                    send.send_data(data.into(), false).unwrap();
                    send.send_trailers(trailers).unwrap();
                }
                "/big" => {
                    let mut send = respond.send_response(ok, false).unwrap();
                    send.send_data(body_of(10 * MIB), true).unwrap();
                }
                _ => {
                    let mut send = respond.send_response(ok, false).unwrap();
                    send.send_data(Bytes::from_static(b"hello"), true).unwrap();
                }
            }
        });
    }
    // Keep the connection going until the client is done.
    let _ = std::future::poll_fn(|cx| conn.poll_closed(cx)).await;
    drop(tx);
    while let Some(reason) = rx.recv().await {
        seen.body_errors.push(reason);
    }
    seen
}

fn body_of(len: usize) -> Bytes {
    body(len)
}

/// One response as our client saw it.
#[derive(Debug, Default)]
struct Answer {
    status: Option<Bytes>,
    body: Vec<u8>,
    trailers: Vec<HeaderField>,
    reset: Option<ErrorCode>,
    ended: bool,
}

/// Our client's bookkeeping: answers per stream, everything else it saw.
#[derive(Default)]
struct Client {
    answers: BTreeMap<StreamId, Answer>,
    others: Vec<Event>,
    outbox: Outbox,
}

impl Client {
    fn get(&mut self, conn: &mut Connection, path: &str) -> StreamId {
        let id = conn.next_stream_id().unwrap();
        conn.send_headers(id, &support::request_fields("GET", path), true)
            .unwrap();
        self.answers.insert(id, Answer::default());
        id
    }

    fn post(&mut self, conn: &mut Connection, path: &str, data: Bytes) -> StreamId {
        let id = conn.next_stream_id().unwrap();
        conn.send_headers(id, &support::request_fields("POST", path), false)
            .unwrap();
        self.outbox.data(id, data, true);
        self.answers.insert(id, Answer::default());
        id
    }

    /// Applies events; returns true once every stream has ended or been reset.
    fn on_events(&mut self, conn: &mut Connection, events: Vec<Event>) -> bool {
        for event in events {
            match event {
                Event::ResponseReceived {
                    stream_id, headers, ..
                } => self.answer(stream_id).status = headers.value_at(0),
                Event::DataReceived {
                    stream_id,
                    data,
                    flow_controlled_length,
                    ..
                } => {
                    self.answer(stream_id).body.extend_from_slice(&data);
                    conn.acknowledge_received_data(flow_controlled_length, stream_id)
                        .unwrap();
                }
                Event::TrailersReceived { stream_id, headers } => {
                    self.answer(stream_id).trailers = headers.to_vec()
                }
                Event::StreamEnded { stream_id } => self.answer(stream_id).ended = true,
                Event::StreamReset {
                    stream_id,
                    error_code,
                    ..
                } => {
                    self.outbox.forget(stream_id);
                    self.answer(stream_id).reset = Some(error_code);
                }
                other => self.others.push(other),
            }
        }
        self.outbox.flush(conn);
        self.answers.values().all(|a| a.ended || a.reset.is_some())
    }

    fn answer(&mut self, id: StreamId) -> &mut Answer {
        self.answers.entry(id).or_default()
    }
}

/// Runs our client (driven by `step`) against hyperium's server; returns both sides' records.
async fn with_their_server<F>(config: Config, mut step: F) -> (Client, Seen)
where
    F: FnMut(&mut Client, &mut Connection, Vec<Event>) -> bool,
{
    let (theirs, mut ours) = tokio::io::duplex(1 << 20);
    let server = tokio::spawn(their_server(theirs));
    let mut conn = Connection::new(config);
    conn.initiate_connection();
    let mut client = Client::default();
    tokio::time::timeout(
        Duration::from_secs(10),
        run(&mut conn, &mut ours, |conn, events| {
            step(&mut client, conn, events)
        }),
    )
    .await
    .expect("client timed out");
    // Close politely so the server's accept loop ends.
    if !conn.is_closed() {
        conn.close_connection(ErrorCode::NO_ERROR, None, None)
            .unwrap();
        let _ = tokio::io::AsyncWriteExt::write_all(&mut ours, &conn.data_to_send()).await;
    }
    drop(ours);
    let seen = tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("server did not stop")
        .unwrap();
    (client, seen)
}

fn hello_answers(client: &Client) -> usize {
    client
        .answers
        .values()
        .filter(|a| a.status.as_deref() == Some(b"200") && a.body == b"hello" && a.ended)
        .count()
}

#[tokio::test]
async fn our_client_gets_from_h2_server() {
    let mut started = false;
    let (client, seen) = with_their_server(Config::client(), |client, conn, events| {
        if !started {
            started = true;
            for path in ["/", "/a", "/b"] {
                client.get(conn, path);
            }
        }
        client.on_events(conn, events)
    })
    .await;
    assert_eq!(hello_answers(&client), 3);
    assert_eq!(seen.paths, vec!["/", "/a", "/b"]);
}

#[tokio::test]
async fn our_client_posts_10_mib_and_reads_10_mib() {
    let payload = body(10 * MIB);
    let mut started = false;
    let (client, _) = with_their_server(Config::client(), |client, conn, events| {
        if !started {
            started = true;
            client.post(conn, "/echo", payload.clone());
            client.get(conn, "/big");
        }
        client.on_events(conn, events)
    })
    .await;
    let echo = &client.answers[&StreamId::new(1)];
    assert!(echo.body == payload, "echo: {} bytes", echo.body.len());
    assert_eq!(
        echo.trailers,
        vec![HeaderField::new("x-body-length", (10 * MIB).to_string())]
    );
    let big = &client.answers[&StreamId::new(3)];
    assert!(big.body == payload, "big: {} bytes", big.body.len());
}

#[tokio::test]
async fn our_client_sends_trailers_to_h2_server() {
    let mut started = false;
    let (client, _) = with_their_server(Config::client(), |client, conn, events| {
        if !started {
            started = true;
            let id = client.post(conn, "/echo", Bytes::from_static(b"abc"));
            client.outbox.forget(id);
            conn.send_data(id, "abc", false).unwrap();
            conn.send_headers(id, &[HeaderField::new("x-sum", "6")], true)
                .unwrap();
        }
        client.on_events(conn, events)
    })
    .await;
    let answer = &client.answers[&StreamId::new(1)];
    assert_eq!(answer.body, b"abc");
    assert_eq!(
        answer.trailers,
        vec![
            HeaderField::new("x-sum", "6"),
            HeaderField::new("x-body-length", "3")
        ]
    );
}

#[tokio::test]
async fn our_client_runs_100_concurrent_streams_on_h2_server() {
    let mut started = false;
    let mut most_open = 0;
    let (client, seen) = with_their_server(Config::client(), |client, conn, events| {
        if !started {
            started = true;
            for i in 0..100 {
                client.get(conn, &format!("/{i}"));
            }
        }
        most_open = most_open.max(conn.open_outbound_streams());
        client.on_events(conn, events)
    })
    .await;
    assert_eq!(most_open, 100);
    assert_eq!(hello_answers(&client), 100);
    let paths: BTreeSet<_> = seen.paths.iter().collect();
    assert_eq!(paths.len(), 100);
}

#[tokio::test]
async fn our_client_and_h2_server_reset_streams() {
    let mut started = false;
    let mut reset_sent = false;
    let (client, seen) = with_their_server(Config::client(), |client, conn, events| {
        if !started {
            started = true;
            client.get(conn, "/reset");
            // A POST we cancel once the server has answered the first stream.
            let id = conn.next_stream_id().unwrap();
            conn.send_headers(id, &support::request_fields("POST", "/echo"), false)
                .unwrap();
            conn.send_data(id, "partial", false).unwrap();
        }
        let done = client.on_events(conn, events);
        if done && !reset_sent {
            reset_sent = true;
            conn.reset_stream(StreamId::new(3), ErrorCode::CANCEL)
                .unwrap();
            client.get(conn, "/");
            return false;
        }
        done
    })
    .await;
    assert_eq!(
        client.answers[&StreamId::new(1)].reset,
        Some(ErrorCode::REFUSED_STREAM)
    );
    assert_eq!(hello_answers(&client), 1);
    assert_eq!(seen.body_errors, vec![Some(h2::Reason::CANCEL)]);
}

#[tokio::test]
async fn our_client_pings_h2_server() {
    let mut started = false;
    let (client, _) = with_their_server(Config::client(), |client, conn, events| {
        if !started {
            started = true;
            conn.ping(*b"interop!").unwrap();
        }
        client.on_events(conn, events);
        client
            .others
            .contains(&Event::PingAckReceived { data: *b"interop!" })
    })
    .await;
    assert!(client
        .others
        .contains(&Event::PingAckReceived { data: *b"interop!" }));
}

#[tokio::test]
async fn our_client_follows_h2_server_graceful_goaway() {
    let mut started = false;
    let (client, seen) = with_their_server(Config::client(), |client, conn, events| {
        if !started {
            started = true;
            client.get(conn, "/goaway");
        }
        let done = client.on_events(conn, events);
        let goaway = client.others.iter().any(|e| {
            matches!(
                e,
                Event::ConnectionTerminated {
                    error_code: ErrorCode::NO_ERROR,
                    remote: true,
                    ..
                }
            )
        });
        if goaway {
            // RFC 9113 6.8: no new streams after GOAWAY.
            assert!(!conn.can_open_streams());
            let refused = conn.send_headers(
                conn.next_stream_id().unwrap(),
                &support::request_fields("GET", "/"),
                true,
            );
            assert!(
                matches!(
                    refused,
                    Err(h2_conn::UserError::GoingAway { remote: true, .. })
                ),
                "{refused:?}"
            );
        }
        done && goaway
    })
    .await;
    assert_eq!(hello_answers(&client), 1);
    assert_eq!(seen.paths, vec!["/goaway"]);
}

#[tokio::test]
async fn our_client_closes_connection_and_h2_server_stops() {
    let mut sent = false;
    let (_client, seen) = with_their_server(Config::client(), |client, conn, events| {
        let done = client.on_events(conn, events);
        if !sent {
            sent = true;
            client.get(conn, "/");
            return false;
        }
        if done {
            conn.close_connection(ErrorCode::NO_ERROR, None, Some("bye".into()))
                .unwrap();
        }
        done
    })
    .await;
    assert_eq!(seen.paths, vec!["/"]);
}

#[tokio::test]
async fn our_client_with_a_large_connection_window_reads_10_mib() {
    let mut config = Config::client();
    config.initial_connection_window = Some(16 * MIB as u32);
    config.set_local_setting(h2_conn::SettingId::INITIAL_WINDOW_SIZE, 4 * MIB as u32);
    let mut started = false;
    let (client, _) = with_their_server(config, |client, conn, events| {
        if !started {
            started = true;
            client.get(conn, "/big");
        }
        client.on_events(conn, events)
    })
    .await;
    assert_eq!(client.answers[&StreamId::new(1)].body.len(), 10 * MIB);
}
