//! ORIGIN (RFC 8336 2).

use super::{check_payload_len, write_frame, Frame, Unknown};
use crate::{EncodeError, ErrorCode, Flags, FrameType, H2Error, Head, StreamId};
use alloc::vec::Vec;
use bytes::{Buf, BufMut, Bytes, BytesMut};

/// An ORIGIN frame: the origins the server is authoritative for on this connection.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Origin {
    /// ASCII serialized origins, in order.
    pub origins: Vec<Bytes>,
}

impl Origin {
    /// Decodes an ORIGIN frame. RFC 8336 2.1: "The ORIGIN frame MUST be sent on stream 0;
    /// an ORIGIN frame on any other stream is invalid and MUST be ignored" — such frames
    /// come back as [`Frame::Unknown`].
    pub(crate) fn decode(head: &Head, mut payload: Bytes) -> Result<Frame, H2Error> {
        if !head.stream_id.is_zero() {
            return Ok(Frame::Unknown(Unknown::from_parts(head, payload)));
        }
        let mut origins = Vec::new();
        while payload.has_remaining() {
            if payload.len() < 2 {
                return Err(H2Error::conn(
                    ErrorCode::FRAME_SIZE_ERROR,
                    "ORIGIN entry shorter than its length field",
                ));
            }
            let len = payload.get_u16() as usize;
            if len > payload.len() {
                return Err(H2Error::conn(
                    ErrorCode::FRAME_SIZE_ERROR,
                    "ORIGIN entry past the frame end",
                ));
            }
            origins.push(payload.split_to(len));
        }
        Ok(Frame::Origin(Origin { origins }))
    }

    /// Serializes the frame.
    pub fn encode(&self, dst: &mut BytesMut, max_frame_size: u32) -> Result<(), EncodeError> {
        let mut len = 0;
        for origin in &self.origins {
            if origin.len() > u16::MAX as usize {
                return Err(EncodeError::InvalidField("ORIGIN entry longer than 65535"));
            }
            len += 2 + origin.len();
        }
        let length = check_payload_len(len, max_frame_size)?;
        let head = Head {
            length,
            kind: FrameType::ORIGIN,
            flags: Flags::empty(),
            stream_id: StreamId::ZERO,
        };
        write_frame(dst, head, &[]);
        for origin in &self.origins {
            dst.put_u16(origin.len() as u16);
            dst.extend_from_slice(origin);
        }
        Ok(())
    }
}
