//! nghttp2 (the C library, bundled and built by `libnghttp2-sys`) as a benchmark peer.
//!
//! A client session and a server session live in this process; [`pump`] moves bytes
//! between them with `nghttp2_session_mem_send2` / `nghttp2_session_mem_recv2`: every
//! buffer one session produces is handed straight to the other, with no copy in between.
//!
//! W2 runs in three [`DataMode`]s of the server's data provider (issue "Performance II"):
//!
//! - [`DataMode::Copy`], row "nghttp2 (default)", also the row W1 and W3 run on: the read
//!   callback copies the payload into nghttp2's frame buffer (`fill_payload`), `mem_send2`
//!   returns that frame and the client's `mem_recv2` reads it in place. One copy of every
//!   payload byte. (A real application would copy once more, `mem_send2`'s buffer into
//!   the socket; in memory that copy is skipped, as it is for every stack here.)
//! - [`DataMode::NoCopyBuffered`], row "nghttp2 (NO_COPY, 1 copy)", W2 only: the read
//!   callback sets `NGHTTP2_DATA_FLAG_NO_COPY` and copies nothing; nghttp2 then calls the
//!   registered `send_data_callback`, which appends the 9-byte frame header and the
//!   payload (copied from the pattern) to a [`Wire`] buffer, the application's socket
//!   buffer; [`transfer`] hands that buffer to the client's `mem_recv2` in one call. One
//!   copy of every payload byte, into the buffer the peer reads.
//! - [`DataMode::NoCopyVectored`], row "nghttp2 (NO_COPY, writev)", W2 only: as above, but
//!   the `send_data_callback` queues an iovec-like list: the 9 header bytes (copied, as a
//!   `writev` caller keeps them in its own array) and the payload as pointers into the
//!   pattern, the application's own memory; [`transfer`] hands each piece to the client's
//!   `mem_recv2` in turn (the reader of a `writev`). No payload byte is copied, the same
//!   as "ours (zero-copy API)".
//!
//! In both NO_COPY modes the callback returns `NGHTTP2_ERR_PAUSE` once [`WIRE_BUDGET`]
//! bytes are queued (a full socket send buffer), so at most about that much is in flight,
//! as in our harness; `mem_send2` then returns and [`transfer`] delivers the queue before
//! anything `mem_send2` returns later, keeping the wire order.
//! W4 and TTFB (issue 18, [`run_many`]) run on the default data provider only. The
//! server sends SETTINGS_NO_RFC7540_PRIORITIES = 1, as an RFC 9218 server does; libnghttp2
//! 1.68 needs nothing else to honour the `priority` request header (it has no RFC 7540
//! priority tree any more and no `nghttp2_option_set_no_rfc7540_priorities`: with HTTP
//! messaging on, the default, a server session parses the header and schedules DATA by
//! urgency). Tried while writing this: without the setting the TTFB figures are the same.
//! The application side is written against the C callbacks API the way an nghttp2 user
//! writes it: header/data/close callbacks on the client, a request-complete callback that
//! submits the response with a data provider on the server.
//!
//! All memory nghttp2 allocates goes through an `nghttp2_mem` that forwards to Rust's
//! global allocator, so the counting allocator sees nghttp2 exactly as it sees the Rust
//! stacks.
//!
//! This is the only `unsafe` in the benchmark: FFI calls and the `extern "C"` callbacks.
//! xtask is a binary, not a library crate, so the project's `forbid(unsafe_code)` rule for
//! library crates does not apply; the unsafety is kept inside this file. The invariants:
//! every session is created and deleted by [`Session`], callbacks receive `user_data`
//! pointing at a context that outlives the session (it is a local of the calling function
//! and the session is dropped first), and every pointer/length pair nghttp2 hands to a
//! callback is valid for the duration of that callback.

use std::alloc::{self, Layout};
use std::os::raw::{c_int, c_void};
use std::ptr;
use std::time::Instant;

use libnghttp2_sys as ng;

use super::alloc_count;
use super::workload::{
    self, Bulk, Failure, Many, Meter, Requests, Sample, Stack, Ttfb, AUTHORITY, BODY, BODY_LEN_STR,
    BULK_PATH, CONTENT_TYPE, MANY_PATH, PATH_PREFIX, REQUEST_HEADERS,
    SERVER_MAX_CONCURRENT_STREAMS, URGENT_PATH, URGENT_PRIORITY,
};

/// How the server's data provider hands DATA payloads to nghttp2 (see the module docs).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum DataMode {
    /// The read callback copies into nghttp2's buffer.
    Copy,
    /// NO_COPY; `send_data_callback` appends header + payload to a socket buffer.
    NoCopyBuffered,
    /// NO_COPY; `send_data_callback` queues header + payload pointers (writev).
    NoCopyVectored,
}

/// The nghttp2 stack with one [`DataMode`].
pub(crate) struct Nghttp2(pub(crate) DataMode);

impl Stack for Nghttp2 {
    fn name(&self) -> &'static str {
        match self.0 {
            DataMode::Copy => "nghttp2 (default)",
            DataMode::NoCopyBuffered => "nghttp2 (NO_COPY, 1 copy)",
            DataMode::NoCopyVectored => "nghttp2 (NO_COPY, writev)",
        }
    }

    fn requests(&self, w: &Requests) -> Result<Sample, Failure> {
        run_requests(w)
    }

    fn bulk(&self, w: &Bulk) -> Result<Sample, Failure> {
        run_bulk(w, self.0)
    }

    fn bulk_only(&self) -> bool {
        self.0 != DataMode::Copy
    }

    fn many(&self, w: &Many) -> Result<Sample, Failure> {
        run_many(w)
    }

    fn idle_pair_bytes(&self) -> Result<usize, Failure> {
        let base = alloc_count::snapshot();
        let mut cctx = ClientCtx::new(Mode::Requests);
        let mut sctx = ServerCtx::new(Mode::Requests, 0);
        let client = Session::client(&mut cctx)?;
        let server = Session::server(&mut sctx)?;
        client.submit_settings(&[])?;
        server.submit_settings(&[(
            ng::NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS,
            SERVER_MAX_CONCURRENT_STREAMS,
        )])?;
        while pump(&client, &server)? {}
        cctx.take_error()?;
        sctx.take_error()?;
        let held = workload::held_since(&base);
        drop((client, server));
        Ok(held)
    }

    fn open_stream_bytes(&self, streams: usize) -> Result<usize, Failure> {
        open_streams(streams)
    }
}

// ---------------------------------------------------------------------------------------
// Memory: nghttp2's allocator hooks, forwarding to Rust's global (counting) allocator.
// C's free() and realloc() do not pass the block size, so each block carries it in a
// 16-byte header in front of the pointer handed to nghttp2 (16 keeps max_align_t).

const HEADER: usize = 16;

fn block_layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.checked_add(HEADER)?, HEADER).ok()
}

unsafe fn raw_alloc(size: usize, zeroed: bool) -> *mut c_void {
    let Some(layout) = block_layout(size) else {
        return ptr::null_mut();
    };
    // SAFETY: the layout has a non-zero size (at least HEADER bytes).
    let base = unsafe {
        if zeroed {
            alloc::alloc_zeroed(layout)
        } else {
            alloc::alloc(layout)
        }
    };
    if base.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: base is valid for HEADER + size bytes and 16-aligned.
    unsafe {
        base.cast::<usize>().write(size);
        base.add(HEADER).cast()
    }
}

unsafe extern "C" fn mem_malloc(size: usize, _: *mut c_void) -> *mut c_void {
    // SAFETY: see raw_alloc.
    unsafe { raw_alloc(size, false) }
}

unsafe extern "C" fn mem_calloc(nmemb: usize, size: usize, _: *mut c_void) -> *mut c_void {
    match nmemb.checked_mul(size) {
        // SAFETY: see raw_alloc.
        Some(total) => unsafe { raw_alloc(total, true) },
        None => ptr::null_mut(),
    }
}

unsafe extern "C" fn mem_free(p: *mut c_void, _: *mut c_void) {
    if p.is_null() {
        return;
    }
    // SAFETY: p came from raw_alloc/mem_realloc, so the header sits HEADER bytes before it
    // and holds the size the block was allocated with.
    unsafe {
        let base = p.cast::<u8>().sub(HEADER);
        let size = base.cast::<usize>().read();
        alloc::dealloc(base, block_layout(size).unwrap_unchecked());
    }
}

unsafe extern "C" fn mem_realloc(p: *mut c_void, size: usize, _: *mut c_void) -> *mut c_void {
    if p.is_null() {
        // SAFETY: see raw_alloc.
        return unsafe { raw_alloc(size, false) };
    }
    if size == 0 {
        // SAFETY: see mem_free.
        unsafe { mem_free(p, ptr::null_mut()) };
        return ptr::null_mut();
    }
    if block_layout(size).is_none() {
        return ptr::null_mut();
    }
    // SAFETY: as in mem_free for the old block; the new size (plus header) was checked to
    // form a valid layout with the same alignment.
    unsafe {
        let base = p.cast::<u8>().sub(HEADER);
        let old = base.cast::<usize>().read();
        let new = alloc::realloc(base, block_layout(old).unwrap_unchecked(), size + HEADER);
        if new.is_null() {
            return ptr::null_mut();
        }
        new.cast::<usize>().write(size);
        new.add(HEADER).cast()
    }
}

fn mem() -> ng::nghttp2_mem {
    ng::nghttp2_mem {
        mem_user_data: ptr::null_mut(),
        malloc: Some(mem_malloc),
        free: Some(mem_free),
        calloc: Some(mem_calloc),
        realloc: Some(mem_realloc),
    }
}

// ---------------------------------------------------------------------------------------
// Sessions.

/// Owns one `nghttp2_session`.
struct Session(*mut ng::nghttp2_session);

impl Session {
    fn client(ctx: &mut ClientCtx) -> Result<Self, Failure> {
        // SAFETY: the callbacks object is created, filled and deleted here; nghttp2 copies
        // it (and `mem`) into the session. `ctx` outlives the session (see module docs).
        unsafe {
            let mut cbs = ptr::null_mut();
            check(ng::nghttp2_session_callbacks_new(&mut cbs), "callbacks_new")?;
            ng::nghttp2_session_callbacks_set_on_header_callback(cbs, Some(client_on_header));
            ng::nghttp2_session_callbacks_set_on_data_chunk_recv_callback(
                cbs,
                Some(client_on_data),
            );
            ng::nghttp2_session_callbacks_set_on_stream_close_callback(cbs, Some(client_on_close));
            let mut session = ptr::null_mut();
            let mut mem = mem();
            let rv = ng::nghttp2_session_client_new3(
                &mut session,
                cbs,
                (ctx as *mut ClientCtx).cast(),
                ptr::null(),
                &mut mem,
            );
            ng::nghttp2_session_callbacks_del(cbs);
            check(rv, "session_client_new3")?;
            Ok(Session(session))
        }
    }

    fn server(ctx: &mut ServerCtx) -> Result<Self, Failure> {
        // SAFETY: as in `client`.
        unsafe {
            let mut cbs = ptr::null_mut();
            check(ng::nghttp2_session_callbacks_new(&mut cbs), "callbacks_new")?;
            ng::nghttp2_session_callbacks_set_on_begin_headers_callback(
                cbs,
                Some(server_on_begin_headers),
            );
            ng::nghttp2_session_callbacks_set_on_header_callback(cbs, Some(server_on_header));
            ng::nghttp2_session_callbacks_set_on_frame_recv_callback(
                cbs,
                Some(server_on_frame_recv),
            );
            // Without this nghttp2 never sends DATA frames above 16 KiB, whatever the peer
            // allows: it is how an nghttp2 application opts into larger frames.
            ng::nghttp2_session_callbacks_set_data_source_read_length_callback2(
                cbs,
                Some(server_read_length),
            );
            // Called for the DATA frames the read callback marks NO_COPY (only in the
            // NO_COPY modes; registering it changes nothing for the others).
            ng::nghttp2_session_callbacks_set_send_data_callback(cbs, Some(server_send_data));
            let mut session = ptr::null_mut();
            let mut mem = mem();
            let rv = ng::nghttp2_session_server_new3(
                &mut session,
                cbs,
                (ctx as *mut ServerCtx).cast(),
                ptr::null(),
                &mut mem,
            );
            ng::nghttp2_session_callbacks_del(cbs);
            check(rv, "session_server_new3")?;
            Ok(Session(session))
        }
    }

    fn submit_settings(&self, settings: &[(ng::nghttp2_settings_id, u32)]) -> Result<(), Failure> {
        let iv: Vec<ng::nghttp2_settings_entry> = settings
            .iter()
            .map(|&(id, value)| ng::nghttp2_settings_entry {
                settings_id: id as i32,
                value,
            })
            .collect();
        // SAFETY: iv is a valid array of iv.len() entries; nghttp2 copies it.
        let rv = unsafe {
            ng::nghttp2_submit_settings(self.0, ng::NGHTTP2_FLAG_NONE as u8, iv.as_ptr(), iv.len())
        };
        check(rv, "submit_settings")
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // SAFETY: the session was created by nghttp2_session_*_new3 and is deleted once.
        unsafe { ng::nghttp2_session_del(self.0) }
    }
}

/// The bulk workloads' SETTINGS: the client's windows (stream and connection) and frame
/// size, the server's stream limit and window, and with `extensible_priorities`
/// SETTINGS_NO_RFC7540_PRIORITIES (RFC 9218) from the server.
fn bulk_settings(
    client: &Session,
    server: &Session,
    window: u32,
    max_frame_size: u32,
    extensible_priorities: bool,
) -> Result<(), Failure> {
    client.submit_settings(&[
        (ng::NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, window),
        (ng::NGHTTP2_SETTINGS_MAX_FRAME_SIZE, max_frame_size),
    ])?;
    // The connection window is not a setting: raise it to `window` (a WINDOW_UPDATE).
    // nghttp2's automatic window update then returns window as the client consumes data.
    // SAFETY: plain call on a live session.
    let rv = unsafe {
        ng::nghttp2_session_set_local_window_size(
            client.0,
            ng::NGHTTP2_FLAG_NONE as u8,
            0,
            window as i32,
        )
    };
    check(rv, "set_local_window_size")?;
    let mut settings = vec![
        (
            ng::NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS,
            SERVER_MAX_CONCURRENT_STREAMS,
        ),
        (ng::NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, window),
    ];
    if extensible_priorities {
        settings.push((ng::NGHTTP2_SETTINGS_NO_RFC7540_PRIORITIES, 1));
    }
    server.submit_settings(&settings)
}

fn check(rv: c_int, what: &str) -> Result<(), Failure> {
    if rv == 0 {
        Ok(())
    } else {
        Err(Failure::Failed(format!("nghttp2 {what}: error {rv}")))
    }
}

/// Moves every pending byte client -> server, then server -> client, each buffer straight
/// from `mem_send2` into the peer's `mem_recv2`. Returns whether anything moved. `wire`
/// is the server's [`Wire`] (what its NO_COPY `send_data_callback` wrote), or null.
fn pump(client: &Session, server: &Session) -> Result<bool, Failure> {
    pump_wire(client, server, ptr::null_mut())
}

/// [`pump`] with the server's [`Wire`]: `wire` points into the `ServerCtx` the server
/// session's callbacks use, and is only dereferenced between calls into nghttp2.
fn pump_wire(client: &Session, server: &Session, wire: *mut Wire) -> Result<bool, Failure> {
    Ok(transfer(client, server, ptr::null_mut())? | transfer(server, client, wire)?)
}

fn transfer(from: &Session, to: &Session, wire: *mut Wire) -> Result<bool, Failure> {
    let mut moved = false;
    loop {
        let mut data = ptr::null();
        // SAFETY: mem_send2 stores a pointer to `n` bytes owned by `from`, valid until the
        // next call on `from`; `to` consumes them before that.
        let n = unsafe { ng::nghttp2_session_mem_send2(from.0, &mut data) };
        if n < 0 {
            return Err(Failure::Failed(format!("nghttp2 mem_send2: error {n}")));
        }
        // What the send_data_callback wrote during this mem_send2 comes before the frame
        // mem_send2 returned (nghttp2 builds that frame after the NO_COPY frame is sent).
        // SAFETY: no call into `from` is running, so nothing else touches the Wire now.
        let wired = !wire.is_null() && unsafe { (*wire).flush(to)? };
        if n == 0 && !wired {
            return Ok(moved);
        }
        moved = true;
        if n > 0 {
            recv(to, data, n as usize)?;
        }
    }
}

/// Moves `from`'s output to `to` frame by frame, as [`transfer`] does, until at least
/// `budget` bytes moved or nothing is left: a write loop that stops when the socket
/// buffer is full. Returns whether anything moved.
fn transfer_up_to(from: &Session, to: &Session, budget: usize) -> Result<bool, Failure> {
    let mut moved = 0;
    while moved < budget {
        let mut data = ptr::null();
        // SAFETY: as in transfer.
        let n = unsafe { ng::nghttp2_session_mem_send2(from.0, &mut data) };
        if n < 0 {
            return Err(Failure::Failed(format!("nghttp2 mem_send2: error {n}")));
        }
        if n == 0 {
            break;
        }
        recv(to, data, n as usize)?;
        moved += n as usize;
    }
    Ok(moved > 0)
}

/// Hands `len` bytes at `data` to `to`'s `mem_recv2`, which must consume them all.
fn recv(to: &Session, data: *const u8, len: usize) -> Result<(), Failure> {
    // SAFETY: the callers pass pointers valid for `len` bytes for the duration of the call.
    let used = unsafe { ng::nghttp2_session_mem_recv2(to.0, data, len) };
    if used != len as ng::nghttp2_ssize {
        return Err(Failure::Failed(format!(
            "nghttp2 mem_recv2: consumed {used} of {len} bytes"
        )));
    }
    Ok(())
}

/// Bytes queued by the NO_COPY `send_data_callback` before [`transfer`] delivers them:
/// the application's socket buffer (or its iovec list).
struct Wire {
    mode: DataMode,
    /// [`DataMode::NoCopyBuffered`]: frame headers and payloads, copied in.
    buf: Vec<u8>,
    /// [`DataMode::NoCopyVectored`]: the pieces of a `writev`, in order.
    pieces: Vec<Piece>,
    /// Bytes queued in either.
    queued: usize,
}

/// One `writev` element of [`DataMode::NoCopyVectored`].
enum Piece {
    /// A DATA frame header (the 9 bytes nghttp2 serialized, copied out of the callback).
    Header([u8; 9]),
    /// Payload bytes, pointing into the application's memory (the static pattern).
    Payload(&'static [u8]),
}

/// Bytes queued before the `send_data_callback` pauses `mem_send2` (a socket send
/// buffer's worth; the same budget as ours' `WRITE_BUDGET`).
const WIRE_BUDGET: usize = workload::EXCHANGE_BUDGET;

impl Wire {
    fn new(mode: DataMode) -> Self {
        Wire {
            mode,
            buf: Vec::new(),
            pieces: Vec::new(),
            queued: 0,
        }
    }

    /// Queues one DATA frame: header, then `len` payload bytes at payload `offset`.
    /// Returns whether the budget is reached.
    fn push_frame(&mut self, header: [u8; 9], offset: u64, len: usize) -> bool {
        match self.mode {
            DataMode::NoCopyBuffered => {
                self.buf.extend_from_slice(&header);
                for slice in workload::payload_slices(offset, len) {
                    self.buf.extend_from_slice(slice);
                }
            }
            _ => {
                self.pieces.push(Piece::Header(header));
                self.pieces
                    .extend(workload::payload_slices(offset, len).map(Piece::Payload));
            }
        }
        self.queued += header.len() + len;
        self.queued >= WIRE_BUDGET
    }

    /// Delivers everything queued to `to`; returns whether there was anything.
    fn flush(&mut self, to: &Session) -> Result<bool, Failure> {
        if self.queued == 0 {
            return Ok(false);
        }
        if !self.buf.is_empty() {
            recv(to, self.buf.as_ptr(), self.buf.len())?;
            self.buf.clear();
        }
        for piece in self.pieces.drain(..) {
            match piece {
                Piece::Header(header) => recv(to, header.as_ptr(), header.len())?,
                Piece::Payload(payload) => recv(to, payload.as_ptr(), payload.len())?,
            }
        }
        self.queued = 0;
        Ok(true)
    }
}

// ---------------------------------------------------------------------------------------
// Application state shared with the callbacks.

#[derive(Clone, Copy)]
enum Mode {
    Requests,
    Bulk {
        total: u64,
    },
    /// W4 / TTFB: `body` bytes per download, `urgent_body` for the urgent request.
    Many {
        body: u64,
        urgent_body: u64,
    },
}

/// Slots for streams in flight: client stream ids are consecutive odd numbers and at most
/// 100 are open, so `(id / 2) % SLOTS` is unique among open streams.
const SLOTS: usize = 128;

fn slot_of(stream_id: i32) -> usize {
    (stream_id as usize / 2) % SLOTS
}

#[derive(Clone, Copy, Default)]
struct ClientSlot {
    status_ok: bool,
    received: u64,
}

struct ClientCtx {
    mode: Mode,
    slots: [ClientSlot; SLOTS],
    in_flight: usize,
    completed: usize,
    /// TTFB: the urgent stream (0 until submitted), when it was submitted and the
    /// background bytes received by then.
    urgent: i32,
    submitted: Option<(Instant, u64)>,
    /// W4 / TTFB: background payload bytes received so far.
    background: u64,
    /// TTFB: set at the urgent stream's first DATA byte.
    ttfb: Option<Ttfb>,
    error: Option<String>,
}

impl ClientCtx {
    fn new(mode: Mode) -> Self {
        ClientCtx {
            mode,
            slots: [ClientSlot::default(); SLOTS],
            in_flight: 0,
            completed: 0,
            urgent: 0,
            submitted: None,
            background: 0,
            ttfb: None,
            error: None,
        }
    }

    fn take_error(&mut self) -> Result<(), Failure> {
        match self.error.take() {
            Some(e) => Err(Failure::Failed(format!("nghttp2 client: {e}"))),
            None => Ok(()),
        }
    }

    fn fail(&mut self, msg: String) -> c_int {
        self.error.get_or_insert(msg);
        ng::NGHTTP2_ERR_CALLBACK_FAILURE
    }
}

#[derive(Clone, Copy, Default)]
struct ServerSlot {
    headers: usize,
    path_ok: bool,
    method_ok: bool,
    /// Payload bytes the read callback has handed to nghttp2 (or, NO_COPY, promised).
    sent: u64,
    /// NO_COPY: payload bytes the send_data_callback has written.
    wired: u64,
    /// TTFB: this is the urgent request (its `:path`).
    urgent: bool,
}

struct ServerCtx {
    mode: Mode,
    /// Regular headers each request must carry.
    expected_headers: usize,
    slots: [ServerSlot; SLOTS],
    /// `content-length` value of the responses.
    content_length: String,
    /// TTFB: `content-length` of the urgent response.
    urgent_content_length: String,
    /// Whether complete requests are answered; off for [`open_streams`], which keeps them
    /// open.
    respond: bool,
    /// Complete, valid requests received.
    requests: usize,
    /// How the read callback hands payloads over (W2; W1/W3 always copy).
    data_mode: DataMode,
    /// The NO_COPY modes' socket buffer.
    wire: Wire,
    error: Option<String>,
}

impl ServerCtx {
    fn new(mode: Mode, expected_headers: usize) -> Self {
        let (content_length, urgent_content_length) = match mode {
            Mode::Requests => (BODY_LEN_STR.to_string(), String::new()),
            Mode::Bulk { total } => (total.to_string(), String::new()),
            Mode::Many { body, urgent_body } => (body.to_string(), urgent_body.to_string()),
        };
        ServerCtx {
            mode,
            expected_headers,
            slots: [ServerSlot::default(); SLOTS],
            content_length,
            urgent_content_length,
            respond: true,
            requests: 0,
            data_mode: DataMode::Copy,
            wire: Wire::new(DataMode::Copy),
            error: None,
        }
    }

    fn take_error(&mut self) -> Result<(), Failure> {
        match self.error.take() {
            Some(e) => Err(Failure::Failed(format!("nghttp2 server: {e}"))),
            None => Ok(()),
        }
    }

    fn fail(&mut self, msg: String) -> c_int {
        self.error.get_or_insert(msg);
        ng::NGHTTP2_ERR_CALLBACK_FAILURE
    }
}

/// A header for nghttp2 to copy (no NO_COPY flags: nghttp2 copies names and values into
/// its own buffers when the frame is submitted, as a typical application lets it).
fn nv(name: &str, value: &str) -> ng::nghttp2_nv {
    ng::nghttp2_nv {
        name: name.as_ptr().cast_mut(),
        value: value.as_ptr().cast_mut(),
        namelen: name.len(),
        valuelen: value.len(),
        flags: ng::NGHTTP2_NV_FLAG_NONE as u8,
    }
}

/// # Safety
/// `p` must be valid for `len` bytes (or `len` must be 0).
unsafe fn bytes<'a>(p: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { std::slice::from_raw_parts(p, len) }
    }
}

// ---- client callbacks -----------------------------------------------------------------

unsafe extern "C" fn client_on_header(
    _session: *mut ng::nghttp2_session,
    frame: *const ng::nghttp2_frame,
    name: *const u8,
    namelen: usize,
    value: *const u8,
    valuelen: usize,
    _flags: u8,
    user_data: *mut c_void,
) -> c_int {
    // SAFETY: user_data is the ClientCtx given at session creation; frame, name and value
    // are valid for this callback.
    let (ctx, hd, name, value) = unsafe {
        (
            &mut *user_data.cast::<ClientCtx>(),
            (*frame).hd,
            bytes(name, namelen),
            bytes(value, valuelen),
        )
    };
    if name == b":status" {
        let slot = &mut ctx.slots[slot_of(hd.stream_id)];
        slot.status_ok = value == b"200";
        if !slot.status_ok {
            let msg = format!(
                "stream {}: status {}",
                hd.stream_id,
                String::from_utf8_lossy(value)
            );
            return ctx.fail(msg);
        }
    }
    0
}

unsafe extern "C" fn client_on_data(
    _session: *mut ng::nghttp2_session,
    _flags: u8,
    stream_id: i32,
    data: *const u8,
    len: usize,
    user_data: *mut c_void,
) -> c_int {
    // SAFETY: as in client_on_header.
    let (ctx, data) = unsafe { (&mut *user_data.cast::<ClientCtx>(), bytes(data, len)) };
    let mode = ctx.mode;
    let slot = &mut ctx.slots[slot_of(stream_id)];
    let at = slot.received;
    slot.received += len as u64;
    let ok = match mode {
        Mode::Requests => BODY.get(at as usize..slot.received as usize) == Some(data),
        Mode::Bulk { .. } => workload::check_payload(at, data),
        Mode::Many { .. } => {
            workload::check_payload(workload::body_start(stream_id as u32) + at, data)
        }
    };
    if !ok {
        return ctx.fail(format!("stream {stream_id}: wrong body bytes at {at}"));
    }
    if let Mode::Many { .. } = mode {
        if stream_id != ctx.urgent {
            ctx.background += len as u64;
        } else if let (None, Some((at, before))) = (ctx.ttfb, ctx.submitted) {
            ctx.ttfb = Some(Ttfb {
                before_submit: before,
                background: ctx.background - before,
                wall: at.elapsed(),
            });
        }
    }
    0
}

unsafe extern "C" fn client_on_close(
    _session: *mut ng::nghttp2_session,
    stream_id: i32,
    error_code: u32,
    user_data: *mut c_void,
) -> c_int {
    // SAFETY: as in client_on_header.
    let ctx = unsafe { &mut *user_data.cast::<ClientCtx>() };
    let expected = match ctx.mode {
        Mode::Requests => BODY.len() as u64,
        Mode::Bulk { total } => total,
        Mode::Many { urgent_body, .. } if stream_id == ctx.urgent => urgent_body,
        Mode::Many { body, .. } => body,
    };
    let slot = std::mem::take(&mut ctx.slots[slot_of(stream_id)]);
    if error_code != 0 || !slot.status_ok || slot.received != expected {
        return ctx.fail(format!(
            "stream {stream_id} closed with error {error_code}, status ok {}, {} of {expected} body bytes",
            slot.status_ok, slot.received
        ));
    }
    ctx.in_flight -= 1;
    ctx.completed += 1;
    0
}

// ---- server callbacks -----------------------------------------------------------------

unsafe extern "C" fn server_on_begin_headers(
    _session: *mut ng::nghttp2_session,
    frame: *const ng::nghttp2_frame,
    user_data: *mut c_void,
) -> c_int {
    // SAFETY: user_data is the ServerCtx given at session creation; frame is valid.
    let (ctx, hd) = unsafe { (&mut *user_data.cast::<ServerCtx>(), (*frame).hd) };
    ctx.slots[slot_of(hd.stream_id)] = ServerSlot::default();
    0
}

unsafe extern "C" fn server_on_header(
    _session: *mut ng::nghttp2_session,
    frame: *const ng::nghttp2_frame,
    name: *const u8,
    namelen: usize,
    value: *const u8,
    valuelen: usize,
    _flags: u8,
    user_data: *mut c_void,
) -> c_int {
    // SAFETY: as in server_on_begin_headers; name and value are valid for this callback.
    let (ctx, hd, name, value) = unsafe {
        (
            &mut *user_data.cast::<ServerCtx>(),
            (*frame).hd,
            bytes(name, namelen),
            bytes(value, valuelen),
        )
    };
    let mode = ctx.mode;
    let slot = &mut ctx.slots[slot_of(hd.stream_id)];
    match name {
        b":path" => {
            slot.path_ok = match mode {
                Mode::Requests => value.starts_with(PATH_PREFIX.as_bytes()),
                Mode::Bulk { .. } => value == BULK_PATH.as_bytes(),
                Mode::Many { .. } => {
                    slot.urgent = value == URGENT_PATH.as_bytes();
                    slot.urgent || value == MANY_PATH.as_bytes()
                }
            }
        }
        b":method" => slot.method_ok = value == b"GET",
        _ if name.first() == Some(&b':') => {}
        _ => slot.headers += 1,
    }
    0
}

unsafe extern "C" fn server_on_frame_recv(
    session: *mut ng::nghttp2_session,
    frame: *const ng::nghttp2_frame,
    user_data: *mut c_void,
) -> c_int {
    // SAFETY: as in server_on_begin_headers.
    let (ctx, hd) = unsafe { (&mut *user_data.cast::<ServerCtx>(), (*frame).hd) };
    let request_complete =
        hd.type_ == ng::NGHTTP2_HEADERS as u8 && hd.flags & ng::NGHTTP2_FLAG_END_STREAM as u8 != 0;
    if !request_complete {
        return 0;
    }
    let slot = ctx.slots[slot_of(hd.stream_id)];
    let expected_headers = match ctx.mode {
        Mode::Requests => ctx.expected_headers,
        Mode::Bulk { .. } => REQUEST_HEADERS.len(),
        // The urgent request also carries `priority`.
        Mode::Many { .. } => REQUEST_HEADERS.len() + usize::from(slot.urgent),
    };
    if !slot.path_ok || !slot.method_ok || slot.headers != expected_headers {
        return ctx.fail(format!(
            "stream {}: bad request (path ok {}, method ok {}, {} of {expected_headers} headers)",
            hd.stream_id, slot.path_ok, slot.method_ok, slot.headers
        ));
    }
    ctx.requests += 1;
    if !ctx.respond {
        return 0;
    }
    let content_length = if slot.urgent {
        &ctx.urgent_content_length
    } else {
        &ctx.content_length
    };
    let headers = [
        nv(":status", "200"),
        nv("content-type", CONTENT_TYPE),
        nv("content-length", content_length),
    ];
    let provider = ng::nghttp2_data_provider2 {
        source: ng::nghttp2_data_source {
            ptr: ptr::null_mut(),
        },
        read_callback: Some(server_read),
    };
    // SAFETY: headers and provider are valid for the call; nghttp2 copies both.
    let rv = unsafe {
        ng::nghttp2_submit_response2(
            session,
            hd.stream_id,
            headers.as_ptr(),
            headers.len(),
            &provider,
        )
    };
    if rv != 0 {
        return ctx.fail(format!("submit_response2: error {rv}"));
    }
    0
}

unsafe extern "C" fn server_read(
    _session: *mut ng::nghttp2_session,
    stream_id: i32,
    buf: *mut u8,
    length: usize,
    data_flags: *mut u32,
    _source: *mut ng::nghttp2_data_source,
    user_data: *mut c_void,
) -> ng::nghttp2_ssize {
    // SAFETY: user_data is the ServerCtx; buf is valid for `length` writable bytes and
    // data_flags for one write, for the duration of this callback.
    let (ctx, buf) = unsafe {
        (
            &mut *user_data.cast::<ServerCtx>(),
            std::slice::from_raw_parts_mut(buf, length),
        )
    };
    let mode = ctx.mode;
    let slot = &mut ctx.slots[slot_of(stream_id)];
    let total = match mode {
        Mode::Requests => BODY.len() as u64,
        Mode::Bulk { total } => total,
        Mode::Many { urgent_body, .. } if slot.urgent => urgent_body,
        Mode::Many { body, .. } => body,
    };
    let n = (total - slot.sent).min(length as u64) as usize;
    let no_copy = matches!(mode, Mode::Bulk { .. }) && ctx.data_mode != DataMode::Copy;
    match mode {
        _ if no_copy => {
            // The payload goes out in server_send_data.
            // SAFETY: see above.
            unsafe { *data_flags |= ng::NGHTTP2_DATA_FLAG_NO_COPY };
        }
        Mode::Requests => {
            let at = slot.sent as usize;
            buf[..n].copy_from_slice(&BODY[at..at + n]);
        }
        Mode::Bulk { .. } => workload::fill_payload(slot.sent, &mut buf[..n]),
        Mode::Many { .. } => workload::fill_payload(
            workload::body_start(stream_id as u32) + slot.sent,
            &mut buf[..n],
        ),
    }
    slot.sent += n as u64;
    if slot.sent == total {
        // SAFETY: see above.
        unsafe { *data_flags |= ng::NGHTTP2_DATA_FLAG_EOF };
    }
    n as ng::nghttp2_ssize
}

/// NO_COPY: writes one complete DATA frame "to the socket", the [`Wire`]: the 9-byte
/// header nghttp2 serialized, then the `length` payload bytes that follow what was written
/// before on this stream. No padding is configured, so there is none to write.
unsafe extern "C" fn server_send_data(
    _session: *mut ng::nghttp2_session,
    frame: *mut ng::nghttp2_frame,
    framehd: *const u8,
    length: usize,
    _source: *mut ng::nghttp2_data_source,
    user_data: *mut c_void,
) -> c_int {
    // SAFETY: user_data is the ServerCtx; frame is a DATA frame and framehd holds its 9
    // header bytes, both valid for the duration of this callback.
    let (ctx, hd, padlen, header) = unsafe {
        let mut header = [0u8; 9];
        header.copy_from_slice(bytes(framehd, 9));
        (
            &mut *user_data.cast::<ServerCtx>(),
            (*frame).hd,
            (*frame).data.padlen,
            header,
        )
    };
    if padlen != 0 {
        return ctx.fail(format!(
            "stream {}: unexpected padding {padlen}",
            hd.stream_id
        ));
    }
    let slot = &mut ctx.slots[slot_of(hd.stream_id)];
    let at = slot.wired;
    slot.wired += length as u64;
    let (wired, sent) = (slot.wired, slot.sent);
    if wired > sent {
        return ctx.fail(format!(
            "stream {}: send_data_callback past the read callback ({wired} > {sent})",
            hd.stream_id
        ));
    }
    if ctx.wire.push_frame(header, at, length) {
        // A full socket buffer: let mem_send2 return so the harness delivers it.
        ng::NGHTTP2_ERR_PAUSE
    } else {
        0
    }
}

unsafe extern "C" fn server_read_length(
    _session: *mut ng::nghttp2_session,
    _frame_type: u8,
    _stream_id: i32,
    session_remote_window_size: i32,
    stream_remote_window_size: i32,
    remote_max_frame_size: u32,
    _user_data: *mut c_void,
) -> ng::nghttp2_ssize {
    let window = session_remote_window_size
        .min(stream_remote_window_size)
        .max(0) as u32;
    window.min(remote_max_frame_size).max(1) as ng::nghttp2_ssize
}

// ---------------------------------------------------------------------------------------
// Workloads.

/// The W1/W3 request header list: pseudo-headers first, `:path` (index 3) rewritten per
/// request by [`submit_get`].
fn request_nv(w: &Requests) -> Vec<ng::nghttp2_nv> {
    let mut headers = vec![
        nv(":method", "GET"),
        nv(":scheme", "https"),
        nv(":authority", AUTHORITY),
        nv(":path", "/"),
    ];
    headers.extend(w.regular_headers().map(|(n, v)| nv(n, v)));
    headers
}

/// Submits request number `i` of [`request_nv`]'s list, END_STREAM on HEADERS.
fn submit_get(
    client: &Session,
    headers: &mut [ng::nghttp2_nv],
    path: &mut String,
    i: usize,
) -> Result<(), Failure> {
    workload::write_path(path, i);
    headers[3].value = path.as_ptr().cast_mut();
    headers[3].valuelen = path.len();
    // Every nv points at a &'static str or at `path`, alive for the call; nghttp2 copies
    // them.
    submit_nv(client, headers).map(|_| ())
}

fn run_requests(w: &Requests) -> Result<Sample, Failure> {
    let meter = Meter::start();
    let mut cctx = ClientCtx::new(Mode::Requests);
    let mut sctx = ServerCtx::new(Mode::Requests, w.regular_header_count());
    let client = Session::client(&mut cctx)?;
    let server = Session::server(&mut sctx)?;
    client.submit_settings(&[])?;
    server.submit_settings(&[(
        ng::NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS,
        SERVER_MAX_CONCURRENT_STREAMS,
    )])?;

    let mut path = String::with_capacity(32);
    let mut headers = request_nv(w);
    let mut next = 0;
    while cctx.completed < w.total {
        while cctx.in_flight < w.in_flight && next < w.total {
            submit_get(&client, &mut headers, &mut path, next)?;
            cctx.in_flight += 1;
            next += 1;
        }
        let moved = pump(&client, &server);
        cctx.take_error()?;
        sctx.take_error()?;
        if !moved? {
            return Err(Failure::Failed(format!(
                "nghttp2 stalled after {} of {} responses",
                cctx.completed, w.total
            )));
        }
    }
    let sample = meter.stop(w.total as u64);
    drop((client, server));
    Ok(sample)
}

fn run_bulk(w: &Bulk, data_mode: DataMode) -> Result<Sample, Failure> {
    let meter = Meter::start();
    let mode = Mode::Bulk { total: w.total };
    let mut cctx = ClientCtx::new(mode);
    let mut sctx = ServerCtx::new(mode, 0);
    sctx.data_mode = data_mode;
    sctx.wire = Wire::new(data_mode);
    if data_mode == DataMode::NoCopyBuffered {
        sctx.wire
            .buf
            .reserve(WIRE_BUDGET + w.max_frame_size as usize + 9);
    }
    let client = Session::client(&mut cctx)?;
    let server = Session::server(&mut sctx)?;
    bulk_settings(&client, &server, w.window, w.max_frame_size, false)?;

    let mut headers: Vec<ng::nghttp2_nv> = vec![
        nv(":method", "GET"),
        nv(":scheme", "https"),
        nv(":authority", AUTHORITY),
        nv(":path", BULK_PATH),
    ];
    headers.extend(workload::REQUEST_HEADERS.iter().map(|&(n, v)| nv(n, v)));
    // SAFETY: as in run_requests.
    let id = unsafe {
        ng::nghttp2_submit_request2(
            client.0,
            ptr::null(),
            headers.as_ptr(),
            headers.len(),
            ptr::null(),
            ptr::null_mut(),
        )
    };
    if id < 0 {
        return Err(Failure::Failed(format!("submit_request2: error {id}")));
    }
    cctx.in_flight = 1;
    while cctx.completed < 1 {
        let moved = pump_wire(&client, &server, ptr::addr_of_mut!(sctx.wire));
        cctx.take_error()?;
        sctx.take_error()?;
        if !moved? {
            return Err(Failure::Failed(format!(
                "nghttp2 bulk stalled after {} of {} bytes",
                cctx.slots[slot_of(id)].received,
                w.total
            )));
        }
    }
    let sample = meter.stop(w.total);
    drop((client, server));
    Ok(sample)
}

/// [`Stack::open_stream_bytes`]: `streams` GETs submitted by the client and received by
/// the server, which does not answer them.
fn open_streams(streams: usize) -> Result<usize, Failure> {
    let w = workload::open_streams_workload(streams);
    let mut cctx = ClientCtx::new(Mode::Requests);
    let mut sctx = ServerCtx::new(Mode::Requests, w.regular_header_count());
    sctx.respond = false;
    let client = Session::client(&mut cctx)?;
    let server = Session::server(&mut sctx)?;
    client.submit_settings(&[])?;
    server.submit_settings(&[(
        ng::NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS,
        SERVER_MAX_CONCURRENT_STREAMS,
    )])?;
    while pump(&client, &server)? {}
    cctx.take_error()?;
    sctx.take_error()?;

    let mut path = String::with_capacity(32);
    let mut headers = request_nv(&w);
    let base = alloc_count::snapshot();
    for i in 0..streams {
        submit_get(&client, &mut headers, &mut path, i)?;
        cctx.in_flight += 1;
    }
    loop {
        let moved = pump(&client, &server);
        cctx.take_error()?;
        sctx.take_error()?;
        if !moved? {
            break;
        }
    }
    if sctx.requests != streams || cctx.in_flight != streams {
        return Err(Failure::Failed(format!(
            "nghttp2: server received {} of {streams} requests, {} still open on the client",
            sctx.requests, cctx.in_flight
        )));
    }
    let held = workload::held_since(&base);
    drop((client, server));
    Ok(held / streams)
}

/// The server output W4/TTFB moves per round (then the client's output goes the other
/// way): ours' `WRITE_BATCH` (64 KiB), the most queued DATA one `data_to_send()` of ours
/// frames, so both stacks hand over about the same amount between two reads of the
/// client's requests and WINDOW_UPDATEs.
const ROUND_BUDGET: usize = h2_conn::WRITE_BATCH;

/// A W4/TTFB request header list for `path`.
fn many_nv(path: &'static str) -> Vec<ng::nghttp2_nv> {
    let mut headers: Vec<ng::nghttp2_nv> = vec![
        nv(":method", "GET"),
        nv(":scheme", "https"),
        nv(":authority", AUTHORITY),
        nv(":path", path),
    ];
    headers.extend(REQUEST_HEADERS.iter().map(|&(n, v)| nv(n, v)));
    headers
}

/// Submits a GET with `headers`, END_STREAM on HEADERS; returns its stream id.
fn submit_nv(client: &Session, headers: &[ng::nghttp2_nv]) -> Result<i32, Failure> {
    // SAFETY: the nvs point at memory alive for the call (nghttp2 copies them); no data
    // provider: END_STREAM on HEADERS.
    let id = unsafe {
        ng::nghttp2_submit_request2(
            client.0,
            ptr::null(),
            headers.as_ptr(),
            headers.len(),
            ptr::null(),
            ptr::null_mut(),
        )
    };
    if id < 0 {
        return Err(Failure::Failed(format!("submit_request2: error {id}")));
    }
    Ok(id)
}

/// W4 and TTFB on the default (copying) data provider: `w.streams` GETs submitted at
/// once, each answered with `nghttp2_submit_response2` and a read callback. Per round the
/// client's output goes to the server, then at most [`ROUND_BUDGET`] bytes (whole frames)
/// of the server's come back. The server sends SETTINGS_NO_RFC7540_PRIORITIES = 1; with
/// `w.urgent` the client adds a `priority: u=0` GET once it has received `after`
/// background bytes.
fn run_many(w: &Many) -> Result<Sample, Failure> {
    let meter = Meter::start();
    let mode = Mode::Many {
        body: w.body,
        urgent_body: w.urgent.map_or(0, |u| u.body),
    };
    let mut cctx = ClientCtx::new(mode);
    let mut sctx = ServerCtx::new(mode, REQUEST_HEADERS.len());
    let client = Session::client(&mut cctx)?;
    let server = Session::server(&mut sctx)?;
    bulk_settings(&client, &server, w.window, w.max_frame_size, true)?;

    let headers = many_nv(MANY_PATH);
    for _ in 0..w.streams {
        submit_nv(&client, &headers)?;
        cctx.in_flight += 1;
    }
    let mut urgent_headers = many_nv(URGENT_PATH);
    urgent_headers.push(nv("priority", URGENT_PRIORITY));
    while cctx.completed < w.responses() {
        if let Some(urgent) = w.urgent {
            if cctx.urgent == 0 && cctx.background >= urgent.after {
                cctx.urgent = submit_nv(&client, &urgent_headers)?;
                cctx.submitted = Some((Instant::now(), cctx.background));
                cctx.in_flight += 1;
            }
        }
        let moved = transfer(&client, &server, ptr::null_mut())
            .and_then(|up| Ok(transfer_up_to(&server, &client, ROUND_BUDGET)? | up));
        cctx.take_error()?;
        sctx.take_error()?;
        if !moved? {
            return Err(Failure::Failed(format!(
                "nghttp2 W4 stalled after {} of {} responses",
                cctx.completed,
                w.responses()
            )));
        }
    }
    let mut sample = meter.stop(w.total());
    if w.urgent.is_some() {
        sample.ttfb = Some(cctx.ttfb.ok_or_else(|| {
            Failure::Failed("nghttp2 TTFB: the urgent response carried no DATA".into())
        })?);
    }
    drop((client, server));
    Ok(sample)
}
