//! The HPACK decoder (RFC 7541 3, 6).

use super::huffman;
use super::integer;
use super::static_table::{STATIC, STATIC_LEN};
use super::table::{DynamicTable, Entry};
use crate::field::field_size;
use crate::{DecodeError, HeaderField};
use bytes::{Bytes, BytesMut};

/// Huffman output and copies of indexed literals go into chunks of at least this size.
const SCRATCH_CHUNK: usize = 4096;

/// An HPACK decoder: one per connection, fed every header block in the order received.
///
/// Decoding allocates nothing per field in the common cases: static-table fields are
/// [`Bytes::from_static`], dynamic-table fields are reference-counted clones, plain
/// literals are slices of the input block, and Huffman strings are decoded into a reused
/// scratch buffer and split off (one allocation per 4 KiB of decoded text).
///
/// Literals that enter the dynamic table are copied into that scratch buffer rather than
/// kept as slices of the block, so the table never pins large receive buffers: its memory
/// stays proportional to the table size.
///
/// ```
/// use bytes::Bytes;
/// use h2_hpack_glue::{Decoder, HeaderField};
///
/// let mut decoder = Decoder::new(4096);
/// let mut out = Vec::new();
/// // RFC 7541 C.3.1: ":method GET", ":scheme http", ":path /", ":authority www.example.com"
/// let block = Bytes::from_static(b"\x82\x86\x84\x41\x0fwww.example.com");
/// decoder.decode(block, 16 * 1024, &mut out).unwrap();
/// assert_eq!(out[3], HeaderField::new(":authority", "www.example.com"));
/// ```
#[derive(Debug)]
pub struct Decoder {
    table: DynamicTable,
    /// Our acknowledged SETTINGS_HEADER_TABLE_SIZE: the ceiling for size updates.
    max_allowed: u32,
    /// Set when `max_allowed` dropped below the table size in use: the next block must
    /// start with a size update (RFC 7541 4.2).
    update_required: bool,
    scratch: BytesMut,
}

impl Decoder {
    /// A decoder whose dynamic table may grow to `max_table_size` (the
    /// SETTINGS_HEADER_TABLE_SIZE in force; 4096 at connection start).
    pub fn new(max_table_size: u32) -> Decoder {
        Decoder {
            table: DynamicTable::new(max_table_size as usize),
            max_allowed: max_table_size,
            update_required: false,
            scratch: BytesMut::new(),
        }
    }

    /// Applies our SETTINGS_HEADER_TABLE_SIZE once the peer acknowledged it. If it is
    /// below the size the peer's encoder uses, the peer's next block must begin with a
    /// dynamic table size update no larger than `max` (RFC 7541 4.2); otherwise that block
    /// fails with [`DecodeError::MissingSizeUpdate`].
    pub fn set_max_table_size(&mut self, max: u32) {
        self.max_allowed = max;
        if (max as usize) < self.table.max_size() {
            self.update_required = true;
        }
    }

    /// The current dynamic table size (RFC 7541 4.1 accounting).
    pub fn table_size(&self) -> usize {
        self.table.size()
    }

    /// The maximum dynamic table size the peer's encoder last signalled.
    pub fn table_max_size(&self) -> usize {
        self.table.max_size()
    }

    /// Decodes one complete header block, appending its fields to `out`.
    ///
    /// If the decoded list (RFC 9113 6.5.2 accounting) exceeds `max_list_size`, decoding
    /// goes on to the end of the block so the dynamic table stays in sync, but fields are
    /// no longer stored: `out` is truncated back to its length on entry and
    /// [`DecodeError::HeaderListTooLarge`] is returned. Every other error is fatal for the
    /// connection (COMPRESSION_ERROR); `out` may then hold a partial list.
    pub fn decode(
        &mut self,
        block: Bytes,
        max_list_size: usize,
        out: &mut Vec<HeaderField>,
    ) -> Result<(), DecodeError> {
        let buf: &[u8] = &block;
        let mut pos = 0;
        // RFC 7541 4.2: "This dynamic table size update MUST occur at the beginning of the
        // first header block following the change to the dynamic table size."
        while let Some(&b) = buf.get(pos) {
            if b & 0xe0 != 0x20 {
                break;
            }
            let size = integer::decode(buf, &mut pos, 5)?;
            // RFC 7541 6.3: "The new maximum size MUST be lower than or equal to the limit
            // determined by the protocol using HPACK."
            if size > self.max_allowed {
                return Err(DecodeError::SizeUpdateTooLarge {
                    size,
                    max: self.max_allowed,
                });
            }
            self.table.set_max_size(size as usize, |_, _| {});
            self.update_required = false;
        }
        if self.update_required {
            return Err(DecodeError::MissingSizeUpdate);
        }

        let start_len = out.len();
        let mut list_size = 0usize;
        let mut over = false;
        while let Some(&b) = buf.get(pos) {
            let field = if b & 0x80 != 0 {
                // RFC 7541 6.1: indexed header field.
                let index = integer::decode(buf, &mut pos, 7)?;
                self.indexed(index)?
            } else if b & 0x40 != 0 {
                // RFC 7541 6.2.1: literal with incremental indexing.
                let index = integer::decode(buf, &mut pos, 6)?;
                let name = self.name(&block, &mut pos, index)?;
                let value = self.string(&block, &mut pos)?;
                self.insert(&block, name, value)
            } else if b & 0x20 != 0 {
                return Err(DecodeError::SizeUpdateNotAtStart);
            } else {
                // RFC 7541 6.2.2 (0000) and 6.2.3 never indexed (0001).
                let index = integer::decode(buf, &mut pos, 4)?;
                let name = self.name(&block, &mut pos, index)?;
                let value = self.string(&block, &mut pos)?;
                HeaderField {
                    name,
                    value,
                    sensitive: b & 0x10 != 0,
                }
            };
            list_size = list_size.saturating_add(field_size(field.name.len(), field.value.len()));
            if over {
                continue;
            }
            if list_size > max_list_size {
                // HPACK bomb guard: stop storing, keep decoding for table sync.
                over = true;
                out.truncate(start_len);
                continue;
            }
            out.push(field);
        }
        if over {
            return Err(DecodeError::HeaderListTooLarge {
                size: list_size,
                limit: max_list_size,
            });
        }
        Ok(())
    }

    #[inline]
    fn indexed(&self, index: u32) -> Result<HeaderField, DecodeError> {
        let i = index as usize;
        if i == 0 {
            // RFC 7541 6.1: "The index value of 0 is not used. It MUST be treated as a
            // decoding error if found in an indexed header field representation."
            return Err(DecodeError::InvalidIndex { index });
        }
        if i <= STATIC_LEN {
            let (name, value) = STATIC[i - 1];
            return Ok(HeaderField {
                name: Bytes::from_static(name),
                value: Bytes::from_static(value),
                sensitive: false,
            });
        }
        // RFC 7541 2.3.3: "Indices strictly greater than the sum of the lengths of both
        // tables MUST be treated as a decoding error."
        match self.table.get(i - STATIC_LEN - 1) {
            Some(e) => Ok(HeaderField {
                name: e.name.clone(),
                value: e.value.clone(),
                sensitive: false,
            }),
            None => Err(DecodeError::InvalidIndex { index }),
        }
    }

    /// The name of a literal: a table reference, or a string literal when `index` is 0.
    #[inline]
    fn name(&mut self, block: &Bytes, pos: &mut usize, index: u32) -> Result<Bytes, DecodeError> {
        let i = index as usize;
        if i == 0 {
            return self.string(block, pos);
        }
        if i <= STATIC_LEN {
            return Ok(Bytes::from_static(STATIC[i - 1].0));
        }
        match self.table.get(i - STATIC_LEN - 1) {
            Some(e) => Ok(e.name.clone()),
            None => Err(DecodeError::InvalidIndex { index }),
        }
    }

    /// A string literal (RFC 7541 5.2): a slice of the block, or Huffman-decoded text.
    #[inline]
    fn string(&mut self, block: &Bytes, pos: &mut usize) -> Result<Bytes, DecodeError> {
        let buf: &[u8] = block;
        let Some(&first) = buf.get(*pos) else {
            return Err(DecodeError::Truncated);
        };
        let len = integer::decode(buf, pos, 7)? as usize;
        let start = *pos;
        let end = match start.checked_add(len) {
            Some(end) if end <= buf.len() => end,
            _ => return Err(DecodeError::Truncated),
        };
        *pos = end;
        if first & 0x80 == 0 {
            return Ok(block.slice(start..end));
        }
        let src = &buf[start..end];
        self.reserve_scratch(src.len() * 8 / 5 + 1);
        if let Err(e) = huffman::decode(src, &mut self.scratch) {
            self.scratch.clear();
            return Err(e);
        }
        Ok(self.scratch.split().freeze())
    }

    /// Makes room for `need` more bytes in the scratch buffer without copying what was
    /// split off before: a fresh chunk is started when the current one is full.
    #[inline]
    fn reserve_scratch(&mut self, need: usize) {
        if self.scratch.capacity() - self.scratch.len() < need {
            self.scratch = BytesMut::with_capacity(need.max(SCRATCH_CHUNK));
        }
    }

    /// Copies a slice of the input block into the scratch buffer, so that a table entry
    /// does not keep the whole receive buffer alive. Other strings are returned as they are.
    fn own(&mut self, block: &Bytes, s: Bytes) -> Bytes {
        if s.is_empty() || !block.as_ptr_range().contains(&s.as_ptr()) {
            return s;
        }
        self.reserve_scratch(s.len());
        self.scratch.extend_from_slice(&s);
        self.scratch.split().freeze()
    }

    /// Adds a literal to the dynamic table (RFC 7541 6.2.1) and returns the field.
    fn insert(&mut self, block: &Bytes, name: Bytes, value: Bytes) -> HeaderField {
        let name = self.own(block, name);
        let value = self.own(block, value);
        let field = HeaderField {
            name: name.clone(),
            value: value.clone(),
            sensitive: false,
        };
        self.table.insert(Entry { name, value }, |_, _| {});
        field
    }
}
