//! The HTTP/1.1 side of h2c: telling the HTTP/2 preface from an HTTP/1.1 request, and
//! parsing the request that asks for `Upgrade: h2c` (RFC 7540 3.2) or the `101` answer.

use h2_conn::frame::PREFACE;

/// Largest HTTP/1.1 head (request line + fields) we accept.
pub const MAX_HEAD: usize = 64 * 1024;
/// Largest HTTP/1.1 request body we take (before switching protocols too); above it we
/// answer `413 Payload Too Large` and close, having held nothing of it.
pub const MAX_BODY: usize = 1024 * 1024;

/// An HTTP/1.1 request (head and `Content-Length` body).
#[derive(Debug, Clone)]
pub struct Request {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The request target, e.g. `/echo`.
    pub path: String,
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: String,
    /// Fields in order, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Request {
    /// The first field named `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The client wants the connection closed after the answer (`Connection: close`, or
    /// HTTP/1.0 without `keep-alive`).
    pub fn wants_close(&self) -> bool {
        self.lists("connection", "close")
            || (self.version == "HTTP/1.0" && !self.lists("connection", "keep-alive"))
    }

    /// True when the comma-separated field `name` lists `token` (case-insensitive).
    fn lists(&self, name: &str, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }
}

/// What the first bytes of a server connection are.
#[derive(Debug)]
pub enum Start {
    /// Read more bytes and ask again.
    NeedMore,
    /// The HTTP/2 connection preface: hand everything read so far to the connection.
    PriorKnowledge,
    /// An HTTP/1.1 request with `Upgrade: h2c`: answer 101, then start the connection
    /// with `settings` (the `HTTP2-Settings` value) and feed it `rest`.
    Upgrade {
        request: Request,
        settings: Vec<u8>,
        rest: Vec<u8>,
    },
    /// A plain HTTP/1.1 request; `rest` is what followed it (the next request).
    Http1 { request: Request, rest: Vec<u8> },
    /// The request body is above [`MAX_BODY`]: answer 413 and close.
    TooLarge,
    /// Not something we can serve.
    Bad(&'static str),
}

/// Whether `buf` can be the start of an HTTP/1.x request line (`METHOD SP target`);
/// `None` until enough bytes arrived to tell.
fn looks_like_http1(buf: &[u8]) -> Option<bool> {
    let Some(space) = buf.iter().take(16).position(|&b| b == b' ') else {
        let plausible = buf.len() < 16 && buf.iter().all(u8::is_ascii_uppercase);
        return if plausible { None } else { Some(false) };
    };
    let method = &buf[..space];
    if method.is_empty() || !method.iter().all(u8::is_ascii_uppercase) {
        return Some(false);
    }
    match buf.get(space + 1)? {
        b'/' | b'*' | b'h' => Some(true),
        _ => Some(method == b"CONNECT"),
    }
}

/// Looks at the bytes a client sent first.
pub fn parse_start(buf: &[u8]) -> Start {
    let n = buf.len().min(PREFACE.len());
    if buf[..n] == PREFACE[..n] {
        return if n == PREFACE.len() {
            Start::PriorKnowledge
        } else {
            Start::NeedMore
        };
    }
    // Bytes that cannot start an HTTP/1.x request are an HTTP/2 client with a bad
    // preface: the connection answers GOAWAY PROTOCOL_ERROR (RFC 9113 3.4).
    if looks_like_http1(buf) == Some(false) {
        return Start::PriorKnowledge;
    }
    let Some(head_len) = find_head_end(buf) else {
        return if buf.len() > MAX_HEAD {
            Start::Bad("request head too large")
        } else {
            Start::NeedMore
        };
    };
    let Some((request_line, headers)) = parse_head(&buf[..head_len]) else {
        return Start::Bad("malformed HTTP/1.1 request");
    };
    let mut parts = request_line.split(' ');
    let (Some(method), Some(path), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Start::Bad("malformed request line");
    };
    if !version.starts_with("HTTP/1.") {
        // e.g. `PRI * HTTP/2.0` with a damaged preface after it.
        return Start::PriorKnowledge;
    }
    let mut request = Request {
        method: method.into(),
        path: path.into(),
        version: version.into(),
        headers,
        body: Vec::new(),
    };
    if request.header("transfer-encoding").is_some() {
        return Start::Bad("chunked request bodies are not supported here");
    }
    let body_len = match request
        .header("content-length")
        .map(|v| v.trim().parse::<usize>())
    {
        None => 0,
        Some(Ok(len)) if len <= MAX_BODY => len,
        Some(Ok(_)) => return Start::TooLarge,
        Some(Err(_)) => return Start::Bad("bad Content-Length"),
    };
    if buf.len() < head_len + body_len {
        return Start::NeedMore;
    }
    request.body = buf[head_len..head_len + body_len].to_vec();
    let rest = buf[head_len + body_len..].to_vec();
    // RFC 7540 3.2: Upgrade: h2c, exactly one HTTP2-Settings, both named in Connection.
    let settings: Vec<&str> = request
        .headers
        .iter()
        .filter(|(n, _)| n == "http2-settings")
        .map(|(_, v)| v.as_str())
        .collect();
    let upgrade = request.lists("upgrade", "h2c")
        && settings.len() == 1
        && request.lists("connection", "upgrade")
        && request.lists("connection", "http2-settings");
    if upgrade {
        let settings = settings[0].trim().as_bytes().to_vec();
        Start::Upgrade {
            request,
            settings,
            rest,
        }
    } else {
        Start::Http1 { request, rest }
    }
}

/// The length of the head including the blank line, once it is complete.
pub fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

/// Splits a head into its first line and its fields (names lowercased).
pub fn parse_head(head: &[u8]) -> Option<(String, Vec<(String, String)>)> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let first = lines.next()?.to_string();
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':')?;
        if name.is_empty() || name.contains(' ') {
            return None;
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
    }
    Some((first, headers))
}

/// The server's answer that switches the connection to HTTP/2.
pub const SWITCHING_PROTOCOLS: &[u8] =
    b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";

/// A 400 answer carrying `why`, before the connection is closed.
pub fn bad_request(why: &str) -> Vec<u8> {
    response(400, "Bad Request", "text/plain", why.as_bytes())
}

/// The 413 answer to a request body above [`MAX_BODY`], before the connection is closed.
pub fn payload_too_large() -> Vec<u8> {
    let why = format!("request bodies are limited to {MAX_BODY} octets\n");
    response(413, "Payload Too Large", "text/plain", why.as_bytes())
}

/// A complete HTTP/1.1 response that closes the connection.
pub fn response(status: u16, reason: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = head(status, reason, content_type, body.len() as u64, true);
    out.extend_from_slice(body);
    out
}

/// An HTTP/1.1 response head for a body of `length` octets; `close` announces that the
/// connection closes after it.
pub fn head(status: u16, reason: &str, content_type: &str, length: u64, close: bool) -> Vec<u8> {
    let connection = if close { "close" } else { "keep-alive" };
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\ncontent-length: {length}\r\nconnection: {connection}\r\n\r\n"
    )
    .into_bytes()
}
