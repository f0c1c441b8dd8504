//! A server `Connection` fed a valid client preface and SETTINGS, then arbitrary bytes in
//! fuzzer-chosen chunks, with an application that answers requests, acknowledges data
//! and takes output as the mode octet says.
//!
//! Input: mode octet, then chunks (a length octet, then that many bytes). Checked: no
//! panic, `receive_data` fails only once closed, a local termination closes the
//! connection, and the bytes held besides queued output stay bounded.
#![no_main]

mod common;

use h2_conn::frame::PREFACE;
use h2_conn::{Config, Connection};
use libfuzzer_sys::fuzz_target;

/// SETTINGS (empty) and SETTINGS ACK.
const HELLO: &[u8] = b"\0\0\0\x04\0\0\0\0\0\0\0\0\x04\x01\0\0\0\0";

fuzz_target!(|input: &[u8]| {
    let Some((&mode, rest)) = input.split_first() else {
        return;
    };
    let mut conn = Connection::new(Config::server());
    conn.initiate_connection();
    common::feed(&mut conn, PREFACE, 0xff);
    common::feed(&mut conn, HELLO, 0xff);
    for chunk in common::chunks(rest) {
        common::feed(&mut conn, chunk, mode);
    }
    let _ = conn.data_to_send();
});
