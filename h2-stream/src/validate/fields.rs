//! Field name and value characters (RFC 9113 8.2.1, RFC 9110 5.1 and 5.5), one table
//! lookup per octet.

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
pub(crate) enum NameFault {
    /// Contains an uppercase letter (and would be valid lowercased).
    Uppercase,
    /// Contains an octet no field name may hold, or is empty.
    Invalid,
}

/// Checks a regular (non-pseudo) field name.
#[inline]
pub(crate) fn check_name(name: &[u8]) -> Result<(), NameFault> {
    if name.is_empty() {
        return Err(NameFault::Invalid);
    }
    if name.iter().all(|&b| NAME[b as usize]) {
        return Ok(());
    }
    if name
        .iter()
        .all(|&b| NAME[b as usize] || b.is_ascii_uppercase())
    {
        Err(NameFault::Uppercase)
    } else {
        Err(NameFault::Invalid)
    }
}

/// Whether `b` is a `tchar` (for `:method`), uppercase allowed.
#[inline]
pub(crate) fn is_token(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|&b| NAME[b as usize] || b.is_ascii_uppercase())
}

/// Why a value failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ValueFault {
    /// Starts or ends with SP or HTAB (RFC 9113 8.2.1), otherwise fine.
    Whitespace,
    /// Contains NUL, CR, LF or another control octet (RFC 9113 8.2.1, RFC 9110 5.5).
    Invalid,
}

/// Whether every octet of `value` is allowed ([`VALUE`]). Values are most of the bytes a
/// request carries, so they are scanned eight octets at a time: a word with no octet below
/// 0x20 and none equal to 0x7f is fine as a whole; only a word that may hold one (HTAB is
/// allowed, so it can be a false alarm) is looked at octet by octet.
#[inline]
fn value_octets_ok(value: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut words = value.chunks_exact(8);
    for word in &mut words {
        let x = u64::from_le_bytes(word.try_into().expect("chunks of 8"));
        // High bit set in a lane when that octet is below 0x20 (classic "has less than"
        // test; octets >= 0x80 are excluded by `!x`).
        let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGHS;
        // High bit set in a lane when that octet is 0x7f (zero-octet test on x ^ 0x7f..).
        let y = x ^ (ONES * 0x7f);
        let is_del = y.wrapping_sub(ONES) & !y & HIGHS;
        if (below_space | is_del) != 0 && !word.iter().all(|&b| VALUE[b as usize]) {
            return false;
        }
    }
    words.remainder().iter().all(|&b| VALUE[b as usize])
}

/// Checks a field value.
#[inline]
pub(crate) fn check_value(value: &[u8]) -> Result<(), ValueFault> {
    if !value_octets_ok(value) {
        return Err(ValueFault::Invalid);
    }
    match (value.first(), value.last()) {
        (Some(b' ' | b'\t'), _) | (_, Some(b' ' | b'\t')) => Err(ValueFault::Whitespace),
        _ => Ok(()),
    }
}

/// `value` with leading and trailing SP/HTAB removed, as a range.
pub(crate) fn trimmed_range(value: &[u8]) -> core::ops::Range<usize> {
    let start = value
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |i| i + 1);
    start..end
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

    /// The word-at-a-time scan agrees with the table for every octet in every lane.
    #[test]
    fn value_scan_matches_table_for_every_octet_and_lane() {
        for b in 0..=255u8 {
            for lane in 0..8 {
                let mut v = *b"abcdefghijklmnop";
                v[lane] = b;
                v[lane + 8] = b'x';
                assert_eq!(
                    value_octets_ok(&v),
                    VALUE[b as usize],
                    "octet {b:#x} lane {lane}"
                );
                v[lane] = b'x';
                v[lane + 8] = b;
                assert_eq!(
                    value_octets_ok(&v[..15]),
                    lane + 8 == 15 || VALUE[b as usize],
                    "tail {b:#x} lane {lane}"
                );
            }
        }
    }

    #[test]
    fn trim() {
        assert_eq!(trimmed_range(b"  a b\t"), 2..5);
        assert_eq!(trimmed_range(b"   "), 3..3);
        assert_eq!(trimmed_range(b""), 0..0);
    }
}
