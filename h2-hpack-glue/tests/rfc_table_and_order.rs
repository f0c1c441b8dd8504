//! RFC 7541 2.1, 2.3.2, 7.1.3 and RFC 9113 4.3.1: ordering, duplicate entries,
//! never-indexed literals and table-size reductions across the two directions.

use bytes::{Bytes, BytesMut};
use h2_hpack_glue::{Decoder, Encoder, HeaderField};

fn encode(enc: &mut Encoder, list: &[HeaderField]) -> Bytes {
    let mut wire = BytesMut::new();
    enc.encode(list, &mut wire);
    wire.freeze()
}

fn decode(dec: &mut Decoder, wire: Bytes) -> Vec<HeaderField> {
    let mut out = Vec::new();
    dec.decode(wire, usize::MAX, &mut out).unwrap();
    out
}

/// RFC 7541 2.1: "An encoder MUST order header field representations in the header block
/// according to their ordering in the original header list. A decoder MUST order header
/// fields in the decoded header list according to their ordering in the header block."
#[test]
fn rfc7541_2_1_field_order_is_kept_both_ways() {
    let list: Vec<HeaderField> = (0..40)
        .map(|i| HeaderField::new(format!("x-{}", 40 - i), format!("v{}", i % 3)))
        .chain([
            HeaderField::new("x-1", "again"),
            HeaderField::new("accept", "*/*"),
        ])
        .collect();
    let (mut enc, mut dec) = (Encoder::new(), Decoder::new(4096));
    for _ in 0..3 {
        assert_eq!(decode(&mut dec, encode(&mut enc, &list)), list);
    }
}

/// RFC 7541 2.3.2: "duplicate entries MUST NOT be treated as an error by a decoder."
#[test]
fn rfc7541_2_3_2_duplicate_table_entries_are_not_an_error() {
    // Two literals with incremental indexing of the same field: both enter the table.
    let mut block = Vec::new();
    for _ in 0..2 {
        block.extend_from_slice(&[0x40, 0x03]);
        block.extend_from_slice(b"x-a");
        block.extend_from_slice(&[0x01]);
        block.extend_from_slice(b"1");
    }
    // Then both entries by index (62 and 63).
    block.extend_from_slice(&[0x80 | 62, 0x80 | 63]);
    let mut dec = Decoder::new(4096);
    let out = decode(&mut dec, Bytes::from(block));
    assert_eq!(out.len(), 4);
    assert!(out.iter().all(|f| f == &HeaderField::new("x-a", "1")));
    assert_eq!(dec.table_size(), 2 * (3 + 1 + 32));
}

/// RFC 7541 7.1.3: a never-indexed literal stays never-indexed when re-encoded ("the
/// never-indexed literal representation MUST be used").
#[test]
fn rfc7541_7_1_3_never_indexed_survives_reencoding() {
    let mut block = vec![0x10, 0x06];
    block.extend_from_slice(b"secret");
    block.push(0x05);
    block.extend_from_slice(b"token");
    let mut dec = Decoder::new(4096);
    let out = decode(&mut dec, Bytes::from(block.clone()));
    assert_eq!(out, [HeaderField::sensitive("secret", "token")]);
    assert!(out[0].sensitive);
    let mut enc = Encoder::new();
    let wire = encode(&mut enc, &out);
    // 0001xxxx: literal never indexed; nothing entered the encoder's table.
    assert_eq!(wire[0] & 0xf0, 0x10, "{wire:02x?}");
    assert_eq!(enc.table_size(), 0);
}

/// RFC 9113 4.3.1: once a reduction of SETTINGS_HEADER_TABLE_SIZE is acknowledged, "its
/// HPACK encoder MUST start the next field block with a Dynamic Table Size Update
/// instruction that sets the dynamic table to a size that is less than or equal to the
/// reduced maximum size", and a decoder treats a block that does not as a connection error
/// of type COMPRESSION_ERROR.
#[test]
fn rfc9113_4_3_1_table_size_reduction_starts_the_next_block() {
    let list = [HeaderField::new(
        "x-long-enough-name",
        "a value that is indexed",
    )];
    let (mut enc, mut dec) = (Encoder::new(), Decoder::new(4096));
    assert_eq!(decode(&mut dec, encode(&mut enc, &list)), list);
    assert!(enc.table_size() > 0);
    enc.set_max_table_size(0);
    dec.set_max_table_size(0);
    let wire = encode(&mut enc, &list);
    // 001xxxxx: a Dynamic Table Size Update, first, to 0.
    assert_eq!(wire[0], 0x20, "{wire:02x?}");
    assert_eq!(decode(&mut dec, wire), list);
    assert_eq!(dec.table_size(), 0);
}

#[test]
fn rfc9113_4_3_1_block_without_required_size_update_is_compression_error() {
    let list = [HeaderField::new(
        "x-long-enough-name",
        "a value that is indexed",
    )];
    let (mut enc, mut dec) = (Encoder::new(), Decoder::new(4096));
    decode(&mut dec, encode(&mut enc, &list));
    assert!(dec.table_size() > 0);
    dec.set_max_table_size(0);
    // The peer ignores the reduction: its next block starts with an indexed field.
    let mut out = Vec::new();
    let err = dec
        .decode(Bytes::from_static(&[0x82]), usize::MAX, &mut out)
        .unwrap_err();
    let h2 = err.to_h2_error(h2_hpack_glue::frame::StreamId::new(1));
    assert!(h2.is_connection_error());
    assert_eq!(
        h2.code(),
        h2_hpack_glue::frame::ErrorCode::COMPRESSION_ERROR
    );
}
