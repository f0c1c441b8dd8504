//! The dynamic table (RFC 7541 2.3.2, 4): a FIFO ring with size accounting and eviction.

use crate::field::field_size;
#[cfg(doc)]
use crate::syntax::field_is_valid;
use crate::syntax::Verdict;
use bytes::Bytes;
use std::collections::VecDeque;

/// One dynamic-table entry.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) name: Bytes,
    pub(crate) value: Bytes,
    /// What this entry vouches for a field taken from it ([`field_is_valid`] and the
    /// name's class), worked out once at insertion, so that fields decoded from (or
    /// encoded as) this entry need no character scan and no name comparison.
    verdict: Verdict,
}

impl Entry {
    /// An entry, with its verdict.
    #[inline]
    pub(crate) fn new(name: Bytes, value: Bytes) -> Entry {
        let verdict = Verdict::of(&name, &value);
        Entry {
            name,
            value,
            verdict,
        }
    }

    /// What this entry vouches for a field taken from it.
    #[inline(always)]
    pub(crate) fn verdict(&self) -> Verdict {
        self.verdict
    }

    #[inline]
    pub(crate) fn size(&self) -> usize {
        field_size(self.name.len(), self.value.len())
    }
}

/// The dynamic table. The newest entry is at the front (the lowest dynamic index, RFC 7541
/// 2.3.3); entries leave from the back. Every entry also has an absolute id (its insertion
/// number), which the encoder's index uses because it does not shift as entries arrive.
#[derive(Debug)]
pub(crate) struct DynamicTable {
    entries: VecDeque<Entry>,
    size: usize,
    max_size: usize,
    inserted: u64,
    /// Bumped by every change (insertion, resize): equal generations, equal tables.
    generation: u64,
}

impl DynamicTable {
    pub(crate) fn new(max_size: usize) -> DynamicTable {
        DynamicTable {
            entries: VecDeque::new(),
            size: 0,
            max_size,
            inserted: 0,
            generation: 0,
        }
    }

    /// Number of entries.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Current size in the RFC 7541 4.1 sense.
    #[inline]
    pub(crate) fn size(&self) -> usize {
        self.size
    }

    /// Changes when the table does (entries, sizes); never goes back.
    #[inline]
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// The maximum size in force.
    #[inline]
    pub(crate) fn max_size(&self) -> usize {
        self.max_size
    }

    /// The entry at 0-based dynamic position `i` (HPACK index `62 + i`).
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<&Entry> {
        self.entries.get(i)
    }

    /// The entry with absolute id `abs`, if it is still in the table.
    #[cfg(test)]
    pub(crate) fn get_abs(&self, abs: u64) -> Option<&Entry> {
        let pos = self.position_of(abs)?;
        self.entries.get(pos)
    }

    /// 0-based dynamic position of absolute id `abs`, if still present.
    #[inline]
    pub(crate) fn position_of(&self, abs: u64) -> Option<usize> {
        let newest = self.inserted.checked_sub(1)?;
        let pos = newest.checked_sub(abs)?;
        if pos < self.entries.len() as u64 {
            Some(pos as usize)
        } else {
            None
        }
    }

    /// Adds an entry, evicting from the oldest end first (RFC 7541 4.4). An entry larger
    /// than the maximum size empties the table and is not added ("not an error").
    /// Returns the new entry's absolute id when it was added. `evicted` sees every entry
    /// that leaves, with its absolute id.
    pub(crate) fn insert(
        &mut self,
        entry: Entry,
        mut evicted: impl FnMut(u64, &Entry),
    ) -> Option<u64> {
        let size = entry.size();
        self.generation += 1;
        if size > self.max_size {
            self.evict_to(0, &mut evicted);
            return None;
        }
        self.evict_to(self.max_size - size, &mut evicted);
        self.size += size;
        self.entries.push_front(entry);
        let abs = self.inserted;
        self.inserted += 1;
        Some(abs)
    }

    /// Changes the maximum size, evicting as needed (RFC 7541 4.3).
    pub(crate) fn set_max_size(&mut self, max_size: usize, mut evicted: impl FnMut(u64, &Entry)) {
        self.max_size = max_size;
        self.generation += 1;
        self.evict_to(max_size, &mut evicted);
    }

    fn evict_to(&mut self, target: usize, evicted: &mut impl FnMut(u64, &Entry)) {
        while self.size > target {
            let abs = self.inserted - self.entries.len() as u64;
            let Some(old) = self.entries.pop_back() else {
                break;
            };
            self.size -= old.size();
            evicted(abs, &old);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(n: &'static str, v: &'static str) -> Entry {
        Entry::new(
            Bytes::from_static(n.as_bytes()),
            Bytes::from_static(v.as_bytes()),
        )
    }

    #[test]
    fn rfc7541_4_1_entry_size_is_name_plus_value_plus_32() {
        let mut t = DynamicTable::new(4096);
        t.insert(e("custom-key", "custom-header"), |_, _| {});
        assert_eq!(t.size(), 10 + 13 + 32);
    }

    #[test]
    fn rfc7541_4_4_eviction_makes_room_oldest_first() {
        let mut t = DynamicTable::new(2 * 42);
        t.insert(e("aaaaa", "bbbbb"), |_, _| {});
        t.insert(e("ccccc", "ddddd"), |_, _| {});
        let mut gone = Vec::new();
        let abs = t.insert(e("eeeee", "fffff"), |a, en| gone.push((a, en.name.clone())));
        assert_eq!(abs, Some(2));
        assert_eq!(gone, vec![(0, Bytes::from_static(b"aaaaa"))]);
        assert_eq!(t.len(), 2);
        assert_eq!(&t.get(0).unwrap().name[..], b"eeeee");
        assert_eq!(&t.get_abs(1).unwrap().name[..], b"ccccc");
        assert!(t.get_abs(0).is_none());
    }

    #[test]
    fn rfc7541_4_4_oversized_entry_empties_table_without_error() {
        let mut t = DynamicTable::new(50);
        t.insert(e("a", "b"), |_, _| {});
        assert_eq!(t.insert(e("a-long-name", "a-long-value"), |_, _| {}), None);
        assert_eq!(t.len(), 0);
        assert_eq!(t.size(), 0);
    }

    #[test]
    fn rfc7541_4_3_lowering_max_size_evicts() {
        let mut t = DynamicTable::new(4096);
        for _ in 0..10 {
            t.insert(e("aaaaa", "bbbbb"), |_, _| {});
        }
        t.set_max_size(100, |_, _| {});
        assert_eq!(t.len(), 2);
        t.set_max_size(0, |_, _| {});
        assert_eq!(t.len(), 0);
    }
}
