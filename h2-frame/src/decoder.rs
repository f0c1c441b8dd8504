//! The streaming frame decoder: bytes in any chunking, frames out.

use crate::{ErrorCode, Frame, H2Error, Head, DEFAULT_MAX_FRAME_SIZE, HEAD_LEN};
use bytes::{Buf, Bytes, BytesMut};

/// Turns a byte stream, fed in chunks of any size, into [`Frame`]s.
///
/// Input handed over with [`push_bytes`](FrameDecoder::push_bytes) is sliced, not copied:
/// a frame that lies whole inside one chunk comes out as views of that chunk. Only a frame
/// that straddles chunks is assembled in an internal buffer, and that buffer never holds
/// more than one frame header plus SETTINGS_MAX_FRAME_SIZE octets, because the length is
/// checked (RFC 9113 4.2) before any payload is buffered.
///
/// After a connection error the decoder is finished: every later call returns the same
/// error. Stream errors consume the offending frame and decoding can go on.
///
/// ```
/// use h2_frame::{Frame, FrameDecoder};
/// let mut decoder = FrameDecoder::new(16_384);
/// // A SETTINGS ACK, fed one byte at a time.
/// for byte in [0u8, 0, 0, 4, 1, 0, 0, 0, 0] {
///     decoder.push_slice(&[byte]);
/// }
/// assert!(matches!(decoder.next_frame(), Ok(Some(Frame::Settings(s))) if s.ack));
/// assert!(matches!(decoder.next_frame(), Ok(None)));
/// ```
#[derive(Debug)]
pub struct FrameDecoder {
    max_frame_size: u32,
    /// A frame straddling chunks, assembled here (at most one frame).
    partial: BytesMut,
    /// Input not yet looked at, sliced from directly.
    input: Bytes,
    failed: Option<H2Error>,
}

impl Default for FrameDecoder {
    fn default() -> Self {
        FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE)
    }
}

impl FrameDecoder {
    /// A decoder enforcing `max_frame_size`, our SETTINGS_MAX_FRAME_SIZE.
    pub fn new(max_frame_size: u32) -> FrameDecoder {
        FrameDecoder {
            max_frame_size,
            partial: BytesMut::new(),
            input: Bytes::new(),
            failed: None,
        }
    }

    /// The largest payload accepted.
    pub fn max_frame_size(&self) -> u32 {
        self.max_frame_size
    }

    /// Changes the largest payload accepted (when our SETTINGS_MAX_FRAME_SIZE is
    /// acknowledged).
    pub fn set_max_frame_size(&mut self, max_frame_size: u32) {
        self.max_frame_size = max_frame_size;
    }

    /// Hands over received bytes without copying them.
    // Inlined: as a call its `Bytes` argument was copied through the stack with wider
    // loads than the stores that had just written it (a stall per input chunk).
    #[inline]
    pub fn push_bytes(&mut self, data: Bytes) {
        if data.is_empty() {
            return;
        }
        if self.input.is_empty() {
            self.input = data;
        } else {
            // Pushed before the previous input was drained: keep byte order by moving the
            // old input behind the partial frame. Callers that drain first never pay this.
            self.partial.extend_from_slice(&self.input);
            self.partial.extend_from_slice(&data);
            self.input = Bytes::new();
        }
    }

    /// How many of the octets `next` the frame the decoder holds the start of still
    /// needs: 0 when it holds nothing (as after a connection error, which drops what it
    /// held); all of `next` when they do not complete it, or when its header (completed
    /// from `next` if need be) announces more than SETTINGS_MAX_FRAME_SIZE. For callers that hand over
    /// only whole frames ([`whole_frames_len`](FrameDecoder::whole_frames_len)) and so
    /// first complete the one a `Bytes` input left here. Call when drained (after
    /// [`next_frame`](FrameDecoder::next_frame) returned `Ok(None)`).
    ///
    /// ```
    /// use h2_frame::FrameDecoder;
    /// let mut decoder = FrameDecoder::new(16_384);
    /// // The first 5 octets of a PING header (8 octets of payload).
    /// decoder.push_slice(&[0, 0, 8, 6, 0]);
    /// assert_eq!(decoder.next_frame(), Ok(None));
    /// assert_eq!(decoder.octets_to_complete(&[0; 20]), 4 + 8);
    /// assert_eq!(decoder.octets_to_complete(&[0; 3]), 3);
    /// ```
    pub fn octets_to_complete(&self, next: &[u8]) -> usize {
        let held = self.buffered_len();
        if held == 0 {
            return 0;
        }
        let mut header = [0u8; HEAD_LEN];
        let known = self.partial.iter().chain(self.input.iter()).chain(next);
        let mut n = 0;
        for (slot, &octet) in header.iter_mut().zip(known) {
            *slot = octet;
            n += 1;
        }
        match Head::parse(&header[..n]) {
            Some(head) if head.length <= self.max_frame_size => (HEAD_LEN + head.length as usize)
                .saturating_sub(held)
                .min(next.len()),
            _ => next.len(),
        }
    }

    /// Takes `chunk` when it is exactly one frame header announcing a payload (within
    /// SETTINGS_MAX_FRAME_SIZE) and nothing is buffered: the header is kept (9 octets
    /// copied) as the start of the next frame, so that a payload pushed next is read
    /// where it lies, with no pass over the header alone. `false` otherwise, taking
    /// nothing: push the chunk as usual. For readers of vectored writers, which send
    /// each DATA frame as a header chunk and a payload chunk.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use h2_frame::{FrameDecoder, FrameType};
    /// let mut decoder = FrameDecoder::new(16_384);
    /// // DATA, END_STREAM, stream 1, 5 octets: the header, then its payload.
    /// assert!(decoder.push_header_alone(&[0, 0, 5, 0, 1, 0, 0, 0, 1]));
    /// decoder.push_bytes(Bytes::from_static(b"hello"));
    /// let (head, payload) = decoder.peek_whole().unwrap();
    /// assert_eq!((head.kind, payload), (FrameType::DATA, &b"hello"[..]));
    /// // A frame with no payload is whole in its header: not taken.
    /// let mut decoder = FrameDecoder::new(16_384);
    /// assert!(!decoder.push_header_alone(&[0, 0, 0, 4, 1, 0, 0, 0, 0]));
    /// ```
    #[inline]
    pub fn push_header_alone(&mut self, chunk: &[u8]) -> bool {
        let taken = chunk.len() == HEAD_LEN
            && self.failed.is_none()
            && self.partial.is_empty()
            && self.input.is_empty()
            && Head::parse(chunk).is_some_and(|h| h.length > 0 && h.length <= self.max_frame_size);
        if taken {
            self.partial.extend_from_slice(chunk);
        }
        taken
    }

    /// Hands over received bytes by copying them.
    pub fn push_slice(&mut self, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        if self.partial.is_empty() && self.input.is_empty() {
            self.input = Bytes::copy_from_slice(data);
        } else {
            self.partial.extend_from_slice(&self.input);
            self.partial.extend_from_slice(data);
            self.input = Bytes::new();
        }
    }

    /// Number of received octets not yet returned as frames.
    #[inline]
    pub fn buffered_len(&self) -> usize {
        self.partial.len() + self.input.len()
    }

    /// The next complete frame, `Ok(None)` when more bytes are needed.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, H2Error> {
        if let Some(err) = self.failed {
            return Err(err);
        }
        match self.next_raw() {
            Ok(None) => Ok(None),
            Ok(Some((head, payload))) => match Frame::decode(head, payload) {
                Ok(frame) => Ok(Some(frame)),
                Err(err) => Err(self.fail(err)),
            },
            Err(err) => Err(self.fail(err)),
        }
    }

    /// The next frame, borrowed, when it lies whole in the input chunk at hand (or its
    /// header came alone in the chunk before and its payload lies whole in this one, as
    /// vectored writers send them) and within SETTINGS_MAX_FRAME_SIZE: its header and its
    /// payload (padding and all, as on the wire). `None` otherwise
    /// ([`next_frame`](FrameDecoder::next_frame) then assembles it, or reports the error). A caller that handles the frame from the borrowed
    /// payload drops it with [`skip_peeked`](FrameDecoder::skip_peeked), or takes the
    /// payload with [`take_peeked`](FrameDecoder::take_peeked); nothing else changes until
    /// then.
    ///
    /// This is for frames whose payload is only read (a field block decoded where it
    /// lies), not kept: no `Bytes` handle is made for them, so no reference count moves;
    /// and for frames the caller takes apart itself without building a [`Frame`].
    ///
    /// ```
    /// use h2_frame::{FrameDecoder, FrameType};
    /// let mut decoder = FrameDecoder::new(16_384);
    /// // HEADERS, END_HEADERS, stream 1, block 0x82; then a PING ACK starts.
    /// decoder.push_slice(&[0, 0, 1, 1, 4, 0, 0, 0, 1, 0x82, 0, 0, 8]);
    /// let (head, payload) = decoder.peek_whole().unwrap();
    /// assert_eq!((head.kind, payload), (FrameType::HEADERS, &[0x82][..]));
    /// decoder.skip_peeked(&head);
    /// assert!(decoder.peek_whole().is_none()); // the PING is not all there
    /// assert_eq!(decoder.buffered_len(), 3);
    /// ```
    #[inline]
    pub fn peek_whole(&self) -> Option<(Head, &[u8])> {
        if self.failed.is_some() {
            return None;
        }
        // Where the header is: at the front of the input, or alone in the partial buffer
        // (a header that came in a chunk of its own); the payload follows in the input.
        let (header, payload_at) = match self.partial.len() {
            0 => (&self.input[..], HEAD_LEN),
            HEAD_LEN => (&self.partial[..], 0),
            _ => return None,
        };
        let head = Head::parse(header)?;
        if head.length > self.max_frame_size {
            return None;
        }
        let payload = self
            .input
            .get(payload_at..payload_at + head.length as usize)?;
        Some((head, payload))
    }

    /// Takes the frame [`peek_whole`](FrameDecoder::peek_whole) returned with `head`: its
    /// payload, as a view of the input (no copy).
    #[inline]
    pub fn take_peeked(&mut self, head: &Head) -> Bytes {
        self.debug_check_peeked(head);
        let header = self.peeked_header_len();
        let total = header + head.length as usize;
        // The last frame of the chunk takes the chunk's handle itself (no reference-count
        // increment for an empty remainder), as `next_frame` does.
        let mut frame = if total >= self.input.len() {
            core::mem::take(&mut self.input)
        } else {
            self.input.split_to(total)
        };
        frame.advance(header.min(frame.len()));
        frame
    }

    /// Drops the frame [`peek_whole`](FrameDecoder::peek_whole) returned with `head`.
    #[inline]
    pub fn skip_peeked(&mut self, head: &Head) {
        self.debug_check_peeked(head);
        let header = self.peeked_header_len();
        let n = (header + head.length as usize).min(self.input.len());
        if n == self.input.len() {
            self.input = Bytes::new();
        } else {
            self.input.advance(n);
        }
    }

    /// How many octets of the peeked frame's header are in the input: none when it came
    /// in an earlier chunk (it is dropped from the partial buffer here).
    #[inline]
    fn peeked_header_len(&mut self) -> usize {
        if self.partial.is_empty() {
            HEAD_LEN
        } else {
            self.partial.clear();
            0
        }
    }

    /// Debug builds: `head` must be the one `peek_whole` would return now (a caller that
    /// skipped or took another frame would desynchronize the stream).
    fn debug_check_peeked(&self, head: &Head) {
        debug_assert!(
            self.peek_whole().map(|(h, _)| h).as_ref() == Some(head),
            "take_peeked/skip_peeked without the frame peek_whole returned"
        );
    }

    fn fail(&mut self, err: H2Error) -> H2Error {
        if err.is_connection_error() {
            self.failed = Some(err);
            self.partial = BytesMut::new();
            self.input = Bytes::new();
        }
        err
    }

    /// RFC 9113 4.2: "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame
    /// exceeds the size defined in SETTINGS_MAX_FRAME_SIZE". We always make it a connection
    /// error: we will not buffer the payload to skip it.
    fn check_head(&self, head: &Head) -> Result<(), H2Error> {
        if head.length > self.max_frame_size {
            return Err(H2Error::conn(
                ErrorCode::FRAME_SIZE_ERROR,
                "frame larger than SETTINGS_MAX_FRAME_SIZE",
            ));
        }
        Ok(())
    }

    /// Cuts the next whole frame (header parsed, payload as `Bytes`) out of the input.
    fn next_raw(&mut self) -> Result<Option<(Head, Bytes)>, H2Error> {
        if self.partial.is_empty() {
            // Fast path: the frame lies whole in the input chunk; slice it.
            let Some(head) = Head::parse(&self.input) else {
                self.stash_input(self.input.len());
                return Ok(None);
            };
            self.check_head(&head)?;
            let total = HEAD_LEN + head.length as usize;
            if self.input.len() >= total {
                // The last frame of a chunk takes the chunk's handle itself: splitting it
                // off would cost a reference-count increment (an atomic operation) for
                // an empty remainder.
                let mut frame = if self.input.len() == total {
                    core::mem::take(&mut self.input)
                } else {
                    self.input.split_to(total)
                };
                frame.advance(HEAD_LEN);
                return Ok(Some((head, frame)));
            }
            self.stash_input(self.input.len());
            return Ok(None);
        }
        // Slow path: complete the header, then the payload, copying only what this frame
        // needs from the input.
        if self.partial.len() < HEAD_LEN {
            self.stash_input(HEAD_LEN - self.partial.len());
            if self.partial.len() < HEAD_LEN {
                return Ok(None);
            }
        }
        let head = Head::parse(&self.partial).expect("partial holds a whole header");
        self.check_head(&head)?;
        let total = HEAD_LEN + head.length as usize;
        // The header came in one chunk and the whole payload in the next (a writer that
        // sends frame headers and payloads as separate buffers): slice the payload, no copy.
        if self.partial.len() == HEAD_LEN && self.input.len() >= head.length as usize {
            self.partial.clear();
            return Ok(Some((head, self.input.split_to(head.length as usize))));
        }
        self.stash_input(total.saturating_sub(self.partial.len()));
        if self.partial.len() < total {
            return Ok(None);
        }
        let mut frame = self.partial.split_to(total).freeze();
        frame.advance(HEAD_LEN);
        Ok(Some((head, frame)))
    }

    /// The length of the longest prefix of `buf` made of whole frames; `buf.len()` when a
    /// frame header in it announces more than SETTINGS_MAX_FRAME_SIZE (the decoder is
    /// to report that frame, not wait for it). For callers that keep a frame cut off at
    /// the end of their buffer and hand over only whole frames: the kept part is shorter
    /// than one frame of the largest size allowed.
    ///
    /// ```
    /// use h2_frame::FrameDecoder;
    /// let decoder = FrameDecoder::new(16_384);
    /// // A PING (8 octets of payload) and the first 4 octets of the next header.
    /// let mut buf = vec![0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8];
    /// buf.extend_from_slice(&[0, 0, 4, 8]);
    /// assert_eq!(decoder.whole_frames_len(&buf), 17);
    /// ```
    pub fn whole_frames_len(&self, buf: &[u8]) -> usize {
        let mut at = 0;
        while let Some(head) = buf.get(at..).and_then(Head::parse) {
            if head.length > self.max_frame_size {
                return buf.len();
            }
            let end = at + HEAD_LEN + head.length as usize;
            if end > buf.len() {
                break;
            }
            at = end;
        }
        at
    }

    /// Moves up to `n` octets from the input to the partial-frame buffer.
    fn stash_input(&mut self, n: usize) {
        let n = n.min(self.input.len());
        self.partial.extend_from_slice(&self.input[..n]);
        self.input.advance(n);
    }

    /// Lets go of the input chunk once every octet of it has been taken (parsed, or
    /// copied into the partial-frame buffer), rather than keeping an empty view of it: a
    /// caller that shared its buffer with us (as `Bytes`) gets it back to itself once the
    /// frames' payloads are dropped. Call when done feeding, not per frame: dropping the
    /// view is an atomic operation, which right after the copy of a partial frame waited
    /// for that copy's stores.
    #[inline]
    pub fn release_spent_input(&mut self) {
        if self.input.is_empty() {
            self.input = Bytes::new();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Data, StreamId};
    use alloc::vec;

    /// `peek_whole` lends only a frame that lies whole in the chunk at hand and within
    /// the size limit; anything else is left to `next_frame`, which joins it or fails.
    #[test]
    fn peek_whole_lends_only_whole_frames_within_the_limit() {
        let mut decoder = FrameDecoder::new(16);
        // A PING split across two chunks: not lent, assembled by next_frame.
        decoder.push_slice(&[0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2]);
        assert!(decoder.peek_whole().is_none());
        assert!(matches!(decoder.next_frame(), Ok(None)));
        decoder.push_slice(&[3, 4, 5, 6, 7, 8]);
        assert!(decoder.peek_whole().is_none(), "a partial frame is pending");
        assert!(matches!(decoder.next_frame(), Ok(Some(Frame::Ping(_)))));
        // Over SETTINGS_MAX_FRAME_SIZE (16): not lent; next_frame reports it.
        decoder.push_slice(&[0, 0, 17, 0, 0, 0, 0, 0, 1]);
        assert!(decoder.peek_whole().is_none());
        assert!(decoder.next_frame().is_err());
        assert!(
            decoder.peek_whole().is_none(),
            "nothing after a connection error"
        );
    }

    #[test]
    fn whole_frames_len_stops_before_a_cut_frame_and_gives_up_at_an_oversized_one() {
        let decoder = FrameDecoder::new(16_384);
        let frame = |len: usize| {
            let mut v = vec![
                (len >> 16) as u8,
                (len >> 8) as u8,
                len as u8,
                0,
                0,
                0,
                0,
                0,
                1,
            ];
            v.resize(9 + len, 7);
            v
        };
        let two = [frame(3), frame(100)].concat();
        assert_eq!(decoder.whole_frames_len(&[]), 0);
        assert_eq!(decoder.whole_frames_len(&two), two.len());
        // Every cut inside the second frame keeps the first whole frame only.
        for cut in 12..two.len() {
            assert_eq!(decoder.whole_frames_len(&two[..cut]), 12, "cut at {cut}");
        }
        for cut in 0..12 {
            assert_eq!(decoder.whole_frames_len(&two[..cut]), 0, "cut at {cut}");
        }
        // A header announcing more than SETTINGS_MAX_FRAME_SIZE: everything, for
        // `next_frame` to reject.
        let big = [frame(3), frame(16_385)[..20].to_vec()].concat();
        assert_eq!(decoder.whole_frames_len(&big), big.len());
        assert_eq!(decoder.whole_frames_len(&frame(16_384)), 9 + 16_384);
    }

    #[test]
    fn octets_to_complete_counts_what_the_held_frame_still_needs() {
        let mut decoder = FrameDecoder::new(16_384);
        assert_eq!(decoder.octets_to_complete(&[1, 2, 3]), 0, "nothing held");
        // 3 octets of a header announcing 100 octets of payload.
        decoder.push_slice(&[0, 0, 100]);
        assert_eq!(decoder.next_frame(), Ok(None));
        assert_eq!(decoder.octets_to_complete(&[0; 2]), 2, "header still cut");
        assert_eq!(decoder.octets_to_complete(&[0; 500]), 6 + 100);
        decoder.push_slice(&[0; 6 + 50]);
        assert_eq!(decoder.next_frame(), Ok(None));
        assert_eq!(decoder.octets_to_complete(&[0; 500]), 50);
        // A held header announcing more than the limit: everything, for next_frame.
        let mut big = FrameDecoder::new(16_384);
        big.push_slice(&[0, 0x40, 1, 0]);
        assert_eq!(big.next_frame(), Ok(None));
        assert_eq!(big.octets_to_complete(&[0; 500]), 500);
        assert!(big.octets_to_complete(&[0; 5]) == 5);
        // Once that frame is rejected, the decoder holds nothing.
        big.push_slice(&[0; 5]);
        assert!(big.next_frame().is_err());
        assert_eq!(big.octets_to_complete(&[0; 5]), 0);
    }

    #[test]
    fn push_header_alone_takes_only_a_lone_header_that_announces_a_payload() {
        let head = |len: u32| {
            let mut h = [0u8; HEAD_LEN];
            h[..3].copy_from_slice(&len.to_be_bytes()[1..]);
            h[8] = 1;
            h
        };
        let mut decoder = FrameDecoder::new(16_384);
        assert!(!decoder.push_header_alone(&head(0)), "whole already");
        assert!(
            !decoder.push_header_alone(&head(16_385)),
            "oversized: for next_frame"
        );
        assert!(
            !decoder.push_header_alone(&head(5)[..8]),
            "not a whole header"
        );
        assert!(!decoder.push_header_alone(&[&head(5)[..], b"x"].concat()));
        assert_eq!(decoder.buffered_len(), 0);
        assert!(decoder.push_header_alone(&head(16_384)));
        assert_eq!(decoder.buffered_len(), HEAD_LEN);
        assert!(!decoder.push_header_alone(&head(5)), "something buffered");
        decoder.push_slice(&[7; 16_384]);
        let frame = decoder.next_frame().unwrap().unwrap();
        assert!(matches!(frame, crate::Frame::Data(ref d) if d.data.len() == 16_384));
        let mut failed = FrameDecoder::new(16_384);
        failed.push_slice(&head(16_385));
        assert!(failed.next_frame().is_err());
        assert!(
            !failed.push_header_alone(&head(5)),
            "after a connection error"
        );
    }

    /// A decoder given a DATA frame's header as one chunk (which it holds back, nothing
    /// to lend or return yet) and then its `len`-octet payload as another; and that payload.
    fn data_header_then_payload(len: usize) -> (FrameDecoder, Bytes) {
        let payload = Bytes::from(alloc::vec![7u8; len]);
        let mut head = BytesMut::new();
        Data::new(StreamId::new(1), payload.clone(), false)
            .encode_head(&mut head, DEFAULT_MAX_FRAME_SIZE)
            .unwrap();
        let mut decoder = FrameDecoder::default();
        decoder.push_bytes(head.freeze());
        assert!(decoder.peek_whole().is_none());
        assert_eq!(decoder.next_frame(), Ok(None));
        decoder.push_bytes(payload.clone());
        (decoder, payload)
    }

    /// A header alone in one chunk and its payload whole in the next: `peek_whole` lends
    /// the payload and `take_peeked` hands out the very chunk, not a copy.
    #[test]
    fn peek_whole_lends_a_payload_that_follows_its_header_chunk() {
        let (mut decoder, payload) = data_header_then_payload(100);
        let (peeked, lent) = decoder.peek_whole().unwrap();
        assert_eq!((peeked.length, lent), (100, &payload[..]));
        let taken = decoder.take_peeked(&peeked);
        assert_eq!(taken.as_ptr(), payload.as_ptr());
        assert_eq!(decoder.buffered_len(), 0);
        assert_eq!(decoder.next_frame(), Ok(None));
    }

    /// A frame whose header and payload arrive as separate chunks (vectored writers do
    /// this) comes out with the payload sliced from the second chunk, not copied.
    #[test]
    fn accepts_payload_chunk_after_header_chunk_without_copy() {
        let (mut decoder, payload) = data_header_then_payload(4096);
        match decoder.next_frame() {
            Ok(Some(Frame::Data(data))) => {
                assert_eq!(data.data, payload);
                assert_eq!(data.data.as_ptr(), payload.as_ptr(), "payload was copied");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(decoder.buffered_len(), 0);
    }
}
