//! PRIORITY_UPDATE (RFC 9218 7.1).

use super::{check_payload_len, require_connection, write_frame};
use crate::{EncodeError, ErrorCode, Flags, FrameType, H2Error, Head, StreamId};
use bytes::{Buf, Bytes, BytesMut};

/// A PRIORITY_UPDATE frame carrying a Priority Field Value (e.g. `u=1, i`) for a request
/// stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriorityUpdate {
    /// The stream whose priority changes; never 0.
    pub prioritized_stream_id: StreamId,
    /// The ASCII Priority Field Value (RFC 9218 4).
    pub field_value: Bytes,
}

impl PriorityUpdate {
    pub(crate) fn decode(head: &Head, mut payload: Bytes) -> Result<PriorityUpdate, H2Error> {
        // RFC 9218 7.1: "PRIORITY_UPDATE frames ... MUST be sent on stream 0 ... If a
        // PRIORITY_UPDATE frame is received with a Stream Identifier of anything other than
        // 0x00, the recipient MUST respond with a connection error of type PROTOCOL_ERROR."
        require_connection(head, "PRIORITY_UPDATE on a stream other than 0")?;
        if payload.len() < 4 {
            return Err(H2Error::conn(
                ErrorCode::FRAME_SIZE_ERROR,
                "PRIORITY_UPDATE shorter than 4 octets",
            ));
        }
        let prioritized_stream_id = StreamId::new(payload.get_u32());
        // RFC 9218 7.1: "a Prioritized Stream ID of 0x00 ... MUST respond with a connection
        // error of type PROTOCOL_ERROR."
        if prioritized_stream_id.is_zero() {
            return Err(H2Error::conn(
                ErrorCode::PROTOCOL_ERROR,
                "PRIORITY_UPDATE for stream 0",
            ));
        }
        Ok(PriorityUpdate {
            prioritized_stream_id,
            field_value: payload,
        })
    }

    /// Serializes the frame.
    pub fn encode(&self, dst: &mut BytesMut, max_frame_size: u32) -> Result<(), EncodeError> {
        if self.prioritized_stream_id.is_zero() {
            return Err(EncodeError::InvalidField("PRIORITY_UPDATE for stream 0"));
        }
        let length = check_payload_len(4 + self.field_value.len(), max_frame_size)?;
        let head = Head {
            length,
            kind: FrameType::PRIORITY_UPDATE,
            flags: Flags::empty(),
            stream_id: StreamId::ZERO,
        };
        write_frame(
            dst,
            head,
            &[
                &self.prioritized_stream_id.value().to_be_bytes(),
                &self.field_value,
            ],
        );
        Ok(())
    }
}
