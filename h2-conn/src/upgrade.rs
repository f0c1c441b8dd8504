//! h2c Upgrade (RFC 7540 3.2, kept by RFC 9113 as a deployed practice): the
//! `HTTP2-Settings` header and the half-closed stream 1 carrying the upgraded request.

use crate::connection::{Connection, Phase};
use bytes::{Buf, BytesMut};
use h2_events::{HeaderField, HeaderList, UserError};
use h2_frame::{SettingId, Settings, SettingsFrame, StreamId};
use h2_stream::{KnownValid, Role, ValidationConfig};

impl Connection {
    /// Starts a connection that was upgraded from HTTP/1.1 (`Upgrade: h2c`).
    ///
    /// * Client: call with `None` *before* sending the HTTP/1.1 request; it returns the
    ///   value of the `HTTP2-Settings` header to send with it. Once the server answers
    ///   `101 Switching Protocols`, send [`data_to_send`](Connection::data_to_send)
    ///   (preface + SETTINGS). Stream 1 is half-closed (local): the response arrives on it.
    /// * Server: call with the request's `HTTP2-Settings` header value after sending
    ///   `101`. The client's settings are applied, our SETTINGS is queued, and stream 1 is
    ///   half-closed (remote): send the response to the HTTP/1.1 request on it. With
    ///   `None` no settings are applied (RFC 7540 3.2.1 requires the header on an upgrade
    ///   request; that check is the caller's): the client's arrive in its SETTINGS frame.
    pub fn initiate_upgrade_connection(
        &mut self,
        settings_header: Option<&[u8]>,
    ) -> Result<Option<String>, UserError> {
        if self.phase != Phase::NotStarted {
            return Err(UserError::InvalidState {
                stream_id: StreamId::ZERO,
                why: "connection already initiated",
            });
        }
        // The upgraded request itself was HTTP/1.1; stream 1 stands for it. We do not
        // know its fields here, so validation is off for this one transition.
        let lenient = ValidationConfig {
            validate_inbound_headers: false,
            normalize_inbound_headers: false,
            validate_outbound_headers: false,
            normalize_outbound_headers: false,
            split_outbound_cookies: false,
            allow_status_101: false,
        };
        let request = [
            HeaderField::new(":method", "GET"),
            HeaderField::new(":scheme", "http"),
            HeaderField::new(":path", "/"),
        ];
        let one = StreamId::new(1);
        match (self.role, settings_header) {
            (Role::Client, None) => {
                let value = encode_base64url(&settings_payload(&self.config.initial_settings));
                self.initiate_connection();
                let mut stream = self.new_stream(one);
                stream.send_headers(&request, KnownValid::NONE, true, &lenient)?;
                self.streams.insert(stream);
                Ok(Some(value))
            }
            (Role::Server, header) => {
                // `None`: the caller has no HTTP2-Settings value to apply (hyper-h2
                // allows this); the client's settings then come in its SETTINGS frame.
                let payload = match header {
                    Some(header) => decode_base64url(header)
                        .ok_or(UserError::InvalidSetting("HTTP2-Settings is not base64url"))?,
                    None => Vec::new(),
                };
                if payload.len() % 6 != 0 {
                    return Err(UserError::InvalidSetting(
                        "HTTP2-Settings length is not a multiple of 6",
                    ));
                }
                let mut settings = Settings::new();
                let mut buf = &payload[..];
                while buf.has_remaining() {
                    settings.push(SettingId(buf.get_u16()), buf.get_u32());
                }
                settings
                    .validate()
                    .map_err(|e| UserError::InvalidSetting(e.why()))?;
                // RFC 7540 3.2.1: the header acts as a SETTINGS frame; the 101 response
                // is its acknowledgement.
                let _ = self.remote.apply(&settings);
                self.remote_settings_received = header.is_some();
                if let Some(size) = settings.get(SettingId::HEADER_TABLE_SIZE) {
                    self.hpack_out.set_peer_table_size(size);
                }
                self.initiate_connection();
                let mut stream = self.new_stream(one);
                let mut ignored = Vec::new();
                stream
                    .recv_headers(
                        HeaderList::from(request),
                        KnownValid::NONE,
                        true,
                        None,
                        &lenient,
                        &mut ignored,
                    )
                    .map_err(|_| UserError::InvalidState {
                        stream_id: one,
                        why: "cannot open the upgrade stream",
                    })?;
                self.streams.insert(stream);
                Ok(None)
            }
            (Role::Client, Some(_)) => Err(UserError::WrongRole(
                "the client passes None (the server passes the header value)",
            )),
        }
    }
}

/// The SETTINGS frame payload for `settings` (what HTTP2-Settings carries).
fn settings_payload(settings: &Settings) -> Vec<u8> {
    let mut buf = BytesMut::new();
    SettingsFrame::new(settings.clone())
        .encode(&mut buf, u32::MAX >> 8)
        .expect("settings always encode");
    buf[h2_frame::HEAD_LEN..].to_vec()
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding (RFC 4648 5), as `HTTP2-Settings` requires.
pub(crate) fn encode_base64url(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes base64url, with or without padding; `None` on any other character.
pub(crate) fn decode_base64url(text: &[u8]) -> Option<Vec<u8>> {
    let text: Vec<u8> = text
        .iter()
        .copied()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let v = ALPHABET.iter().position(|&a| a == c)? as u32;
            n |= v << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips() {
        for len in 0..20 {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 250) as u8).collect();
            let text = encode_base64url(&data);
            assert!(!text.contains('='));
            assert_eq!(decode_base64url(text.as_bytes()).unwrap(), data);
        }
        assert_eq!(encode_base64url(b"\xfb\xff"), "-_8");
        assert!(decode_base64url(b"a").is_none());
        assert!(decode_base64url(b"ab+c").is_none());
    }
}
