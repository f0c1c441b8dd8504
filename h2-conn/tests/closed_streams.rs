//! Closed-stream bookkeeping: bounded, compact, and still judging late frames.

use h2_conn::{Config, Connection, Event, HeaderField, StreamId, StreamState};

fn request() -> Vec<HeaderField> {
    vec![
        HeaderField::new(":method", "GET"),
        HeaderField::new(":scheme", "http"),
        HeaderField::new(":authority", "example.com"),
        HeaderField::new(":path", "/"),
    ]
}

fn exchange(client: &mut Connection, server: &mut Connection) -> Vec<Event> {
    let mut server_events = Vec::new();
    loop {
        let (up, down) = (client.data_to_send(), server.data_to_send());
        if up.is_empty() && down.is_empty() {
            return server_events;
        }
        server_events.extend(server.receive_bytes(up).unwrap());
        client.receive_bytes(down).unwrap();
    }
}

/// RFC 9113 5.1 "closed": after thousands of completed streams, memory stays bounded
/// (only how a stream closed is kept, for `max_closed_streams` streams) and a stream
/// closed recently is still known as closed.
#[test]
fn rfc9113_5_1_closed_streams_are_remembered_compactly_and_bounded() {
    let mut client = Connection::new(Config::client());
    let mut server = Connection::new(Config::server());
    client.initiate_connection();
    server.initiate_connection();
    exchange(&mut client, &mut server);
    let mut last = StreamId::ZERO;
    for _ in 0..5000 {
        let id = client.next_stream_id().unwrap();
        client.send_headers(id, &request(), true).unwrap();
        exchange(&mut client, &mut server);
        server
            .send_headers(id, &[HeaderField::new(":status", "204")], true)
            .unwrap();
        exchange(&mut client, &mut server);
        last = id;
    }
    assert_eq!(server.open_inbound_streams(), 0);
    assert!(matches!(
        server.stream_state(last),
        Some(StreamState::Closed(_))
    ));
    // The oldest are forgotten beyond the bound.
    assert_eq!(server.stream_state(StreamId::new(1)), None);
    let held = server.memory_usage();
    assert!(
        held < 96 * 1024,
        "server holds {held} bytes for closed streams"
    );
    // A stream we remember as closed refuses a command with StreamClosed, not NoSuchStream.
    assert_eq!(
        server.send_data(last, "late", true),
        Err(h2_conn::UserError::StreamClosed(last))
    );
}
