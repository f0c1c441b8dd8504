//! The fuzz seed corpus in `fuzz/corpus/frame_decoder/` (see `fuzz/fuzz_targets/
//! frame_decoder.rs` for the input layout: one mode octet, then the byte stream).
//!
//! `accepts_committed_seed_corpus` keeps the committed seeds honest; the ignored
//! `write_seed_corpus` regenerates them:
//! `cargo test -p h2-frame --test seed_corpus -- --ignored`.

mod common;

use common::{decode_all, encode, sample_frames};
use h2_frame::{Bytes, DEFAULT_MAX_FRAME_SIZE};
use std::path::PathBuf;

/// Mode octets used for the seeds: whole input, one byte at a time, push_slice with small
/// chunks, and push-twice-before-draining.
const MODES: [u8; 4] = [0x07, 0x00, 0x0a, 0x13];

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/frame_decoder")
}

fn seeds() -> Vec<(String, Vec<u8>)> {
    let frames = sample_frames();
    let mut seeds = Vec::new();
    for (i, frame) in frames.iter().enumerate() {
        let mode = MODES[i % MODES.len()];
        let mut input = vec![mode];
        input.extend(encode(frame));
        seeds.push((
            format!("seed-{i:02}-{}", frame.kind().name().unwrap_or("UNKNOWN")),
            input,
        ));
    }
    // One stream holding every sample frame, as a connection would see them.
    let mut all = vec![0x12];
    for frame in &frames {
        all.extend(encode(frame));
    }
    seeds.push(("seed-all-frames".into(), all));
    seeds
}

#[test]
#[ignore = "writes the seed corpus files; run by hand after changing the samples"]
fn write_seed_corpus() {
    let dir = corpus_dir();
    std::fs::create_dir_all(&dir).unwrap();
    for (name, input) in seeds() {
        std::fs::write(dir.join(name), input).unwrap();
    }
}

#[test]
fn accepts_committed_seed_corpus() {
    let mut count = 0;
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("seed-") {
            continue; // inputs the fuzzer added locally; not committed
        }
        let input = std::fs::read(&path).unwrap();
        let results = decode_all(DEFAULT_MAX_FRAME_SIZE, Bytes::copy_from_slice(&input[1..]));
        assert!(!results.is_empty(), "{name} holds no frame");
        assert!(results.iter().all(Result::is_ok), "{name}: {results:?}");
        count += 1;
    }
    assert_eq!(
        count,
        seeds().len(),
        "seed files out of date: rerun write_seed_corpus"
    );
}
