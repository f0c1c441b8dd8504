//! Header blocks as frames: splitting into HEADERS / PUSH_PROMISE + CONTINUATION,
//! reassembly, and the limits against CONTINUATION floods and HPACK bombs.

use bytes::{Bytes, BytesMut};
use h2_hpack_glue::frame::{ErrorCode, Frame, FrameDecoder, StreamId, DEFAULT_MAX_FRAME_SIZE};
use h2_hpack_glue::{BlockError, BlockLimits, HeaderBlockDecoder, HeaderBlockEncoder, HeaderField};

fn big_list(total: usize) -> Vec<HeaderField> {
    let mut list = vec![
        HeaderField::new(":method", "GET"),
        HeaderField::new(":scheme", "https"),
        HeaderField::new(":path", "/"),
    ];
    let mut i = 0;
    while list.iter().map(HeaderField::size).sum::<usize>() < total {
        // Varied, mostly incompressible values.
        let value: String = (0..200)
            .map(|j| (b'!' + ((i * 31 + j * 7) % 90) as u8) as char)
            .collect();
        list.push(HeaderField::new(format!("x-header-{i}"), value));
        i += 1;
    }
    list
}

fn frames(wire: Bytes) -> Vec<Frame> {
    let mut dec = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
    dec.push_bytes(wire);
    let mut v = Vec::new();
    while let Some(f) = dec.next_frame().unwrap() {
        v.push(f);
    }
    v
}

fn big_limits() -> BlockLimits {
    BlockLimits {
        max_header_list_size: 1 << 20,
        max_block_bytes: 1 << 21,
        max_continuation_frames: 1 << 20,
        ..BlockLimits::default()
    }
}

#[test]
fn rfc9113_4_3_100_kib_list_splits_into_headers_and_continuations() {
    let list = big_list(100 * 1024);
    let mut enc = HeaderBlockEncoder::new();
    let mut wire = BytesMut::new();
    enc.encode_headers(
        StreamId::new(3),
        &list,
        true,
        DEFAULT_MAX_FRAME_SIZE,
        &mut wire,
    );
    let frames = frames(wire.freeze());
    assert!(frames.len() >= 6, "{} frames", frames.len());
    let mut dec = HeaderBlockDecoder::new(big_limits());
    let mut result = None;
    for (i, frame) in frames.iter().enumerate() {
        let last = i == frames.len() - 1;
        match frame {
            Frame::Headers(h) => {
                assert_eq!(i, 0);
                assert!(h.end_stream);
                assert_eq!(h.end_headers, last);
                assert_eq!(h.block.len(), DEFAULT_MAX_FRAME_SIZE as usize);
                result = dec
                    .begin(h.stream_id, h.block.clone(), h.end_headers)
                    .unwrap();
            }
            Frame::Continuation(c) => {
                assert!(i > 0);
                assert_eq!(c.stream_id, StreamId::new(3));
                assert_eq!(c.end_headers, last);
                if !last {
                    assert_eq!(c.block.len(), DEFAULT_MAX_FRAME_SIZE as usize);
                }
                result = dec.continue_block(c.block.clone(), c.end_headers).unwrap();
                assert_eq!(result.is_some(), last);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(result.unwrap(), list);
    assert_eq!(dec.in_progress(), None);
}

#[test]
fn rfc9113_6_10_reassembly_from_one_byte_fragments_yields_the_same_list() {
    let list = big_list(20 * 1024);
    let mut enc = HeaderBlockEncoder::new();
    let mut wire = BytesMut::new();
    enc.encode_headers(StreamId::new(1), &list, false, 1, &mut wire);
    let frames = frames(wire.freeze());
    let mut dec = HeaderBlockDecoder::new(big_limits());
    let mut result = None;
    for frame in frames {
        result = match frame {
            Frame::Headers(h) => {
                assert_eq!(h.block.len(), 1);
                dec.begin(h.stream_id, h.block, h.end_headers).unwrap()
            }
            Frame::Continuation(c) => {
                assert_eq!(c.block.len(), 1);
                dec.continuation(c).unwrap()
            }
            other => panic!("unexpected {other:?}"),
        };
    }
    assert_eq!(result.unwrap(), list);
}

#[test]
fn rfc9113_6_6_push_promise_carries_the_block_and_continuations() {
    let list = big_list(40 * 1024);
    let mut enc = HeaderBlockEncoder::new();
    let mut wire = BytesMut::new();
    enc.encode_push_promise(
        StreamId::new(1),
        StreamId::new(2),
        &list,
        DEFAULT_MAX_FRAME_SIZE,
        &mut wire,
    );
    let frames = frames(wire.freeze());
    let mut dec = HeaderBlockDecoder::new(big_limits());
    let mut result = None;
    for frame in frames {
        result = match frame {
            Frame::PushPromise(p) => {
                assert_eq!(p.promised_id, StreamId::new(2));
                assert_eq!(p.block.len(), DEFAULT_MAX_FRAME_SIZE as usize - 4);
                dec.begin(p.stream_id, p.block, p.end_headers).unwrap()
            }
            Frame::Continuation(c) => dec.continuation(c).unwrap(),
            other => panic!("unexpected {other:?}"),
        };
    }
    assert_eq!(result.unwrap(), list);
}

#[test]
fn rfc9113_4_3_caller_bug_on_stream_zero_writes_nothing() {
    let mut enc = HeaderBlockEncoder::new();
    let mut wire = BytesMut::new();
    let list = [HeaderField::new("x-a", "b")];
    assert!(enc
        .try_encode_headers(
            StreamId::ZERO,
            &list,
            true,
            DEFAULT_MAX_FRAME_SIZE,
            &mut wire
        )
        .is_err());
    assert!(wire.is_empty());
    assert_eq!(enc.encoder().table_size(), 0);
}

#[test]
fn rfc9113_6_10_continuation_without_block_is_protocol_error() {
    let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
    let e = dec
        .continue_block(Bytes::from_static(b"\x82"), true)
        .unwrap_err();
    assert_eq!(e, BlockError::UnexpectedContinuation);
    assert_eq!(e.to_h2_error().code(), ErrorCode::PROTOCOL_ERROR);
    assert!(e.to_h2_error().is_connection_error());
}

#[test]
fn rfc9113_4_3_interleaved_block_is_protocol_error() {
    let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
    dec.begin(StreamId::new(1), Bytes::from_static(b"\x82"), false)
        .unwrap();
    let e = dec
        .begin(StreamId::new(3), Bytes::from_static(b"\x82"), true)
        .unwrap_err();
    assert!(matches!(e, BlockError::Interleaved { .. }));
    assert_eq!(e.to_h2_error().code(), ErrorCode::PROTOCOL_ERROR);
    // A CONTINUATION for another stream, through `continuation`.
    let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
    dec.begin(StreamId::new(1), Bytes::from_static(b"\x82"), false)
        .unwrap();
    let cont = h2_hpack_glue::frame::Continuation {
        stream_id: StreamId::new(5),
        block: Bytes::from_static(b"\x84"),
        end_headers: true,
    };
    assert!(matches!(
        dec.continuation(cont),
        Err(BlockError::Interleaved { .. })
    ));
}

#[test]
fn rfc9113_4_3_decoding_error_is_compression_error() {
    let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
    let e = dec
        .begin(StreamId::new(1), Bytes::from_static(b"\x80"), true)
        .unwrap_err();
    assert!(matches!(e, BlockError::Compression(_)));
    assert_eq!(e.to_h2_error().code(), ErrorCode::COMPRESSION_ERROR);
    assert!(e.to_h2_error().is_connection_error());
}

#[test]
fn continuation_flood_of_empty_frames_is_enhance_your_calm() {
    let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
    dec.begin(StreamId::new(1), Bytes::new(), false).unwrap();
    let mut err = None;
    for _ in 0..1000 {
        if let Err(e) = dec.continue_block(Bytes::new(), false) {
            err = Some(e);
            break;
        }
    }
    let e = err.expect("flood not stopped");
    assert!(matches!(
        e,
        BlockError::TooManyContinuations { limit: 64, .. }
    ));
    assert_eq!(e.to_h2_error().code(), ErrorCode::ENHANCE_YOUR_CALM);
    assert_eq!(dec.in_progress(), None);
}

#[test]
fn continuation_flood_of_bytes_stops_at_the_block_limit() {
    let limits = BlockLimits {
        max_continuation_frames: usize::MAX,
        ..BlockLimits::default()
    };
    let mut dec = HeaderBlockDecoder::new(limits);
    let chunk = Bytes::from(vec![0x82u8; 16_384]);
    dec.begin(StreamId::new(1), chunk.clone(), false).unwrap();
    let mut accepted = chunk.len();
    loop {
        match dec.continue_block(chunk.clone(), false) {
            Ok(None) => accepted += chunk.len(),
            Err(e) => {
                assert!(matches!(e, BlockError::BlockTooLarge { .. }));
                assert_eq!(e.to_h2_error().code(), ErrorCode::ENHANCE_YOUR_CALM);
                break;
            }
            Ok(Some(_)) => unreachable!(),
        }
    }
    assert!(accepted <= limits.max_block_bytes);
    // A single oversized first fragment too.
    let mut dec = HeaderBlockDecoder::new(limits);
    let huge = Bytes::from(vec![0x82u8; limits.max_block_bytes + 1]);
    assert!(matches!(
        dec.begin(StreamId::new(1), huge, true),
        Err(BlockError::BlockTooLarge { .. })
    ));
}

#[test]
fn rfc9113_10_5_1_hpack_bomb_stops_at_the_list_limit_and_keeps_context_in_sync() {
    // One 4000-byte entry, then 4000 one-byte references to it: a 4 KiB block that
    // expands to about 16 MB.
    let mut block = vec![0x40, 0x01, b'x', 0x7f, 0x81, 0x1e];
    let entry_value_len = 127 + 1 + (0x1e << 7);
    block.extend(std::iter::repeat_n(b'v', entry_value_len));
    block.extend(std::iter::repeat_n(0xbe, 4000));
    let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
    let e = dec
        .begin(StreamId::new(1), Bytes::from(block), true)
        .unwrap_err();
    match e {
        BlockError::HeaderListTooLarge {
            stream_id,
            size,
            limit,
        } => {
            assert_eq!(stream_id, StreamId::new(1));
            assert_eq!(limit, 64 * 1024);
            assert_eq!(size, 4001 * (1 + entry_value_len + 32));
        }
        other => panic!("unexpected {other:?}"),
    }
    let h2 = e.to_h2_error();
    assert!(!h2.is_connection_error());
    assert_eq!(h2.code(), ErrorCode::REFUSED_STREAM);
    // The context is in sync: the next block can reference the entry.
    let list = dec
        .begin(StreamId::new(3), Bytes::from_static(b"\xbe"), true)
        .unwrap()
        .unwrap();
    assert_eq!(list.get_index(0).unwrap().value.len(), entry_value_len);
}

#[test]
fn set_max_header_list_size_applies_to_the_next_block() {
    let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
    dec.set_max_header_list_size(50);
    let list = dec
        .begin(StreamId::new(1), Bytes::from_static(b"\x82"), true)
        .unwrap()
        .unwrap();
    assert_eq!(list.len(), 1);
    let e = dec
        .begin(StreamId::new(3), Bytes::from_static(b"\x82\x82"), true)
        .unwrap_err();
    assert!(matches!(
        e,
        BlockError::HeaderListTooLarge {
            size: 84,
            limit: 50,
            ..
        }
    ));
    // Raising the list size raises the block-bytes cap with it.
    dec.set_max_header_list_size(1 << 20);
    assert!(dec.limits().max_block_bytes >= 2 << 20);
}

#[test]
fn table_size_settings_flow_through_block_codecs() {
    let mut enc = HeaderBlockEncoder::new();
    let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
    let list = [
        HeaderField::new("x-token", "abc"),
        HeaderField::new(":authority", "a.example"),
    ];
    for size in [4096, 0, 512, 4096] {
        enc.set_peer_table_size(size);
        dec.set_max_table_size(size);
        for id in [1u32, 3] {
            let mut wire = BytesMut::new();
            enc.encode_headers(
                StreamId::new(id),
                &list,
                true,
                DEFAULT_MAX_FRAME_SIZE,
                &mut wire,
            );
            let got = match frames(wire.freeze()).pop().unwrap() {
                Frame::Headers(h) => dec.begin(h.stream_id, h.block, h.end_headers).unwrap(),
                other => panic!("unexpected {other:?}"),
            };
            assert_eq!(got.unwrap(), list);
        }
    }
}
