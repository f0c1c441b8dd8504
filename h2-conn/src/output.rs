//! The outbound byte queue: small frames are written into one growing buffer, large DATA
//! payloads handed in as `Bytes` are queued as they are (never copied), so the caller can
//! take everything as one `Bytes`, as a list for `write_vectored`, or into its own buffer.

use bytes::{Bytes, BytesMut};
use std::collections::VecDeque;

/// Payloads at least this long are queued by reference instead of copied.
const ZERO_COPY_MIN: usize = 1024;

/// Room reserved at a time in the serialization buffer.
const TAIL_CHUNK: usize = 1024;

/// A buffer handed out with `split().freeze()` and used again once the caller dropped
/// what it took, with a spare for callers that still hold the previous one when they ask
/// for the next: no allocation per call in steady state either way.
#[derive(Debug, Default)]
pub(crate) struct Recycled {
    live: BytesMut,
    spare: BytesMut,
}

impl Recycled {
    /// The buffer, with room for `want` more octets.
    // The common case (room enough) inlined at every frame written; the rest out of line.
    #[inline]
    pub(crate) fn room(&mut self, want: usize) -> &mut BytesMut {
        if self.live.capacity() - self.live.len() >= want {
            return &mut self.live;
        }
        self.make_room(want, 0)
    }

    /// [`room`](Recycled::room), and when that takes a new allocation, `slack` octets
    /// more in it: for a buffer whose kept octets vary from use to use (the input
    /// buffer's cut frame), so that it grows once rather than each time they are more
    /// than before.
    pub(crate) fn room_with_slack(&mut self, want: usize, slack: usize) -> &mut BytesMut {
        if self.live.capacity() - self.live.len() >= want {
            return &mut self.live;
        }
        self.make_room(want, slack)
    }

    #[inline(never)]
    fn make_room(&mut self, want: usize, slack: usize) -> &mut BytesMut {
        if self.live.is_empty() && !self.live.try_reclaim(want) {
            if self.spare.try_reclaim(want) {
                std::mem::swap(&mut self.live, &mut self.spare);
            } else {
                // Both are still held by the caller: a new buffer; the older handle goes,
                // the newer is kept to be reclaimed later.
                let fresh = BytesMut::with_capacity((want + slack).max(TAIL_CHUNK));
                self.spare = std::mem::replace(&mut self.live, fresh);
            }
            return &mut self.live;
        }
        if self.live.try_reclaim(want) {
            // Room again, in the same allocation.
        } else if want + slack < TAIL_CHUNK {
            self.live.reserve(want + slack);
        } else {
            // A batch (`reserve` before framing queued data) that the allocation cannot
            // take even reclaimed: exactly the room asked for (and the slack). `reserve`
            // would double the allocation, memory the connection then keeps.
            let mut grown = BytesMut::with_capacity(self.live.len() + want + slack);
            grown.extend_from_slice(&self.live);
            self.live = grown;
        }
        &mut self.live
    }

    /// The buffer as it is.
    pub(crate) fn get(&mut self) -> &mut BytesMut {
        &mut self.live
    }

    /// Octets of buffer held (both halves).
    pub(crate) fn capacity(&self) -> usize {
        self.live.capacity() + self.spare.capacity()
    }
}

#[derive(Debug, Default)]
pub(crate) struct Output {
    /// Finished chunks, in order, before `tail`.
    chunks: VecDeque<Bytes>,
    /// Where frames are serialized, taken with `split`.
    tail: Recycled,
    /// Where `take_all` joins chunks queued by reference.
    flat: Recycled,
    /// Total octets queued.
    len: usize,
    /// Control frames queued since the application last took output.
    pub(crate) control_frames: usize,
}

impl Output {
    /// Serializes frames into the tail buffer through `f`, keeping the length in step.
    pub(crate) fn write<R>(&mut self, f: impl FnOnce(&mut BytesMut) -> R) -> R {
        // Frame headers are split off this buffer one by one when payloads are queued by
        // reference; keep room for many so that is not an allocation each.
        let tail = self.tail.room(64);
        let before = tail.len();
        let result = f(tail);
        self.len += tail.len() - before;
        result
    }

    /// Appends a payload, by reference when it is large and `by_ref`, else copied.
    pub(crate) fn push_payload(&mut self, payload: Bytes, by_ref: bool) {
        if by_ref && payload.len() >= ZERO_COPY_MIN {
            let tail = self.tail.get();
            if !tail.is_empty() {
                self.chunks.push_back(tail.split().freeze());
            }
            self.len += payload.len();
            self.chunks.push_back(payload);
        } else {
            self.len += payload.len();
            self.tail.room(payload.len()).extend_from_slice(&payload);
        }
    }

    /// Makes room for `want` octets of output at once, so a batch of copied DATA grows
    /// the buffer once rather than by doubling.
    pub(crate) fn reserve(&mut self, want: usize) {
        self.tail.room(want);
    }

    /// Octets of buffer held, used or not.
    pub(crate) fn capacity(&self) -> usize {
        self.tail.capacity()
            + self.flat.capacity()
            + self.chunks.capacity() * std::mem::size_of::<Bytes>()
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Drops everything queued (nothing copied).
    pub(crate) fn discard(&mut self) {
        self.control_frames = 0;
        self.len = 0;
        self.chunks.clear();
        self.tail.get().clear();
    }

    /// Everything queued, as one buffer (copies only when payloads were queued by
    /// reference, into a buffer that is reused).
    pub(crate) fn take_all(&mut self) -> Bytes {
        self.control_frames = 0;
        let len = std::mem::take(&mut self.len);
        let tail = self.tail.get();
        if self.chunks.is_empty() {
            return tail.split().freeze();
        }
        let flat = self.flat.room(len);
        for chunk in &self.chunks {
            flat.extend_from_slice(chunk);
        }
        flat.extend_from_slice(tail);
        tail.clear();
        // Dropped only once everything is copied: each drop is a locked reference-count
        // operation, which waits for the stores of the copy before it to drain. After each
        // copy that wait cost 7% of plain bulk transfer; grouped after the last copy,
        // only the first drop waits.
        self.chunks.clear();
        flat.split().freeze()
    }

    /// Everything queued, as chunks in order (no copy).
    pub(crate) fn take_vectored(&mut self, out: &mut Vec<Bytes>) {
        self.control_frames = 0;
        self.len = 0;
        // Popped one by one: a handful of chunks each time, for which `drain` and `extend`
        // cost more than the moves.
        out.reserve(self.chunks.len() + 1);
        while let Some(chunk) = self.chunks.pop_front() {
            out.push(chunk);
        }
        let tail = self.tail.get();
        if !tail.is_empty() {
            out.push(tail.split().freeze());
        }
    }

    /// Up to `dst.len()` octets into `dst`; returns how many.
    pub(crate) fn take_into(&mut self, dst: &mut [u8]) -> usize {
        let mut written = 0;
        while written < dst.len() {
            let src: &mut dyn bytes::Buf = match self.chunks.front_mut() {
                Some(chunk) => chunk,
                None if !self.tail.get().is_empty() => self.tail.get(),
                None => break,
            };
            let n = src.remaining().min(dst.len() - written);
            src.copy_to_slice(&mut dst[written..written + n]);
            written += n;
            if self.chunks.front().is_some_and(Bytes::is_empty) {
                self.chunks.pop_front();
            }
        }
        self.len -= written;
        if self.len == 0 {
            self.control_frames = 0;
        }
        written
    }
}
