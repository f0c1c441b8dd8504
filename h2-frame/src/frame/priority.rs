//! PRIORITY (RFC 9113 6.3) and the priority fields shared with HEADERS.

use super::{require_stream, write_frame};
use crate::{EncodeError, ErrorCode, Flags, FrameType, H2Error, Head, StreamId};
use bytes::{Buf, Bytes, BytesMut};

/// The RFC 7540 priority fields: stream dependency, exclusive bit and weight.
/// Deprecated by RFC 9113 5.3.2 but still parsed and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrioritySpec {
    /// The stream this one depends on.
    pub dependency: StreamId,
    /// The E flag.
    pub exclusive: bool,
    /// Weight minus one, as on the wire (0..=255 means 1..=256).
    pub weight: u8,
}

impl PrioritySpec {
    pub(crate) const LEN: usize = 5;

    pub(crate) fn parse(stream_id: StreamId, payload: &mut Bytes) -> Result<PrioritySpec, H2Error> {
        let word = payload.get_u32();
        let spec = PrioritySpec {
            dependency: StreamId::new(word),
            exclusive: word & 0x8000_0000 != 0,
            weight: payload.get_u8(),
        };
        // RFC 9113 5.3.1: "A stream cannot depend on itself. An endpoint MUST treat this as a
        // stream error (Section 5.4.2) of type PROTOCOL_ERROR."
        if spec.dependency == stream_id {
            return Err(H2Error::stream(
                stream_id,
                ErrorCode::PROTOCOL_ERROR,
                "stream depends on itself",
            ));
        }
        Ok(spec)
    }

    pub(crate) fn to_bytes(self) -> [u8; 5] {
        let word = self.dependency.value() | if self.exclusive { 0x8000_0000 } else { 0 };
        let w = word.to_be_bytes();
        [w[0], w[1], w[2], w[3], self.weight]
    }
}

/// A PRIORITY frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Priority {
    /// The stream whose priority changes; never 0.
    pub stream_id: StreamId,
    /// The new priority.
    pub spec: PrioritySpec,
}

impl Priority {
    pub(crate) fn decode(head: &Head, mut payload: Bytes) -> Result<Priority, H2Error> {
        // RFC 9113 6.3: "If a PRIORITY frame is received with a stream identifier of 0x00,
        // the recipient MUST respond with a connection error of type PROTOCOL_ERROR."
        require_stream(head, "PRIORITY on stream 0")?;
        // RFC 9113 6.3: "A PRIORITY frame with a length other than 5 octets MUST be treated
        // as a stream error (Section 5.4.2) of type FRAME_SIZE_ERROR."
        if payload.len() != PrioritySpec::LEN {
            return Err(H2Error::stream(
                head.stream_id,
                ErrorCode::FRAME_SIZE_ERROR,
                "PRIORITY length is not 5",
            ));
        }
        let spec = PrioritySpec::parse(head.stream_id, &mut payload)?;
        Ok(Priority {
            stream_id: head.stream_id,
            spec,
        })
    }

    /// Serializes the frame.
    pub fn encode(&self, dst: &mut BytesMut) -> Result<(), EncodeError> {
        if self.stream_id.is_zero() {
            return Err(EncodeError::InvalidField("PRIORITY on stream 0"));
        }
        let head = Head {
            length: 5,
            kind: FrameType::PRIORITY,
            flags: Flags::empty(),
            stream_id: self.stream_id,
        };
        write_frame(dst, head, &[&self.spec.to_bytes()]);
        Ok(())
    }
}
