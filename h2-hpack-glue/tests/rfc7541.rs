//! RFC 7541 rules, each test named after the section it enforces, and the Appendix C
//! examples.

use bytes::{Bytes, BytesMut};
use h2_hpack_glue::frame::{ErrorCode, StreamId};
use h2_hpack_glue::{DecodeError, Decoder, Encoder, HeaderField};

fn unhex(s: &str) -> Bytes {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect::<Vec<u8>>()
        .into()
}

fn f(n: &'static str, v: &'static str) -> HeaderField {
    HeaderField::new(n, v)
}

fn decode(dec: &mut Decoder, wire: &[u8]) -> Result<Vec<HeaderField>, DecodeError> {
    let mut out = Vec::new();
    dec.decode(Bytes::copy_from_slice(wire), usize::MAX, &mut out)
        .map(|_known| out)
}

fn encode(enc: &mut Encoder, list: &[HeaderField]) -> Bytes {
    let mut wire = BytesMut::new();
    enc.encode(list, &mut wire);
    wire.freeze()
}

#[test]
fn rfc7541_c_2_field_representations_decode() {
    let mut dec = Decoder::new(4096);
    let out = decode(
        &mut dec,
        &unhex("400a637573746f6d2d6b65790d637573746f6d2d686561646572"),
    )
    .unwrap();
    assert_eq!(out, [f("custom-key", "custom-header")]);
    assert_eq!(dec.table_size(), 55);
    let out = decode(&mut dec, &unhex("040c2f73616d706c652f70617468")).unwrap();
    assert_eq!(out, [f(":path", "/sample/path")]);
    let out = decode(&mut dec, &unhex("100870617373776f726406736563726574")).unwrap();
    assert_eq!(out, [HeaderField::sensitive("password", "secret")]);
    assert_eq!(dec.table_size(), 55, "6.2.2 and 6.2.3 do not index");
    let out = decode(&mut dec, &unhex("82")).unwrap();
    assert_eq!(out, [f(":method", "GET")]);
}

const C3: [&str; 3] = [
    "828684410f7777772e6578616d706c652e636f6d",
    "828684be58086e6f2d6361636865",
    "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
];
const C4: [&str; 3] = [
    "828684418cf1e3c2e5f23a6ba0ab90f4ff",
    "828684be5886a8eb10649cbf",
    "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
];
const C5: [&str; 3] = [
    "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d",
    "4803333037c1c0bf",
    "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31",
];
const C6: [&str; 3] = [
    "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
    "4883640effc1c0bf",
    "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
];

fn requests() -> [Vec<HeaderField>; 3] {
    let base = [
        f(":method", "GET"),
        f(":scheme", "http"),
        f(":path", "/"),
        f(":authority", "www.example.com"),
    ];
    let mut second = base.to_vec();
    second.push(f("cache-control", "no-cache"));
    [
        base.to_vec(),
        second,
        vec![
            f(":method", "GET"),
            f(":scheme", "https"),
            f(":path", "/index.html"),
            f(":authority", "www.example.com"),
            f("custom-key", "custom-value"),
        ],
    ]
}

fn responses() -> [Vec<HeaderField>; 3] {
    [
        vec![
            f(":status", "302"),
            f("cache-control", "private"),
            f("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
            f("location", "https://www.example.com"),
        ],
        vec![
            f(":status", "307"),
            f("cache-control", "private"),
            f("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
            f("location", "https://www.example.com"),
        ],
        vec![
            f(":status", "200"),
            f("cache-control", "private"),
            f("date", "Mon, 21 Oct 2013 20:13:22 GMT"),
            f("location", "https://www.example.com"),
            f("content-encoding", "gzip"),
            f(
                "set-cookie",
                "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
            ),
        ],
    ]
}

#[test]
fn rfc7541_c_3_requests_without_huffman_decode() {
    let mut dec = Decoder::new(4096);
    for (wire, list) in C3.iter().zip(requests()) {
        assert_eq!(decode(&mut dec, &unhex(wire)).unwrap(), list);
    }
    assert_eq!(dec.table_size(), 164);
}

#[test]
fn rfc7541_c_4_requests_with_huffman_decode_and_encode_byte_for_byte() {
    let mut dec = Decoder::new(4096);
    let mut enc = Encoder::new();
    for (wire, list) in C4.iter().zip(requests()) {
        assert_eq!(decode(&mut dec, &unhex(wire)).unwrap(), list);
        assert_eq!(encode(&mut enc, &list), unhex(wire));
    }
    assert_eq!(dec.table_size(), 164);
}

#[test]
fn rfc7541_c_5_and_c_6_responses_with_eviction_decode() {
    for examples in [C5, C6] {
        let mut dec = Decoder::new(256);
        for (wire, list) in examples.iter().zip(responses()) {
            assert_eq!(decode(&mut dec, &unhex(wire)).unwrap(), list);
        }
        assert_eq!(dec.table_size(), 215);
    }
}

#[test]
fn rfc7541_4_4_responses_round_trip_with_a_256_byte_table() {
    let mut enc = Encoder::with_table_size_cap(256);
    let mut dec = Decoder::new(4096);
    for list in responses().iter().chain(responses().iter()) {
        let wire = encode(&mut enc, list);
        assert_eq!(&decode(&mut dec, &wire).unwrap(), list);
        assert!(enc.table_size() <= 256);
        assert_eq!(enc.table_size(), dec.table_size());
    }
}

#[test]
fn rfc7541_2_3_3_rejects_index_zero_and_past_the_tables() {
    let mut dec = Decoder::new(4096);
    assert_eq!(
        decode(&mut dec, &[0x80]),
        Err(DecodeError::InvalidIndex { index: 0 })
    );
    assert_eq!(
        decode(&mut dec, &[0xbe]),
        Err(DecodeError::InvalidIndex { index: 62 })
    );
    // A literal whose name index is past the tables.
    assert_eq!(
        decode(&mut dec, &[0x7f, 0x00, 0x01, b'x']),
        Err(DecodeError::InvalidIndex { index: 63 })
    );
    // 61 is the last static entry.
    assert_eq!(
        decode(&mut dec, &[0xbd]).unwrap(),
        [f("www-authenticate", "")]
    );
}

#[test]
fn rfc7541_4_2_size_update_must_be_at_block_start() {
    let mut dec = Decoder::new(4096);
    assert_eq!(
        decode(&mut dec, &[0x82, 0x20]),
        Err(DecodeError::SizeUpdateNotAtStart)
    );
    let mut dec = Decoder::new(4096);
    // Two updates at the start are allowed (minimum then final).
    assert_eq!(
        decode(&mut dec, &[0x20, 0x3f, 0xe1, 0x1f, 0x82]).unwrap(),
        [f(":method", "GET")]
    );
    assert_eq!(dec.table_max_size(), 4096);
}

#[test]
fn rfc7541_4_2_encoder_signals_minimum_then_final_size() {
    let mut enc = Encoder::new();
    enc.set_max_table_size(0);
    enc.set_max_table_size(1024);
    enc.set_max_table_size(2048);
    let wire = encode(&mut enc, &[f(":method", "GET")]);
    // 0x20 = update to 0, 0x3f e1 0f = update to 2048, 0x82.
    assert_eq!(&wire[..], &[0x20, 0x3f, 0xe1, 0x0f, 0x82]);
    // Nothing owed afterwards.
    assert_eq!(&encode(&mut enc, &[f(":method", "GET")])[..], &[0x82]);
    // Lowered then raised back to the same size: still both (RFC 7541 4.2).
    enc.set_max_table_size(100);
    enc.set_max_table_size(2048);
    assert_eq!(&encode(&mut enc, &[])[..], &[0x3f, 0x45, 0x3f, 0xe1, 0x0f]);
    // Unchanged size: no update.
    enc.set_max_table_size(2048);
    assert!(encode(&mut enc, &[]).is_empty());
}

#[test]
fn rfc7541_4_2_encoder_updates_keep_decoder_in_sync() {
    let mut enc = Encoder::new();
    let mut dec = Decoder::new(4096);
    let list = [
        f("x-one", "1"),
        f("x-two", "2"),
        f(":authority", "example.com"),
    ];
    for size in [4096u32, 0, 100, 4096, 64, 10_000, 1] {
        enc.set_max_table_size(size);
        dec.set_max_table_size(size);
        for _ in 0..3 {
            let wire = encode(&mut enc, &list);
            assert_eq!(decode(&mut dec, &wire).unwrap(), list);
            assert_eq!(enc.table_size(), dec.table_size());
        }
    }
}

#[test]
fn rfc7541_4_2_lowered_setting_requires_size_update() {
    let mut dec = Decoder::new(4096);
    dec.set_max_table_size(1024);
    assert_eq!(
        decode(&mut dec, &[0x82]),
        Err(DecodeError::MissingSizeUpdate)
    );
    let mut dec = Decoder::new(4096);
    dec.set_max_table_size(1024);
    assert!(decode(&mut dec, &[0x3f, 0xe1, 0x07, 0x82]).is_ok());
    // Raising needs no update.
    let mut dec = Decoder::new(4096);
    dec.set_max_table_size(8192);
    assert!(decode(&mut dec, &[0x82]).is_ok());
}

#[test]
fn rfc7541_6_3_rejects_size_update_above_our_setting() {
    let mut dec = Decoder::new(4096);
    assert_eq!(
        decode(&mut dec, &[0x3f, 0xe2, 0x1f]),
        Err(DecodeError::SizeUpdateTooLarge {
            size: 4097,
            max: 4096
        })
    );
    let e = DecodeError::SizeUpdateTooLarge {
        size: 4097,
        max: 4096,
    }
    .to_h2_error(StreamId::new(1));
    assert!(e.is_connection_error());
    assert_eq!(e.code(), ErrorCode::COMPRESSION_ERROR);
}

#[test]
fn rfc7541_4_3_size_update_evicts_entries() {
    let mut dec = Decoder::new(4096);
    decode(&mut dec, &unhex(C3[0])).unwrap();
    assert_eq!(dec.table_size(), 57);
    assert!(decode(&mut dec, &[0x20]).unwrap().is_empty());
    assert_eq!(dec.table_size(), 0);
    assert_eq!(
        decode(&mut dec, &[0xbe]),
        Err(DecodeError::InvalidIndex { index: 62 })
    );
}

#[test]
fn rfc7541_5_1_rejects_truncated_and_overflowing_integers() {
    let mut dec = Decoder::new(4096);
    assert_eq!(decode(&mut dec, &[0xff]), Err(DecodeError::Truncated));
    assert_eq!(
        decode(&mut dec, &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        Err(DecodeError::IntegerOverflow)
    );
}

#[test]
fn rfc7541_5_2_rejects_string_longer_than_block() {
    let mut dec = Decoder::new(4096);
    assert_eq!(
        decode(&mut dec, &[0x04, 0x05, b'a']),
        Err(DecodeError::Truncated)
    );
    assert_eq!(
        decode(&mut dec, &[0x00, 0x7f, 0xff, 0xff, 0xff, 0x0f]),
        Err(DecodeError::Truncated)
    );
    assert_eq!(decode(&mut dec, &[0x04]), Err(DecodeError::Truncated));
}

#[test]
fn rfc7541_5_2_rejects_invalid_huffman_in_a_block() {
    let mut dec = Decoder::new(4096);
    // Literal value, Huffman, 1 byte 0x00: '0' (00000) then 000 padding: invalid.
    assert_eq!(
        decode(&mut dec, &[0x04, 0x81, 0x00]),
        Err(DecodeError::InvalidHuffman)
    );
    // EOS inside: four 0xff.
    assert_eq!(
        decode(&mut dec, &[0x04, 0x84, 0xff, 0xff, 0xff, 0xff]),
        Err(DecodeError::InvalidHuffman)
    );
}

#[test]
fn rfc7541_5_2_encoder_uses_huffman_only_when_shorter() {
    let mut enc = Encoder::new();
    // "www.example.com" is shorter in Huffman (12 < 15).
    let wire = encode(&mut enc, &[f("x-a", "www.example.com")]);
    assert!(wire.windows(2).any(|w| w == [0x8c, 0xf1]));
    // Bytes with long codes stay raw.
    let wire = encode(&mut enc, &[f("x-b", "\u{1}\u{2}\u{3}")]);
    assert!(wire.ends_with(&[0x03, 1, 2, 3]));
}

#[test]
fn rfc7541_6_2_3_sensitive_fields_are_never_indexed() {
    let mut enc = Encoder::new();
    let mut dec = Decoder::new(4096);
    let list = [
        HeaderField::sensitive("x-secret", "hunter2"),
        f("authorization", "Basic dXNlcjpwYXNz"),
        f("proxy-authorization", "Basic dXNlcjpwYXNz"),
        f("cookie", "short=1"),
        f("cookie", "long-session-cookie=0123456789abcdef"),
    ];
    for _ in 0..2 {
        let wire = encode(&mut enc, &list);
        let out = decode(&mut dec, &wire).unwrap();
        let flags: Vec<bool> = out.iter().map(|f| f.sensitive).collect();
        assert_eq!(flags, [true, true, true, true, false]);
    }
    // Only the long cookie was indexed.
    assert_eq!(enc.table_size(), 6 + 36 + 32);
    assert_eq!(dec.table_size(), enc.table_size());
}

#[test]
fn rfc7541_6_1_repeated_fields_are_sent_as_one_byte_indexes() {
    let mut enc = Encoder::new();
    let list = [
        f("user-agent", "test/1.0"),
        f("accept", "*/*"),
        f(":method", "GET"),
    ];
    encode(&mut enc, &list);
    assert_eq!(&encode(&mut enc, &list)[..], &[0xbf, 0xbe, 0x82]);
}

#[test]
fn rfc7541_6_2_2_unique_values_are_not_indexed() {
    let mut enc = Encoder::new();
    encode(
        &mut enc,
        &[
            f(":path", "/search?q=12345"),
            f("content-length", "42"),
            f("etag", "\"abc\""),
        ],
    );
    assert_eq!(enc.table_size(), 0);
    // A value over 3/4 of the table is not indexed either.
    let big = "v".repeat(3100);
    encode(&mut enc, &[HeaderField::new("x-big", big)]);
    assert_eq!(enc.table_size(), 0);
}

/// RFC 7541 3.2: representations are processed in order; an indexed one emits the entry, a
/// literal emits the field, and a literal with incremental indexing also inserts it, before
/// the next representation is processed (the last one here refers to that new entry).
#[test]
fn rfc7541_3_2_representations_are_processed_in_order_with_insertions() {
    let mut dec = Decoder::new(4096);
    let mut block = vec![0x82]; // indexed: :method GET
    block.extend_from_slice(b"\x44\x02/a"); // incremental indexing, name :path (4)
    block.extend_from_slice(b"\x00\x03x-a\x011"); // without indexing, new name
    block.extend_from_slice(b"\x10\x03x-b\x012"); // never indexed, new name
    block.push(0xbe); // indexed: 62, the entry inserted above
    let out = decode(&mut dec, &block).unwrap();
    let secret = HeaderField::sensitive("x-b", "2");
    assert_eq!(
        out,
        [
            f(":method", "GET"),
            f(":path", "/a"),
            f("x-a", "1"),
            secret,
            f(":path", "/a"),
        ]
    );
    assert!(out[3].sensitive);
    // Only the incrementally indexed literal entered the table.
    assert_eq!(dec.table_size(), 32 + ":path".len() + "/a".len());
    assert!(matches!(
        decode(&mut dec, b"\xbf"),
        Err(DecodeError::InvalidIndex { index: 63 })
    ));
}
