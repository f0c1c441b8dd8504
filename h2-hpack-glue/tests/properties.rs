//! Property tests: arbitrary header lists round-trip through our codec and cross-check with
//! httlib-hpack; arbitrary bytes never panic the decoder and never pass the limits.

use bytes::{Bytes, BytesMut};
use h2_hpack_glue::frame::{Frame, FrameDecoder, StreamId, DEFAULT_MAX_FRAME_SIZE};
use h2_hpack_glue::{
    BlockLimits, Decoder, Encoder, HeaderBlockDecoder, HeaderBlockEncoder, HeaderField, HeaderList,
    HeaderListBuilder,
};
use proptest::prelude::*;

fn field() -> impl Strategy<Value = HeaderField> {
    let name = prop_oneof![
        Just(b":method".to_vec()),
        Just(b":path".to_vec()),
        Just(b"user-agent".to_vec()),
        Just(b"cookie".to_vec()),
        Just(b"authorization".to_vec()),
        proptest::collection::vec(b'a'..=b'z', 1..12),
        proptest::collection::vec(any::<u8>(), 0..20),
    ];
    let value = prop_oneof![
        Just(b"GET".to_vec()),
        Just(b"".to_vec()),
        proptest::collection::vec(b' '..=b'~', 0..40),
        proptest::collection::vec(any::<u8>(), 0..300),
    ];
    (name, value, any::<bool>()).prop_map(|(n, v, s)| HeaderField {
        name: n.into(),
        value: v.into(),
        sensitive: s,
    })
}

fn lists() -> impl Strategy<Value = Vec<(Option<u16>, Vec<HeaderField>)>> {
    proptest::collection::vec(
        (
            proptest::option::weighted(0.2, 0..5000u16),
            proptest::collection::vec(field(), 0..20),
        ),
        1..12,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn header_lists_round_trip_and_match_httlib(blocks in lists()) {
        let mut enc = Encoder::new();
        let mut ours = Decoder::new(4096);
        let mut theirs = httlib_hpack::Decoder::with_dynamic_size(4096);
        for (table_size, list) in blocks {
            if let Some(size) = table_size {
                enc.set_max_table_size(u32::from(size));
                ours.set_max_table_size(u32::from(size));
                theirs.set_max_dynamic_size(u32::from(size));
            }
            let mut wire = BytesMut::new();
            enc.encode(&list, &mut wire);
            let wire = wire.freeze();
            let mut out = Vec::new();
            ours.decode(wire.clone(), usize::MAX, &mut out).unwrap();
            prop_assert_eq!(out.len(), list.len());
            for (got, want) in out.iter().zip(&list) {
                prop_assert_eq!(&got.name, &want.name);
                prop_assert_eq!(&got.value, &want.value);
                prop_assert!(got.sensitive || !want.sensitive);
            }
            let mut buf = wire.to_vec();
            let mut reference = Vec::new();
            theirs.decode(&mut buf, &mut reference).unwrap();
            let reference: Vec<(Vec<u8>, Vec<u8>)> = reference.into_iter().map(|(n, v, _)| (n, v)).collect();
            let expected: Vec<(Vec<u8>, Vec<u8>)> = list.iter().map(|f| (f.name.to_vec(), f.value.to_vec())).collect();
            prop_assert_eq!(reference, expected);
        }
    }

    #[test]
    fn httlib_encodings_decode_with_ours(list in proptest::collection::vec(field(), 0..30)) {
        use httlib_hpack::Encoder as Ref;
        let mut enc = Ref::with_dynamic_size(4096);
        let mut wire = Vec::new();
        for f in &list {
            let flags = if f.sensitive { Ref::NEVER_INDEXED } else { Ref::BEST_FORMAT | Ref::WITH_INDEXING };
            enc.encode((f.name.to_vec(), f.value.to_vec(), flags | Ref::HUFFMAN_VALUE), &mut wire).unwrap();
        }
        let mut out = Vec::new();
        Decoder::new(4096).decode(Bytes::from(wire), usize::MAX, &mut out).unwrap();
        prop_assert_eq!(out.len(), list.len());
        for (got, want) in out.iter().zip(&list) {
            prop_assert_eq!(&got.name, &want.name);
            prop_assert_eq!(&got.value, &want.value);
        }
    }

    #[test]
    fn block_frames_round_trip_at_any_frame_size(
        list in proptest::collection::vec(field(), 0..40),
        max_frame in 1u32..300,
        end_stream in any::<bool>(),
    ) {
        let mut enc = HeaderBlockEncoder::new();
        let mut wire = BytesMut::new();
        enc.encode_headers(StreamId::new(7), &list, end_stream, max_frame, &mut wire);
        let mut frames = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
        frames.push_bytes(wire.freeze());
        let limits = BlockLimits { max_continuation_frames: usize::MAX, ..BlockLimits::default() };
        let mut dec = HeaderBlockDecoder::new(limits);
        let mut result = None;
        while let Some(frame) = frames.next_frame().unwrap() {
            prop_assert!(result.is_none());
            result = match frame {
                Frame::Headers(h) => {
                    prop_assert_eq!(h.end_stream, end_stream);
                    dec.begin(h.stream_id, h.block, h.end_headers).unwrap()
                }
                Frame::Continuation(c) => dec.continuation(c).unwrap(),
                other => panic!("unexpected {other:?}"),
            };
        }
        prop_assert_eq!(result.unwrap(), list.iter().map(|f| HeaderField {
            sensitive: f.sensitive || out_sensitive(f),
            ..f.clone()
        }).collect::<Vec<_>>());
    }

    #[test]
    fn arbitrary_bytes_never_panic_nor_pass_the_limits(
        blocks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 1..8),
        limit in 0usize..400,
    ) {
        let mut dec = Decoder::new(256);
        for block in blocks {
            let mut out = Vec::new();
            if dec.decode(Bytes::from(block), limit, &mut out).is_ok() {
                prop_assert!(out.iter().map(HeaderField::size).sum::<usize>() <= limit);
            }
            prop_assert!(dec.table_size() <= 256);
        }
    }

    #[test]
    fn arbitrary_fragments_never_panic_nor_pass_the_limits(
        frags in proptest::collection::vec((proptest::collection::vec(any::<u8>(), 0..64), any::<u8>()), 1..20),
    ) {
        let limits = BlockLimits {
            max_header_list_size: 300,
            max_block_bytes: 500,
            max_continuation_frames: 4,
            ..BlockLimits::default()
        };
        let mut dec = HeaderBlockDecoder::new(limits);
        for (frag, op) in frags {
            let end = op & 1 != 0;
            let r = if op & 2 != 0 {
                dec.continue_block(Bytes::from(frag), end)
            } else {
                dec.begin(StreamId::new(1), Bytes::from(frag), end)
            };
            match r {
                Ok(Some(list)) => prop_assert!(list.size() <= 300),
                Ok(None) => prop_assert!(dec.in_progress().is_some()),
                Err(e) => {
                    let _ = e.to_h2_error();
                }
            }
        }
    }
}

/// The encoder's implicit sensitivity rule, as the decoder observes it.
fn out_sensitive(f: &HeaderField) -> bool {
    &f.name[..] == b"authorization"
        || &f.name[..] == b"proxy-authorization"
        || (&f.name[..] == b"cookie" && f.value.len() < 20)
}

type Fields = Vec<(Vec<u8>, Vec<u8>, bool)>;

fn both_ways(
    owned: &mut Decoder,
    borrowed: &mut Decoder,
    block: &[u8],
    limit: usize,
) -> (
    Result<Fields, h2_hpack_glue::DecodeError>,
    Result<Fields, h2_hpack_glue::DecodeError>,
) {
    let mut out = Vec::new();
    let a = owned
        .decode(Bytes::copy_from_slice(block), limit, &mut out)
        .map(|known| {
            // A field reported known-valid really passes the character rules, whatever
            // the block held (the verdict is the table's, never guessed).
            for (i, f) in out.iter().enumerate() {
                assert!(
                    !known.contains(i) || h2_hpack_glue::syntax::field_is_valid(&f.name, &f.value),
                    "field {i} marked valid: {f:?}"
                );
            }
            out.iter()
                .map(|f| (f.name.to_vec(), f.value.to_vec(), f.sensitive))
                .collect()
        });
    let mut got = Vec::new();
    let b = borrowed
        .decode_with(block, limit, |n, v, s| {
            got.push((n.to_vec(), v.to_vec(), s))
        })
        .map(|()| got);
    (a, b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn decode_with_matches_decode(
        blocks in lists(),
        noise in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..4),
        limit in 100usize..3000,
    ) {
        let mut enc = Encoder::new();
        let (mut owned, mut borrowed) = (Decoder::new(4096), Decoder::new(4096));
        for (_, list) in blocks {
            let mut wire = BytesMut::new();
            enc.encode(&list, &mut wire);
            let (a, b) = both_ways(&mut owned, &mut borrowed, &wire, limit);
            prop_assert_eq!(a, b);
            prop_assert_eq!(owned.table_size(), borrowed.table_size());
        }
        for block in noise {
            let (a, b) = both_ways(&mut owned, &mut borrowed, &block, limit);
            prop_assert_eq!(&a, &b);
            if a.is_err() {
                break;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `decode_list` (one buffer per list, reused) gives the fields, flags, verdicts and
    /// errors of `decode` (a handle per field), whichever earlier lists are still held.
    #[test]
    fn decode_list_matches_decode(
        blocks in lists(),
        keep in proptest::collection::vec(any::<bool>(), 12),
        limit in 100usize..3000,
    ) {
        let mut enc = Encoder::new();
        let (mut owned, mut listed) = (Decoder::new(4096), Decoder::new(4096));
        let mut builder = HeaderListBuilder::new();
        let mut held: Vec<(HeaderList, Vec<HeaderField>)> = Vec::new();
        for (i, (_, list)) in blocks.into_iter().enumerate() {
            let mut wire = BytesMut::new();
            enc.encode(&list, &mut wire);
            let mut fields = Vec::new();
            let a = owned.decode(wire.clone().freeze(), limit, &mut fields);
            let b = listed.decode_list(&wire, limit, &mut builder);
            prop_assert_eq!(&a, &b);
            if a.is_err() {
                prop_assert!(builder.is_empty());
                continue;
            }
            let got = builder.finish();
            prop_assert_eq!(&got, &fields);
            prop_assert_eq!(got.len(), fields.len());
            prop_assert_eq!(got.size(), fields.iter().map(HeaderField::size).sum::<usize>());
            if keep[i % keep.len()] {
                held.push((got, fields));
            }
        }
        // Lists held while later ones were decoded are intact.
        for (list, fields) in &held {
            prop_assert_eq!(list, fields);
            prop_assert_eq!(&list.to_vec(), fields);
        }
    }
}
