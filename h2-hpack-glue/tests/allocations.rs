//! Counts heap allocations while decoding, with a counting global allocator in this test
//! binary, and asserts the per-field bound the crate documents.

use bytes::{Bytes, BytesMut};
use h2_hpack_glue::{Decoder, Encoder, HeaderField};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    // Per thread, so tests running in parallel do not count each other's allocations.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn bump() {
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: forwards to the system allocator; only counts calls. (The crate itself forbids
// unsafe code; this is the test binary's allocator.)
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn count<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let r = f();
    (r, ALLOCATIONS.with(Cell::get) - before)
}

fn request(i: usize) -> Vec<HeaderField> {
    vec![
        HeaderField::new(":method", "GET"),
        HeaderField::new(":scheme", "https"),
        HeaderField::new(":authority", "www.example.com"),
        HeaderField::new(":path", format!("/resource/{i}")),
        HeaderField::new(
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        ),
        HeaderField::new(
            "accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        ),
        HeaderField::new("accept-encoding", "gzip, deflate, br"),
        HeaderField::new("accept-language", "en-US,en;q=0.5"),
    ]
}

/// A block of static-table indexes, plain literals (not indexed, so slices of the block)
/// and Huffman literals: the decoder only allocates when its 4 KiB scratch chunk for
/// Huffman text runs out, so over 1000 blocks it stays under 0.01 allocations per field.
#[test]
fn decoding_static_and_literal_fields_allocates_less_than_one_per_hundred_fields() {
    let mut wire = BytesMut::new();
    // :method GET, :scheme https, :path / (static indexes).
    wire.extend_from_slice(&[0x82, 0x87, 0x84]);
    // Literal without indexing, static name (content-type), plain value.
    wire.extend_from_slice(&[0x0f, 0x10, 16]);
    wire.extend_from_slice(b"application/json");
    // Literal without indexing, literal plain name and value.
    wire.extend_from_slice(&[0x00, 8]);
    wire.extend_from_slice(b"x-plain1");
    wire.extend_from_slice(&[5]);
    wire.extend_from_slice(b"value");
    // Never indexed, static name (authorization), plain value.
    wire.extend_from_slice(&[0x10 | 0x0f, 0x08, 6]);
    wire.extend_from_slice(b"secret");
    // Literal without indexing, static name (:authority), Huffman "www.example.com".
    wire.extend_from_slice(&[
        0x01, 0x8c, 0xf1, 0xe3, 0xc2, 0xe5, 0xf2, 0x3a, 0x6b, 0xa0, 0xab, 0x90, 0xf4, 0xff,
    ]);
    let block = wire.freeze();
    let fields_per_block = 7;

    let mut dec = Decoder::new(4096);
    let mut out = Vec::with_capacity(16);
    let blocks = 1000;
    let ((), allocations) = count(|| {
        for _ in 0..blocks {
            out.clear();
            dec.decode(block.clone(), usize::MAX, &mut out).unwrap();
        }
    });
    assert_eq!(out.len(), fields_per_block);
    assert_eq!(&out[6].value[..], b"www.example.com");
    let per_field = allocations as f64 / (blocks * fields_per_block) as f64;
    eprintln!(
        "static/literal block: {allocations} allocations for {} fields = {per_field:.4} per field",
        blocks * fields_per_block
    );
    assert!(per_field < 0.01, "{per_field} allocations per field");
}

/// Browser-like request blocks from our encoder (dynamic-table hits, one Huffman :path
/// each): dynamic entries are reference-count clones, so again almost no allocations.
#[test]
fn decoding_request_blocks_allocates_less_than_one_per_hundred_fields() {
    let mut enc = Encoder::new();
    let blocks: Vec<Bytes> = (0..1000)
        .map(|i| {
            let mut wire = BytesMut::new();
            enc.encode(&request(i), &mut wire);
            wire.freeze()
        })
        .collect();
    let mut dec = Decoder::new(4096);
    let mut out = Vec::with_capacity(16);
    // Warm up the table with the first block.
    dec.decode(blocks[0].clone(), usize::MAX, &mut out).unwrap();
    let ((), allocations) = count(|| {
        for b in &blocks[1..] {
            out.clear();
            dec.decode(b.clone(), usize::MAX, &mut out).unwrap();
        }
    });
    assert_eq!(out, request(999));
    let per_field = allocations as f64 / (999.0 * 8.0);
    eprintln!(
        "request blocks: {allocations} allocations for {} fields = {per_field:.4} per field",
        999 * 8
    );
    assert!(per_field < 0.01, "{per_field} allocations per field");
}

/// Encoding into a reused buffer allocates nothing per field once the table is warm.
#[test]
fn encoding_repeated_requests_allocates_nothing_per_field() {
    let mut enc = Encoder::new();
    let lists: Vec<Vec<HeaderField>> = (0..1000).map(request).collect();
    let mut wire = BytesMut::with_capacity(1 << 20);
    enc.encode(&lists[0], &mut wire);
    let ((), allocations) = count(|| {
        for list in &lists[1..] {
            enc.encode(list, &mut wire);
        }
    });
    eprintln!("encode: {allocations} allocations for {} fields", 999 * 8);
    assert_eq!(allocations, 0, "{allocations} allocations");
}
