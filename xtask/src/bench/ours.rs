//! Our stack (`h2-conn`) in the benchmark, on two API paths (issue "Performance II": the
//! comparison with nghttp2 has to be like-for-like).
//!
//! A client [`Connection`] and a server [`Connection`] in this process; [`exchange`] moves
//! one side's output to the other's input through one of the [`Api`] paths:
//!
//! - [`Api::Plain`], row "ours (plain API)", the default row and the one W1 and W3 run on:
//!   `data_to_send()` (one `Bytes`) into `receive_data(&out)`, as a driver written from the
//!   docs hands one connection's output to another. `data_to_send` flattens the queued
//!   frames into its reused output buffer (a copy of every DATA payload queued by
//!   reference); `receive_data` shares a `&Bytes` it is given (DATA events are views of
//!   it): one copy per payload byte, in `data_to_send`, as nghttp2's default path copies
//!   once into its frame buffer. Neither call allocates once warm, but for the `Vec` of
//!   events `receive_data` returns (measured, see [`CallAllocs`]).
//! - [`Api::PlainSlice`], row "ours (plain API, slice input)", W2 and W4 only: the same
//!   `data_to_send()` handed to `receive_data(&out[..])` as a slice, as bytes read from a
//!   socket into a buffer are: `receive_data` copies it into a reused input buffer, so
//!   each payload byte is copied twice.
//! - [`Api::PlainInto`], row "ours (plain API, 64 KiB into)", W2 only:
//!   `data_to_send_into(&mut [u8])` into a fixed, reused 64 KiB buffer (the application's
//!   socket write buffer), each fill handed to `receive_data(&[u8])`: again two copies per
//!   payload byte, no allocation on the sending side.
//! - [`Api::ZeroCopy`], row "ours (zero-copy API)", W2 only: `data_to_send_vectored()`
//!   chunks (DATA payloads are the sender's own `Bytes`, as `write_vectored` would take
//!   them) into one `receive_vectored(chunks, &mut Vec<Event>)` call (DATA events are
//!   views of the chunks): no payload byte is ever copied.
//!
//! W4 and TTFB (issue 18) run on the buffered send path: the server answers each request
//! with `send_headers` and a [`PatternSource`] registered with `queue_source` (row
//! [`OursQueueData`], "ours (plain API, queue_data)", queues the whole body with
//! `queue_data` instead), and the connection frames the bodies in RFC 9218 order when
//! output is taken; see [`run_many`]. W4 runs on the plain, slice input and zero-copy
//! paths.
//!
//! The client sends requests with `send_headers` and reads `ResponseReceived` /
//! `DataReceived` / `StreamEnded`, returning window with `acknowledge_received_data` (the
//! default `HalfConsumed` policy decides when WINDOW_UPDATE goes out); the server answers
//! `RequestReceived` with `send_headers` + `send_data`, in W2 as the flow-control window
//! allows.

use std::time::Instant;

use bytes::Bytes;
use h2_conn::{
    BodySource, Config, Connection, Event, HeaderField, HeaderList, Pull, SettingId, StreamId,
};

use super::alloc_count;
use super::workload::{
    self, Bulk, CallAllocs, Failure, Many, Meter, Requests, Sample, Stack, Ttfb, AUTHORITY, BODY,
    BODY_LEN_STR, BULK_PATH, CONTENT_TYPE, MANY_PATH, PATH_PREFIX, PATTERN_LEN, REQUEST_HEADERS,
    SERVER_MAX_CONCURRENT_STREAMS, URGENT_PATH, URGENT_PRIORITY,
};

/// How bytes leave one connection and enter the other.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Api {
    /// `data_to_send()` -> `receive_data(&Bytes)` (shared).
    Plain,
    /// `data_to_send_into(&mut [u8; 64 KiB])` -> `receive_data(&[u8])`.
    PlainInto,
    /// `data_to_send()` -> `receive_data(&[u8])` (copied).
    PlainSlice,
    /// `data_to_send_vectored()` -> `receive_vectored(chunks)`.
    ZeroCopy,
}

/// The fixed write buffer of [`Api::PlainInto`].
const INTO_BUFFER: usize = 64 << 10;

/// Our stack on one API path.
pub(crate) struct Ours(pub(crate) Api);

impl Stack for Ours {
    fn name(&self) -> &'static str {
        match self.0 {
            Api::Plain => "ours (plain API)",
            Api::PlainInto => "ours (plain API, 64 KiB into)",
            Api::PlainSlice => "ours (plain API, slice input)",
            Api::ZeroCopy => "ours (zero-copy API)",
        }
    }

    fn requests(&self, w: &Requests) -> Result<Sample, Failure> {
        run_requests(w, self.0)
    }

    fn bulk(&self, w: &Bulk) -> Result<Sample, Failure> {
        run_bulk(w, self.0)
    }

    fn idle_pair_bytes(&self) -> Result<usize, Failure> {
        let base = alloc_count::snapshot();
        let (mut client, mut server) = pair(Config::client(), server_config())?;
        let mut events = Pipe::new(self.0);
        while exchange(
            &mut client,
            &mut server,
            &mut events,
            |_, _| Ok(()),
            |_, _| Ok(()),
        )? {}
        let held = workload::held_since(&base);
        drop((client, server, events));
        Ok(held)
    }

    fn open_stream_bytes(&self, streams: usize) -> Result<usize, Failure> {
        open_streams(streams, self.0)
    }

    fn bulk_only(&self) -> bool {
        self.0 != Api::Plain
    }

    fn many(&self, w: &Many) -> Result<Sample, Failure> {
        run_many(w, self.0, BodyMode::Source)
    }

    /// W4 runs on every path but [`Api::PlainInto`], whose [`deliver`] drains all the
    /// output the windows allow (16 MiB) in one exchange, before the client sees any
    /// event: a harness shape, not the API's.
    fn many_variant(&self) -> bool {
        self.0 != Api::PlainInto
    }
}

/// Row "ours (plain API, queue_data)", W4 only: as "ours (plain API)", but the server
/// queues each whole response body with `queue_data` when the request arrives instead of
/// registering a [`BodySource`].
pub(crate) struct OursQueueData;

impl Stack for OursQueueData {
    fn name(&self) -> &'static str {
        "ours (plain API, queue_data)"
    }

    fn requests(&self, _: &Requests) -> Result<Sample, Failure> {
        Err(Failure::Unavailable("a W4-only row".into()))
    }

    fn bulk(&self, _: &Bulk) -> Result<Sample, Failure> {
        Err(Failure::Unavailable("a W4-only row".into()))
    }

    fn idle_pair_bytes(&self) -> Result<usize, Failure> {
        Err(Failure::Unavailable("a W4-only row".into()))
    }

    fn open_stream_bytes(&self, _: usize) -> Result<usize, Failure> {
        Err(Failure::Unavailable("a W4-only row".into()))
    }

    fn many(&self, w: &Many) -> Result<Sample, Failure> {
        run_many(w, Api::Plain, BodyMode::QueueData)
    }

    fn many_only(&self) -> bool {
        true
    }
}

fn server_config() -> Config {
    let mut config = Config::server();
    config.set_local_setting(
        SettingId::MAX_CONCURRENT_STREAMS,
        SERVER_MAX_CONCURRENT_STREAMS,
    );
    config
}

fn pair(client: Config, server: Config) -> Result<(Connection, Connection), Failure> {
    let mut client = Connection::new(client);
    let mut server = Connection::new(server);
    client.initiate_connection();
    server.initiate_connection();
    Ok((client, server))
}

/// Moves client -> server, lets `on_server` handle the server's events, then server ->
/// client with `on_client`. Returns whether any byte moved. Fails on a connection error
/// or reset either side reports.
fn exchange(
    client: &mut Connection,
    server: &mut Connection,
    pipe: &mut Pipe,
    mut on_server: impl FnMut(&mut Connection, Event) -> Result<(), Failure>,
    mut on_client: impl FnMut(&mut Connection, Event) -> Result<(), Failure>,
) -> Result<bool, Failure> {
    let moved_up = deliver(client, server, pipe, Direction::Up)?;
    for event in pipe.events.drain(..) {
        fail_on_error("server", &event)?;
        on_server(server, event)?;
    }
    let moved_down = deliver(server, client, pipe, Direction::Down)?;
    for event in pipe.events.drain(..) {
        fail_on_error("client", &event)?;
        on_client(client, event)?;
    }
    Ok(moved_up || moved_down)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// Client -> server.
    Up,
    /// Server -> client.
    Down,
}

/// The harness's reusable buffers between the two connections: the events of one
/// delivery, the output chunks in flight and the fixed write buffer (kept, so that the
/// harness allocates nothing per exchange and the allocation counts are the stack's).
struct Pipe {
    api: Api,
    events: Vec<Event>,
    chunks: Vec<Bytes>,
    /// [`Api::PlainInto`]'s write buffer.
    buf: Vec<u8>,
    /// Whether [`deliver`] adds to `calls` (W2 steady state).
    counting: bool,
    calls: CallAllocs,
}

impl Pipe {
    fn new(api: Api) -> Self {
        Pipe {
            api,
            events: Vec::new(),
            chunks: Vec::new(),
            buf: if api == Api::PlainInto {
                vec![0; INTO_BUFFER]
            } else {
                Vec::new()
            },
            counting: false,
            calls: CallAllocs {
                functions: match api {
                    Api::Plain => ("data_to_send()", "receive_data(&Bytes)"),
                    Api::PlainInto => ("data_to_send_into()", "receive_data(&[u8])"),
                    Api::PlainSlice => ("data_to_send()", "receive_data(&[u8])"),
                    Api::ZeroCopy => ("data_to_send_vectored()", "receive_vectored()"),
                },
                ..CallAllocs::default()
            },
        }
    }

    /// Counts one output call that moved `bytes` (0: found nothing) with `allocs`.
    fn sent(&mut self, dir: Direction, bytes: usize, allocs: u64) {
        if !self.counting {
            return;
        }
        match (bytes, dir) {
            (0, _) => self.calls.empty_send.add(0, allocs),
            (_, Direction::Down) => self.calls.down_send.add(bytes, allocs),
            (_, Direction::Up) => self.calls.up_send.add(bytes, allocs),
        }
    }

    /// Counts one input call of `bytes` with `allocs`.
    fn received(&mut self, dir: Direction, bytes: usize, allocs: u64) {
        if !self.counting {
            return;
        }
        match dir {
            Direction::Down => self.calls.down_recv.add(bytes, allocs),
            Direction::Up => self.calls.up_recv.add(bytes, allocs),
        }
    }
}

/// Allocation calls since `before` (an `alloc_count` snapshot's count).
fn allocs_since(before: u64) -> u64 {
    alloc_count::snapshot().allocs - before
}

/// Moves `from`'s pending output to `to` along the pipe's [`Api`] path, counting the
/// allocations of each API call (two thread-local reads per call, the same on every path).
/// Keeps the events `receive_data` returned until they are handled: the returned `Vec`
/// itself when nothing is waiting (as an application iterating it would, no move of each
/// event into another buffer), appended otherwise.
fn keep_events(waiting: &mut Vec<Event>, events: Vec<Event>) {
    if waiting.is_empty() {
        *waiting = events;
    } else {
        waiting.extend(events);
    }
}

fn deliver(
    from: &mut Connection,
    to: &mut Connection,
    pipe: &mut Pipe,
    dir: Direction,
) -> Result<bool, Failure> {
    match pipe.api {
        Api::Plain | Api::PlainSlice => {
            let before = alloc_count::snapshot().allocs;
            let out = from.data_to_send();
            pipe.sent(dir, out.len(), allocs_since(before));
            if out.is_empty() {
                return Ok(false);
            }
            let before = alloc_count::snapshot().allocs;
            let events = if pipe.api == Api::Plain {
                to.receive_data(&out)? // a &Bytes: shared
            } else {
                to.receive_data(&out[..])? // a slice: copied
            };
            pipe.received(dir, out.len(), allocs_since(before));
            keep_events(&mut pipe.events, events);
            Ok(true)
        }
        Api::PlainInto => {
            let mut moved = false;
            loop {
                let before = alloc_count::snapshot().allocs;
                let n = from.data_to_send_into(&mut pipe.buf);
                pipe.sent(dir, n, allocs_since(before));
                if n == 0 {
                    return Ok(moved);
                }
                moved = true;
                let before = alloc_count::snapshot().allocs;
                let events = to.receive_data(&pipe.buf[..n])?;
                pipe.received(dir, n, allocs_since(before));
                keep_events(&mut pipe.events, events);
            }
        }
        Api::ZeroCopy => {
            let before = alloc_count::snapshot().allocs;
            from.data_to_send_vectored(&mut pipe.chunks);
            let len = pipe.chunks.iter().map(Bytes::len).sum();
            pipe.sent(dir, len, allocs_since(before));
            if pipe.chunks.is_empty() {
                return Ok(false);
            }
            let before = alloc_count::snapshot().allocs;
            to.receive_vectored(pipe.chunks.drain(..), &mut pipe.events)?;
            pipe.received(dir, len, allocs_since(before));
            Ok(true)
        }
    }
}

/// Checks a response's status and records it in the stream's slot.
fn response_ok(slot: &mut Slot, stream_id: StreamId, headers: &HeaderList) -> Result<(), Failure> {
    if !status_ok(headers) {
        return Err(Failure::Failed(format!(
            "ours client: {stream_id:?}: {headers:?}"
        )));
    }
    slot.status_ok = true;
    Ok(())
}

fn fail_on_error(side: &str, event: &Event) -> Result<(), Failure> {
    match event {
        Event::StreamReset { .. } | Event::ConnectionTerminated { .. } => {
            Err(Failure::Failed(format!("ours {side}: {event:?}")))
        }
        _ => Ok(()),
    }
}

/// Slots for streams in flight, as in the nghttp2 harness: client stream ids are
/// consecutive odd numbers and at most 100 are open.
const SLOTS: usize = 128;

fn slot_of(id: StreamId) -> usize {
    (id.value() as usize / 2) % SLOTS
}

#[derive(Clone, Copy, Default)]
struct Slot {
    status_ok: bool,
    received: u64,
}

/// Checks a request's header list: GET, the path, the regular header count.
fn check_request(headers: &HeaderList, path_ok: impl Fn(&[u8]) -> bool, regular: usize) -> bool {
    let mut method_ok = false;
    let mut path_seen = false;
    let mut count = 0;
    for field in headers {
        match field.name {
            b":method" => method_ok = field.value == b"GET",
            b":path" => path_seen = path_ok(field.value),
            name if name.first() == Some(&b':') => {}
            _ => count += 1,
        }
    }
    method_ok && path_seen && count == regular
}

fn status_ok(headers: &HeaderList) -> bool {
    headers.status() == Some(200)
}

fn response_headers(content_length: Bytes) -> Vec<HeaderField> {
    vec![
        HeaderField::new(":status", "200"),
        HeaderField::new("content-type", CONTENT_TYPE),
        HeaderField::new("content-length", content_length),
    ]
}

fn request_headers(w: &Requests) -> Vec<HeaderField> {
    let mut headers = vec![
        HeaderField::new(":method", "GET"),
        HeaderField::new(":scheme", "https"),
        HeaderField::new(":authority", AUTHORITY),
        HeaderField::new(":path", "/"),
    ];
    headers.extend(w.regular_headers().map(|(n, v)| HeaderField::new(n, v)));
    headers
}

/// The stream of a W1/W3 request event, checked (`/resource/<i>`, the expected regular
/// header count, END_STREAM); `None` for any other event.
fn w1_request(event: &Event, expected_headers: usize) -> Result<Option<StreamId>, Failure> {
    let Event::RequestReceived {
        stream_id,
        headers,
        end_stream,
        ..
    } = event
    else {
        return Ok(None);
    };
    let path_ok = |p: &[u8]| p.starts_with(PATH_PREFIX.as_bytes());
    if !end_stream || !check_request(headers, path_ok, expected_headers) {
        return Err(Failure::Failed(format!(
            "ours server: bad request on {stream_id:?}: {headers:?}"
        )));
    }
    Ok(Some(*stream_id))
}

fn run_requests(w: &Requests, api: Api) -> Result<Sample, Failure> {
    let meter = Meter::start();
    let (mut client, mut server) = pair(Config::client(), server_config())?;
    let mut events = Pipe::new(api);
    let mut headers = request_headers(w);
    let response = response_headers(Bytes::from_static(BODY_LEN_STR.as_bytes()));
    let expected_headers = w.regular_header_count();
    let mut slots = [Slot::default(); SLOTS];
    let mut path = String::with_capacity(32);
    let (mut next, mut in_flight, mut completed) = (0, 0, 0);
    while completed < w.total {
        while in_flight < w.in_flight && next < w.total {
            workload::write_path(&mut path, next);
            headers[3].value = Bytes::copy_from_slice(path.as_bytes());
            let id = client.next_stream_id()?;
            client.send_headers(id, &headers, true)?;
            in_flight += 1;
            next += 1;
        }
        let moved = exchange(
            &mut client,
            &mut server,
            &mut events,
            |server, event| {
                if let Some(stream_id) = w1_request(&event, expected_headers)? {
                    server.send_headers(stream_id, &response, false)?;
                    server.send_data(stream_id, Bytes::from_static(BODY), true)?;
                }
                Ok(())
            },
            |client, event| {
                match event {
                    Event::ResponseReceived {
                        stream_id, headers, ..
                    } => response_ok(&mut slots[slot_of(stream_id)], stream_id, &headers)?,
                    Event::DataReceived {
                        stream_id,
                        data,
                        flow_controlled_length,
                        ..
                    } => {
                        let slot = &mut slots[slot_of(stream_id)];
                        let at = slot.received as usize;
                        if BODY.get(at..at + data.len()) != Some(&data[..]) {
                            return Err(Failure::Failed(format!(
                                "ours client: {stream_id:?}: wrong body bytes at {at}"
                            )));
                        }
                        slot.received += data.len() as u64;
                        client.acknowledge_received_data(flow_controlled_length, stream_id)?;
                    }
                    Event::StreamEnded { stream_id } => {
                        let slot = std::mem::take(&mut slots[slot_of(stream_id)]);
                        if !slot.status_ok || slot.received != BODY.len() as u64 {
                            return Err(Failure::Failed(format!(
                                "ours client: {stream_id:?} ended with status ok {}, {} body bytes",
                                slot.status_ok, slot.received
                            )));
                        }
                        in_flight -= 1;
                        completed += 1;
                    }
                    _ => {}
                }
                Ok(())
            },
        )?;
        if !moved {
            return Err(Failure::Failed(format!(
                "ours stalled after {completed} of {} responses",
                w.total
            )));
        }
    }
    let sample = meter.stop(w.total as u64);
    drop((client, server));
    Ok(sample)
}

/// How much the W2 server queues before the bytes are moved to the client: a socket
/// send buffer's worth, so the bytes in flight stay cache-sized (nghttp2 moves one frame
/// at a time, hyperium h2 is bounded by its duplex pipe).
///
/// Found on the way: with no such budget (the server queues the whole 16 MiB window at
/// once) and an acknowledgement per DataReceived, the client's `HalfConsumed` policy
/// returns window on every acknowledgement once the window is nearly shut (two
/// WINDOW_UPDATEs per 16 KiB frame), and the server closes the connection with
/// ENHANCE_YOUR_CALM "too many WINDOW_UPDATE frames" (limit 500).
const WRITE_BUDGET: u64 = workload::EXCHANGE_BUDGET as u64;

/// W2 exchanges after the response headers that are not counted in [`CallAllocs`].
pub(crate) const WARMUP: u32 = 4;

fn run_bulk(w: &Bulk, api: Api) -> Result<Sample, Failure> {
    let pattern = Bytes::from_static(workload::pattern());
    let meter = Meter::start();
    let mut client_config = Config::client();
    client_config
        .set_local_setting(SettingId::INITIAL_WINDOW_SIZE, w.window)
        .set_local_setting(SettingId::MAX_FRAME_SIZE, w.max_frame_size);
    client_config.initial_connection_window = Some(w.window);
    let mut server_config = server_config();
    server_config.set_local_setting(SettingId::INITIAL_WINDOW_SIZE, w.window);
    let (mut client, mut server) = pair(client_config, server_config)?;
    let mut events = Pipe::new(api);
    // Exchanges since the client got the response headers: per-call allocations are
    // counted from the WARMUP-th on (steady state, buffers grown).
    let mut streaming = 0u32;

    let mut headers = request_headers(&Requests {
        total: 1,
        in_flight: 1,
        extra_headers: false,
    });
    headers[3].value = Bytes::from_static(BULK_PATH.as_bytes());
    let id = client.next_stream_id()?;
    client.send_headers(id, &headers, true)?;

    let response = response_headers(Bytes::from(w.total.to_string()));
    let mut sending: Option<StreamId> = None;
    let mut sent = 0u64;
    let mut slot = Slot::default();
    let mut done = false;
    while !done {
        if slot.status_ok {
            streaming += 1;
        }
        events.counting = streaming > WARMUP;
        // The server sends what the window allows, as slices of the pattern (`send_data`
        // takes `Bytes`; whether they are copied later depends on the output API).
        if let Some(stream) = sending {
            let budget_end = sent + WRITE_BUDGET.max(u64::from(w.max_frame_size));
            while sent < w.total && sent < budget_end {
                let window = server.local_flow_control_window(stream)?;
                if window <= 0 {
                    break;
                }
                let at = (sent % PATTERN_LEN as u64) as usize;
                let n = (w.total - sent)
                    .min(window as u64)
                    .min(budget_end - sent)
                    .min((PATTERN_LEN - at) as u64) as usize;
                sent += n as u64;
                server.send_data(stream, pattern.slice(at..at + n), sent == w.total)?;
            }
        }
        let moved = exchange(
            &mut client,
            &mut server,
            &mut events,
            |server, event| {
                if let Event::RequestReceived {
                    stream_id, headers, ..
                } = event
                {
                    let path_ok = |p: &[u8]| p == BULK_PATH.as_bytes();
                    if !check_request(&headers, path_ok, REQUEST_HEADERS.len()) {
                        return Err(Failure::Failed(format!(
                            "ours server: bad bulk request: {headers:?}"
                        )));
                    }
                    server.send_headers(stream_id, &response, false)?;
                    sending = Some(stream_id);
                }
                Ok(())
            },
            |client, event| {
                match event {
                    Event::ResponseReceived { headers, .. } => {
                        slot.status_ok = status_ok(&headers);
                    }
                    Event::DataReceived {
                        stream_id,
                        data,
                        flow_controlled_length,
                        ..
                    } => {
                        if !workload::check_payload(slot.received, &data) {
                            return Err(Failure::Failed(format!(
                                "ours bulk: wrong bytes at {}",
                                slot.received
                            )));
                        }
                        slot.received += data.len() as u64;
                        // Window is returned per DATA frame, as nghttp2 (automatic
                        // consumption) and hyperium (release_capacity per chunk) do here.
                        client.acknowledge_received_data(flow_controlled_length, stream_id)?;
                    }
                    Event::StreamEnded { .. } => {
                        if !slot.status_ok || slot.received != w.total {
                            return Err(Failure::Failed(format!(
                                "ours bulk: ended with status ok {}, {} of {} bytes",
                                slot.status_ok, slot.received, w.total
                            )));
                        }
                        done = true;
                    }
                    _ => {}
                }
                Ok(())
            },
        )?;
        if !moved && !done {
            return Err(Failure::Failed(format!(
                "ours bulk stalled after {} of {} bytes",
                slot.received, w.total
            )));
        }
    }
    let mut sample = meter.stop(w.total);
    sample.calls = Some(events.calls);
    drop((client, server));
    Ok(sample)
}

/// [`Stack::open_stream_bytes`]: `streams` GETs the server has received and not answered.
/// The server's `RequestReceived` events (the header lists, which the application owns)
/// are dropped as they arrive, and the event buffer is freed before measuring: only the
/// two connections are counted.
fn open_streams(streams: usize, api: Api) -> Result<usize, Failure> {
    let w = workload::open_streams_workload(streams);
    let (mut client, mut server) = pair(Config::client(), server_config())?;
    let mut events = Pipe::new(api);
    while exchange(
        &mut client,
        &mut server,
        &mut events,
        |_, _| Ok(()),
        |_, _| Ok(()),
    )? {}
    let mut headers = request_headers(&w);
    let mut path = String::with_capacity(32);
    events = Pipe::new(api);
    let base = alloc_count::snapshot();
    for i in 0..streams {
        workload::write_path(&mut path, i);
        headers[3].value = Bytes::copy_from_slice(path.as_bytes());
        let id = client.next_stream_id()?;
        client.send_headers(id, &headers, true)?;
    }
    // The harness's own copy of the last :path.
    headers[3].value = Bytes::from_static(b"/");
    let expected_headers = w.regular_header_count();
    let mut received = 0;
    while exchange(
        &mut client,
        &mut server,
        &mut events,
        |_, event| {
            if w1_request(&event, expected_headers)?.is_some() {
                received += 1;
            }
            Ok(())
        },
        |_, event| {
            Err(Failure::Failed(format!(
                "ours client: unexpected {event:?} on unanswered streams"
            )))
        },
    )? {}
    if received != streams {
        return Err(Failure::Failed(format!(
            "ours server: received {received} of {streams} requests"
        )));
    }
    events = Pipe::new(api);
    let held = workload::held_since(&base);
    drop((client, server, events, headers));
    Ok(held / streams)
}

/// How the W4/TTFB server hands a response body to the connection.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum BodyMode {
    /// `queue_source` with a [`PatternSource`]: pulled frame by frame as the windows and
    /// the scheduler allow (nghttp2's data provider model).
    Source,
    /// `queue_data` of the whole body up front (two slices of the pattern when it wraps).
    /// The server's send buffers are raised to hold every body at once.
    QueueData,
}

/// A response body pulled as slices of the payload pattern: no copy, no allocation
/// (the pattern is a static `Bytes`).
struct PatternSource {
    pattern: Bytes,
    /// Payload offset of the next byte.
    offset: u64,
    /// Bytes still to hand over.
    left: u64,
}

impl BodySource for PatternSource {
    fn pull(&mut self, max: usize) -> Pull {
        let at = (self.offset % PATTERN_LEN as u64) as usize;
        let n = self.left.min(max as u64).min((PATTERN_LEN - at) as u64) as usize;
        let chunk = self.pattern.slice(at..at + n);
        self.offset += n as u64;
        self.left -= n as u64;
        if self.left == 0 {
            Pull::Last(chunk)
        } else {
            Pull::Data(chunk)
        }
    }
}

/// The TTFB client's bookkeeping.
#[derive(Default)]
struct UrgentProbe {
    /// The urgent stream, once submitted, with the submission time and the background
    /// bytes received by then.
    submitted: Option<(StreamId, Instant, u64)>,
    /// Background payload bytes received so far.
    background: u64,
    /// Set at the urgent stream's first DATA byte.
    result: Option<Ttfb>,
}

/// W4 and TTFB: `w.streams` GETs sent at once, each answered with a `w.body`-byte body
/// through the buffered path (`queue_source` or `queue_data`), moved by [`exchange`] on
/// `api` (one `data_to_send()` per side and exchange: the server frames at most
/// `WRITE_BATCH`, 64 KiB, of queued DATA per call). With `w.urgent`, the client adds one
/// `priority: u=0` GET once it has received `after` background bytes, and records what
/// arrived before that response's first DATA byte.
fn run_many(w: &Many, api: Api, mode: BodyMode) -> Result<Sample, Failure> {
    let pattern = Bytes::from_static(workload::pattern());
    let meter = Meter::start();
    let mut client_config = Config::client();
    client_config
        .set_local_setting(SettingId::INITIAL_WINDOW_SIZE, w.window)
        .set_local_setting(SettingId::MAX_FRAME_SIZE, w.max_frame_size);
    client_config.initial_connection_window = Some(w.window);
    let mut server_config = server_config();
    server_config
        .set_local_setting(SettingId::INITIAL_WINDOW_SIZE, w.window)
        .set_local_setting(SettingId::NO_RFC7540_PRIORITIES, 1);
    if mode == BodyMode::QueueData {
        // Every body queued at once must fit (the default bounds are 512 KiB / 256 KiB).
        // data_to_send() then frames up to what the windows allow per call.
        server_config.max_send_buffer = w.total() as usize + (1 << 20);
        server_config.max_stream_send_buffer = w.body as usize;
    }
    let (mut client, mut server) = pair(client_config, server_config)?;
    let mut events = Pipe::new(api);

    let mut headers = request_headers(&Requests {
        total: 1,
        in_flight: 1,
        extra_headers: false,
    });
    headers[3].value = Bytes::from_static(MANY_PATH.as_bytes());
    for _ in 0..w.streams {
        let id = client.next_stream_id()?;
        client.send_headers(id, &headers, true)?;
    }
    let response = response_headers(Bytes::from(w.body.to_string()));
    let urgent_body = w.urgent.map_or(0, |u| u.body);
    let urgent_response = response_headers(Bytes::from(urgent_body.to_string()));

    let mut slots = [Slot::default(); SLOTS];
    let mut probe = UrgentProbe::default();
    let mut completed = 0;
    while completed < w.responses() {
        if let Some(urgent) = w.urgent {
            if probe.submitted.is_none() && probe.background >= urgent.after {
                headers[3].value = Bytes::from_static(URGENT_PATH.as_bytes());
                headers.push(HeaderField::new("priority", URGENT_PRIORITY));
                let id = client.next_stream_id()?;
                client.send_headers(id, &headers, true)?;
                probe.submitted = Some((id, Instant::now(), probe.background));
            }
        }
        let moved = exchange(
            &mut client,
            &mut server,
            &mut events,
            |server, event| {
                let Event::RequestReceived {
                    stream_id, headers, ..
                } = event
                else {
                    return Ok(());
                };
                let many = check_request(
                    &headers,
                    |p| p == MANY_PATH.as_bytes(),
                    REQUEST_HEADERS.len(),
                );
                let urgent = w.urgent.is_some()
                    && check_request(
                        &headers,
                        |p| p == URGENT_PATH.as_bytes(),
                        REQUEST_HEADERS.len() + 1,
                    );
                if !many && !urgent {
                    return Err(Failure::Failed(format!(
                        "ours server: bad request on {stream_id:?}: {headers:?}"
                    )));
                }
                let (len, response) = if urgent {
                    (urgent_body, &urgent_response)
                } else {
                    (w.body, &response)
                };
                server.send_headers(stream_id, response, false)?;
                let start = workload::body_start(stream_id.value());
                match mode {
                    BodyMode::Source => server.queue_source(
                        stream_id,
                        Box::new(PatternSource {
                            pattern: pattern.clone(),
                            offset: start,
                            left: len,
                        }),
                    )?,
                    BodyMode::QueueData => {
                        let mut slices = workload::payload_slices(start, len as usize).peekable();
                        while let Some(slice) = slices.next() {
                            let end = slices.peek().is_none();
                            server.queue_data(stream_id, Bytes::from_static(slice), end)?;
                        }
                    }
                }
                Ok(())
            },
            |client, event| {
                let urgent_id = probe.submitted.map(|(id, ..)| id);
                match event {
                    Event::ResponseReceived {
                        stream_id, headers, ..
                    } => response_ok(&mut slots[slot_of(stream_id)], stream_id, &headers)?,
                    Event::DataReceived {
                        stream_id,
                        data,
                        flow_controlled_length,
                        ..
                    } => {
                        let slot = &mut slots[slot_of(stream_id)];
                        let at = workload::body_start(stream_id.value()) + slot.received;
                        if !workload::check_payload(at, &data) {
                            return Err(Failure::Failed(format!(
                                "ours client: {stream_id:?}: wrong body bytes at {}",
                                slot.received
                            )));
                        }
                        slot.received += data.len() as u64;
                        if urgent_id == Some(stream_id) {
                            if let (None, Some((_, at, before))) = (probe.result, probe.submitted) {
                                probe.result = Some(Ttfb {
                                    before_submit: before,
                                    background: probe.background - before,
                                    wall: at.elapsed(),
                                });
                            }
                        } else {
                            probe.background += data.len() as u64;
                        }
                        client.acknowledge_received_data(flow_controlled_length, stream_id)?;
                    }
                    Event::StreamEnded { stream_id } => {
                        let slot = std::mem::take(&mut slots[slot_of(stream_id)]);
                        let expected = if urgent_id == Some(stream_id) {
                            urgent_body
                        } else {
                            w.body
                        };
                        if !slot.status_ok || slot.received != expected {
                            return Err(Failure::Failed(format!(
                                "ours client: {stream_id:?} ended with status ok {}, {} of \
                                 {expected} body bytes",
                                slot.status_ok, slot.received
                            )));
                        }
                        completed += 1;
                    }
                    _ => {}
                }
                Ok(())
            },
        )?;
        if !moved {
            return Err(Failure::Failed(format!(
                "ours W4 stalled after {completed} of {} responses",
                w.responses()
            )));
        }
    }
    let mut sample = meter.stop(w.total());
    if w.urgent.is_some() {
        sample.ttfb = Some(probe.result.ok_or_else(|| {
            Failure::Failed("ours TTFB: the urgent response carried no DATA".into())
        })?);
    }
    drop((client, server));
    Ok(sample)
}
