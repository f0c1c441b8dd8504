//! Frame types (RFC 9113 6, RFC 7838, RFC 8336, RFC 9218).

use crate::error_code::wire_enum;
use core::fmt;

wire_enum! {
    /// A frame type octet. Unknown types are preserved (RFC 9113 4.1: "Implementations MUST
    /// ignore and discard frames of unknown types").
    pub struct FrameType(u8);
    /// DATA (RFC 9113 6.1).
    DATA = 0x0,
    /// HEADERS (RFC 9113 6.2).
    HEADERS = 0x1,
    /// PRIORITY (RFC 9113 6.3).
    PRIORITY = 0x2,
    /// RST_STREAM (RFC 9113 6.4).
    RST_STREAM = 0x3,
    /// SETTINGS (RFC 9113 6.5).
    SETTINGS = 0x4,
    /// PUSH_PROMISE (RFC 9113 6.6).
    PUSH_PROMISE = 0x5,
    /// PING (RFC 9113 6.7).
    PING = 0x6,
    /// GOAWAY (RFC 9113 6.8).
    GOAWAY = 0x7,
    /// WINDOW_UPDATE (RFC 9113 6.9).
    WINDOW_UPDATE = 0x8,
    /// CONTINUATION (RFC 9113 6.10).
    CONTINUATION = 0x9,
    /// ALTSVC (RFC 7838 4).
    ALTSVC = 0xa,
    /// ORIGIN (RFC 8336 2).
    ORIGIN = 0xc,
    /// PRIORITY_UPDATE (RFC 9218 7.1).
    PRIORITY_UPDATE = 0x10,
}
