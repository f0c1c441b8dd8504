//! A client `Connection` that opened a few streams (a GET, a POST with a body still
//! open, a HEAD) fed the server's SETTINGS and then arbitrary bytes in fuzzer-chosen
//! chunks, with an application that acknowledges data and takes output as the mode octet
//! says. Same checks as `server_connection`.
#![no_main]

mod common;

use h2_conn::{Config, Connection, HeaderField};
use libfuzzer_sys::fuzz_target;

/// SETTINGS (empty) and SETTINGS ACK.
const HELLO: &[u8] = b"\0\0\0\x04\0\0\0\0\0\0\0\0\x04\x01\0\0\0\0";

fn request(method: &'static str, path: &'static str) -> [HeaderField; 4] {
    [
        HeaderField::new(":method", method),
        HeaderField::new(":scheme", "https"),
        HeaderField::new(":authority", "example.com"),
        HeaderField::new(":path", path),
    ]
}

fuzz_target!(|input: &[u8]| {
    let Some((&mode, rest)) = input.split_first() else {
        return;
    };
    let mut config = Config::client();
    if mode & 0x10 != 0 {
        // Accept pushes, so PUSH_PROMISE paths are reachable.
        config.set_local_setting(h2_conn::SettingId::ENABLE_PUSH, 1);
    }
    let mut conn = Connection::new(config);
    conn.initiate_connection();
    for (method, path, end) in [
        ("GET", "/", true),
        ("POST", "/upload", false),
        ("HEAD", "/h", true),
    ] {
        let id = conn.next_stream_id().expect("fresh client has ids");
        conn.send_headers(id, &request(method, path), end)
            .expect("valid request");
        if !end {
            conn.send_data(id, "partial body", false)
                .expect("window open");
        }
    }
    let _ = conn.data_to_send();
    common::feed(&mut conn, HELLO, 0xff);
    for chunk in common::chunks(rest) {
        common::feed(&mut conn, chunk, mode);
    }
    let _ = conn.data_to_send();
});
