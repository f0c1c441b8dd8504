//! The encoder's O(1) lookup: hashes of names and of name+value pairs mapped to table
//! slots, kept in step with insertion and eviction.
//!
//! The maps are keyed by a 64-bit hash only; every hit is verified against the entry it
//! points to, so a collision costs a missed match, never a wrong one. A newer entry
//! replaces an older one under the same hash, and eviction removes a mapping only if it
//! still points to the entry leaving. Strings longer than 64 bytes are hashed by their
//! length and 56 sampled bytes (start, middle, end), which keeps lookups constant-time;
//! since colliding keys overwrite rather than chain, crafted collisions cannot slow the
//! encoder down.

use super::static_table::STATIC;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A table slot: a static index (1..=61) or a dynamic entry's absolute id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    Static(u8),
    Dynamic(u64),
}

/// The keys are hashes already; this hasher passes them through.
#[derive(Default)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Map = HashMap<u64, Slot, BuildHasherDefault<PassThrough>>;

const K1: u64 = 0x9e37_79b9_7f4a_7c15;
const K2: u64 = 0xd6e8_feb8_6659_fd93;

#[inline(always)]
fn mix(a: u64, b: u64) -> u64 {
    let p = u128::from(a ^ K1) * u128::from(b ^ K2);
    (p as u64) ^ ((p >> 64) as u64)
}

#[inline(always)]
fn word(s: &[u8], at: usize) -> u64 {
    match s.get(at..at + 8) {
        Some(w) => u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]),
        None => 0,
    }
}

/// The last 1..8 bytes, read as (possibly overlapping) halves without a copy loop.
#[inline(always)]
fn tail(s: &[u8]) -> u64 {
    let n = s.len();
    if n >= 4 {
        let lo = u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
        let hi = u32::from_le_bytes([s[n - 4], s[n - 3], s[n - 2], s[n - 1]]);
        (u64::from(lo) << 32) | u64::from(hi)
    } else if n > 0 {
        (u64::from(s[0]) << 16) | (u64::from(s[n / 2]) << 8) | u64::from(s[n - 1])
    } else {
        0
    }
}

/// Hash of a byte string (see the module docs for the sampling of long strings).
#[inline]
pub(crate) fn hash(s: &[u8]) -> u64 {
    let n = s.len();
    // `n + 1`, not `n`: `mix` XORs its first operand with K1, so a seed of `1 * K1` made
    // the product zero and every one-byte string hash to 0 (so, for instance, all the
    // one-byte values of a name shared a pair hash and hid each other's table entries).
    let mut h = (n as u64 + 1).wrapping_mul(K1);
    if n <= 64 {
        let mut chunks = s.chunks_exact(8);
        for c in &mut chunks {
            h = mix(
                h,
                u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
            );
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            h = mix(h, tail(rest));
        }
    } else {
        let mid = n / 2 - 4;
        let end = n - 24;
        for at in [0, 8, 16, 24, mid, end, end + 8, end + 16] {
            h = mix(h, word(s, at));
        }
    }
    h
}

/// Hash of a (name, value) pair from the name's hash.
#[inline]
pub(crate) fn hash_pair(name_hash: u64, value: &[u8]) -> u64 {
    mix(name_hash.rotate_left(17), hash(value))
}

/// Name and pair maps.
#[derive(Debug)]
pub(crate) struct Index {
    names: Map,
    pairs: Map,
}

impl Index {
    /// An index holding the static table (names keep their first, lowest index).
    pub(crate) fn new() -> Index {
        let mut index = Index {
            names: Map::default(),
            pairs: Map::default(),
        };
        for (i, (name, value)) in STATIC.iter().enumerate() {
            let slot = Slot::Static(i as u8 + 1);
            let nh = hash(name);
            index.names.entry(nh).or_insert(slot);
            index.pairs.entry(hash_pair(nh, value)).or_insert(slot);
        }
        index
    }

    #[inline]
    pub(crate) fn pair(&self, pair_hash: u64) -> Option<Slot> {
        self.pairs.get(&pair_hash).copied()
    }

    #[inline]
    pub(crate) fn name(&self, name_hash: u64) -> Option<Slot> {
        self.names.get(&name_hash).copied()
    }

    /// Records a new dynamic entry. Static names keep their static slot.
    pub(crate) fn insert(&mut self, name_hash: u64, pair_hash: u64, abs: u64) {
        let slot = Slot::Dynamic(abs);
        self.pairs.insert(pair_hash, slot);
        match self.names.get_mut(&name_hash) {
            Some(Slot::Static(_)) => {}
            Some(s) => *s = slot,
            None => {
                self.names.insert(name_hash, slot);
            }
        }
    }

    /// Forgets an evicted entry, unless a newer entry took its place.
    pub(crate) fn remove(&mut self, name: &[u8], value: &[u8], abs: u64) {
        let nh = hash(name);
        let slot = Slot::Dynamic(abs);
        if self.names.get(&nh) == Some(&slot) {
            self.names.remove(&nh);
        }
        let ph = hash_pair(nh, value);
        if self.pairs.get(&ph) == Some(&slot) {
            self.pairs.remove(&ph);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_strings_have_distinct_hashes() {
        let mut seen = std::collections::HashMap::new();
        let mut strings: Vec<Vec<u8>> = vec![Vec::new()];
        strings.extend((0..=255u8).map(|a| vec![a]));
        strings.extend((0..=255u8).flat_map(|a| [vec![a, b'x'], vec![b'x', a], vec![a, a, a]]));
        strings.extend((0..=255u8).map(|a| vec![a; 8]));
        strings.extend((0..=255u8).map(|a| vec![a; 9]));
        for s in strings {
            if let Some(other) = seen.insert(hash(&s), s.clone()) {
                assert_eq!(other, s, "hash collision");
            }
        }
        assert_ne!(hash_pair(hash(b"x-d"), b"a"), hash_pair(hash(b"x-d"), b"/"));
    }
}
