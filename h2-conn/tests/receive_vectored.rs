//! `receive_vectored`: a peer's `data_to_send_vectored` chunks in one call give the events
//! that the same octets give in one `receive_data` call, with DATA payloads shared, not
//! copied; chunks after a connection error are not read; a frame cut off by a slice
//! input (kept in the connection's input buffer) is completed by a `Bytes` input, and
//! the other way round.
mod support;

use bytes::Bytes;
use h2_conn::frame::ErrorCode;
use h2_conn::{Config, Connection, Event, UserError};
use support::{request_fields, Pair};

/// A client and a server past the handshake.
fn pair() -> (Connection, Connection) {
    let Pair { client, server, .. } = Pair::new();
    (client, server)
}

/// A POST on stream 1 whose body is `body`, sent as the `Bytes` it is.
fn post(client: &mut Connection, body: &Bytes) {
    let id = client.next_stream_id().unwrap();
    let request = request_fields("POST", "/upload");
    client.send_headers(id, &request, false).unwrap();
    client.send_data(id, body.clone(), true).unwrap();
}

#[test]
fn vectored_chunks_give_the_events_of_one_input_and_share_the_payloads() {
    // 40 KiB: three DATA frames of at most 16 KiB, each payload its own chunk.
    let body = Bytes::from((0..40 * 1024).map(|i| i as u8).collect::<Vec<u8>>());
    let (mut client, mut server) = pair();
    post(&mut client, &body);
    let mut chunks = Vec::new();
    client.data_to_send_vectored(&mut chunks);
    assert!(
        chunks.len() >= 6,
        "headers, then a header chunk and a payload per frame"
    );
    let flat: Vec<u8> = chunks.iter().flat_map(|c| c.iter().copied()).collect();

    let mut events = Vec::new();
    server.receive_vectored(chunks, &mut events).unwrap();

    let (_, mut reference) = pair();
    assert_eq!(events, reference.receive_data(&flat[..]).unwrap());
    let payloads: Vec<&Bytes> = events
        .iter()
        .filter_map(|e| match e {
            Event::DataReceived { data, .. } => Some(data),
            _ => None,
        })
        .collect();
    assert_eq!(payloads.len(), 3);
    let sent = body.as_ptr_range();
    for data in payloads {
        let at = data.as_ptr_range();
        assert!(
            sent.start <= at.start && at.end <= sent.end,
            "a view of the body"
        );
    }
    // Nothing copied in: no more held than by the connection that copied its input.
    assert!(server.memory_usage() <= reference.memory_usage());
}

#[test]
fn chunks_after_a_connection_error_are_not_read_and_later_calls_fail() {
    let mut client = Connection::new(Config::client());
    let mut server = Connection::new(Config::server());
    client.initiate_connection();
    let preface = client.data_to_send();
    let garbage = Bytes::from_static(b"GET / HTTP/1.1\r\n\r\n");
    let mut events = Vec::new();
    server
        .receive_vectored([garbage, preface.clone()], &mut events)
        .unwrap();
    assert!(server.is_closed());
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(matches!(
        events[0],
        Event::ConnectionTerminated {
            error_code: ErrorCode::PROTOCOL_ERROR,
            remote: false,
            ..
        }
    ));
    assert_eq!(
        server.receive_vectored([preface], &mut events),
        Err(UserError::ConnectionClosed)
    );
}

#[test]
fn a_preface_cut_into_one_octet_chunks_is_read() {
    let mut client = Connection::new(Config::client());
    let mut server = Connection::new(Config::server());
    client.initiate_connection();
    server.initiate_connection();
    let wire = client.data_to_send();
    let chunks: Vec<Bytes> = (0..wire.len()).map(|i| wire.slice(i..i + 1)).collect();
    let mut events = Vec::new();
    server.receive_vectored(chunks, &mut events).unwrap();
    assert!(!server.is_closed());
    // The client's SETTINGS, then its connection WINDOW_UPDATE.
    assert!(
        matches!(
            events[..],
            [
                Event::RemoteSettingsChanged { .. },
                Event::WindowUpdated { .. }
            ]
        ),
        "{events:?}"
    );
}

#[test]
fn a_frame_cut_by_a_slice_is_completed_by_bytes_and_the_other_way_round() {
    let body = Bytes::from((0..40 * 1024).map(|i| (i * 7) as u8).collect::<Vec<u8>>());
    let (mut client, _) = pair();
    post(&mut client, &body);
    let wire = client.data_to_send();
    let (_, mut reference) = pair();
    let whole = reference.receive_data(&wire).unwrap();
    // Cuts inside the HEADERS frame, inside a DATA header and inside a DATA payload.
    for cut in [5, 30, 60, 1_000, 16_400, wire.len() - 3] {
        for slice_first in [true, false] {
            let (_, mut server) = pair();
            let mut events = Vec::new();
            let (head, tail) = (wire.slice(..cut), wire.slice(cut..));
            if slice_first {
                server.receive_data_into(&head[..], &mut events).unwrap();
                server.receive_vectored([tail], &mut events).unwrap();
            } else {
                server.receive_vectored([head], &mut events).unwrap();
                server.receive_data_into(&tail[..], &mut events).unwrap();
            }
            assert_eq!(events, whole, "cut at {cut}, slice first: {slice_first}");
        }
    }
}
