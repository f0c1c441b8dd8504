//! [`HeaderList`]: a decoded header list held in one buffer.
//!
//! A received header block becomes one `Bytes` buffer holding every name and value back
//! to back, followed by a small index (12 octets per field: where the field starts, its
//! name length with the never-indexed flag in the top bit, its value length). Reading a
//! field borrows from that buffer, so a list of twenty fields costs one buffer, not forty
//! reference-counted handles: nothing is counted when the list is read or dropped, and
//! the decoder reuses its buffer from list to list once the previous lists are dropped.
//!
//! Owned [`HeaderField`]s are made only when asked ([`HeaderList::field`],
//! [`HeaderList::to_vec`]); they are views of the same buffer, so even then no octet is
//! copied.

use crate::HeaderField;
use bytes::{Bytes, BytesMut};
use std::fmt;

/// Octets of index per field: start, name length (plus flag), value length.
const INDEX_ENTRY: usize = 12;
/// The never-indexed flag, in the name-length word.
const SENSITIVE: u32 = 1 << 31;

/// One field of a [`HeaderList`], borrowed: its name, value and never-indexed flag.
///
/// ```
/// use h2_hpack_glue::{FieldRef, HeaderField, HeaderList};
/// let list = HeaderList::from(vec![HeaderField::new(":status", "200")]);
/// let f: FieldRef<'_> = list.iter().next().unwrap();
/// assert_eq!((f.name, f.value, f.sensitive), (&b":status"[..], &b"200"[..], false));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldRef<'a> {
    /// The field name.
    pub name: &'a [u8],
    /// The field value.
    pub value: &'a [u8],
    /// Never index this field (RFC 7541 7.1.3).
    pub sensitive: bool,
}

impl FieldRef<'_> {
    /// The size this field counts for against SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113
    /// 6.5.2): name length + value length + 32.
    pub fn size(&self) -> usize {
        crate::field::field_size(self.name.len(), self.value.len())
    }

    /// The name as text; `None` if it is not UTF-8 (a valid HTTP/2 name always is).
    pub fn name_str(&self) -> Option<&str> {
        std::str::from_utf8(self.name).ok()
    }

    /// The value as text; `None` if it is not UTF-8.
    pub fn value_str(&self) -> Option<&str> {
        std::str::from_utf8(self.value).ok()
    }

    /// An owned copy of this field (two allocations). A field of a [`HeaderList`] is
    /// cheaper to own with [`HeaderList::field`], which copies nothing.
    pub fn to_field(&self) -> HeaderField {
        HeaderField {
            name: Bytes::copy_from_slice(self.name),
            value: Bytes::copy_from_slice(self.value),
            sensitive: self.sensitive,
        }
    }
}

impl fmt::Debug for FieldRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {:?}", Text(self.name), Text(self.value))?;
        if self.sensitive {
            f.write_str(" (never indexed)")?;
        }
        Ok(())
    }
}

/// Octets shown as text where they are printable, escaped where not.
struct Text<'a>(&'a [u8]);

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::str::from_utf8(self.0) {
            Ok(s) => write!(f, "{s:?}"),
            Err(_) => write!(f, "b\"{}\"", self.0.escape_ascii()),
        }
    }
}

impl HeaderField {
    /// This field, borrowed, as a [`HeaderList`] hands out its fields.
    pub fn view(&self) -> FieldRef<'_> {
        FieldRef {
            name: &self.name,
            value: &self.value,
            sensitive: self.sensitive,
        }
    }
}

/// A received header list (RFC 9113 8.2): the fields of one header block, in order, held
/// in one buffer.
///
/// Read it by iterating name/value pairs, by looking up a field by name, or through the
/// pseudo-header accessors; make owned [`HeaderField`]s (views of the same buffer, no
/// copy) with [`field`](HeaderList::field), [`to_vec`](HeaderList::to_vec) or
/// `Vec::from`. Comparing with a slice, array or `Vec` of `HeaderField`s compares the
/// fields in order.
///
/// ```
/// use h2_hpack_glue::{HeaderField, HeaderList};
/// let list = HeaderList::from(vec![
///     HeaderField::new(":status", "200"),
///     HeaderField::new("set-cookie", "a=1"),
///     HeaderField::new("set-cookie", "b=2"),
/// ]);
/// assert_eq!(list.status(), Some(200));
/// assert_eq!(list.get("set-cookie"), Some(&b"a=1"[..]));
/// assert_eq!(list.get_all("set-cookie").count(), 2);
/// for f in &list {
///     println!("{}: {}", f.name.escape_ascii(), f.value.escape_ascii());
/// }
/// let owned: Vec<HeaderField> = list.to_vec();
/// assert_eq!(list, owned);
/// ```
///
/// Costs: reading allocates nothing and touches no reference count; `clone` adds one
/// reference to the buffer; `field` and `to_vec` make handles to the buffer (`to_vec`
/// allocates its `Vec`). Keeping a list keeps its buffer (the decoded text of this block,
/// sometimes sharing an allocation with other lists decoded just before it) alive.
#[derive(Clone, Default)]
pub struct HeaderList {
    /// The text of every field, then the index.
    buf: Bytes,
    /// Where the index starts.
    text_len: usize,
}

impl HeaderList {
    /// An empty list.
    pub fn new() -> HeaderList {
        HeaderList::default()
    }

    /// Octets of buffer the list holds (text and index).
    pub(crate) fn buffer_len(&self) -> usize {
        self.buf.len()
    }

    /// Whether both lists are views of the same buffer.
    #[cfg(test)]
    pub(crate) fn shares_buffer(&self, other: &HeaderList) -> bool {
        self.buf.as_ptr() == other.buf.as_ptr()
    }

    /// The same list in a buffer of its own (one allocation, one copy), so keeping it
    /// does not keep alive the buffer it was decoded into with other lists.
    pub(crate) fn detached(&self) -> HeaderList {
        HeaderList {
            buf: Bytes::copy_from_slice(&self.buf),
            text_len: self.text_len,
        }
    }

    /// The number of fields.
    #[inline]
    pub fn len(&self) -> usize {
        (self.buf.len() - self.text_len) / INDEX_ENTRY
    }

    /// Whether the list has no field.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.buf.len() == self.text_len
    }

    /// The list's size as SETTINGS_MAX_HEADER_LIST_SIZE counts it (RFC 9113 6.5.2): the
    /// sum of name length + value length + 32 over its fields.
    pub fn size(&self) -> usize {
        self.text_len + 32 * self.len()
    }

    /// The field at `index`, borrowed.
    #[inline]
    pub fn get_index(&self, index: usize) -> Option<FieldRef<'_>> {
        let at = self.text_len.checked_add(index.checked_mul(INDEX_ENTRY)?)?;
        let entry = self.buf.get(at..at.checked_add(INDEX_ENTRY)?)?;
        Some(read_entry(&self.buf[..self.text_len], entry))
    }

    /// The fields in order.
    pub fn iter(&self) -> Iter<'_> {
        let (text, index) = self.buf.split_at(self.text_len);
        Iter { text, index }
    }

    /// The value of the first field called `name` (names are lowercase in HTTP/2).
    pub fn get(&self, name: impl AsRef<[u8]>) -> Option<&[u8]> {
        let name = name.as_ref();
        let (text, index) = self.buf.split_at(self.text_len);
        // The name length is in the index: most fields differ from `name` in length, and
        // that is told from one word, without slicing the text. (A server looks up
        // `priority` in every request, RFC 9218 5, which most requests do not carry.)
        for entry in index.chunks_exact(INDEX_ENTRY) {
            let mut len = [0u8; 4];
            len.copy_from_slice(&entry[4..8]);
            if (u32::from_le_bytes(len) & !SENSITIVE) as usize != name.len() {
                continue;
            }
            let f = read_entry(text, entry);
            if f.name == name {
                return Some(f.value);
            }
        }
        None
    }

    /// The value of the first field called `name` as text; `None` if there is none or
    /// its value is not UTF-8.
    ///
    /// ```
    /// use h2_hpack_glue::{HeaderField, HeaderList};
    /// let list = HeaderList::from(vec![HeaderField::new("content-type", "text/html")]);
    /// assert_eq!(list.get_str("content-type"), Some("text/html"));
    /// ```
    pub fn get_str(&self, name: impl AsRef<[u8]>) -> Option<&str> {
        std::str::from_utf8(self.get(name)?).ok()
    }

    /// The values of every field called `name`, in order.
    pub fn get_all<'a>(
        &'a self,
        name: &'a (impl AsRef<[u8]> + ?Sized),
    ) -> impl Iterator<Item = &'a [u8]> + 'a {
        let name = name.as_ref();
        self.iter().filter(move |f| f.name == name).map(|f| f.value)
    }

    /// Whether a field called `name` is present.
    pub fn contains(&self, name: impl AsRef<[u8]>) -> bool {
        self.get(name).is_some()
    }

    /// The value of the pseudo-header field `name` (`":path"`, ...). Pseudo-header fields
    /// come first in a valid list, so the search stops at the first regular field.
    fn pseudo(&self, name: &[u8]) -> Option<&[u8]> {
        self.iter()
            .take_while(|f| f.name.first() == Some(&b':'))
            .find(|f| f.name == name)
            .map(|f| f.value)
    }

    /// A response's `:status` as a number.
    pub fn status(&self) -> Option<u16> {
        let v = self.pseudo(b":status")?;
        if v.len() != 3 || !v.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(v.iter().fold(0, |n, d| n * 10 + u16::from(d - b'0')))
    }

    /// A request's `:method`.
    pub fn method(&self) -> Option<&[u8]> {
        self.pseudo(b":method")
    }

    /// A request's `:path`.
    pub fn path(&self) -> Option<&[u8]> {
        self.pseudo(b":path")
    }

    /// A request's `:authority`.
    pub fn authority(&self) -> Option<&[u8]> {
        self.pseudo(b":authority")
    }

    /// A request's `:scheme`.
    pub fn scheme(&self) -> Option<&[u8]> {
        self.pseudo(b":scheme")
    }

    /// An extended CONNECT request's `:protocol` (RFC 8441).
    pub fn protocol(&self) -> Option<&[u8]> {
        self.pseudo(b":protocol")
    }

    /// The field at `index`, owned: its name and value are views of the list's buffer
    /// (no copy).
    pub fn field(&self, index: usize) -> Option<HeaderField> {
        self.get_index(index).map(|f| self.own(f))
    }

    /// The value of the field at `index`, owned: a view of the list's buffer (no copy).
    pub fn value_at(&self, index: usize) -> Option<Bytes> {
        self.get_index(index).map(|f| self.buf.slice_ref(f.value))
    }

    /// Every field, owned (views of the list's buffer, no octet copied; one allocation
    /// for the `Vec`).
    pub fn to_vec(&self) -> Vec<HeaderField> {
        self.iter().map(|f| self.own(f)).collect()
    }

    /// A field of this list as views of the buffer.
    fn own(&self, f: FieldRef<'_>) -> HeaderField {
        HeaderField {
            name: self.buf.slice_ref(f.name),
            value: self.buf.slice_ref(f.value),
            sensitive: f.sensitive,
        }
    }
}

/// One field from its index entry (start, name length with the flag, value length) and
/// the list's text. Entries are written only by [`HeaderListBuilder`], so they always lie
/// within the text.
#[inline(always)]
fn read_entry<'a>(text: &'a [u8], entry: &[u8]) -> FieldRef<'a> {
    let word = |o: usize| u32::from_le_bytes([entry[o], entry[o + 1], entry[o + 2], entry[o + 3]]);
    let start = word(0) as usize;
    let name_word = word(4);
    let name_end = start + (name_word & !SENSITIVE) as usize;
    let value_end = name_end + word(8) as usize;
    FieldRef {
        name: &text[start..name_end],
        value: &text[name_end..value_end],
        sensitive: name_word & SENSITIVE != 0,
    }
}

/// The fields of a [`HeaderList`], borrowed, in order.
#[derive(Clone)]
pub struct Iter<'a> {
    text: &'a [u8],
    /// The index entries not yet read.
    index: &'a [u8],
}

impl<'a> Iterator for Iter<'a> {
    type Item = FieldRef<'a>;

    #[inline]
    fn next(&mut self) -> Option<FieldRef<'a>> {
        let (entry, rest) = self.index.split_at_checked(INDEX_ENTRY)?;
        self.index = rest;
        Some(read_entry(self.text, entry))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.index.len() / INDEX_ENTRY;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let at = self.index.len().checked_sub(INDEX_ENTRY)?;
        let (rest, entry) = self.index.split_at(at);
        self.index = rest;
        Some(read_entry(self.text, entry))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a HeaderList {
    type Item = FieldRef<'a>;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl fmt::Debug for HeaderList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for HeaderList {
    fn eq(&self, other: &HeaderList) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for HeaderList {}

impl PartialEq<[HeaderField]> for HeaderList {
    fn eq(&self, other: &[HeaderField]) -> bool {
        self.iter().eq(other.iter().map(HeaderField::view))
    }
}

impl PartialEq<&[HeaderField]> for HeaderList {
    fn eq(&self, other: &&[HeaderField]) -> bool {
        *self == **other
    }
}

impl<const N: usize> PartialEq<[HeaderField; N]> for HeaderList {
    fn eq(&self, other: &[HeaderField; N]) -> bool {
        *self == other[..]
    }
}

impl PartialEq<Vec<HeaderField>> for HeaderList {
    fn eq(&self, other: &Vec<HeaderField>) -> bool {
        *self == other[..]
    }
}

impl PartialEq<HeaderList> for Vec<HeaderField> {
    fn eq(&self, other: &HeaderList) -> bool {
        *other == self[..]
    }
}

impl PartialEq<HeaderList> for [HeaderField] {
    fn eq(&self, other: &HeaderList) -> bool {
        *other == *self
    }
}

impl<'a> FromIterator<FieldRef<'a>> for HeaderList {
    fn from_iter<I: IntoIterator<Item = FieldRef<'a>>>(iter: I) -> HeaderList {
        let mut b = HeaderListBuilder::new();
        for f in iter {
            b.push(f.name, f.value, f.sensitive);
        }
        b.finish()
    }
}

impl FromIterator<HeaderField> for HeaderList {
    fn from_iter<I: IntoIterator<Item = HeaderField>>(iter: I) -> HeaderList {
        let mut b = HeaderListBuilder::new();
        for f in iter {
            b.push(&f.name, &f.value, f.sensitive);
        }
        b.finish()
    }
}

impl From<&[HeaderField]> for HeaderList {
    /// Copies the fields into one buffer.
    fn from(fields: &[HeaderField]) -> HeaderList {
        fields.iter().map(HeaderField::view).collect()
    }
}

impl From<Vec<HeaderField>> for HeaderList {
    /// Copies the fields into one buffer.
    fn from(fields: Vec<HeaderField>) -> HeaderList {
        HeaderList::from(&fields[..])
    }
}

impl<const N: usize> From<[HeaderField; N]> for HeaderList {
    /// Copies the fields into one buffer.
    fn from(fields: [HeaderField; N]) -> HeaderList {
        HeaderList::from(&fields[..])
    }
}

impl From<HeaderList> for Vec<HeaderField> {
    /// Views of the list's buffer; no octet copied.
    fn from(list: HeaderList) -> Vec<HeaderField> {
        list.to_vec()
    }
}

impl From<&HeaderList> for Vec<HeaderField> {
    /// Views of the list's buffer; no octet copied.
    fn from(list: &HeaderList) -> Vec<HeaderField> {
        list.to_vec()
    }
}

/// Builds [`HeaderList`]s field by field, reusing one buffer: each finished list is split
/// off it, and the space comes back once the lists made from it are dropped.
///
/// ```
/// use h2_hpack_glue::HeaderListBuilder;
/// let mut b = HeaderListBuilder::new();
/// b.push(b":status", b"204", false);
/// let list = b.finish();
/// assert_eq!(list.status(), Some(204));
/// assert!(b.finish().is_empty());
/// ```
#[derive(Debug, Default)]
pub struct HeaderListBuilder {
    buf: BytesMut,
    /// The index of the list being built (start, name length with the flag, value
    /// length per field, little-endian), appended to the text by `finish`.
    index: Vec<u8>,
    /// The size (text and index) of the previous list: room made for the next one.
    last_size: usize,
}

/// The most room made ahead from the previous list's size.
const MAX_RESERVE: usize = 16 * 1024;
/// The size of a fresh buffer: several typical lists share one, so a burst of lists that
/// are all alive at once (one `receive_data` worth of requests) costs one allocation per
/// chunk, not one per list; a list kept alone pins at most this much.
const CHUNK: usize = 4096;
/// How many lists like the previous one a fresh buffer is sized for (within
/// [`CHUNK`]..[`MAX_CHUNK`]), so larger lists are not one allocation each either.
const LISTS_PER_CHUNK: usize = 8;
/// The largest fresh buffer made for several lists (a larger list gets its own).
const MAX_CHUNK: usize = 16 * 1024;

impl HeaderListBuilder {
    /// A builder with no buffer yet.
    pub fn new() -> HeaderListBuilder {
        HeaderListBuilder::default()
    }

    /// The number of fields pushed since the last [`finish`](HeaderListBuilder::finish).
    pub fn len(&self) -> usize {
        self.index.len() / INDEX_ENTRY
    }

    /// Whether no field was pushed since the last `finish`.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Appends a field.
    ///
    /// # Panics
    ///
    /// When the list's text passes 2 GiB, which its index cannot address. Received lists
    /// never get there: [`Decoder::decode_list`](crate::Decoder::decode_list) stops
    /// storing fields at 1 GiB whatever the limit in force.
    // Always inlined: the decoder calls it once per field, and as a call it spills and
    // restores half a dozen registers around the two copies.
    #[inline(always)]
    pub fn push(&mut self, name: &[u8], value: &[u8], sensitive: bool) {
        if self.index.is_empty() && self.buf.is_empty() {
            self.start_list();
        }
        let start = self.buf.len();
        self.buf.extend_from_slice(name);
        self.buf.extend_from_slice(value);
        // One check covers the three numbers below: the start and both lengths are at
        // most the end of the text.
        check_offset(self.buf.len());
        let flag = if sensitive { SENSITIVE } else { 0 };
        let mut entry = [0u8; INDEX_ENTRY];
        entry[0..4].copy_from_slice(&(start as u32).to_le_bytes());
        entry[4..8].copy_from_slice(&(name.len() as u32 | flag).to_le_bytes());
        entry[8..12].copy_from_slice(&(value.len() as u32).to_le_bytes());
        self.index.extend_from_slice(&entry);
    }

    /// Makes room for a list like the previous one: in the space of lists already
    /// dropped if there is enough, otherwise in a fresh chunk that the next lists share.
    fn start_list(&mut self) {
        let want = self.last_size.min(MAX_RESERVE) + 64;
        if self.buf.capacity() >= want || self.buf.try_reclaim(want) {
            return;
        }
        self.buf = BytesMut::with_capacity(
            want.saturating_mul(LISTS_PER_CHUNK)
                .clamp(CHUNK, MAX_CHUNK)
                .max(want),
        );
    }

    /// Drops the fields pushed since the last `finish`.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.index.clear();
    }

    /// The list of the fields pushed since the last `finish`; the builder is then empty.
    pub fn finish(&mut self) -> HeaderList {
        let text_len = self.buf.len();
        self.last_size = text_len + self.index.len();
        self.buf.extend_from_slice(&self.index);
        self.index.clear();
        HeaderList {
            buf: self.buf.split().freeze(),
            text_len,
        }
    }
}

/// Checks an offset within one list: the index holds them in 31 bits (lists are bounded
/// far below 2 GiB).
#[inline]
fn check_offset(n: usize) {
    assert!(n < SENSITIVE as usize, "header list over 2 GiB");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<HeaderField> {
        vec![
            HeaderField::new(":status", "200"),
            HeaderField::sensitive("set-cookie", "a=1"),
            HeaderField::new("", ""),
            HeaderField::new("set-cookie", "b=2"),
        ]
    }

    #[test]
    fn fields_read_back_in_order_with_their_flags() {
        let list = HeaderList::from(sample());
        assert_eq!(list.len(), 4);
        assert_eq!(list, sample());
        assert_eq!(list.to_vec(), sample());
        let names: Vec<&[u8]> = list.iter().rev().map(|f| f.name).collect();
        assert_eq!(names, [&b"set-cookie"[..], b"", b"set-cookie", b":status"]);
        assert!(list.get_index(1).unwrap().sensitive);
        assert!(list.get_index(4).is_none());
        assert_ne!(list, sample()[..3]);
    }

    #[test]
    fn lookups() {
        let list = HeaderList::from(sample());
        assert_eq!(list.status(), Some(200));
        assert_eq!(list.get("set-cookie"), Some(&b"a=1"[..]));
        let all: Vec<&[u8]> = list.get_all("set-cookie").collect();
        assert_eq!(all, [&b"a=1"[..], b"b=2"]);
        assert!(!list.contains("x"));
        assert_eq!(list.method(), None);
    }

    #[test]
    fn owned_fields_share_the_buffer() {
        let list = HeaderList::from(sample());
        let f = list.field(3).unwrap();
        assert_eq!(f, sample()[3]);
        let text = list.buf.as_ptr_range();
        assert!(text.contains(&f.value.as_ptr()));
    }

    #[test]
    fn a_builder_makes_independent_lists() {
        let mut b = HeaderListBuilder::new();
        b.push(b"a", b"1", false);
        let first = b.finish();
        b.push(b"b", b"22", true);
        b.push(b"c", b"", false);
        let second = b.finish();
        assert_eq!(first, [HeaderField::new("a", "1")]);
        assert_eq!(
            second,
            [HeaderField::sensitive("b", "22"), HeaderField::new("c", "")]
        );
        assert!(b.finish().is_empty());
    }

    #[test]
    fn debug_shows_text() {
        let list = HeaderList::from(vec![HeaderField::new("a", &b"\xff"[..])]);
        assert_eq!(format!("{list:?}"), "[\"a\": b\"\\xff\"]");
    }
}
