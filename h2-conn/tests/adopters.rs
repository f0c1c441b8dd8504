//! Issue 17 ("Adopters' friction"): the paths adopters met first, each shown working with
//! the exact frames and events it produces.

mod support;

use h2_conn::{Bytes, HeaderField};
use support::frames::{self, sid};
use support::{client, Got};

/// Item 3: a header list and a body built from data the caller only borrows (slices of a
/// buffer that is not `'static`) go out with the copying constructors.
#[test]
fn rfc9113_8_3_borrowed_header_values_and_body_are_copied_once() {
    let (mut conn, mut peer) = client();
    // A "parsed" request line the caller only borrows.
    let line = String::from("POST /upload?x=1 example.com");
    let mut parts = line.split(' ');
    let (method, path, authority) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let request = [
        HeaderField::copy_from(":method", method),
        HeaderField::copy_from(b":scheme", b"http"),
        HeaderField::copy_from(":authority", authority),
        HeaderField::copy_from(":path", path),
        HeaderField::sensitive_copy_from("authorization", &line[..4]),
    ];
    conn.send_headers(sid(1), &request, false).unwrap();
    let body = line.as_bytes();
    conn.send_data(sid(1), Bytes::copy_from_slice(&body[..4]), false)
        .unwrap();
    conn.queue_data(sid(1), Bytes::copy_from_slice(&body[5..11]), true)
        .unwrap();
    drop(line);
    let got = peer.recv(&mut conn);
    let mut expected = frames::request_fields("POST", "/upload?x=1");
    expected.push(HeaderField::sensitive("authorization", "POST"));
    assert_eq!(
        got,
        vec![
            Got::Headers {
                stream_id: sid(1),
                fields: expected,
                end_stream: false,
            },
            Got::Frame(frames::data(1, "POST").frame()),
            Got::Frame(frames::data(1, "/uploa").end_stream().frame()),
        ]
    );
}
