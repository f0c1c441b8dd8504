//! RST_STREAM (RFC 9113 6.4).

use super::{require_stream, write_frame};
use crate::{EncodeError, ErrorCode, Flags, FrameType, H2Error, Head, StreamId};
use bytes::{Buf, Bytes, BytesMut};

/// An RST_STREAM frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RstStream {
    /// The stream to reset; never 0.
    pub stream_id: StreamId,
    /// Why.
    pub code: ErrorCode,
}

impl RstStream {
    pub(crate) fn decode(head: &Head, mut payload: Bytes) -> Result<RstStream, H2Error> {
        // RFC 9113 6.4: "If a RST_STREAM frame is received with a stream identifier of 0x00,
        // the recipient MUST treat this as a connection error of type PROTOCOL_ERROR."
        require_stream(head, "RST_STREAM on stream 0")?;
        // RFC 9113 6.4: "A RST_STREAM frame with a length other than 4 octets MUST be treated
        // as a connection error of type FRAME_SIZE_ERROR."
        if payload.len() != 4 {
            return Err(H2Error::conn(
                ErrorCode::FRAME_SIZE_ERROR,
                "RST_STREAM length is not 4",
            ));
        }
        Ok(RstStream {
            stream_id: head.stream_id,
            code: ErrorCode(payload.get_u32()),
        })
    }

    /// Serializes the frame.
    pub fn encode(&self, dst: &mut BytesMut) -> Result<(), EncodeError> {
        if self.stream_id.is_zero() {
            return Err(EncodeError::InvalidField("RST_STREAM on stream 0"));
        }
        let head = Head {
            length: 4,
            kind: FrameType::RST_STREAM,
            flags: Flags::empty(),
            stream_id: self.stream_id,
        };
        write_frame(dst, head, &[&self.code.0.to_be_bytes()]);
        Ok(())
    }
}
