//! Encoding a header list and splitting it into frames (RFC 9113 4.3, 6.2, 6.6, 6.10).

use crate::{Encoder, HeaderField};
use bytes::{Bytes, BytesMut};
use h2_frame::{
    Continuation, EncodeError, Flags, FrameType, Head, Headers, PrioritySpec, PushPromise,
    StreamId, HEAD_LEN, MAX_MAX_FRAME_SIZE,
};

/// Encodes header lists and writes them as HEADERS (or PUSH_PROMISE) plus as many
/// CONTINUATION frames as SETTINGS_MAX_FRAME_SIZE requires, END_HEADERS on the last
/// (RFC 9113 4.3: a field block is sent as one contiguous sequence of frames).
///
/// ```
/// use bytes::BytesMut;
/// use h2_hpack_glue::{HeaderBlockEncoder, HeaderField};
/// use h2_hpack_glue::frame::{StreamId, DEFAULT_MAX_FRAME_SIZE};
///
/// let mut enc = HeaderBlockEncoder::new();
/// let mut wire = BytesMut::new();
/// let fields = [HeaderField::new(":status", "200")];
/// enc.encode_headers(StreamId::new(1), &fields, true, DEFAULT_MAX_FRAME_SIZE, &mut wire);
/// // 9-byte frame head + one byte (static index 8).
/// assert_eq!(&wire[..], &[0, 0, 1, 0x1, 0x4 | 0x1, 0, 0, 0, 1, 0x88]);
/// ```
#[derive(Debug, Default)]
pub struct HeaderBlockEncoder {
    encoder: Encoder,
    scratch: BytesMut,
}

impl HeaderBlockEncoder {
    /// A block encoder with a fresh HPACK context (table size 4096).
    pub fn new() -> Self {
        HeaderBlockEncoder::default()
    }

    /// A block encoder around a configured [`Encoder`].
    pub fn with_encoder(encoder: Encoder) -> Self {
        HeaderBlockEncoder {
            encoder,
            scratch: BytesMut::new(),
        }
    }

    /// The peer's SETTINGS_HEADER_TABLE_SIZE changed; see [`Encoder::set_max_table_size`].
    pub fn set_peer_table_size(&mut self, size: u32) {
        self.encoder.set_max_table_size(size);
    }

    /// The HPACK encoder.
    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }

    /// Writes `fields` as HEADERS + CONTINUATION frames on `stream_id`.
    ///
    /// A caller bug (stream 0) writes nothing and leaves the HPACK context untouched; debug
    /// builds assert. Use [`HeaderBlockEncoder::try_encode_headers`] to get the error.
    pub fn encode_headers(
        &mut self,
        stream_id: StreamId,
        fields: &[HeaderField],
        end_stream: bool,
        max_frame_size: u32,
        dst: &mut BytesMut,
    ) {
        let r = self.try_encode_headers(stream_id, fields, end_stream, max_frame_size, dst);
        debug_assert!(r.is_ok(), "encode_headers: {r:?}");
    }

    /// Writes `fields` as a PUSH_PROMISE on `stream_id` promising `promised_id`, plus
    /// CONTINUATION frames.
    ///
    /// A caller bug (stream 0 on either side) writes nothing and leaves the HPACK context
    /// untouched; debug builds assert. See [`HeaderBlockEncoder::try_encode_push_promise`].
    pub fn encode_push_promise(
        &mut self,
        stream_id: StreamId,
        promised_id: StreamId,
        fields: &[HeaderField],
        max_frame_size: u32,
        dst: &mut BytesMut,
    ) {
        let r = self.try_encode_push_promise(stream_id, promised_id, fields, max_frame_size, dst);
        debug_assert!(r.is_ok(), "encode_push_promise: {r:?}");
    }

    /// [`HeaderBlockEncoder::encode_headers`], returning caller mistakes. `max_frame_size`
    /// is clamped to 1..=2^24-1.
    pub fn try_encode_headers(
        &mut self,
        stream_id: StreamId,
        fields: &[HeaderField],
        end_stream: bool,
        max_frame_size: u32,
        dst: &mut BytesMut,
    ) -> Result<(), EncodeError> {
        if stream_id.is_zero() {
            return Err(EncodeError::InvalidField("HEADERS on stream 0"));
        }
        let max = clamp(max_frame_size);
        let mut block = match self.encode_in_place(fields, max, 0, dst) {
            Ok(start) => {
                let head = Head {
                    length: 0,
                    kind: FrameType::HEADERS,
                    flags: Flags::empty()
                        .with_end_stream(end_stream)
                        .with_end_headers(true),
                    stream_id,
                };
                finish_head(head, &[], start, dst);
                return Ok(());
            }
            Err(block) => block,
        };
        let first = block.split_to(block.len().min(max as usize));
        let end_headers = block.is_empty();
        Headers::new(stream_id, first, end_stream, end_headers).encode(dst, max)?;
        continuations(stream_id, block, max, dst)
    }

    /// [`HeaderBlockEncoder::try_encode_headers`] with the optional fields of the HEADERS
    /// frame (RFC 9113 6.2): the deprecated RFC 7540 priority fields (PRIORITY flag) and
    /// `pad_len` octets of padding (PADDED flag). Both go in the HEADERS frame only; the
    /// block fragment in it is shortened so the frame stays within `max_frame_size`, and
    /// CONTINUATION frames carry the rest. With neither it is `try_encode_headers`.
    ///
    /// A caller mistake (stream 0) is refused before the HPACK context changes.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use h2_hpack_glue::{HeaderBlockEncoder, HeaderField};
    /// use h2_hpack_glue::frame::{PrioritySpec, StreamId, DEFAULT_MAX_FRAME_SIZE};
    ///
    /// let mut enc = HeaderBlockEncoder::new();
    /// let mut wire = BytesMut::new();
    /// let spec = PrioritySpec { dependency: StreamId::new(0), exclusive: true, weight: 15 };
    /// let fields = [HeaderField::new(":status", "200")];
    /// enc.try_encode_headers_with(StreamId::new(1), &fields, true, Some(spec), Some(2),
    ///     DEFAULT_MAX_FRAME_SIZE, &mut wire).unwrap();
    /// // Length 1 + 5 + 1 + 2, flags END_STREAM | END_HEADERS | PADDED | PRIORITY,
    /// // then Pad Length, E + dependency, weight, the block, padding.
    /// assert_eq!(&wire[..], &[0, 0, 9, 0x1, 0x1 | 0x4 | 0x8 | 0x20, 0, 0, 0, 1,
    ///     2, 0x80, 0, 0, 0, 15, 0x88, 0, 0]);
    /// ```
    #[allow(clippy::too_many_arguments)] // the frame's fields, as `encode_headers` plus two
    pub fn try_encode_headers_with(
        &mut self,
        stream_id: StreamId,
        fields: &[HeaderField],
        end_stream: bool,
        priority: Option<PrioritySpec>,
        pad_len: Option<u8>,
        max_frame_size: u32,
        dst: &mut BytesMut,
    ) -> Result<(), EncodeError> {
        if priority.is_none() && pad_len.is_none() {
            return self.try_encode_headers(stream_id, fields, end_stream, max_frame_size, dst);
        }
        if stream_id.is_zero() {
            return Err(EncodeError::InvalidField("HEADERS on stream 0"));
        }
        let max = clamp(max_frame_size);
        let overhead = priority.map_or(0, |_| 5) + pad_len.map_or(0, |n| usize::from(n) + 1);
        // At least one octet of block fits: max_frame_size is 16,384 or more in HTTP/2.
        let room = (max as usize).saturating_sub(overhead).max(1);
        self.scratch.clear();
        self.encoder.encode(fields, &mut self.scratch);
        let mut block = self.scratch.split().freeze();
        let first = block.split_to(block.len().min(room));
        let end_headers = block.is_empty();
        Headers {
            stream_id,
            block: first,
            end_stream,
            end_headers,
            priority,
            pad_len,
        }
        .encode(dst, max)?;
        continuations(stream_id, block, max, dst)
    }

    /// [`HeaderBlockEncoder::encode_push_promise`], returning caller mistakes.
    /// `max_frame_size` is clamped to 5..=2^24-1 (the promised stream id takes 4 bytes).
    pub fn try_encode_push_promise(
        &mut self,
        stream_id: StreamId,
        promised_id: StreamId,
        fields: &[HeaderField],
        max_frame_size: u32,
        dst: &mut BytesMut,
    ) -> Result<(), EncodeError> {
        if stream_id.is_zero() || promised_id.is_zero() {
            return Err(EncodeError::InvalidField(
                "PUSH_PROMISE on or promising stream 0",
            ));
        }
        let max = clamp(max_frame_size).max(5);
        let mut block = match self.encode_in_place(fields, max, 4, dst) {
            Ok(start) => {
                let head = Head {
                    length: 0,
                    kind: FrameType::PUSH_PROMISE,
                    flags: Flags::empty().with_end_headers(true),
                    stream_id,
                };
                finish_head(head, &promised_id.value().to_be_bytes(), start, dst);
                return Ok(());
            }
            Err(block) => block,
        };
        let first = block.split_to(block.len().min(max as usize - 4));
        let end_headers = block.is_empty();
        PushPromise {
            stream_id,
            promised_id,
            block: first,
            end_headers,
            pad_len: None,
        }
        .encode(dst, max)?;
        continuations(stream_id, block, max, dst)
    }

    /// Encodes the block right after room for a frame header and `extra` payload octets
    /// (the promised stream id) in `dst`, so that a block fitting one frame of `max` octets
    /// is written once, without a copy: then returns where that room starts, for
    /// [`finish_head`]. A block too large for one frame is taken back out of `dst` and
    /// returned, to be split into frames.
    fn encode_in_place(
        &mut self,
        fields: &[HeaderField],
        max: u32,
        extra: usize,
        dst: &mut BytesMut,
    ) -> Result<usize, Bytes> {
        let start = dst.len();
        dst.extend_from_slice(&[0; HEAD_LEN + 4][..HEAD_LEN + extra]);
        self.encoder.encode(fields, dst);
        let len = dst.len() - start - HEAD_LEN;
        if len <= max as usize {
            return Ok(start);
        }
        self.scratch.clear();
        self.scratch
            .extend_from_slice(&dst[start + HEAD_LEN + extra..]);
        dst.truncate(start);
        Err(self.scratch.split().freeze())
    }
}

/// Completes the frame [`HeaderBlockEncoder::encode_in_place`] wrote from `start` to the
/// end of `dst`: its header (with the payload length filled in), then `prefix`.
fn finish_head(mut head: Head, prefix: &[u8], start: usize, dst: &mut BytesMut) {
    // `encode_in_place` checked the payload against the maximum frame size (at most
    // 2^24 - 1), so the length fits in the header's 24 bits.
    head.length = (dst.len() - start - HEAD_LEN) as u32;
    if let Some(mut room) = dst.get_mut(start..start + HEAD_LEN + prefix.len()) {
        head.encode(&mut room);
        room.copy_from_slice(prefix);
    }
}

fn clamp(max_frame_size: u32) -> u32 {
    max_frame_size.clamp(1, MAX_MAX_FRAME_SIZE)
}

/// RFC 9113 6.10: CONTINUATION frames carry the rest, END_HEADERS on the last.
fn continuations(
    stream_id: StreamId,
    mut rest: Bytes,
    max: u32,
    dst: &mut BytesMut,
) -> Result<(), EncodeError> {
    while !rest.is_empty() {
        let block = rest.split_to(rest.len().min(max as usize));
        let end_headers = rest.is_empty();
        Continuation {
            stream_id,
            block,
            end_headers,
        }
        .encode(dst, max)?;
    }
    Ok(())
}
