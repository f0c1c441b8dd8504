//! Our client and our server talking to each other in memory.

mod support;

use h2_conn::{Config, Event, HeaderField, StreamId};
use support::pair::request;
use support::Pair;

#[test]
fn get_request_and_response() {
    let mut pair = Pair::new();
    let id = pair.client.next_stream_id().unwrap();
    assert_eq!(id, StreamId::new(1));
    pair.client
        .send_headers(id, &request("GET", "/"), true)
        .unwrap();
    pair.drive();
    let (_, se) = pair.take_events();
    assert_eq!(
        se,
        vec![
            Event::RequestReceived {
                stream_id: id,
                headers: request("GET", "/").into(),
                end_stream: true,
                priority: None,
            },
            Event::StreamEnded { stream_id: id }
        ]
    );
    pair.server
        .send_headers(id, &[HeaderField::new(":status", "200")], false)
        .unwrap();
    pair.server.send_data(id, "hello", true).unwrap();
    pair.drive();
    let (ce, _) = pair.take_events();
    assert_eq!(
        ce,
        vec![
            Event::ResponseReceived {
                stream_id: id,
                headers: vec![HeaderField::new(":status", "200")].into(),
                end_stream: false,
            },
            Event::DataReceived {
                stream_id: id,
                data: "hello".into(),
                flow_controlled_length: 5,
                end_stream: true,
            },
            Event::StreamEnded { stream_id: id }
        ]
    );
    assert_eq!(pair.client.open_outbound_streams(), 0);
    assert_eq!(pair.server.open_inbound_streams(), 0);
}

#[test]
fn large_post_flows_with_window_updates() {
    // RFC 9113 windows, so that the body needs many WINDOW_UPDATEs.
    let mut pair = Pair::with_configs(
        support::rfc_windows(Config::client()),
        support::rfc_windows(Config::server()),
    );
    let id = pair.client.next_stream_id().unwrap();
    pair.client
        .send_headers(id, &request("POST", "/echo"), false)
        .unwrap();
    let body: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let mut unsent = &body[..];
    let mut received = Vec::new();
    let mut ended = false;
    let mut rounds = 0;
    while !ended {
        rounds += 1;
        assert!(rounds < 1_000, "no progress after {rounds} rounds");
        // Client: send as much of the body as the windows allow.
        let window = pair.client.local_flow_control_window(id).unwrap();
        let (chunk, rest) = unsent.split_at(unsent.len().min(window.max(0) as usize));
        if !chunk.is_empty() {
            pair.client
                .send_data(id, chunk.to_vec(), rest.is_empty())
                .unwrap();
            unsent = rest;
        }
        // Server: consume what arrived and give the window back.
        pair.client_to_server();
        for event in std::mem::take(&mut pair.server_events) {
            match event {
                Event::DataReceived {
                    stream_id,
                    data,
                    flow_controlled_length,
                    ..
                } => {
                    received.extend_from_slice(&data);
                    pair.server
                        .acknowledge_received_data(flow_controlled_length, stream_id)
                        .unwrap();
                }
                Event::StreamEnded { .. } => ended = true,
                _ => {}
            }
        }
        pair.server_to_client();
    }
    assert!(unsent.is_empty());
    assert_eq!(received, body);
}
