//! Our stack (`h2-conn`) in the benchmark, on two API paths (issue "Performance II": the
//! comparison with nghttp2 has to be like-for-like).
//!
//! A client [`Connection`] and a server [`Connection`] in this process; [`exchange`] moves
//! one side's output to the other's input through one of the [`Api`] paths:
//!
//! - [`Api::Plain`], row "ours (plain API)", the default row and the one W1 and W3 run on:
//!   `data_to_send()` (one `Bytes`) into `receive_data(&[u8])`. `data_to_send` flattens the
//!   queued frames into one new buffer (a copy of every DATA payload queued by reference)
//!   and `receive_data` copies its input into a new `Bytes`: each payload byte is copied
//!   twice and both calls allocate (measured, see [`CallAllocs`]).
//! - [`Api::PlainInto`], row "ours (plain API, 64 KiB into)", W2 only:
//!   `data_to_send_into(&mut [u8])` into a fixed, reused 64 KiB buffer (the application's
//!   socket write buffer), each fill handed to `receive_data(&[u8])`: again two copies per
//!   payload byte, no allocation on the sending side.
//! - [`Api::ZeroCopy`], row "ours (zero-copy API)", W2 only: `data_to_send_vectored()`
//!   chunks (DATA payloads are the sender's own `Bytes`, as `write_vectored` would take
//!   them) into `receive_into(Bytes, &mut Vec<Event>)` (DATA events are views of the
//!   input): no payload byte is ever copied. This was the only path before.
//!
//! The client sends requests with `send_headers` and reads `ResponseReceived` /
//! `DataReceived` / `StreamEnded`, returning window with `acknowledge_received_data` (the
//! default `HalfConsumed` policy decides when WINDOW_UPDATE goes out); the server answers
//! `RequestReceived` with `send_headers` + `send_data`, in W2 as the flow-control window
//! allows.

use bytes::Bytes;
use h2_conn::{Config, Connection, Event, HeaderField, SettingId, StreamId};

use super::alloc_count;
use super::workload::{
    self, Bulk, CallAllocs, Failure, Meter, Requests, Sample, Stack, AUTHORITY, BODY, BODY_LEN_STR,
    BULK_PATH, CONTENT_TYPE, PATH_PREFIX, PATTERN_LEN, REQUEST_HEADERS,
    SERVER_MAX_CONCURRENT_STREAMS,
};

/// How bytes leave one connection and enter the other.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Api {
    /// `data_to_send()` -> `receive_data(&[u8])`.
    Plain,
    /// `data_to_send_into(&mut [u8; 64 KiB])` -> `receive_data(&[u8])`.
    PlainInto,
    /// `data_to_send_vectored()` -> `receive_into(Bytes)`.
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
                    Api::Plain => ("data_to_send()", "receive_data()"),
                    Api::PlainInto => ("data_to_send_into()", "receive_data()"),
                    Api::ZeroCopy => ("data_to_send_vectored()", "receive_into()"),
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
fn deliver(
    from: &mut Connection,
    to: &mut Connection,
    pipe: &mut Pipe,
    dir: Direction,
) -> Result<bool, Failure> {
    match pipe.api {
        Api::Plain => {
            let before = alloc_count::snapshot().allocs;
            let out = from.data_to_send();
            pipe.sent(dir, out.len(), allocs_since(before));
            if out.is_empty() {
                return Ok(false);
            }
            let before = alloc_count::snapshot().allocs;
            let events = to.receive_data(&out)?;
            pipe.received(dir, out.len(), allocs_since(before));
            pipe.events.extend(events);
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
                pipe.events.extend(events);
            }
        }
        Api::ZeroCopy => {
            let before = alloc_count::snapshot().allocs;
            from.data_to_send_vectored(&mut pipe.chunks);
            let len = pipe.chunks.iter().map(Bytes::len).sum();
            pipe.sent(dir, len, allocs_since(before));
            let moved = !pipe.chunks.is_empty();
            let mut chunks = std::mem::take(&mut pipe.chunks);
            for chunk in chunks.drain(..) {
                let len = chunk.len();
                let before = alloc_count::snapshot().allocs;
                to.receive_into(chunk, &mut pipe.events)?;
                pipe.received(dir, len, allocs_since(before));
            }
            pipe.chunks = chunks;
            Ok(moved)
        }
    }
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
fn check_request(headers: &[HeaderField], path_ok: impl Fn(&[u8]) -> bool, regular: usize) -> bool {
    let mut method_ok = false;
    let mut path_seen = false;
    let mut count = 0;
    for field in headers {
        match &field.name[..] {
            b":method" => method_ok = field.value == "GET",
            b":path" => path_seen = path_ok(&field.value),
            name if name.first() == Some(&b':') => {}
            _ => count += 1,
        }
    }
    method_ok && path_seen && count == regular
}

fn status_ok(headers: &[HeaderField]) -> bool {
    headers
        .iter()
        .any(|f| f.name == ":status" && f.value == "200")
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
                    } => {
                        if !status_ok(&headers) {
                            return Err(Failure::Failed(format!(
                                "ours client: {stream_id:?}: {headers:?}"
                            )));
                        }
                        slots[slot_of(stream_id)].status_ok = true;
                    }
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
const WRITE_BUDGET: u64 = 256 << 10;

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
