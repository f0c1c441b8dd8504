//! Table-driven Huffman decoding: four bits per step through a state machine.
//!
//! States are the 256 internal nodes of the Huffman tree (node 0 is the root). For every
//! state and nibble the table says which state follows, whether a symbol was completed
//! (at most one: the shortest code has 5 bits), whether EOS was reached (an error), and
//! whether the state reached is a valid end of string, i.e. it lies on the all-ones path
//! at a depth of at most 7 bits (RFC 7541 5.2 padding rules).

use super::codes::CODES;
use crate::DecodeError;
use bytes::BytesMut;

const EMIT: u8 = 1;
const FAIL: u8 = 2;
const ACCEPT: u8 = 4;
const LEAF: u16 = 0x8000;

#[derive(Clone, Copy)]
struct Step {
    next: u8,
    sym: u8,
    flags: u8,
}

struct Tree {
    child: [[u16; 2]; 256],
    depth: [u8; 256],
    ones: [bool; 256],
}

const fn build_tree() -> Tree {
    let mut t = Tree {
        child: [[0; 2]; 256],
        depth: [0; 256],
        ones: [false; 256],
    };
    let mut used = [[false; 2]; 256];
    t.ones[0] = true;
    let mut nodes = 1usize;
    let mut sym = 0usize;
    while sym < CODES.len() {
        let (code, len) = CODES[sym];
        let mut node = 0usize;
        let mut i = len as u32;
        while i > 1 {
            let bit = ((code >> (i - 1)) & 1) as usize;
            if !used[node][bit] {
                used[node][bit] = true;
                t.child[node][bit] = nodes as u16;
                t.depth[nodes] = t.depth[node] + 1;
                t.ones[nodes] = t.ones[node] && bit == 1;
                nodes += 1;
            }
            node = t.child[node][bit] as usize;
            i -= 1;
        }
        let bit = (code & 1) as usize;
        used[node][bit] = true;
        t.child[node][bit] = LEAF | sym as u16;
        sym += 1;
    }
    // A complete prefix code over 257 symbols has exactly 256 internal nodes.
    assert!(nodes == 256);
    t
}

const fn build_table() -> [Step; 256 * 16] {
    let tree = build_tree();
    let mut table = [Step {
        next: 0,
        sym: 0,
        flags: 0,
    }; 256 * 16];
    let mut state = 0usize;
    while state < 256 {
        let mut nibble = 0usize;
        while nibble < 16 {
            let mut node = state;
            let mut flags = 0u8;
            let mut sym = 0u8;
            let mut b = 4;
            while b > 0 {
                b -= 1;
                let c = tree.child[node][(nibble >> b) & 1];
                if c & LEAF != 0 {
                    let s = c & !LEAF;
                    if s == 256 {
                        flags |= FAIL;
                        break;
                    }
                    flags |= EMIT;
                    sym = s as u8;
                    node = 0;
                } else {
                    node = c as usize;
                }
            }
            if tree.ones[node] && tree.depth[node] <= 7 {
                flags |= ACCEPT;
            }
            table[state * 16 + nibble] = Step {
                next: node as u8,
                sym,
                flags,
            };
            nibble += 1;
        }
        state += 1;
    }
    table
}

/// The steps packed as `next | sym << 8 | flags << 16`: one load per nibble.
const fn pack(steps: [Step; 256 * 16]) -> [u32; 256 * 16] {
    let mut packed = [0u32; 256 * 16];
    let mut i = 0;
    while i < packed.len() {
        let s = steps[i];
        packed[i] = s.next as u32 | (s.sym as u32) << 8 | (s.flags as u32) << 16;
        i += 1;
    }
    packed
}

static TABLE: [u32; 256 * 16] = pack(build_table());

/// Input bytes decoded between copies of the output into `dst`. Each input byte yields
/// at most two symbols (the shortest code has 5 bits), so `2 * CHUNK` bytes of room.
const CHUNK: usize = 32;

/// Decodes `src` and appends the text to `dst`.
///
/// RFC 7541 5.2: "A Huffman-encoded string literal containing the EOS symbol MUST be
/// treated as a decoding error", and padding longer than 7 bits or not made of the most
/// significant bits of EOS "MUST be treated as a decoding error".
///
/// The loop has no branch per symbol: every step stores its symbol into a local buffer
/// and advances by one only when it completed one, and EOS is noted and reported once
/// the input is consumed (the table keeps going from a FAIL step, within the bounds of
/// the input, and what was decoded is discarded with the error).
pub(crate) fn decode(src: &[u8], dst: &mut BytesMut) -> Result<(), DecodeError> {
    let mut state = 0usize;
    let mut last = u32::from(ACCEPT) << 16;
    let mut failed = 0u32;
    let mut buf = [0u8; 2 * CHUNK];
    for chunk in src.chunks(CHUNK) {
        let mut n = 0usize;
        for &byte in chunk {
            let hi = TABLE[state << 4 | usize::from(byte >> 4)];
            // `n < 2 * CHUNK` here: at most two symbols per input byte of this chunk.
            buf[n & (2 * CHUNK - 1)] = (hi >> 8) as u8;
            n += (hi >> 16) as usize & EMIT as usize;
            let lo = TABLE[(hi as usize & 0xff) << 4 | usize::from(byte & 0x0f)];
            buf[n & (2 * CHUNK - 1)] = (lo >> 8) as u8;
            n += (lo >> 16) as usize & EMIT as usize;
            failed |= hi | lo;
            state = lo as usize & 0xff;
            last = lo;
        }
        dst.extend_from_slice(&buf[..n.min(2 * CHUNK)]);
    }
    let (failed, flags) = ((failed >> 16) as u8, (last >> 16) as u8);
    if failed & FAIL == 0 && flags & ACCEPT != 0 {
        Ok(())
    } else {
        Err(DecodeError::InvalidHuffman)
    }
}
