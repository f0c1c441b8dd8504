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

    /// Priority fields with the weight as RFC 7540 5.3.2 and hyper-h2 state it, 1..=256
    /// (values outside are clamped); the `weight` field holds it minus one, as on the wire.
    ///
    /// ```
    /// use h2_frame::{PrioritySpec, StreamId};
    /// let spec = PrioritySpec::from_weight(StreamId::new(3), true, 256);
    /// assert_eq!(spec, PrioritySpec { dependency: StreamId::new(3), exclusive: true, weight: 255 });
    /// ```
    pub fn from_weight(dependency: StreamId, exclusive: bool, weight: u16) -> PrioritySpec {
        PrioritySpec {
            dependency,
            exclusive,
            weight: (weight.clamp(1, 256) - 1) as u8,
        }
    }

    /// Reads the 5 octets of priority fields; the caller checked that they are there.
    pub(crate) fn read(payload: &mut Bytes) -> PrioritySpec {
        let word = payload.get_u32();
        PrioritySpec {
            dependency: StreamId::new(word),
            exclusive: word & 0x8000_0000 != 0,
            weight: payload.get_u8(),
        }
    }

    /// Checks the fields for the stream `stream_id` they were received on.
    ///
    /// RFC 9113 5.3.1: "A stream cannot depend on itself. An endpoint MUST treat this as a
    /// stream error (Section 5.4.2) of type PROTOCOL_ERROR."
    ///
    /// ```
    /// use h2_frame::{ErrorCode, PrioritySpec, StreamId};
    /// let spec = PrioritySpec { dependency: StreamId::new(3), exclusive: false, weight: 15 };
    /// assert!(spec.validate(StreamId::new(1)).is_ok());
    /// let err = spec.validate(StreamId::new(3)).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::PROTOCOL_ERROR);
    /// assert!(!err.is_connection_error());
    /// ```
    pub fn validate(self, stream_id: StreamId) -> Result<(), H2Error> {
        if self.dependency == stream_id {
            return Err(H2Error::stream(
                stream_id,
                ErrorCode::PROTOCOL_ERROR,
                "stream depends on itself",
            ));
        }
        Ok(())
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
        let spec = PrioritySpec::read(&mut payload);
        spec.validate(head.stream_id)?;
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
