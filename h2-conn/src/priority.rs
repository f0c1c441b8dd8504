//! RFC 9218 extensible priorities: the urgency and incremental parameters carried by the
//! `priority` request header and PRIORITY_UPDATE frames.

use bytes::Bytes;

/// A stream's RFC 9218 priority: `urgency` 0 (most urgent) to 7, default 3, and
/// `incremental` (the response is useful in parts, so it may share the connection with
/// others of the same urgency), default false.
///
/// ```
/// use h2_conn::ExtensiblePriority;
/// let p = ExtensiblePriority::parse(b"u=1, i");
/// assert_eq!(p, ExtensiblePriority { urgency: 1, incremental: true });
/// assert_eq!(p.to_field_value(), "u=1, i");
/// // Unknown keys and out-of-range values are ignored (RFC 9218 4).
/// assert_eq!(ExtensiblePriority::parse(b"u=9, x=2"), ExtensiblePriority::default());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExtensiblePriority {
    /// 0..=7, lower is more urgent.
    pub urgency: u8,
    /// Whether the body may be interleaved with others of the same urgency.
    pub incremental: bool,
}

impl Default for ExtensiblePriority {
    /// RFC 9218 4.1/4.2: `u=3`, not incremental.
    fn default() -> Self {
        ExtensiblePriority {
            urgency: 3,
            incremental: false,
        }
    }
}

impl ExtensiblePriority {
    /// Parses a Priority field value (a Structured Fields dictionary, RFC 9218 4). Members
    /// other than `u` and `i`, parameters, and values of the wrong type or range are
    /// ignored, leaving the default for that parameter, as RFC 9218 4 asks.
    pub fn parse(value: &[u8]) -> ExtensiblePriority {
        Self::default().updated(value)
    }

    /// This priority with the parameters `value` carries applied (a PRIORITY_UPDATE or a
    /// header names only what it changes; RFC 9218 7: absent parameters take defaults).
    fn updated(mut self, value: &[u8]) -> ExtensiblePriority {
        for member in value.split(|&b| b == b',') {
            // Parameters (`;...`) are allowed on members and ignored here.
            let member = member.split(|&b| b == b';').next().unwrap_or_default();
            let member = member.trim_ascii();
            let (key, value) = match member.iter().position(|&b| b == b'=') {
                Some(at) => (&member[..at], Some(&member[at + 1..])),
                None => (member, None),
            };
            match (key, value) {
                (b"u", Some([digit @ b'0'..=b'7'])) => self.urgency = digit - b'0',
                (b"i", None | Some(b"?1")) => self.incremental = true,
                (b"i", Some(b"?0")) => self.incremental = false,
                _ => {}
            }
        }
        self
    }

    /// The field value that says this priority, defaults left out (`u=3` alone is empty).
    pub fn to_field_value(self) -> String {
        let mut out = String::new();
        if self.urgency != 3 {
            out.push_str("u=");
            out.push(char::from(b'0' + self.urgency.min(7)));
        }
        if self.incremental {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push('i');
        }
        out
    }

    /// The same, as `Bytes` for a header or PRIORITY_UPDATE.
    pub(crate) fn field_bytes(self) -> Bytes {
        Bytes::from(self.to_field_value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9218_4_parses_urgency_and_incremental() {
        let p = |s: &[u8]| ExtensiblePriority::parse(s);
        assert_eq!(p(b""), ExtensiblePriority::default());
        assert_eq!(p(b"u=0").urgency, 0);
        assert_eq!(
            p(b"u=7, i=?1"),
            ExtensiblePriority {
                urgency: 7,
                incremental: true
            }
        );
        assert!(!p(b"i=?0").incremental);
        // Wrong types and ranges are ignored, not errors.
        assert_eq!(p(b"u=8").urgency, 3);
        assert_eq!(p(b"u=-1").urgency, 3);
        assert_eq!(p(b"u=1.0").urgency, 3);
        assert!(!p(b"i=1").incremental);
        // Parameters and unknown members are ignored; OWS around members is allowed.
        assert_eq!(
            p(b" u=2;foo=bar ,  x, i "),
            ExtensiblePriority {
                urgency: 2,
                incremental: true
            }
        );
    }

    #[test]
    fn field_value_round_trips() {
        for urgency in 0..=7 {
            for incremental in [false, true] {
                let p = ExtensiblePriority {
                    urgency,
                    incremental,
                };
                assert_eq!(ExtensiblePriority::parse(p.to_field_value().as_bytes()), p);
            }
        }
    }
}
