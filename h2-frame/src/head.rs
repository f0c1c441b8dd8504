//! The 9-octet frame header (RFC 9113 4.1) and the flags octet.

use crate::{FrameType, StreamId};
use bytes::BufMut;
use core::fmt;

/// Length of the frame header in octets.
pub const HEAD_LEN: usize = 9;

/// The flags octet of a frame. Which bits mean what depends on the frame type; the named
/// accessors cover every flag RFC 9113 defines. Unknown bits are kept.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags(pub u8);

impl Flags {
    const END_STREAM: u8 = 0x1;
    const ACK: u8 = 0x1;
    const END_HEADERS: u8 = 0x4;
    const PADDED: u8 = 0x8;
    const PRIORITY: u8 = 0x20;

    /// No flags set.
    pub const fn empty() -> Flags {
        Flags(0)
    }
    /// END_STREAM (DATA, HEADERS).
    pub const fn end_stream(self) -> bool {
        self.0 & Self::END_STREAM != 0
    }
    /// ACK (SETTINGS, PING); the same bit as END_STREAM.
    pub const fn ack(self) -> bool {
        self.0 & Self::ACK != 0
    }
    /// END_HEADERS (HEADERS, PUSH_PROMISE, CONTINUATION).
    pub const fn end_headers(self) -> bool {
        self.0 & Self::END_HEADERS != 0
    }
    /// PADDED (DATA, HEADERS, PUSH_PROMISE).
    pub const fn padded(self) -> bool {
        self.0 & Self::PADDED != 0
    }
    /// PRIORITY (HEADERS).
    pub const fn priority(self) -> bool {
        self.0 & Self::PRIORITY != 0
    }
    /// Sets END_STREAM when `on`.
    pub const fn with_end_stream(self, on: bool) -> Flags {
        self.with(Self::END_STREAM, on)
    }
    /// Sets ACK when `on`.
    pub const fn with_ack(self, on: bool) -> Flags {
        self.with(Self::ACK, on)
    }
    /// Sets END_HEADERS when `on`.
    pub const fn with_end_headers(self, on: bool) -> Flags {
        self.with(Self::END_HEADERS, on)
    }
    /// Sets PADDED when `on`.
    pub const fn with_padded(self, on: bool) -> Flags {
        self.with(Self::PADDED, on)
    }
    /// Sets PRIORITY when `on`.
    pub const fn with_priority(self, on: bool) -> Flags {
        self.with(Self::PRIORITY, on)
    }
    const fn with(self, bit: u8, on: bool) -> Flags {
        if on {
            Flags(self.0 | bit)
        } else {
            Flags(self.0 & !bit)
        }
    }
}

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Flags({:#04x})", self.0)
    }
}

/// A parsed frame header (RFC 9113 4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    /// Payload length (24 bits).
    pub length: u32,
    /// Frame type.
    pub kind: FrameType,
    /// Flags octet.
    pub flags: Flags,
    /// Stream identifier, reserved bit cleared.
    pub stream_id: StreamId,
}

impl Head {
    /// Parses the first [`HEAD_LEN`] octets of `src`; `None` when fewer are available.
    pub fn parse(src: &[u8]) -> Option<Head> {
        let h: &[u8; HEAD_LEN] = src.get(..HEAD_LEN)?.try_into().ok()?;
        Some(Head {
            length: u32::from_be_bytes([0, h[0], h[1], h[2]]),
            kind: FrameType(h[3]),
            flags: Flags(h[4]),
            stream_id: StreamId::new(u32::from_be_bytes([h[5], h[6], h[7], h[8]])),
        })
    }

    /// Writes the 9 header octets. `length` must fit in 24 bits (callers check it against
    /// the maximum frame size first).
    pub fn encode(&self, dst: &mut impl BufMut) {
        // One 9-octet write: two `BufMut` calls cost two capacity checks and cursor moves
        // on every frame we send.
        dst.put_slice(&self.to_bytes());
    }

    /// The 9 header octets. `length` must fit in 24 bits.
    #[inline]
    pub fn to_bytes(&self) -> [u8; HEAD_LEN] {
        debug_assert!(self.length < 1 << 24);
        let [_, l0, l1, l2] = self.length.to_be_bytes();
        let [s0, s1, s2, s3] = self.stream_id.value().to_be_bytes();
        [l0, l1, l2, self.kind.0, self.flags.0, s0, s1, s2, s3]
    }
}
