//! SETTINGS (RFC 9113 6.5).

use super::{check_payload_len, require_connection, write_frame};
use crate::{
    EncodeError, ErrorCode, Flags, FrameType, H2Error, Head, SettingId, Settings, StreamId,
};
use bytes::{Buf, BufMut, Bytes, BytesMut};

/// A SETTINGS frame: either a list of settings or an acknowledgement (empty).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SettingsFrame {
    /// ACK flag; an ACK carries no settings.
    pub ack: bool,
    /// The settings, in wire order.
    pub settings: Settings,
}

impl SettingsFrame {
    /// A SETTINGS frame carrying `settings`.
    pub fn new(settings: Settings) -> SettingsFrame {
        SettingsFrame {
            ack: false,
            settings,
        }
    }

    /// A SETTINGS acknowledgement.
    pub fn ack() -> SettingsFrame {
        SettingsFrame {
            ack: true,
            settings: Settings::new(),
        }
    }

    pub(crate) fn decode(head: &Head, mut payload: Bytes) -> Result<SettingsFrame, H2Error> {
        // RFC 9113 6.5: "If an endpoint receives a SETTINGS frame whose Stream Identifier
        // field is anything other than 0x00, the endpoint MUST respond with a connection
        // error of type PROTOCOL_ERROR."
        require_connection(head, "SETTINGS on a stream other than 0")?;
        if head.flags.ack() {
            // RFC 9113 6.5: "Receipt of a SETTINGS frame with the ACK flag set and a length
            // field value other than 0 MUST be treated as a connection error of type
            // FRAME_SIZE_ERROR."
            if !payload.is_empty() {
                return Err(H2Error::conn(
                    ErrorCode::FRAME_SIZE_ERROR,
                    "SETTINGS ACK with a payload",
                ));
            }
            return Ok(SettingsFrame::ack());
        }
        // RFC 9113 6.5: "A SETTINGS frame with a length other than a multiple of 6 octets
        // MUST be treated as a connection error of type FRAME_SIZE_ERROR."
        if payload.len() % 6 != 0 {
            return Err(H2Error::conn(
                ErrorCode::FRAME_SIZE_ERROR,
                "SETTINGS length is not a multiple of 6",
            ));
        }
        let mut settings = Settings::new();
        while payload.has_remaining() {
            settings.push(SettingId(payload.get_u16()), payload.get_u32());
        }
        settings.validate()?;
        Ok(SettingsFrame {
            ack: false,
            settings,
        })
    }

    /// Serializes the frame.
    pub fn encode(&self, dst: &mut BytesMut, max_frame_size: u32) -> Result<(), EncodeError> {
        if self.ack && !self.settings.is_empty() {
            return Err(EncodeError::InvalidField("SETTINGS ACK with settings"));
        }
        let length = check_payload_len(self.settings.len() * 6, max_frame_size)?;
        let head = Head {
            length,
            kind: FrameType::SETTINGS,
            flags: Flags::empty().with_ack(self.ack),
            stream_id: StreamId::ZERO,
        };
        write_frame(dst, head, &[]);
        for (id, value) in self.settings.iter() {
            dst.put_u16(id.0);
            dst.put_u32(value);
        }
        Ok(())
    }
}
