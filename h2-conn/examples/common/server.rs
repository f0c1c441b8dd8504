//! The example server's HTTP/2 logic, shared by `server` (std), `tokio_server` and
//! `tls_server`: a [`ServerConn`] owns one `Connection` and the response bodies still
//! waiting for flow-control window. Feed it bytes with [`ServerConn::receive`], write what
//! [`ServerConn::data_to_send`] returns, close when [`ServerConn::is_done`].

use super::http1;
use super::outbox::Outbox;
use h2_conn::frame::SettingId;
use h2_conn::{Bytes, Config, Connection, ErrorCode, Event, HeaderField, StreamId};
use std::collections::HashMap;
use std::io::{self, Read, Write};

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

/// The configuration of the example servers: room for many concurrent streams and large
/// windows so uploads are not throttled by the 64 KiB defaults.
pub fn config() -> Config {
    let mut config = Config::server();
    config.set_local_setting(SettingId::MAX_CONCURRENT_STREAMS, 1024);
    config.set_local_setting(SettingId::INITIAL_WINDOW_SIZE, 1 << 20);
    config.initial_connection_window = Some(16 << 20);
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

/// One HTTP/2 server connection: the `Connection` and per-stream state.
pub struct ServerConn {
    conn: Connection,
    outbox: Outbox,
    requests: HashMap<StreamId, InFlight>,
    /// The peer sent GOAWAY: finish what is queued, then close.
    peer_going_away: bool,
    /// h2c Upgrade: the HTTP/1.1 request (and its body) to answer on stream 1.
    upgrade_response: Option<(InFlight, Bytes)>,
    /// Log each request to stderr.
    pub verbose: bool,
}

impl ServerConn {
    /// A connection for a client that sent the HTTP/2 preface (prior knowledge, or TLS
    /// with ALPN `h2`).
    pub fn new() -> ServerConn {
        let mut conn = Connection::new(config());
        conn.initiate_connection();
        ServerConn::with(conn)
    }

    fn with(conn: Connection) -> ServerConn {
        ServerConn {
            conn,
            outbox: Outbox::default(),
            requests: HashMap::new(),
            peer_going_away: false,
            upgrade_response: None,
            verbose: false,
        }
    }

    /// A connection upgraded from HTTP/1.1 (after `101 Switching Protocols` was written):
    /// the HTTP/1.1 request, body included, is answered on stream 1.
    pub fn upgraded(settings: &[u8], request: &http1::Request) -> Result<ServerConn, String> {
        let mut conn = Connection::new(config());
        conn.initiate_upgrade_connection(Some(settings))
            .map_err(|e| format!("upgrade: {e}"))?;
        let mut server = ServerConn::with(conn);
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
        if matches!(flight.response.body, Body::Echo) {
            self.outbox.push(one, body);
            self.outbox.finish(one, None);
        }
    }

    /// Handles received bytes: events are answered and as much queued body as the
    /// windows allow is sent.
    pub fn receive(&mut self, data: &[u8]) {
        let events = match self.conn.receive_data(data) {
            Ok(events) => events,
            Err(_) => return, // closed already
        };
        for event in events {
            self.on_event(event);
        }
        if let Err(err) = self.outbox.pump(&mut self.conn) {
            self.log(format_args!("send failed: {err}"));
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::RequestReceived {
                stream_id, headers, ..
            } => {
                let field = |name: &str| {
                    headers
                        .iter()
                        .find(|f| f.name == name.as_bytes())
                        .map(|f| String::from_utf8_lossy(&f.value).into_owned())
                        .unwrap_or_default()
                };
                let (method, path) = (field(":method"), field(":path"));
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
            } => {
                // Give the window back: the data is consumed (echoed or dropped).
                let _ = self
                    .conn
                    .acknowledge_received_data(flow_controlled_length, stream_id);
                if self
                    .requests
                    .get(&stream_id)
                    .is_some_and(|r| matches!(r.response.body, Body::Echo))
                {
                    self.outbox.push(stream_id, data);
                }
            }
            Event::StreamEnded { stream_id } => {
                if let Some(mut flight) = self.requests.remove(&stream_id) {
                    if flight.started {
                        self.outbox.finish(stream_id, None);
                    } else {
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
                self.outbox.remove(stream_id);
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
        match response.body {
            Body::Static(s) => self.outbox.push(id, Bytes::from_static(s.as_bytes())),
            Body::Pattern(n) => self.outbox.push_pattern(id, n),
            Body::Echo => return, // finished when the request ends
        }
        self.outbox.finish(id, response.trailers);
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

    /// Octets to write to the peer.
    pub fn data_to_send(&mut self) -> Bytes {
        self.conn.data_to_send()
    }

    /// True when the connection is over: write the last `data_to_send` and close.
    pub fn is_done(&self) -> bool {
        self.conn.is_closed() || self.peer_going_away && self.outbox.is_empty()
    }

    /// Ends the connection from our side (GOAWAY NO_ERROR), e.g. at end of input.
    pub fn close(&mut self) {
        let _ = self.conn.close_connection(ErrorCode::NO_ERROR, None, None);
    }

    fn log(&self, args: std::fmt::Arguments<'_>) {
        if self.verbose {
            eprintln!("[h2] {args}");
        }
    }
}

impl Default for ServerConn {
    fn default() -> Self {
        ServerConn::new()
    }
}

/// Answers a plain HTTP/1.1 request (no upgrade) with the same routes, then closes.
pub fn http1_response(request: &http1::Request) -> Vec<u8> {
    let response = route(&request.method, &request.path);
    let body: Vec<u8> = match response.body {
        Body::Static(s) => s.as_bytes().to_vec(),
        Body::Pattern(n) => (0..n).map(|i| b'a' + (i % 26) as u8).collect(),
        Body::Echo => request.body.clone(),
    };
    let reason = match response.status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Error",
    };
    http1::response(response.status, reason, response.content_type, &body)
}

/// Serves one connection over any blocking byte stream (a `TcpStream`, a rustls
/// `StreamOwned`) that already delivered `first` (the bytes read before we knew it was
/// HTTP/2). Returns when the connection is over; the caller closes the stream.
pub fn serve_blocking<S: Read + Write>(
    io: &mut S,
    mut server: ServerConn,
    first: &[u8],
) -> io::Result<()> {
    if !first.is_empty() {
        server.receive(first);
    }
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let out = server.data_to_send();
        if !out.is_empty() {
            io.write_all(&out)?;
            io.flush()?;
        }
        if server.is_done() {
            return Ok(());
        }
        let n = io.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        server.receive(&buf[..n]);
    }
}

/// The command line every example server takes: `[--addr HOST:PORT] [--verbose]`, with
/// `default_addr`; exits with a usage line naming `program` on anything else.
pub fn args(program: &str, default_addr: &str) -> (String, bool) {
    let mut addr = default_addr.to_string();
    let mut verbose = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--addr" => addr = args.next().expect("--addr needs HOST:PORT"),
            "--verbose" | "-v" => verbose = true,
            _ => {
                eprintln!("usage: {program} [--addr HOST:PORT] [--verbose]");
                std::process::exit(2);
            }
        }
    }
    (addr, verbose)
}
