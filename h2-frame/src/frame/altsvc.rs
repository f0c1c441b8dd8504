//! ALTSVC (RFC 7838 4).

use super::{check_payload_len, write_frame, Frame, Unknown};
use crate::{EncodeError, ErrorCode, Flags, FrameType, H2Error, Head, StreamId};
use bytes::{Buf, Bytes, BytesMut};

/// An ALTSVC frame: an alternative service for an origin (on stream 0) or for the origin
/// of a stream's request (on that stream, with an empty `origin`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AltSvc {
    /// Stream 0, or the stream whose origin is meant.
    pub stream_id: StreamId,
    /// The ASCII origin (empty on a non-zero stream).
    pub origin: Bytes,
    /// The Alt-Svc field value.
    pub field_value: Bytes,
}

impl AltSvc {
    /// Decodes an ALTSVC frame. Frames RFC 7838 4 says to ignore (stream 0 without origin,
    /// stream N with origin) come back as [`Frame::Unknown`] so nothing acts on them.
    pub(crate) fn decode(head: &Head, mut payload: Bytes) -> Result<Frame, H2Error> {
        let raw = payload.clone();
        if payload.len() < 2 {
            return Err(H2Error::conn(
                ErrorCode::FRAME_SIZE_ERROR,
                "ALTSVC shorter than its Origin-Len",
            ));
        }
        let origin_len = payload.get_u16() as usize;
        if origin_len > payload.len() {
            return Err(H2Error::conn(
                ErrorCode::FRAME_SIZE_ERROR,
                "ALTSVC Origin-Len past the frame end",
            ));
        }
        let origin = payload.split_to(origin_len);
        // RFC 7838 4: "An ALTSVC frame on stream 0 with empty (length 0) "Origin" information
        // is invalid and MUST be ignored. An ALTSVC frame on a stream other than stream 0
        // containing non-empty "Origin" information is invalid and MUST be ignored."
        if head.stream_id.is_zero() == origin.is_empty() {
            return Ok(Frame::Unknown(Unknown::from_parts(head, raw)));
        }
        Ok(Frame::AltSvc(AltSvc {
            stream_id: head.stream_id,
            origin,
            field_value: payload,
        }))
    }

    /// Serializes the frame.
    pub fn encode(&self, dst: &mut BytesMut, max_frame_size: u32) -> Result<(), EncodeError> {
        let origin_len = u16::try_from(self.origin.len())
            .map_err(|_| EncodeError::InvalidField("ALTSVC origin longer than 65535"))?;
        let length = check_payload_len(
            2 + self.origin.len() + self.field_value.len(),
            max_frame_size,
        )?;
        let head = Head {
            length,
            kind: FrameType::ALTSVC,
            flags: Flags::empty(),
            stream_id: self.stream_id,
        };
        write_frame(
            dst,
            head,
            &[&origin_len.to_be_bytes(), &self.origin, &self.field_value],
        );
        Ok(())
    }
}
