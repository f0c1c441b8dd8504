//! HEADERS (RFC 9113 6.2).

use super::{
    check_payload_len, padding_overhead, padding_parts, require_stream, strip_padding, write_frame,
};
use crate::{EncodeError, ErrorCode, Flags, FrameType, H2Error, Head, PrioritySpec, StreamId};
use bytes::{Bytes, BytesMut};

/// A HEADERS frame carrying the first fragment of a field block. When `end_headers` is
/// false, CONTINUATION frames follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Headers {
    /// The stream; never 0.
    pub stream_id: StreamId,
    /// The field block fragment (HPACK-encoded), padding removed.
    pub block: Bytes,
    /// END_STREAM flag.
    pub end_stream: bool,
    /// END_HEADERS flag.
    pub end_headers: bool,
    /// The deprecated RFC 7540 priority fields, when the PRIORITY flag was set.
    pub priority: Option<PrioritySpec>,
    /// Pad Length when the PADDED flag was set.
    pub pad_len: Option<u8>,
}

impl Headers {
    /// A HEADERS frame without priority or padding.
    pub fn new(stream_id: StreamId, block: Bytes, end_stream: bool, end_headers: bool) -> Headers {
        Headers {
            stream_id,
            block,
            end_stream,
            end_headers,
            priority: None,
            pad_len: None,
        }
    }

    // Inlined into `Frame::decode`: as a call its result came back through memory that
    // the caller read wider than it was written (a store-forwarding stall per HEADERS).
    #[inline]
    pub(crate) fn decode(head: &Head, mut payload: Bytes) -> Result<Headers, H2Error> {
        // RFC 9113 6.2: "If a HEADERS frame is received whose Stream Identifier field is
        // 0x00, the recipient MUST respond with a connection error of type PROTOCOL_ERROR."
        require_stream(head, "HEADERS on stream 0")?;
        let fixed = if head.flags.priority() {
            PrioritySpec::LEN
        } else {
            0
        };
        let pad_len = strip_padding(head, &mut payload, fixed)?;
        if payload.len() < fixed {
            return Err(H2Error::conn(
                ErrorCode::FRAME_SIZE_ERROR,
                "HEADERS too short for its priority fields",
            ));
        }
        // A self-dependency (RFC 9113 5.3.1) is a stream error, but the frame is still
        // returned: its field block must be decompressed even when the stream is reset
        // (RFC 9113 4.3), so the check is left to `validate_priority`.
        let priority = if head.flags.priority() {
            Some(PrioritySpec::read(&mut payload))
        } else {
            None
        };
        Ok(Headers {
            stream_id: head.stream_id,
            block: payload,
            end_stream: head.flags.end_stream(),
            end_headers: head.flags.end_headers(),
            priority,
            pad_len,
        })
    }

    /// The stream error to answer with when the priority fields make the stream depend on
    /// itself (RFC 9113 5.3.1: "A stream cannot depend on itself. An endpoint MUST treat
    /// this as a stream error (Section 5.4.2) of type PROTOCOL_ERROR.").
    ///
    /// Decoding does not reject such a frame, because the receiver still has to
    /// decompress its field block to keep the HPACK context in sync (RFC 9113 4.3: "An
    /// endpoint receiving HEADERS, PUSH_PROMISE, or CONTINUATION frames needs to reassemble
    /// field blocks and perform decompression even if the frames are to be discarded").
    /// Call this after the block is decoded and reset the stream when it fails.
    pub fn validate_priority(&self) -> Result<(), H2Error> {
        match self.priority {
            Some(spec) => spec.validate(self.stream_id),
            None => Ok(()),
        }
    }

    /// Serializes the frame. The caller splits long blocks into CONTINUATION frames first.
    pub fn encode(&self, dst: &mut BytesMut, max_frame_size: u32) -> Result<(), EncodeError> {
        if self.stream_id.is_zero() {
            return Err(EncodeError::InvalidField("HEADERS on stream 0"));
        }
        let prio = self.priority.map(PrioritySpec::to_bytes);
        let prio: &[u8] = prio.as_ref().map_or(&[], |p| &p[..]);
        let len = self.block.len() + prio.len() + padding_overhead(self.pad_len);
        let length = check_payload_len(len, max_frame_size)?;
        let (prefix, suffix) = padding_parts(self.pad_len);
        let flags = Flags::empty()
            .with_end_stream(self.end_stream)
            .with_end_headers(self.end_headers)
            .with_padded(self.pad_len.is_some())
            .with_priority(self.priority.is_some());
        let head = Head {
            length,
            kind: FrameType::HEADERS,
            flags,
            stream_id: self.stream_id,
        };
        write_frame(dst, head, &[prefix, prio, &self.block, suffix]);
        Ok(())
    }
}
