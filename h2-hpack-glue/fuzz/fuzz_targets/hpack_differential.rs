//! Arbitrary header lists through our encoder, decoded by our decoder and by httlib-hpack
//! (the independent reference); both must return the lists that went in.
//!
//! Input: blocks separated by a 0xff byte; within a block, fields as
//! `[flags][name len][name][value len][value]`. flags bit 0: sensitive; bit 1: change the
//! peer table size to `name len * 64` before this block.
#![no_main]

use bytes::{Bytes, BytesMut};
use h2_hpack_glue::{Decoder, Encoder, HeaderField};
use libfuzzer_sys::fuzz_target;

fn take<'a>(data: &mut &'a [u8]) -> &'a [u8] {
    let Some((&len, rest)) = data.split_first() else {
        return &[];
    };
    let n = usize::from(len).min(rest.len());
    *data = &rest[n..];
    &rest[..n]
}

fuzz_target!(|data: &[u8]| {
    let mut enc = Encoder::new();
    let mut ours = Decoder::new(4096);
    let mut reference = httlib_hpack::Decoder::with_dynamic_size(4096);
    for block in data.split(|&b| b == 0xff).take(64) {
        let mut rest = block;
        let mut fields = Vec::new();
        while let Some((&flags, r)) = rest.split_first() {
            rest = r;
            if flags & 2 != 0 {
                if let Some(&size) = rest.first() {
                    let size = u32::from(size) * 64;
                    enc.set_max_table_size(size);
                    ours.set_max_table_size(size);
                    reference.set_max_dynamic_size(size);
                }
            }
            let name = Bytes::copy_from_slice(take(&mut rest));
            let value = Bytes::copy_from_slice(take(&mut rest));
            fields.push(HeaderField {
                name,
                value,
                sensitive: flags & 1 != 0,
            });
        }
        let mut wire = BytesMut::new();
        enc.encode(&fields, &mut wire);
        let wire = wire.freeze();

        let mut out = Vec::new();
        let known = ours
            .decode(wire.clone(), usize::MAX, &mut out)
            .expect("our decoder rejects our encoder's block");
        assert_eq!(out.len(), fields.len());
        for (i, f) in out.iter().enumerate() {
            assert!(
                !known.contains(i) || h2_hpack_glue::syntax::field_is_valid(&f.name, &f.value),
                "field {i} vouched for but invalid"
            );
        }
        for (got, want) in out.iter().zip(&fields) {
            assert_eq!((&got.name, &got.value), (&want.name, &want.value));
            assert!(got.sensitive || !want.sensitive, "sensitivity lost");
        }

        let mut buf = wire.to_vec();
        let mut theirs = Vec::new();
        reference
            .decode(&mut buf, &mut theirs)
            .expect("httlib-hpack rejects our block");
        assert_eq!(theirs.len(), fields.len());
        for ((name, value, flags), want) in theirs.iter().zip(&fields) {
            assert_eq!((&name[..], &value[..]), (&want.name[..], &want.value[..]));
            assert!(
                flags & 0x8 != 0 || !want.sensitive,
                "httlib: sensitivity lost"
            );
        }
    }
});
