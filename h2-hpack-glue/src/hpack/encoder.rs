//! The HPACK encoder (RFC 7541 3, 6) and its indexing policy.

use super::huffman;
use super::index::{hash, hash_pair, Index, Slot};
use super::integer;
use super::static_table::{STATIC, STATIC_LEN};
use super::table::{DynamicTable, Entry};
use crate::HeaderField;
use bytes::BytesMut;

/// The table size every HPACK context starts with (RFC 9113 6.5.2 initial
/// SETTINGS_HEADER_TABLE_SIZE).
pub const DEFAULT_TABLE_SIZE: u32 = 4096;

/// Values of these fields are usually unique per message, so indexing them would only
/// evict useful entries. (`date`, `last-modified` and `location` are indexed: on the
/// hpack-test-case stories, responses repeat them often enough to pay; measured with the
/// round-trip test against the nghttp2 stories' sizes.)
const NOT_INDEXED: &[&[u8]] = &[b":path", b"age", b"content-length", b"etag", b"set-cookie"];

/// An HPACK encoder: one per connection, producing every header block we send, in order.
///
/// # Indexing policy
///
/// * A field whose name and value are in the static or dynamic table is sent as an index
///   (RFC 7541 6.1), found in O(1) through hash maps of names and of name+value pairs that
///   follow every insertion and eviction.
/// * Sensitive fields use the never-indexed literal (RFC 7541 6.2.3) and are never matched
///   against table values. A field is sensitive when [`HeaderField::sensitive`] is set, and
///   also, as in hyper-h2, for every `authorization` and `proxy-authorization` value and for
///   `cookie` values shorter than 20 bytes (short cookies are guessable, RFC 7541 7.1.3).
/// * Other fields are added to the dynamic table (RFC 7541 6.2.1) unless their values are
///   typically unique per message (`:path`, `content-length`, `etag`, `set-cookie`, `age`),
///   or the field would take more than three quarters of the table;
///   those use the literal without indexing (RFC 7541 6.2.2). Names are always sent as an
///   index when the table has them.
/// * Strings are Huffman-coded only when that is shorter (RFC 7541 5.2).
///
/// # Table size
///
/// The encoder uses `min(peer's SETTINGS_HEADER_TABLE_SIZE, cap)`, with a cap of 4096
/// bytes by default ([`Encoder::with_table_size_cap`]): a larger table costs memory per
/// connection and gains little. Changes are signalled at the start of the next block
/// (RFC 7541 4.2), the minimum first when the size went down and up again.
///
/// ```
/// use bytes::{Bytes, BytesMut};
/// use h2_hpack_glue::{Decoder, Encoder, HeaderField};
///
/// let fields = [HeaderField::new(":method", "GET"), HeaderField::new("user-agent", "demo")];
/// let (mut enc, mut dec) = (Encoder::new(), Decoder::new(4096));
/// let mut wire = BytesMut::new();
/// enc.encode(&fields, &mut wire);
/// let mut out = Vec::new();
/// dec.decode(wire.freeze(), 1 << 16, &mut out).unwrap();
/// assert_eq!(out, fields);
/// ```
#[derive(Debug)]
pub struct Encoder {
    table: DynamicTable,
    index: Index,
    cap: usize,
    /// Size updates owed to the peer's decoder: (smallest since the last block, final).
    pending_update: Option<(usize, usize)>,
}

impl Default for Encoder {
    fn default() -> Self {
        Encoder::new()
    }
}

impl Encoder {
    /// An encoder with the initial table size of 4096 (RFC 9113 6.5.2).
    pub fn new() -> Encoder {
        Encoder::with_table_size_cap(DEFAULT_TABLE_SIZE)
    }

    /// An encoder that never uses a dynamic table larger than `cap` bytes, whatever the
    /// peer allows. With a cap below 4096 the first block starts with a size update.
    pub fn with_table_size_cap(cap: u32) -> Encoder {
        let cap = cap as usize;
        let initial = DEFAULT_TABLE_SIZE as usize;
        let used = initial.min(cap);
        Encoder {
            table: DynamicTable::new(used),
            index: Index::new(),
            cap,
            pending_update: (used != initial).then_some((used, used)),
        }
    }

    /// The peer's SETTINGS_HEADER_TABLE_SIZE changed (RFC 9113 6.5.2). The size the encoder
    /// uses becomes `min(peer_header_table_size, cap)`; if it changed, size update(s) start
    /// the next block: the smallest size used since the last block, then the final one
    /// (RFC 7541 4.2). Entries that no longer fit are evicted now.
    pub fn set_max_table_size(&mut self, peer_header_table_size: u32) {
        let size = (peer_header_table_size as usize).min(self.cap);
        self.pending_update = match self.pending_update {
            Some((min, _)) => Some((min.min(size), size)),
            None if size != self.table.max_size() => Some((size, size)),
            None => None,
        };
        let index = &mut self.index;
        self.table
            .set_max_size(size, |abs, e| index.remove(&e.name, &e.value, abs));
    }

    /// The dynamic table size in use (RFC 7541 4.1 accounting).
    pub fn table_size(&self) -> usize {
        self.table.size()
    }

    /// Appends one complete header block encoding `fields` to `dst`.
    pub fn encode(&mut self, fields: &[HeaderField], dst: &mut BytesMut) {
        if let Some((min, size)) = self.pending_update.take() {
            // RFC 7541 4.2: "the smallest maximum table size that occurs in that interval
            // MUST be signaled in a dynamic table size update. The final maximum size is
            // always signaled, resulting in at most two dynamic table size updates."
            if min < size {
                integer::encode(min, 5, 0x20, dst);
            }
            integer::encode(size, 5, 0x20, dst);
        }
        dst.reserve(fields.len() * 4);
        for field in fields {
            self.encode_field(field, dst);
        }
    }

    #[inline]
    fn encode_field(&mut self, f: &HeaderField, dst: &mut BytesMut) {
        let name_hash = hash(&f.name);
        let never = f.sensitive || implicitly_sensitive(f);
        let mut pair_hash = 0;
        if !never {
            pair_hash = hash_pair(name_hash, &f.value);
            if let Some(i) = self.find_pair(pair_hash, f) {
                integer::encode(i, 7, 0x80, dst);
                return;
            }
        }
        let name_index = self.find_name(name_hash, &f.name);
        if never {
            literal(0x10, 4, name_index, f, dst);
        } else if self.should_index(f) {
            literal(0x40, 6, name_index, f, dst);
            let entry = Entry {
                name: f.name.clone(),
                value: f.value.clone(),
            };
            let index = &mut self.index;
            let added = self
                .table
                .insert(entry, |abs, e| index.remove(&e.name, &e.value, abs));
            if let Some(abs) = added {
                self.index.insert(name_hash, pair_hash, abs);
            }
        } else {
            literal(0x00, 4, name_index, f, dst);
        }
    }

    #[inline]
    fn should_index(&self, f: &HeaderField) -> bool {
        f.size() <= self.table.max_size() / 4 * 3 && !NOT_INDEXED.contains(&&f.name[..])
    }

    /// HPACK index of an entry matching name and value.
    #[inline]
    fn find_pair(&self, pair_hash: u64, f: &HeaderField) -> Option<usize> {
        match self.index.pair(pair_hash)? {
            Slot::Static(i) => {
                let (n, v) = STATIC[i as usize - 1];
                (same(n, &f.name) && same(v, &f.value)).then_some(i as usize)
            }
            Slot::Dynamic(abs) => {
                let pos = self.table.position_of(abs)?;
                let e = self.table.get(pos)?;
                (same(&e.name, &f.name) && same(&e.value, &f.value)).then_some(STATIC_LEN + 1 + pos)
            }
        }
    }

    /// HPACK index of an entry with this name, or 0.
    #[inline]
    fn find_name(&self, name_hash: u64, name: &[u8]) -> usize {
        match self.index.name(name_hash) {
            Some(Slot::Static(i)) if same(STATIC[i as usize - 1].0, name) => i as usize,
            Some(Slot::Dynamic(abs)) => match self.table.position_of(abs) {
                Some(pos) if self.table.get(pos).is_some_and(|e| same(&e.name, name)) => {
                    STATIC_LEN + 1 + pos
                }
                _ => 0,
            },
            _ => 0,
        }
    }
}

/// Equality with a pointer shortcut (callers often pass the same `Bytes` every time).
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && (a.as_ptr() == b.as_ptr() || a == b)
}

/// hyper-h2's rule, extended to `proxy-authorization`: credentials and short cookies are
/// never indexed.
#[inline]
fn implicitly_sensitive(f: &HeaderField) -> bool {
    match f.name.len() {
        13 => &f.name[..] == b"authorization",
        19 => &f.name[..] == b"proxy-authorization",
        6 => &f.name[..] == b"cookie" && f.value.len() < 20,
        _ => false,
    }
}

/// A literal representation: `flags` and an N-bit prefixed name index (0 = literal name),
/// then the strings.
#[inline]
fn literal(flags: u8, prefix: u8, name_index: usize, f: &HeaderField, dst: &mut BytesMut) {
    integer::encode(name_index, prefix, flags, dst);
    if name_index == 0 {
        string(&f.name, dst);
    }
    string(&f.value, dst);
}

/// A string literal, Huffman-coded only when shorter (RFC 7541 5.2).
#[inline]
fn string(s: &[u8], dst: &mut BytesMut) {
    let huffman_len = huffman::encoded_len(s);
    if huffman_len < s.len() {
        integer::encode(huffman_len, 7, 0x80, dst);
        huffman::encode(s, dst);
    } else {
        integer::encode(s.len(), 7, 0, dst);
        dst.extend_from_slice(s);
    }
}
