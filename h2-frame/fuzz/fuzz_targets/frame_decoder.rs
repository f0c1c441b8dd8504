//! Feeds arbitrary bytes, cut into fuzzer-chosen chunks, to a `FrameDecoder`.
//!
//! Input layout: the first octet is the mode (chunk sizes, `push_bytes` or `push_slice`,
//! drain after every push or every other push, the max frame size); the rest is the byte
//! stream. Checked for every input:
//!
//! * no panic;
//! * after `next_frame` returns `Ok(None)`, `buffered_len()` is at most max frame size + 9
//!   (RFC 9113 4.2: nothing larger than one frame is buffered), and after a connection
//!   error nothing is kept at all;
//! * the chunked decode yields the same frames and the same error as a one-shot decode;
//! * every decoded frame re-encodes, and decoding that gives the same frame back, and
//!   encoding it again gives the same bytes;
//! * `whole_frames_len` cuts the stream where a decoder is left holding nothing;
//!
//! Every chunk is first offered to `push_header_alone` (it takes a lone frame header).
#![no_main]

use h2_frame::{Bytes, BytesMut, Frame, FrameDecoder, H2Error, MAX_MAX_FRAME_SIZE};
use libfuzzer_sys::fuzz_target;

const MAX_FRAME_SIZES: [u32; 8] = [
    16_384,
    16_384,
    16_384,
    MAX_MAX_FRAME_SIZE,
    65_535,
    1_024,
    100,
    0,
];
const CHUNK_MAX: [usize; 8] = [1, 2, 3, 9, 17, 1_000, 20_000, usize::MAX];

struct Mode {
    chunk_max: usize,
    copy: bool,
    drain_every_push: bool,
    max_frame_size: u32,
}

impl Mode {
    fn new(b: u8) -> Mode {
        Mode {
            chunk_max: CHUNK_MAX[usize::from(b & 7)],
            copy: b & 0x08 != 0,
            drain_every_push: b & 0x10 == 0,
            max_frame_size: MAX_FRAME_SIZES[usize::from(b >> 5)],
        }
    }
}

/// Drains the decoder; `Err` once a connection error is seen.
fn drain(decoder: &mut FrameDecoder, out: &mut Vec<Result<Frame, H2Error>>) -> bool {
    let bound = decoder.max_frame_size() as usize + h2_frame::HEAD_LEN;
    loop {
        match decoder.next_frame() {
            Ok(Some(frame)) => out.push(Ok(frame)),
            Ok(None) => {
                assert!(decoder.buffered_len() <= bound, "buffered past one frame");
                return true;
            }
            Err(err) => {
                out.push(Err(err));
                // A stream error consumes one frame, like `Ok(Some(_))`: more whole
                // frames may still wait in the input already pushed.
                if err.is_connection_error() {
                    assert_eq!(
                        decoder.buffered_len(),
                        0,
                        "kept input after a connection error"
                    );
                    // The decoder is finished: it must keep answering the same error.
                    assert_eq!(decoder.next_frame(), Err(err));
                    return false;
                }
            }
        }
    }
}

fn decode_one_shot(stream: &[u8], max_frame_size: u32) -> Vec<Result<Frame, H2Error>> {
    let mut decoder = FrameDecoder::new(max_frame_size);
    decoder.push_bytes(Bytes::copy_from_slice(stream));
    let mut out = Vec::new();
    drain(&mut decoder, &mut out);
    out
}

fn check_roundtrip(frame: &Frame) {
    let mut wire = BytesMut::new();
    frame
        .encode(&mut wire, MAX_MAX_FRAME_SIZE)
        .expect("a decoded frame must encode");
    let first = wire.clone().freeze();
    let mut decoder = FrameDecoder::new(MAX_MAX_FRAME_SIZE);
    decoder.push_bytes(wire.freeze());
    let again = decoder
        .next_frame()
        .expect("a re-encoded frame must decode")
        .expect("a re-encoded frame is complete");
    assert_eq!(&again, frame);
    assert_eq!(decoder.next_frame(), Ok(None));
    assert_eq!(decoder.buffered_len(), 0);
    let mut wire2 = BytesMut::new();
    again.encode(&mut wire2, MAX_MAX_FRAME_SIZE).unwrap();
    assert_eq!(wire2.freeze(), first);
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, stream)) = data.split_first() else {
        return;
    };
    let mode = Mode::new(mode);
    let mut decoder = FrameDecoder::new(mode.max_frame_size);
    let mut frames = Vec::new();
    // A tiny xorshift so chunk sizes vary within one input but stay reproducible.
    let mut rng = 0x9e37_79b9_u32 ^ stream.len() as u32;
    let mut rest = stream;
    let mut pushes = 0usize;
    let mut alive = true;
    while alive && !rest.is_empty() {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        let n = if mode.chunk_max == usize::MAX {
            rest.len()
        } else {
            1 + rng as usize % mode.chunk_max
        }
        .min(rest.len());
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        if decoder.push_header_alone(chunk) {
            // Taken: held as the start of the next frame.
        } else if mode.copy {
            decoder.push_slice(chunk);
        } else {
            decoder.push_bytes(Bytes::copy_from_slice(chunk));
        }
        pushes += 1;
        if mode.drain_every_push || pushes % 2 == 0 || rest.is_empty() {
            alive = drain(&mut decoder, &mut frames);
            if alive && decoder.buffered_len() > 0 {
                // What the held frame still needs: within what is left, and exactly
                // enough (a copy fed just that much holds nothing after draining).
                let need = decoder.octets_to_complete(rest);
                assert!(need <= rest.len());
                if need < rest.len() {
                    let mut probe = FrameDecoder::new(mode.max_frame_size);
                    let held = stream.len() - rest.len() - decoder.buffered_len();
                    probe.push_slice(&stream[held..stream.len() - rest.len() + need]);
                    let mut sink = Vec::new();
                    if drain(&mut probe, &mut sink) {
                        assert_eq!(probe.buffered_len(), 0, "octets_to_complete short");
                    }
                }
            }
        }
    }
    assert_eq!(frames, decode_one_shot(stream, mode.max_frame_size));
    let whole = FrameDecoder::new(mode.max_frame_size).whole_frames_len(stream);
    assert!(whole <= stream.len());
    let mut cut = FrameDecoder::new(mode.max_frame_size);
    cut.push_bytes(Bytes::copy_from_slice(&stream[..whole]));
    if drain(&mut cut, &mut Vec::new()) {
        assert_eq!(cut.buffered_len(), 0, "whole_frames_len cut inside a frame");
    }
    for frame in frames.iter().flatten() {
        check_roundtrip(frame);
    }
});
