//! GOAWAY (RFC 9113 6.8).

use super::{check_payload_len, require_connection, write_frame};
use crate::{EncodeError, ErrorCode, Flags, FrameType, H2Error, Head, StreamId};
use bytes::{Buf, Bytes, BytesMut};

/// A GOAWAY frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoAway {
    /// The highest stream the sender might have processed.
    pub last_stream_id: StreamId,
    /// Why the connection is closing.
    pub code: ErrorCode,
    /// Opaque diagnostic data.
    pub debug_data: Bytes,
}

impl GoAway {
    pub(crate) fn decode(head: &Head, mut payload: Bytes) -> Result<GoAway, H2Error> {
        // RFC 9113 6.8: "An endpoint MUST treat a GOAWAY frame with a stream identifier other
        // than 0x00 as a connection error of type PROTOCOL_ERROR."
        require_connection(head, "GOAWAY on a stream other than 0")?;
        if payload.len() < 8 {
            return Err(H2Error::conn(
                ErrorCode::FRAME_SIZE_ERROR,
                "GOAWAY shorter than 8 octets",
            ));
        }
        let last_stream_id = StreamId::new(payload.get_u32());
        let code = ErrorCode(payload.get_u32());
        Ok(GoAway {
            last_stream_id,
            code,
            debug_data: payload,
        })
    }

    /// Serializes the frame.
    pub fn encode(&self, dst: &mut BytesMut, max_frame_size: u32) -> Result<(), EncodeError> {
        let length = check_payload_len(8 + self.debug_data.len(), max_frame_size)?;
        let head = Head {
            length,
            kind: FrameType::GOAWAY,
            flags: Flags::empty(),
            stream_id: StreamId::ZERO,
        };
        write_frame(
            dst,
            head,
            &[
                &self.last_stream_id.value().to_be_bytes(),
                &self.code.0.to_be_bytes(),
                &self.debug_data,
            ],
        );
        Ok(())
    }
}
