//! Frames of unknown type (RFC 9113 4.1, 5.5), kept whole.

use super::{check_payload_len, write_frame};
use crate::{EncodeError, Flags, FrameType, Head, StreamId};
use bytes::{Bytes, BytesMut};

/// A frame we do not interpret: its type, flags, stream and payload as received. Also
/// used for extension frames their RFC says to ignore (a misplaced ALTSVC or ORIGIN).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// The frame type octet.
    pub kind: FrameType,
    /// The flags octet.
    pub flags: Flags,
    /// The stream identifier.
    pub stream_id: StreamId,
    /// The raw payload.
    pub payload: Bytes,
}

impl Unknown {
    pub(crate) fn from_parts(head: &Head, payload: Bytes) -> Unknown {
        Unknown {
            kind: head.kind,
            flags: head.flags,
            stream_id: head.stream_id,
            payload,
        }
    }

    /// Serializes the frame as it is (for sending extension frames).
    pub fn encode(&self, dst: &mut BytesMut, max_frame_size: u32) -> Result<(), EncodeError> {
        let length = check_payload_len(self.payload.len(), max_frame_size)?;
        write_frame(
            dst,
            Head {
                length,
                kind: self.kind,
                flags: self.flags,
                stream_id: self.stream_id,
            },
            &[&self.payload],
        );
        Ok(())
    }
}
