//! Integer representation (RFC 7541 5.1): an N-bit prefix, then 7-bit continuation bytes.

use crate::DecodeError;
use bytes::{BufMut, BytesMut};

/// At most this many continuation bytes follow the prefix. Five carry 35 bits, which is
/// more than any value we accept (u32), so a longer run is an error rather than a loop.
const MAX_CONTINUATION_BYTES: usize = 5;

/// Decodes an integer whose prefix occupies the low `prefix_bits` bits of `buf[*pos]`.
/// Advances `pos` past the integer.
///
/// RFC 7541 5.1: "Integer encodings that exceed implementation limits -- in value or octet
/// length -- MUST be treated as decoding errors."
#[inline]
pub(crate) fn decode(buf: &[u8], pos: &mut usize, prefix_bits: u8) -> Result<u32, DecodeError> {
    let mask = (1u32 << prefix_bits) - 1;
    let first = match buf.get(*pos) {
        Some(b) => *b as u32 & mask,
        None => return Err(DecodeError::Truncated),
    };
    *pos += 1;
    if first < mask {
        return Ok(first);
    }
    let mut value = u64::from(mask);
    let mut shift = 0u32;
    for _ in 0..MAX_CONTINUATION_BYTES {
        let Some(&b) = buf.get(*pos) else {
            return Err(DecodeError::Truncated);
        };
        *pos += 1;
        value += u64::from(b & 0x7f) << shift;
        if value > u64::from(u32::MAX) {
            return Err(DecodeError::IntegerOverflow);
        }
        if b & 0x80 == 0 {
            return Ok(value as u32);
        }
        shift += 7;
    }
    Err(DecodeError::IntegerOverflow)
}

/// Encodes `value` with an N-bit prefix; `flags` are the high bits of the first byte.
#[inline(always)]
pub(crate) fn encode(value: usize, prefix_bits: u8, flags: u8, dst: &mut BytesMut) {
    let mask = (1usize << prefix_bits) - 1;
    if value < mask {
        dst.put_u8(flags | value as u8);
    } else {
        encode_long(value, mask, flags, dst);
    }
}

/// The multi-byte form: the prefix all ones, then 7-bit groups.
#[inline(never)]
fn encode_long(value: usize, mask: usize, flags: u8, dst: &mut BytesMut) {
    let mut tmp = [0u8; 11];
    tmp[0] = flags | mask as u8;
    let mut n = 1;
    let mut rest = value - mask;
    while rest >= 128 {
        tmp[n] = (rest & 0x7f) as u8 | 0x80;
        rest >>= 7;
        n += 1;
    }
    tmp[n] = rest as u8;
    dst.extend_from_slice(&tmp[..=n]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(v: usize, n: u8) -> Vec<u8> {
        let mut b = BytesMut::new();
        encode(v, n, 0, &mut b);
        b.to_vec()
    }

    #[test]
    fn rfc7541_c_1_1_encodes_10_with_5_bit_prefix() {
        assert_eq!(enc(10, 5), [0b01010]);
    }

    #[test]
    fn rfc7541_c_1_2_encodes_1337_with_5_bit_prefix() {
        assert_eq!(enc(1337, 5), [0b11111, 0b1001_1010, 0b0000_1010]);
        let mut pos = 0;
        assert_eq!(decode(&[31, 154, 10], &mut pos, 5), Ok(1337));
        assert_eq!(pos, 3);
    }

    #[test]
    fn rfc7541_c_1_3_encodes_42_at_octet_boundary() {
        assert_eq!(enc(42, 8), [42]);
    }

    #[test]
    fn rfc7541_5_1_round_trips_every_prefix_and_boundary() {
        for n in 1..=8u8 {
            for v in [
                0usize,
                1,
                126,
                127,
                128,
                254,
                255,
                256,
                16383,
                16384,
                1 << 21,
                u32::MAX as usize,
            ] {
                let bytes = enc(v, n);
                let mut pos = 0;
                assert_eq!(decode(&bytes, &mut pos, n), Ok(v as u32), "v={v} n={n}");
                assert_eq!(pos, bytes.len());
            }
        }
    }

    #[test]
    fn rfc7541_5_1_rejects_integer_overflowing_u32() {
        let mut b = BytesMut::new();
        encode(u32::MAX as usize + 1, 5, 0, &mut b);
        let mut pos = 0;
        assert_eq!(decode(&b, &mut pos, 5), Err(DecodeError::IntegerOverflow));
    }

    #[test]
    fn rfc7541_5_1_rejects_overlong_continuation_run() {
        // Zero-valued continuation bytes never overflow, but the run is bounded.
        let bytes = [0x1f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00];
        let mut pos = 0;
        assert_eq!(
            decode(&bytes, &mut pos, 5),
            Err(DecodeError::IntegerOverflow)
        );
    }

    #[test]
    fn rfc7541_5_1_rejects_truncated_integer() {
        let mut pos = 0;
        assert_eq!(
            decode(&[0x1f, 0x80], &mut pos, 5),
            Err(DecodeError::Truncated)
        );
        let mut pos = 0;
        assert_eq!(decode(&[], &mut pos, 5), Err(DecodeError::Truncated));
    }
}
