//! CONTINUATION (RFC 9113 6.10).

use super::{check_payload_len, require_stream, write_frame};
use crate::{EncodeError, Flags, FrameType, H2Error, Head, StreamId};
use bytes::{Bytes, BytesMut};

/// A CONTINUATION frame: a further fragment of a field block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Continuation {
    /// The stream; never 0.
    pub stream_id: StreamId,
    /// The field block fragment.
    pub block: Bytes,
    /// END_HEADERS flag.
    pub end_headers: bool,
}

impl Continuation {
    pub(crate) fn decode(head: &Head, payload: Bytes) -> Result<Continuation, H2Error> {
        // RFC 9113 6.10: "If a CONTINUATION frame is received with a Stream Identifier field
        // of 0x00, the recipient MUST respond with a connection error of type
        // PROTOCOL_ERROR."
        require_stream(head, "CONTINUATION on stream 0")?;
        Ok(Continuation {
            stream_id: head.stream_id,
            block: payload,
            end_headers: head.flags.end_headers(),
        })
    }

    /// Serializes the frame.
    pub fn encode(&self, dst: &mut BytesMut, max_frame_size: u32) -> Result<(), EncodeError> {
        if self.stream_id.is_zero() {
            return Err(EncodeError::InvalidField("CONTINUATION on stream 0"));
        }
        let length = check_payload_len(self.block.len(), max_frame_size)?;
        let flags = Flags::empty().with_end_headers(self.end_headers);
        write_frame(
            dst,
            Head {
                length,
                kind: FrameType::CONTINUATION,
                flags,
                stream_id: self.stream_id,
            },
            &[&self.block],
        );
        Ok(())
    }
}
