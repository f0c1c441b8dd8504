//! `HeaderBlockDecoder`, which answers a repeated block from the list it kept, against a
//! plain `Decoder` fed the same blocks and the same setting changes: random sequences of
//! repeated and fresh blocks (indexed, literal, never-indexed fields, table insertions,
//! size updates) under changing table size settings and list size limits must give the
//! same lists, verdicts, sensitive flags and errors.
use h2_hpack_glue::frame::StreamId;
use h2_hpack_glue::{
    BlockError, BlockLimits, DecodeError, Decoder, HeaderBlockDecoder, HeaderListBuilder,
};

/// A xorshift generator: reproducible sequences without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Appends one random field representation to a block (`table`: the dynamic table size,
/// so indexed references stay mostly valid).
fn piece(r: &mut Rng, out: &mut Vec<u8>, table: usize) {
    match r.below(9) {
        0 => out.push(0x82), // :method GET
        1 => out.push(0x88), // :status 200
        2 if table >= 36 => out.push(0xbe),
        3 if table >= 72 => out.push(0xbf),
        2 | 3 => out.push(0x86),
        4 => out.extend_from_slice(b"\x40\x03x-a\x011"), // incremental indexing
        5 => out.extend_from_slice(b"\x0f\x0d\x0213"),   // content-length literal w/o indexing
        6 => out.extend_from_slice(b"\x10\x03x-s\x02ab"), // never indexed
        7 => out.extend_from_slice(b"\x00\x03x-b\x041234"),
        _ => out.push(0x90 + (r.below(4) as u8)),
    }
}

#[test]
fn repeated_blocks_decode_as_a_plain_decoder_decodes_them() {
    let (mut oks, mut errs, mut kept) = (0, 0, 0);
    for seed in 1..400u64 {
        let mut r = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut blocks = HeaderBlockDecoder::new(BlockLimits::default());
        let mut plain = Decoder::new(4096);
        let mut limit = BlockLimits::default().max_header_list_size;
        let mut prev: Vec<u8> = Vec::new();
        let mut allowed = 4096u32;
        let mut owe = false;
        for _ in 0..200 {
            match r.below(20) {
                0 => {
                    let size = [0u32, 40, 100, 4096][r.below(4) as usize];
                    blocks.set_max_table_size(size);
                    plain.set_max_table_size(size);
                    allowed = size;
                    owe = (size as usize) < plain.table_max_size();
                }
                1 => {
                    limit = [40u32, 80, 200, 65536][r.below(4) as usize];
                    blocks.set_max_header_list_size(limit);
                }
                _ => {}
            }
            let block = if r.below(3) != 0 && !prev.is_empty() {
                prev.clone()
            } else {
                let mut b = Vec::new();
                if (owe && r.below(5) != 0) || r.below(8) == 0 {
                    let v = r.below(31).min(allowed as u64) as u8;
                    b.push(0x20 | v);
                    owe = false;
                }
                for _ in 0..r.below(5) {
                    piece(&mut r, &mut b, plain.table_size());
                }
                b
            };
            prev = block.clone();
            let got = blocks.decode_whole(StreamId::new(1), &block);
            let mut out = HeaderListBuilder::new();
            let want = plain.decode_list(&block, limit as usize, &mut out);
            match (got, want) {
                (Ok(list), Ok(known)) => {
                    let expect = out.finish();
                    assert_eq!(list, expect, "seed {seed} block {block:x?}");
                    assert_eq!(blocks.known_valid(), known, "seed {seed}");
                    let f1: Vec<bool> = list.iter().map(|f| f.sensitive).collect();
                    let f2: Vec<bool> = expect.iter().map(|f| f.sensitive).collect();
                    assert_eq!(f1, f2);
                    oks += 1;
                    if blocks.memory_usage() > 128 {
                        kept += 1;
                    }
                }
                (
                    Err(BlockError::HeaderListTooLarge { .. }),
                    Err(DecodeError::HeaderListTooLarge { .. }),
                ) => {}
                (Err(BlockError::Compression(a)), Err(b)) => {
                    assert_eq!(a, b);
                    errs += 1;
                    break; // connection error: the contexts are no longer used
                }
                (a, b) => panic!("seed {seed}: {a:?} vs {b:?} block {block:x?}"),
            }
        }
    }
    // The comparison must have covered kept lists, decodes and errors.
    assert!(
        oks > 1000 && errs > 0 && kept > 100,
        "oks {oks} errs {errs} kept {kept}"
    );
}
