//! Encoding a header list and splitting it into frames (RFC 9113 4.3, 6.2, 6.6, 6.10).

use crate::{Encoder, HeaderField};
use bytes::{Bytes, BytesMut};
use h2_frame::{Continuation, EncodeError, Headers, PushPromise, StreamId, MAX_MAX_FRAME_SIZE};

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
        let mut block = self.encode_block(fields);
        let first = block.split_to(block.len().min(max as usize));
        let end_headers = block.is_empty();
        Headers::new(stream_id, first, end_stream, end_headers).encode(dst, max)?;
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
        let mut block = self.encode_block(fields);
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

    fn encode_block(&mut self, fields: &[HeaderField]) -> Bytes {
        self.scratch.clear();
        self.encoder.encode(fields, &mut self.scratch);
        self.scratch.split().freeze()
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
