//! Arbitrary fragments and settings changes into a `HeaderBlockDecoder`.
//!
//! Input: one configuration byte (small or default limits), then operations
//! `[op][len][len bytes]`: op & 7 chooses begin (0-2, stream from bits 3-4), continue
//! (3-5), set table size (6) or set list size (7); bit 7 is END_HEADERS. Checks: no panic,
//! every returned list within the list-size limit, every field the decoder vouches for
//! (`known_valid`) really passes the character rules and has the name class reported,
//! every error maps to an RFC 9113 error.
#![no_main]

use bytes::Bytes;
use h2_hpack_glue::frame::StreamId;
use h2_hpack_glue::{BlockLimits, HeaderBlockDecoder};
use libfuzzer_sys::fuzz_target;

fn limits(cfg: u8) -> BlockLimits {
    let mut limits = BlockLimits::default();
    if cfg & 1 != 0 {
        limits.max_header_list_size = 512;
    }
    if cfg & 2 != 0 {
        limits.max_block_bytes = 1024;
    }
    if cfg & 4 != 0 {
        limits.max_continuation_frames = 3;
    }
    limits.max_table_size = [0, 64, 256, 4096][usize::from(cfg >> 3 & 3)];
    limits
}

fn number(frag: &[u8]) -> u32 {
    frag.iter()
        .take(3)
        .fold(0u32, |acc, &b| acc << 8 | u32::from(b))
}

fuzz_target!(|data: &[u8]| {
    let Some((&cfg, mut rest)) = data.split_first() else {
        return;
    };
    let mut dec = HeaderBlockDecoder::new(limits(cfg));
    while let Some((&op, r)) = rest.split_first() {
        let (len, r) = match r.split_first() {
            Some((&len, r)) => (usize::from(len), r),
            None => (0, r),
        };
        let n = len.min(r.len());
        let frag = &r[..n];
        rest = &r[n..];
        let end = op & 0x80 != 0;
        let result = match op & 7 {
            0..=2 => {
                let id = StreamId::new(1 + 2 * u32::from(op >> 3 & 3));
                dec.begin(id, Bytes::copy_from_slice(frag), end)
            }
            3..=5 => dec.continue_block(Bytes::copy_from_slice(frag), end),
            6 => {
                dec.set_max_table_size(number(frag) % 8192);
                continue;
            }
            _ => {
                dec.set_max_header_list_size(number(frag) % 100_000);
                continue;
            }
        };
        match result {
            Ok(Some(list)) => {
                let size: usize = list.iter().map(|f| f.size()).sum();
                assert!(size <= dec.limits().max_header_list_size as usize);
                let known = dec.known_valid();
                for (i, f) in list.iter().enumerate() {
                    assert!(
                        !known.contains(i)
                            || h2_hpack_glue::syntax::field_is_valid(&f.name, &f.value),
                        "field {i} vouched for but invalid: {f:?}"
                    );
                    let class = known.class(i);
                    assert!(
                        class == h2_hpack_glue::syntax::NameClass::Unknown
                            || class == h2_hpack_glue::syntax::name_class(f.name),
                        "field {i} given the wrong name class {class:?}: {f:?}"
                    );
                }
            }
            Ok(None) => {}
            Err(e) => {
                let h2 = e.to_h2_error();
                if h2.is_connection_error() {
                    // The connection would be closed: start over.
                    dec = HeaderBlockDecoder::new(limits(cfg));
                }
            }
        }
    }
});
