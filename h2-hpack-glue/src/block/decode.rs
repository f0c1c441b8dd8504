//! Reassembling a header block from HEADERS / PUSH_PROMISE and CONTINUATION fragments and
//! decoding it, with every limit checked as fragments arrive (RFC 9113 4.3, 6.10, 10.5).

use crate::syntax::KnownValid;
use crate::{BlockError, DecodeError, Decoder, HeaderList, HeaderListBuilder};
use bytes::{Bytes, BytesMut};
use h2_frame::{Continuation, StreamId};

/// Bounds on one header block.
///
/// The defaults: table size 4096 (RFC 9113 6.5.2 initial value); a header list of at most
/// 64 KiB (our advertised SETTINGS_MAX_HEADER_LIST_SIZE); an encoded block of at most
/// `2 * 64 KiB + 16 KiB` (HPACK output is normally smaller than the list it encodes, since
/// each field counts 32 bytes of overhead; the factor 2 leaves room for Huffman codes longer
/// than 8 bits and the slack for one more frame); and 64 CONTINUATION frames per block
/// (a 144 KiB block needs 9 at the minimum frame size).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockLimits {
    /// Our SETTINGS_HEADER_TABLE_SIZE: the decoder's dynamic table bound.
    pub max_table_size: u32,
    /// Our SETTINGS_MAX_HEADER_LIST_SIZE: the decoded list bound (RFC 9113 6.5.2).
    pub max_header_list_size: u32,
    /// The largest encoded block accepted, summed over its fragments.
    pub max_block_bytes: usize,
    /// The most CONTINUATION frames accepted in one block.
    pub max_continuation_frames: usize,
}

/// Slack added to twice the list size for the block-bytes cap.
const BLOCK_SLACK: usize = 16 * 1024;

impl BlockLimits {
    /// The block-bytes cap derived from a header list size: `2 * list + 16 KiB`.
    pub fn block_bytes_for(max_header_list_size: u32) -> usize {
        (max_header_list_size as usize)
            .saturating_mul(2)
            .saturating_add(BLOCK_SLACK)
    }
}

impl Default for BlockLimits {
    fn default() -> Self {
        let list = 64 * 1024;
        BlockLimits {
            max_table_size: 4096,
            max_header_list_size: list,
            max_block_bytes: BlockLimits::block_bytes_for(list),
            max_continuation_frames: 64,
        }
    }
}

/// The block being assembled.
#[derive(Debug)]
struct Pending {
    stream_id: StreamId,
    /// The first fragment, kept as is while it is the only one.
    first: Bytes,
    /// Fragments concatenated once a CONTINUATION arrives.
    joined: BytesMut,
    len: usize,
    continuations: usize,
}

/// Reassembles header blocks and decodes them with the connection's HPACK decoder.
///
/// Feed it the fragment of every HEADERS and PUSH_PROMISE frame with
/// [`begin`](HeaderBlockDecoder::begin) and of every CONTINUATION with
/// [`continue_block`](HeaderBlockDecoder::continue_block). Fragments are concatenated
/// (a single-fragment block is decoded in place, without a copy) and decoded at
/// END_HEADERS. The block-bytes and CONTINUATION-count limits are checked on every
/// fragment, before anything is buffered, so a CONTINUATION flood is stopped early; the
/// list-size limit is checked while decoding, so an HPACK bomb stops storing fields at the
/// limit (decoding continues to keep the table in sync).
///
/// ```
/// use bytes::Bytes;
/// use h2_hpack_glue::{BlockLimits, HeaderBlockDecoder, HeaderField};
/// use h2_hpack_glue::frame::StreamId;
///
/// let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
/// let id = StreamId::new(1);
/// assert_eq!(dec.begin(id, Bytes::from_static(b"\x82"), false).unwrap(), None);
/// assert_eq!(dec.in_progress(), Some(id));
/// let list = dec.continue_block(Bytes::from_static(b"\x84"), true).unwrap().unwrap();
/// assert_eq!(list, [HeaderField::new(":method", "GET"), HeaderField::new(":path", "/")]);
/// ```
#[derive(Debug)]
pub struct HeaderBlockDecoder {
    decoder: Decoder,
    limits: BlockLimits,
    pending: Option<Pending>,
    /// Where decoded lists are written: one buffer, reused from list to list.
    list: HeaderListBuilder,
    /// Which fields of the last decoded list came from checked table entries.
    last_known_valid: KnownValid,
}

impl HeaderBlockDecoder {
    /// A block decoder with a fresh HPACK context sized by `limits.max_table_size`.
    pub fn new(limits: BlockLimits) -> Self {
        HeaderBlockDecoder {
            decoder: Decoder::new(limits.max_table_size),
            limits,
            pending: None,
            list: HeaderListBuilder::new(),
            last_known_valid: KnownValid::NONE,
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> BlockLimits {
        self.limits
    }

    /// Our SETTINGS_HEADER_TABLE_SIZE, once the peer acknowledged it
    /// (see [`Decoder::set_max_table_size`]).
    pub fn set_max_table_size(&mut self, size: u32) {
        self.limits.max_table_size = size;
        self.decoder.set_max_table_size(size);
    }

    /// Our SETTINGS_MAX_HEADER_LIST_SIZE, once the peer acknowledged it. The block-bytes
    /// cap is raised to [`BlockLimits::block_bytes_for`] this size if it was lower, so a
    /// list within the limit is never refused for its encoded size.
    pub fn set_max_header_list_size(&mut self, size: u32) {
        self.limits.max_header_list_size = size;
        self.limits.max_block_bytes = self
            .limits
            .max_block_bytes
            .max(BlockLimits::block_bytes_for(size));
    }

    /// Which fields of the list most recently returned came from HPACK table entries that
    /// pass the RFC 9113 8.2.1 character rules ([`KnownValid`]); hand it to message
    /// validation with that list so it skips their character scans.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use h2_hpack_glue::{BlockLimits, HeaderBlockDecoder};
    /// use h2_hpack_glue::frame::StreamId;
    ///
    /// let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
    /// // :method GET from the static table, then a literal :path that is not indexed.
    /// let block = Bytes::from_static(b"\x82\x04\x02/a");
    /// dec.begin(StreamId::new(1), block, true).unwrap();
    /// assert!(dec.known_valid().contains(0));
    /// assert!(!dec.known_valid().contains(1));
    /// ```
    pub fn known_valid(&self) -> KnownValid {
        self.last_known_valid
    }

    /// The stream of the block being assembled, if any. While one is, the only frame the
    /// connection may accept is a CONTINUATION on that stream (RFC 9113 6.10).
    pub fn in_progress(&self) -> Option<StreamId> {
        self.pending.as_ref().map(|p| p.stream_id)
    }

    /// The first fragment of a block (from HEADERS or PUSH_PROMISE on `stream_id`).
    /// Returns the decoded list when `end_headers` is set.
    pub fn begin(
        &mut self,
        stream_id: StreamId,
        fragment: Bytes,
        end_headers: bool,
    ) -> Result<Option<HeaderList>, BlockError> {
        if let Some(p) = &self.pending {
            // RFC 9113 4.3: "Each field block is processed as a discrete unit. Field blocks
            // MUST be transmitted as a contiguous sequence of frames, with no interleaved
            // frames of any other type or from any other stream."
            return Err(BlockError::Interleaved {
                in_progress: p.stream_id,
                stream_id,
            });
        }
        if fragment.len() > self.limits.max_block_bytes {
            return Err(BlockError::BlockTooLarge {
                stream_id,
                limit: self.limits.max_block_bytes,
            });
        }
        if end_headers {
            return self.decode(stream_id, fragment).map(Some);
        }
        self.pending = Some(Pending {
            stream_id,
            len: fragment.len(),
            first: fragment,
            joined: BytesMut::new(),
            continuations: 0,
        });
        Ok(None)
    }

    /// A CONTINUATION fragment of the block in progress. Returns the decoded list when
    /// `end_headers` is set. The caller checks that the frame's stream is
    /// [`in_progress`](HeaderBlockDecoder::in_progress), or uses
    /// [`continuation`](HeaderBlockDecoder::continuation), which does.
    pub fn continue_block(
        &mut self,
        fragment: Bytes,
        end_headers: bool,
    ) -> Result<Option<HeaderList>, BlockError> {
        // RFC 9113 6.10: "A CONTINUATION frame MUST be preceded by a HEADERS, PUSH_PROMISE
        // or CONTINUATION frame without the END_HEADERS flag set."
        let Some(p) = self.pending.as_mut() else {
            return Err(BlockError::UnexpectedContinuation);
        };
        let stream_id = p.stream_id;
        p.continuations += 1;
        if p.continuations > self.limits.max_continuation_frames {
            self.pending = None;
            return Err(BlockError::TooManyContinuations {
                stream_id,
                limit: self.limits.max_continuation_frames,
            });
        }
        let len = p.len.saturating_add(fragment.len());
        if len > self.limits.max_block_bytes {
            self.pending = None;
            return Err(BlockError::BlockTooLarge {
                stream_id,
                limit: self.limits.max_block_bytes,
            });
        }
        p.len = len;
        if p.joined.is_empty() {
            if !end_headers && fragment.is_empty() {
                return Ok(None);
            }
            p.joined.reserve(len);
            p.joined.extend_from_slice(&p.first);
            p.first = Bytes::new();
        }
        p.joined.extend_from_slice(&fragment);
        if !end_headers {
            return Ok(None);
        }
        let block = match self.pending.take() {
            Some(p) => p.joined.freeze(),
            None => Bytes::new(),
        };
        self.decode(stream_id, block).map(Some)
    }

    /// [`continue_block`](HeaderBlockDecoder::continue_block) for a whole CONTINUATION
    /// frame, checking that it belongs to the stream in progress (RFC 9113 6.10: otherwise
    /// a connection error of type PROTOCOL_ERROR).
    pub fn continuation(&mut self, frame: Continuation) -> Result<Option<HeaderList>, BlockError> {
        match self.in_progress() {
            Some(id) if id != frame.stream_id => Err(BlockError::Interleaved {
                in_progress: id,
                stream_id: frame.stream_id,
            }),
            _ => self.continue_block(frame.block, frame.end_headers),
        }
    }

    fn decode(&mut self, stream_id: StreamId, block: Bytes) -> Result<HeaderList, BlockError> {
        let limit = self.limits.max_header_list_size;
        self.last_known_valid = KnownValid::NONE;
        match self
            .decoder
            .decode_list(&block, limit as usize, &mut self.list)
        {
            Ok(known) => {
                self.last_known_valid = known;
                Ok(self.list.finish())
            }
            Err(DecodeError::HeaderListTooLarge { size, .. }) => {
                Err(BlockError::HeaderListTooLarge {
                    stream_id,
                    size,
                    limit,
                })
            }
            Err(e) => Err(BlockError::Compression(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{HeaderBlockEncoder, HeaderField};
    use h2_frame::{Frame, FrameDecoder, DEFAULT_MAX_FRAME_SIZE};

    fn block(enc: &mut HeaderBlockEncoder, fields: &[HeaderField]) -> Bytes {
        let mut wire = BytesMut::new();
        enc.encode_headers(
            StreamId::new(1),
            fields,
            true,
            DEFAULT_MAX_FRAME_SIZE,
            &mut wire,
        );
        let mut frames = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
        frames.push_bytes(wire.freeze());
        match frames.next_frame() {
            Ok(Some(Frame::Headers(h))) => h.block,
            other => panic!("unexpected {other:?}"),
        }
    }

    /// Lists of any length decode whole, each into one buffer, and once dropped their
    /// space is reused: decoding many lists allocates a few buffers, not one per list.
    #[test]
    fn lists_share_and_reuse_one_buffer() {
        let mut enc = HeaderBlockEncoder::new();
        let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
        let id = StreamId::new(1);
        let fields: Vec<HeaderField> = (0..40)
            .map(|i| HeaderField::new(format!("x-{i}"), "v"))
            .collect();
        for n in [3, 3, 8, 8, 40, 40, 0, 5] {
            let b = block(&mut enc, &fields[..n]);
            let list = dec.begin(id, b, true).unwrap().unwrap();
            assert_eq!(list, fields[..n]);
        }
        let mut starts = std::collections::HashSet::new();
        for _ in 0..200 {
            let b = block(&mut enc, &fields[..8]);
            let list = dec.begin(id, b, true).unwrap().unwrap();
            starts.insert(list.get_index(0).unwrap().name.as_ptr() as usize);
        }
        assert!(starts.len() < 200, "no reuse: {} buffers", starts.len());
    }
}
