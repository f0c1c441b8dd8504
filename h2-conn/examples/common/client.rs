//! The example client's HTTP/2 logic, shared by `client` (std) and `tokio_client`: a
//! [`ClientConn`] owns one `Connection`, keeps up to `--concurrent` requests in flight
//! until `-n` are done, queues request bodies on the connection (which sends them as
//! windows allow), and prints the first response like `curl -v` (status and headers on
//! stderr, body on stdout).
//!
//! Time is passed in: [`ClientConn::receive`] takes the time the bytes came, and the I/O
//! loop calls [`ClientConn::handle_timeout`] by [`ClientConn::poll_timeout`]. The
//! connection's timers wait at most `--timeout` for the server's SETTINGS (preface) and
//! its ACK of ours, and send keep-alive PINGs after 30 s of quiet (unanswered within
//! `--timeout`: the server is gone); on top of them each request must make progress
//! (response headers or body octets arrive, or more of its upload is queued) at least
//! every `--timeout`.

use h2_conn::frame::SettingId;
use h2_conn::{
    Bytes, Config, Connection, ErrorCode, Event, HeaderField, HeaderList, KeepAlive, StreamId,
    Timeout, Timeouts,
};
use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

/// The keep-alive interval: a PING after this long without hearing from the server.
pub const KEEP_ALIVE: Duration = Duration::from_secs(30);

/// Command line of the example clients.
#[derive(Debug, Clone)]
pub struct Options {
    /// `host:port` to connect to.
    pub authority: String,
    /// The request path, e.g. `/echo`.
    pub path: String,
    /// Request body (`--data FILE`); the method is POST when given.
    pub data: Option<Bytes>,
    /// Requests to make (`-n`).
    pub requests: usize,
    /// Requests in flight at once (`--concurrent`).
    pub concurrent: usize,
    /// Start with HTTP/1.1 `Upgrade: h2c` instead of prior knowledge (`--upgrade`).
    pub upgrade: bool,
    /// How long connecting, the server's preface, a keep-alive PING's answer and each
    /// request's next progress may take (`--timeout SECS`, default 30).
    pub timeout: Duration,
}

/// Usage line of the example clients.
pub const USAGE: &str = "usage: client http://HOST:PORT/PATH [--data FILE] [-n N] [--concurrent M] [--upgrade] [--timeout SECS]";

impl Options {
    /// Parses the command line (without the program name).
    pub fn parse(args: impl Iterator<Item = String>) -> Result<Options, String> {
        let mut url = None;
        let mut options = Options {
            authority: String::new(),
            path: "/".into(),
            data: None,
            requests: 1,
            concurrent: 1,
            upgrade: false,
            timeout: Duration::from_secs(30),
        };
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
            match arg.as_str() {
                "--data" | "-d" => {
                    let file = value("--data")?;
                    let data = std::fs::read(&file).map_err(|e| format!("{file}: {e}"))?;
                    options.data = Some(Bytes::from(data));
                }
                "-n" => options.requests = value("-n")?.parse().map_err(|_| "-n needs a number")?,
                "--concurrent" | "-m" => {
                    options.concurrent = value("--concurrent")?
                        .parse()
                        .map_err(|_| "--concurrent needs a number")?
                }
                "--upgrade" => options.upgrade = true,
                "--timeout" => {
                    options.timeout = value("--timeout")?
                        .parse()
                        .ok()
                        .filter(|s: &f64| s.is_finite() && *s > 0.0)
                        .map(Duration::from_secs_f64)
                        .ok_or("--timeout needs a number of seconds above 0")?
                }
                _ if url.is_none() && !arg.starts_with('-') => url = Some(arg),
                _ => return Err(format!("unexpected argument {arg}")),
            }
        }
        let url = url.ok_or("missing URL")?;
        let rest = url
            .strip_prefix("http://")
            .ok_or("only http:// URLs (h2c) are supported")?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        options.authority = if authority.contains(':') {
            authority.to_string()
        } else {
            format!("{authority}:80")
        };
        options.path = path.to_string();
        options.requests = options.requests.max(1);
        options.concurrent = options.concurrent.max(1);
        Ok(options)
    }
}

/// A response being received.
#[derive(Default)]
struct Exchange {
    /// Print this one (the first request, and pushed responses to it).
    print: bool,
    /// A pushed stream (does not count as a request).
    pushed: bool,
    status: Option<u16>,
    body_len: u64,
    /// Give up when nothing happened on this request by then (`--timeout` after its last
    /// progress).
    deadline: Option<Instant>,
}

/// One HTTP/2 client connection making `requests` requests.
pub struct ClientConn {
    conn: Connection,
    options: Options,
    /// Request bodies not yet queued on the connection (it holds at most its send
    /// buffer; the rest is queued as that empties).
    uploads: HashMap<StreamId, Bytes>,
    exchanges: HashMap<StreamId, Exchange>,
    started: usize,
    completed: usize,
    statuses: HashMap<u16, usize>,
    errors: Vec<String>,
    closed: bool,
    began: Instant,
}

impl ClientConn {
    /// A client with the default configuration (push allowed, 1 MiB stream windows,
    /// the timers above), starting at `now`.
    pub fn new(options: Options, now: Instant) -> ClientConn {
        let mut config = Config::client();
        config.set_local_setting(SettingId::INITIAL_WINDOW_SIZE, 1 << 20);
        config.initial_connection_window = Some(16 << 20);
        config.timeouts = Timeouts {
            // A client's preface timer waits for the server's SETTINGS.
            preface: Some(options.timeout),
            settings_ack: Some(options.timeout),
            keep_alive: Some(KeepAlive {
                timeout: options.timeout,
                ..KeepAlive::new(KEEP_ALIVE)
            }),
            ..Timeouts::default()
        };
        let mut conn = Connection::new(config);
        // The time first: the preface and SETTINGS ACK deadlines count from here.
        conn.set_now(now);
        ClientConn {
            conn,
            options,
            uploads: HashMap::new(),
            exchanges: HashMap::new(),
            started: 0,
            completed: 0,
            statuses: HashMap::new(),
            errors: Vec::new(),
            closed: false,
            began: now,
        }
    }

    /// Prior knowledge: queues the preface and the first requests.
    pub fn start(&mut self) {
        self.conn.initiate_connection();
        self.fill();
    }

    /// Upgrade, step 1: the HTTP/1.1 request to write (the first request, with
    /// `Upgrade: h2c` and `HTTP2-Settings`). Its response will arrive on stream 1.
    pub fn upgrade_request(&mut self) -> Result<Vec<u8>, String> {
        let settings = self
            .conn
            .initiate_upgrade_connection(None)
            .map_err(|e| format!("upgrade: {e}"))?
            .ok_or("upgrade: no HTTP2-Settings value")?;
        let (method, body) = match &self.options.data {
            Some(data) => ("POST", data.clone()),
            None => ("GET", Bytes::new()),
        };
        let mut request = format!(
            "{method} {} HTTP/1.1\r\nHost: {}\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: {settings}\r\nUser-Agent: h2-sans-io-example\r\n",
            self.options.path, self.options.authority
        );
        if !body.is_empty() {
            request.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        request.push_str("\r\n");
        eprint!(
            "{}",
            request
                .lines()
                .map(|l| format!("> {l}\n"))
                .collect::<String>()
        );
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(&body);
        self.started = 1;
        self.exchanges.insert(
            StreamId::new(1),
            Exchange {
                print: true,
                deadline: self.deadline(),
                ..Exchange::default()
            },
        );
        Ok(bytes)
    }

    /// Upgrade, step 2: the server answered with this HTTP/1.1 head. On 101 the
    /// connection is HTTP/2 from here on; feed the bytes that followed the head to
    /// [`receive`](ClientConn::receive).
    pub fn upgrade_answered(&mut self, head: &[u8]) -> Result<(), String> {
        let text = String::from_utf8_lossy(head);
        for line in text.lines().filter(|l| !l.is_empty()) {
            eprintln!("< {line}");
        }
        let status = text.split(' ').nth(1).unwrap_or_default();
        if status != "101" {
            return Err(format!(
                "the server did not switch protocols (status {status})"
            ));
        }
        self.fill();
        Ok(())
    }

    /// Opens requests until `--concurrent` are in flight or `-n` were started.
    fn fill(&mut self) {
        let limit = self
            .options
            .concurrent
            .min(self.conn.remote_settings().max_concurrent_streams() as usize);
        while self.started < self.options.requests && self.in_flight() < limit && !self.closed {
            let Ok(id) = self.conn.next_stream_id() else {
                self.errors.push("stream ids exhausted".into());
                return;
            };
            let method = if self.options.data.is_some() {
                "POST"
            } else {
                "GET"
            };
            let mut headers = vec![
                HeaderField::new(":method", method),
                HeaderField::new(":scheme", "http"),
                HeaderField::new(":authority", self.options.authority.clone()),
                HeaderField::new(":path", self.options.path.clone()),
                HeaderField::new("user-agent", "h2-sans-io-example"),
            ];
            if let Some(data) = &self.options.data {
                headers.push(HeaderField::new("content-length", data.len().to_string()));
            }
            let print = self.started == 0;
            if print {
                for field in &headers {
                    eprintln!(
                        "> {}: {}",
                        String::from_utf8_lossy(&field.name),
                        String::from_utf8_lossy(&field.value)
                    );
                }
            }
            match self
                .conn
                .send_headers(id, &headers, self.options.data.is_none())
            {
                Ok(()) => {}
                // The server's SETTINGS lowered the limit: wait for a stream to finish.
                Err(h2_conn::UserError::TooManyStreams(_)) => return,
                Err(err) => {
                    self.errors.push(format!("cannot send request: {err}"));
                    self.closed = true;
                    return;
                }
            }
            if let Some(data) = self.options.data.clone() {
                self.uploads.insert(id, data);
            }
            self.exchanges.insert(
                id,
                Exchange {
                    print,
                    deadline: self.deadline(),
                    ..Exchange::default()
                },
            );
            self.started += 1;
        }
    }

    fn in_flight(&self) -> usize {
        self.exchanges.values().filter(|e| !e.pushed).count()
    }

    /// `--timeout` from the connection's latest time: a request's next deadline.
    fn deadline(&self) -> Option<Instant> {
        Some(self.conn.now()? + self.options.timeout)
    }

    /// Handles bytes received at `now`.
    pub fn receive(&mut self, now: Instant, data: &[u8]) {
        // The time first: the round trip of a PING ACK, the keep-alive's "last heard
        // from" and the requests' progress are stamped with it.
        self.conn.set_now(now);
        let events = match self.conn.receive_data(data) {
            Ok(events) => events,
            Err(err) => {
                self.fail(format!("receive after close: {err}"));
                return;
            }
        };
        for event in events {
            self.on_event(event);
        }
        self.after_events();
    }

    /// When to call [`handle_timeout`](ClientConn::handle_timeout) next: the
    /// connection's next timer or the first request deadline.
    pub fn poll_timeout(&mut self) -> Option<Instant> {
        let requests = self.exchanges.values().filter_map(|e| e.deadline).min();
        match (self.conn.poll_timeout(), requests) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Runs what is due at `now`: the connection's timers (a keep-alive PING to send, or
    /// the end of the connection), then the requests' deadlines. A request past its
    /// deadline ends the run: GOAWAY, and an error naming it.
    pub fn handle_timeout(&mut self, now: Instant) {
        for event in self.conn.handle_timeout(now) {
            self.on_event(event);
        }
        if !self.is_done() {
            let stalled = self
                .exchanges
                .iter()
                .filter(|(_, e)| e.deadline.is_some_and(|at| at <= now))
                .map(|(id, _)| *id)
                .min();
            if let Some(id) = stalled {
                let secs = self.options.timeout.as_secs_f64();
                self.fail(format!(
                    "timed out: stream {id} made no progress for {secs} s (--timeout)"
                ));
                let why = Bytes::from_static(b"client timeout");
                let _ = self
                    .conn
                    .close_connection(ErrorCode::NO_ERROR, None, Some(why));
                return;
            }
        }
        self.after_events();
    }

    /// After input or timers: more requests, more upload, or goodbye.
    fn after_events(&mut self) {
        self.fill();
        self.queue_uploads();
        if self.completed == self.options.requests && self.exchanges.is_empty() && !self.closed {
            // Everything is answered: say goodbye.
            let _ = self.conn.close_connection(ErrorCode::NO_ERROR, None, None);
            self.closed = true;
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::ResponseReceived {
                stream_id, headers, ..
            }
            | Event::InformationalResponseReceived { stream_id, headers } => {
                let deadline = self.deadline();
                let Some(exchange) = self.exchanges.get_mut(&stream_id) else {
                    return;
                };
                exchange.deadline = deadline;
                let status = headers.status();
                if exchange.print {
                    let tag = if exchange.pushed {
                        format!(" (pushed stream {stream_id})")
                    } else {
                        String::new()
                    };
                    eprintln!("< HTTP/2 {}{tag}", status.unwrap_or(0));
                    print_fields(&headers);
                }
                if status.is_some_and(|s| s >= 200) {
                    exchange.status = status;
                }
            }
            Event::TrailersReceived { stream_id, headers }
                if self.exchanges.get(&stream_id).is_some_and(|e| e.print) =>
            {
                eprintln!("< (trailers)");
                print_fields(&headers);
            }
            Event::DataReceived {
                stream_id,
                data,
                flow_controlled_length,
                ..
            } => {
                let _ = self
                    .conn
                    .acknowledge_received_data(flow_controlled_length, stream_id);
                let deadline = self.deadline();
                if let Some(exchange) = self.exchanges.get_mut(&stream_id) {
                    exchange.deadline = deadline;
                    exchange.body_len += data.len() as u64;
                    if exchange.print && !exchange.pushed {
                        let _ = std::io::stdout().write_all(&data);
                    }
                }
            }
            Event::PushedStreamReceived {
                pushed_stream_id,
                parent_stream_id,
                headers,
            } => {
                let print = self
                    .exchanges
                    .get(&parent_stream_id)
                    .is_some_and(|e| e.print);
                if print {
                    let path = String::from_utf8_lossy(headers.path().unwrap_or_default());
                    eprintln!("* push promise on stream {parent_stream_id}: stream {pushed_stream_id} for {path}");
                }
                self.exchanges.insert(
                    pushed_stream_id,
                    Exchange {
                        print,
                        pushed: true,
                        deadline: self.deadline(),
                        ..Exchange::default()
                    },
                );
            }
            Event::StreamEnded { stream_id } => self.finish(stream_id),
            Event::StreamReset {
                stream_id,
                error_code,
                remote_reset,
            } => {
                if self.exchanges.get(&stream_id).is_some_and(|e| !e.pushed) {
                    self.fail(format!("stream {stream_id} reset with {error_code:?} (by the server: {remote_reset})"));
                }
                self.uploads.remove(&stream_id);
                self.finish(stream_id);
            }
            Event::ConnectionTerminated { .. } if self.conn.timed_out().is_some() => {
                let why = self.timeout_message();
                self.fail(why);
            }
            Event::ConnectionTerminated {
                error_code,
                additional_data,
                remote,
                ..
            } => {
                let outstanding = self.started - self.completed;
                if error_code != ErrorCode::NO_ERROR
                    || outstanding > 0
                    || self.started < self.options.requests
                {
                    self.fail(format!(
                        "connection terminated ({error_code:?}, by the server: {remote}, {outstanding} requests outstanding): {}",
                        String::from_utf8_lossy(&additional_data)
                    ));
                }
                self.closed = true;
            }
            _ => {}
        }
    }

    /// What to say when one of the connection's timers ended it.
    fn timeout_message(&self) -> String {
        let secs = self.options.timeout.as_secs_f64();
        match self.conn.timed_out() {
            Some(Timeout::Preface) => format!(
                "timed out: the server sent no HTTP/2 SETTINGS within {secs} s (is it an HTTP/2 server?)"
            ),
            Some(Timeout::SettingsAck) => {
                format!("timed out: the server did not acknowledge our SETTINGS within {secs} s")
            }
            Some(Timeout::KeepAlive) => format!(
                "timed out: the server went quiet and did not answer a keep-alive PING within {secs} s"
            ),
            Some(other) => format!("timed out: {}", other.why()),
            None => "timed out".into(),
        }
    }

    /// A stream is over (ended or reset).
    fn finish(&mut self, id: StreamId) {
        let Some(exchange) = self.exchanges.remove(&id) else {
            return;
        };
        if exchange.pushed {
            if exchange.print {
                eprintln!("* pushed stream {id}: {} bytes", exchange.body_len);
            }
            return;
        }
        self.completed += 1;
        if let Some(status) = exchange.status {
            *self.statuses.entry(status).or_default() += 1;
        }
    }

    fn fail(&mut self, why: String) {
        eprintln!("* error: {why}");
        self.errors.push(why);
        self.closed = true;
    }

    /// An I/O error or an early end of the connection.
    pub fn io_failed(&mut self, why: String) {
        if !self.is_done() {
            self.fail(why);
        }
    }

    /// Queues as much of the request bodies as the send buffer takes now. A body larger
    /// than the buffer goes in pieces: taking output makes room for the next one.
    fn queue_uploads(&mut self) {
        if self.is_done() {
            return;
        }
        let mut failed = None;
        let deadline = self.deadline();
        let exchanges = &mut self.exchanges;
        self.uploads.retain(|&id, rest| {
            let room = self.conn.send_capacity(id).min(rest.len());
            // Wait for a worthwhile piece rather than queueing a few octets at a time.
            if room < rest.len() && room < 16 * 1024 {
                return true;
            }
            let piece = rest.split_to(room);
            if let Some(exchange) = exchanges.get_mut(&id) {
                exchange.deadline = deadline; // more of the upload is on its way
            }
            if let Err(err) = self.conn.queue_data(id, piece, rest.is_empty()) {
                failed = Some(format!("stream {id}: cannot queue the request body: {err}"));
                return false;
            }
            !rest.is_empty()
        });
        if let Some(why) = failed {
            self.fail(why);
        }
    }

    /// True while there is output to take with [`data_to_send`](ClientConn::data_to_send).
    pub fn wants_write(&self) -> bool {
        self.conn.wants_write()
    }

    /// Octets to write (at most about one send buffer; loop while
    /// [`wants_write`](ClientConn::wants_write)).
    pub fn data_to_send(&mut self) -> Bytes {
        let out = self.conn.data_to_send();
        self.queue_uploads();
        out
    }

    /// True when there is nothing left to do: write the last output and close.
    pub fn is_done(&self) -> bool {
        self.closed || self.conn.is_closed()
    }

    /// Prints a summary (more than one request) and returns the outcome.
    pub fn finish_run(&self) -> Result<(), String> {
        if self.options.requests > 1 {
            let secs = self.began.elapsed().as_secs_f64();
            let mut statuses: Vec<_> = self.statuses.iter().collect();
            statuses.sort();
            eprintln!(
                "* {} requests, {} completed, statuses {:?}, {:.3} s, {:.0} req/s, rtt {}",
                self.options.requests,
                self.completed,
                statuses,
                secs,
                self.completed as f64 / secs.max(1e-9),
                // From our SETTINGS' ACK and any PING's, timed with the times passed in.
                self.conn.rtt().map_or("unknown".into(), |rtt| format!(
                    "{:.3} ms",
                    rtt.as_secs_f64() * 1e3
                ))
            );
        }
        if let Some(err) = self.errors.first() {
            return Err(err.clone());
        }
        if self.completed < self.options.requests {
            return Err(format!(
                "connection closed with {} of {} requests done",
                self.completed, self.options.requests
            ));
        }
        Ok(())
    }
}

fn print_fields(fields: &HeaderList) {
    for field in fields {
        eprintln!(
            "< {}: {}",
            String::from_utf8_lossy(field.name),
            String::from_utf8_lossy(field.value)
        );
    }
}
