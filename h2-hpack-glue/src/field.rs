//! [`HeaderField`]: one name/value pair of a header list.

use bytes::Bytes;

/// One field of a header list (RFC 9113 8.2), as encoded into or decoded from HPACK.
///
/// `sensitive` means "never index" (RFC 7541 7.1.3): the encoder writes the field with the
/// never-indexed literal representation (RFC 7541 6.2.3) so that no intermediary puts the
/// value into a compression context, and the decoder sets it when the peer used that
/// representation.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct HeaderField {
    /// The field name (lowercase in HTTP/2; this layer does not validate it).
    pub name: Bytes,
    /// The field value.
    pub value: Bytes,
    /// Never index this field (RFC 7541 7.1.3).
    pub sensitive: bool,
}

impl HeaderField {
    /// A field that the encoder may index.
    ///
    /// ```
    /// let f = h2_hpack_glue::HeaderField::new(":method", "GET");
    /// assert!(!f.sensitive);
    /// assert_eq!(f.size(), 7 + 3 + 32);
    /// ```
    pub fn new(name: impl Into<Bytes>, value: impl Into<Bytes>) -> HeaderField {
        HeaderField {
            name: name.into(),
            value: value.into(),
            sensitive: false,
        }
    }

    /// A field that is never indexed (RFC 7541 7.1.3), e.g. a credential.
    pub fn sensitive(name: impl Into<Bytes>, value: impl Into<Bytes>) -> HeaderField {
        HeaderField {
            name: name.into(),
            value: value.into(),
            sensitive: true,
        }
    }

    /// The size this field counts for in a dynamic table (RFC 7541 4.1) and against
    /// SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 6.5.2): name length + value length + 32.
    pub fn size(&self) -> usize {
        field_size(self.name.len(), self.value.len())
    }
}

/// Name length + value length + 32 (RFC 7541 4.1), saturating.
#[inline]
pub(crate) fn field_size(name_len: usize, value_len: usize) -> usize {
    name_len.saturating_add(value_len).saturating_add(32)
}
