//! PING (RFC 9113 6.7).

use super::{require_connection, write_frame};
use crate::{ErrorCode, Flags, FrameType, H2Error, Head, StreamId};
use bytes::{Bytes, BytesMut};

/// A PING frame with its 8 opaque octets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ping {
    /// ACK flag: this is a response.
    pub ack: bool,
    /// Opaque data, echoed in the response.
    pub payload: [u8; 8],
}

impl Ping {
    pub(crate) fn decode(head: &Head, payload: Bytes) -> Result<Ping, H2Error> {
        // RFC 9113 6.7: "If a PING frame is received with a Stream Identifier field value
        // other than 0x00, the recipient MUST respond with a connection error of type
        // PROTOCOL_ERROR."
        require_connection(head, "PING on a stream other than 0")?;
        // RFC 9113 6.7: "Receipt of a PING frame with a length field value other than 8 MUST
        // be treated as a connection error of type FRAME_SIZE_ERROR."
        let payload: [u8; 8] = payload[..]
            .try_into()
            .map_err(|_| H2Error::conn(ErrorCode::FRAME_SIZE_ERROR, "PING length is not 8"))?;
        Ok(Ping {
            ack: head.flags.ack(),
            payload,
        })
    }

    /// Serializes the frame (always fits: 8 octets).
    pub fn encode(&self, dst: &mut BytesMut) {
        let head = Head {
            length: 8,
            kind: FrameType::PING,
            flags: Flags::empty().with_ack(self.ack),
            stream_id: StreamId::ZERO,
        };
        write_frame(dst, head, &[&self.payload]);
    }
}
