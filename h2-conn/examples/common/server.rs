//! The example server's HTTP/2 logic, shared by `server` (std), `tokio_server` and
//! `tls_server`: a [`ServerConn`] owns one `Connection`. Feed it bytes with
//! [`ServerConn::receive`], write what [`ServerConn::data_to_send`] returns while
//! [`ServerConn::wants_write`], close when [`ServerConn::is_done`]. Response bodies are
//! queued on the connection (`queue_data`, `queue_source`), which frames them as the
//! client's windows open.
//!
//! Time is passed in: [`ServerConn::receive`] takes the time the bytes came, and the I/O
//! loop calls [`ServerConn::handle_timeout`] by [`ServerConn::poll_timeout`]. The
//! connection's timers ([`ServeOptions::timeouts`]) then send keep-alive PINGs and close
//! connections that are idle, or that never complete their preface (slowloris).

use super::blocking::Transport;
use super::http1;
use h2_conn::frame::SettingId;
use h2_conn::{
    BodySource, Bytes, Config, Connection, ErrorCode, Event, HeaderField, KeepAlive, Pull,
    StreamId, Timeouts,
};
use std::collections::HashMap;
use std::io;
use std::time::{Duration, Instant};

/// How the example servers serve a connection (from the command line, see [`args`]).
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// Log requests and connection ends to stderr.
    pub verbose: bool,
    /// The connection's timers: [`Timeouts::recommended`] (preface, header block and
    /// SETTINGS ACK 10 s, graceful shutdown 30 s), keep-alive PINGs after 30 s of quiet,
    /// and an idle timeout of 60 s without an open stream.
    pub timeouts: Timeouts,
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            verbose: false,
            timeouts: Timeouts {
                keep_alive: Some(KeepAlive::new(Duration::from_secs(30))),
                idle: Some(Duration::from_secs(60)),
                ..Timeouts::recommended()
            },
        }
    }
}

impl ServeOptions {
    /// The deadline for the first bytes of a connection (the HTTP/2 preface or an
    /// HTTP/1.1 request), the preface timeout from `start`; the same slowloris defence
    /// as the connection's own preface timer, before there is a connection.
    pub fn first_request_deadline(&self, start: Instant) -> Option<Instant> {
        self.timeouts.preface.map(|after| start + after)
    }

    /// The deadline for the next HTTP/1.1 request on a kept-alive connection: the idle
    /// timeout (or else the preface timeout) from `start`.
    pub fn next_request_deadline(&self, start: Instant) -> Option<Instant> {
        self.timeouts
            .idle
            .or(self.timeouts.preface)
            .map(|after| start + after)
    }
}

/// What `/` answers.
pub const HELLO: &str = "Hello from h2-sans-io!\n";
/// What `/trailers` answers before its trailers.
pub const TRAILERS_BODY: &str = "this body is followed by trailers\n";
/// The resource `/push` pushes.
pub const PUSHED_PATH: &str = "/pushed.txt";
/// Its body.
pub const PUSHED_BODY: &str = "pushed with PUSH_PROMISE\n";
/// What `/push` answers itself.
pub const PUSH_PAGE: &str = "this response came with a pushed /pushed.txt\n";

/// A response body.
#[derive(Debug, Clone)]
pub enum Body {
    /// Fixed bytes.
    Static(&'static str),
    /// `len` bytes of the `abc..z` pattern.
    Pattern(u64),
    /// The request body, as it arrives.
    Echo,
}

/// What the router decided.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Body,
    pub trailers: Option<Vec<HeaderField>>,
    /// Push this path (if the client allows push) before answering.
    pub push: Option<&'static str>,
}

impl Response {
    fn text(status: u16, body: &'static str) -> Response {
        Response {
            status,
            content_type: "text/plain",
            body: Body::Static(body),
            trailers: None,
            push: None,
        }
    }
}

/// The routes: `/`, `/echo`, `/bytes/N`, `/trailers`, `/push`, `/pushed.txt`, else 404.
pub fn route(method: &str, path: &str) -> Response {
    let path = path.split('?').next().unwrap_or_default();
    match path {
        "/" | "/index.html" => Response::text(200, HELLO),
        "/echo" => Response {
            content_type: "application/octet-stream",
            body: Body::Echo,
            ..Response::text(200, "")
        },
        "/trailers" => Response {
            trailers: Some(vec![
                HeaderField::new("x-trailer", "done"),
                HeaderField::new("x-body-length", TRAILERS_BODY.len().to_string()),
            ]),
            ..Response::text(200, TRAILERS_BODY)
        },
        "/push" => Response {
            push: Some(PUSHED_PATH),
            ..Response::text(200, PUSH_PAGE)
        },
        PUSHED_PATH => Response::text(200, PUSHED_BODY),
        _ => match path.strip_prefix("/bytes/").map(str::parse::<u64>) {
            Some(Ok(len)) => Response {
                content_type: "application/octet-stream",
                body: Body::Pattern(len),
                ..Response::text(200, "")
            },
            Some(Err(_)) => Response::text(400, "expected /bytes/NUMBER\n"),
            None if method == "GET" || method == "HEAD" || method == "POST" => {
                Response::text(404, "not found\n")
            }
            None => Response::text(405, "method not allowed\n"),
        },
    }
}

/// Length of the repeating `abc...z` pattern of generated bodies.
pub const PATTERN_PERIOD: usize = 26;
const PATTERN_LEN: usize = 16_384 + PATTERN_PERIOD;

const fn pattern() -> [u8; PATTERN_LEN] {
    let mut out = [0u8; PATTERN_LEN];
    let mut i = 0;
    while i < PATTERN_LEN {
        out[i] = b'a' + (i % PATTERN_PERIOD) as u8;
        i += 1;
    }
    out
}

/// `abcdefghijklmnopqrstuvwxyzabc...`: what `/bytes/N` sends, sliced without allocating.
static PATTERN: [u8; PATTERN_LEN] = pattern();

/// The body of `/bytes/N`, made as the connection asks for it: slices of [`PATTERN`].
pub struct PatternSource {
    sent: u64,
    remaining: u64,
    /// End the stream with the last octets (no trailers follow).
    last: bool,
}

impl PatternSource {
    /// `len` octets of the pattern; `last`: the body ends the stream.
    pub fn new(len: u64, last: bool) -> PatternSource {
        PatternSource {
            sent: 0,
            remaining: len,
            last,
        }
    }
}

impl BodySource for PatternSource {
    fn pull(&mut self, max: usize) -> Pull {
        let n = self
            .remaining
            .min((PATTERN_LEN - PATTERN_PERIOD).min(max) as u64) as usize;
        let offset = (self.sent % PATTERN_PERIOD as u64) as usize;
        self.sent += n as u64;
        self.remaining -= n as u64;
        let chunk = Bytes::from_static(&PATTERN[offset..offset + n]);
        match (self.remaining, self.last) {
            (0, true) => Pull::Last(chunk),
            (0, false) if n == 0 => Pull::Done,
            _ => Pull::Data(chunk),
        }
    }
}

/// The configuration of the example servers: room for many concurrent streams, and
/// bounded memory. `/echo` gives window back only once the echoed octets have been taken
/// for writing, so what a client can make us hold is what our windows let it send: at
/// most one stream window (256 KiB, the stream send buffer) per stream and one connection
/// window (1 MiB) in all, below the 2 MiB send buffer, so echoing is never refused.
///
/// `timeouts` go into [`Config::timeouts`].
pub fn config(timeouts: Timeouts) -> Config {
    let mut config = Config::server();
    config.timeouts = timeouts;
    config.set_local_setting(SettingId::MAX_CONCURRENT_STREAMS, 1024);
    config.set_local_setting(SettingId::INITIAL_WINDOW_SIZE, 256 * 1024);
    config.initial_connection_window = Some(1024 * 1024);
    config.max_stream_send_buffer = 256 * 1024;
    config.max_send_buffer = 2 * 1024 * 1024;
    config
}

/// A request whose body is still arriving.
struct InFlight {
    method: String,
    /// The response, decided on the request headers.
    response: Response,
    /// The response headers were sent already (echo streams its body back).
    started: bool,
}

impl InFlight {
    /// The request body goes back out as the response body.
    fn echoes(&self) -> bool {
        self.started && matches!(self.response.body, Body::Echo) && self.method != "HEAD"
    }
}

/// One HTTP/2 server connection: the `Connection` and per-stream state.
pub struct ServerConn {
    conn: Connection,
    requests: HashMap<StreamId, InFlight>,
    /// Echo streams: request octets queued back out and not yet acknowledged (their
    /// window is given back once they have been taken for writing).
    echo_unacked: HashMap<StreamId, u32>,
    /// The peer sent GOAWAY: finish the open streams, then close.
    peer_going_away: bool,
    /// h2c Upgrade: the HTTP/1.1 request (and its body) to answer on stream 1.
    upgrade_response: Option<(InFlight, Bytes)>,
    /// Log each request to stderr.
    pub verbose: bool,
}

impl ServerConn {
    /// A connection for a client that sent the HTTP/2 preface (prior knowledge, or TLS
    /// with ALPN `h2`), started at `now`.
    pub fn new(options: ServeOptions, now: Instant) -> ServerConn {
        let mut conn = Connection::new(config(options.timeouts));
        // The time first: the preface and SETTINGS ACK deadlines count from here.
        conn.set_now(now);
        conn.initiate_connection();
        ServerConn::with(conn, options)
    }

    fn with(conn: Connection, options: ServeOptions) -> ServerConn {
        ServerConn {
            conn,
            requests: HashMap::new(),
            echo_unacked: HashMap::new(),
            peer_going_away: false,
            upgrade_response: None,
            verbose: options.verbose,
        }
    }

    /// A connection upgraded from HTTP/1.1 (after `101 Switching Protocols` was written):
    /// the HTTP/1.1 request, body included, is answered on stream 1.
    pub fn upgraded(
        settings: &[u8],
        request: &http1::Request,
        options: ServeOptions,
        now: Instant,
    ) -> Result<ServerConn, String> {
        let mut conn = Connection::new(config(options.timeouts));
        conn.set_now(now);
        conn.initiate_upgrade_connection(Some(settings))
            .map_err(|e| format!("upgrade: {e}"))?;
        let mut server = ServerConn::with(conn, options);
        let flight = InFlight {
            method: request.method.clone(),
            response: route(&request.method, &request.path),
            started: false,
        };
        // The response waits for the client's preface and SETTINGS: some clients (curl
        // 7.x) cannot take more than a small buffer of HTTP/2 right after the 101.
        server.upgrade_response = Some((flight, Bytes::copy_from_slice(&request.body)));
        Ok(server)
    }

    /// Answers the upgraded HTTP/1.1 request on stream 1.
    fn answer_upgrade(&mut self) {
        let Some((mut flight, body)) = self.upgrade_response.take() else {
            return;
        };
        let one = StreamId::new(1);
        self.log(format_args!(
            "stream 1: {} (upgraded from HTTP/1.1)",
            flight.method
        ));
        self.start_response(one, &mut flight);
        if flight.echoes() {
            // At most http1::MAX_BODY (1 MiB): fits the send buffer of a new connection.
            if let Err(err) = self.conn.queue_data(one, body, true) {
                self.refuse_echo(one, err);
            }
        }
    }

    /// Handles bytes received at `now`: events are answered, bodies queued.
    pub fn receive(&mut self, now: Instant, data: &[u8]) {
        // The time first: a PING ACK's round trip, a header block left incomplete and
        // the keep-alive's "last heard from" are all stamped with it.
        self.conn.set_now(now);
        let events = match self.conn.receive_data(data) {
            Ok(events) => events,
            Err(_) => return, // closed already
        };
        for event in events {
            self.on_event(event);
        }
    }

    /// When the connection's next timer is due (keep-alive, idle, preface, ...).
    pub fn poll_timeout(&mut self) -> Option<Instant> {
        self.conn.poll_timeout()
    }

    /// Runs the timers due at `now`: a keep-alive PING to send, or a GOAWAY that ends the
    /// connection (idle, preface not completed, PING not answered).
    pub fn handle_timeout(&mut self, now: Instant) {
        for event in self.conn.handle_timeout(now) {
            self.on_event(event);
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::RequestReceived {
                stream_id, headers, ..
            } => {
                let text =
                    |v: Option<&[u8]>| String::from_utf8_lossy(v.unwrap_or_default()).into_owned();
                let (method, path) = (text(headers.method()), text(headers.path()));
                self.log(format_args!("stream {stream_id}: {method} {path}"));
                let mut flight = InFlight {
                    response: route(&method, &path),
                    method,
                    started: false,
                };
                if matches!(flight.response.body, Body::Echo) {
                    // Echo streams the body back as it arrives.
                    self.start_response(stream_id, &mut flight);
                }
                self.requests.insert(stream_id, flight);
            }
            Event::DataReceived {
                stream_id,
                data,
                flow_controlled_length,
                ..
            } => self.on_data(stream_id, data, flow_controlled_length),
            Event::StreamEnded { stream_id } => {
                if let Some(mut flight) = self.requests.remove(&stream_id) {
                    if flight.echoes() {
                        // The end goes out behind the echoed body.
                        if let Err(err) = self.conn.queue_data(stream_id, Bytes::new(), true) {
                            self.refuse_echo(stream_id, err);
                        }
                    } else if !flight.started {
                        self.start_response(stream_id, &mut flight);
                    }
                }
            }
            // The client's preface and SETTINGS arrived: answer an upgraded request.
            Event::RemoteSettingsChanged { .. } => self.answer_upgrade(),
            Event::StreamReset {
                stream_id,
                error_code,
                remote_reset,
            } => {
                self.log(format_args!(
                    "stream {stream_id} reset ({error_code:?}, by peer: {remote_reset})"
                ));
                self.requests.remove(&stream_id);
                // Its queued echo is dropped: give the window back.
                if let Some(unacked) = self.echo_unacked.remove(&stream_id) {
                    let _ = self.conn.acknowledge_received_data(unacked, stream_id);
                }
            }
            Event::ConnectionTerminated {
                error_code,
                remote,
                additional_data,
                ..
            } => {
                self.log(format_args!(
                    "connection terminated ({error_code:?}, by peer: {remote}): {}",
                    String::from_utf8_lossy(&additional_data)
                ));
                if remote {
                    self.peer_going_away = true;
                }
            }
            _ => {}
        }
    }

    /// Request body octets: echoed, or dropped. The window we give back is the room we
    /// have: dropped octets (and padding) are acknowledged at once, echoed octets once
    /// they have been taken for writing (see [`data_to_send`](ServerConn::data_to_send)).
    fn on_data(&mut self, id: StreamId, data: Bytes, flow_controlled_length: u32) {
        let echoes = self.requests.get(&id).is_some_and(InFlight::echoes);
        let len = data.len() as u32;
        let ack_now = if echoes {
            flow_controlled_length - len
        } else {
            flow_controlled_length
        };
        let _ = self.conn.acknowledge_received_data(ack_now, id);
        if !echoes || data.is_empty() {
            return;
        }
        match self.conn.queue_data(id, data, false) {
            Ok(()) => *self.echo_unacked.entry(id).or_default() += len,
            Err(err) => {
                let _ = self.conn.acknowledge_received_data(len, id);
                self.refuse_echo(id, err);
            }
        }
    }

    /// The config above keeps this from happening; if it does, the stream is reset.
    fn refuse_echo(&mut self, id: StreamId, err: h2_conn::UserError) {
        eprintln!("[h2] stream {id}: echo refused ({err}); resetting the stream");
        self.requests.remove(&id);
        if let Some(unacked) = self.echo_unacked.remove(&id) {
            let _ = self.conn.acknowledge_received_data(unacked, id);
        }
        let _ = self.conn.reset_stream(id, ErrorCode::INTERNAL_ERROR);
    }

    /// Sends the response headers (and the push promise, and the body or its start).
    fn start_response(&mut self, id: StreamId, flight: &mut InFlight) {
        flight.started = true;
        let response = flight.response.clone();
        if let Some(path) = response.push {
            self.push(id, path);
        }
        let mut headers = vec![
            HeaderField::new(":status", response.status.to_string()),
            HeaderField::new("content-type", response.content_type),
            HeaderField::new("server", "h2-sans-io-example"),
        ];
        let length = match response.body {
            Body::Static(s) => Some(s.len() as u64),
            Body::Pattern(n) => Some(n),
            Body::Echo => None,
        };
        if let Some(length) = length {
            headers.push(HeaderField::new("content-length", length.to_string()));
        }
        let head_only =
            flight.method == "HEAD" || (length == Some(0) && response.trailers.is_none());
        if let Err(err) = self.conn.send_headers(id, &headers, head_only) {
            self.log(format_args!("stream {id}: cannot send response: {err}"));
            return;
        }
        if head_only {
            return;
        }
        let last = response.trailers.is_none();
        let queued = match response.body {
            Body::Static(s) => self
                .conn
                .queue_data(id, Bytes::from_static(s.as_bytes()), last),
            Body::Pattern(n) => self
                .conn
                .queue_source(id, Box::new(PatternSource::new(n, last))),
            Body::Echo => return, // queued as it arrives, ended when the request ends
        };
        // Trailers sent while the body is queued go out behind it.
        let trailers = match response.trailers {
            Some(trailers) => queued.and_then(|()| self.conn.send_headers(id, &trailers, true)),
            None => queued,
        };
        if let Err(err) = trailers {
            self.log(format_args!("stream {id}: cannot queue the body: {err}"));
        }
    }

    /// Pushes `path` on stream `parent` when the client allows push (RFC 9113 8.4).
    fn push(&mut self, parent: StreamId, path: &str) {
        if !self.conn.remote_settings().enable_push() {
            return;
        }
        let Ok(promised) = self.conn.next_stream_id() else {
            return;
        };
        let request = [
            HeaderField::new(":method", "GET"),
            HeaderField::new(":scheme", "http"),
            HeaderField::new(":authority", "127.0.0.1"),
            HeaderField::new(":path", path.to_string()),
        ];
        if let Err(err) = self.conn.push_stream(parent, promised, &request) {
            self.log(format_args!("stream {parent}: push refused: {err}"));
            return;
        }
        let mut flight = InFlight {
            method: "GET".into(),
            response: route("GET", path),
            started: false,
        };
        self.start_response(promised, &mut flight);
    }

    /// True while there is output to take with [`data_to_send`](ServerConn::data_to_send).
    pub fn wants_write(&self) -> bool {
        self.conn.wants_write()
    }

    /// Octets to write to the peer (at most about one send buffer; loop while
    /// [`wants_write`](ServerConn::wants_write)). Echoed octets that have now left the
    /// send queue are acknowledged, so the client may send that much more.
    pub fn data_to_send(&mut self) -> Bytes {
        let out = self.conn.data_to_send();
        for (&id, unacked) in &mut self.echo_unacked {
            let sent = *unacked - (*unacked).min(self.conn.queued_len(id) as u32);
            if sent > 0 {
                let _ = self.conn.acknowledge_received_data(sent, id);
                *unacked -= sent;
            }
        }
        let requests = &self.requests;
        self.echo_unacked
            .retain(|id, unacked| *unacked > 0 || requests.contains_key(id));
        out
    }

    /// True when the connection is over: write what is left and close.
    pub fn is_done(&self) -> bool {
        self.conn.is_closed()
            || self.peer_going_away
                && !self.conn.wants_write()
                && self.conn.open_inbound_streams() == 0
                && self.conn.open_outbound_streams() == 0
    }

    /// Logs to stderr when `verbose`.
    pub fn log(&self, args: std::fmt::Arguments<'_>) {
        if self.verbose {
            eprintln!("[h2] {args}");
        }
    }
}

/// An HTTP/1.1 answer: the head (and a fixed body), then, for `/bytes/N`, the pattern.
pub struct Http1Answer {
    /// Head and fixed body.
    pub head: Vec<u8>,
    /// A generated body to write after the head, in chunks.
    pub pattern: Option<PatternSource>,
}

/// Answers a plain HTTP/1.1 request (no upgrade) with the same routes; `close` says
/// whether the connection closes after it.
pub fn http1_response(request: &http1::Request, close: bool) -> Http1Answer {
    let response = route(&request.method, &request.path);
    let head_only = request.method == "HEAD";
    let (body, length, pattern): (&[u8], u64, _) = match response.body {
        Body::Static(s) => (s.as_bytes(), s.len() as u64, None),
        Body::Pattern(n) => (b"", n, Some(PatternSource::new(n, true))),
        Body::Echo => (&request.body, request.body.len() as u64, None),
    };
    let reason = match response.status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    };
    let mut head = http1::head(
        response.status,
        reason,
        response.content_type,
        length,
        close,
    );
    if !head_only {
        head.extend_from_slice(body);
    }
    Http1Answer {
        head,
        pattern: pattern.filter(|_| !head_only),
    }
}

/// Writes an [`Http1Answer`] over a blocking transport.
fn write_http1(io: &mut impl Transport, answer: Http1Answer) -> io::Result<()> {
    io.write_all(&answer.head)?;
    if let Some(mut pattern) = answer.pattern {
        while let Pull::Data(chunk) | Pull::Last(chunk) = pattern.pull(64 * 1024) {
            if chunk.is_empty() {
                break;
            }
            io.write_all(&chunk)?;
        }
    }
    Ok(())
}

/// Serves one connection over a blocking transport: tells the HTTP/2 preface from an
/// HTTP/1.1 request, answers HTTP/1.1 (keeping the connection alive between requests),
/// switches to HTTP/2 on `Upgrade: h2c` when `h2c_upgrade` (cleartext only), and runs
/// HTTP/2 until the connection is over. `first`: bytes read already, `start`: when the
/// connection began. The preface (or first request) must be complete within the preface
/// timeout, each later HTTP/1.1 request within the idle timeout of the answer before it;
/// else a `TimedOut` error. The caller closes the transport.
pub fn serve_connection(
    io: &mut impl Transport,
    options: ServeOptions,
    h2c_upgrade: bool,
    first: Vec<u8>,
    start: Instant,
) -> io::Result<()> {
    let verbose = options.verbose;
    let mut buf = first;
    let mut deadline = options.first_request_deadline(start);
    loop {
        let answer = match http1::parse_start(&buf) {
            http1::Start::NeedMore => {
                let Some(input) = io.read_until(deadline)? else {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "no complete preface or request in time",
                    ));
                };
                if input.is_empty() {
                    return Ok(());
                }
                buf.extend_from_slice(&input);
                continue;
            }
            http1::Start::PriorKnowledge => {
                let server = ServerConn::new(options, start);
                return serve_h2(io, server, &buf);
            }
            http1::Start::Upgrade {
                request,
                settings,
                rest,
            } if h2c_upgrade => match ServerConn::upgraded(&settings, &request, options, start) {
                Ok(server) => {
                    io.write_all(http1::SWITCHING_PROTOCOLS)?;
                    return serve_h2(io, server, &rest);
                }
                Err(why) => http1::bad_request(&why),
            },
            http1::Start::Upgrade { request, rest, .. } | http1::Start::Http1 { request, rest } => {
                let close = request.wants_close();
                if verbose {
                    eprintln!("[http/1.1] {} {}", request.method, request.path);
                }
                write_http1(io, http1_response(&request, close))?;
                if close {
                    return Ok(());
                }
                buf = rest;
                deadline = options.next_request_deadline(Instant::now());
                continue;
            }
            http1::Start::TooLarge => http1::payload_too_large(),
            http1::Start::Bad(why) => http1::bad_request(why),
        };
        // An error answer closes the connection.
        return io.write_all(&answer);
    }
}

/// Runs HTTP/2 over a blocking transport, `first` being what was read already.
pub fn serve_h2(io: &mut impl Transport, mut server: ServerConn, first: &[u8]) -> io::Result<()> {
    server.receive(Instant::now(), first);
    super::blocking::run(io, &mut server)
}

/// The command line every example server takes, with `default_addr`; exits with a usage
/// line naming `program` on anything else:
///
/// - `--addr HOST:PORT`
/// - `--verbose`
/// - `--idle SECS`: close a connection without open streams after SECS (default 60)
/// - `--keep-alive SECS`: PING a connection quiet for SECS (default 30)
/// - `--preface-timeout SECS`: the client's preface (or first HTTP/1.1 request) must be
///   complete within SECS (default 10)
///
/// `0` turns a timer off.
pub fn args(program: &str, default_addr: &str) -> (String, ServeOptions) {
    let usage = || -> ! {
        eprintln!(
            "usage: {program} [--addr HOST:PORT] [--verbose] [--idle SECS] [--keep-alive SECS] [--preface-timeout SECS]"
        );
        std::process::exit(2);
    };
    let mut addr = default_addr.to_string();
    let mut options = ServeOptions::default();
    let mut args = std::env::args().skip(1);
    // Seconds (fractions allowed); 0 is off.
    let secs = |value: Option<String>| {
        let secs: f64 = value
            .and_then(|v| v.parse().ok())
            .filter(|s: &f64| s.is_finite() && *s >= 0.0)
            .unwrap_or_else(|| usage());
        (secs > 0.0).then(|| Duration::from_secs_f64(secs))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--addr" => addr = args.next().unwrap_or_else(|| usage()),
            "--verbose" | "-v" => options.verbose = true,
            "--idle" => options.timeouts.idle = secs(args.next()),
            "--keep-alive" => options.timeouts.keep_alive = secs(args.next()).map(KeepAlive::new),
            "--preface-timeout" => options.timeouts.preface = secs(args.next()),
            _ => usage(),
        }
    }
    (addr, options)
}
