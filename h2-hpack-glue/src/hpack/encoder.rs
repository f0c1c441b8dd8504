//! The HPACK encoder (RFC 7541 3, 6) and its indexing policy.

use super::huffman;
use super::index::{hash, hash_pair, Index, Slot};
use super::integer;
use super::static_table::{static_verdict, STATIC, STATIC_LEN};
use super::table::{DynamicTable, Entry};
use crate::syntax::{KnownValid, Verdict};
use crate::HeaderField;
use bytes::BytesMut;

/// The table size every HPACK context starts with (RFC 9113 6.5.2 initial
/// SETTINGS_HEADER_TABLE_SIZE).
pub const DEFAULT_TABLE_SIZE: u32 = 4096;

/// Name plus value length below which [`Encoder::known_valid`] does not look a field up.
const KNOWN_VALID_MIN_LEN: usize = 32;

/// Values of these fields are usually unique per message, so indexing them would only
/// evict useful entries. (`date`, `last-modified` and `location` are indexed: on the
/// hpack-test-case stories, responses repeat them often enough to pay; measured with the
/// round-trip test against the nghttp2 stories' sizes.)
const NOT_INDEXED: &[&[u8]] = &[b":path", b"age", b"content-length", b"etag", b"set-cookie"];

/// How an [`Encoder`] chooses representations (RFC 7541 6). Both are valid HPACK; they
/// differ in size, in what enters the dynamic table, and so in the exact octets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncoderPolicy {
    /// Ours: fields that rarely repeat (`:path`, `content-length`, `etag`, ...) and
    /// fields larger than three quarters of the table are not indexed, and a string is
    /// Huffman-coded only when that is shorter.
    #[default]
    Compact,
    /// As Python's `hpack` package (and so hyper-h2) encodes: every field that is not
    /// sensitive is added to the dynamic table, names are looked up in the static table
    /// before the dynamic one, and every literal string is Huffman-coded. Sensitive
    /// fields (the caller's, plus `authorization`, `proxy-authorization` and `cookie`
    /// values under 20 octets) are never indexed, but a full table match is still sent
    /// as an index. Used to produce byte-identical output to hyper-h2.
    IndexAll,
}

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
    policy: EncoderPolicy,
    table: DynamicTable,
    index: Index,
    /// Where fields passed as the same `Bytes` as before were found (see [`Hints`]).
    hints: Hints,
    /// The hint of the field at each position of the blocks encoded before (the first
    /// [`RECENT`]): a caller that sends the same list again finds each field there with
    /// one comparison, before the hash of [`Hints`]. Checked like any hint.
    recent: Vec<Hint>,
    /// Tests: skip both fast paths, to compare their output with the general path's.
    #[cfg(test)]
    slow_only: bool,
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
            policy: EncoderPolicy::Compact,
            table: DynamicTable::new(used),
            index: Index::new(),
            hints: Hints::new(),
            recent: Vec::new(),
            #[cfg(test)]
            slow_only: false,
            cap,
            pending_update: (used != initial).then_some((used, used)),
        }
    }

    /// An encoder with the default table size that chooses representations by `policy`.
    pub fn with_policy(policy: EncoderPolicy) -> Encoder {
        let mut encoder = Encoder::new();
        encoder.policy = policy;
        encoder
    }

    /// The representation policy in use.
    pub fn policy(&self) -> EncoderPolicy {
        self.policy
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
        for (at, field) in fields.iter().enumerate() {
            self.encode_field(at, field, dst);
        }
    }

    /// The field at position `at` of its list.
    #[inline]
    fn encode_field(&mut self, at: usize, f: &HeaderField, dst: &mut BytesMut) {
        if self.policy == EncoderPolicy::IndexAll {
            return self.encode_index_all(f, dst);
        }
        #[cfg(test)]
        if self.slow_only {
            return self.encode_slow(f, None, dst);
        }
        if !f.sensitive {
            // Fast path 1: the caller passed these very strings before (callers keep the
            // same `Bytes` for constant fields), and the slot they matched still holds
            // equal strings. A hinted slot matched a field that was not sensitive, and
            // whether a field is implicitly sensitive depends only on its contents, which
            // equal that slot's: this field is not sensitive either. The hint of this
            // position in the lists before is tried first (one comparison), then the
            // hints by hash.
            let key = Key::of(f);
            let recent = match self.recent.get(at) {
                Some(h) if h.key == key => h.slot,
                _ => 0,
            };
            // A held entry still in the table is this very field (see `HELD`): its index
            // is all that is needed, without reading the entry.
            if recent & HELD != 0 {
                if let Some(pos) = self.table.position_of((recent & !HELD) - DYNAMIC_BASE) {
                    integer::encode(STATIC_LEN + 1 + pos, 7, 0x80, dst);
                    return;
                }
            }
            let recent = decode_slot(recent & !HELD);
            if let Some((i, _)) = recent.and_then(|slot| self.slot_match(slot, f)) {
                integer::encode(i, 7, 0x80, dst);
                return;
            }
            if let Some((i, slot)) = self
                .hints
                .get(&key)
                .and_then(|slot| Some((self.slot_match(slot, f)?.0, slot)))
            {
                self.set_recent(at, key, slot);
                integer::encode(i, 7, 0x80, dst);
                return;
            }
            // Fast path 2: names we never index are never in the dynamic table, so only
            // the static table can match them, and their name index is static.
            if let Some((name_index, rows)) = never_indexed_name(&f.name) {
                match rows.iter().find(|&&(_, v)| eq(v, &f.value)) {
                    Some(&(i, _)) => integer::encode(usize::from(i), 7, 0x80, dst),
                    None => literal(0x00, 4, name_index, f, dst),
                }
                return;
            }
            return self.encode_slow(f, Some((key, at)), dst);
        }
        self.encode_slow(f, None, dst)
    }

    /// Records the hint of the field at position `at` of the list.
    #[inline]
    fn set_recent(&mut self, at: usize, key: Key, slot: Slot) {
        if at >= RECENT {
            return;
        }
        if self.recent.len() <= at {
            self.recent.resize(at + 1, Hint::default());
        }
        let held = match slot {
            Slot::Dynamic(abs) => self.holds(abs, &key),
            Slot::Static(_) => false,
        };
        self.recent[at] = Hint {
            key,
            slot: encode_slot(slot) | if held { HELD } else { 0 },
        };
    }

    /// Whether the dynamic entry `abs` holds the very strings `key` addresses (it was
    /// added from the caller's `Bytes`, which it keeps): then, while it is in the table,
    /// a field with that key is that entry.
    fn holds(&self, abs: u64, key: &Key) -> bool {
        let Some(e) = self
            .table
            .position_of(abs)
            .and_then(|pos| self.table.get(pos))
        else {
            return false;
        };
        let entry = Key {
            name: e.name.as_ptr() as usize,
            value: e.value.as_ptr() as usize,
            lens: (e.name.len() as u64) << 32 ^ e.value.len() as u64,
        };
        entry == *key
    }

    /// The general path: hash lookups, the indexing policy, table insertion. Records a
    /// hint under `key` (and for the field's position in its list) for fields sent as an
    /// index or added to the table.
    #[inline(never)]
    fn encode_slow(&mut self, f: &HeaderField, key: Option<(Key, usize)>, dst: &mut BytesMut) {
        let name_hash = hash(&f.name);
        let never = f.sensitive || implicitly_sensitive(f);
        let mut pair_hash = 0;
        if !never {
            pair_hash = hash_pair(name_hash, &f.value);
            if let Some((i, slot)) = self.find_pair(pair_hash, f) {
                if let Some((key, at)) = key {
                    self.hint(key, slot);
                    self.set_recent(at, key, slot);
                }
                integer::encode(i, 7, 0x80, dst);
                return;
            }
        }
        let name_index = self.find_name(name_hash, &f.name);
        if never {
            literal(0x10, 4, name_index, f, dst);
        } else if self.should_index(f) {
            literal(0x40, 6, name_index, f, dst);
            if let (Some(abs), Some((key, at))) = (self.add_entry(f, name_hash, pair_hash), key) {
                self.hint(key, Slot::Dynamic(abs));
                self.set_recent(at, key, Slot::Dynamic(abs));
            }
        } else {
            literal(0x00, 4, name_index, f, dst);
        }
    }

    /// HPACK index of the slot hinted for `f`, if the hint is for these strings and the
    /// slot still holds strings equal to them (checked here, so a stale or colliding
    /// hint only costs the slow path), with what the slot vouches for (every static
    /// entry passes the character rules; a dynamic entry kept its own verdict).
    #[inline(always)]
    fn hinted(&self, key: &Key, f: &HeaderField) -> Option<(usize, Verdict)> {
        self.slot_match(self.hints.get(key)?, f)
    }

    /// HPACK index of `slot` if it holds strings equal to `f`'s, with what it vouches for.
    #[inline(always)]
    fn slot_match(&self, slot: Slot, f: &HeaderField) -> Option<(usize, Verdict)> {
        match slot {
            Slot::Static(i) => {
                let i = usize::from(i);
                let (n, v) = STATIC.get(i.wrapping_sub(1))?;
                (eq(n, &f.name) && eq(v, &f.value)).then(|| (i, static_verdict(i)))
            }
            Slot::Dynamic(abs) => {
                let pos = self.table.position_of(abs)?;
                let e = self.table.get(pos)?;
                (same(&e.name, &f.name) && same(&e.value, &f.value))
                    .then_some((STATIC_LEN + 1 + pos, e.verdict()))
            }
        }
    }

    /// Which of `fields` are known to pass the RFC 9113 8.2.1 character rules without a
    /// scan, and the classes of their names: those passed as the same strings as a field
    /// this encoder already sent as (or added to) a table entry, whose verdict the entry
    /// kept. Read-only and cheap (one hint lookup per field); a field it does not
    /// recognise is simply not marked, nor is one under 32 octets of name and value
    /// (scanning those is cheaper than the lookup).
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use h2_hpack_glue::{Encoder, HeaderField};
    ///
    /// let mut enc = Encoder::new();
    /// let fields = [HeaderField::new("user-agent", "demo/1.0 (a browser-like agent string)")];
    /// assert!(!enc.known_valid(&fields).contains(0)); // never sent yet
    /// enc.encode(&fields, &mut BytesMut::new());
    /// assert!(enc.known_valid(&fields).contains(0)); // now a checked table entry
    /// ```
    pub fn known_valid(&self, fields: &[HeaderField]) -> KnownValid {
        let mut known = KnownValid::NONE;
        for (i, f) in fields.iter().enumerate().take(64) {
            // A short field is scanned faster than it is looked up (the scans cost about
            // two instructions per octet, a hint lookup about 80): only look up the rest.
            let worth_it = f.name.len() + f.value.len() >= KNOWN_VALID_MIN_LEN;
            if !worth_it || f.sensitive {
                continue;
            }
            if let Some((_, verdict)) = self.hinted(&Key::of(f), f) {
                known.record(i, verdict);
            }
        }
        known
    }

    /// Records that the field with `key` was found at `slot`.
    fn hint(&mut self, key: Key, slot: Slot) {
        let table = &self.table;
        self.hints.set(key, slot, |s| match s {
            Slot::Static(_) => true,
            Slot::Dynamic(abs) => table.position_of(abs).is_some(),
        });
    }

    #[inline]
    fn should_index(&self, f: &HeaderField) -> bool {
        f.size() <= self.table.max_size() / 4 * 3 && !NOT_INDEXED.contains(&&f.name[..])
    }

    /// [`EncoderPolicy::IndexAll`]: the `hpack` package's choices, field by field.
    #[inline(never)]
    fn encode_index_all(&mut self, f: &HeaderField, dst: &mut BytesMut) {
        let never = f.sensitive || implicitly_sensitive(f);
        // Static table first (its first row with the name), then the dynamic table from
        // the newest entry; a full match wins over a name match.
        let mut name_index = 0;
        for (i, (n, v)) in STATIC.iter().enumerate() {
            if eq(n, &f.name) {
                if eq(v, &f.value) {
                    integer::encode(i + 1, 7, 0x80, dst);
                    return;
                }
                if name_index == 0 {
                    name_index = i + 1;
                }
            }
        }
        let mut pos = 0;
        while let Some(e) = self.table.get(pos) {
            if same(&e.name, &f.name) {
                if same(&e.value, &f.value) {
                    integer::encode(STATIC_LEN + 1 + pos, 7, 0x80, dst);
                    return;
                }
                if name_index == 0 {
                    name_index = STATIC_LEN + 1 + pos;
                }
            }
            pos += 1;
        }
        let (flags, prefix) = if never { (0x10, 4) } else { (0x40, 6) };
        integer::encode(name_index, prefix, flags, dst);
        if name_index == 0 {
            huffman_string(&f.name, dst);
        }
        huffman_string(&f.value, dst);
        if !never {
            let name_hash = hash(&f.name);
            let pair_hash = hash_pair(name_hash, &f.value);
            self.add_entry(f, name_hash, pair_hash);
        }
    }

    /// Inserts `f` into the dynamic table and the index (entries it evicts leave the
    /// index); its absolute position, `None` when it is larger than the table.
    #[inline]
    fn add_entry(&mut self, f: &HeaderField, name_hash: u64, pair_hash: u64) -> Option<u64> {
        let entry = Entry::new(f.name.clone(), f.value.clone());
        let index = &mut self.index;
        let abs = self
            .table
            .insert(entry, |abs, e| index.remove(&e.name, &e.value, abs))?;
        self.index.insert(name_hash, pair_hash, abs);
        Some(abs)
    }

    /// HPACK index and slot of an entry matching name and value.
    #[inline]
    fn find_pair(&self, pair_hash: u64, f: &HeaderField) -> Option<(usize, Slot)> {
        let slot = self.index.pair(pair_hash)?;
        match slot {
            Slot::Static(i) => {
                let (n, v) = STATIC[i as usize - 1];
                (same(n, &f.name) && same(v, &f.value)).then_some((i as usize, slot))
            }
            Slot::Dynamic(abs) => {
                let pos = self.table.position_of(abs)?;
                let e = self.table.get(pos)?;
                (same(&e.name, &f.name) && same(&e.value, &f.value))
                    .then_some((STATIC_LEN + 1 + pos, slot))
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
    a.len() == b.len() && (a.as_ptr() == b.as_ptr() || eq(a, b))
}

/// Equality, comparing strings of up to 32 bytes with a few word loads instead of a call.
#[inline(always)]
pub(crate) fn eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    // Loads from each end cover any length in a range; they may overlap. (Names and
    // values of 17 to 32 octets are common: a call to `bcmp` costs more than four loads.
    // The longer lengths are tested inside, so short strings take no extra branch.)
    if n > 16 {
        if n > 32 {
            return a == b;
        }
        return word8(a, 0) == word8(b, 0)
            && word8(a, 8) == word8(b, 8)
            && word8(a, n - 16) == word8(b, n - 16)
            && word8(a, n - 8) == word8(b, n - 8);
    }
    if n >= 8 {
        return word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8);
    }
    if n >= 4 {
        return word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4);
    }
    a == b
}

#[inline(always)]
fn word8(s: &[u8], at: usize) -> u64 {
    match s.get(at..at + 8) {
        Some(w) => u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]),
        None => 0,
    }
}

#[inline(always)]
fn word4(s: &[u8], at: usize) -> u32 {
    match s.get(at..at + 4) {
        Some(w) => u32::from_le_bytes([w[0], w[1], w[2], w[3]]),
        None => 0,
    }
}

/// Static entries as (HPACK index, value).
type StaticRows = &'static [(u8, &'static [u8])];

/// For a name in [`NOT_INDEXED`]: its static index and its static (index, value) rows.
/// Such fields are never added to the dynamic table, so these rows are the only entries
/// that can match them.
#[inline(always)]
fn never_indexed_name(name: &[u8]) -> Option<(usize, StaticRows)> {
    let (text, index, rows): (&[u8], usize, StaticRows) = match name.len() {
        3 => (b"age", 21, &[(21, b"")]),
        4 => (b"etag", 34, &[(34, b"")]),
        5 => (b":path", 4, &[(4, b"/"), (5, b"/index.html")]),
        10 => (b"set-cookie", 55, &[(55, b"")]),
        14 => (b"content-length", 28, &[(28, b"")]),
        _ => return None,
    };
    eq(name, text).then_some((index, rows))
}

/// Positions of a list whose hints [`Encoder`] keeps for the next list.
const RECENT: usize = 64;

/// Number of hints (a power of two).
const HINTS: usize = 64;
/// Places per bucket: a key may sit in any place of either of its two buckets (eight
/// candidates), which keeps a few dozen constant fields placed whatever their addresses.
/// With one place per bucket, two-choice placement fails near half load, and which keys
/// collided depended on where the caller's strings happened to live; with two, one
/// layout in a few thousand still lost a hint.
const BUCKET: usize = 4;
const BUCKETS: usize = HINTS / BUCKET;

/// One hint: the address of a field's name and value and their lengths when it was last
/// matched or added, and the slot then: 0 for none (an empty hint), 1..=61 a static
/// index, otherwise `DYNAMIC_BASE + ` a dynamic entry's absolute id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Hint {
    key: Key,
    slot: u64,
}

/// Addresses of the name and value, and their lengths.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Key {
    name: usize,
    value: usize,
    lens: u64,
}

impl Key {
    #[inline(always)]
    fn of(f: &HeaderField) -> Key {
        Key {
            name: f.name.as_ptr() as usize,
            value: f.value.as_ptr() as usize,
            lens: (f.name.len() as u64) << 32 ^ f.value.len() as u64,
        }
    }

    /// The key's two hint buckets (different ones), each of [`BUCKET`] places.
    #[inline(always)]
    fn buckets(&self) -> (usize, usize) {
        let x = self.name as u64 ^ (self.value as u64).rotate_left(29) ^ self.lens.rotate_left(13);
        let h = x.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let bits = BUCKETS.trailing_zeros();
        let a = (h >> (64 - bits)) as usize;
        let b = (h >> (64 - 2 * bits)) as usize & (BUCKETS - 1);
        (a, if a == b { b ^ 1 } else { b })
    }

    /// The places of the key's two buckets.
    #[inline(always)]
    fn places(&self) -> [usize; 2 * BUCKET] {
        let (a, b) = self.buckets();
        core::array::from_fn(|i| {
            if i < BUCKET {
                a * BUCKET + i
            } else {
                b * BUCKET + i - BUCKET
            }
        })
    }
}

const DYNAMIC_BASE: u64 = 64;

/// Set in the slot of a hint of the previous list's position (`Encoder::recent`) when the
/// dynamic entry it names holds the very strings its key addresses. An entry keeps the
/// `Bytes` it was added from, and `Bytes` never change, so as long as that entry is in the
/// table no other octets can be at those addresses: a field with the same key is that
/// entry, and only its position is needed (no read of the entry, no comparison).
const HELD: u64 = 1 << 63;

/// A small cache from the addresses and lengths of a field's name and value to the table
/// slot it was last sent as: it skips hashing for fields that the caller passes as the
/// same `Bytes` each time (constant fields usually are). Each key has two buckets of
/// [`BUCKET`] places, and a full pair of buckets makes room by cuckoo displacement, so a
/// few dozen fields fit without evicting each other.
///
/// A hint is only a guess: its slot is checked against the field's strings like any hash
/// lookup, so a hint left stale by eviction, or one matching recycled memory that now
/// holds other text, only falls back to the hash lookups. Hints hold no references, so
/// they keep no caller memory alive.
struct Hints {
    hints: Box<[Hint; HINTS]>,
    /// Varies which place is taken over when a key's places are all in use.
    turn: usize,
}

impl std::fmt::Debug for Hints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let used = self.hints.iter().filter(|h| h.slot != 0).count();
        write!(f, "Hints({used} of {HINTS})")
    }
}

fn encode_slot(slot: Slot) -> u64 {
    match slot {
        Slot::Static(i) => u64::from(i),
        Slot::Dynamic(abs) => abs.saturating_add(DYNAMIC_BASE),
    }
}

#[inline(always)]
fn decode_slot(s: u64) -> Option<Slot> {
    match s {
        0 => None,
        s if s < DYNAMIC_BASE => Some(Slot::Static(s as u8)),
        s => Some(Slot::Dynamic(s - DYNAMIC_BASE)),
    }
}

impl Hints {
    fn new() -> Hints {
        Hints {
            hints: Box::new([Hint::default(); HINTS]),
            turn: 0,
        }
    }

    /// The slot hinted for `key`, if any.
    #[inline(always)]
    fn get(&self, key: &Key) -> Option<Slot> {
        let h = key
            .places()
            .into_iter()
            .map(|p| &self.hints[p])
            .find(|h| h.key == *key)?;
        decode_slot(h.slot)
    }

    /// Records `slot` for `key`. `live` says whether a recorded slot still holds an entry
    /// (a hint whose entry left the table is free).
    fn set(&mut self, key: Key, slot: Slot, live: impl Fn(Slot) -> bool) {
        let new = Hint {
            key,
            slot: encode_slot(slot),
        };
        let places = key.places();
        let free = |h: &Hint| decode_slot(h.slot).is_none_or(|s| !live(s));
        let hints = &mut self.hints;
        if let Some(&p) = places.iter().find(|&&p| hints[p].key == key) {
            hints[p] = new;
            return;
        }
        if let Some(&p) = places.iter().find(|&&p| free(&hints[p])) {
            hints[p] = new;
            return;
        }
        // All taken: cuckoo placement. The new hint takes a place and its occupant
        // moves to a free place of its own other bucket, or takes a place there in turn,
        // for a few rounds; if that runs out, the last one displaced is dropped (a hint is
        // only a cache).
        let mut moving = new;
        let mut from = usize::MAX;
        for _ in 0..MAX_KICKS {
            let places = moving.key.places();
            if let Some(&p) = places.iter().find(|&&p| p != from && free(&hints[p])) {
                hints[p] = moving;
                return;
            }
            self.turn = self.turn.wrapping_add(1);
            let mut p = places[self.turn % places.len()];
            if p == from {
                p = places[(self.turn + 1) % places.len()];
            }
            moving = core::mem::replace(&mut hints[p], moving);
            from = p;
        }
    }
}

/// Displacements tried before a hint is dropped.
const MAX_KICKS: usize = 8;

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

/// A string literal, always Huffman-coded (as the `hpack` package writes them).
fn huffman_string(s: &[u8], dst: &mut BytesMut) {
    let huffman_len = huffman::encoded_len(s);
    integer::encode(huffman_len, 7, 0x80, dst);
    huffman::encode_with_len(s, huffman_len, dst);
}

/// A string literal, Huffman-coded only when shorter (RFC 7541 5.2).
#[inline]
fn string(s: &[u8], dst: &mut BytesMut) {
    let huffman_len = huffman::encoded_len(s);
    if huffman_len < s.len() {
        integer::encode(huffman_len, 7, 0x80, dst);
        huffman::encode_with_len(s, huffman_len, dst);
    } else {
        integer::encode(s.len(), 7, 0, dst);
        dst.extend_from_slice(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Decoder;
    use bytes::Bytes;

    fn round_trip(enc: &mut Encoder, dec: &mut Decoder, fields: &[HeaderField]) -> Vec<u8> {
        let mut wire = BytesMut::new();
        enc.encode(fields, &mut wire);
        let wire = wire.freeze();
        let mut out = Vec::new();
        dec.decode(wire.clone(), usize::MAX, &mut out).unwrap();
        assert_eq!(out.len(), fields.len());
        for (a, b) in out.iter().zip(fields) {
            assert_eq!((&a.name, &a.value), (&b.name, &b.value));
        }
        wire.to_vec()
    }

    /// Fields sent again as the same `Bytes` are found from the previous list's hints
    /// without reading their entries: the index must stay right as newer entries shift
    /// it, and an entry evicted meanwhile must be sent afresh, never named.
    #[test]
    fn held_hints_give_the_current_index_or_nothing() {
        let (mut enc, mut dec) = (Encoder::new(), Decoder::new(4096));
        let a = HeaderField::new("x-a", "1");
        let b = HeaderField::new("x-b", "2");
        let c = HeaderField::new("x-c", "3");
        let ab = [a.clone(), b.clone()];
        round_trip(&mut enc, &mut dec, &ab);
        assert!(enc.recent.iter().all(|h| h.slot & HELD != 0));
        // Both indexed from held hints: 0xbf (63, a) and 0xbe (62, b).
        assert_eq!(round_trip(&mut enc, &mut dec, &ab), [0xbf, 0xbe]);
        // A newer entry shifts them by one.
        round_trip(&mut enc, &mut dec, &[c]);
        assert_eq!(round_trip(&mut enc, &mut dec, &ab), [0xc0, 0xbf]);
        // Evicted (the table emptied by a size change): sent as literals again.
        enc.set_max_table_size(0);
        enc.set_max_table_size(4096);
        dec.set_max_table_size(4096);
        let wire = round_trip(&mut enc, &mut dec, &ab);
        assert!(
            wire.len() > 2 && wire[0] & 0xe0 == 0x20,
            "size updates, then literals"
        );
    }

    /// A tiny deterministic generator (xorshift).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn eq_matches_slice_equality() {
        let a: Vec<u8> = (0..48u8).collect();
        for n in 0..=40usize {
            for m in [n.saturating_sub(1), n, n + 1] {
                for flip in core::iter::once(None).chain((0..m).map(Some)) {
                    let mut b = a[..m].to_vec();
                    if let Some(i) = flip.filter(|&i| i < m) {
                        b[i] ^= 0x20;
                    }
                    assert_eq!(
                        eq(&a[..n], &b),
                        a[..n] == b[..],
                        "n={n} m={m} flip={flip:?}"
                    );
                    assert_eq!(same(&a[..n], &b), a[..n] == b[..]);
                }
            }
        }
    }

    #[test]
    fn never_indexed_names_match_the_policy_and_the_static_table() {
        for name in NOT_INDEXED {
            let (index, rows) = never_indexed_name(name).unwrap();
            assert_eq!(STATIC[index - 1].0, *name);
            let expected: Vec<(u8, &[u8])> = (1..=STATIC_LEN)
                .filter(|&i| STATIC[i - 1].0 == *name)
                .map(|i| (i as u8, STATIC[i - 1].1))
                .collect();
            assert_eq!(rows, &expected[..]);
        }
        for (name, _) in STATIC {
            assert_eq!(
                never_indexed_name(name).is_some(),
                NOT_INDEXED.contains(&name)
            );
        }
        assert!(never_indexed_name(b":PATH").is_none());
        assert!(never_indexed_name(b"ag").is_none());
    }

    #[test]
    fn hinted_field_evicted_from_the_table_is_not_sent_as_a_stale_index() {
        // Room for two 42-byte entries.
        let mut enc = Encoder::with_table_size_cap(100);
        let mut dec = Decoder::new(4096);
        let kept = HeaderField::new("x-kept", "value-1234"); // 6 + 10 + 32 = 48 bytes
        round_trip(&mut enc, &mut dec, std::slice::from_ref(&kept));
        // The same `Bytes` again: sent as an index through its hint.
        let wire = round_trip(&mut enc, &mut dec, std::slice::from_ref(&kept));
        assert_eq!(wire, [0x80 | 62]);
        // Evict it; the hint still names its absolute id.
        for i in 0..3 {
            let other = HeaderField::new("x-other", format!("value-{i:03}"));
            round_trip(&mut enc, &mut dec, &[other]);
        }
        let wire = round_trip(&mut enc, &mut dec, std::slice::from_ref(&kept));
        assert_eq!(
            wire[0] & 0xc0,
            0x40,
            "re-added as a literal, not a stale index"
        );
        let wire = round_trip(&mut enc, &mut dec, std::slice::from_ref(&kept));
        assert_eq!(wire, [0x80 | 62]);
    }

    #[test]
    fn hint_on_recycled_memory_with_other_text_is_not_trusted() {
        let mut enc = Encoder::new();
        let mut dec = Decoder::new(4096);
        // Each value is a fresh allocation of the same size, which the allocator usually
        // places where the previous one was: same address and length, other text.
        for i in 0..200u8 {
            let value = Bytes::from(vec![b'a' + i % 26; 12]);
            let field = HeaderField::new("x-recycled", value);
            round_trip(&mut enc, &mut dec, &[field]);
        }
        // Static slots too: a value of the length of "GET" at a reused address.
        for i in 0..50u8 {
            let value = Bytes::from(vec![b'A' + i % 26, b'E', b'T']);
            let field = HeaderField::new(":method", value);
            round_trip(&mut enc, &mut dec, &[field]);
        }
    }

    /// The fast paths change nothing on the wire: the same lists, encoded with the hints
    /// and without them, give the same bytes, through table churn, evictions, size
    /// changes, sensitive fields, and `Bytes` reused or copied.
    #[test]
    fn fast_paths_give_the_general_paths_bytes_across_table_churn() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let names: Vec<Bytes> = [
            ":method",
            ":path",
            ":authority",
            "age",
            "etag",
            "set-cookie",
            "content-length",
            "cookie",
            "authorization",
            "user-agent",
            "accept",
            "x-a",
            "x-b",
            "x-c",
            "x-d",
        ]
        .iter()
        .map(|n| Bytes::from_static(n.as_bytes()))
        .collect();
        let values: Vec<Bytes> = [
            "",
            "/",
            "/index.html",
            "GET",
            "POST",
            "a",
            "some value",
            "a longer value here",
            "a value of more than sixty-four octets, to take the sampled hashing path ...",
        ]
        .iter()
        .map(|v| Bytes::from_static(v.as_bytes()))
        .collect();
        // A pool of fields reused as the same `Bytes` across blocks.
        let pool: Vec<HeaderField> = (0..80)
            .map(|_| {
                let name = names[rng.below(names.len())].clone();
                let value = if rng.below(3) == 0 {
                    Bytes::from(format!("v{}", rng.below(1000)))
                } else {
                    values[rng.below(values.len())].clone()
                };
                HeaderField {
                    name,
                    value,
                    sensitive: rng.below(10) == 0,
                }
            })
            .collect();
        for cap in [4096, 256, 64] {
            let mut fast = Encoder::with_table_size_cap(cap);
            let mut slow = Encoder {
                slow_only: true,
                ..Encoder::with_table_size_cap(cap)
            };
            let mut dec = Decoder::new(4096);
            for block in 0..400 {
                if block % 97 == 96 {
                    let size = [0, 100, 4096, 1000][rng.below(4)];
                    fast.set_max_table_size(size);
                    slow.set_max_table_size(size);
                }
                let n = 1 + rng.below(30);
                let fields: Vec<HeaderField> = (0..n)
                    .map(|_| {
                        let f = &pool[rng.below(pool.len())];
                        if rng.below(4) == 0 {
                            // Equal text in other memory.
                            HeaderField {
                                name: Bytes::copy_from_slice(&f.name),
                                value: Bytes::copy_from_slice(&f.value),
                                sensitive: f.sensitive,
                            }
                        } else {
                            f.clone()
                        }
                    })
                    .collect();
                let wire = round_trip(&mut fast, &mut dec, &fields);
                let mut reference = BytesMut::new();
                slow.encode(&fields, &mut reference);
                assert_eq!(wire, reference, "block {block}, cap {cap}");
            }
        }
    }

    /// Lists that mostly repeat the previous one position by position (the case the
    /// per-position hints serve), with fields swapped, replaced by equal text in other
    /// memory or by other fields, and tables small enough to evict what the hints point
    /// at: the bytes are the general path's every time.
    #[test]
    fn position_hints_give_the_general_paths_bytes() {
        let mut rng = Rng(0x5eed_1234_9876_abcd);
        let base: Vec<HeaderField> = [
            (":method", "GET"),
            (":scheme", "https"),
            (":authority", "example.com"),
            (":path", "/"),
            (
                "user-agent",
                "a browser-like user agent string of some length",
            ),
            ("accept", "*/*"),
            ("accept-language", "en-US,en;q=0.9"),
            ("x-a", "1"),
            ("x-b", "2"),
        ]
        .iter()
        .map(|&(n, v)| HeaderField::new(n, v))
        .collect();
        for cap in [4096, 256, 100, 0] {
            let mut fast = Encoder::with_table_size_cap(cap);
            let mut slow = Encoder {
                slow_only: true,
                ..Encoder::with_table_size_cap(cap)
            };
            let mut dec = Decoder::new(4096);
            let mut list = base.clone();
            for block in 0..300 {
                match rng.below(5) {
                    0 => {
                        let (i, j) = (rng.below(list.len()), rng.below(list.len()));
                        list.swap(i, j);
                    }
                    1 => {
                        let i = rng.below(list.len());
                        list[i] = HeaderField {
                            name: Bytes::copy_from_slice(&list[i].name),
                            value: Bytes::copy_from_slice(&list[i].value),
                            sensitive: false,
                        };
                    }
                    2 => {
                        let i = rng.below(list.len());
                        list[i].value = Bytes::from(format!("v{}", rng.below(50)));
                    }
                    3 => list = base.clone(),
                    _ => {}
                }
                let wire = round_trip(&mut fast, &mut dec, &list);
                let mut reference = BytesMut::new();
                slow.encode(&list, &mut reference);
                assert_eq!(wire, reference, "block {block}, cap {cap}");
            }
        }
    }

    /// A long list of constant fields is sent from the hints without thrashing them: after
    /// the first block every field is found by its hint.
    #[test]
    fn hints_hold_a_long_constant_list() {
        // Many address layouts (the strings are fresh heap allocations each round, with a
        // varying amount of other allocations in between): the placement must not depend
        // on luck. 31 keys, as W3's requests and responses together.
        let mut worst = usize::MAX;
        let mut spacers = Vec::new();
        for round in 0..200 {
            spacers.push(vec![0u8; 1 + round * 7 % 61]);
            let mut fields = vec![
                HeaderField::new(":method", "GET"),
                HeaderField::new(":scheme", "https"),
                HeaderField::new(":authority", "example.com"),
                HeaderField::new("user-agent", "demo/1.0"),
                HeaderField::new("accept", "*/*"),
                HeaderField::new("accept-encoding", "gzip, deflate, br"),
                HeaderField::new("accept-language", "en-US,en;q=0.9"),
                HeaderField::new(":status", "200"),
                HeaderField::new("content-type", "text/plain"),
                HeaderField::new("x-round", round.to_string()),
                HeaderField::new("server", "ours"),
            ];
            fields.extend((0..20).map(|i| {
                HeaderField::new(
                    format!("x-custom-header-{i:02}"),
                    format!("value-{i:02}-{round}"),
                )
            }));
            let mut enc = Encoder::new();
            let mut wire = BytesMut::new();
            enc.encode(&fields, &mut wire);
            enc.encode(&fields, &mut wire);
            let hit = fields
                .iter()
                .filter(|f| enc.hinted(&Key::of(f), f).is_some())
                .count();
            worst = worst.min(hit);
        }
        assert_eq!(worst, 31, "worst round: {worst} of 31 hinted");
    }

    /// The encoder vouches only for fields found in a table entry that passed the
    /// character rules: an invalid field it was asked to send (validation is the caller's
    /// job, and may be off) is indexed but never reported known-valid; a field whose
    /// strings differ from the entry's is not reported either.
    #[test]
    fn known_valid_only_for_entries_that_passed_the_character_rules() {
        let long = "v".repeat(KNOWN_VALID_MIN_LEN);
        let good = HeaderField::new("x-good", long.clone());
        let bad = HeaderField::new("x-bad", format!("a\x01{long}"));
        let upper = HeaderField::new("X-Upper", long.clone());
        let mut enc = Encoder::new();
        let fields = [good.clone(), bad.clone(), upper.clone()];
        assert_eq!(enc.known_valid(&fields), KnownValid::NONE);
        enc.encode(&fields, &mut BytesMut::new());
        let known = enc.known_valid(&fields);
        assert!(known.contains(0));
        assert!(!known.contains(1));
        assert!(!known.contains(2));
        // Same name, other value (a different allocation): not vouched for.
        assert!(!enc
            .known_valid(&[HeaderField::new("x-good", "w")])
            .contains(0));
        // Sensitive fields are never matched against the table.
        let secret = HeaderField::sensitive(good.name.clone(), good.value.clone());
        assert!(!enc.known_valid(&[secret]).contains(0));
    }
}
