//! What `receive_data` accepts (`ReceivedOctets`): a slice is copied, a `Bytes` (by value
//! or by reference), `Vec<u8>` or `BytesMut` by value is kept, and every form gives the
//! same events. "Kept" is checked on addresses: the DATA payload an event hands out must
//! lie inside the caller's buffer, and must not when the input was a slice.
mod support;

use bytes::{Bytes, BytesMut};
use h2_conn::{Config, Connection, Event, StreamId};
use support::request_fields;

const BODY: &[u8] = b"the body of the request, long enough to be told apart";

/// A server that has read the client's preface and SETTINGS, and the client's next
/// output: a POST with `BODY` on stream 1, in one contiguous `Bytes`.
fn server_and_request() -> (Connection, Bytes) {
    let mut client = Connection::new(Config::client());
    let mut server = Connection::new(Config::server());
    client.initiate_connection();
    server.initiate_connection();
    server.receive_data(&client.data_to_send()[..]).unwrap();
    client.receive_data(&server.data_to_send()[..]).unwrap();
    let id = client.next_stream_id().unwrap();
    client
        .send_headers(id, &request_fields("POST", "/upload"), false)
        .unwrap();
    client.send_data(id, BODY, true).unwrap();
    (server, client.data_to_send())
}

/// The payload of the one DATA event.
fn payload(events: &[Event]) -> &Bytes {
    let data: Vec<&Bytes> = events
        .iter()
        .filter_map(|e| match e {
            Event::DataReceived {
                stream_id, data, ..
            } if *stream_id == StreamId::new(1) => Some(data),
            _ => None,
        })
        .collect();
    assert_eq!(data.len(), 1, "one DATA event in {events:?}");
    assert_eq!(&data[0][..], BODY);
    data[0]
}

/// Whether `inner` lies inside the octets at `outer` (same allocation).
fn within(inner: &[u8], outer: std::ops::Range<*const u8>) -> bool {
    outer.contains(&inner.as_ptr()) && inner.as_ptr_range().end <= outer.end
}

#[test]
fn a_bytes_by_reference_is_shared_not_copied() {
    let (mut server, wire) = server_and_request();
    let events = server.receive_data(&wire).unwrap();
    assert!(within(payload(&events), wire.as_ptr_range()));
}

#[test]
fn a_bytes_vec_or_bytesmut_by_value_is_kept_not_copied() {
    let (mut server, wire) = server_and_request();
    let at = wire.as_ptr_range();
    let events = server.receive_data(wire).unwrap();
    assert!(within(payload(&events), at));

    let (mut server, wire) = server_and_request();
    let vec = wire.to_vec();
    let at = vec.as_ptr_range();
    let events = server.receive_data(vec).unwrap();
    assert!(within(payload(&events), at));

    let (mut server, wire) = server_and_request();
    let buf = BytesMut::from(&wire[..]);
    let at = buf.as_ptr_range();
    let events = server.receive_data(buf).unwrap();
    assert!(within(payload(&events), at));
}

#[test]
fn a_slice_is_copied() {
    let (mut server, wire) = server_and_request();
    let events = server.receive_data(&wire[..]).unwrap();
    assert!(!within(payload(&events), wire.as_ptr_range()));

    let (mut server, wire) = server_and_request();
    let vec = wire.to_vec();
    let events = server.receive_data(&vec).unwrap();
    assert!(!within(payload(&events), vec.as_ptr_range()));

    let (mut server, wire) = server_and_request();
    let buf = BytesMut::from(&wire[..]);
    let events = server.receive_data(&buf).unwrap();
    assert!(!within(payload(&events), buf.as_ptr_range()));
}

#[test]
fn every_form_gives_the_same_events() {
    let (_, wire) = server_and_request();
    let mut all: Vec<Vec<Event>> = Vec::new();
    let mut feed = |f: &dyn Fn(&mut Connection, &Bytes) -> Vec<Event>| {
        let (mut server, fresh) = server_and_request();
        assert_eq!(fresh, wire, "the request encodes the same each time");
        all.push(f(&mut server, &fresh));
    };
    feed(&|s, w| s.receive_data(&w[..]).unwrap());
    feed(&|s, w| s.receive_data(&mut w.to_vec()[..]).unwrap());
    feed(&|s, w| {
        let vec = w.to_vec();
        s.receive_data(&vec).unwrap()
    });
    feed(&|s, w| s.receive_data(w).unwrap());
    feed(&|s, w| s.receive_data(w.clone()).unwrap());
    feed(&|s, w| s.receive_data(w.to_vec()).unwrap());
    feed(&|s, w| s.receive_data(BytesMut::from(&w[..])).unwrap());
    feed(&|s, w| s.receive_data(Box::<[u8]>::from(&w[..])).unwrap());
    feed(&|s, w| {
        let boxed = Box::<[u8]>::from(&w[..]);
        s.receive_data(&boxed).unwrap()
    });
    feed(&|s, w| {
        let cow = std::borrow::Cow::Borrowed(&w[..]);
        s.receive_data(&cow).unwrap()
    });
    feed(&|s, w| {
        // `for chunk in &slices` hands out `&&[u8]`.
        let slices: Vec<&[u8]> = vec![&w[..]];
        let mut events = Vec::new();
        for chunk in &slices {
            events.extend(s.receive_data(chunk).unwrap());
        }
        events
    });
    feed(&|s, w| {
        let mut vec = w.to_vec();
        s.receive_data(&mut vec).unwrap()
    });
    feed(&|s, w| {
        // A tokio-style read buffer.
        let mut buf = BytesMut::from(&w[..]);
        s.receive_data(&mut buf).unwrap()
    });
    feed(&|s, w| {
        let arc: std::sync::Arc<[u8]> = w[..].into();
        s.receive_data(&arc).unwrap()
    });
    feed(&|s, w| {
        // `&&Bytes`: `for chunk in &refs` over a `Vec<&Bytes>`.
        let refs: Vec<&Bytes> = vec![w];
        let mut events = Vec::new();
        for chunk in &refs {
            events.extend(s.receive_data(chunk).unwrap());
        }
        events
    });
    feed(&|s, w| s.receive_bytes(w.clone()).unwrap());
    feed(&|s, w| {
        let mut events = Vec::new();
        s.receive_data_into(w, &mut events).unwrap();
        events
    });
    assert!(
        all.len() == 17 && all.iter().all(|e| *e == all[0]),
        "{all:?}"
    );
    payload(&all[0]);
}

#[test]
fn an_array_by_reference_is_accepted() {
    let mut server = Connection::new(Config::server());
    server.initiate_connection();
    let preface: [u8; 24] = *b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    assert!(server.receive_data(&preface).unwrap().is_empty());
    assert!(!server.is_closed());
}

#[test]
fn a_shared_input_is_let_go_of_once_the_events_are() {
    let (mut server, wire) = server_and_request();
    // All but the last octet: the DATA frame stays incomplete and waits for it.
    let last = [wire[wire.len() - 1]];
    let head = wire.slice(..wire.len() - 1);
    drop(wire);
    let events = server.receive_data(&head).unwrap();
    assert!(!events
        .iter()
        .any(|e| matches!(e, Event::DataReceived { .. })));
    drop(events);
    // The connection copied the partial frame's octets and keeps no view of the
    // caller's buffer.
    assert!(head.is_unique());
    let events = server.receive_data(&last).unwrap();
    payload(&events);
}

/// RFC 9113 4.2: a frame over SETTINGS_MAX_FRAME_SIZE is a connection error as soon as
/// its header is in, also when the SETTINGS ACK that lowered the limit came in the same
/// input and the input ends inside the frame (a slice keeps such a frame's start for the
/// next input: it must check it against the limit now in force).
#[test]
fn rfc9113_4_2_a_cut_frame_over_a_limit_lowered_in_the_same_input_fails_at_once() {
    use h2_conn::frame::{ErrorCode, SettingId, Settings, PREFACE};
    for as_slice in [true, false] {
        let mut config = Config::server();
        config.set_local_setting(SettingId::MAX_FRAME_SIZE, 100_000);
        let mut server = Connection::new(config);
        server.initiate_connection();
        let mut lower = Settings::new();
        lower.set(SettingId::MAX_FRAME_SIZE, 16_384);
        server.update_settings(lower).unwrap();
        let _ = server.data_to_send();
        let mut hello = PREFACE.to_vec();
        hello.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 0, 0]); // SETTINGS
        hello.extend_from_slice(&[0, 0, 0, 4, 1, 0, 0, 0, 0]); // ACK of the first
        server.receive_data(&hello[..]).unwrap();
        let mut input = vec![0, 0, 0, 4, 1, 0, 0, 0, 0]; // ACK of the lowering
                                                         // An extension frame of 20,000 octets (under the old limit, over the new),
                                                         // cut off after 100.
        input.extend_from_slice(&[0, 0x4e, 0x20, 0xfa, 0, 0, 0, 0, 0]);
        input.extend_from_slice(&[0; 100]);
        let events = if as_slice {
            server.receive_data(&input[..]).unwrap()
        } else {
            server.receive_data(input).unwrap()
        };
        assert!(
            events.iter().any(|e| matches!(
                e,
                Event::ConnectionTerminated {
                    error_code: ErrorCode::FRAME_SIZE_ERROR,
                    remote: false,
                    ..
                }
            )),
            "as a slice: {as_slice}: {events:?}"
        );
    }
}
