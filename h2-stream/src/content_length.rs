//! content-length against the sum of DATA payloads (RFC 9113 8.1.1).

/// What a message's content-length lets through, for one direction of a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyLength {
    /// No content-length, or checks are off: anything goes.
    Unchecked,
    /// This many octets of DATA payload are still expected.
    Remaining(u64),
    /// The message is defined as having no content (a response to HEAD, 204, 304; RFC 9113
    /// 8.1.1), whatever content-length says: any DATA octet is extraneous.
    NoContent,
}

impl BodyLength {
    /// Accounts for `len` octets of DATA payload (padding excluded).
    pub(crate) fn on_data(self, len: u64) -> Result<BodyLength, &'static str> {
        match self {
            BodyLength::Unchecked => Ok(self),
            BodyLength::Remaining(left) => match left.checked_sub(len) {
                Some(left) => Ok(BodyLength::Remaining(left)),
                None => Err("DATA exceeds content-length"),
            },
            BodyLength::NoContent if len == 0 => Ok(self),
            BodyLength::NoContent => Err("DATA in a message defined as having no content"),
        }
    }

    /// Checks the total when the message ends (END_STREAM).
    pub(crate) fn on_end(self) -> Result<(), &'static str> {
        match self {
            BodyLength::Remaining(left) if left != 0 => {
                Err("DATA total is less than content-length")
            }
            _ => Ok(()),
        }
    }
}

/// Parses a content-length value: one or more ASCII digits, no overflow. (RFC 9110 8.6
/// `Content-Length = 1*DIGIT`; a list of identical values is not accepted in HTTP/2, where a
/// sender has no reason to produce one.)
pub(crate) fn parse(value: &[u8]) -> Option<u64> {
    if value.is_empty() || value.len() > 19 {
        return None;
    }
    let mut n: u64 = 0;
    for &b in value {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_digits_only() {
        assert_eq!(parse(b"0"), Some(0));
        assert_eq!(parse(b"1234"), Some(1234));
        assert_eq!(
            parse(b"9999999999999999999"),
            Some(9_999_999_999_999_999_999)
        );
        assert_eq!(parse(b""), None);
        assert_eq!(parse(b"-1"), None);
        assert_eq!(parse(b"1 "), None);
        assert_eq!(parse(b"1,1"), None);
        assert_eq!(parse(b"99999999999999999999"), None);
    }

    #[test]
    fn rfc9113_8_1_1_content_length_accounting() {
        let b = BodyLength::Remaining(5);
        let b = b.on_data(2).unwrap();
        assert_eq!(b.on_end(), Err("DATA total is less than content-length"));
        assert!(b.on_data(4).is_err());
        let b = b.on_data(3).unwrap();
        assert_eq!(b.on_end(), Ok(()));
        assert!(BodyLength::NoContent.on_data(0).is_ok());
        assert!(BodyLength::NoContent.on_data(1).is_err());
        assert!(BodyLength::NoContent.on_end().is_ok());
        assert!(BodyLength::Unchecked.on_data(u64::MAX).is_ok());
    }
}
