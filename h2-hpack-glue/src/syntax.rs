//! Field syntax (RFC 9113 8.2.1, RFC 9110 5.1 and 5.5): which octets a field name and a
//! field value may hold, checked a word or a table entry at a time.
//!
//! This lives with the HPACK tables, below message validation, for one reason: a field
//! decoded from a table entry (or encoded as one) was checked once, when the entry was
//! inserted, so the entry remembers the verdict and [`KnownValid`] tells message validation
//! which fields it need not scan again. The rules themselves are those of `h2-stream`'s
//! validation, which calls these functions.
//!
//! ```
//! use h2_hpack_glue::syntax::{check_name, check_value, NameFault, ValueFault};
//!
//! assert_eq!(check_name(b"content-type"), Ok(()));
//! assert_eq!(check_name(b"Content-Type"), Err(NameFault::Uppercase));
//! assert_eq!(check_value(b"text/plain"), Ok(()));
//! assert_eq!(check_value(b"a\r\nb"), Err(ValueFault::Invalid));
//! assert_eq!(check_value(b" padded"), Err(ValueFault::Whitespace));
//! ```

/// Octets allowed in a regular field name: RFC 9110 `tchar` without uppercase letters
/// (RFC 9113 8.2.1: no 0x00-0x20, no 0x41-0x5a, no 0x7f-0xff, no colon; 8.2: "Field names
/// MUST be converted to lowercase").
static NAME: [bool; 256] = {
    let mut t = [false; 256];
    let extra = b"!#$%&'*+-.^_`|~";
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    let mut c = b'0';
    while c <= b'9' {
        t[c as usize] = true;
        c += 1;
    }
    let mut c = b'a';
    while c <= b'z' {
        t[c as usize] = true;
        c += 1;
    }
    t
};

/// Octets allowed in a field value: RFC 9110 5.5 `field-vchar`, `obs-text`, SP and HTAB.
/// This rejects NUL, CR and LF (the RFC 9113 8.2.1 minimum) and the other control octets.
static VALUE: [bool; 256] = {
    let mut t = [true; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = false;
        c += 1;
    }
    t[b'\t' as usize] = true;
    t[0x7f] = false;
    t
};

/// Why a name failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameFault {
    /// Contains an uppercase letter (and would be valid lowercased).
    Uppercase,
    /// Contains an octet no field name may hold, or is empty.
    Invalid,
}

/// Per-octet class of a name octet, as bits OR-ed over the whole name: 0 allowed,
/// [`UPPER`] an uppercase letter, [`BAD`] anything else.
static NAME_CLASS: [u8; 256] = {
    let mut t = [BAD; 256];
    let mut i = 0;
    while i < 256 {
        if NAME[i] {
            t[i] = 0;
        } else if (i as u8).is_ascii_uppercase() {
            t[i] = UPPER;
        }
        i += 1;
    }
    t
};
const UPPER: u8 = 1;
const BAD: u8 = 2;

/// The OR of the classes of every octet of `s`. No early exit: names are short and valid
/// in the common case, and a branch-free loop of one load and one OR per octet is about
/// twice as fast as stopping at the first bad octet.
#[inline]
fn name_classes(s: &[u8]) -> u8 {
    s.iter().fold(0, |acc, &b| acc | NAME_CLASS[b as usize])
}

/// Checks a regular (non-pseudo) field name.
#[inline]
pub fn check_name(name: &[u8]) -> Result<(), NameFault> {
    match name_classes(name) {
        0 if !name.is_empty() => Ok(()),
        UPPER => Err(NameFault::Uppercase),
        _ => Err(NameFault::Invalid),
    }
}

/// Whether `s` is a `tchar` token (for `:method`), uppercase allowed.
#[inline]
pub fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && name_classes(s) & BAD == 0
}

/// Why a value failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueFault {
    /// Starts or ends with SP or HTAB (RFC 9113 8.2.1), otherwise fine.
    Whitespace,
    /// Contains NUL, CR, LF or another control octet (RFC 9113 8.2.1, RFC 9110 5.5).
    Invalid,
}

/// High bit set in each lane of `x` that may hold an octet [`VALUE`] refuses: one below
/// 0x20 (HTAB included, so a set lane can be a false alarm) or 0x7f.
#[inline(always)]
fn suspect_lanes(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Classic "has less than" test; octets >= 0x80 are excluded by `!x`.
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGHS;
    // Zero-octet test on x ^ 0x7f7f..: lanes equal to DEL.
    let y = x ^ (ONES * 0x7f);
    let is_del = y.wrapping_sub(ONES) & !y & HIGHS;
    below_space | is_del
}

/// Whether every octet of `value` is allowed ([`VALUE`]). Values are most of the bytes a
/// request carries, so they are scanned eight octets at a time with no branch per word;
/// the tail is covered by one more word that overlaps the last full one (octets checked
/// twice are harmless), and values under eight octets are packed into one word. Only
/// when some lane looks suspect (HTAB is allowed, so it can be a false alarm) is the
/// value looked at octet by octet.
#[inline]
fn value_octets_ok(value: &[u8]) -> bool {
    let n = value.len();
    let suspect = if n >= 8 {
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&value[i..i + 8]);
            u64::from_le_bytes(w)
        };
        let mut acc = suspect_lanes(word(n - 8));
        let mut i = 0;
        while i + 8 <= n {
            acc |= suspect_lanes(word(i));
            i += 8;
        }
        acc
    } else if n >= 4 {
        let half = |i: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(&value[i..i + 4]);
            u32::from_le_bytes(w) as u64
        };
        suspect_lanes(half(0) | (half(n - 4) << 32))
    } else if n > 0 {
        // One to three octets: first, middle and last cover them all; the other lanes
        // hold 'a'.
        let w = u64::from_le_bytes([
            value[0],
            value[n / 2],
            value[n - 1],
            b'a',
            b'a',
            b'a',
            b'a',
            b'a',
        ]);
        suspect_lanes(w)
    } else {
        0
    };
    suspect == 0 || value.iter().all(|&b| VALUE[b as usize])
}

/// Checks a field value.
#[inline]
pub fn check_value(value: &[u8]) -> Result<(), ValueFault> {
    if !value_octets_ok(value) {
        return Err(ValueFault::Invalid);
    }
    match (value.first(), value.last()) {
        (Some(b' ' | b'\t'), _) | (_, Some(b' ' | b'\t')) => Err(ValueFault::Whitespace),
        _ => Ok(()),
    }
}

/// Whether a field passes every character rule: its name is a pseudo-header name (the
/// exact pseudo-header names are checked by message validation) or a lowercase token, and
/// its value holds no forbidden octet and no leading or trailing whitespace. This is the
/// verdict a table entry keeps.
///
/// ```
/// use h2_hpack_glue::syntax::field_is_valid;
///
/// assert!(field_is_valid(b":path", b"/"));
/// assert!(field_is_valid(b"accept", b"*/*"));
/// assert!(!field_is_valid(b"Accept", b"*/*"));
/// assert!(!field_is_valid(b"accept", b"*/*\n"));
/// ```
#[inline]
pub fn field_is_valid(name: &[u8], value: &[u8]) -> bool {
    let name_ok = match name.first() {
        Some(b':') => true,
        _ => check_name(name).is_ok(),
    };
    name_ok && check_value(value).is_ok()
}

/// What message validation needs to know of a field name, decided once when an HPACK
/// table entry is made (every static entry has its class too) or a [`VerdictMemo`] first
/// sees the field, and handed on with every field taken from that entry or memo, its name
/// included ([`KnownValid::class`]): validation of such a field looks at no octet of its
/// name.
///
/// ```
/// use h2_hpack_glue::syntax::{name_class, NameClass};
///
/// assert_eq!(name_class(b":path"), NameClass::Path);
/// assert_eq!(name_class(b"accept"), NameClass::Plain);
/// assert_eq!(name_class(b"content-length"), NameClass::ContentLength);
/// assert_eq!(name_class(b"connection"), NameClass::Unknown); // has rules of its own
/// assert_eq!(name_class(b"Accept"), NameClass::Unknown);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum NameClass {
    /// Nothing is known: validation reads the name.
    Unknown = 0,
    /// A lowercase token (RFC 9113 8.2) that no rule of message validation names: not a
    /// pseudo-header, not connection-specific (8.2.2), not `te`, `content-length`,
    /// `host`, `cookie`, `authorization` or `proxy-authorization`. Only its value is
    /// checked.
    Plain = 1,
    /// Exactly `:method`.
    Method = 2,
    /// Exactly `:scheme`.
    Scheme = 3,
    /// Exactly `:authority`.
    Authority = 4,
    /// Exactly `:path`.
    Path = 5,
    /// Exactly `:protocol` (RFC 8441).
    Protocol = 6,
    /// Exactly `:status`.
    Status = 7,
    /// Exactly `content-length` (RFC 9110 8.6), which validation parses: a regular name
    /// whose only rules are on its value. (Every response has one; the other names with
    /// rules are rare enough to be read.)
    ContentLength = 8,
}

/// The regular field names message validation has a rule for (RFC 9113 8.2.2
/// connection-specific fields, `te`, `content-length`, `host`, `cookie`, and the
/// credentials outbound normalization marks sensitive): never [`NameClass::Plain`]. A rule
/// for another name in `h2-stream`'s validation must add it here (its tests check the
/// names they know of).
const NAMES_WITH_RULES: [&[u8]; 11] = [
    b"connection",
    b"keep-alive",
    b"proxy-connection",
    b"transfer-encoding",
    b"upgrade",
    b"te",
    b"content-length",
    b"host",
    b"cookie",
    b"authorization",
    b"proxy-authorization",
];

/// The class of a field name (see [`NameClass`]).
///
/// ```
/// use h2_hpack_glue::syntax::{name_class, NameClass};
///
/// assert_eq!(name_class(b":status"), NameClass::Status);
/// assert_eq!(name_class(b":Status"), NameClass::Unknown);
/// assert_eq!(name_class(b"te"), NameClass::Unknown);
/// assert_eq!(name_class(b"x-request-id"), NameClass::Plain);
/// ```
pub fn name_class(name: &[u8]) -> NameClass {
    match name {
        b":method" => NameClass::Method,
        b":scheme" => NameClass::Scheme,
        b":authority" => NameClass::Authority,
        b":path" => NameClass::Path,
        b":protocol" => NameClass::Protocol,
        b":status" => NameClass::Status,
        b"content-length" => NameClass::ContentLength,
        n if NAMES_WITH_RULES.contains(&n) => NameClass::Unknown,
        n if check_name(n).is_ok() => NameClass::Plain,
        _ => NameClass::Unknown,
    }
}

/// What is vouched for in a header list, by position (the first 32 fields): which fields
/// are known to pass [`field_is_valid`] because they came from an HPACK table entry
/// (static, or dynamic and checked when it was inserted) or equal a field a
/// [`VerdictMemo`] judged, and the [`NameClass`] of the names taken from a table entry or
/// judged by a memo. Message validation skips the character scans of the valid fields and
/// the name comparisons of the classed ones, and still applies every other rule to them.
///
/// It describes the list it was made for, and only that one: pass it with that list.
///
/// ```
/// use h2_hpack_glue::{syntax::{KnownValid, NameClass}, Decoder};
///
/// let mut decoder = Decoder::new(4096);
/// let mut list = Vec::new();
/// // :method GET (static table), then a literal path that is not indexed.
/// let known = decoder.decode(bytes::Bytes::from_static(b"\x82\x04\x02/a"), 1 << 16, &mut list).unwrap();
/// assert!(known.contains(0));
/// assert!(!known.contains(1));
/// assert_eq!(known.class(1), NameClass::Path); // the name came from the static table
/// assert!(!KnownValid::NONE.contains(0));
/// assert_eq!(KnownValid::NONE.class(0), NameClass::Unknown);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownValid {
    /// What is vouched for the field at each position, a [`Verdict`] each: one byte per
    /// field, so that recording or reading both facts about a field is one store or load.
    fields: [Verdict; KNOWN_FIELDS],
}

/// Fields (from the first) that [`KnownValid`] can vouch for; validation checks any
/// further ones in full.
const KNOWN_FIELDS: usize = 32;

impl Default for KnownValid {
    fn default() -> Self {
        KnownValid::NONE
    }
}

impl KnownValid {
    /// Nothing is known: validation scans every field and reads every name.
    pub const NONE: KnownValid = KnownValid {
        fields: [Verdict::NONE; KNOWN_FIELDS],
    };

    /// Whether the field at `position` is known to be valid.
    #[inline]
    pub fn contains(self, position: usize) -> bool {
        self.verdict(position).valid()
    }

    /// The class of the name of the field at `position`.
    #[inline]
    pub fn class(self, position: usize) -> NameClass {
        self.verdict(position).class()
    }

    /// Both facts about the field at `position`.
    #[inline(always)]
    fn verdict(&self, position: usize) -> Verdict {
        match self.fields.get(position) {
            Some(&v) => v,
            None => Verdict::NONE,
        }
    }

    /// [`contains`](KnownValid::contains) and [`class`](KnownValid::class) of the field at
    /// `position`, read at once.
    #[inline]
    pub fn get(&self, position: usize) -> (bool, NameClass) {
        let v = self.verdict(position);
        (v.valid(), v.class())
    }

    /// Whether every field at positions `from..to` is vouched for as valid with a
    /// [`NameClass::Plain`] name: message validation has nothing to do for any of them.
    /// `false` when `to` is past the 32nd field (those are never vouched for).
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use h2_hpack_glue::{Decoder, HeaderListBuilder};
    ///
    /// // :method GET (static), then accept-encoding: gzip, deflate (static, plain).
    /// let mut out = HeaderListBuilder::new();
    /// let known = Decoder::new(4096).decode_list(b"\x82\x90", 1 << 16, &mut out).unwrap();
    /// assert!(known.all_plain(1, 2));
    /// assert!(!known.all_plain(0, 2)); // :method is a pseudo-header
    /// assert!(!known.all_plain(1, 3)); // nothing is known of a third field
    /// ```
    #[inline]
    pub fn all_plain(&self, from: usize, to: usize) -> bool {
        let plain = Verdict::new(true, NameClass::Plain);
        match self.fields.get(from..to) {
            Some(fields) => fields.iter().all(|&v| v == plain),
            None => false,
        }
    }

    /// Records what a table entry vouches for, for the field at `position` (past the
    /// 32nd, nothing is recorded).
    #[inline]
    pub(crate) fn record(&mut self, position: usize, verdict: Verdict) {
        if let Some(slot) = self.fields.get_mut(position) {
            *slot = verdict;
        }
    }
}

/// Remembers, by content, the fields of header lists it was shown and their verdicts
/// ([`field_is_valid`] and [`NameClass`]), position by position: a list that repeats most
/// of the previous one's fields (the same request headers on every request, the same
/// response headers on every response) has them vouched for after one comparison each,
/// whoever holds their octets, and message validation then skips their character scans
/// and name rules. A field whose name differs from the one remembered at its position is
/// judged here (one scan, which validation then need not repeat) and remembered instead;
/// one with the same name and another value (a `:path`, a `content-length`) has only its
/// value checked, and the memo keeps what it holds.
///
/// Only equal octets share a verdict, so what it vouches for is exactly what the scans
/// would find. It holds copies, never the caller's buffers: the first 32 fields of up to
/// 256 octets of name and value each (larger ones are judged on every list, not
/// remembered).
///
/// ```
/// use h2_hpack_glue::{syntax::{NameClass, VerdictMemo}, HeaderField};
///
/// let mut memo = VerdictMemo::new();
/// let list = [HeaderField::new(":status", "200"), HeaderField::new("server", "x\n")];
/// let known = memo.known(&list);
/// assert!(known.contains(0) && known.class(0) == NameClass::Status);
/// assert!(!known.contains(1)); // an invalid value is never vouched for
/// assert_eq!(known.class(1), NameClass::Plain); // its name is still an ordinary one
/// assert_eq!(memo.known(&list), known); // the second time, from memory
/// ```
#[derive(Clone, Debug, Default)]
pub struct VerdictMemo {
    slots: Vec<MemoSlot>,
}

/// The most octets of name and value a [`VerdictMemo`] copies per field.
const MEMO_MAX_FIELD: usize = 256;

/// One remembered field: its name then value, the name's length, and its verdict.
#[derive(Clone, Debug)]
struct MemoSlot {
    text: Vec<u8>,
    /// `usize::MAX` when nothing is remembered (no field's name is that long).
    name_len: usize,
    verdict: Verdict,
}

impl MemoSlot {
    const EMPTY: MemoSlot = MemoSlot {
        text: Vec::new(),
        name_len: usize::MAX,
        verdict: Verdict::NONE,
    };

    /// Whether this slot remembers a field with this name.
    #[inline(always)]
    fn has_name(&self, name: &[u8]) -> bool {
        let n = self.name_len;
        n == name.len() && n <= self.text.len() && crate::hpack::eq(&self.text[..n], name)
    }

    /// Whether the field this slot remembers (with the name just compared) has this value.
    #[inline(always)]
    fn has_value(&self, value: &[u8]) -> bool {
        let n = self.name_len;
        self.text.len() == n + value.len() && crate::hpack::eq(&self.text[n..], value)
    }
}

impl VerdictMemo {
    /// A memo that remembers nothing yet.
    pub fn new() -> VerdictMemo {
        VerdictMemo::default()
    }

    /// Heap bytes held: at most 32 slots and 256 octets of copied text each.
    pub fn memory_usage(&self) -> usize {
        self.slots.capacity() * core::mem::size_of::<MemoSlot>()
            + self.slots.iter().map(|s| s.text.capacity()).sum::<usize>()
    }

    /// What is known of `fields`: every one of the first 32 is judged (from memory when
    /// the field remembered at its position has the same name and value), and the
    /// verdicts of fields with new names are remembered for the next list.
    // Inlined into its caller: the verdicts are written a byte at a time, and returned
    // from a call they were read back at once 16 bytes at a time, which stalled (the
    // stores could not be forwarded to the wider loads).
    #[inline]
    pub fn known(&mut self, fields: &[crate::HeaderField]) -> KnownValid {
        let mut known = KnownValid::NONE;
        let n = fields.len().min(KNOWN_FIELDS);
        if self.slots.len() < n {
            self.slots.resize(n, MemoSlot::EMPTY);
        }
        // Zipped rather than indexed: no bounds check per field.
        let places = self.slots.iter_mut().zip(known.fields.iter_mut());
        for (f, (slot, out)) in fields.iter().zip(places) {
            let (name, value) = (&f.name[..], &f.value[..]);
            let verdict = match slot.has_name(name) {
                true if slot.has_value(value) => slot.verdict,
                // The same name with another value (a `:path`, a `content-length`): a
                // valid field vouches for its name (its class is the name's), so only
                // the value is checked, and the slot keeps what it holds.
                true if slot.verdict.valid() => {
                    Verdict::new(check_value(value).is_ok(), slot.verdict.class())
                }
                _ => judge(slot, name, value),
            };
            *out = verdict;
        }
        known
    }
}

/// Judges a field the memo does not remember, and remembers it in `slot` if it is small.
#[inline(never)]
fn judge(slot: &mut MemoSlot, name: &[u8], value: &[u8]) -> Verdict {
    let verdict = Verdict::of(name, value);
    slot.text.clear();
    if name.len() + value.len() <= MEMO_MAX_FIELD {
        slot.text.extend_from_slice(name);
        slot.text.extend_from_slice(value);
        slot.name_len = name.len();
        slot.verdict = verdict;
    } else {
        slot.name_len = usize::MAX;
    }
    verdict
}

/// What an HPACK table entry (or just its name) vouches for a decoded or encoded field:
/// the [`NameClass`] of its name in the low bits, and [`Verdict::VALID`] when the whole
/// field passes [`field_is_valid`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Verdict(u8);

impl Verdict {
    /// The bit set when the field passes [`field_is_valid`].
    const VALID: u8 = 0x80;

    /// Nothing vouched for (a literal name and value).
    pub(crate) const NONE: Verdict = Verdict(0);

    /// A verdict from its two facts.
    #[inline(always)]
    pub(crate) const fn new(valid: bool, class: NameClass) -> Verdict {
        Verdict(class as u8 | if valid { Verdict::VALID } else { 0 })
    }

    /// The verdict on `name` and `value`, worked out.
    #[inline]
    pub(crate) fn of(name: &[u8], value: &[u8]) -> Verdict {
        Verdict::new(field_is_valid(name, value), name_class(name))
    }

    /// Whether the whole field passes [`field_is_valid`].
    #[inline(always)]
    pub(crate) fn valid(self) -> bool {
        self.0 & Verdict::VALID != 0
    }

    /// The class of the name.
    #[inline(always)]
    pub(crate) fn class(self) -> NameClass {
        match self.0 & !Verdict::VALID {
            1 => NameClass::Plain,
            2 => NameClass::Method,
            3 => NameClass::Scheme,
            4 => NameClass::Authority,
            5 => NameClass::Path,
            6 => NameClass::Protocol,
            7 => NameClass::Status,
            8 => NameClass::ContentLength,
            _ => NameClass::Unknown,
        }
    }

    /// The name's class only (a literal value with a name from a table entry).
    #[inline(always)]
    pub(crate) fn name_only(self) -> Verdict {
        Verdict(self.0 & !Verdict::VALID)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(check_name(b"content-type"), Ok(()));
        assert_eq!(check_name(b"x-a!#$%&'*+-.^_`|~09"), Ok(()));
        assert_eq!(check_name(b"Content-Type"), Err(NameFault::Uppercase));
        assert_eq!(check_name(b""), Err(NameFault::Invalid));
        assert_eq!(check_name(b"a b"), Err(NameFault::Invalid));
        assert_eq!(check_name(b"a:b"), Err(NameFault::Invalid));
        assert_eq!(check_name(b"A:b"), Err(NameFault::Invalid));
        assert_eq!(check_name(b"a\x7f"), Err(NameFault::Invalid));
        assert_eq!(check_name(b"a\xc3"), Err(NameFault::Invalid));
    }

    #[test]
    fn values() {
        assert_eq!(check_value(b""), Ok(()));
        assert_eq!(check_value(b"a b\tc\x80\xff"), Ok(()));
        assert_eq!(check_value(b" a"), Err(ValueFault::Whitespace));
        assert_eq!(check_value(b"a\t"), Err(ValueFault::Whitespace));
        assert_eq!(check_value(b"a\x00"), Err(ValueFault::Invalid));
        assert_eq!(check_value(b"a\rb"), Err(ValueFault::Invalid));
        assert_eq!(check_value(b"a\nb"), Err(ValueFault::Invalid));
        assert_eq!(check_value(b"a\x7f"), Err(ValueFault::Invalid));
    }

    /// The word-at-a-time scan agrees with the table for every octet at every position of
    /// values of every length up to 24 (packed, overlapping and multi-word cases).
    #[test]
    fn value_scan_matches_table_for_every_octet_position_and_length() {
        for len in 1..=24 {
            for pos in 0..len {
                for b in 0..=255u8 {
                    let mut v = vec![b'x'; len];
                    v[pos] = b;
                    assert_eq!(
                        value_octets_ok(&v),
                        VALUE[b as usize],
                        "octet {b:#x} at {pos} of {len}"
                    );
                }
            }
        }
        assert!(value_octets_ok(b""));
    }

    #[test]
    fn name_classes() {
        for (name, class) in [
            (&b":method"[..], NameClass::Method),
            (b":scheme", NameClass::Scheme),
            (b":authority", NameClass::Authority),
            (b":path", NameClass::Path),
            (b":protocol", NameClass::Protocol),
            (b":status", NameClass::Status),
            (b":other", NameClass::Unknown),
            (b":PATH", NameClass::Unknown),
            (b"", NameClass::Unknown),
            (b"accept", NameClass::Plain),
            (b"Accept", NameClass::Unknown),
            (b"x y", NameClass::Unknown),
            (b"content-length", NameClass::ContentLength),
            (b"Content-Length", NameClass::Unknown),
        ] {
            assert_eq!(
                name_class(name),
                class,
                "{:?}",
                name.escape_ascii().to_string()
            );
        }
        for name in NAMES_WITH_RULES {
            assert_ne!(name_class(name), NameClass::Plain);
        }
    }

    /// A plain name is exactly a valid lowercase token without a rule of its own.
    #[test]
    fn plain_names_are_valid_tokens_without_rules() {
        let names = [
            &b"a"[..],
            b"te",
            b"tee",
            b"host",
            b"hosts",
            b"cookie",
            b"cookies",
            b"x-1",
        ];
        for name in names {
            let plain = check_name(name).is_ok() && !NAMES_WITH_RULES.contains(&name);
            assert_eq!(name_class(name) == NameClass::Plain, plain);
        }
    }

    #[test]
    fn verdicts_keep_both_facts() {
        for class in [
            NameClass::Unknown,
            NameClass::Plain,
            NameClass::Method,
            NameClass::Scheme,
            NameClass::Authority,
            NameClass::Path,
            NameClass::Protocol,
            NameClass::Status,
            NameClass::ContentLength,
        ] {
            for valid in [false, true] {
                let v = Verdict::new(valid, class);
                assert_eq!((v.valid(), v.class()), (valid, class));
                assert_eq!(v.name_only(), Verdict::new(false, class));
                let mut known = KnownValid::NONE;
                known.record(3, v);
                assert_eq!(known.get(3), (valid, class));
                assert_eq!((known.contains(3), known.class(3)), (valid, class));
                assert_eq!(known.get(2), (false, NameClass::Unknown));
            }
        }
        let mut known = KnownValid::NONE;
        known.record(32, Verdict::new(true, NameClass::Plain));
        assert_eq!(known, KnownValid::NONE);
    }

    /// Whatever the memo remembers, its verdicts are those worked out from scratch, for
    /// every field of every list in a sequence that repeats, varies and reorders fields.
    #[test]
    fn memo_verdicts_are_the_worked_out_ones() {
        let names: [&[u8]; 8] = [
            b":path", b":status", b"accept", b"Accept", b"te", b"", b"a b", b"x",
        ];
        let values: [&[u8]; 7] = [b"", b"/", b"a b", b" a", b"a\n", b"\x7f", &[b'v'; 300]];
        let mut memo = VerdictMemo::new();
        let mut seed = 0x2545_f491_u32;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as usize % n
        };
        for _ in 0..3000 {
            let len = next(6);
            let list: Vec<crate::HeaderField> = (0..len)
                .map(|_| {
                    crate::HeaderField::new(
                        bytes::Bytes::copy_from_slice(names[next(names.len())]),
                        bytes::Bytes::copy_from_slice(values[next(values.len())]),
                    )
                })
                .collect();
            let known = memo.known(&list);
            for (i, f) in list.iter().enumerate() {
                assert_eq!(
                    known.get(i),
                    (field_is_valid(&f.name, &f.value), name_class(&f.name))
                );
            }
        }
    }

    /// The OR-of-classes name scan agrees with a per-octet reading of the rules for every
    /// octet at every position.
    #[test]
    fn name_scan_matches_table_for_every_octet_and_position() {
        for len in 1..=20 {
            for pos in 0..len {
                for b in 0..=255u8 {
                    let mut n = vec![b'x'; len];
                    n[pos] = b;
                    let expected = if NAME[b as usize] {
                        Ok(())
                    } else if b.is_ascii_uppercase() {
                        Err(NameFault::Uppercase)
                    } else {
                        Err(NameFault::Invalid)
                    };
                    assert_eq!(check_name(&n), expected, "octet {b:#x} at {pos} of {len}");
                    assert_eq!(is_token(&n), NAME[b as usize] || b.is_ascii_uppercase());
                }
            }
        }
    }
}
