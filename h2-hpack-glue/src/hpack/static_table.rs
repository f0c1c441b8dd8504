//! The static table (RFC 7541 Appendix A), generated from the RFC text.

use crate::syntax::{NameClass, Verdict};

/// The 61 static entries; HPACK index `i` is `STATIC[i - 1]`.
pub(crate) const STATIC: [(&[u8], &[u8]); 61] = [
    (b":authority", b""),
    (b":method", b"GET"),
    (b":method", b"POST"),
    (b":path", b"/"),
    (b":path", b"/index.html"),
    (b":scheme", b"http"),
    (b":scheme", b"https"),
    (b":status", b"200"),
    (b":status", b"204"),
    (b":status", b"206"),
    (b":status", b"304"),
    (b":status", b"400"),
    (b":status", b"404"),
    (b":status", b"500"),
    (b"accept-charset", b""),
    (b"accept-encoding", b"gzip, deflate"),
    (b"accept-language", b""),
    (b"accept-ranges", b""),
    (b"accept", b""),
    (b"access-control-allow-origin", b""),
    (b"age", b""),
    (b"allow", b""),
    (b"authorization", b""),
    (b"cache-control", b""),
    (b"content-disposition", b""),
    (b"content-encoding", b""),
    (b"content-language", b""),
    (b"content-length", b""),
    (b"content-location", b""),
    (b"content-range", b""),
    (b"content-type", b""),
    (b"cookie", b""),
    (b"date", b""),
    (b"etag", b""),
    (b"expect", b""),
    (b"expires", b""),
    (b"from", b""),
    (b"host", b""),
    (b"if-match", b""),
    (b"if-modified-since", b""),
    (b"if-none-match", b""),
    (b"if-range", b""),
    (b"if-unmodified-since", b""),
    (b"last-modified", b""),
    (b"link", b""),
    (b"location", b""),
    (b"max-forwards", b""),
    (b"proxy-authenticate", b""),
    (b"proxy-authorization", b""),
    (b"range", b""),
    (b"referer", b""),
    (b"refresh", b""),
    (b"retry-after", b""),
    (b"server", b""),
    (b"set-cookie", b""),
    (b"strict-transport-security", b""),
    (b"transfer-encoding", b""),
    (b"user-agent", b""),
    (b"vary", b""),
    (b"via", b""),
    (b"www-authenticate", b""),
];

/// Number of static entries; dynamic indices start after it (RFC 7541 2.3.3).
pub(crate) const STATIC_LEN: usize = STATIC.len();

/// The [`NameClass`] of each static entry's name (`STATIC_CLASS[i - 1]` for HPACK index
/// `i`): what `name_class` says of it (checked by a test).
const STATIC_CLASS: [NameClass; STATIC_LEN] = {
    use NameClass::{Authority, ContentLength, Method, Path, Plain, Scheme, Status, Unknown};
    [
        Authority,
        Method,
        Method,
        Path,
        Path,
        Scheme,
        Scheme,
        Status,
        Status,
        Status,
        Status,
        Status,
        Status,
        Status, // 1-14: the pseudo-header fields
        Plain,
        Plain,
        Plain,
        Plain,
        Plain,
        Plain,
        Plain,
        Plain,   // 15-22
        Unknown, // 23 authorization
        Plain,
        Plain,
        Plain,
        Plain,         // 24-27
        ContentLength, // 28 content-length
        Plain,
        Plain,
        Plain,   // 29-31
        Unknown, // 32 cookie
        Plain,
        Plain,
        Plain,
        Plain,
        Plain,   // 33-37
        Unknown, // 38 host
        Plain,
        Plain,
        Plain,
        Plain,
        Plain,
        Plain,
        Plain,
        Plain,
        Plain,
        Plain,   // 39-48
        Unknown, // 49 proxy-authorization
        Plain,
        Plain,
        Plain,
        Plain,
        Plain,
        Plain,
        Plain,   // 50-56
        Unknown, // 57 transfer-encoding
        Plain,
        Plain,
        Plain,
        Plain, // 58-61
    ]
};

/// What static entry `i` (1-based HPACK index, in range) vouches for: every static entry
/// passes the character rules.
#[inline(always)]
pub(crate) fn static_verdict(i: usize) -> Verdict {
    STATIC_VERDICT[i - 1]
}

/// [`static_verdict`] for every entry.
static STATIC_VERDICT: [Verdict; STATIC_LEN] = {
    let mut t = [Verdict::NONE; STATIC_LEN];
    let mut i = 0;
    while i < STATIC_LEN {
        t[i] = Verdict::new(true, STATIC_CLASS[i]);
        i += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{field_is_valid, name_class};

    /// The decoder reports every static-table field as known-valid without scanning it;
    /// this is what makes that true.
    #[test]
    fn every_static_entry_passes_the_character_rules() {
        for (i, (name, value)) in STATIC.iter().enumerate() {
            assert!(field_is_valid(name, value), "static entry {}", i + 1);
        }
    }

    /// The hand-written classes are those `name_class` gives.
    #[test]
    fn static_classes_are_the_name_classes() {
        for (i, (name, _)) in STATIC.iter().enumerate() {
            assert_eq!(STATIC_CLASS[i], name_class(name), "static entry {}", i + 1);
        }
    }
}
