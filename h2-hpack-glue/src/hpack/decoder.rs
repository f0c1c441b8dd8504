//! The HPACK decoder (RFC 7541 3, 6).

use super::huffman;
use super::integer;
use super::static_table::{static_verdict, STATIC, STATIC_LEN};
use super::table::{DynamicTable, Entry};
use crate::field::field_size;
use crate::syntax::{KnownValid, Verdict};
use crate::{DecodeError, HeaderField, HeaderListBuilder};
use bytes::{Bytes, BytesMut};

/// The largest list [`Decoder::decode_list`] builds, whatever the limit asked for: far
/// beyond any sensible SETTINGS_MAX_HEADER_LIST_SIZE, and within what a list can index.
const MAX_LIST_BYTES: usize = 1 << 30;

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
    /// Changes of `max_allowed` (which decide what the next block may or must hold).
    settings_changes: u64,
    scratch: BytesMut,
    /// Huffman text for [`Decoder::decode_with`], reused.
    text: BytesMut,
}

impl Decoder {
    /// A decoder whose dynamic table may grow to `max_table_size` (the
    /// SETTINGS_HEADER_TABLE_SIZE in force; 4096 at connection start).
    pub fn new(max_table_size: u32) -> Decoder {
        Decoder {
            table: DynamicTable::new(max_table_size as usize),
            max_allowed: max_table_size,
            update_required: false,
            settings_changes: 0,
            scratch: BytesMut::new(),
            text: BytesMut::new(),
        }
    }

    /// Applies our SETTINGS_HEADER_TABLE_SIZE once the peer acknowledged it. If it is
    /// below the size the peer's encoder uses, the peer's next block must begin with a
    /// dynamic table size update no larger than `max` (RFC 7541 4.2); otherwise that block
    /// fails with [`DecodeError::MissingSizeUpdate`].
    pub fn set_max_table_size(&mut self, max: u32) {
        self.max_allowed = max;
        self.settings_changes += 1;
        if (max as usize) < self.table.max_size() {
            self.update_required = true;
        }
    }

    /// A number that changes whenever anything that decides how a block decodes does (a
    /// table entry added or evicted, a size update, our table size setting) and never
    /// goes back: the same block decoded at the same generation gives the same fields.
    pub fn generation(&self) -> u64 {
        // Both counters only grow, so their sum changes whenever either does.
        self.table.generation() + self.settings_changes
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
    ///
    /// On success, the returned [`KnownValid`] says which of the appended fields (counted
    /// from the first one appended) came from a table entry that passes the RFC 9113 8.2.1
    /// character rules, so message validation need not scan them again, and the class of
    /// each name taken from a table entry.
    pub fn decode(
        &mut self,
        block: Bytes,
        max_list_size: usize,
        out: &mut Vec<HeaderField>,
    ) -> Result<KnownValid, DecodeError> {
        let buf: &[u8] = &block;
        let mut pos = 0;
        self.size_updates(buf, &mut pos)?;

        let mut list = ListSize::new(out.len(), max_list_size);
        let mut known = KnownValid::NONE;
        while let Some(&b) = buf.get(pos) {
            if b & 0x80 != 0 {
                // RFC 7541 6.1: indexed header field, the common case: the field is built
                // in place in `out` (no temporary to move), its size counted first.
                let index = integer::decode(buf, &mut pos, 7)?;
                let (name, value, verdict) = self.lookup_entry(index)?;
                if list.admit(name.len(), value.len(), out) {
                    known.record(out.len() - list.start, verdict);
                    out.push(HeaderField {
                        name: name.to_bytes(),
                        value: value.to_bytes(),
                        sensitive: false,
                    });
                }
                continue;
            }
            let (field, verdict) = if b & 0x40 != 0 {
                // RFC 7541 6.2.1: literal with incremental indexing.
                let index = integer::decode(buf, &mut pos, 6)?;
                let name = self.name(&block, &mut pos, index)?;
                let value = self.string(&block, &mut pos)?;
                self.insert(&block, name, value)
            } else if b & 0x20 != 0 {
                return Err(DecodeError::SizeUpdateNotAtStart);
            } else {
                // RFC 7541 6.2.2 (0000) and 6.2.3 never indexed (0001): not scanned here;
                // message validation scans them.
                let index = integer::decode(buf, &mut pos, 4)?;
                let verdict = match index {
                    0 => Verdict::NONE,
                    _ => self.lookup_entry(index)?.2.name_only(),
                };
                let name = self.name(&block, &mut pos, index)?;
                let value = self.string(&block, &mut pos)?;
                let field = HeaderField {
                    name,
                    value,
                    sensitive: b & 0x10 != 0,
                };
                (field, verdict)
            };
            if list.admit(field.name.len(), field.value.len(), out) {
                known.record(out.len() - list.start, verdict);
                out.push(field);
            }
        }
        if list.over {
            return Err(DecodeError::HeaderListTooLarge {
                size: list.size,
                limit: max_list_size,
            });
        }
        Ok(known)
    }

    /// Dynamic table size updates at the start of a block (RFC 7541 4.2, 6.3).
    #[inline(always)]
    fn size_updates(&mut self, buf: &[u8], pos: &mut usize) -> Result<(), DecodeError> {
        // The common case, inline: no update, none owed.
        if buf.get(*pos).is_none_or(|&b| b & 0xe0 != 0x20) && !self.update_required {
            return Ok(());
        }
        self.size_updates_slow(buf, pos)
    }

    #[inline(never)]
    fn size_updates_slow(&mut self, buf: &[u8], pos: &mut usize) -> Result<(), DecodeError> {
        // RFC 7541 4.2: "This dynamic table size update MUST occur at the beginning of the
        // first header block following the change to the dynamic table size."
        while let Some(&b) = buf.get(*pos) {
            if b & 0xe0 != 0x20 {
                break;
            }
            let size = integer::decode(buf, pos, 5)?;
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

        Ok(())
    }

    /// Decodes one complete header block without taking ownership of anything: `f` gets
    /// each field's name, value and never-indexed flag as borrowed slices (of the static
    /// table, the dynamic table, `block`, or a reused Huffman buffer), so no reference
    /// count is touched and nothing is allocated except for entries added to the dynamic
    /// table. This is the fastest path, for callers that validate or copy fields at once.
    ///
    /// Limits and errors are those of [`Decoder::decode`]; once the running list size
    /// passes `max_list_size`, `f` is no longer called, decoding goes on to keep the table
    /// in sync, and [`DecodeError::HeaderListTooLarge`] is returned (discard what `f` got).
    ///
    /// ```
    /// let mut decoder = h2_hpack_glue::Decoder::new(4096);
    /// let mut names = Vec::new();
    /// decoder
    ///     .decode_with(b"\x82\x84", 1 << 16, |name, _value, _sensitive| names.push(name.to_vec()))
    ///     .unwrap();
    /// assert_eq!(names, [b":method".to_vec(), b":path".to_vec()]);
    /// ```
    pub fn decode_with(
        &mut self,
        block: &[u8],
        max_list_size: usize,
        mut f: impl FnMut(&[u8], &[u8], bool),
    ) -> Result<(), DecodeError> {
        self.decode_fields(block, max_list_size, |name, value, sensitive, _| {
            f(name, value, sensitive)
        })
    }

    /// Decodes one complete header block into `out` (a [`HeaderList`] in the making: one
    /// buffer for the whole list, no handle per field). Limits and errors are those of
    /// [`Decoder::decode`], with `max_list_size` capped at 1 GiB; on an error, `out` is
    /// cleared. The returned [`KnownValid`]
    /// says which fields came from table entries that pass the RFC 9113 8.2.1 character
    /// rules.
    ///
    /// ```
    /// use h2_hpack_glue::{Decoder, HeaderField, HeaderListBuilder};
    /// let mut decoder = Decoder::new(4096);
    /// let mut out = HeaderListBuilder::new();
    /// let known = decoder.decode_list(b"\x82\x84", 1 << 16, &mut out).unwrap();
    /// let list = out.finish();
    /// assert_eq!(list, [HeaderField::new(":method", "GET"), HeaderField::new(":path", "/")]);
    /// assert!(known.contains(0) && known.contains(1));
    /// ```
    ///
    /// [`HeaderList`]: crate::HeaderList
    pub fn decode_list(
        &mut self,
        block: &[u8],
        max_list_size: usize,
        out: &mut HeaderListBuilder,
    ) -> Result<KnownValid, DecodeError> {
        let mut known = KnownValid::NONE;
        // A list is indexed with 31-bit offsets; every field counts at least its octets
        // (plus 32 for the 12-octet index entry), so a list within 1 GiB always fits.
        let max_list_size = max_list_size.min(MAX_LIST_BYTES);
        let result = self.decode_fields(block, max_list_size, |name, value, sensitive, verdict| {
            known.record(out.len(), verdict);
            out.push(name, value, sensitive);
        });
        match result {
            Ok(()) => Ok(known),
            Err(e) => {
                out.clear();
                Err(e)
            }
        }
    }

    /// The decoding loop of [`Decoder::decode_with`] and [`Decoder::decode_list`]: `f`
    /// gets each field borrowed, with its never-indexed flag and what the table entry it
    /// came from (or its name came from) vouches for.
    #[inline(always)]
    fn decode_fields(
        &mut self,
        block: &[u8],
        max_list_size: usize,
        mut f: impl FnMut(&[u8], &[u8], bool, Verdict),
    ) -> Result<(), DecodeError> {
        let buf = block;
        let mut pos = 0;
        self.size_updates(buf, &mut pos)?;
        let mut list_size = 0usize;
        let mut emit = |name: &[u8], value: &[u8], sensitive: bool, verdict: Verdict| {
            list_size = list_size.saturating_add(field_size(name.len(), value.len()));
            // HPACK bomb guard: past the limit, only count.
            if list_size <= max_list_size {
                f(name, value, sensitive, verdict);
            }
        };
        while let Some(&b) = buf.get(pos) {
            if b & 0x80 != 0 {
                let index = integer::decode(buf, &mut pos, 7)?;
                let (name, value, verdict) = self.lookup_entry(index)?;
                emit(name.as_slice(), value.as_slice(), false, verdict);
                continue;
            }
            let (prefix, indexing, sensitive) = if b & 0x40 != 0 {
                (6, true, false)
            } else if b & 0x20 != 0 {
                return Err(DecodeError::SizeUpdateNotAtStart);
            } else {
                (4, false, b & 0x10 != 0)
            };
            let index = integer::decode(buf, &mut pos, prefix)?;
            self.text.clear();
            let (name, name_verdict) = if index == 0 {
                (self.span(buf, &mut pos)?, Verdict::NONE)
            } else {
                let verdict = self.lookup_entry(index)?.2.name_only();
                (Span::Table(index), verdict)
            };
            let value = self.span(buf, &mut pos)?;
            if indexing {
                let name = match name {
                    Span::Table(i) => self.name_bytes(i)?,
                    other => own_into(&mut self.scratch, other.get(buf, &self.text, &self.table)),
                };
                let value = own_into(&mut self.scratch, value.get(buf, &self.text, &self.table));
                let entry = Entry::new(name, value);
                emit(&entry.name, &entry.value, false, entry.verdict());
                self.table.insert(entry, |_, _| {});
            } else {
                let n = name.get(buf, &self.text, &self.table);
                let v = value.get(buf, &self.text, &self.table);
                emit(n, v, sensitive, name_verdict);
            }
        }
        if list_size > max_list_size {
            return Err(DecodeError::HeaderListTooLarge {
                size: list_size,
                limit: max_list_size,
            });
        }
        Ok(())
    }

    /// Name and value of table entry `index` as [`TableText`], with what the entry vouches
    /// for (every static entry passes the character rules).
    #[inline(always)]
    fn lookup_entry(
        &self,
        index: u32,
    ) -> Result<(TableText<'_>, TableText<'_>, Verdict), DecodeError> {
        let i = index as usize;
        if i == 0 {
            // RFC 7541 6.1: "The index value of 0 is not used. It MUST be treated as a
            // decoding error if found in an indexed header field representation."
            return Err(DecodeError::InvalidIndex { index });
        }
        if i <= STATIC_LEN {
            let (n, v) = STATIC[i - 1];
            return Ok((
                TableText::Static(n),
                TableText::Static(v),
                static_verdict(i),
            ));
        }
        // RFC 7541 2.3.3: "Indices strictly greater than the sum of the lengths of both
        // tables MUST be treated as a decoding error."
        match self.table.get(i - STATIC_LEN - 1) {
            Some(e) => Ok((
                TableText::Dynamic(&e.name),
                TableText::Dynamic(&e.value),
                e.verdict(),
            )),
            None => Err(DecodeError::InvalidIndex { index }),
        }
    }

    /// The name of table entry `index` as `Bytes`.
    fn name_bytes(&self, index: u32) -> Result<Bytes, DecodeError> {
        Ok(self.lookup_entry(index)?.0.to_bytes())
    }

    /// Where a string literal's text is: in the block, or Huffman-decoded into `text`.
    #[inline]
    fn span(&mut self, buf: &[u8], pos: &mut usize) -> Result<Span, DecodeError> {
        let (huffman, start, end) = literal_bounds(buf, pos)?;
        if !huffman {
            return Ok(Span::Block(start, end));
        }
        let from = self.text.len();
        huffman::decode(&buf[start..end], &mut self.text)?;
        Ok(Span::Text(from, self.text.len()))
    }

    /// The name of a literal: a table reference, or a string literal when `index` is 0.
    #[inline]
    fn name(&mut self, block: &Bytes, pos: &mut usize, index: u32) -> Result<Bytes, DecodeError> {
        match index {
            0 => self.string(block, pos),
            _ => self.name_bytes(index),
        }
    }

    /// A string literal (RFC 7541 5.2): a slice of the block, or Huffman-decoded text.
    #[inline]
    fn string(&mut self, block: &Bytes, pos: &mut usize) -> Result<Bytes, DecodeError> {
        let buf: &[u8] = block;
        let (huffman, start, end) = literal_bounds(buf, pos)?;
        if !huffman {
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
        reserve_chunk(&mut self.scratch, need);
    }

    /// Copies a slice of the input block into the scratch buffer, so that a table entry
    /// does not keep the whole receive buffer alive. Other strings are returned as they are.
    fn own(&mut self, block: &Bytes, s: Bytes) -> Bytes {
        if s.is_empty() || !block.as_ptr_range().contains(&s.as_ptr()) {
            return s;
        }
        own_into(&mut self.scratch, &s)
    }

    /// Adds a literal to the dynamic table (RFC 7541 6.2.1) and returns the field with
    /// what the entry vouches for.
    fn insert(&mut self, block: &Bytes, name: Bytes, value: Bytes) -> (HeaderField, Verdict) {
        let name = self.own(block, name);
        let value = self.own(block, value);
        let field = HeaderField {
            name: name.clone(),
            value: value.clone(),
            sensitive: false,
        };
        let entry = Entry::new(name, value);
        let verdict = entry.verdict();
        self.table.insert(entry, |_, _| {});
        (field, verdict)
    }
}

/// The running size of the list being decoded (RFC 9113 6.5.2 accounting) against its
/// limit: the HPACK bomb guard of [`Decoder::decode`].
struct ListSize {
    /// Length of the output list when decoding started.
    start: usize,
    size: usize,
    max: usize,
    /// The limit was passed: fields are no longer stored.
    over: bool,
}

impl ListSize {
    fn new(start: usize, max: usize) -> ListSize {
        ListSize {
            start,
            size: 0,
            max,
            over: false,
        }
    }

    /// Counts a field; whether to store it. Past the limit, what was stored is dropped
    /// and nothing more is, while decoding goes on to keep the table in sync.
    #[inline(always)]
    fn admit(&mut self, name_len: usize, value_len: usize, out: &mut Vec<HeaderField>) -> bool {
        self.size = self.size.saturating_add(field_size(name_len, value_len));
        if self.over {
            return false;
        }
        if self.size > self.max {
            self.over = true;
            out.truncate(self.start);
            return false;
        }
        true
    }
}

/// A string literal's header (RFC 7541 5.2): whether it is Huffman-coded and where its
/// octets lie in `buf`, which must hold them all. Moves `pos` past the literal.
#[inline]
fn literal_bounds(buf: &[u8], pos: &mut usize) -> Result<(bool, usize, usize), DecodeError> {
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
    Ok((first & 0x80 != 0, start, end))
}

/// A string held by one of the tables.
#[derive(Clone, Copy)]
enum TableText<'a> {
    Static(&'static [u8]),
    Dynamic(&'a Bytes),
}

impl<'a> TableText<'a> {
    #[inline(always)]
    fn as_slice(self) -> &'a [u8] {
        match self {
            TableText::Static(s) => s,
            TableText::Dynamic(b) => b,
        }
    }

    #[inline(always)]
    fn len(self) -> usize {
        self.as_slice().len()
    }

    /// An owned handle: static text is not reference counted; table text is shared.
    #[inline(always)]
    fn to_bytes(self) -> Bytes {
        match self {
            TableText::Static(s) => Bytes::from_static(s),
            TableText::Dynamic(b) => b.clone(),
        }
    }
}

/// Starts a fresh chunk when `scratch` has no room for `need` more bytes, without copying
/// what was split off before.
#[inline]
fn reserve_chunk(scratch: &mut BytesMut, need: usize) {
    if scratch.capacity() - scratch.len() < need {
        *scratch = BytesMut::with_capacity(need.max(SCRATCH_CHUNK));
    }
}

/// Copies `s` into the scratch chunk and returns it as `Bytes`.
fn own_into(scratch: &mut BytesMut, s: &[u8]) -> Bytes {
    if s.is_empty() {
        return Bytes::new();
    }
    reserve_chunk(scratch, s.len());
    scratch.extend_from_slice(s);
    scratch.split().freeze()
}

/// Where [`Decoder::decode_with`] finds a string.
#[derive(Clone, Copy)]
enum Span {
    /// `block[start..end]`.
    Block(usize, usize),
    /// `text[start..end]`.
    Text(usize, usize),
    /// The name of a table entry (already checked to exist).
    Table(u32),
}

impl Span {
    #[inline]
    fn get<'a>(self, block: &'a [u8], text: &'a [u8], table: &'a DynamicTable) -> &'a [u8] {
        match self {
            Span::Block(a, b) => &block[a..b],
            Span::Text(a, b) => &text[a..b],
            Span::Table(i) => {
                let i = i as usize;
                if i <= STATIC_LEN {
                    STATIC[i - 1].0
                } else {
                    table.get(i - STATIC_LEN - 1).map_or(&[], |e| &e.name[..])
                }
            }
        }
    }
}
