//! Stream identifiers (RFC 9113 5.1.1).

use core::fmt;

/// A 31-bit stream identifier (RFC 9113 5.1.1). The reserved high bit is always clear.
///
/// ```
/// use h2_frame::StreamId;
/// let id = StreamId::new(1);
/// assert!(id.is_client_initiated());
/// assert_eq!(id.next_for_same_peer(), Some(StreamId::new(3)));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StreamId(u32);

impl StreamId {
    /// Stream 0: the connection itself.
    pub const ZERO: StreamId = StreamId(0);
    /// The largest stream identifier, 2^31 - 1.
    pub const MAX: StreamId = StreamId(0x7fff_ffff);

    /// Makes a stream id from a value, clearing the reserved high bit (RFC 9113 4.1:
    /// "MUST be ignored when receiving").
    pub const fn new(value: u32) -> StreamId {
        StreamId(value & 0x7fff_ffff)
    }

    /// The numeric value.
    pub const fn value(self) -> u32 {
        self.0
    }

    /// Whether this is stream 0, the connection control stream.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Odd ids are opened by clients (RFC 9113 5.1.1).
    pub const fn is_client_initiated(self) -> bool {
        self.0 % 2 == 1
    }

    /// Even, non-zero ids are opened by servers (RFC 9113 5.1.1).
    pub const fn is_server_initiated(self) -> bool {
        self.0 != 0 && self.0 % 2 == 0
    }

    /// The next id the same peer may use, or `None` once the 31-bit space is exhausted.
    pub const fn next_for_same_peer(self) -> Option<StreamId> {
        if self.0 >= 0x7fff_fffe {
            None
        } else {
            Some(StreamId(self.0 + 2))
        }
    }
}

impl From<u32> for StreamId {
    fn from(value: u32) -> Self {
        StreamId::new(value)
    }
}

impl From<StreamId> for u32 {
    fn from(id: StreamId) -> u32 {
        id.0
    }
}

impl fmt::Debug for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StreamId({})", self.0)
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}
