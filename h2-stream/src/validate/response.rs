//! Response control data (RFC 9113 8.3.2, 8.6).

use super::Pseudo;

/// Parses `:status`: exactly three digits, 100..=599 (RFC 9110 15).
pub(super) fn parse_status(value: &[u8]) -> Option<u16> {
    match *value {
        [a @ b'1'..=b'5', b @ b'0'..=b'9', c @ b'0'..=b'9'] => {
            Some(u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0'))
        }
        _ => None,
    }
}

/// The response rules; returns the status code.
pub(super) fn check(p: &Pseudo<'_>, allow_101: bool) -> Result<u16, &'static str> {
    // RFC 9113 8.3.2: ":status MUST be included in all responses, including interim
    // responses; otherwise, the response is malformed".
    let status = p.status.ok_or("response without :status")?;
    let status = parse_status(status).ok_or("invalid :status")?;
    // RFC 9113 8.6: "HTTP/2 does not support the 101 (Switching Protocols) informational
    // status code".
    if status == 101 && !allow_101 {
        return Err(":status 101 is not allowed in HTTP/2");
    }
    Ok(status)
}
