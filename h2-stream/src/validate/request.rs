//! Request control data (RFC 9113 8.3.1, 8.4, 8.5; RFC 8441 4).

use super::fields;
use super::Pseudo;

/// The request methods the stream treats specially.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    /// GET: safe and cacheable (may be pushed).
    Get,
    /// HEAD: its response has no content (RFC 9113 8.1.1); safe and cacheable.
    Head,
    /// Plain CONNECT (RFC 9113 8.5): the stream is a tunnel; content-length is not
    /// checked and no HEADERS may follow the first ones.
    Connect,
    /// Anything else.
    Other,
}

impl Method {
    pub(crate) fn parse(method: &[u8]) -> Method {
        match method {
            b"GET" => Method::Get,
            b"HEAD" => Method::Head,
            b"CONNECT" => Method::Connect,
            _ => Method::Other,
        }
    }
}

fn is_http(scheme: &[u8]) -> bool {
    // `scheme.eq_ignore_ascii_case(b"http") || scheme.eq_ignore_ascii_case(b"https")`, a
    // word at a time: both are all letters, and an octet matches a lowercase letter in
    // either case exactly when it equals it with bit 0x20 set (the only bit the two cases
    // differ in), so no per-octet lowercasing loop is needed.
    const HTTP: u32 = u32::from_le_bytes(*b"http");
    let head = |s: &[u8]| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&s[..4]);
        u32::from_le_bytes(w) | 0x2020_2020
    };
    match scheme.len() {
        4 => head(scheme) == HTTP,
        5 => head(scheme) == HTTP && scheme[4] | 0x20 == b's',
        _ => false,
    }
}

/// The request rules, on the collected pseudo-header fields.
pub(super) fn check(
    p: &Pseudo<'_>,
    host: Option<&[u8]>,
    extended_connect: bool,
) -> Result<Method, &'static str> {
    // RFC 9113 8.3.1: "All HTTP/2 requests MUST include exactly one valid value for the
    // :method, :scheme, and :path pseudo-header fields, unless they are CONNECT requests".
    let method_value = p.method.ok_or("request without :method")?;
    let method = Method::parse(method_value);
    // The methods `parse` knows are tokens; only the others need the scan.
    if method == Method::Other && !fields::is_token(method_value) {
        return Err("invalid :method");
    }
    if let Some(protocol) = p.protocol {
        // RFC 8441 4: ":protocol" is used only with SETTINGS_ENABLE_CONNECT_PROTOCOL, and
        // only on CONNECT requests; RFC 9113 8.3: undefined pseudo-headers are malformed.
        if !extended_connect {
            return Err(":protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL");
        }
        if method != Method::Connect {
            return Err(":protocol on a request that is not CONNECT");
        }
        if protocol.is_empty() {
            return Err("empty :protocol");
        }
    }
    if method == Method::Connect && p.protocol.is_none() {
        // RFC 9113 8.5: "The :scheme and :path pseudo-header fields MUST be omitted." The
        // :authority field "contains the host and port to connect to".
        if p.scheme.is_some() || p.path.is_some() {
            return Err("CONNECT with :scheme or :path");
        }
        match p.authority {
            None | Some(b"") => return Err("CONNECT without :authority"),
            Some(_) => {}
        }
    } else {
        let scheme = p.scheme.ok_or("request without :scheme")?;
        if scheme.is_empty() {
            return Err("empty :scheme");
        }
        let path = p.path.ok_or("request without :path")?;
        if is_http(scheme) {
            // RFC 9113 8.3.1: ":path MUST NOT be empty for http or https URIs"; '*' is the
            // asterisk form of OPTIONS; otherwise the absolute-path form starts with '/'.
            match path {
                b"" => return Err("empty :path"),
                b"*" if method_value != b"OPTIONS" => {
                    return Err(":path '*' on a request that is not OPTIONS")
                }
                b"*" => {}
                [b'/', ..] => {}
                _ => return Err(":path is neither '*' nor an absolute path"),
            }
            // RFC 9113 8.3.1: ":authority MUST NOT include the deprecated userinfo
            // subcomponent for http or https schemed URIs."
            if p.authority.is_some_and(has_userinfo) {
                return Err(":authority with userinfo");
            }
        }
    }
    match (p.authority, host) {
        // RFC 9113 8.3.1: "A server SHOULD treat a request as malformed if it contains a
        // Host header field that identifies an entity that differs from the entity in the
        // :authority pseudo-header field." Compared case-insensitively.
        (Some(a), Some(h)) if !a.eq_ignore_ascii_case(h) => {
            Err("host header field differs from :authority")
        }
        // RFC 9110 7.2: a request carries its authority in :authority or Host (hyper-h2
        // rejects requests with neither, and so do we).
        (None, None) => Err("request without :authority or host"),
        // An extended CONNECT (RFC 8441) carries an ordinary message on its stream; only a
        // plain CONNECT makes the stream a tunnel (RFC 9113 8.5).
        _ if p.protocol.is_some() => Ok(Method::Other),
        _ => Ok(method),
    }
}

/// Whether an `:authority` value has a userinfo part (an `@`). Authorities are short:
/// eight octets at a time (the last word overlapping the one before) is cheaper than the
/// setup of a `memchr` call or a byte loop.
#[inline]
fn has_userinfo(authority: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A lane is zero exactly where the octet is `@`; the classic zero-lane test is exact
    // about whether any lane is zero.
    let at_lanes = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&authority[i..i + 8]);
        let x = u64::from_le_bytes(w) ^ (ONES * u64::from(b'@'));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    let n = authority.len();
    if n < 8 {
        return authority.iter().fold(false, |seen, &b| seen | (b == b'@'));
    }
    let mut acc = at_lanes(n - 8);
    let mut i = 0;
    while i + 8 <= n {
        acc |= at_lanes(i);
        i += 8;
    }
    acc != 0
}

/// RFC 9113 8.4: "Promised requests MUST be safe and cacheable": GET or HEAD.
pub(super) fn check_push_method(method: Method) -> Result<(), &'static str> {
    match method {
        Method::Get | Method::Head => Ok(()),
        _ => Err("promised request method is not safe and cacheable"),
    }
}

/// RFC 9113 8.4: a promised request is safe and cacheable, carries no content, and names
/// an :authority the server is authoritative for.
pub(super) fn check_push(
    method: Method,
    authority: Option<&[u8]>,
    content_length: Option<u64>,
) -> Result<(), &'static str> {
    check_push_method(method)?;
    if authority.is_none() {
        return Err("promised request without :authority");
    }
    // "Promised requests cannot include any content"; a content-length of 0 says so.
    if content_length.is_some_and(|n| n != 0) {
        return Err("promised request with content");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{has_userinfo, is_http};

    #[test]
    fn is_http_is_a_case_insensitive_match() {
        for s in [&b"http"[..], b"https", b"HTTP", b"HTTPS", b"hTtPs", b"Http"] {
            assert!(is_http(s), "{s:?}");
        }
        for s in [
            &b""[..],
            b"htt",
            b"httpss",
            b"ftp",
            b"wss",
            b"http:",
            b"httpx",
        ] {
            assert!(!is_http(s), "{s:?}");
        }
        // Every octet in every position: the same answer as eq_ignore_ascii_case.
        for base in [&b"http"[..], b"https"] {
            for i in 0..base.len() {
                for b in 0..=255u8 {
                    let mut v = base.to_vec();
                    v[i] = b;
                    let expected =
                        v.eq_ignore_ascii_case(b"http") || v.eq_ignore_ascii_case(b"https");
                    assert_eq!(is_http(&v), expected, "{v:?}");
                }
            }
        }
    }

    #[test]
    fn userinfo_at_every_position_and_length() {
        for len in 0..=40 {
            assert!(!has_userinfo(&vec![b'a'; len]));
            for pos in 0..len {
                for b in [b'@', b'?', b'A', 0xc0, 0x40 ^ 0x80] {
                    let mut v = vec![b'a'; len];
                    v[pos] = b;
                    assert_eq!(has_userinfo(&v), b == b'@', "{b:#x} at {pos} of {len}");
                }
            }
        }
    }
}
