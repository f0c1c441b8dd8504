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
    /// The last block that left the HPACK state as it was, and its list once repeated.
    repeat: Repeat,
}

/// The longest block [`Repeat`] remembers.
const REPEAT_MAX: usize = 128;
/// The largest list (text and index) [`Repeat`] keeps a copy of: a short block can name
/// large table entries, and the copy should stay small whatever the list size limit.
const REPEAT_MAX_LIST: usize = 2048;

/// A block that decoded without changing the HPACK state, remembered so the same octets
/// at the same [`Decoder::generation`] give the same list without decoding again.
///
/// Peers send such blocks over and over: a response or trailer section whose fields are
/// all indexed or literal without indexing (`:status 200`, a content type, `grpc-status:
/// 0`) is the same octets every time. HPACK decoding is a function of the octets, the
/// table and our table size setting (which the generation covers) and of the list size
/// limit (kept with it), so a match gives exactly the list a decode would.
///
/// The list is kept, in a buffer of its own (so it does not pin the buffer later lists are
/// decoded into), only when the same block came twice running and the list is at most
/// [`REPEAT_MAX_LIST`] octets: blocks that alternate or never repeat cost a copy of at
/// most [`REPEAT_MAX`] octets each and no allocation.
#[derive(Debug, Default)]
struct Repeat {
    block: Vec<u8>,
    generation: u64,
    limit: u32,
    /// The decoded list and its verdicts, once `block` came twice running.
    list: Option<(HeaderList, KnownValid)>,
}

impl Repeat {
    /// Whether `block` is the remembered one, decoded in the same state under `limit`.
    #[inline]
    fn matches(&self, block: &[u8], generation: u64, limit: u32) -> bool {
        self.generation == generation && self.limit == limit && self.block[..] == *block
    }

    /// Remembers a block that decoded to `list` without changing the HPACK state.
    fn record(
        &mut self,
        block: &[u8],
        generation: u64,
        limit: u32,
        list: &HeaderList,
        known: KnownValid,
    ) {
        if block.len() > REPEAT_MAX {
            return;
        }
        if self.list.is_none() && self.matches(block, generation, limit) {
            if list.buffer_len() <= REPEAT_MAX_LIST {
                self.list = Some((list.detached(), known));
            }
            return;
        }
        self.block.clear();
        self.block.extend_from_slice(block);
        self.generation = generation;
        self.limit = limit;
        self.list = None;
    }

    /// Octets held.
    fn memory_usage(&self) -> usize {
        self.block.capacity() + self.list.as_ref().map_or(0, |(l, _)| l.buffer_len())
    }
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
            repeat: Repeat::default(),
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
        if end_headers {
            return self.decode_whole(stream_id, &fragment).map(Some);
        }
        self.check_start(stream_id, fragment.len())?;
        self.pending = Some(Pending {
            stream_id,
            len: fragment.len(),
            first: fragment,
            joined: BytesMut::new(),
            continuations: 0,
        });
        Ok(None)
    }

    /// A whole block, from a HEADERS or PUSH_PROMISE frame with END_HEADERS on
    /// `stream_id`, decoded from borrowed octets: what [`begin`](Self::begin) does with
    /// `end_headers` set, for a caller that has the frame's payload in place and need not
    /// make a `Bytes` of it.
    ///
    /// ```
    /// use h2_hpack_glue::{BlockLimits, HeaderBlockDecoder, HeaderField};
    /// use h2_hpack_glue::frame::StreamId;
    ///
    /// let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
    /// let list = dec.decode_whole(StreamId::new(1), b"\x82\x84").unwrap();
    /// assert_eq!(list, [HeaderField::new(":method", "GET"), HeaderField::new(":path", "/")]);
    /// ```
    pub fn decode_whole(
        &mut self,
        stream_id: StreamId,
        block: &[u8],
    ) -> Result<HeaderList, BlockError> {
        self.check_start(stream_id, block.len())?;
        self.decode(stream_id, block)
    }

    /// The checks on a block's first fragment: none in progress, within the size cap.
    fn check_start(&self, stream_id: StreamId, len: usize) -> Result<(), BlockError> {
        if let Some(p) = &self.pending {
            // RFC 9113 4.3: "Each field block is processed as a discrete unit. Field blocks
            // MUST be transmitted as a contiguous sequence of frames, with no interleaved
            // frames of any other type or from any other stream."
            return Err(BlockError::Interleaved {
                in_progress: p.stream_id,
                stream_id,
            });
        }
        if len > self.limits.max_block_bytes {
            return Err(BlockError::BlockTooLarge {
                stream_id,
                limit: self.limits.max_block_bytes,
            });
        }
        Ok(())
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
        self.decode(stream_id, &block).map(Some)
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

    fn decode(&mut self, stream_id: StreamId, block: &[u8]) -> Result<HeaderList, BlockError> {
        let limit = self.limits.max_header_list_size;
        let generation = self.decoder.generation();
        if let Some((list, known)) = &self.repeat.list {
            if self.repeat.matches(block, generation, limit) {
                self.last_known_valid = *known;
                return Ok(list.clone());
            }
        }
        self.last_known_valid = KnownValid::NONE;
        match self
            .decoder
            .decode_list(block, limit as usize, &mut self.list)
        {
            Ok(known) => {
                self.last_known_valid = known;
                let list = self.list.finish();
                if self.decoder.generation() == generation {
                    self.repeat.record(block, generation, limit, &list, known);
                }
                Ok(list)
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

    /// Heap octets held besides the HPACK table: the remembered repeated block.
    pub fn memory_usage(&self) -> usize {
        self.repeat.memory_usage()
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

    /// A block that leaves the table as it was, seen twice running, is answered from the
    /// copy kept: equal lists and verdicts, and the third time no decoding at all (the
    /// list shares the kept buffer).
    #[test]
    fn repeated_block_is_answered_from_the_kept_list() {
        let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
        let id = StreamId::new(1);
        // :status 200 (static), a literal content-length without indexing.
        let wire = Bytes::from_static(b"\x88\x0f\x0d\x0213");
        let expected = [
            HeaderField::new(":status", "200"),
            HeaderField::new("content-length", "13"),
        ];
        let first = dec.begin(id, wire.clone(), true).unwrap().unwrap();
        assert!(
            dec.repeat.list.is_none(),
            "one sighting is only a candidate"
        );
        let second = dec.begin(id, wire.clone(), true).unwrap().unwrap();
        let kept = dec.repeat.list.as_ref().expect("kept after two").0.clone();
        let third = dec.begin(id, wire.clone(), true).unwrap().unwrap();
        assert_eq!(first, expected);
        assert_eq!(second, expected);
        assert_eq!(third, expected);
        assert!(third.shares_buffer(&kept) && !second.shares_buffer(&kept));
        assert!(dec.known_valid().contains(0));
        assert!(!dec.known_valid().contains(1));
        assert!(dec.memory_usage() >= wire.len() + kept.buffer_len());
    }

    /// The same octets after the table changed mean other fields: an indexed reference to
    /// the newest entry is decoded again, not answered from the kept list.
    #[test]
    fn repeated_block_after_a_table_change_is_decoded_again() {
        let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
        let id = StreamId::new(1);
        // Literal with incremental indexing, new name: x-a: 1 (dynamic index 62).
        dec.begin(id, Bytes::from_static(b"\x40\x03x-a\x011"), true)
            .unwrap();
        let newest = Bytes::from_static(b"\xbe");
        for _ in 0..3 {
            let list = dec.begin(id, newest.clone(), true).unwrap().unwrap();
            assert_eq!(list, [HeaderField::new("x-a", "1")]);
        }
        assert!(dec.repeat.list.is_some());
        // Another entry becomes index 62.
        dec.begin(id, Bytes::from_static(b"\x40\x03x-b\x012"), true)
            .unwrap();
        let list = dec.begin(id, newest, true).unwrap().unwrap();
        assert_eq!(list, [HeaderField::new("x-b", "2")]);
    }

    /// Our table size setting dropping below the size in use means the next block must
    /// start with a size update (RFC 7541 4.2): a kept block without one is refused, as a
    /// decode would refuse it.
    #[test]
    fn repeated_block_after_a_table_size_setting_is_checked_again() {
        let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
        let id = StreamId::new(1);
        let wire = Bytes::from_static(b"\x88");
        for _ in 0..3 {
            dec.begin(id, wire.clone(), true).unwrap();
        }
        dec.set_max_table_size(0);
        assert!(matches!(
            dec.begin(id, wire, true),
            Err(BlockError::Compression(DecodeError::MissingSizeUpdate))
        ));
    }

    /// The list size limit is part of what a kept block was judged under: once it is
    /// lowered below the list's size, the same block is refused.
    #[test]
    fn repeated_block_after_a_lower_list_limit_is_refused() {
        let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
        let id = StreamId::new(1);
        let wire = Bytes::from_static(b"\x88");
        for _ in 0..3 {
            dec.begin(id, wire.clone(), true).unwrap();
        }
        dec.limits.max_header_list_size = 10;
        assert!(matches!(
            dec.begin(id, wire, true),
            Err(BlockError::HeaderListTooLarge { .. })
        ));
    }

    /// Blocks that alternate are never kept (no allocation per block), and a block too
    /// long to remember is simply decoded.
    #[test]
    fn alternating_or_long_blocks_are_not_kept() {
        let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
        let id = StreamId::new(1);
        for i in 0..6 {
            let wire: &'static [u8] = if i % 2 == 0 { b"\x88" } else { b"\x89" };
            dec.begin(id, Bytes::from_static(wire), true).unwrap();
            assert!(dec.repeat.list.is_none());
        }
        let value = "v".repeat(REPEAT_MAX);
        let mut long = BytesMut::from(&b"\x0f\x0d"[..]);
        long.extend_from_slice(&[0x7f, (REPEAT_MAX - 127) as u8]);
        long.extend_from_slice(value.as_bytes());
        let long = long.freeze();
        for _ in 0..3 {
            let list = dec.begin(id, long.clone(), true).unwrap().unwrap();
            assert_eq!(list, [HeaderField::new("content-length", value.clone())]);
        }
        assert!(dec.repeat.list.is_none());
    }

    /// A short block that names a large table entry is not kept: the copy would be the
    /// size of the list, not of the block.
    #[test]
    fn repeated_block_with_a_large_list_is_not_kept() {
        let mut dec = HeaderBlockDecoder::new(BlockLimits::default());
        let id = StreamId::new(1);
        let value = "v".repeat(3000);
        let mut insert = BytesMut::from(&b"\x40\x03x-a\x7f"[..]);
        let mut n = 3000 - 127;
        while n >= 128 {
            insert.extend_from_slice(&[(n % 128) as u8 | 0x80]);
            n /= 128;
        }
        insert.extend_from_slice(&[n as u8]);
        insert.extend_from_slice(value.as_bytes());
        dec.begin(id, insert.freeze(), true).unwrap();
        for _ in 0..3 {
            let list = dec
                .begin(id, Bytes::from_static(b"\xbe"), true)
                .unwrap()
                .unwrap();
            assert_eq!(list, [HeaderField::new("x-a", value.clone())]);
        }
        assert!(dec.repeat.list.is_none());
        assert!(dec.memory_usage() <= REPEAT_MAX);
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
