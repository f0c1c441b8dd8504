//! The workloads, identical for every stack: their parameters, the header lists, the bulk
//! payload pattern, the checks every stack runs on what it receives, and the [`Meter`]
//! that turns one run into a [`Sample`].

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::alloc_count;

/// The `user-agent` every request carries (a realistic desktop browser, ~70 bytes).
pub(crate) const USER_AGENT: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
/// The `accept` every request carries (~85 bytes).
pub(crate) const ACCEPT: &str =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
/// `:authority` of every request.
pub(crate) const AUTHORITY: &str = "example.com";

/// The regular (non-pseudo) request headers of W1, in order.
pub(crate) const REQUEST_HEADERS: [(&str, &str); 4] = [
    ("user-agent", USER_AGENT),
    ("accept", ACCEPT),
    ("accept-encoding", "gzip, deflate, br"),
    ("accept-language", "en-US,en;q=0.9"),
];

/// W3's 20 extra request headers, ~40 bytes each (name + value).
pub(crate) const EXTRA_HEADERS: [(&str, &str); 20] = [
    ("x-custom-header-01", "value-01-a1b2c3d4e5f6g7"),
    ("x-custom-header-02", "value-02-b2c3d4e5f6g7h8"),
    ("x-custom-header-03", "value-03-c3d4e5f6g7h8i9"),
    ("x-custom-header-04", "value-04-d4e5f6g7h8i9j0"),
    ("x-custom-header-05", "value-05-e5f6g7h8i9j0k1"),
    ("x-custom-header-06", "value-06-f6g7h8i9j0k1l2"),
    ("x-custom-header-07", "value-07-g7h8i9j0k1l2m3"),
    ("x-custom-header-08", "value-08-h8i9j0k1l2m3n4"),
    ("x-custom-header-09", "value-09-i9j0k1l2m3n4o5"),
    ("x-custom-header-10", "value-10-j0k1l2m3n4o5p6"),
    ("x-custom-header-11", "value-11-k1l2m3n4o5p6q7"),
    ("x-custom-header-12", "value-12-l2m3n4o5p6q7r8"),
    ("x-custom-header-13", "value-13-m3n4o5p6q7r8s9"),
    ("x-custom-header-14", "value-14-n4o5p6q7r8s9t0"),
    ("x-custom-header-15", "value-15-o5p6q7r8s9t0u1"),
    ("x-custom-header-16", "value-16-p6q7r8s9t0u1v2"),
    ("x-custom-header-17", "value-17-q7r8s9t0u1v2w3"),
    ("x-custom-header-18", "value-18-r8s9t0u1v2w3x4"),
    ("x-custom-header-19", "value-19-s9t0u1v2w3x4y5"),
    ("x-custom-header-20", "value-20-t0u1v2w3x4y5z6"),
];

/// The response body of W1 and W3.
pub(crate) const BODY: &[u8] = b"Hello, world!";
/// `content-length` of W1 and W3 responses.
pub(crate) const BODY_LEN_STR: &str = "13";
/// `content-type` of every response.
pub(crate) const CONTENT_TYPE: &str = "text/plain";
/// `:path` prefix of W1/W3 requests (`/resource/<i>`).
pub(crate) const PATH_PREFIX: &str = "/resource/";
/// `:path` of the W2 request.
pub(crate) const BULK_PATH: &str = "/bulk";

/// The number of streams the server allows at once (SETTINGS_MAX_CONCURRENT_STREAMS).
pub(crate) const SERVER_MAX_CONCURRENT_STREAMS: u32 = 100;

/// W1 and W3: many small GETs on one connection.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Requests {
    /// Requests to complete.
    pub(crate) total: usize,
    /// At most this many streams in flight at once.
    pub(crate) in_flight: usize,
    /// W3: add [`EXTRA_HEADERS`] to every request.
    pub(crate) extra_headers: bool,
}

impl Requests {
    /// Regular (non-pseudo) headers each request carries; the server checks the count.
    pub(crate) fn regular_header_count(&self) -> usize {
        REQUEST_HEADERS.len()
            + if self.extra_headers {
                EXTRA_HEADERS.len()
            } else {
                0
            }
    }

    /// The regular headers of every request, in order.
    pub(crate) fn regular_headers(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        let extra: &'static [(&'static str, &'static str)] = if self.extra_headers {
            &EXTRA_HEADERS
        } else {
            &[]
        };
        REQUEST_HEADERS.iter().chain(extra.iter()).copied()
    }
}

/// Writes `/resource/<i>` into `buf` (cleared first) without allocating once warm.
pub(crate) fn write_path(buf: &mut String, i: usize) {
    use std::fmt::Write as _;
    buf.clear();
    buf.push_str(PATH_PREFIX);
    // Writing to a String cannot fail.
    let _ = write!(buf, "{i}");
}

/// W2: one stream moving `total` bytes server -> client.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bulk {
    /// Payload bytes to move.
    pub(crate) total: u64,
    /// SETTINGS_MAX_FRAME_SIZE the client advertises (so the server's DATA frame size).
    pub(crate) max_frame_size: u32,
    /// Connection and stream receive window of the client (SETTINGS_INITIAL_WINDOW_SIZE and
    /// a connection WINDOW_UPDATE).
    pub(crate) window: u32,
}

/// `:path` of the W4 and TTFB downloads.
pub(crate) const MANY_PATH: &str = "/download";
/// `:path` of the TTFB urgent request.
pub(crate) const URGENT_PATH: &str = "/urgent";
/// The `priority` header (RFC 9218) of the TTFB urgent request.
pub(crate) const URGENT_PRIORITY: &str = "u=0";

/// W4 and TTFB (issue 18): `streams` concurrent GETs on one connection, all sent at once,
/// each answered with a `body`-byte response through the stack's buffered / pulled body
/// path.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Many {
    /// Downloads (all sent at once; at most [`SERVER_MAX_CONCURRENT_STREAMS`], counting
    /// the urgent one).
    pub(crate) streams: usize,
    /// Payload bytes of each download.
    pub(crate) body: u64,
    /// SETTINGS_MAX_FRAME_SIZE the client advertises.
    pub(crate) max_frame_size: u32,
    /// Connection and stream receive windows of the client, as in W2.
    pub(crate) window: u32,
    /// TTFB: one more GET, `priority: u=0`, once the downloads are under way.
    pub(crate) urgent: Option<Urgent>,
}

impl Many {
    /// Payload bytes of every response together.
    pub(crate) fn total(&self) -> u64 {
        self.streams as u64 * self.body + self.urgent.map_or(0, |u| u.body)
    }

    /// Responses to complete.
    pub(crate) fn responses(&self) -> usize {
        self.streams + usize::from(self.urgent.is_some())
    }
}

/// The TTFB case's urgent request.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Urgent {
    /// Payload bytes of its response.
    pub(crate) body: u64,
    /// The client sends it at the first point where it has received at least this many
    /// background payload bytes.
    pub(crate) after: u64,
}

/// Where the body of stream `stream_id` starts in the payload pattern (W4, TTFB): each
/// stream starts elsewhere, so a frame delivered on the wrong stream fails the check.
pub(crate) fn body_start(stream_id: u32) -> u64 {
    u64::from(stream_id / 2) * 4_099
}

/// What the TTFB client saw of its urgent request.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ttfb {
    /// Background payload bytes received before the urgent request was submitted.
    pub(crate) before_submit: u64,
    /// Background payload bytes received between submitting the urgent request and
    /// receiving the first byte of its body.
    pub(crate) background: u64,
    /// Wall time between the same two points.
    pub(crate) wall: Duration,
}

/// Length of the bulk payload pattern; payload byte at offset `o` is
/// `pattern()[o % PATTERN_LEN]`.
pub(crate) const PATTERN_LEN: usize = 1 << 20;

/// The bulk payload pattern (1 MiB of pseudo-random bytes, so misplaced data is caught).
pub(crate) fn pattern() -> &'static [u8] {
    static PATTERN: OnceLock<Vec<u8>> = OnceLock::new();
    PATTERN.get_or_init(|| {
        (0..PATTERN_LEN as u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect()
    })
}

/// Copies the payload bytes at `offset..offset + dst.len()` into `dst`.
pub(crate) fn fill_payload(offset: u64, dst: &mut [u8]) {
    let pat = pattern();
    let mut at = (offset % PATTERN_LEN as u64) as usize;
    let mut done = 0;
    while done < dst.len() {
        let n = (dst.len() - done).min(PATTERN_LEN - at);
        dst[done..done + n].copy_from_slice(&pat[at..at + n]);
        done += n;
        at = 0;
    }
}

/// Checks a received chunk that starts at payload `offset`: its first and last 8 bytes
/// against the pattern. Cheap enough not to distort GB/s, and any lost, duplicated or
/// misplaced frame fails it (together with the exact total byte count).
pub(crate) fn check_payload(offset: u64, chunk: &[u8]) -> bool {
    let pat = pattern();
    let at = |i: usize| pat[((offset + i as u64) % PATTERN_LEN as u64) as usize];
    let head = chunk.len().min(8);
    let tail_from = chunk.len().saturating_sub(8).max(head);
    (0..head).all(|i| chunk[i] == at(i)) && (tail_from..chunk.len()).all(|i| chunk[i] == at(i))
}

/// The payload bytes at `offset..offset + len` as slices of the pattern, in order (two
/// slices when the range wraps around the pattern's end). No copy: for senders that hand
/// the application's own memory to the transport (nghttp2's NO_COPY `send_data_callback`).
pub(crate) fn payload_slices(offset: u64, len: usize) -> impl Iterator<Item = &'static [u8]> {
    let pat = pattern();
    let mut at = (offset % PATTERN_LEN as u64) as usize;
    let mut left = len;
    std::iter::from_fn(move || {
        if left == 0 {
            return None;
        }
        let n = left.min(PATTERN_LEN - at);
        let slice = &pat[at..at + n];
        left -= n;
        at = 0;
        Some(slice)
    })
}

/// W2: payload bytes a sender moves per exchange at most (a socket send buffer's worth),
/// or one frame when frames are larger: ours sends that much before handing its output
/// over, nghttp2's NO_COPY callbacks pause there.
pub(crate) const EXCHANGE_BUDGET: usize = 256 << 10;

/// The copy limit for W2: `total` payload bytes copied from the pattern through one
/// reused `buf_len`-byte buffer (the W2 frame size, 16 KiB or 1 MiB; or one exchange's
/// worth, [`EXCHANGE_BUDGET`], where all of it is returned at once), with
/// [`fill_payload`], the very copy nghttp2's default data provider does into its frame
/// buffer in this bench. So the row is "one copy of every payload byte and nothing else",
/// which every copying stack has to pay at least once.
///
/// Kept honest: the buffer is written once before timing (its pages are faulted in and
/// not charged to the copy), and after every chunk `black_box` gets the buffer and the
/// offset, so the compiler can neither drop the copies (the buffer may be read) nor fold
/// them (the source position is opaque).
pub(crate) fn memcpy(total: u64, buf_len: usize) -> Sample {
    let mut buf = vec![0u8; buf_len];
    fill_payload(0, &mut buf);
    std::hint::black_box(&mut buf);
    let meter = Meter::start();
    let mut offset = 0u64;
    while offset < total {
        let n = (total - offset).min(buf.len() as u64) as usize;
        fill_payload(std::hint::black_box(offset), &mut buf[..n]);
        std::hint::black_box(&mut buf[..n]);
        offset += n as u64;
    }
    meter.stop(total)
}

/// Allocation calls counted around one kind of API call in a run.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CallCount {
    /// Calls made.
    pub(crate) calls: u64,
    /// Allocation calls (alloc, alloc_zeroed, realloc) made inside them.
    pub(crate) allocs: u64,
    /// Bytes they moved.
    pub(crate) bytes: u64,
}

impl CallCount {
    /// Adds one call that moved `bytes` and made `allocs` allocation calls.
    pub(crate) fn add(&mut self, bytes: usize, allocs: u64) {
        self.calls += 1;
        self.allocs += allocs;
        self.bytes += bytes as u64;
    }

    /// Allocation calls per call.
    pub(crate) fn per_call(&self) -> f64 {
        self.allocs as f64 / self.calls.max(1) as f64
    }
}

/// Allocation calls per output/input API call of our stack in a W2 run, counted in steady
/// state (from a few exchanges after the client has the response headers until the end).
/// "Down" is server -> client (the DATA frames), "up" client -> server (WINDOW_UPDATEs).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CallAllocs {
    /// The output and input functions counted, e.g. `("data_to_send()", "receive_data()")`.
    pub(crate) functions: (&'static str, &'static str),
    /// The server's output calls that returned bytes (`data_to_send`,
    /// `data_to_send_into` or `data_to_send_vectored`).
    pub(crate) down_send: CallCount,
    /// The client's input calls (`receive_data` or `receive_vectored`).
    pub(crate) down_recv: CallCount,
    /// The client's output calls that returned bytes.
    pub(crate) up_send: CallCount,
    /// The server's input calls.
    pub(crate) up_recv: CallCount,
    /// Output calls, either side, that found nothing to send.
    pub(crate) empty_send: CallCount,
}

/// One measured run of one workload on one stack.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sample {
    /// Wall time of the run.
    pub(crate) elapsed: Duration,
    /// Units of work done: requests for W1/W3, payload bytes for W2.
    pub(crate) work: u64,
    /// Allocation calls during the run (stack plus harness).
    pub(crate) allocs: u64,
    /// Highest heap bytes held above the start of the run.
    pub(crate) peak_bytes: usize,
    /// Heap bytes still held when the work was done, before the connection is dropped.
    pub(crate) held_bytes: usize,
    /// Per-call allocation counts, where a stack measures them (ours in W2).
    pub(crate) calls: Option<CallAllocs>,
    /// The TTFB case's figures.
    pub(crate) ttfb: Option<Ttfb>,
}

impl Sample {
    /// Work per second.
    pub(crate) fn rate(&self) -> f64 {
        self.work as f64 / self.elapsed.as_secs_f64()
    }
}

/// Measures one run: start it before setting up the connection, stop it when the work is
/// done and verified, before tearing the connection down.
pub(crate) struct Meter {
    start: Instant,
    base: alloc_count::Snapshot,
}

impl Meter {
    /// Starts timing and a new allocation peak window.
    pub(crate) fn start() -> Self {
        alloc_count::reset_peak();
        let base = alloc_count::snapshot();
        Meter {
            start: Instant::now(),
            base,
        }
    }

    /// Stops: `work` units were done.
    pub(crate) fn stop(self, work: u64) -> Sample {
        let elapsed = self.start.elapsed();
        let now = alloc_count::snapshot();
        Sample {
            elapsed,
            work,
            allocs: now.allocs - self.base.allocs,
            peak_bytes: alloc_count::peak().saturating_sub(self.base.current),
            held_bytes: now.current.saturating_sub(self.base.current),
            calls: None,
            ttfb: None,
        }
    }
}

/// Bytes held now above a starting snapshot (for idle-connection measurements).
pub(crate) fn held_since(base: &alloc_count::Snapshot) -> usize {
    alloc_count::snapshot().current.saturating_sub(base.current)
}

/// Why a stack produced no sample.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The stack or workload cannot run (yet); shown as "n/a", not an error.
    Unavailable(String),
    /// A run failed or a correctness check did not hold: the benchmark aborts.
    Failed(String),
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(err: E) -> Self {
        Failure::Failed(err.to_string())
    }
}

/// One benchmarked HTTP/2 stack.
pub(crate) trait Stack {
    /// Short name in the table.
    fn name(&self) -> &'static str;
    /// Runs W1 or W3.
    fn requests(&self, w: &Requests) -> Result<Sample, Failure>;
    /// Runs W2.
    fn bulk(&self, w: &Bulk) -> Result<Sample, Failure>;
    /// Heap bytes held by a client and a server connection, idle after the handshake
    /// (SETTINGS exchanged and acknowledged both ways).
    fn idle_pair_bytes(&self) -> Result<usize, Failure>;
    /// Heap bytes held per open stream: a client and a server connection after the
    /// handshake, then `streams` W1 GETs (END_STREAM on HEADERS) that the server has
    /// received but not answered, so every stream is open (half-closed) on both sides;
    /// (held bytes then - held bytes after the handshake) / `streams`.
    fn open_stream_bytes(&self, streams: usize) -> Result<usize, Failure>;
    /// Runs W4 or, with [`Many::urgent`], the TTFB case.
    fn many(&self, _w: &Many) -> Result<Sample, Failure> {
        Err(Failure::Unavailable(
            "W4 and TTFB are not implemented for this stack".into(),
        ))
    }
    /// A variant row that runs W2 only (another API path of a stack whose main row runs
    /// everything): W1/W3 and the idle/open-stream memory are not measured for it.
    fn bulk_only(&self) -> bool {
        false
    }
    /// A variant row that runs W4 only (another body path of a stack).
    fn many_only(&self) -> bool {
        false
    }
    /// A [`bulk_only`](Stack::bulk_only) variant row that runs W4 as well.
    fn many_variant(&self) -> bool {
        false
    }
}

/// The number of streams [`Stack::open_stream_bytes`] opens (the server's
/// SETTINGS_MAX_CONCURRENT_STREAMS).
pub(crate) const OPEN_STREAMS: usize = SERVER_MAX_CONCURRENT_STREAMS as usize;

/// W1's request parameters for `streams` requests all in flight at once.
pub(crate) fn open_streams_workload(streams: usize) -> Requests {
    Requests {
        total: streams,
        in_flight: streams,
        extra_headers: false,
    }
}
