//! Extension frames (RFC 7838 ALTSVC, RFC 8336 ORIGIN, RFC 9218 PRIORITY_UPDATE), extension
//! settings (RFC 8441, RFC 9218), the encoders' caller-error checks and the decoder's
//! buffering, as `accepts_*` / `rejects_*` codec tests.

mod common;

use common::{assert_conn, decode, encode, raw, sample_frames, sid};
use h2_frame::{
    AltSvc, Bytes, BytesMut, Continuation, Data, EncodeError, ErrorCode, Flags, Frame,
    FrameDecoder, FrameType, GoAway, Headers, Origin, Ping, Priority, PrioritySpec, PriorityUpdate,
    PushPromise, RstStream, SettingId, Settings, SettingsFrame, StreamId, Unknown, WindowUpdate,
    DEFAULT_MAX_FRAME_SIZE, HEAD_LEN,
};

// ---- RFC 7838 ALTSVC ----

#[test]
fn rfc7838_4_altsvc_on_stream_0_with_origin_is_decoded() {
    let bytes = raw(FrameType::ALTSVC, 0)
        .u16(3)
        .bytes(b"a.b")
        .bytes(b"h2=\":443\"")
        .build();
    let expected = AltSvc {
        stream_id: StreamId::ZERO,
        origin: Bytes::from_static(b"a.b"),
        field_value: Bytes::from_static(b"h2=\":443\""),
    };
    assert_eq!(decode(&bytes), Ok(Frame::AltSvc(expected)));
}

#[test]
fn rfc7838_4_altsvc_on_stream_0_without_origin_is_ignored() {
    let bytes = raw(FrameType::ALTSVC, 0)
        .u16(0)
        .bytes(b"h2=\":443\"")
        .build();
    assert!(matches!(decode(&bytes), Ok(Frame::Unknown(u)) if u.kind == FrameType::ALTSVC));
}

#[test]
fn rfc7838_4_altsvc_on_a_stream_with_origin_is_ignored() {
    let bytes = raw(FrameType::ALTSVC, 1).u16(1).bytes(b"x").build();
    let Ok(Frame::Unknown(unknown)) = decode(&bytes) else {
        panic!("ignored ALTSVC comes back as Unknown")
    };
    // Kept whole, so re-encoding gives the same bytes.
    assert_eq!(encode(&Frame::Unknown(unknown)), bytes);
}

#[test]
fn rejects_altsvc_origin_length_past_the_frame_end() {
    let bytes = raw(FrameType::ALTSVC, 0).u16(10).bytes(b"abc").build();
    assert_conn(decode(&bytes), ErrorCode::FRAME_SIZE_ERROR);
    let bytes = raw(FrameType::ALTSVC, 0).u8(0).build();
    assert_conn(decode(&bytes), ErrorCode::FRAME_SIZE_ERROR);
}

// ---- RFC 8336 ORIGIN ----

#[test]
fn rfc8336_2_origin_entries_are_decoded_in_order() {
    let bytes = raw(FrameType::ORIGIN, 0)
        .u16(3)
        .bytes(b"a.b")
        .u16(0)
        .u16(1)
        .bytes(b"c")
        .build();
    let expected = Origin {
        origins: vec![
            Bytes::from_static(b"a.b"),
            Bytes::new(),
            Bytes::from_static(b"c"),
        ],
    };
    assert_eq!(decode(&bytes), Ok(Frame::Origin(expected)));
}

#[test]
fn rfc8336_2_1_origin_on_a_stream_is_ignored() {
    let bytes = raw(FrameType::ORIGIN, 5).u16(1).bytes(b"x").build();
    assert!(matches!(decode(&bytes), Ok(Frame::Unknown(u)) if u.kind == FrameType::ORIGIN));
}

#[test]
fn rejects_origin_entry_past_the_frame_end() {
    assert_conn(
        decode(&raw(FrameType::ORIGIN, 0).u16(4).bytes(b"abc").build()),
        ErrorCode::FRAME_SIZE_ERROR,
    );
    assert_conn(
        decode(&raw(FrameType::ORIGIN, 0).u16(0).u8(0).build()),
        ErrorCode::FRAME_SIZE_ERROR,
    );
}

// ---- RFC 9218 PRIORITY_UPDATE and SETTINGS_NO_RFC7540_PRIORITIES, RFC 8441 ----

#[test]
fn rfc9218_7_1_priority_update_on_a_stream_is_protocol_error() {
    let bytes = raw(FrameType::PRIORITY_UPDATE, 1)
        .u32(1)
        .bytes(b"u=1")
        .build();
    assert_conn(decode(&bytes), ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9218_7_1_priority_update_for_stream_0_is_protocol_error() {
    let bytes = raw(FrameType::PRIORITY_UPDATE, 0)
        .u32(0x8000_0000)
        .bytes(b"u=1")
        .build();
    assert_conn(decode(&bytes), ErrorCode::PROTOCOL_ERROR);
}

#[test]
fn rfc9218_7_1_priority_update_shorter_than_4_is_frame_size_error() {
    let bytes = raw(FrameType::PRIORITY_UPDATE, 0).zeros(3).build();
    assert_conn(decode(&bytes), ErrorCode::FRAME_SIZE_ERROR);
}

#[test]
fn rfc9218_7_1_priority_update_fields_are_kept() {
    let bytes = raw(FrameType::PRIORITY_UPDATE, 0)
        .u32(7)
        .bytes(b"u=0, i")
        .build();
    let expected = PriorityUpdate {
        prioritized_stream_id: sid(7),
        field_value: Bytes::from_static(b"u=0, i"),
    };
    assert_eq!(decode(&bytes), Ok(Frame::PriorityUpdate(expected)));
}

#[test]
fn rfc9218_2_1_no_rfc7540_priorities_other_than_0_or_1_is_protocol_error() {
    let bad = raw(FrameType::SETTINGS, 0)
        .setting(SettingId::NO_RFC7540_PRIORITIES, 2)
        .build();
    assert_conn(decode(&bad), ErrorCode::PROTOCOL_ERROR);
    let good = raw(FrameType::SETTINGS, 0)
        .setting(SettingId::NO_RFC7540_PRIORITIES, 1)
        .build();
    assert!(decode(&good).is_ok());
}

#[test]
fn rfc8441_3_enable_connect_protocol_other_than_0_or_1_is_protocol_error() {
    let bad = raw(FrameType::SETTINGS, 0)
        .setting(SettingId::ENABLE_CONNECT_PROTOCOL, 2)
        .build();
    assert_conn(decode(&bad), ErrorCode::PROTOCOL_ERROR);
    let good = raw(FrameType::SETTINGS, 0)
        .setting(SettingId::ENABLE_CONNECT_PROTOCOL, 0)
        .build();
    assert!(decode(&good).is_ok());
}

// ---- encoders: caller errors ----

#[test]
fn rejects_payload_larger_than_the_peer_max_frame_size() {
    let frames = [
        Frame::Data(Data::new(sid(1), Bytes::from(vec![0; 16_385]), false)),
        Frame::Data(Data {
            stream_id: sid(1),
            data: Bytes::from(vec![0; 16_384]),
            end_stream: false,
            pad_len: Some(0), // the Pad Length octet pushes it over
        }),
        Frame::Headers(Headers::new(
            sid(1),
            Bytes::from(vec![0; 16_385]),
            false,
            true,
        )),
        Frame::GoAway(GoAway {
            last_stream_id: sid(0),
            code: ErrorCode::NO_ERROR,
            debug_data: Bytes::from(vec![0; 16_377]),
        }),
        Frame::Continuation(Continuation {
            stream_id: sid(1),
            block: Bytes::from(vec![0; 16_385]),
            end_headers: true,
        }),
        Frame::Unknown(Unknown {
            kind: FrameType(0xaa),
            flags: Flags::empty(),
            stream_id: sid(0),
            payload: Bytes::from(vec![0; 16_385]),
        }),
    ];
    for frame in frames {
        let mut dst = BytesMut::new();
        let err = frame.encode(&mut dst, DEFAULT_MAX_FRAME_SIZE).unwrap_err();
        assert!(
            matches!(err, EncodeError::PayloadTooLarge { max: 16_384, .. }),
            "{err:?}"
        );
        assert!(dst.is_empty(), "nothing is written on error");
    }
}

#[test]
fn rejects_payloads_that_do_not_fit_24_bits_whatever_the_limit() {
    let frame = Frame::Data(Data::new(sid(1), Bytes::from(vec![0; 1 << 24]), false));
    let mut dst = BytesMut::new();
    assert!(matches!(
        frame.encode(&mut dst, u32::MAX),
        Err(EncodeError::PayloadTooLarge { .. })
    ));
    assert!(dst.is_empty());
}

#[test]
fn rejects_invalid_fields_when_encoding() {
    let spec = PrioritySpec {
        dependency: sid(1),
        exclusive: false,
        weight: 0,
    };
    let frames = [
        Frame::Data(Data::new(StreamId::ZERO, Bytes::new(), false)),
        Frame::Headers(Headers::new(StreamId::ZERO, Bytes::new(), false, true)),
        Frame::Priority(Priority {
            stream_id: StreamId::ZERO,
            spec,
        }),
        Frame::RstStream(RstStream {
            stream_id: StreamId::ZERO,
            code: ErrorCode::CANCEL,
        }),
        Frame::PushPromise(PushPromise {
            stream_id: sid(1),
            promised_id: StreamId::ZERO,
            block: Bytes::new(),
            end_headers: true,
            pad_len: None,
        }),
        Frame::Continuation(Continuation {
            stream_id: StreamId::ZERO,
            block: Bytes::new(),
            end_headers: true,
        }),
        Frame::WindowUpdate(WindowUpdate {
            stream_id: sid(1),
            increment: 0,
        }),
        Frame::Settings(SettingsFrame {
            ack: true,
            settings: [(SettingId::ENABLE_PUSH, 0)].into_iter().collect(),
        }),
        Frame::AltSvc(AltSvc {
            stream_id: StreamId::ZERO,
            origin: Bytes::from(vec![b'a'; 65_536]),
            field_value: Bytes::new(),
        }),
        Frame::Origin(Origin {
            origins: vec![Bytes::from(vec![b'a'; 65_536])],
        }),
        Frame::PriorityUpdate(PriorityUpdate {
            prioritized_stream_id: StreamId::ZERO,
            field_value: Bytes::new(),
        }),
    ];
    for frame in frames {
        let mut dst = BytesMut::new();
        let result = frame.encode(&mut dst, u32::MAX);
        assert!(
            matches!(result, Err(EncodeError::InvalidField(_))),
            "{frame:?}: {result:?}"
        );
        assert!(dst.is_empty(), "nothing is written on error");
    }
}

#[test]
fn accepts_data_encode_head_for_vectored_writes() {
    let data = Data {
        stream_id: sid(3),
        data: Bytes::from_static(b"payload"),
        end_stream: true,
        pad_len: Some(2),
    };
    let mut head = BytesMut::new();
    let suffix = data.encode_head(&mut head, DEFAULT_MAX_FRAME_SIZE).unwrap();
    assert_eq!(head.len(), HEAD_LEN + 1);
    assert_eq!(suffix, &[0, 0]);
    let mut wire = head.to_vec();
    wire.extend_from_slice(&data.data);
    wire.extend_from_slice(suffix);
    assert_eq!(wire, encode(&Frame::Data(data.clone())));
    assert_eq!(decode(&wire), Ok(Frame::Data(data)));
}

#[test]
fn accepts_encoding_into_a_buffer_that_already_holds_frames() {
    let mut dst = BytesMut::new();
    let mut expected = Vec::new();
    for frame in sample_frames() {
        frame.encode(&mut dst, DEFAULT_MAX_FRAME_SIZE).unwrap();
        expected.push(frame);
    }
    let mut decoder = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
    decoder.push_bytes(dst.freeze());
    let mut got = Vec::new();
    while let Some(frame) = decoder.next_frame().unwrap() {
        got.push(frame);
    }
    assert_eq!(got, expected);
}

#[test]
fn accepts_ping_and_settings_ack_builders() {
    let ping = Frame::Ping(Ping {
        ack: true,
        payload: [9; 8],
    });
    assert_eq!(encode(&ping)[..HEAD_LEN], [0, 0, 8, 6, 1, 0, 0, 0, 0]);
    assert_eq!(
        encode(&Frame::Settings(SettingsFrame::ack())),
        [0, 0, 0, 4, 1, 0, 0, 0, 0]
    );
}

// ---- decoder buffering ----

#[test]
fn accepts_whole_frames_as_views_of_the_input_without_copying() {
    let wire = Bytes::from(encode(&Frame::Data(Data::new(
        sid(1),
        Bytes::from_static(b"zero copy"),
        false,
    ))));
    let start = wire.as_ptr() as usize;
    let mut decoder = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
    decoder.push_bytes(wire.clone());
    let Ok(Some(Frame::Data(data))) = decoder.next_frame() else {
        panic!("DATA expected")
    };
    assert_eq!(data.data.as_ptr() as usize, start + HEAD_LEN);
}

#[test]
fn accepts_a_frame_split_at_every_octet() {
    let frames = sample_frames();
    let mut wire = Vec::new();
    for frame in &frames {
        wire.extend(encode(frame));
    }
    for split in 0..=wire.len() {
        let mut decoder = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
        decoder.push_slice(&wire[..split]);
        let mut got = Vec::new();
        while let Some(frame) = decoder.next_frame().unwrap() {
            got.push(frame);
        }
        decoder.push_bytes(Bytes::copy_from_slice(&wire[split..]));
        while let Some(frame) = decoder.next_frame().unwrap() {
            got.push(frame);
        }
        assert_eq!(got, frames, "split at {split}");
        assert_eq!(decoder.buffered_len(), 0);
    }
}

#[test]
fn accepts_several_pushes_before_draining() {
    let frames = sample_frames();
    let mut decoder = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
    for frame in &frames {
        let wire = encode(frame);
        let (a, b) = wire.split_at(wire.len() / 2);
        decoder.push_bytes(Bytes::copy_from_slice(a));
        decoder.push_slice(b);
    }
    let mut got = Vec::new();
    while let Some(frame) = decoder.next_frame().unwrap() {
        got.push(frame);
    }
    assert_eq!(got, frames);
}

#[test]
fn rejects_nothing_while_a_frame_is_incomplete() {
    let wire = raw(FrameType::PING, 0).zeros(8).build();
    let mut decoder = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
    for (i, byte) in wire.iter().enumerate() {
        assert_eq!(decoder.next_frame(), Ok(None));
        assert_eq!(decoder.buffered_len(), i);
        decoder.push_slice(&[*byte]);
    }
    assert!(matches!(decoder.next_frame(), Ok(Some(Frame::Ping(_)))));
    assert_eq!(decoder.buffered_len(), 0);
    decoder.push_bytes(Bytes::new());
    decoder.push_slice(&[]);
    assert_eq!(decoder.next_frame(), Ok(None));
}

#[test]
fn accepts_debug_names_for_known_and_unknown_values() {
    assert_eq!(
        format!("{:?}", FrameType::PRIORITY_UPDATE),
        "PRIORITY_UPDATE"
    );
    assert_eq!(format!("{:?}", FrameType(0xef)), "FrameType(0xef)");
    assert_eq!(
        format!("{:?}", SettingId::NO_RFC7540_PRIORITIES),
        "NO_RFC7540_PRIORITIES"
    );
    assert_eq!(format!("{}", sid(7)), "7");
    let settings: Settings = [(SettingId::ENABLE_PUSH, 0)].into_iter().collect();
    assert_eq!(format!("{settings:?}"), "{ENABLE_PUSH: 0}");
}

#[test]
fn accepts_settings_set_overriding_duplicates_from_the_wire() {
    // Regression: `set` replaced the first of two duplicate entries, so `get` still
    // answered the second (the one in force) and the new value was lost.
    let bytes = raw(FrameType::SETTINGS, 0)
        .setting(SettingId::INITIAL_WINDOW_SIZE, 1)
        .setting(SettingId::INITIAL_WINDOW_SIZE, 2)
        .build();
    let Ok(Frame::Settings(SettingsFrame { mut settings, .. })) = decode(&bytes) else {
        panic!("SETTINGS expected")
    };
    settings.set(SettingId::INITIAL_WINDOW_SIZE, 3);
    assert_eq!(settings.get(SettingId::INITIAL_WINDOW_SIZE), Some(3));
    assert_eq!(settings.len(), 2);
    settings.set(SettingId::ENABLE_PUSH, 0);
    assert_eq!(settings.len(), 3);
    assert_eq!(settings.get(SettingId::ENABLE_PUSH), Some(0));
}
