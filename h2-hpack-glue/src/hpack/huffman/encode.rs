//! Huffman encoding: codes packed into a 64-bit accumulator, padded with EOS bits.

use super::codes::CODES;
use bytes::{BufMut, BytesMut};

/// The length in bytes of the Huffman encoding of `src`.
#[inline]
pub(crate) fn encoded_len(src: &[u8]) -> usize {
    let bits: usize = src.iter().map(|&b| CODES[b as usize].1 as usize).sum();
    bits.div_ceil(8)
}

/// Appends the Huffman encoding of `src` to `dst`, padded with the most significant bits
/// of EOS (RFC 7541 5.2).
#[cfg(test)]
pub(crate) fn encode(src: &[u8], dst: &mut BytesMut) {
    encode_with_len(src, encoded_len(src), dst);
}

/// [`encode`] when the caller already has `len`, the [`encoded_len`] of `src` (only used
/// to reserve room).
pub(crate) fn encode_with_len(src: &[u8], len: usize, dst: &mut BytesMut) {
    dst.reserve(len);
    let mut acc: u64 = 0;
    let mut bits: u32 = 0;
    for &b in src {
        let (code, len) = CODES[b as usize];
        acc = (acc << len) | u64::from(code);
        bits += u32::from(len);
        if bits >= 32 {
            bits -= 32;
            dst.put_u32((acc >> bits) as u32);
        }
    }
    while bits >= 8 {
        bits -= 8;
        dst.put_u8((acc >> bits) as u8);
    }
    if bits > 0 {
        let pad = 8 - bits;
        dst.put_u8(((acc << pad) as u8) | ((1u8 << pad) - 1));
    }
}
