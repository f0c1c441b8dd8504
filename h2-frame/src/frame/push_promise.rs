//! PUSH_PROMISE (RFC 9113 6.6).

use super::{
    check_payload_len, padding_overhead, padding_parts, require_stream, strip_padding, write_frame,
};
use crate::{EncodeError, ErrorCode, Flags, FrameType, H2Error, Head, StreamId};
use bytes::{Buf, Bytes, BytesMut};

/// A PUSH_PROMISE frame: the first fragment of the promised request's field block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushPromise {
    /// The stream the promise is associated with; never 0.
    pub stream_id: StreamId,
    /// The stream the server reserves.
    pub promised_id: StreamId,
    /// The field block fragment, padding removed.
    pub block: Bytes,
    /// END_HEADERS flag.
    pub end_headers: bool,
    /// Pad Length when the PADDED flag was set.
    pub pad_len: Option<u8>,
}

impl PushPromise {
    pub(crate) fn decode(head: &Head, mut payload: Bytes) -> Result<PushPromise, H2Error> {
        // RFC 9113 6.6: "If the Stream Identifier field specifies the value 0x00, a recipient
        // MUST respond with a connection error of type PROTOCOL_ERROR."
        require_stream(head, "PUSH_PROMISE on stream 0")?;
        let pad_len = strip_padding(head, &mut payload, 4)?;
        if payload.len() < 4 {
            return Err(H2Error::conn(
                ErrorCode::FRAME_SIZE_ERROR,
                "PUSH_PROMISE too short for its promised stream id",
            ));
        }
        let promised_id = StreamId::new(payload.get_u32());
        if promised_id.is_zero() {
            return Err(H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "PUSH_PROMISE promises stream 0",
            ));
        }
        Ok(PushPromise {
            stream_id: head.stream_id,
            promised_id,
            block: payload,
            end_headers: head.flags.end_headers(),
            pad_len,
        })
    }

    /// Serializes the frame.
    pub fn encode(&self, dst: &mut BytesMut, max_frame_size: u32) -> Result<(), EncodeError> {
        if self.stream_id.is_zero() || self.promised_id.is_zero() {
            return Err(EncodeError::InvalidField(
                "PUSH_PROMISE on or promising stream 0",
            ));
        }
        let len = 4 + self.block.len() + padding_overhead(self.pad_len);
        let length = check_payload_len(len, max_frame_size)?;
        let (prefix, suffix) = padding_parts(self.pad_len);
        let flags = Flags::empty()
            .with_end_headers(self.end_headers)
            .with_padded(self.pad_len.is_some());
        let head = Head {
            length,
            kind: FrameType::PUSH_PROMISE,
            flags,
            stream_id: self.stream_id,
        };
        write_frame(
            dst,
            head,
            &[
                prefix,
                &self.promised_id.value().to_be_bytes(),
                &self.block,
                suffix,
            ],
        );
        Ok(())
    }
}
