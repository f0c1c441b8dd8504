//! Table-driven Huffman decoding: four bits per step through a state machine.
//!
//! States are the 256 internal nodes of the Huffman tree (node 0 is the root). For every
//! state and nibble the table says which state follows, whether a symbol was completed
//! (at most one: the shortest code has 5 bits), whether EOS was reached (an error), and
//! whether the state reached is a valid end of string, i.e. it lies on the all-ones path
//! at a depth of at most 7 bits (RFC 7541 5.2 padding rules).

use super::codes::CODES;
use crate::DecodeError;
use bytes::{BufMut, BytesMut};

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

static TABLE: [Step; 256 * 16] = build_table();

/// Decodes `src` and appends the text to `dst`.
///
/// RFC 7541 5.2: "A Huffman-encoded string literal containing the EOS symbol MUST be
/// treated as a decoding error", and padding longer than 7 bits or not made of the most
/// significant bits of EOS "MUST be treated as a decoding error".
pub(crate) fn decode(src: &[u8], dst: &mut BytesMut) -> Result<(), DecodeError> {
    // Each symbol takes at least 5 bits.
    dst.reserve(src.len() * 8 / 5 + 1);
    let mut state = 0usize;
    let mut accept = true;
    for &byte in src {
        let hi = TABLE[state << 4 | (byte >> 4) as usize];
        if hi.flags & (FAIL | EMIT) != 0 {
            if hi.flags & FAIL != 0 {
                return Err(DecodeError::InvalidHuffman);
            }
            dst.put_u8(hi.sym);
        }
        let lo = TABLE[(hi.next as usize) << 4 | (byte & 0x0f) as usize];
        if lo.flags & (FAIL | EMIT) != 0 {
            if lo.flags & FAIL != 0 {
                return Err(DecodeError::InvalidHuffman);
            }
            dst.put_u8(lo.sym);
        }
        state = lo.next as usize;
        accept = lo.flags & ACCEPT != 0;
    }
    if accept {
        Ok(())
    } else {
        Err(DecodeError::InvalidHuffman)
    }
}
