//! The hpack-test-case vectors (`../shared/hpack-test-case`): every story of every folder
//! decodes to its headers; every raw-data story round-trips through our encoder and both
//! decoders (ours and httlib-hpack, the independent reference), and httlib-hpack's
//! encoding decodes with ours.

use bytes::{Bytes, BytesMut};
use h2_hpack_glue::{Decoder, Encoder, HeaderField};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The vectors: `../shared/hpack-test-case` beside the workspace when present, otherwise
/// the copy bundled in `tests/data` (unpacked once into a temporary directory).
fn root() -> PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/hpack-test-case");
        if shared.join("raw-data").is_dir() {
            return shared;
        }
        unpack_bundle()
    })
    .clone()
}

fn unpack_bundle() -> PathBuf {
    let bundle = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hpack-test-case.bundle.xz");
    let mut packed = std::io::BufReader::new(std::fs::File::open(bundle).unwrap());
    let mut raw = Vec::new();
    lzma_rs::xz_decompress(&mut packed, &mut raw).unwrap();
    let dir = std::env::temp_dir().join(format!("h2-hpack-test-case-{}", std::process::id()));
    let mut rest = &raw[..];
    while !rest.is_empty() {
        let mut field = || {
            let end = rest.iter().position(|&b| b == 0).unwrap();
            let text = String::from_utf8(rest[..end].to_vec()).unwrap();
            rest = &rest[end + 1..];
            text
        };
        let (path, len) = (field(), field().parse::<usize>().unwrap());
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, &rest[..len]).unwrap();
        rest = &rest[len..];
    }
    dir
}

struct Case {
    table_size: Option<u32>,
    wire: Option<Vec<u8>>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn load(path: &Path) -> Vec<Case> {
    let json: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            table_size: c
                .get("header_table_size")
                .and_then(Value::as_u64)
                .map(|v| v as u32),
            wire: c.get("wire").and_then(Value::as_str).map(unhex),
            headers: c["headers"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|h| h.as_object().unwrap().iter())
                .map(|(k, v)| {
                    (
                        k.as_bytes().to_vec(),
                        v.as_str().unwrap().as_bytes().to_vec(),
                    )
                })
                .collect(),
        })
        .collect()
}

fn stories(folder: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

fn folders() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir() && !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn pairs(list: &[HeaderField]) -> Vec<(Vec<u8>, Vec<u8>)> {
    list.iter()
        .map(|f| (f.name.to_vec(), f.value.to_vec()))
        .collect()
}

fn fields(case: &Case) -> Vec<HeaderField> {
    case.headers
        .iter()
        .map(|(n, v)| HeaderField::new(n.clone(), v.clone()))
        .collect()
}

#[test]
fn every_story_in_every_folder_decodes_to_its_headers() {
    let mut stories_seen = 0;
    let mut cases_seen = 0;
    for folder in folders() {
        if folder == "raw-data" {
            continue;
        }
        for path in stories(&folder) {
            let mut dec = Decoder::new(4096);
            for (seq, case) in load(&path).iter().enumerate() {
                if let Some(size) = case.table_size {
                    dec.set_max_table_size(size);
                }
                let wire = case.wire.clone().expect("story case without wire");
                let mut out = Vec::new();
                dec.decode(Bytes::from(wire), usize::MAX, &mut out)
                    .unwrap_or_else(|e| panic!("{} case {seq}: {e}", path.display()));
                assert_eq!(pairs(&out), case.headers, "{} case {seq}", path.display());
                cases_seen += 1;
            }
            stories_seen += 1;
        }
    }
    assert!(stories_seen >= 250, "only {stories_seen} stories found");
    eprintln!("decoded {stories_seen} stories, {cases_seen} header blocks");
}

fn ours(enc: &mut Encoder, list: &[HeaderField]) -> Bytes {
    let mut wire = BytesMut::new();
    enc.encode(list, &mut wire);
    wire.freeze()
}

#[test]
fn raw_data_round_trips_through_our_encoder_and_both_decoders() {
    let mut our_bytes = 0usize;
    let mut nghttp2_bytes = 0usize;
    let mut plain_bytes = 0usize;
    for path in stories("raw-data") {
        let cases = load(&path);
        let reference = load(&root().join("nghttp2").join(path.file_name().unwrap()));
        let mut enc = Encoder::new();
        let mut dec = Decoder::new(4096);
        let mut theirs = httlib_hpack::Decoder::with_dynamic_size(4096);
        for (seq, case) in cases.iter().enumerate() {
            let list = fields(case);
            let wire = ours(&mut enc, &list);
            our_bytes += wire.len();
            plain_bytes += list
                .iter()
                .map(|f| f.name.len() + f.value.len())
                .sum::<usize>();
            if let Some(r) = reference.get(seq).and_then(|c| c.wire.as_ref()) {
                nghttp2_bytes += r.len();
            }
            let mut out = Vec::new();
            dec.decode(wire.clone(), usize::MAX, &mut out).unwrap();
            assert_eq!(pairs(&out), case.headers, "{} case {seq}", path.display());

            let mut buf = wire.to_vec();
            let mut out = Vec::new();
            theirs.decode(&mut buf, &mut out).unwrap();
            let out: Vec<_> = out.into_iter().map(|(n, v, _)| (n, v)).collect();
            assert_eq!(out, case.headers, "httlib: {} case {seq}", path.display());
        }
    }
    eprintln!(
        "raw-data: plain {plain_bytes} B, ours {our_bytes} B ({:.1}%), nghttp2 stories {nghttp2_bytes} B ({:.1}%), ours/nghttp2 = {:.3}",
        100.0 * our_bytes as f64 / plain_bytes as f64,
        100.0 * nghttp2_bytes as f64 / plain_bytes as f64,
        our_bytes as f64 / nghttp2_bytes as f64
    );
    // Our indexing policy must stay close to nghttp2's compression.
    assert!((our_bytes as f64) < nghttp2_bytes as f64 * 1.10);
}

#[test]
fn httlib_encoding_of_raw_data_decodes_with_ours() {
    use httlib_hpack::Encoder as Ref;
    let flags = Ref::BEST_FORMAT | Ref::WITH_INDEXING | Ref::HUFFMAN_VALUE | Ref::HUFFMAN_NAME;
    for path in stories("raw-data") {
        let mut enc = Ref::with_dynamic_size(4096);
        let mut dec = Decoder::new(4096);
        for (seq, case) in load(&path).iter().enumerate() {
            let mut wire = Vec::new();
            for (n, v) in &case.headers {
                enc.encode((n.clone(), v.clone(), flags), &mut wire)
                    .unwrap();
            }
            let mut out = Vec::new();
            dec.decode(Bytes::from(wire), usize::MAX, &mut out).unwrap();
            assert_eq!(pairs(&out), case.headers, "{} case {seq}", path.display());
        }
    }
}
