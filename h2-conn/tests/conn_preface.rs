//! RFC 9113 3.3 (both sides send a connection preface) and 5.2.2 (frames are processed as
//! soon as they are complete).

use h2_conn::frame::{Frame, FrameDecoder, PREFACE};
use h2_conn::{Config, Connection, Event};

fn frames(mut bytes: h2_conn::Bytes) -> Vec<Frame> {
    if bytes.starts_with(PREFACE) {
        let _ = bytes.split_to(PREFACE.len());
    }
    let mut decoder = FrameDecoder::new(16_384);
    decoder.push_bytes(bytes);
    std::iter::from_fn(|| decoder.next_frame().unwrap()).collect()
}

/// RFC 9113 3.3: the client sends the client preface then SETTINGS; "Likewise, the server
/// MUST send a connection preface": SETTINGS is its first frame.
#[test]
fn rfc9113_3_3_both_sides_start_with_a_connection_preface() {
    let mut client = Connection::new(Config::client());
    client.initiate_connection();
    let out = client.data_to_send();
    assert!(out.starts_with(PREFACE));
    assert!(matches!(frames(out).first(), Some(Frame::Settings(s)) if !s.ack));

    let mut server = Connection::new(Config::server());
    server.initiate_connection();
    let out = server.data_to_send();
    assert!(!out.starts_with(PREFACE));
    assert!(matches!(frames(out).first(), Some(Frame::Settings(s)) if !s.ack));
}

/// RFC 9113 5.2.2: "Endpoints MUST read and process HTTP/2 frames from the TCP receive
/// buffer as soon as data is available": a complete frame is acted on at once, even when
/// the rest of the input ends in the middle of the next frame.
#[test]
fn rfc9113_5_2_2_complete_frames_are_processed_before_the_rest_arrives() {
    let mut client = Connection::new(Config::client());
    let mut server = Connection::new(Config::server());
    client.initiate_connection();
    server.initiate_connection();
    server.receive_bytes(client.data_to_send()).unwrap();
    client.receive_bytes(server.data_to_send()).unwrap();
    client.ping(*b"12345678").unwrap();
    client.ping(*b"abcdefgh").unwrap();
    let wire = client.data_to_send();
    // Settings ACK + first PING whole, second PING cut short.
    let cut = wire.len() - 5;
    let events = server.receive_bytes(wire.slice(..cut)).unwrap();
    assert!(
        events.contains(&Event::PingReceived { data: *b"12345678" }),
        "{events:?}"
    );
    assert!(!events.contains(&Event::PingReceived { data: *b"abcdefgh" }));
    let acks = frames(server.data_to_send());
    assert!(acks
        .iter()
        .any(|f| matches!(f, Frame::Ping(p) if p.ack && &p.payload == b"12345678")));
    let events = server.receive_bytes(wire.slice(cut..)).unwrap();
    assert_eq!(events, [Event::PingReceived { data: *b"abcdefgh" }]);
}
