//! RFC 9113 sections 3.4, 4, 5 and 7: the frame header, frame sizes, stream identifiers,
//! error scopes and extensibility, through the streaming decoder.

mod common;

use common::{assert_conn, decode, decode_all, decode_with, encode, raw, sample_frames, sid};
use h2_frame::{
    Bytes, BytesMut, Data, ErrorCode, Flags, Frame, FrameDecoder, FrameType, GoAway, Head,
    RstStream, StreamId, Unknown, DEFAULT_MAX_FRAME_SIZE, HEAD_LEN, MAX_MAX_FRAME_SIZE, PREFACE,
};

#[test]
fn rfc9113_3_4_client_preface_is_the_fixed_24_octets() {
    assert_eq!(
        PREFACE,
        &[
            0x50, 0x52, 0x49, 0x20, 0x2a, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x32, 0x2e, 0x30,
            0x0d, 0x0a, 0x0d, 0x0a, 0x53, 0x4d, 0x0d, 0x0a, 0x0d, 0x0a
        ]
    );
}

// ---- 4.1 Frame Format ----

#[test]
fn rfc9113_4_1_frame_header_is_length_type_flags_stream() {
    let wire = raw(FrameType(0xbe), 0x1234_5678)
        .flags(Flags(0xa5))
        .zeros(0x0102)
        .build();
    let head = Head::parse(&wire).unwrap();
    assert_eq!(
        head,
        Head {
            length: 0x0102,
            kind: FrameType(0xbe),
            flags: Flags(0xa5),
            stream_id: sid(0x1234_5678),
        }
    );
    assert_eq!(Head::parse(&wire[..HEAD_LEN - 1]), None);
    let mut out = BytesMut::new();
    head.encode(&mut out);
    assert_eq!(&out[..], &wire[..HEAD_LEN]);
}

#[test]
fn rfc9113_4_1_unknown_frame_type_is_ignored_and_kept() {
    for stream in [0, 3] {
        let bytes = raw(FrameType(0xf0), stream)
            .flags(Flags(0x3c))
            .bytes(b"ext")
            .build();
        let expected = Unknown {
            kind: FrameType(0xf0),
            flags: Flags(0x3c),
            stream_id: sid(stream),
            payload: Bytes::from_static(b"ext"),
        };
        assert_eq!(decode(&bytes), Ok(Frame::Unknown(expected.clone())));
        // Kept whole: it can be forwarded as received.
        assert_eq!(encode(&Frame::Unknown(expected)), bytes);
    }
}

#[test]
fn rfc9113_4_1_unknown_frame_type_does_not_stop_the_stream_of_frames() {
    let mut wire = raw(FrameType(0x42), 0).zeros(100).build();
    wire.extend(raw(FrameType::PING, 0).bytes(b"abcdefgh").build());
    let results = decode_all(DEFAULT_MAX_FRAME_SIZE, Bytes::from(wire));
    assert!(matches!(
        &results[..],
        [Ok(Frame::Unknown(_)), Ok(Frame::Ping(_))]
    ));
}

#[test]
fn rfc9113_4_1_unused_flags_are_ignored_on_receipt() {
    let data = raw(FrameType::DATA, 1)
        .flags(Flags(0xf6))
        .bytes(b"x")
        .build();
    assert!(matches!(decode(&data), Ok(Frame::Data(d)) if !d.end_stream && d.pad_len.is_none()));
    let ping = raw(FrameType::PING, 0).flags(Flags(0xfe)).zeros(8).build();
    assert!(matches!(decode(&ping), Ok(Frame::Ping(p)) if !p.ack));
    let rst = raw(FrameType::RST_STREAM, 1)
        .flags(Flags(0xff))
        .u32(0)
        .build();
    assert!(decode(&rst).is_ok());
    let settings = raw(FrameType::SETTINGS, 0).flags(Flags(0xfe)).build();
    assert!(matches!(decode(&settings), Ok(Frame::Settings(s)) if !s.ack));
}

#[test]
fn rfc9113_4_1_unused_flags_are_left_unset_when_sending() {
    // The flags each type defines (RFC 9113 6.x); extension frames define none.
    let allowed = |kind: FrameType| match kind {
        FrameType::DATA => 0x01 | 0x08,
        FrameType::HEADERS => 0x01 | 0x04 | 0x08 | 0x20,
        FrameType::SETTINGS | FrameType::PING => 0x01,
        FrameType::PUSH_PROMISE => 0x04 | 0x08,
        FrameType::CONTINUATION => 0x04,
        _ => 0x00,
    };
    for frame in sample_frames() {
        if let Frame::Unknown(_) = frame {
            continue; // sent as the caller built it
        }
        let wire = encode(&frame);
        let flags = wire[4];
        assert_eq!(flags & !allowed(frame.kind()), 0, "{frame:?}");
    }
}

#[test]
fn rfc9113_4_1_reserved_bit_is_ignored_on_receipt() {
    let bytes = raw(FrameType::RST_STREAM, 0x8000_0001).u32(0).build();
    let expected = RstStream {
        stream_id: sid(1),
        code: ErrorCode::NO_ERROR,
    };
    assert_eq!(decode(&bytes), Ok(Frame::RstStream(expected)));
    // Stream 0 with the reserved bit set is still stream 0.
    let bytes = raw(FrameType::DATA, 0x8000_0000).bytes(b"x").build();
    assert_conn(decode(&bytes), ErrorCode::PROTOCOL_ERROR);
    let bytes = raw(FrameType::PING, 0x8000_0000).zeros(8).build();
    assert!(decode(&bytes).is_ok());
}

#[test]
fn rfc9113_4_1_reserved_bit_is_unset_when_sending() {
    assert_eq!(StreamId::new(0xffff_ffff), StreamId::MAX);
    let frames = [
        Frame::Data(Data::new(StreamId::new(0xffff_ffff), Bytes::new(), false)),
        Frame::GoAway(GoAway {
            last_stream_id: StreamId::new(0x8000_0005),
            code: ErrorCode::NO_ERROR,
            debug_data: Bytes::new(),
        }),
    ];
    let data = encode(&frames[0]);
    assert_eq!(data[5] & 0x80, 0);
    let goaway = encode(&frames[1]);
    assert_eq!(goaway[5] & 0x80, 0);
    assert_eq!(goaway[9], 0x00, "last-stream-id reserved bit");
}

// ---- 4.2 Frame Size ----

#[test]
fn rfc9113_4_2_frame_larger_than_max_is_frame_size_error() {
    let bytes = raw(FrameType::DATA, 1).zeros(16_385).build();
    assert_conn(decode(&bytes), ErrorCode::FRAME_SIZE_ERROR);
    // Also for frame types we do not know, and for control frames.
    let bytes = raw(FrameType(0xee), 0).zeros(16_385).build();
    assert_conn(decode(&bytes), ErrorCode::FRAME_SIZE_ERROR);
}

#[test]
fn rfc9113_4_2_frame_of_exactly_max_size_is_accepted() {
    let bytes = raw(FrameType::DATA, 1).zeros(16_384).build();
    assert!(matches!(decode(&bytes), Ok(Frame::Data(d)) if d.data.len() == 16_384));
    let bytes = raw(FrameType::DATA, 1).zeros(20_000).build();
    assert!(decode_with(20_000, &bytes).is_ok());
    assert_conn(decode_with(19_999, &bytes), ErrorCode::FRAME_SIZE_ERROR);
}

#[test]
fn rfc9113_4_2_oversized_frame_is_rejected_from_its_header_alone() {
    // Only the 9-octet header has arrived: the error comes before any payload is held.
    let mut decoder = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
    let header = raw(FrameType::DATA, 1).length(MAX_MAX_FRAME_SIZE).build();
    decoder.push_slice(&header);
    let err = decoder.next_frame().unwrap_err();
    assert_eq!(err.code(), ErrorCode::FRAME_SIZE_ERROR);
    assert!(err.is_connection_error());
    assert_eq!(decoder.buffered_len(), 0);
    // A connection error is final (RFC 9113 5.4.1): later input is not decoded.
    decoder.push_slice(&raw(FrameType::PING, 0).zeros(8).build());
    assert_eq!(decoder.next_frame(), Err(err));
}

#[test]
fn rfc9113_4_2_new_max_frame_size_applies_to_the_next_frame() {
    let mut decoder = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
    decoder.set_max_frame_size(MAX_MAX_FRAME_SIZE);
    assert_eq!(decoder.max_frame_size(), MAX_MAX_FRAME_SIZE);
    let big = raw(FrameType::DATA, 1).zeros(1 << 20).build();
    decoder.push_bytes(Bytes::from(big));
    assert!(matches!(decoder.next_frame(), Ok(Some(Frame::Data(d))) if d.data.len() == 1 << 20));
}

#[test]
fn rfc9113_4_2_frames_too_small_for_mandatory_data_are_frame_size_errors() {
    let cases = [
        raw(FrameType::DATA, 1).flags(Flags::empty().with_padded(true)),
        raw(FrameType::HEADERS, 1)
            .flags(Flags::empty().with_priority(true))
            .zeros(4),
        raw(FrameType::PUSH_PROMISE, 1).zeros(3),
        raw(FrameType::GOAWAY, 0).zeros(7),
        raw(FrameType::RST_STREAM, 1).zeros(3),
        raw(FrameType::WINDOW_UPDATE, 1).zeros(3),
        raw(FrameType::PING, 0).zeros(7),
        raw(FrameType::SETTINGS, 0).zeros(5),
    ];
    for case in cases {
        assert_conn(decode(&case.build()), ErrorCode::FRAME_SIZE_ERROR);
    }
}

#[test]
fn rfc9113_4_2_size_errors_in_field_block_frames_are_connection_errors() {
    let cases = [
        raw(FrameType::HEADERS, 1)
            .flags(Flags::empty().with_priority(true))
            .zeros(2),
        raw(FrameType::PUSH_PROMISE, 3).zeros(1),
        raw(FrameType::CONTINUATION, 1).zeros(16_385),
    ];
    for case in cases {
        let err = decode(&case.build()).unwrap_err();
        assert!(err.is_connection_error(), "{err:?}");
        assert_eq!(err.code(), ErrorCode::FRAME_SIZE_ERROR);
    }
}

// ---- 4.3 / 5.1.1 / 5.4 / 5.5 / 7 ----

#[test]
fn rfc9113_4_3_field_block_fragments_are_passed_through_unchanged() {
    // The frame layer never interprets a fragment: even bytes that are not valid HPACK
    // come out as they went in, for the layer that keeps the compression state.
    let bytes = raw(FrameType::HEADERS, 1)
        .bytes(b"\xff\xff\xff\xff")
        .build();
    assert!(matches!(decode(&bytes), Ok(Frame::Headers(h)) if &h.block[..] == b"\xff\xff\xff\xff"));
}

#[test]
fn rfc9113_5_1_1_client_streams_are_odd_server_streams_even() {
    assert!(sid(1).is_client_initiated() && !sid(1).is_server_initiated());
    assert!(sid(2).is_server_initiated() && !sid(2).is_client_initiated());
    assert!(!StreamId::ZERO.is_client_initiated() && !StreamId::ZERO.is_server_initiated());
    assert!(StreamId::ZERO.is_zero());
    assert_eq!(sid(1).next_for_same_peer(), Some(sid(3)));
    assert_eq!(sid(0x7fff_fffd).next_for_same_peer(), Some(StreamId::MAX));
    // "Stream identifiers cannot be reused": the space runs out.
    assert_eq!(StreamId::MAX.next_for_same_peer(), None);
    assert_eq!(sid(0x7fff_fffe).next_for_same_peer(), None);
}

#[test]
fn rfc9113_5_4_1_connection_error_is_final() {
    let mut decoder = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
    decoder.push_slice(&raw(FrameType::PING, 1).zeros(8).build());
    decoder.push_slice(&raw(FrameType::PING, 0).zeros(8).build());
    let err = decoder.next_frame().unwrap_err();
    assert!(err.is_connection_error());
    assert_eq!(decoder.buffered_len(), 0);
    assert_eq!(decoder.next_frame(), Err(err));
}

#[test]
fn rfc9113_5_4_2_stream_error_consumes_one_frame_and_decoding_goes_on() {
    let mut wire = raw(FrameType::WINDOW_UPDATE, 3).u32(0).build();
    wire.extend(raw(FrameType::WINDOW_UPDATE, 3).u32(10).build());
    let results = decode_all(DEFAULT_MAX_FRAME_SIZE, Bytes::from(wire));
    assert_eq!(results.len(), 2);
    let err = results[0].clone().unwrap_err();
    assert!(!err.is_connection_error());
    assert_eq!(err.code(), ErrorCode::PROTOCOL_ERROR);
    assert!(matches!(results[1], Ok(Frame::WindowUpdate(w)) if w.increment == 10));
}

#[test]
fn rfc9113_5_5_unknown_frame_types_settings_and_codes_are_kept() {
    // Unknown frame type: see 4.1. Unknown setting: see 6.5.2. Unknown error codes:
    let rst = raw(FrameType::RST_STREAM, 1).u32(0xface).build();
    assert!(matches!(decode(&rst), Ok(Frame::RstStream(r)) if r.code == ErrorCode(0xface)));
    let goaway = raw(FrameType::GOAWAY, 0).u32(0).u32(0xface).build();
    assert!(matches!(decode(&goaway), Ok(Frame::GoAway(g)) if g.code == ErrorCode(0xface)));
    assert_eq!(ErrorCode(0xface).name(), None);
    assert_eq!(FrameType(0xee).name(), None);
}

#[test]
fn rfc9113_5_5_extension_frame_in_the_middle_of_a_field_block_is_still_returned() {
    // RFC 9113 5.5 forbids extension frames inside a field block; that is a rule about
    // sequences of frames, enforced by the layer that assembles field blocks. The frame
    // layer returns each frame as it is.
    let mut wire = raw(FrameType::HEADERS, 1).bytes(b"\x82").build();
    wire.extend(raw(FrameType(0xbb), 1).build());
    wire.extend(
        raw(FrameType::CONTINUATION, 1)
            .flags(Flags::empty().with_end_headers(true))
            .build(),
    );
    let results = decode_all(DEFAULT_MAX_FRAME_SIZE, Bytes::from(wire));
    assert!(matches!(
        &results[..],
        [
            Ok(Frame::Headers(_)),
            Ok(Frame::Unknown(_)),
            Ok(Frame::Continuation(_))
        ]
    ));
}

#[test]
fn rfc9113_7_every_error_code_has_its_name_and_unknown_codes_survive() {
    let names = [
        "NO_ERROR",
        "PROTOCOL_ERROR",
        "INTERNAL_ERROR",
        "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT",
        "STREAM_CLOSED",
        "FRAME_SIZE_ERROR",
        "REFUSED_STREAM",
        "CANCEL",
        "COMPRESSION_ERROR",
        "CONNECT_ERROR",
        "ENHANCE_YOUR_CALM",
        "INADEQUATE_SECURITY",
        "HTTP_1_1_REQUIRED",
    ];
    for (code, name) in names.iter().enumerate() {
        assert_eq!(ErrorCode(code as u32).name(), Some(*name));
        assert_eq!(format!("{:?}", ErrorCode(code as u32)), *name);
    }
    assert_eq!(format!("{:?}", ErrorCode(0xe)), "ErrorCode(0xe)");
    let frame = Frame::RstStream(RstStream {
        stream_id: sid(1),
        code: ErrorCode(0xffff_ffff),
    });
    assert_eq!(decode(&encode(&frame)), Ok(frame));
}

#[test]
fn rfc9113_5_4_every_error_is_reported_with_scope_code_and_reason() {
    let faults = [
        raw(FrameType::PING, 0).zeros(7).build(),
        raw(FrameType::PRIORITY, 1).zeros(4).build(),
        raw(FrameType::WINDOW_UPDATE, 1).u32(0).build(),
        raw(FrameType::SETTINGS, 0)
            .setting(h2_frame::SettingId::ENABLE_PUSH, 9)
            .build(),
    ];
    for wire in faults {
        let err = decode(&wire).unwrap_err();
        assert!(!err.why().is_empty());
        let text = err.to_string();
        assert!(text.contains(&format!("{:?}", err.code())), "{text}");
        match err {
            h2_frame::H2Error::Connection { .. } => assert!(err.is_connection_error()),
            h2_frame::H2Error::Stream { id, .. } => {
                assert!(!err.is_connection_error());
                assert!(text.contains(&id.to_string()), "{text}");
            }
        }
    }
}
