//! Our HPACK codec against httlib-hpack (the reference implementation) in the same run.
//!
//! * `request_block/{encode,decode}/{ours,httlib}`: a browser-like 8-field request block
//!   (`:method GET`, `:scheme`, `:authority`, `:path /resource/<i>`, user-agent, accept,
//!   accept-encoding, accept-language), 200,000 blocks on one context per iteration. Inputs
//!   are prepared outside the timed region in chunks of 10,000 (for httlib the owned
//!   `Vec<u8>` names and values its API consumes); dropping decoded lists is timed for both.
//!   `decode_list/ours` is the path a connection takes: one `HeaderList` (one buffer)
//!   per block; `decode/ours` hands out a `HeaderField` (two `Bytes`) per field.
//! * `stories/...`: decode every nghttp2 story wire and encode every raw-data story.
//! * `per_byte/...`: 16 KiB blocks of many small fields vs a few large fields, as bytes/s.
//! * `field_handles/...`: the floor under every owned field the decoder hands out: one
//!   `Bytes` clone and drop for its name and one for its value (an atomic increment and
//!   decrement each, for text held in the dynamic table), against the same for
//!   `Bytes::from_static` (no reference count). 20 fields per iteration: the extra
//!   headers of one W3 request in `cargo xtask bench`.
//!
//! Criterion reports time per iteration; with `Throughput::Elements(200_000)` divide by
//! 200,000 for ns per block (8 fields per block).
//!
//! The `request_block` group measures on-CPU time of the benchmark thread (from
//! `/proc/thread-self/schedstat`, nanoseconds; wall time where that file is missing):
//! the development machine is shared and heavily loaded, and wall-clock time there
//! mostly measures waiting for a CPU.

use bytes::{Bytes, BytesMut};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use h2_hpack_glue::{Decoder, Encoder, HeaderField, HeaderListBuilder};
use serde_json::Value;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Nanoseconds this thread has spent on a CPU, if the kernel says.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// A stopwatch of on-CPU time, falling back to wall time.
struct Stopwatch(Option<u64>, Instant);

impl Stopwatch {
    fn start() -> Stopwatch {
        Stopwatch(cpu_ns(), Instant::now())
    }
    fn elapsed(&self) -> Duration {
        match (self.0, cpu_ns()) {
            (Some(a), Some(b)) => Duration::from_nanos(b - a),
            _ => self.1.elapsed(),
        }
    }
}

const BLOCKS: usize = 200_000;
const CHUNK: usize = 10_000;

const UA: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

fn request(i: usize) -> Vec<HeaderField> {
    vec![
        HeaderField::new(":method", "GET"),
        HeaderField::new(":scheme", "https"),
        HeaderField::new(":authority", "www.example.com"),
        HeaderField::new(":path", format!("/resource/{i}")),
        HeaderField::new("user-agent", UA),
        HeaderField::new("accept", ACCEPT),
        HeaderField::new("accept-encoding", "gzip, deflate, br"),
        HeaderField::new("accept-language", "en-US,en;q=0.5"),
    ]
}

type RefField = (Vec<u8>, Vec<u8>, u8);

fn request_owned(i: usize) -> Vec<RefField> {
    use httlib_hpack::Encoder as Ref;
    let flags = Ref::BEST_FORMAT | Ref::WITH_INDEXING | Ref::HUFFMAN_VALUE;
    request(i)
        .into_iter()
        .map(|f| (f.name.to_vec(), f.value.to_vec(), flags))
        .collect()
}

fn encoded_requests() -> Vec<Bytes> {
    let mut enc = Encoder::new();
    (0..BLOCKS)
        .map(|i| {
            let mut wire = BytesMut::new();
            enc.encode(&request(i), &mut wire);
            wire.freeze()
        })
        .collect()
}

/// Runs `iters` passes of 200,000 blocks, preparing each chunk of inputs untimed.
fn timed<S, I>(
    iters: u64,
    mut state: impl FnMut() -> S,
    prepare: impl Fn(usize) -> I,
    run: impl Fn(&mut S, I),
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let mut s = state();
        for chunk in 0..BLOCKS / CHUNK {
            let inputs: Vec<I> = (chunk * CHUNK..(chunk + 1) * CHUNK).map(&prepare).collect();
            let start = Stopwatch::start();
            for input in inputs {
                run(&mut s, input);
            }
            total += start.elapsed();
        }
    }
    total
}

fn request_block(c: &mut Criterion) {
    let mut g = c.benchmark_group("request_block");
    g.sample_size(10);
    g.throughput(Throughput::Elements(BLOCKS as u64));

    g.bench_function("encode/ours", |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                || (Encoder::new(), BytesMut::with_capacity(4096)),
                request,
                |(enc, wire), list| {
                    wire.clear();
                    enc.encode(&list, wire);
                    black_box(&wire);
                },
            )
        })
    });
    g.bench_function("encode/httlib", |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                || {
                    (
                        httlib_hpack::Encoder::with_dynamic_size(4096),
                        Vec::with_capacity(4096),
                    )
                },
                request_owned,
                |(enc, wire), list| {
                    wire.clear();
                    for field in list {
                        enc.encode(field, wire).unwrap();
                    }
                    black_box(&wire);
                },
            )
        })
    });

    let blocks = encoded_requests();
    g.bench_function("decode/ours", |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                || (Decoder::new(4096), Vec::with_capacity(16)),
                |i| blocks[i].clone(),
                |(dec, out), block| {
                    out.clear();
                    dec.decode(block, 1 << 16, out).unwrap();
                    black_box(&out);
                },
            )
        })
    });
    // What a connection does: one `HeaderList` per block, dropped before the next.
    g.bench_function("decode_list/ours", |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                || (Decoder::new(4096), HeaderListBuilder::new()),
                |i| blocks[i].clone(),
                |(dec, out), block| {
                    dec.decode_list(&block, 1 << 16, out).unwrap();
                    black_box(out.finish());
                },
            )
        })
    });
    g.bench_function("decode_borrowed/ours", |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                || (Decoder::new(4096), 0usize),
                |i| blocks[i].clone(),
                |(dec, total), block| {
                    dec.decode_with(&block, 1 << 16, |n, v, _| *total += n.len() + v.len())
                        .unwrap();
                    black_box(&total);
                },
            )
        })
    });
    g.bench_function("decode/httlib", |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                || {
                    (
                        httlib_hpack::Decoder::with_dynamic_size(4096),
                        Vec::with_capacity(16),
                    )
                },
                |i| blocks[i].to_vec(),
                |(dec, out), mut block| {
                    out.clear();
                    dec.decode(&mut block, out).unwrap();
                    black_box(&out);
                },
            )
        })
    });
    g.finish();
}

fn story_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/hpack-test-case")
}

fn load(folder: &str) -> Vec<Vec<(Option<Bytes>, Vec<HeaderField>)>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(story_root().join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let json: Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
            json["cases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let wire = c.get("wire").and_then(Value::as_str).map(|h| {
                        Bytes::from(
                            (0..h.len())
                                .step_by(2)
                                .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                                .collect::<Vec<u8>>(),
                        )
                    });
                    let list = c["headers"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .flat_map(|h| h.as_object().unwrap().iter())
                        .map(|(k, v)| HeaderField::new(k.clone(), v.as_str().unwrap().to_owned()))
                        .collect();
                    (wire, list)
                })
                .collect()
        })
        .collect()
}

fn stories(c: &mut Criterion) {
    let mut g = c.benchmark_group("stories");
    g.sample_size(10);
    let nghttp2 = load("nghttp2");
    let raw = load("raw-data");
    let blocks: usize = nghttp2.iter().map(Vec::len).sum();
    g.throughput(Throughput::Elements(blocks as u64));
    g.bench_function("decode_nghttp2/ours", |b| {
        b.iter(|| {
            for story in &nghttp2 {
                let mut dec = Decoder::new(4096);
                let mut out = Vec::new();
                for (wire, _) in story {
                    out.clear();
                    dec.decode(wire.clone().unwrap(), usize::MAX, &mut out)
                        .unwrap();
                }
                black_box(&out);
            }
        })
    });
    g.bench_function("decode_nghttp2/httlib", |b| {
        b.iter(|| {
            for story in &nghttp2 {
                let mut dec = httlib_hpack::Decoder::with_dynamic_size(4096);
                let mut out = Vec::new();
                for (wire, _) in story {
                    out.clear();
                    let mut buf = wire.as_ref().unwrap().to_vec();
                    dec.decode(&mut buf, &mut out).unwrap();
                }
                black_box(&out);
            }
        })
    });
    g.bench_function("encode_raw_data/ours", |b| {
        let mut wire = BytesMut::new();
        b.iter(|| {
            for story in &raw {
                let mut enc = Encoder::new();
                for (_, list) in story {
                    wire.clear();
                    enc.encode(list, &mut wire);
                }
            }
            black_box(&wire);
        })
    });
    g.bench_function("encode_raw_data/httlib", |b| {
        use httlib_hpack::Encoder as Ref;
        let flags = Ref::BEST_FORMAT | Ref::WITH_INDEXING | Ref::HUFFMAN_VALUE;
        let mut wire = Vec::new();
        b.iter(|| {
            for story in &raw {
                let mut enc = Ref::with_dynamic_size(4096);
                for (_, list) in story {
                    wire.clear();
                    for f in list {
                        enc.encode((f.name.to_vec(), f.value.to_vec(), flags), &mut wire)
                            .unwrap();
                    }
                }
            }
            black_box(&wire);
        })
    });
    g.finish();
}

/// A header list of fields with `value_len`-byte values whose block is about 16 KiB.
fn list_of(value_len: usize) -> Vec<HeaderField> {
    let mut list = Vec::new();
    let mut encoded = 0;
    let mut i = 0usize;
    while encoded < 16 * 1024 {
        let value: String = (0..value_len)
            .map(|j| (b'a' + ((i * 7 + j * 13) % 26) as u8) as char)
            .collect();
        let f = HeaderField::new(format!("x-field-{i}"), value);
        encoded += f.name.len() + f.value.len() * 5 / 8 + 3;
        list.push(f);
        i += 1;
    }
    list
}

fn per_byte(c: &mut Criterion) {
    let mut g = c.benchmark_group("per_byte");
    for (label, value_len) in [("many_small", 16usize), ("few_large", 4096)] {
        let list = list_of(value_len);
        // A table-less encoder: every field is a literal, so the cost is the codec's.
        let mut wire = BytesMut::new();
        Encoder::with_table_size_cap(0).encode(&list, &mut wire);
        let block = wire.freeze();
        g.throughput(Throughput::Bytes(block.len() as u64));
        g.bench_with_input(BenchmarkId::new("decode", label), &block, |b, block| {
            let mut out = Vec::with_capacity(list.len());
            b.iter(|| {
                out.clear();
                Decoder::new(4096)
                    .decode(block.clone(), usize::MAX, &mut out)
                    .unwrap();
                black_box(&out);
            })
        });
        g.bench_with_input(BenchmarkId::new("encode", label), &list, |b, list| {
            let mut wire = BytesMut::with_capacity(32 * 1024);
            b.iter(|| {
                wire.clear();
                Encoder::with_table_size_cap(0).encode(list, &mut wire);
                black_box(&wire);
            })
        });
        eprintln!(
            "per_byte/{label}: {} fields, {} block bytes",
            list.len(),
            block.len()
        );
    }
    g.finish();
}

fn field_handles(c: &mut Criterion) {
    let mut g = c.benchmark_group("field_handles");
    g.throughput(Throughput::Elements(20));
    // Table text lives in shared chunks, as the decoder's dynamic table keeps it.
    let mut chunk = BytesMut::with_capacity(4096);
    let shared: Vec<(Bytes, Bytes)> = (0..20)
        .map(|i| {
            chunk.extend_from_slice(format!("x-custom-header-{i:02}").as_bytes());
            let name = chunk.split().freeze();
            chunk.extend_from_slice(format!("value-{i:02}-a1b2c3d4e5f6g7").as_bytes());
            (name, chunk.split().freeze())
        })
        .collect();
    let fixed: Vec<(Bytes, Bytes)> = (0..20)
        .map(|_| {
            (
                Bytes::from_static(b"x-custom-header-01"),
                Bytes::from_static(b"value-01-a1b2c3d4e5f6g7"),
            )
        })
        .collect();
    for (name, fields) in [("shared", &shared), ("static", &fixed)] {
        g.bench_function(format!("clone_drop_20_fields/{name}"), |b| {
            b.iter(|| {
                for (n, v) in fields.iter() {
                    let field = (n.clone(), v.clone());
                    black_box(&field);
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, request_block, stories, per_byte, field_handles);
criterion_main!(benches);
