//! The outbound byte queue: small frames are written into one growing buffer, large DATA
//! payloads handed in as `Bytes` are queued as they are (never copied), so the caller can
//! take everything as one `Bytes`, as a list for `write_vectored`, or into its own buffer.

use bytes::{Bytes, BytesMut};
use std::collections::VecDeque;

/// Payloads at least this long are queued by reference instead of copied.
const ZERO_COPY_MIN: usize = 1024;

/// Room reserved at a time in the serialization buffer.
const TAIL_CHUNK: usize = 4096;

#[derive(Debug, Default)]
pub(crate) struct Output {
    /// Finished chunks, in order, before `tail`.
    chunks: VecDeque<Bytes>,
    /// Where frames are serialized. Taken with `split`, so once the caller drops what it
    /// took, `reserve` reclaims the same allocation: no allocation per take.
    tail: BytesMut,
    /// Where `take_all` joins chunks queued by reference, reused the same way.
    flat: BytesMut,
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
        if self.tail.capacity() - self.tail.len() < 64 {
            self.tail.reserve(TAIL_CHUNK);
        }
        let before = self.tail.len();
        let result = f(&mut self.tail);
        self.len += self.tail.len() - before;
        result
    }

    /// Appends a payload, by reference when it is large and `by_ref`, else copied.
    pub(crate) fn push_payload(&mut self, payload: Bytes, by_ref: bool) {
        if by_ref && payload.len() >= ZERO_COPY_MIN {
            if !self.tail.is_empty() {
                self.chunks.push_back(self.tail.split().freeze());
            }
            self.len += payload.len();
            self.chunks.push_back(payload);
        } else {
            self.len += payload.len();
            self.tail.reserve(payload.len());
            self.tail.extend_from_slice(&payload);
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Everything queued, as one buffer (copies only when payloads were queued by
    /// reference, into a buffer that is reused).
    pub(crate) fn take_all(&mut self) -> Bytes {
        self.control_frames = 0;
        let len = std::mem::take(&mut self.len);
        if self.chunks.is_empty() {
            return self.tail.split().freeze();
        }
        self.flat.reserve(len);
        for chunk in self.chunks.drain(..) {
            self.flat.extend_from_slice(&chunk);
        }
        self.flat.extend_from_slice(&self.tail);
        self.tail.clear();
        self.flat.split().freeze()
    }

    /// Everything queued, as chunks in order (no copy).
    pub(crate) fn take_vectored(&mut self, out: &mut Vec<Bytes>) {
        self.control_frames = 0;
        self.len = 0;
        out.extend(self.chunks.drain(..));
        if !self.tail.is_empty() {
            out.push(self.tail.split().freeze());
        }
    }

    /// Up to `dst.len()` octets into `dst`; returns how many.
    pub(crate) fn take_into(&mut self, dst: &mut [u8]) -> usize {
        let mut written = 0;
        while written < dst.len() {
            let src: &mut dyn bytes::Buf = match self.chunks.front_mut() {
                Some(chunk) => chunk,
                None if !self.tail.is_empty() => &mut self.tail,
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
