//! DATA (RFC 9113 6.1).

use super::{
    check_payload_len, padding_overhead, padding_parts, require_stream, strip_padding, write_frame,
};
use crate::{EncodeError, Flags, FrameType, H2Error, Head, StreamId};
use bytes::{Bytes, BytesMut};

/// A DATA frame. `data` is the payload with padding removed; `pad_len` keeps the padding
/// because flow control counts it (RFC 9113 6.9.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Data {
    /// The stream; never 0.
    pub stream_id: StreamId,
    /// The application data, a view of the received buffer.
    pub data: Bytes,
    /// END_STREAM flag.
    pub end_stream: bool,
    /// Pad Length when the PADDED flag was set.
    pub pad_len: Option<u8>,
}

impl Data {
    /// A DATA frame without padding.
    pub fn new(stream_id: StreamId, data: Bytes, end_stream: bool) -> Data {
        Data {
            stream_id,
            data,
            end_stream,
            pad_len: None,
        }
    }

    /// The length counted against flow-control windows: the whole frame payload,
    /// padding included (RFC 9113 6.9.1).
    pub fn flow_controlled_len(&self) -> usize {
        self.data.len() + padding_overhead(self.pad_len)
    }

    pub(crate) fn decode(head: &Head, mut payload: Bytes) -> Result<Data, H2Error> {
        // RFC 9113 6.1: "If a DATA frame is received whose Stream Identifier field is 0x00,
        // the recipient MUST respond with a connection error of type PROTOCOL_ERROR."
        require_stream(head, "DATA on stream 0")?;
        let pad_len = strip_padding(head, &mut payload, 0)?;
        Ok(Data {
            stream_id: head.stream_id,
            data: payload,
            end_stream: head.flags.end_stream(),
            pad_len,
        })
    }

    /// Writes the frame header and padding prefix only, so a caller can send `data` as a
    /// separate buffer (vectored, zero-copy writes). Returns the padding suffix to write
    /// after the data.
    pub fn encode_head(
        &self,
        dst: &mut BytesMut,
        max_frame_size: u32,
    ) -> Result<&'static [u8], EncodeError> {
        Data::encode_head_of(
            self.stream_id,
            self.data.len(),
            self.end_stream,
            self.pad_len,
            dst,
            max_frame_size,
        )
    }

    /// [`encode_head`](Data::encode_head) from the frame's parts, the payload's length
    /// standing for the payload: for a sender that has not cut the payload yet, or keeps
    /// it elsewhere.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use h2_frame::{Data, StreamId};
    /// let mut head = BytesMut::new();
    /// Data::encode_head_of(StreamId::new(1), 5, true, None, &mut head, 16_384).unwrap();
    /// assert_eq!(&head[..], &[0, 0, 5, 0, 1, 0, 0, 0, 1]);
    /// ```
    pub fn encode_head_of(
        stream_id: StreamId,
        len: usize,
        end_stream: bool,
        pad_len: Option<u8>,
        dst: &mut BytesMut,
        max_frame_size: u32,
    ) -> Result<&'static [u8], EncodeError> {
        if stream_id.is_zero() {
            return Err(EncodeError::InvalidField("DATA on stream 0"));
        }
        let length = check_payload_len(len + padding_overhead(pad_len), max_frame_size)?;
        let flags = Flags::empty()
            .with_end_stream(end_stream)
            .with_padded(pad_len.is_some());
        let head = Head {
            length,
            kind: FrameType::DATA,
            flags,
            stream_id,
        };
        let Some(pad_len) = pad_len else {
            // The common frame: nine octets and nothing else (one write, sent for every
            // DATA frame).
            dst.extend_from_slice(&head.to_bytes());
            return Ok(&[]);
        };
        let (prefix, suffix) = padding_parts(Some(pad_len));
        write_frame(dst, head, &[prefix]);
        Ok(suffix)
    }

    /// Serializes the frame.
    pub fn encode(&self, dst: &mut BytesMut, max_frame_size: u32) -> Result<(), EncodeError> {
        dst.reserve(crate::HEAD_LEN + self.flow_controlled_len());
        let suffix = self.encode_head(dst, max_frame_size)?;
        dst.extend_from_slice(&self.data);
        dst.extend_from_slice(suffix);
        Ok(())
    }
}
