//! Pulled bodies: a [`BodySource`] the connection asks for data when it can send some,
//! so a large or generated body never sits in memory all at once.

use bytes::Bytes;

/// What a [`BodySource`] hands over when asked for at most `max` octets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pull {
    /// The next octets of the body (at most `max`; any excess is kept queued, counted
    /// against the stream's send buffer). An empty chunk is the same as `Pending`.
    Data(Bytes),
    /// The last octets of the body (may be empty): the DATA frame that carries them ends
    /// the stream.
    Last(Bytes),
    /// The source is finished without ending the stream: whatever was queued behind it
    /// (more data, trailers, the end) is sent next.
    Done,
    /// Nothing is available now: the connection stops asking until
    /// [`Connection::resume_source`](crate::Connection::resume_source) is called for
    /// the stream.
    Pending,
}

/// A body the connection pulls from when flow control lets it send, like nghttp2's data
/// provider: register it with
/// [`Connection::queue_source`](crate::Connection::queue_source).
///
/// `pull` is called while output is taken (`data_to_send*`), at most once per DATA frame,
/// with `max` no larger than both windows and the peer's SETTINGS_MAX_FRAME_SIZE.
/// Returning `Bytes` that view memory the source owns (`Bytes::from_static`,
/// `Bytes::from(vec)`, slices of a file mapped once) keeps the body zero-copy through
/// [`Connection::data_to_send_vectored`](crate::Connection::data_to_send_vectored).
///
/// ```
/// use h2_conn::{BodySource, Bytes, Pull};
///
/// /// `len` zero octets, made as they are needed.
/// struct Zeros { left: usize }
///
/// impl BodySource for Zeros {
///     fn pull(&mut self, max: usize) -> Pull {
///         static ZEROS: [u8; 16_384] = [0; 16_384];
///         let n = self.left.min(max).min(ZEROS.len());
///         self.left -= n;
///         let chunk = Bytes::from_static(&ZEROS[..n]);
///         if self.left == 0 { Pull::Last(chunk) } else { Pull::Data(chunk) }
///     }
/// }
/// ```
pub trait BodySource: Send {
    /// The next part of the body, at most `max` octets (`max` > 0).
    fn pull(&mut self, max: usize) -> Pull;
}

/// A body already in memory, handed out in slices of itself (no copy): queue it with
/// [`Connection::queue_source`](crate::Connection::queue_source) when it is larger than
/// the send buffer takes at once (`queue_data` of a large body is refused while the
/// buffer is at its mark; a source is pulled only as windows open and costs the buffer
/// nothing).
///
/// ```
/// use h2_conn::{BodySource, Bytes, Pull};
/// let mut body = Bytes::from(vec![1u8; 40_000]);
/// assert_eq!(body.pull(16_384), Pull::Data(Bytes::from(vec![1u8; 16_384])));
/// assert_eq!(body.pull(16_384), Pull::Data(Bytes::from(vec![1u8; 16_384])));
/// assert_eq!(body.pull(16_384), Pull::Last(Bytes::from(vec![1u8; 7_232])));
/// ```
impl BodySource for Bytes {
    fn pull(&mut self, max: usize) -> Pull {
        let chunk = self.split_to(max.min(self.len()));
        if self.is_empty() {
            Pull::Last(chunk)
        } else {
            Pull::Data(chunk)
        }
    }
}

impl std::fmt::Debug for dyn BodySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BodySource")
    }
}
