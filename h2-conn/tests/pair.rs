//! Our client and our server talking to each other in memory.

use h2_conn::{Config, Connection, Event, HeaderField, StreamId};

fn request(path: &str, method: &str) -> Vec<HeaderField> {
    vec![
        HeaderField::new(":method", method.to_owned()),
        HeaderField::new(":scheme", "http"),
        HeaderField::new(":authority", "example.com"),
        HeaderField::new(":path", path.to_owned()),
    ]
}

/// Moves bytes both ways until neither side has output; returns (client, server) events.
fn drive(client: &mut Connection, server: &mut Connection) -> (Vec<Event>, Vec<Event>) {
    let (mut ce, mut se) = (Vec::new(), Vec::new());
    loop {
        let to_server = client.data_to_send();
        let to_client = server.data_to_send();
        if to_server.is_empty() && to_client.is_empty() {
            return (ce, se);
        }
        if !to_server.is_empty() {
            se.extend(server.receive_bytes(to_server).unwrap());
        }
        if !to_client.is_empty() {
            ce.extend(client.receive_bytes(to_client).unwrap());
        }
    }
}

fn pair() -> (Connection, Connection) {
    let mut client = Connection::new(Config::client());
    let mut server = Connection::new(Config::server());
    client.initiate_connection();
    server.initiate_connection();
    let (ce, se) = drive(&mut client, &mut server);
    assert!(
        ce.iter()
            .any(|e| matches!(e, Event::RemoteSettingsChanged { .. })),
        "{ce:?}"
    );
    assert!(
        se.iter()
            .any(|e| matches!(e, Event::SettingsAcknowledged { .. })),
        "{se:?}"
    );
    (client, server)
}

#[test]
fn get_request_and_response() {
    let (mut client, mut server) = pair();
    let id = client.next_stream_id().unwrap();
    assert_eq!(id, StreamId::new(1));
    client.send_headers(id, &request("/", "GET"), true).unwrap();
    let (_, se) = drive(&mut client, &mut server);
    match &se[..] {
        [Event::RequestReceived {
            stream_id,
            headers,
            end_stream: true,
            ..
        }, Event::StreamEnded { stream_id: ended }] => {
            assert_eq!(*stream_id, id);
            assert_eq!(*ended, id);
            assert_eq!(headers, &request("/", "GET"));
        }
        other => panic!("unexpected server events {other:?}"),
    }
    server
        .send_headers(id, &[HeaderField::new(":status", "200")], false)
        .unwrap();
    server.send_data(id, "hello", true).unwrap();
    let (ce, _) = drive(&mut client, &mut server);
    assert!(
        matches!(
            &ce[0],
            Event::ResponseReceived {
                end_stream: false,
                ..
            }
        ),
        "{ce:?}"
    );
    assert!(
        matches!(&ce[1], Event::DataReceived { data, end_stream: true, .. } if data == "hello"),
        "{ce:?}"
    );
    assert!(matches!(&ce[2], Event::StreamEnded { .. }), "{ce:?}");
    assert_eq!(client.open_outbound_streams(), 0);
    assert_eq!(server.open_inbound_streams(), 0);
}

#[test]
fn large_post_flows_with_window_updates() {
    let (mut client, mut server) = pair();
    let id = client.next_stream_id().unwrap();
    client
        .send_headers(id, &request("/echo", "POST"), false)
        .unwrap();
    let body: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let mut sent = 0;
    let mut received = Vec::new();
    let mut ended = false;
    while !ended {
        let window = client.local_flow_control_window(id).unwrap().max(0) as usize;
        let n = window.min(body.len() - sent);
        if n > 0 || sent == body.len() {
            let last = sent + n == body.len();
            if n > 0 || !last || sent == body.len() {
                client
                    .send_data(id, body[sent..sent + n].to_vec(), last)
                    .unwrap();
            }
            sent += n;
        }
        let to_server = client.data_to_send();
        for event in server.receive_bytes(to_server).unwrap() {
            match event {
                Event::DataReceived {
                    data,
                    flow_controlled_length,
                    stream_id,
                    ..
                } => {
                    received.extend_from_slice(&data);
                    server
                        .acknowledge_received_data(flow_controlled_length, stream_id)
                        .unwrap();
                }
                Event::StreamEnded { .. } => ended = true,
                _ => {}
            }
        }
        let to_client = server.data_to_send();
        client.receive_bytes(to_client).unwrap();
    }
    assert_eq!(received, body);
}
