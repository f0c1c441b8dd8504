//! RFC 9113 section 6: one test per stateless rule of each frame type, asserting the exact
//! error scope and code.

mod common;

use common::{assert_conn, assert_stream, decode, decode_all, encode, raw, sid};
use h2_frame::{
    Bytes, Continuation, Data, ErrorCode, Flags, Frame, FrameDecoder, FrameType, GoAway, H2Error,
    Headers, Ping, Priority, PrioritySpec, PushPromise, RstStream, SettingId, Settings,
    SettingsFrame, WindowUpdate, DEFAULT_MAX_FRAME_SIZE,
};

const PADDED: Flags = Flags::empty().with_padded(true);
const PRIORITY: Flags = Flags::empty().with_priority(true);
const ACK: Flags = Flags::empty().with_ack(true);

// ---- 6.1 DATA ----

#[test]
fn rfc9113_6_1_data_on_stream_0_is_connection_protocol_error() {
    assert_conn(
        decode(&raw(FrameType::DATA, 0).bytes(b"x").build()),
        ErrorCode::PROTOCOL_ERROR,
    );
}

#[test]
fn rfc9113_6_1_padding_too_long_is_protocol_error() {
    // Payload of 5 octets: the Pad Length octet and 4 more. Padding of 5 is the whole
    // payload length: an error. Padding of 4 leaves empty data: fine.
    let frame = |pad: u8| {
        raw(FrameType::DATA, 1)
            .flags(PADDED)
            .u8(pad)
            .zeros(4)
            .build()
    };
    assert_conn(decode(&frame(5)), ErrorCode::PROTOCOL_ERROR);
    assert_conn(decode(&frame(255)), ErrorCode::PROTOCOL_ERROR);
    match decode(&frame(4)).unwrap() {
        Frame::Data(d) => {
            assert!(d.data.is_empty());
            assert_eq!(d.pad_len, Some(4));
            assert_eq!(d.flow_controlled_len(), 5);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn rfc9113_6_1_padded_data_without_pad_length_octet_is_frame_size_error() {
    // RFC 9113 4.2: too small to contain mandatory frame data.
    assert_conn(
        decode(&raw(FrameType::DATA, 1).flags(PADDED).build()),
        ErrorCode::FRAME_SIZE_ERROR,
    );
}

#[test]
fn rfc9113_6_1_padding_is_stripped_and_counted_by_flow_control() {
    let bytes = raw(FrameType::DATA, 3)
        .flags(PADDED.with_end_stream(true))
        .u8(3)
        .bytes(b"body")
        .zeros(3)
        .build();
    let Frame::Data(d) = decode(&bytes).unwrap() else {
        panic!("not DATA")
    };
    assert_eq!(
        (d.stream_id, &d.data[..], d.end_stream, d.pad_len),
        (sid(3), &b"body"[..], true, Some(3))
    );
    // RFC 9113 6.9.1: the entire DATA frame payload counts, Pad Length octet included.
    assert_eq!(d.flow_controlled_len(), 8);
}

#[test]
fn rfc9113_6_1_padding_octets_are_sent_as_zero() {
    let frame = Frame::Data(Data {
        stream_id: sid(1),
        data: Bytes::from_static(b"ab"),
        end_stream: false,
        pad_len: Some(6),
    });
    let wire = encode(&frame);
    assert_eq!(wire.len(), 9 + 1 + 2 + 6);
    assert_eq!(wire[9], 6);
    assert!(wire[12..].iter().all(|&b| b == 0));
}

#[test]
fn rfc9113_6_1_nonzero_padding_is_accepted() {
    // "A receiver is not obligated to verify padding"; we do not.
    let bytes = raw(FrameType::DATA, 1)
        .flags(PADDED)
        .u8(2)
        .bytes(b"x\xff\xff")
        .build();
    assert!(matches!(decode(&bytes), Ok(Frame::Data(d)) if &d.data[..] == b"x"));
}

// ---- 6.2 HEADERS ----

#[test]
fn rfc9113_6_2_headers_on_stream_0_is_connection_protocol_error() {
    let bytes = raw(FrameType::HEADERS, 0)
        .flags(Flags::empty().with_end_headers(true))
        .bytes(b"\x82")
        .build();
    assert_conn(decode(&bytes), ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9113_6_2_padding_too_long_is_protocol_error() {
    // A 4-octet payload: padding of 4 is the payload length, padding of 3 leaves an empty
    // fragment.
    let bytes = raw(FrameType::HEADERS, 1)
        .flags(PADDED)
        .u8(4)
        .zeros(3)
        .build();
    assert_conn(decode(&bytes), ErrorCode::PROTOCOL_ERROR);
    let bytes = raw(FrameType::HEADERS, 1)
        .flags(PADDED)
        .u8(3)
        .zeros(3)
        .build();
    assert!(matches!(decode(&bytes), Ok(Frame::Headers(h)) if h.block.is_empty()));
}

#[test]
fn rfc9113_6_2_padding_overlapping_priority_fields_is_protocol_error() {
    // 1 + 5 + 2 octets: Pad Length, priority, 2 octets left, but 3 octets of padding.
    let bytes = raw(FrameType::HEADERS, 1)
        .flags(PADDED.with_priority(true))
        .u8(3)
        .u32(3)
        .u8(15)
        .zeros(2)
        .build();
    assert_conn(decode(&bytes), ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9113_6_2_priority_flag_without_priority_fields_is_frame_size_error() {
    let bytes = raw(FrameType::HEADERS, 1).flags(PRIORITY).u32(3).build();
    assert_conn(decode(&bytes), ErrorCode::FRAME_SIZE_ERROR);
}

#[test]
fn rfc9113_6_2_padded_priority_headers_too_short_is_frame_size_error() {
    // Regression: with PADDED|PRIORITY and a zero Pad Length, a payload too short for the
    // priority fields was reported as a padding PROTOCOL_ERROR.
    let bytes = raw(FrameType::HEADERS, 1)
        .flags(PADDED.with_priority(true))
        .u8(0)
        .u32(3)
        .build();
    assert_conn(decode(&bytes), ErrorCode::FRAME_SIZE_ERROR);
}

#[test]
fn rfc9113_6_2_flags_and_priority_fields_are_parsed() {
    let bytes = raw(FrameType::HEADERS, 5)
        .flags(PADDED.with_priority(true).with_end_stream(true))
        .u8(1)
        .u32(0x8000_0003)
        .u8(255)
        .bytes(b"\x82\x84")
        .zeros(1)
        .build();
    let expected = Headers {
        stream_id: sid(5),
        block: Bytes::from_static(b"\x82\x84"),
        end_stream: true,
        end_headers: false,
        priority: Some(PrioritySpec {
            dependency: sid(3),
            exclusive: true,
            weight: 255,
        }),
        pad_len: Some(1),
    };
    assert_eq!(decode(&bytes), Ok(Frame::Headers(expected)));
}

// ---- 5.3.1 / 6.3 PRIORITY ----

fn priority_frame(stream: u32, dependency: u32) -> Vec<u8> {
    raw(FrameType::PRIORITY, stream)
        .u32(dependency)
        .u8(15)
        .build()
}

#[test]
fn rfc9113_5_3_1_self_dependency_is_stream_protocol_error() {
    assert_stream(decode(&priority_frame(3, 3)), 3, ErrorCode::PROTOCOL_ERROR);
    // With the exclusive bit set it is still the same stream.
    assert_stream(
        decode(&priority_frame(3, 0x8000_0003)),
        3,
        ErrorCode::PROTOCOL_ERROR,
    );
}

#[test]
fn rfc9113_5_3_1_self_dependent_headers_is_delivered_for_decompression() {
    // RFC 9113 4.3: the field block must still be decompressed, so the frame comes out
    // and the stream error is reported by `validate_priority`.
    let bytes = raw(FrameType::HEADERS, 3)
        .flags(PRIORITY.with_end_headers(true))
        .u32(3)
        .u8(0)
        .bytes(b"\x82")
        .build();
    let Ok(Frame::Headers(headers)) = decode(&bytes) else {
        panic!("HEADERS expected")
    };
    assert_eq!(&headers.block[..], b"\x82");
    let err = headers.validate_priority().unwrap_err();
    assert_eq!(
        err,
        H2Error::stream(sid(3), ErrorCode::PROTOCOL_ERROR, err.why())
    );
    let fine = Headers::new(sid(3), Bytes::new(), false, true);
    assert_eq!(fine.validate_priority(), Ok(()));
}

#[test]
fn rfc9113_6_3_priority_on_stream_0_is_connection_protocol_error() {
    assert_conn(decode(&priority_frame(0, 1)), ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9113_6_3_priority_length_not_5_is_stream_frame_size_error() {
    let short = raw(FrameType::PRIORITY, 7).u32(1).build();
    let long = raw(FrameType::PRIORITY, 7).u32(1).u8(1).u8(0).build();
    assert_stream(decode(&short), 7, ErrorCode::FRAME_SIZE_ERROR);
    assert_stream(decode(&long), 7, ErrorCode::FRAME_SIZE_ERROR);
}

#[test]
fn rfc9113_6_3_priority_stream_error_consumes_only_that_frame() {
    let mut wire = raw(FrameType::PRIORITY, 7).u32(1).build();
    wire.extend(priority_frame(9, 7));
    let results = decode_all(DEFAULT_MAX_FRAME_SIZE, Bytes::from(wire));
    assert_eq!(results.len(), 2);
    assert!(matches!(results[0], Err(H2Error::Stream { .. })));
    let expected = Priority {
        stream_id: sid(9),
        spec: PrioritySpec {
            dependency: sid(7),
            exclusive: false,
            weight: 15,
        },
    };
    assert_eq!(results[1], Ok(Frame::Priority(expected)));
}

// ---- 6.4 RST_STREAM ----

#[test]
fn rfc9113_6_4_rst_stream_on_stream_0_is_connection_protocol_error() {
    let bytes = raw(FrameType::RST_STREAM, 0).u32(8).build();
    assert_conn(decode(&bytes), ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9113_6_4_rst_stream_length_not_4_is_frame_size_error() {
    for len in [0, 3, 5, 8] {
        let bytes = raw(FrameType::RST_STREAM, 1).zeros(len).build();
        assert_conn(decode(&bytes), ErrorCode::FRAME_SIZE_ERROR);
    }
    let ok = raw(FrameType::RST_STREAM, 1).u32(0x8).build();
    let expected = RstStream {
        stream_id: sid(1),
        code: ErrorCode::CANCEL,
    };
    assert_eq!(decode(&ok), Ok(Frame::RstStream(expected)));
}

// ---- 6.5 SETTINGS ----

#[test]
fn rfc9113_6_5_settings_on_a_stream_is_connection_protocol_error() {
    assert_conn(
        decode(&raw(FrameType::SETTINGS, 1).build()),
        ErrorCode::PROTOCOL_ERROR,
    );
    assert_conn(
        decode(&raw(FrameType::SETTINGS, 1).flags(ACK).build()),
        ErrorCode::PROTOCOL_ERROR,
    );
}

#[test]
fn rfc9113_6_5_settings_ack_with_payload_is_frame_size_error() {
    let bytes = raw(FrameType::SETTINGS, 0)
        .flags(ACK)
        .setting(SettingId::ENABLE_PUSH, 0)
        .build();
    assert_conn(decode(&bytes), ErrorCode::FRAME_SIZE_ERROR);
    let one = raw(FrameType::SETTINGS, 0).flags(ACK).zeros(1).build();
    assert_conn(decode(&one), ErrorCode::FRAME_SIZE_ERROR);
}

#[test]
fn rfc9113_6_5_settings_ack_is_decoded() {
    let bytes = raw(FrameType::SETTINGS, 0).flags(ACK).build();
    assert_eq!(decode(&bytes), Ok(Frame::Settings(SettingsFrame::ack())));
}

#[test]
fn rfc9113_6_5_settings_length_not_multiple_of_6_is_frame_size_error() {
    for len in [1, 5, 7, 11] {
        let bytes = raw(FrameType::SETTINGS, 0).zeros(len).build();
        assert_conn(decode(&bytes), ErrorCode::FRAME_SIZE_ERROR);
    }
}

#[test]
fn rfc9113_6_5_empty_settings_is_accepted() {
    let bytes = raw(FrameType::SETTINGS, 0).build();
    assert_eq!(
        decode(&bytes),
        Ok(Frame::Settings(SettingsFrame::new(Settings::new())))
    );
}

#[test]
fn rfc9113_6_5_1_settings_entries_are_16_bit_id_and_32_bit_value() {
    let bytes = raw(FrameType::SETTINGS, 0)
        .setting(SettingId::MAX_CONCURRENT_STREAMS, 0xffff_ffff)
        .setting(SettingId::HEADER_TABLE_SIZE, 0)
        .build();
    let Ok(Frame::Settings(frame)) = decode(&bytes) else {
        panic!("SETTINGS expected")
    };
    let entries: Vec<_> = frame.settings.iter().collect();
    assert_eq!(
        entries,
        [
            (SettingId::MAX_CONCURRENT_STREAMS, 0xffff_ffff),
            (SettingId::HEADER_TABLE_SIZE, 0)
        ]
    );
}

fn settings_with(id: SettingId, value: u32) -> Result<Frame, H2Error> {
    decode(&raw(FrameType::SETTINGS, 0).setting(id, value).build())
}

#[test]
fn rfc9113_6_5_2_enable_push_other_than_0_or_1_is_protocol_error() {
    assert_conn(
        settings_with(SettingId::ENABLE_PUSH, 2),
        ErrorCode::PROTOCOL_ERROR,
    );
    assert_conn(
        settings_with(SettingId::ENABLE_PUSH, u32::MAX),
        ErrorCode::PROTOCOL_ERROR,
    );
    assert!(settings_with(SettingId::ENABLE_PUSH, 0).is_ok());
    assert!(settings_with(SettingId::ENABLE_PUSH, 1).is_ok());
}

#[test]
fn rfc9113_6_5_2_initial_window_size_above_2_31_minus_1_is_flow_control_error() {
    assert_conn(
        settings_with(SettingId::INITIAL_WINDOW_SIZE, 1 << 31),
        ErrorCode::FLOW_CONTROL_ERROR,
    );
    assert_conn(
        settings_with(SettingId::INITIAL_WINDOW_SIZE, u32::MAX),
        ErrorCode::FLOW_CONTROL_ERROR,
    );
    assert!(settings_with(SettingId::INITIAL_WINDOW_SIZE, (1 << 31) - 1).is_ok());
    assert!(settings_with(SettingId::INITIAL_WINDOW_SIZE, 0).is_ok());
}

#[test]
fn rfc9113_6_5_2_max_frame_size_outside_range_is_protocol_error() {
    for bad in [0, 16_383, 16_777_216, u32::MAX] {
        assert_conn(
            settings_with(SettingId::MAX_FRAME_SIZE, bad),
            ErrorCode::PROTOCOL_ERROR,
        );
    }
    for good in [16_384, 65_535, 16_777_215] {
        assert!(settings_with(SettingId::MAX_FRAME_SIZE, good).is_ok());
    }
}

#[test]
fn rfc9113_6_5_2_unconstrained_settings_accept_any_value() {
    for id in [
        SettingId::HEADER_TABLE_SIZE,
        SettingId::MAX_CONCURRENT_STREAMS,
        SettingId::MAX_HEADER_LIST_SIZE,
    ] {
        for value in [0, 1, 1 << 31, u32::MAX] {
            assert!(settings_with(id, value).is_ok(), "{id:?} = {value}");
        }
    }
}

#[test]
fn rfc9113_6_5_2_unknown_setting_is_ignored_and_kept() {
    let bytes = raw(FrameType::SETTINGS, 0)
        .setting(SettingId(0x7), u32::MAX)
        .setting(SettingId(0xabcd), 42)
        .build();
    let Ok(Frame::Settings(frame)) = decode(&bytes) else {
        panic!("SETTINGS expected")
    };
    assert_eq!(frame.settings.get(SettingId(0xabcd)), Some(42));
    assert_eq!(frame.settings.get(SettingId(0x7)), Some(u32::MAX));
    assert_eq!(format!("{:?}", SettingId(0xabcd)), "SettingId(0xabcd)");
}

#[test]
fn rfc9113_6_5_2_invalid_value_after_valid_ones_fails_the_whole_frame() {
    let bytes = raw(FrameType::SETTINGS, 0)
        .setting(SettingId::MAX_CONCURRENT_STREAMS, 10)
        .setting(SettingId::ENABLE_PUSH, 7)
        .build();
    assert_conn(decode(&bytes), ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9113_6_5_3_settings_keep_wire_order_and_duplicates() {
    let bytes = raw(FrameType::SETTINGS, 0)
        .setting(SettingId::INITIAL_WINDOW_SIZE, 100)
        .setting(SettingId::HEADER_TABLE_SIZE, 0)
        .setting(SettingId::INITIAL_WINDOW_SIZE, 200)
        .build();
    let Ok(Frame::Settings(frame)) = decode(&bytes) else {
        panic!("SETTINGS expected")
    };
    assert_eq!(frame.settings.len(), 3);
    assert_eq!(
        frame.settings.iter().nth(2),
        Some((SettingId::INITIAL_WINDOW_SIZE, 200))
    );
    // "processed in the order they appear": the last value wins.
    assert_eq!(
        frame.settings.get(SettingId::INITIAL_WINDOW_SIZE),
        Some(200)
    );
    // And the frame re-encodes byte for byte.
    assert_eq!(encode(&Frame::Settings(frame)), bytes);
}

// ---- 6.6 PUSH_PROMISE ----

#[test]
fn rfc9113_6_6_push_promise_on_stream_0_is_connection_protocol_error() {
    let bytes = raw(FrameType::PUSH_PROMISE, 0).u32(2).build();
    assert_conn(decode(&bytes), ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9113_6_6_padding_too_long_is_protocol_error() {
    // 1 + 4 + 2 octets and 3 octets of padding: the padding reaches into the promised id.
    let bytes = raw(FrameType::PUSH_PROMISE, 1)
        .flags(PADDED)
        .u8(3)
        .u32(2)
        .zeros(2)
        .build();
    assert_conn(decode(&bytes), ErrorCode::PROTOCOL_ERROR);
    let bytes = raw(FrameType::PUSH_PROMISE, 1)
        .flags(PADDED)
        .u8(2)
        .u32(2)
        .zeros(2)
        .build();
    assert!(matches!(decode(&bytes), Ok(Frame::PushPromise(p)) if p.block.is_empty()));
}

#[test]
fn rfc9113_6_6_push_promise_too_short_for_promised_id_is_frame_size_error() {
    let bytes = raw(FrameType::PUSH_PROMISE, 1).zeros(3).build();
    assert_conn(decode(&bytes), ErrorCode::FRAME_SIZE_ERROR);
    let padded = raw(FrameType::PUSH_PROMISE, 1)
        .flags(PADDED)
        .u8(0)
        .zeros(3)
        .build();
    assert_conn(decode(&padded), ErrorCode::FRAME_SIZE_ERROR);
}

#[test]
fn rfc9113_6_6_promised_stream_0_is_protocol_error() {
    let bytes = raw(FrameType::PUSH_PROMISE, 1).u32(0x8000_0000).build();
    assert_conn(decode(&bytes), ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9113_6_6_promised_id_reserved_bit_is_ignored() {
    let bytes = raw(FrameType::PUSH_PROMISE, 1)
        .flags(Flags::empty().with_end_headers(true))
        .u32(0x8000_0004)
        .bytes(b"\x82")
        .build();
    let expected = PushPromise {
        stream_id: sid(1),
        promised_id: sid(4),
        block: Bytes::from_static(b"\x82"),
        end_headers: true,
        pad_len: None,
    };
    assert_eq!(decode(&bytes), Ok(Frame::PushPromise(expected)));
}

// ---- 6.7 PING ----

#[test]
fn rfc9113_6_7_ping_on_a_stream_is_connection_protocol_error() {
    let bytes = raw(FrameType::PING, 1).zeros(8).build();
    assert_conn(decode(&bytes), ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9113_6_7_ping_length_not_8_is_frame_size_error() {
    for len in [0, 7, 9, 16] {
        let bytes = raw(FrameType::PING, 0).zeros(len).build();
        assert_conn(decode(&bytes), ErrorCode::FRAME_SIZE_ERROR);
    }
}

#[test]
fn rfc9113_6_7_ping_payload_and_ack_flag_are_kept() {
    let bytes = raw(FrameType::PING, 0)
        .flags(ACK)
        .bytes(b"12345678")
        .build();
    let expected = Ping {
        ack: true,
        payload: *b"12345678",
    };
    assert_eq!(decode(&bytes), Ok(Frame::Ping(expected)));
}

// ---- 6.8 GOAWAY ----

#[test]
fn rfc9113_6_8_goaway_on_a_stream_is_connection_protocol_error() {
    let bytes = raw(FrameType::GOAWAY, 3).u32(0).u32(0).build();
    assert_conn(decode(&bytes), ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9113_6_8_goaway_shorter_than_8_is_frame_size_error() {
    let bytes = raw(FrameType::GOAWAY, 0).u32(0).zeros(3).build();
    assert_conn(decode(&bytes), ErrorCode::FRAME_SIZE_ERROR);
}

#[test]
fn rfc9113_6_8_goaway_fields_and_debug_data_are_kept() {
    let bytes = raw(FrameType::GOAWAY, 0)
        .u32(0x8000_0009) // reserved bit set: ignored
        .u32(0xb)
        .bytes(b"calm down")
        .build();
    let expected = GoAway {
        last_stream_id: sid(9),
        code: ErrorCode::ENHANCE_YOUR_CALM,
        debug_data: Bytes::from_static(b"calm down"),
    };
    assert_eq!(decode(&bytes), Ok(Frame::GoAway(expected)));
}

// ---- 6.9 WINDOW_UPDATE ----

#[test]
fn rfc9113_6_9_zero_increment_stream_vs_connection() {
    let on_stream = raw(FrameType::WINDOW_UPDATE, 5).u32(0).build();
    assert_stream(decode(&on_stream), 5, ErrorCode::PROTOCOL_ERROR);
    let on_conn = raw(FrameType::WINDOW_UPDATE, 0).u32(0).build();
    assert_conn(decode(&on_conn), ErrorCode::PROTOCOL_ERROR);
    // Only the reserved bit set: still an increment of 0.
    let reserved_only = raw(FrameType::WINDOW_UPDATE, 5).u32(0x8000_0000).build();
    assert_stream(decode(&reserved_only), 5, ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9113_6_9_window_update_length_not_4_is_frame_size_error() {
    for (stream, len) in [(0, 3), (0, 5), (1, 0), (1, 8)] {
        let bytes = raw(FrameType::WINDOW_UPDATE, stream).zeros(len).build();
        assert_conn(decode(&bytes), ErrorCode::FRAME_SIZE_ERROR);
    }
}

#[test]
fn rfc9113_6_9_increment_reserved_bit_is_ignored() {
    let bytes = raw(FrameType::WINDOW_UPDATE, 1).u32(0xffff_ffff).build();
    let expected = WindowUpdate {
        stream_id: sid(1),
        increment: 0x7fff_ffff,
    };
    assert_eq!(decode(&bytes), Ok(Frame::WindowUpdate(expected)));
}

#[test]
fn rfc9113_6_9_1_increment_above_2_31_minus_1_cannot_be_sent() {
    let mut dst = h2_frame::BytesMut::new();
    for increment in [0, 1 << 31, u32::MAX] {
        let frame = WindowUpdate {
            stream_id: sid(1),
            increment,
        };
        assert!(frame.encode(&mut dst).is_err());
    }
    assert!(dst.is_empty());
}

// ---- 6.10 CONTINUATION ----

#[test]
fn rfc9113_6_10_continuation_on_stream_0_is_connection_protocol_error() {
    let bytes = raw(FrameType::CONTINUATION, 0)
        .flags(Flags::empty().with_end_headers(true))
        .bytes(b"\x82")
        .build();
    assert_conn(decode(&bytes), ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9113_6_10_continuation_end_headers_and_fragment_are_kept() {
    for end_headers in [false, true] {
        let bytes = raw(FrameType::CONTINUATION, 3)
            .flags(Flags::empty().with_end_headers(end_headers))
            .bytes(b"\x84\x87")
            .build();
        let expected = Continuation {
            stream_id: sid(3),
            block: Bytes::from_static(b"\x84\x87"),
            end_headers,
        };
        assert_eq!(decode(&bytes), Ok(Frame::Continuation(expected)));
    }
}

#[test]
fn rfc9113_6_10_empty_continuation_is_accepted() {
    let bytes = raw(FrameType::CONTINUATION, 3).build();
    assert!(matches!(decode(&bytes), Ok(Frame::Continuation(c)) if c.block.is_empty()));
}

// ---- every frame that needs a stream, on stream 0; every connection frame on a stream ----

#[test]
fn rfc9113_6_stream_frames_on_stream_0_are_connection_protocol_errors() {
    // A well-formed payload for each, so the only fault is the stream identifier.
    let cases = [
        raw(FrameType::DATA, 0).bytes(b"x"),
        raw(FrameType::HEADERS, 0).bytes(b"\x82"),
        raw(FrameType::PRIORITY, 0).u32(1).u8(0),
        raw(FrameType::RST_STREAM, 0).u32(0),
        raw(FrameType::PUSH_PROMISE, 0).u32(2),
        raw(FrameType::CONTINUATION, 0).bytes(b"\x82"),
    ];
    for case in cases {
        assert_conn(decode(&case.build()), ErrorCode::PROTOCOL_ERROR);
    }
}

#[test]
fn rfc9113_6_connection_frames_on_a_stream_are_connection_protocol_errors() {
    let cases = [
        raw(FrameType::SETTINGS, 1),
        raw(FrameType::PING, 1).zeros(8),
        raw(FrameType::GOAWAY, 1).zeros(8),
        raw(FrameType::PRIORITY_UPDATE, 1).u32(1),
    ];
    for case in cases {
        assert_conn(decode(&case.build()), ErrorCode::PROTOCOL_ERROR);
    }
    // WINDOW_UPDATE is valid on both.
    assert!(decode(&raw(FrameType::WINDOW_UPDATE, 0).u32(1).build()).is_ok());
    assert!(decode(&raw(FrameType::WINDOW_UPDATE, 1).u32(1).build()).is_ok());
}

#[test]
fn rfc9113_6_decoded_frames_reencode_byte_for_byte() {
    let mut decoder = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
    let wire = raw(FrameType::HEADERS, 1)
        .flags(PADDED.with_priority(true).with_end_headers(true))
        .u8(2)
        .u32(0)
        .u8(7)
        .bytes(b"\x82")
        .zeros(2)
        .build();
    decoder.push_slice(&wire);
    let frame = decoder.next_frame().unwrap().unwrap();
    assert_eq!(encode(&frame), wire);
}
