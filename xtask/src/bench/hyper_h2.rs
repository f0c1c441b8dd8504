//! hyperium `h2` 0.4 on tokio as a benchmark peer.
//!
//! Client and server run on one current-thread tokio runtime and talk over a
//! `tokio::io::duplex` pipe (an in-memory byte stream with a large buffer), which is how
//! the crate is used over any transport: each side's connection future is a spawned task
//! that drives the I/O, the client side sends requests through `SendRequest` and reads
//! responses in one task per request, the server side accepts requests in a loop and
//! answers them through `SendResponse` / `SendStream`.

use std::future::poll_fn;
use std::sync::OnceLock;

use bytes::Bytes;
use h2::{client, server, Ping, RecvStream};
use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use http::uri::{Authority, PathAndQuery, Scheme, Uri};
use http::{Method, Request, Response, StatusCode};
use tokio::io::DuplexStream;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

use super::alloc_count;
use super::workload::{
    self, Bulk, Failure, Meter, Requests, Sample, Stack, AUTHORITY, BODY, BODY_LEN_STR, BULK_PATH,
    PATH_PREFIX, PATTERN_LEN, REQUEST_HEADERS, SERVER_MAX_CONCURRENT_STREAMS,
};

/// Capacity of each direction of the in-memory pipe.
const DUPLEX_BUFFER: usize = 4 << 20;
/// h2's per-stream send buffer on the server (default 400 KiB): raised so that 1 MiB DATA
/// frames can form in W2 (h2 never merges two `send_data` chunks into one frame).
const MAX_SEND_BUFFER: usize = 4 << 20;

/// The hyperium h2 stack.
pub(crate) struct HyperH2;

impl Stack for HyperH2 {
    fn name(&self) -> &'static str {
        "hyperium-h2"
    }

    fn requests(&self, w: &Requests) -> Result<Sample, Failure> {
        let w = *w;
        runtime()?.block_on(run_requests(w))
    }

    fn bulk(&self, w: &Bulk) -> Result<Sample, Failure> {
        let w = *w;
        runtime()?.block_on(run_bulk(w))
    }

    fn idle_pair_bytes(&self) -> Result<usize, Failure> {
        runtime()?.block_on(idle_pair())
    }

    fn open_stream_bytes(&self, streams: usize) -> Result<usize, Failure> {
        runtime()?.block_on(open_streams(streams))
    }
}

fn runtime() -> Result<Runtime, Failure> {
    Ok(tokio::runtime::Builder::new_current_thread().build()?)
}

fn server_builder() -> server::Builder {
    let mut b = server::Builder::new();
    b.max_concurrent_streams(SERVER_MAX_CONCURRENT_STREAMS)
        .max_send_buffer_size(MAX_SEND_BUFFER);
    b
}

/// The request for `path` with W1's (and, for W3, W3's) headers.
fn request(w: &Requests, path: String) -> Result<Request<()>, Failure> {
    let mut parts = http::uri::Parts::default();
    parts.scheme = Some(Scheme::HTTPS);
    parts.authority = Some(Authority::from_static(AUTHORITY));
    parts.path_and_query = Some(PathAndQuery::from_maybe_shared(Bytes::from(path))?);
    let mut req = Request::new(());
    *req.method_mut() = Method::GET;
    *req.uri_mut() = Uri::from_parts(parts)?;
    let headers = req.headers_mut();
    headers.reserve(w.regular_header_count());
    for (name, value) in w.regular_headers() {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    Ok(req)
}

async fn run_requests(w: Requests) -> Result<Sample, Failure> {
    let meter = Meter::start();
    let (client_io, server_io) = tokio::io::duplex(DUPLEX_BUFFER);
    let server = tokio::spawn(serve_requests(server_io, w.regular_header_count()));
    let (mut send, conn) = client::handshake(client_io).await?;
    let conn = tokio::spawn(conn);

    let mut in_flight = JoinSet::new();
    let mut path = String::new();
    for i in 0..w.total {
        while in_flight.len() >= w.in_flight {
            join_one(&mut in_flight).await?;
        }
        workload::write_path(&mut path, i);
        let req = request(&w, path.clone())?;
        send = send.ready().await?;
        let (response, _) = send.send_request(req, true)?;
        in_flight.spawn(async move {
            let response = response.await.map_err(|e| e.to_string())?;
            if response.status() != StatusCode::OK {
                return Err(format!("status {}", response.status()));
            }
            read_body(response.into_body(), BODY.len() as u64, |at, chunk| {
                BODY.get(at as usize..at as usize + chunk.len()) == Some(chunk)
            })
            .await
        });
    }
    while !in_flight.is_empty() {
        join_one(&mut in_flight).await?;
    }
    let sample = meter.stop(w.total as u64);
    drop(send);
    conn.await??;
    server.await??;
    Ok(sample)
}

async fn join_one(set: &mut JoinSet<Result<(), String>>) -> Result<(), Failure> {
    match set.join_next().await {
        Some(joined) => Ok(joined?.map_err(|e| Failure::Failed(format!("hyperium client: {e}")))?),
        None => Ok(()),
    }
}

/// Reads a response body to its end, returning window as it goes, checking each chunk
/// with `check(offset, chunk)` and the exact total.
async fn read_body(
    mut body: RecvStream,
    expected: u64,
    check: impl Fn(u64, &[u8]) -> bool,
) -> Result<(), String> {
    let mut received = 0u64;
    while let Some(chunk) = body.data().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        if !check(received, &chunk) {
            return Err(format!("wrong body bytes at {received}"));
        }
        received += chunk.len() as u64;
        body.flow_control()
            .release_capacity(chunk.len())
            .map_err(|e| e.to_string())?;
    }
    if received != expected {
        return Err(format!("{received} of {expected} body bytes"));
    }
    Ok(())
}

async fn serve_requests(io: DuplexStream, expected_headers: usize) -> Result<(), Failure> {
    let mut conn = server_builder().handshake::<_, Bytes>(io).await?;
    while let Some(accepted) = conn.accept().await {
        let (req, mut respond) = accepted?;
        if req.method() != Method::GET
            || !req.uri().path().starts_with(PATH_PREFIX)
            || req.headers().len() != expected_headers
        {
            return Err(Failure::Failed(format!(
                "hyperium server: bad request {} {} with {} of {expected_headers} headers",
                req.method(),
                req.uri(),
                req.headers().len()
            )));
        }
        let response = Response::builder()
            .status(StatusCode::OK)
            .header(CONTENT_TYPE, workload::CONTENT_TYPE)
            .header(CONTENT_LENGTH, BODY_LEN_STR)
            .body(())?;
        let mut stream = respond.send_response(response, false)?;
        stream.send_data(Bytes::from_static(BODY), true)?;
    }
    Ok(())
}

fn pattern_bytes() -> Bytes {
    static PATTERN: OnceLock<Bytes> = OnceLock::new();
    PATTERN
        .get_or_init(|| Bytes::from_static(workload::pattern()))
        .clone()
}

async fn run_bulk(w: Bulk) -> Result<Sample, Failure> {
    let pattern = pattern_bytes();
    let meter = Meter::start();
    let (client_io, server_io) = tokio::io::duplex(DUPLEX_BUFFER);
    let server = tokio::spawn(serve_bulk(server_io, w, pattern));
    let (mut send, conn) = client::Builder::new()
        .initial_window_size(w.window)
        .initial_connection_window_size(w.window)
        .max_frame_size(w.max_frame_size)
        .handshake::<_, Bytes>(client_io)
        .await?;
    let conn = tokio::spawn(conn);

    let mut req = request(
        &Requests {
            total: 1,
            in_flight: 1,
            extra_headers: false,
        },
        BULK_PATH.to_string(),
    )?;
    *req.method_mut() = Method::GET;
    send = send.ready().await?;
    let (response, _) = send.send_request(req, true)?;
    let response = response.await?;
    if response.status() != StatusCode::OK {
        return Err(Failure::Failed(format!(
            "hyperium bulk: status {}",
            response.status()
        )));
    }
    read_body(response.into_body(), w.total, workload::check_payload)
        .await
        .map_err(|e| Failure::Failed(format!("hyperium bulk: {e}")))?;
    let sample = meter.stop(w.total);
    drop(send);
    conn.await??;
    server.await??;
    Ok(sample)
}

async fn serve_bulk(io: DuplexStream, w: Bulk, pattern: Bytes) -> Result<(), Failure> {
    let mut b = server_builder();
    b.initial_window_size(w.window);
    let mut conn = b.handshake::<_, Bytes>(io).await?;
    let mut sender = None;
    while let Some(accepted) = conn.accept().await {
        let (req, mut respond) = accepted?;
        if req.method() != Method::GET
            || req.uri().path() != BULK_PATH
            || req.headers().len() != REQUEST_HEADERS.len()
        {
            return Err(Failure::Failed(format!(
                "hyperium server: bad bulk request {}",
                req.uri()
            )));
        }
        let response = Response::builder()
            .status(StatusCode::OK)
            .header(CONTENT_TYPE, workload::CONTENT_TYPE)
            .header(CONTENT_LENGTH, w.total)
            .body(())?;
        let stream = respond.send_response(response, false)?;
        // The sender runs as its own task so that this loop keeps driving the connection.
        sender = Some(tokio::spawn(send_bulk(stream, w.total, pattern.clone())));
    }
    match sender {
        Some(task) => task.await?,
        None => Err(Failure::Failed("hyperium server: no bulk request".into())),
    }
}

/// Sends `total` payload bytes as zero-copy slices of the pattern, as window allows.
async fn send_bulk(
    mut stream: h2::SendStream<Bytes>,
    total: u64,
    pattern: Bytes,
) -> Result<(), Failure> {
    let mut sent = 0u64;
    while sent < total {
        let want = (total - sent).min(PATTERN_LEN as u64) as usize;
        stream.reserve_capacity(want);
        let capacity = match poll_fn(|cx| stream.poll_capacity(cx)).await {
            Some(capacity) => capacity?,
            None => return Err(Failure::Failed("hyperium bulk: stream closed".into())),
        };
        if capacity == 0 {
            continue;
        }
        let at = (sent % PATTERN_LEN as u64) as usize;
        let n = capacity.min(want).min(PATTERN_LEN - at);
        sent += n as u64;
        stream.send_data(pattern.slice(at..at + n), sent == total)?;
    }
    Ok(())
}

/// Waits until both sides have exchanged and acknowledged SETTINGS: after a PING round
/// trip the server has read the client's SETTINGS and the client the server's, and a few
/// yields let both sides process the remaining SETTINGS ACKs.
async fn settle_handshake(ping_pong: &mut h2::PingPong) -> Result<(), Failure> {
    ping_pong.ping(Ping::opaque()).await?;
    for _ in 0..8 {
        tokio::task::yield_now().await;
    }
    Ok(())
}

async fn idle_pair() -> Result<usize, Failure> {
    let base = alloc_count::snapshot();
    let (client_io, server_io) = tokio::io::duplex(DUPLEX_BUFFER);
    let server = tokio::spawn(async move {
        let mut conn = server_builder().handshake::<_, Bytes>(server_io).await?;
        while let Some(accepted) = conn.accept().await {
            accepted?;
        }
        Ok::<_, Failure>(())
    });
    let (send, mut conn) = client::handshake(client_io).await?;
    let mut ping_pong = conn
        .ping_pong()
        .ok_or_else(|| Failure::Failed("hyperium: no ping_pong".into()))?;
    let conn = tokio::spawn(conn);
    settle_handshake(&mut ping_pong).await?;
    let held = workload::held_since(&base);
    drop((send, ping_pong));
    conn.await??;
    server.await??;
    Ok(held)
}

/// [`Stack::open_stream_bytes`]: `streams` GETs the server has accepted and not answered.
///
/// The server keeps each `SendResponse` (dropping it would reset the stream) and drops the
/// accepted `Request` (the header map, which the application owns, and the finished
/// request body); the client keeps each `ResponseFuture`. Both vectors of handles are
/// allocated after the snapshot, so the handles count as per-stream cost. Afterwards every
/// stream is answered and every response checked, which proves the streams stayed open.
async fn open_streams(streams: usize) -> Result<usize, Failure> {
    let w = workload::open_streams_workload(streams);
    let (client_io, server_io) = tokio::io::duplex(DUPLEX_BUFFER);
    let expected_headers = w.regular_header_count();
    // The server task returns its connection and the unanswered streams once `streams`
    // requests are accepted; the handles' vector is allocated at the first request, after
    // the snapshot.
    let server = tokio::spawn(async move {
        let mut conn = server_builder().handshake::<_, Bytes>(server_io).await?;
        let mut held = Vec::new();
        while held.len() < streams {
            let Some(accepted) = conn.accept().await else {
                return Err(Failure::Failed(format!(
                    "hyperium server: connection closed after {} of {streams} requests",
                    held.len()
                )));
            };
            let (req, respond) = accepted?;
            if req.method() != Method::GET
                || !req.uri().path().starts_with(PATH_PREFIX)
                || req.headers().len() != expected_headers
                || !req.body().is_end_stream()
            {
                return Err(Failure::Failed(format!(
                    "hyperium server: bad request {} {}",
                    req.method(),
                    req.uri()
                )));
            }
            drop(req);
            held.reserve_exact(streams);
            held.push(respond);
        }
        Ok::<_, Failure>((conn, held))
    });
    let (mut send, mut conn) = client::handshake(client_io).await?;
    let mut ping_pong = conn
        .ping_pong()
        .ok_or_else(|| Failure::Failed("hyperium: no ping_pong".into()))?;
    let conn = tokio::spawn(conn);
    settle_handshake(&mut ping_pong).await?;

    let mut path = String::with_capacity(32);
    let base = alloc_count::snapshot();
    let mut responses = Vec::with_capacity(streams);
    for i in 0..streams {
        workload::write_path(&mut path, i);
        let req = request(&w, path.clone())?;
        send = send.ready().await?;
        let (response, _) = send.send_request(req, true)?;
        responses.push(response);
    }
    let (mut server_conn, held) = server.await??;
    // The client's connection task has written every request; let it settle.
    for _ in 0..8 {
        tokio::task::yield_now().await;
    }
    let bytes = workload::held_since(&base);

    // Answer every stream and check every response.
    let server = tokio::spawn(async move {
        for mut respond in held {
            let response = Response::builder().status(StatusCode::OK).body(())?;
            respond.send_response(response, true)?;
        }
        while let Some(accepted) = server_conn.accept().await {
            accepted?;
        }
        Ok::<_, Failure>(())
    });
    for response in responses {
        let response = response.await?;
        if response.status() != StatusCode::OK {
            return Err(Failure::Failed(format!(
                "hyperium client: status {} on a held stream",
                response.status()
            )));
        }
    }
    drop((send, ping_pong));
    conn.await??;
    server.await??;
    Ok(bytes / streams)
}
