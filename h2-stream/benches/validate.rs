//! The hot path: a request arriving on a new stream, a response going out; and the bare
//! state tables (RFC 9113 5.1) for one request/response lifecycle.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use h2_stream::frame::{Bytes, StreamId};
use h2_stream::hpack::HeaderField;
use h2_stream::{
    recv_transition, send_transition, KnownValid, RecvInput, RecvStep, Role, SendInput, Stream,
    StreamState, ValidationConfig,
};

fn request() -> Vec<HeaderField> {
    vec![
        HeaderField::new(":method", "GET"),
        HeaderField::new(":scheme", "https"),
        HeaderField::new(":authority", "localhost:8443"),
        HeaderField::new(":path", "/index.html"),
        HeaderField::new("user-agent", "h2load nghttp2/1.59.0"),
        HeaderField::new("accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
        HeaderField::new("accept-encoding", "gzip, deflate, br"),
    ]
}

fn bench(c: &mut Criterion) {
    let cfg = ValidationConfig::default();
    let template = request();
    let response = [
        HeaderField::new(":status", "200"),
        HeaderField::new("content-type", "text/html"),
        HeaderField::new("content-length", "16"),
    ];
    c.bench_function("server: recv request + send response + data", |b| {
        let mut events = Vec::with_capacity(4);
        b.iter(|| {
            let mut s = Stream::new(StreamId::new(1), Role::Server, 65_535, 65_535);
            s.recv_headers(
                template.clone(),
                KnownValid::NONE,
                true,
                None,
                &cfg,
                &mut events,
            )
            .unwrap();
            let out = s
                .send_headers(&response, KnownValid::NONE, false, &cfg)
                .unwrap();
            black_box(&out);
            s.send_data(16, true).unwrap();
            events.clear();
        })
    });
    let off = ValidationConfig {
        validate_inbound_headers: false,
        normalize_inbound_headers: false,
        validate_outbound_headers: false,
        normalize_outbound_headers: false,
        split_outbound_cookies: false,
        allow_status_101: false,
    };
    for (name, cfg) in [("on", cfg), ("off", off)] {
        c.bench_function(
            &format!("server: recv request only, validation {name}"),
            |b| {
                let mut events = Vec::with_capacity(4);
                b.iter(|| {
                    let mut s = Stream::new(StreamId::new(1), Role::Server, 65_535, 65_535);
                    s.recv_headers(
                        template.clone(),
                        KnownValid::NONE,
                        true,
                        None,
                        &cfg,
                        &mut events,
                    )
                    .unwrap();
                    events.clear();
                })
            },
        );
    }
    c.bench_function("clone of the request header list (baseline)", |b| {
        b.iter(|| black_box(template.clone()))
    });
    c.bench_function("client: send request + recv response + data", |b| {
        let mut events = Vec::with_capacity(4);
        b.iter(|| {
            let mut s = Stream::new(StreamId::new(1), Role::Client, 65_535, 65_535);
            black_box(
                s.send_headers(&template, KnownValid::NONE, true, &cfg)
                    .unwrap(),
            );
            s.recv_headers(
                response.to_vec(),
                KnownValid::NONE,
                false,
                None,
                &cfg,
                &mut events,
            )
            .unwrap();
            s.recv_data(Bytes::from_static(&[0; 16]), 16, true, &mut events)
                .unwrap();
            events.clear();
        })
    });
}

/// The transition tables alone: a server stream from idle to closed (request HEADERS,
/// request DATA with END_STREAM, response HEADERS, response DATA with END_STREAM), with
/// a WINDOW_UPDATE in each direction on the way.
fn transitions(c: &mut Criterion) {
    let id = StreamId::new(1);
    c.bench_function("state tables: one server stream lifecycle", |b| {
        b.iter(|| {
            let recv = |state, input| match recv_transition(state, Role::Server, id, input) {
                Ok(RecvStep::Process(next)) => next,
                other => panic!("{other:?}"),
            };
            let send = |state, input| send_transition(state, Role::Server, id, input).unwrap();
            let mut s = black_box(StreamState::Idle);
            s = recv(s, RecvInput::Headers { end_stream: false });
            s = recv(s, RecvInput::WindowUpdate);
            s = recv(s, RecvInput::Data { end_stream: true });
            s = send(s, SendInput::WindowUpdate);
            s = send(s, SendInput::Headers { end_stream: false });
            s = send(s, SendInput::Data { end_stream: true });
            black_box(s)
        })
    });
}

criterion_group!(benches, bench, transitions);
criterion_main!(benches);
