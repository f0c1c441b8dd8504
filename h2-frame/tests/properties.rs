//! Property tests: every frame type round-trips, any chunking of a valid stream gives the
//! same frames, and arbitrary bytes never panic nor make the decoder hold more than one
//! frame.

mod common;

use common::decode_all;
use h2_frame::{
    AltSvc, Bytes, BytesMut, Continuation, Data, ErrorCode, Flags, Frame, FrameDecoder, FrameType,
    GoAway, H2Error, Headers, Origin, Ping, Priority, PrioritySpec, PriorityUpdate, PushPromise,
    RstStream, SettingId, Settings, SettingsFrame, StreamId, Unknown, WindowUpdate,
    DEFAULT_MAX_FRAME_SIZE, HEAD_LEN, MAX_MAX_FRAME_SIZE, MAX_WINDOW_SIZE,
};
use proptest::prelude::*;

// ---- strategies ----

fn stream_id() -> impl Strategy<Value = StreamId> {
    (0..=MAX_WINDOW_SIZE).prop_map(StreamId::new)
}

fn nonzero_stream_id() -> impl Strategy<Value = StreamId> {
    (1..=MAX_WINDOW_SIZE).prop_map(StreamId::new)
}

fn bytes(max: usize) -> impl Strategy<Value = Bytes> {
    prop::collection::vec(any::<u8>(), 0..=max).prop_map(Bytes::from)
}

fn nonempty_bytes(max: usize) -> impl Strategy<Value = Bytes> {
    prop::collection::vec(any::<u8>(), 1..=max).prop_map(Bytes::from)
}

fn pad_len() -> impl Strategy<Value = Option<u8>> {
    prop::option::of(any::<u8>())
}

fn priority_spec() -> impl Strategy<Value = PrioritySpec> {
    (stream_id(), any::<bool>(), any::<u8>()).prop_map(|(dependency, exclusive, weight)| {
        PrioritySpec {
            dependency,
            exclusive,
            weight,
        }
    })
}

/// Known settings with values RFC 9113 6.5.2 (and RFC 8441, RFC 9218) allow, and unknown
/// settings with any value.
fn setting() -> impl Strategy<Value = (SettingId, u32)> {
    const KNOWN: [u16; 8] = [1, 2, 3, 4, 5, 6, 8, 9];
    prop_oneof![
        any::<u32>().prop_map(|v| (SettingId::HEADER_TABLE_SIZE, v)),
        (0..=1u32).prop_map(|v| (SettingId::ENABLE_PUSH, v)),
        any::<u32>().prop_map(|v| (SettingId::MAX_CONCURRENT_STREAMS, v)),
        (0..=MAX_WINDOW_SIZE).prop_map(|v| (SettingId::INITIAL_WINDOW_SIZE, v)),
        (DEFAULT_MAX_FRAME_SIZE..=MAX_MAX_FRAME_SIZE).prop_map(|v| (SettingId::MAX_FRAME_SIZE, v)),
        any::<u32>().prop_map(|v| (SettingId::MAX_HEADER_LIST_SIZE, v)),
        (0..=1u32).prop_map(|v| (SettingId::ENABLE_CONNECT_PROTOCOL, v)),
        (0..=1u32).prop_map(|v| (SettingId::NO_RFC7540_PRIORITIES, v)),
        (any::<u16>(), any::<u32>())
            .prop_filter("unknown id", |(id, _)| !KNOWN.contains(id))
            .prop_map(|(id, v)| (SettingId(id), v)),
    ]
}

fn unknown_kind() -> impl Strategy<Value = FrameType> {
    any::<u8>()
        .prop_filter("unknown type", |k| FrameType(*k).name().is_none())
        .prop_map(FrameType)
}

fn data() -> impl Strategy<Value = Frame> {
    (nonzero_stream_id(), bytes(300), any::<bool>(), pad_len()).prop_map(
        |(stream_id, data, end_stream, pad_len)| {
            Frame::Data(Data {
                stream_id,
                data,
                end_stream,
                pad_len,
            })
        },
    )
}

/// DATA frames up to the default max frame size, padding included.
fn large_data() -> impl Strategy<Value = Frame> {
    (
        nonzero_stream_id(),
        16_000usize..=16_384 - 256,
        any::<u8>(),
        pad_len(),
    )
        .prop_map(|(stream_id, len, fill, pad_len)| {
            Frame::Data(Data {
                stream_id,
                data: Bytes::from(vec![fill; len]),
                end_stream: false,
                pad_len,
            })
        })
}

fn headers() -> impl Strategy<Value = Frame> {
    (
        nonzero_stream_id(),
        bytes(200),
        any::<(bool, bool)>(),
        prop::option::of(priority_spec()),
        pad_len(),
    )
        .prop_map(
            |(stream_id, block, (end_stream, end_headers), priority, pad_len)| {
                Frame::Headers(Headers {
                    stream_id,
                    block,
                    end_stream,
                    end_headers,
                    priority,
                    pad_len,
                })
            },
        )
}

fn priority() -> impl Strategy<Value = Frame> {
    (nonzero_stream_id(), priority_spec())
        .prop_filter("no self-dependency", |(id, spec)| spec.dependency != *id)
        .prop_map(|(stream_id, spec)| Frame::Priority(Priority { stream_id, spec }))
}

fn settings() -> impl Strategy<Value = Frame> {
    prop_oneof![
        Just(Frame::Settings(SettingsFrame::ack())),
        prop::collection::vec(setting(), 0..12).prop_map(|entries| {
            Frame::Settings(SettingsFrame::new(
                entries.into_iter().collect::<Settings>(),
            ))
        }),
    ]
}

fn push_promise() -> impl Strategy<Value = Frame> {
    (
        nonzero_stream_id(),
        nonzero_stream_id(),
        bytes(200),
        any::<bool>(),
        pad_len(),
    )
        .prop_map(|(stream_id, promised_id, block, end_headers, pad_len)| {
            Frame::PushPromise(PushPromise {
                stream_id,
                promised_id,
                block,
                end_headers,
                pad_len,
            })
        })
}

fn altsvc() -> impl Strategy<Value = Frame> {
    // RFC 7838 4: an origin on stream 0, none on other streams; the other two shapes are
    // ignored (decoded as Unknown), see `unknown` below.
    prop_oneof![
        (nonempty_bytes(64), bytes(64)).prop_map(|(origin, field_value)| {
            Frame::AltSvc(AltSvc {
                stream_id: StreamId::ZERO,
                origin,
                field_value,
            })
        }),
        (nonzero_stream_id(), bytes(64)).prop_map(|(stream_id, field_value)| {
            Frame::AltSvc(AltSvc {
                stream_id,
                origin: Bytes::new(),
                field_value,
            })
        }),
    ]
}

fn unknown() -> impl Strategy<Value = Frame> {
    prop_oneof![
        (unknown_kind(), any::<u8>(), stream_id(), bytes(100)).prop_map(
            |(kind, flags, stream_id, payload)| {
                Frame::Unknown(Unknown {
                    kind,
                    flags: Flags(flags),
                    stream_id,
                    payload,
                })
            }
        ),
        // An ORIGIN frame on a stream is ignored (RFC 8336 2.1) and kept as Unknown.
        (any::<u8>(), nonzero_stream_id(), bytes(100)).prop_map(|(flags, stream_id, payload)| {
            Frame::Unknown(Unknown {
                kind: FrameType::ORIGIN,
                flags: Flags(flags),
                stream_id,
                payload,
            })
        }),
    ]
}

fn rst_stream() -> impl Strategy<Value = Frame> {
    (nonzero_stream_id(), any::<u32>()).prop_map(|(stream_id, code)| {
        Frame::RstStream(RstStream {
            stream_id,
            code: ErrorCode(code),
        })
    })
}

fn ping() -> impl Strategy<Value = Frame> {
    (any::<bool>(), any::<[u8; 8]>()).prop_map(|(ack, payload)| Frame::Ping(Ping { ack, payload }))
}

fn goaway() -> impl Strategy<Value = Frame> {
    (stream_id(), any::<u32>(), bytes(100)).prop_map(|(last_stream_id, code, debug_data)| {
        Frame::GoAway(GoAway {
            last_stream_id,
            code: ErrorCode(code),
            debug_data,
        })
    })
}

fn window_update() -> impl Strategy<Value = Frame> {
    (stream_id(), 1..=MAX_WINDOW_SIZE).prop_map(|(stream_id, increment)| {
        Frame::WindowUpdate(WindowUpdate {
            stream_id,
            increment,
        })
    })
}

fn continuation() -> impl Strategy<Value = Frame> {
    (nonzero_stream_id(), bytes(200), any::<bool>()).prop_map(|(stream_id, block, end_headers)| {
        Frame::Continuation(Continuation {
            stream_id,
            block,
            end_headers,
        })
    })
}

fn origin() -> impl Strategy<Value = Frame> {
    prop::collection::vec(bytes(40), 0..6).prop_map(|origins| Frame::Origin(Origin { origins }))
}

fn priority_update() -> impl Strategy<Value = Frame> {
    (nonzero_stream_id(), bytes(64)).prop_map(|(prioritized_stream_id, field_value)| {
        Frame::PriorityUpdate(PriorityUpdate {
            prioritized_stream_id,
            field_value,
        })
    })
}

fn frame() -> impl Strategy<Value = Frame> {
    prop_oneof![
        data(),
        headers(),
        priority(),
        rst_stream(),
        settings(),
        push_promise(),
        ping(),
        goaway(),
        window_update(),
        continuation(),
        altsvc(),
        origin(),
        priority_update(),
        unknown(),
    ]
}

// ---- helpers ----

fn encode_all(frames: &[Frame]) -> Vec<u8> {
    let mut dst = BytesMut::new();
    for frame in frames {
        frame.encode(&mut dst, DEFAULT_MAX_FRAME_SIZE).unwrap();
    }
    dst.to_vec()
}

/// Pushes `wire` cut at the given chunk lengths (cycled), draining after every push.
fn decode_chunked(wire: &[u8], chunks: &[usize], copy: bool) -> Vec<Result<Frame, H2Error>> {
    let mut decoder = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
    let mut out = Vec::new();
    let mut rest = wire;
    let mut sizes = chunks.iter().cycle();
    while !rest.is_empty() {
        let n = (*sizes.next().unwrap()).clamp(1, rest.len());
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        if copy {
            decoder.push_slice(chunk);
        } else {
            decoder.push_bytes(Bytes::copy_from_slice(chunk));
        }
        loop {
            match decoder.next_frame() {
                Ok(Some(frame)) => out.push(Ok(frame)),
                Ok(None) => break,
                Err(err) => {
                    out.push(Err(err));
                    if err.is_connection_error() {
                        return out;
                    }
                }
            }
        }
    }
    assert_eq!(decoder.buffered_len(), 0);
    out
}

/// decode(encode(f)) == f, and encoding the decoded frame gives the same bytes.
fn check_roundtrip(frame: Frame) -> Result<(), TestCaseError> {
    let mut wire = BytesMut::new();
    frame.encode(&mut wire, MAX_MAX_FRAME_SIZE).unwrap();
    let wire = wire.freeze();
    let decoded = decode_all(MAX_MAX_FRAME_SIZE, wire.clone());
    prop_assert_eq!(&decoded, &vec![Ok(frame)]);
    let mut again = BytesMut::new();
    decoded[0]
        .as_ref()
        .unwrap()
        .encode(&mut again, MAX_MAX_FRAME_SIZE)
        .unwrap();
    prop_assert_eq!(again.freeze(), wire);
    Ok(())
}

/// One round-trip property per frame type.
macro_rules! roundtrip {
    ($($name:ident: $strategy:expr;)*) => {
        proptest! {
            $(
                #[test]
                fn $name(frame in $strategy) {
                    check_roundtrip(frame)?;
                }
            )*
        }
    };
}

roundtrip! {
    accepts_roundtrip_data: data();
    accepts_roundtrip_large_data: large_data();
    accepts_roundtrip_headers: headers();
    accepts_roundtrip_priority: priority();
    accepts_roundtrip_rst_stream: rst_stream();
    accepts_roundtrip_settings: settings();
    accepts_roundtrip_push_promise: push_promise();
    accepts_roundtrip_ping: ping();
    accepts_roundtrip_goaway: goaway();
    accepts_roundtrip_window_update: window_update();
    accepts_roundtrip_continuation: continuation();
    accepts_roundtrip_altsvc: altsvc();
    accepts_roundtrip_origin: origin();
    accepts_roundtrip_priority_update: priority_update();
    accepts_roundtrip_unknown: unknown();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any split of a valid byte stream into chunks yields the same frames, with
    /// `push_bytes` and with `push_slice`.
    #[test]
    fn accepts_any_chunking_of_a_valid_stream(
        frames in prop::collection::vec(prop_oneof![9 => frame(), 1 => large_data()], 1..8),
        chunks in prop::collection::vec(1usize..64, 1..16),
    ) {
        let wire = encode_all(&frames);
        let expected: Vec<_> = frames.into_iter().map(Ok).collect();
        prop_assert_eq!(&decode_all(DEFAULT_MAX_FRAME_SIZE, Bytes::from(wire.clone())), &expected);
        prop_assert_eq!(&decode_chunked(&wire, &chunks, false), &expected);
        prop_assert_eq!(&decode_chunked(&wire, &chunks, true), &expected);
        // One byte at a time, both ways.
        prop_assert_eq!(&decode_chunked(&wire, &[1], false), &expected);
        prop_assert_eq!(&decode_chunked(&wire, &[1], true), &expected);
    }

    /// Arbitrary bytes in arbitrary chunks never panic; after `Ok(None)` the decoder holds
    /// at most one frame (max frame size + 9), and after a connection error nothing.
    #[test]
    fn rejects_arbitrary_bytes_without_panic_or_unbounded_buffering(
        wire in prop::collection::vec(any::<u8>(), 0..2048),
        chunks in prop::collection::vec(1usize..300, 1..8),
        max_frame_size in prop_oneof![Just(0u32), 1u32..64, Just(DEFAULT_MAX_FRAME_SIZE)],
        copy in any::<bool>(),
    ) {
        check_bounded(&wire, &chunks, max_frame_size, copy)?;
    }

    /// The same on valid streams with some octets overwritten, which reaches deeper into
    /// each frame type's checks than uniform random bytes.
    #[test]
    fn rejects_corrupted_frames_without_panic_or_unbounded_buffering(
        frames in prop::collection::vec(frame(), 1..6),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        chunks in prop::collection::vec(1usize..64, 1..8),
        copy in any::<bool>(),
    ) {
        let mut wire = encode_all(&frames);
        for (at, byte) in edits {
            let i = at.index(wire.len());
            wire[i] = byte;
        }
        check_bounded(&wire, &chunks, DEFAULT_MAX_FRAME_SIZE, copy)?;
    }
}

fn check_bounded(
    wire: &[u8],
    chunks: &[usize],
    max_frame_size: u32,
    copy: bool,
) -> Result<(), TestCaseError> {
    let bound = max_frame_size as usize + HEAD_LEN;
    let mut decoder = FrameDecoder::new(max_frame_size);
    let mut rest = wire;
    let mut sizes = chunks.iter().cycle();
    while !rest.is_empty() {
        let n = (*sizes.next().unwrap()).min(rest.len());
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        if copy {
            decoder.push_slice(chunk);
        } else {
            decoder.push_bytes(Bytes::copy_from_slice(chunk));
        }
        loop {
            match decoder.next_frame() {
                Ok(Some(frame)) => {
                    // Whatever was accepted can be written back.
                    let mut dst = BytesMut::new();
                    prop_assert!(frame.encode(&mut dst, MAX_MAX_FRAME_SIZE).is_ok());
                }
                Ok(None) => {
                    prop_assert!(decoder.buffered_len() <= bound);
                    break;
                }
                Err(err) if err.is_connection_error() => {
                    prop_assert_eq!(decoder.buffered_len(), 0);
                    prop_assert_eq!(decoder.next_frame(), Err(err));
                    return Ok(());
                }
                Err(_) => {}
            }
        }
    }
    Ok(())
}
