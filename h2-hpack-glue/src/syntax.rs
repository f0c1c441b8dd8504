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

/// Which fields of a header list, by position (the first 64), are known to pass
/// [`field_is_valid`] because they came from an HPACK table entry (static, or dynamic and
/// checked when it was inserted). Message validation skips the character scans of these
/// fields and still applies every other rule to them.
///
/// ```
/// use h2_hpack_glue::{syntax::KnownValid, Decoder};
///
/// let mut decoder = Decoder::new(4096);
/// let mut list = Vec::new();
/// // :method GET (static table), then a literal path that is not indexed.
/// let known = decoder.decode(bytes::Bytes::from_static(b"\x82\x04\x02/a"), 1 << 16, &mut list).unwrap();
/// assert!(known.contains(0));
/// assert!(!known.contains(1));
/// assert!(!KnownValid::NONE.contains(0));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KnownValid(u64);

impl KnownValid {
    /// No field is known to be valid: validation scans them all.
    pub const NONE: KnownValid = KnownValid(0);

    /// Whether the field at `position` is known to be valid.
    #[inline]
    pub fn contains(self, position: usize) -> bool {
        position < 64 && self.0 & (1 << position) != 0
    }

    /// Marks the field at `position` (past the 64th, nothing is recorded).
    #[inline]
    pub(crate) fn insert(&mut self, position: usize) {
        if position < 64 {
            self.0 |= 1 << position;
        }
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
