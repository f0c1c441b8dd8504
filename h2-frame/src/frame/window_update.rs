//! WINDOW_UPDATE (RFC 9113 6.9).

use super::write_frame;
use crate::{EncodeError, ErrorCode, Flags, FrameType, H2Error, Head, StreamId, MAX_WINDOW_SIZE};
use bytes::{Buf, Bytes, BytesMut};

/// A WINDOW_UPDATE frame, for a stream or (on stream 0) the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowUpdate {
    /// The stream, or 0 for the connection window.
    pub stream_id: StreamId,
    /// The increment, 1..=2^31-1.
    pub increment: u32,
}

impl WindowUpdate {
    pub(crate) fn decode(head: &Head, mut payload: Bytes) -> Result<WindowUpdate, H2Error> {
        // RFC 9113 6.9: "A WINDOW_UPDATE frame with a length other than 4 octets MUST be
        // treated as a connection error of type FRAME_SIZE_ERROR."
        if payload.len() != 4 {
            return Err(H2Error::conn(
                ErrorCode::FRAME_SIZE_ERROR,
                "WINDOW_UPDATE length is not 4",
            ));
        }
        let increment = payload.get_u32() & MAX_WINDOW_SIZE;
        // RFC 9113 6.9: "A receiver MUST treat the receipt of a WINDOW_UPDATE frame with a
        // flow-control window increment of 0 as a stream error of type PROTOCOL_ERROR;
        // errors on the connection flow-control window MUST be treated as a connection
        // error."
        if increment == 0 {
            return Err(if head.stream_id.is_zero() {
                H2Error::conn(
                    ErrorCode::PROTOCOL_ERROR,
                    "WINDOW_UPDATE increment of 0 on the connection",
                )
            } else {
                H2Error::stream(
                    head.stream_id,
                    ErrorCode::PROTOCOL_ERROR,
                    "WINDOW_UPDATE increment of 0",
                )
            });
        }
        Ok(WindowUpdate {
            stream_id: head.stream_id,
            increment,
        })
    }

    /// Serializes the frame.
    pub fn encode(&self, dst: &mut BytesMut) -> Result<(), EncodeError> {
        if self.increment == 0 || self.increment > MAX_WINDOW_SIZE {
            return Err(EncodeError::InvalidField(
                "WINDOW_UPDATE increment outside 1..=2^31-1",
            ));
        }
        let head = Head {
            length: 4,
            kind: FrameType::WINDOW_UPDATE,
            flags: Flags::empty(),
            stream_id: self.stream_id,
        };
        write_frame(dst, head, &[&self.increment.to_be_bytes()]);
        Ok(())
    }
}
