//! Parse and serialize throughput for the frames that dominate real traffic: DATA 16 KiB,
//! HEADERS with a 200-octet field block, SETTINGS with 6 entries, WINDOW_UPDATE.
//!
//! Each case is measured twice with the same routine, once with a frames/s throughput
//! (`.../frames`) and once with an octets/s throughput (`.../bytes`, the whole frame
//! including its 9-octet header), so criterion prints both rates.
//!
//! `cargo bench -p h2-frame`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use h2_frame::{
    Bytes, BytesMut, Data, Frame, FrameDecoder, Headers, SettingId, Settings, SettingsFrame,
    StreamId, WindowUpdate, DEFAULT_MAX_FRAME_SIZE,
};

fn cases() -> Vec<(&'static str, Frame)> {
    let data = Bytes::from((0..16_384u32).map(|i| i as u8).collect::<Vec<u8>>());
    let block = Bytes::from((0..200u32).map(|i| (i * 7) as u8).collect::<Vec<u8>>());
    let settings: Settings = [
        (SettingId::HEADER_TABLE_SIZE, 4_096),
        (SettingId::ENABLE_PUSH, 0),
        (SettingId::MAX_CONCURRENT_STREAMS, 100),
        (SettingId::INITIAL_WINDOW_SIZE, 1 << 20),
        (SettingId::MAX_FRAME_SIZE, 1 << 14),
        (SettingId::MAX_HEADER_LIST_SIZE, 16_384),
    ]
    .into_iter()
    .collect();
    vec![
        (
            "DATA 16KiB",
            Frame::Data(Data::new(StreamId::new(1), data, false)),
        ),
        (
            "HEADERS 200B",
            Frame::Headers(Headers::new(StreamId::new(3), block, false, true)),
        ),
        ("SETTINGS 6", Frame::Settings(SettingsFrame::new(settings))),
        (
            "WINDOW_UPDATE",
            Frame::WindowUpdate(WindowUpdate {
                stream_id: StreamId::new(1),
                increment: 65_535,
            }),
        ),
    ]
}

fn wire(frame: &Frame) -> Bytes {
    let mut dst = BytesMut::new();
    frame.encode(&mut dst, DEFAULT_MAX_FRAME_SIZE).unwrap();
    dst.freeze()
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for (name, frame) in cases() {
        let wire = wire(&frame);
        let mut decoder = FrameDecoder::new(DEFAULT_MAX_FRAME_SIZE);
        for (unit, throughput) in [
            ("frames", Throughput::Elements(1)),
            ("bytes", Throughput::Bytes(wire.len() as u64)),
        ] {
            group.throughput(throughput);
            group.bench_function(format!("{name}/{unit}"), |b| {
                b.iter(|| {
                    decoder.push_bytes(wire.clone());
                    black_box(decoder.next_frame().unwrap().unwrap())
                })
            });
        }
    }
    group.finish();
}

fn serialize(c: &mut Criterion) {
    let mut group = c.benchmark_group("serialize");
    for (name, frame) in cases() {
        let len = wire(&frame).len();
        let mut dst = BytesMut::with_capacity(len);
        for (unit, throughput) in [
            ("frames", Throughput::Elements(1)),
            ("bytes", Throughput::Bytes(len as u64)),
        ] {
            group.throughput(throughput);
            group.bench_function(format!("{name}/{unit}"), |b| {
                b.iter(|| {
                    dst.clear();
                    black_box(&frame)
                        .encode(&mut dst, DEFAULT_MAX_FRAME_SIZE)
                        .unwrap();
                    black_box(dst.len())
                })
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = parse, serialize
}
criterion_main!(benches);
