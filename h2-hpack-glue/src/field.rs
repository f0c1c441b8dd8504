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
    /// A field that the encoder may index, without copying: `name` and `value` become
    /// [`Bytes`] (a `&'static str` literal, a `String`, a `Vec<u8>` or a `Bytes`).
    ///
    /// ```
    /// let f = h2_hpack_glue::HeaderField::new(":method", "GET");
    /// assert!(!f.sensitive);
    /// assert_eq!(f.size(), 7 + 3 + 32);
    /// ```
    ///
    /// **Borrowed text** (a `&str` or `&[u8]` that is not `'static`, such as a slice of a
    /// request you parsed) does not convert into `Bytes` without a copy, so `new` fails
    /// to compile with "borrowed value does not live long enough ... requires that it is
    /// borrowed for `'static`". Use [`HeaderField::copy_from`], which copies:
    ///
    /// ```
    /// use h2_hpack_glue::HeaderField;
    /// let path = String::from("/index.html?q=1");
    /// let borrowed: &str = &path[..11];
    /// let f = HeaderField::copy_from(":path", borrowed);
    /// assert_eq!(f, HeaderField::new(":path", "/index.html"));
    /// ```
    pub fn new(name: impl Into<Bytes>, value: impl Into<Bytes>) -> HeaderField {
        HeaderField {
            name: name.into(),
            value: value.into(),
            sensitive: false,
        }
    }

    /// A field that is never indexed (RFC 7541 7.1.3), e.g. a credential. Takes
    /// `'static` or owned data like [`HeaderField::new`]; for borrowed data use
    /// [`HeaderField::sensitive_copy_from`].
    pub fn sensitive(name: impl Into<Bytes>, value: impl Into<Bytes>) -> HeaderField {
        HeaderField {
            name: name.into(),
            value: value.into(),
            sensitive: true,
        }
    }

    /// A field that the encoder may index, copying `name` and `value` from borrowed
    /// bytes or text of any lifetime (`&str`, `&[u8]`, `&String`, ...): the way to build
    /// a field from data you only borrow (see [`HeaderField::new`]). One allocation per
    /// non-empty name and value.
    ///
    /// ```
    /// use h2_hpack_glue::HeaderField;
    /// fn content_type(value: &str) -> HeaderField {
    ///     HeaderField::copy_from("content-type", value)
    /// }
    /// assert_eq!(content_type("text/plain").value, "text/plain");
    /// ```
    pub fn copy_from(name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> HeaderField {
        HeaderField {
            name: Bytes::copy_from_slice(name.as_ref()),
            value: Bytes::copy_from_slice(value.as_ref()),
            sensitive: false,
        }
    }

    /// [`HeaderField::sensitive`] copying from borrowed bytes or text, like
    /// [`HeaderField::copy_from`].
    pub fn sensitive_copy_from(name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> HeaderField {
        HeaderField {
            sensitive: true,
            ..HeaderField::copy_from(name, value)
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
