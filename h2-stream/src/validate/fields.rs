//! Field name and value characters: the rules are in [`h2_hpack_glue::syntax`] (one
//! implementation, shared with the HPACK tables that remember verdicts); this module adds
//! what only normalization needs.

pub(crate) use h2_hpack_glue::syntax::{check_name, check_value, is_token, NameFault, ValueFault};

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
    fn trim() {
        assert_eq!(trimmed_range(b"  a b\t"), 2..5);
        assert_eq!(trimmed_range(b"   "), 3..3);
        assert_eq!(trimmed_range(b""), 0..0);
    }
}
