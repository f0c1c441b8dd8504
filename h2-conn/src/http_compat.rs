//! Conversions between the [`http`] crate's types and our header lists (feature `http`).
//!
//! HTTP/2 carries the request line and the status line as pseudo-header fields
//! (RFC 9113 8.3): `:method`, `:scheme`, `:authority`, `:path` (and `:protocol` for
//! extended CONNECT, RFC 8441 4) in a request, `:status` in a response. These functions
//! map them to and from [`http::Request`], [`http::Response`] and [`http::HeaderMap`], so
//! code that already speaks the `http` crate can drive a [`Connection`](crate::Connection)
//! without building [`HeaderField`] lists by hand.
//!
//! | direction | request | response | trailers / plain fields |
//! |---|---|---|---|
//! | `http` → header list | [`fields_from_request`] | [`fields_from_response`] | [`fields_from_header_map`] |
//! | header list → `http` | [`request_from_fields`] | [`response_from_fields`] | [`header_map_from_fields`] |
//!
//! Rules applied on the way out (RFC 9113 8.3.1):
//!
//! * pseudo-header fields come first, in the order `:method`, `:protocol`, `:scheme`,
//!   `:authority`, `:path`;
//! * `:scheme` is the URI's scheme. An origin-form URI (`/index.html`, as HTTP/1.1 sends
//!   it with a `host` field) has none: [`fields_from_request`] then sends `https`, and
//!   [`fields_from_request_with_scheme`] the scheme you pass (say `http` on an h2c
//!   connection). `https` is the default because HTTP/2 is nearly always spoken over TLS,
//!   and because it is the safer mistake: a server that receives `https` over cleartext
//!   may refuse the request (421), while one that receives `http` over TLS may build
//!   `http://` links and redirects from it, a silent downgrade;
//! * `:authority` is the URI's authority without any `user:password@` part; when the URI
//!   has none, a `host` field becomes `:authority` (and is not sent twice); a `host` field
//!   that names another authority than the URI is an error;
//! * `:path` is the URI's path and query; an empty path is `/` (the `http` crate already
//!   reads `http://example.com` as `http://example.com/`). For `OPTIONS *`, build the URI
//!   with `Uri::builder().scheme(..).authority(..).path_and_query("*")`;
//! * a plain `CONNECT` (RFC 9113 8.5) sends only `:method` and `:authority`; an extended
//!   CONNECT (a [`Protocol`] in the request's extensions) sends all five;
//! * values marked [`HeaderValue::set_sensitive`](http::HeaderValue::set_sensitive) become
//!   never-indexed fields ([`HeaderField::sensitive`]), and back.
//!
//! Connection-specific fields (`connection`, `transfer-encoding`, ...) are copied as they
//! are: [`Connection::send_headers`](crate::Connection::send_headers) rejects them while
//! outbound validation is on, as RFC 9113 8.2.2 requires, rather than silently dropping
//! them here.
//!
//! ```
//! use h2_conn::http_compat::{fields_from_request, request_from_fields};
//! use h2_conn::http_compat::http::{Method, Request};
//!
//! let request = Request::post("https://example.com/upload?x=1")
//!     .header("content-type", "text/plain")
//!     .body(())
//!     .unwrap();
//! let fields = fields_from_request(&request).unwrap();
//! assert_eq!(&fields[0].name[..], b":method");
//! assert_eq!(&fields[3].value[..], b"/upload?x=1");
//!
//! // The server side: a header list from `Event::RequestReceived` back into `http`
//! // (here the list we just made, as the peer would receive it).
//! let received = h2_conn::HeaderList::from(fields);
//! let back = request_from_fields(&received).unwrap();
//! assert_eq!(back.method(), Method::POST);
//! assert_eq!(back.uri(), "https://example.com/upload?x=1");
//! assert_eq!(back.headers()["content-type"], "text/plain");
//! ```

use crate::{HeaderField, HeaderList};
use bytes::Bytes;
use h2_hpack_glue::syntax;
use http::header::{HeaderName, HeaderValue, HOST};
use http::uri::{Authority, PathAndQuery, Scheme, Uri};
use http::{HeaderMap, Method, Request, Response, StatusCode, Version};

/// The `http` crate (1.x) these conversions use, so a caller can name its types without
/// a second dependency line that might resolve to another version.
pub use http;

/// The `:protocol` of an extended CONNECT request (RFC 8441 4), e.g. `websocket`.
///
/// Put it in a request's extensions before [`fields_from_request`]; it is there after
/// [`request_from_fields`] when the peer sent `:protocol`. The server must have sent
/// SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (set it in
/// [`Config::initial_settings`](crate::Config::initial_settings)).
///
/// ```
/// use h2_conn::http_compat::{fields_from_request, Protocol};
/// use h2_conn::http_compat::http::{Method, Request};
///
/// let mut request = Request::builder()
///     .method(Method::CONNECT)
///     .uri("https://chat.example.com/socket")
///     .body(())
///     .unwrap();
/// request.extensions_mut().insert(Protocol::from_static("websocket"));
/// let fields = fields_from_request(&request).unwrap();
/// let names: Vec<&[u8]> = fields.iter().map(|f| &f.name[..]).collect();
/// assert_eq!(names, [&b":method"[..], b":protocol", b":scheme", b":authority", b":path"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Protocol(Bytes);

impl Protocol {
    /// A protocol name, e.g. `websocket`.
    pub fn new(name: impl Into<Bytes>) -> Protocol {
        Protocol(name.into())
    }

    /// A protocol name from a static string.
    pub const fn from_static(name: &'static str) -> Protocol {
        Protocol(Bytes::from_static(name.as_bytes()))
    }

    /// The protocol name as sent in `:protocol`.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Why a conversion between `http` types and a header list failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// The URI lacks a part the request needs (`scheme`, or `authority` for CONNECT).
    #[error("the request URI has no {0}")]
    MissingUriPart(&'static str),
    /// The `host` field names another authority than the URI (RFC 9113 8.3.1).
    #[error("the host field differs from the URI's authority")]
    HostMismatch,
    /// The URI names another scheme than the one given to
    /// [`fields_from_request_with_scheme`].
    #[error("the URI's scheme differs from the connection's")]
    SchemeMismatch,
    /// A [`Protocol`] extension on a request whose method is not CONNECT (RFC 8441 4).
    #[error(":protocol is only allowed on CONNECT requests")]
    ProtocolWithoutConnect,
    /// A required pseudo-header field is missing from the header list.
    #[error("missing pseudo-header field {0}")]
    MissingPseudoHeader(&'static str),
    /// A pseudo-header field appears twice.
    #[error("duplicate pseudo-header field {0}")]
    DuplicatePseudoHeader(&'static str),
    /// A pseudo-header field that does not belong in this kind of message, or an unknown one.
    #[error("unexpected pseudo-header field")]
    UnexpectedPseudoHeader,
    /// A pseudo-header field after a regular field (RFC 9113 8.3).
    #[error("pseudo-header field after a regular field")]
    MisplacedPseudoHeader,
    /// `:method` is not a valid method token.
    #[error("invalid :method")]
    InvalidMethod,
    /// `:status` is not a three-digit status code.
    #[error("invalid :status")]
    InvalidStatus,
    /// `:scheme`, `:authority` or `:path` do not form a valid URI.
    #[error("invalid request URI")]
    InvalidUri,
    /// A field name that breaks RFC 9113 8.2 (not a lowercase token) or that the `http`
    /// crate does not accept.
    #[error("invalid header field name")]
    InvalidHeaderName,
    /// A field value that breaks RFC 9113 8.2.1 (a control octet, or whitespace at either
    /// end) or that the `http` crate does not accept.
    #[error("invalid header field value")]
    InvalidHeaderValue,
}

// ------------------------------------------------------------------- http -> fields

/// The header list of a request: pseudo-header fields from the method, the URI and a
/// [`Protocol`] extension, then the request's fields. The body type does not matter.
///
/// Absolute URIs (`https://example.com/x`) and origin-form ones with a `host` field
/// (`/x`, `host: example.com`) are both accepted; an origin-form URI has no scheme, so
/// `:scheme` is `https` (see the [module docs](self); on an h2c connection use
/// [`fields_from_request_with_scheme`] with `http`).
///
/// ```
/// use h2_conn::http_compat::fields_from_request;
/// use h2_conn::http_compat::http::Request;
///
/// let request = Request::get("/x").header("host", "example.com").body(()).unwrap();
/// let fields = fields_from_request(&request).unwrap();
/// let pairs: Vec<(&[u8], &[u8])> = fields.iter().map(|f| (&f.name[..], &f.value[..])).collect();
/// assert_eq!(
///     pairs,
///     [
///         (&b":method"[..], &b"GET"[..]),
///         (b":scheme", b"https"),
///         (b":authority", b"example.com"),
///         (b":path", b"/x"),
///     ]
/// );
/// ```
pub fn fields_from_request<B>(request: &Request<B>) -> Result<Vec<HeaderField>, ConvertError> {
    request_fields(
        request.method(),
        request.uri(),
        request.headers(),
        request.extensions().get::<Protocol>(),
        None,
    )
}

/// [`fields_from_request`] for the parts of a request.
pub fn fields_from_request_parts(
    parts: &http::request::Parts,
) -> Result<Vec<HeaderField>, ConvertError> {
    request_fields(
        &parts.method,
        &parts.uri,
        &parts.headers,
        parts.extensions.get::<Protocol>(),
        None,
    )
}

/// [`fields_from_request`] on a connection whose scheme is `scheme` (`http` for h2c,
/// `https` over TLS): an origin-form URI (`/x` with a `host` field) is sent with this
/// `:scheme`, and an absolute URI must name the same scheme
/// ([`ConvertError::SchemeMismatch`] otherwise).
pub fn fields_from_request_with_scheme<B>(
    request: &Request<B>,
    scheme: &Scheme,
) -> Result<Vec<HeaderField>, ConvertError> {
    request_fields(
        request.method(),
        request.uri(),
        request.headers(),
        request.extensions().get::<Protocol>(),
        Some(scheme),
    )
}

/// [`fields_from_request_with_scheme`] for the parts of a request.
pub fn fields_from_request_parts_with_scheme(
    parts: &http::request::Parts,
    scheme: &Scheme,
) -> Result<Vec<HeaderField>, ConvertError> {
    request_fields(
        &parts.method,
        &parts.uri,
        &parts.headers,
        parts.extensions.get::<Protocol>(),
        Some(scheme),
    )
}

fn request_fields(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    protocol: Option<&Protocol>,
    connection_scheme: Option<&Scheme>,
) -> Result<Vec<HeaderField>, ConvertError> {
    let is_connect = method == Method::CONNECT;
    if protocol.is_some() && !is_connect {
        return Err(ConvertError::ProtocolWithoutConnect);
    }
    // RFC 9113 8.3.1: no userinfo in :authority; `host` stands in when the URI has none.
    let host = headers.get(HOST);
    let authority = match (uri.authority(), host) {
        (Some(authority), Some(host)) => {
            let authority = strip_userinfo(authority);
            if !host.as_bytes().eq_ignore_ascii_case(authority.as_bytes()) {
                return Err(ConvertError::HostMismatch);
            }
            Some(Bytes::copy_from_slice(authority.as_bytes()))
        }
        (Some(authority), None) => {
            Some(Bytes::copy_from_slice(strip_userinfo(authority).as_bytes()))
        }
        (None, Some(host)) => Some(Bytes::copy_from_slice(host.as_bytes())),
        (None, None) => None,
    };

    let mut fields = Vec::with_capacity(5 + headers.len());
    fields.push(HeaderField::new(":method", method_bytes(method)));
    if is_connect && protocol.is_none() {
        // RFC 9113 8.5: ":scheme and :path pseudo-header fields MUST be omitted".
        let authority = authority.ok_or(ConvertError::MissingUriPart("authority"))?;
        fields.push(HeaderField::new(":authority", authority));
    } else {
        if let Some(protocol) = protocol {
            fields.push(HeaderField::new(":protocol", protocol.0.clone()));
        }
        let scheme = match (uri.scheme(), connection_scheme) {
            (Some(ours), Some(theirs)) if ours != theirs => {
                return Err(ConvertError::SchemeMismatch)
            }
            (Some(scheme), _) => scheme_bytes(scheme),
            // Origin-form (`/x` + `host`): the connection's scheme, or https by default.
            (None, Some(scheme)) => scheme_bytes(scheme),
            (None, None) => Bytes::from_static(b"https"),
        };
        fields.push(HeaderField::new(":scheme", scheme));
        if let Some(authority) = authority {
            fields.push(HeaderField::new(":authority", authority));
        }
        let path = match uri.path_and_query().map(PathAndQuery::as_str) {
            Some(path) if !path.is_empty() => Bytes::copy_from_slice(path.as_bytes()),
            // RFC 9113 8.3.1: an empty path is "/", or "*" for OPTIONS.
            _ if method == Method::OPTIONS => Bytes::from_static(b"*"),
            _ => Bytes::from_static(b"/"),
        };
        fields.push(HeaderField::new(":path", path));
    }
    push_regular(headers, &mut fields, true);
    Ok(fields)
}

/// The header list of a response: `:status`, then the response's fields.
pub fn fields_from_response<B>(response: &Response<B>) -> Vec<HeaderField> {
    status_fields(response.status(), response.headers())
}

/// [`fields_from_response`] for the parts of a response.
pub fn fields_from_response_parts(parts: &http::response::Parts) -> Vec<HeaderField> {
    status_fields(parts.status, &parts.headers)
}

fn status_fields(status: StatusCode, headers: &HeaderMap) -> Vec<HeaderField> {
    let mut fields = Vec::with_capacity(1 + headers.len());
    fields.push(HeaderField::new(
        ":status",
        Bytes::from_static(status_bytes(status)),
    ));
    push_regular(headers, &mut fields, false);
    fields
}

/// The fields of a header map, in its iteration order (for trailers, or to append to a
/// list you started yourself). No pseudo-header fields are added.
pub fn fields_from_header_map(headers: &HeaderMap) -> Vec<HeaderField> {
    let mut fields = Vec::with_capacity(headers.len());
    push_regular(headers, &mut fields, false);
    fields
}

fn push_regular(headers: &HeaderMap, fields: &mut Vec<HeaderField>, skip_host: bool) {
    for (name, value) in headers {
        if skip_host && name == HOST {
            continue;
        }
        fields.push(HeaderField {
            name: name_bytes(name),
            value: Bytes::copy_from_slice(value.as_bytes()),
            sensitive: value.is_sensitive(),
        });
    }
}

/// `user:password@host:port` → `host:port`.
fn strip_userinfo(authority: &Authority) -> &str {
    let s = authority.as_str();
    s.rsplit_once('@').map_or(s, |(_, host)| host)
}

fn method_bytes(method: &Method) -> Bytes {
    macro_rules! static_methods {
        ($($m:ident),*) => {
            match *method {
                $(Method::$m => return Bytes::from_static(stringify!($m).as_bytes()),)*
                _ => {}
            }
        };
    }
    static_methods!(GET, POST, PUT, DELETE, HEAD, OPTIONS, CONNECT, PATCH, TRACE);
    Bytes::copy_from_slice(method.as_str().as_bytes())
}

fn scheme_bytes(scheme: &Scheme) -> Bytes {
    if *scheme == Scheme::HTTPS {
        Bytes::from_static(b"https")
    } else if *scheme == Scheme::HTTP {
        Bytes::from_static(b"http")
    } else {
        Bytes::copy_from_slice(scheme.as_str().as_bytes())
    }
}

fn name_bytes(name: &HeaderName) -> Bytes {
    // Every name in a HeaderMap is lowercase already (RFC 9113 8.2.1 holds).
    Bytes::copy_from_slice(name.as_str().as_bytes())
}

/// "100".."999" without an allocation.
fn status_bytes(status: StatusCode) -> &'static [u8] {
    const DIGITS: &[u8; 3000] = &{
        let mut table = [0u8; 3000];
        let mut code = 0;
        while code < 1000 {
            table[code * 3] = b'0' + (code / 100) as u8;
            table[code * 3 + 1] = b'0' + (code / 10 % 10) as u8;
            table[code * 3 + 2] = b'0' + (code % 10) as u8;
            code += 1;
        }
        table
    };
    let code = usize::from(status.as_u16());
    &DIGITS[code * 3..code * 3 + 3]
}

// ------------------------------------------------------------------- fields -> http

/// The pseudo-header fields of one message, collected once.
#[derive(Default)]
struct Pseudo {
    method: Option<Bytes>,
    scheme: Option<Bytes>,
    authority: Option<Bytes>,
    path: Option<Bytes>,
    protocol: Option<Bytes>,
    status: Option<Bytes>,
}

/// Splits `fields` into its pseudo-header fields and the index of the first regular one.
fn split_pseudo(fields: &HeaderList) -> Result<(Pseudo, usize), ConvertError> {
    let mut pseudo = Pseudo::default();
    let mut regular = fields.len();
    for (i, field) in fields.iter().enumerate() {
        if !field.name.starts_with(b":") {
            regular = i;
            break;
        }
        let (slot, name) = match field.name {
            b":method" => (&mut pseudo.method, ":method"),
            b":scheme" => (&mut pseudo.scheme, ":scheme"),
            b":authority" => (&mut pseudo.authority, ":authority"),
            b":path" => (&mut pseudo.path, ":path"),
            b":protocol" => (&mut pseudo.protocol, ":protocol"),
            b":status" => (&mut pseudo.status, ":status"),
            _ => return Err(ConvertError::UnexpectedPseudoHeader),
        };
        if slot
            .replace(fields.value_at(i).unwrap_or_default())
            .is_some()
        {
            return Err(ConvertError::DuplicatePseudoHeader(name));
        }
    }
    Ok((pseudo, regular))
}

/// A request from a received header list (`Event::RequestReceived`,
/// `Event::PushedStreamReceived`). The URI is rebuilt from `:scheme`, `:authority` (or a
/// `host` field) and `:path`; `:protocol` becomes a [`Protocol`] extension; the version
/// is HTTP/2. Values are not copied: each `HeaderValue` shares the list's buffer.
///
/// A `Vec<HeaderField>` converts with `request_from_fields(&HeaderList::from(fields))`.
pub fn request_from_fields(fields: &HeaderList) -> Result<Request<()>, ConvertError> {
    let (pseudo, regular) = split_pseudo(fields)?;
    if pseudo.status.is_some() {
        return Err(ConvertError::UnexpectedPseudoHeader);
    }
    let method = pseudo
        .method
        .ok_or(ConvertError::MissingPseudoHeader(":method"))?;
    let method = Method::from_bytes(&method).map_err(|_| ConvertError::InvalidMethod)?;
    let headers = header_map_from(fields, regular)?;

    let authority = match pseudo.authority {
        Some(authority) => Some(authority),
        None => headers
            .get(HOST)
            .map(|h| Bytes::copy_from_slice(h.as_bytes())),
    };
    let mut parts = http::uri::Parts::default();
    if let Some(scheme) = pseudo.scheme {
        parts.scheme = Some(Scheme::try_from(&scheme[..]).map_err(|_| ConvertError::InvalidUri)?);
    }
    if let Some(authority) = authority {
        parts.authority =
            Some(Authority::from_maybe_shared(authority).map_err(|_| ConvertError::InvalidUri)?);
    }
    if let Some(path) = pseudo.path {
        parts.path_and_query =
            Some(PathAndQuery::from_maybe_shared(path).map_err(|_| ConvertError::InvalidUri)?);
    } else if method != Method::CONNECT {
        return Err(ConvertError::MissingPseudoHeader(":path"));
    }
    if parts.scheme.is_some() && parts.authority.is_none() {
        // `Uri` cannot hold a scheme without an authority: keep the path only.
        parts.scheme = None;
    }
    let uri = Uri::from_parts(parts).map_err(|_| ConvertError::InvalidUri)?;

    let mut request = Request::new(());
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.version_mut() = Version::HTTP_2;
    *request.headers_mut() = headers;
    if let Some(protocol) = pseudo.protocol {
        request.extensions_mut().insert(Protocol(protocol));
    }
    Ok(request)
}

/// A response from a received header list (`Event::ResponseReceived`,
/// `Event::InformationalResponseReceived`). The version is HTTP/2.
pub fn response_from_fields(fields: &HeaderList) -> Result<Response<()>, ConvertError> {
    let (pseudo, regular) = split_pseudo(fields)?;
    let status = match pseudo {
        Pseudo {
            status: Some(status),
            method: None,
            scheme: None,
            authority: None,
            path: None,
            protocol: None,
        } => status,
        Pseudo { status: None, .. } => return Err(ConvertError::MissingPseudoHeader(":status")),
        _ => return Err(ConvertError::UnexpectedPseudoHeader),
    };
    let status = StatusCode::from_bytes(&status).map_err(|_| ConvertError::InvalidStatus)?;
    let mut response = Response::new(());
    *response.status_mut() = status;
    *response.version_mut() = Version::HTTP_2;
    *response.headers_mut() = header_map_from(fields, regular)?;
    Ok(response)
}

/// A header map from regular fields (trailers from `Event::TrailersReceived`, or the
/// regular part of any list). A pseudo-header field is an error. Repeated names are kept
/// as repeated values, in order; never-indexed fields become sensitive values.
///
/// RFC 9113 10.3: "An intermediary that translates an HTTP/2 request or response MUST
/// validate fields according to the rules in Section 8.2 before translating a message".
/// Every name and value is checked here against those rules, whatever the connection's
/// validation settings were (`http` would otherwise lowercase an uppercase name).
pub fn header_map_from_fields(fields: &HeaderList) -> Result<HeaderMap, ConvertError> {
    header_map_from(fields, 0)
}

/// [`header_map_from_fields`] for the fields from index `start` on.
fn header_map_from(fields: &HeaderList, start: usize) -> Result<HeaderMap, ConvertError> {
    let mut map = HeaderMap::with_capacity(fields.len() - start.min(fields.len()));
    for (i, field) in fields.iter().enumerate().skip(start) {
        if field.name.starts_with(b":") {
            return Err(ConvertError::MisplacedPseudoHeader);
        }
        syntax::check_name(field.name).map_err(|_| ConvertError::InvalidHeaderName)?;
        syntax::check_value(field.value).map_err(|_| ConvertError::InvalidHeaderValue)?;
        let name =
            HeaderName::from_bytes(field.name).map_err(|_| ConvertError::InvalidHeaderName)?;
        let shared = fields.value_at(i).unwrap_or_default();
        let mut value =
            HeaderValue::from_maybe_shared(shared).map_err(|_| ConvertError::InvalidHeaderValue)?;
        value.set_sensitive(field.sensitive);
        map.append(name, value);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(pairs: &[(&'static str, &'static str)]) -> Vec<HeaderField> {
        pairs.iter().map(|&(n, v)| HeaderField::new(n, v)).collect()
    }

    /// RFC 9113 10.3: translation checks the RFC 9113 8.2 field rules itself, so a list
    /// received with validation off cannot be translated into something else.
    #[test]
    fn rfc9113_10_3_translation_validates_fields_per_8_2() {
        let base = [(":method", "GET"), (":scheme", "https"), (":path", "/")];
        let with = |extra: (&'static str, &'static str)| {
            let mut fields = list(&base);
            fields.push(HeaderField::new(extra.0, extra.1));
            request_from_fields(&HeaderList::from(&fields[..]))
        };
        assert!(with(("x-ok", "fine")).is_ok());
        assert!(matches!(
            with(("X-Upper", "v")),
            Err(ConvertError::InvalidHeaderName)
        ));
        assert!(matches!(
            with(("x-a", "a\nb")),
            Err(ConvertError::InvalidHeaderValue)
        ));
        assert!(matches!(
            with(("x-a", " padded")),
            Err(ConvertError::InvalidHeaderValue)
        ));
        assert!(matches!(
            header_map_from_fields(&HeaderList::from(list(&[("x-a", "v\0")]))),
            Err(ConvertError::InvalidHeaderValue)
        ));
    }

    #[test]
    fn rfc9113_8_3_1_pseudo_headers_first_in_order() {
        let request = Request::get("https://user:pw@example.com:8443/a/b?q=1")
            .header("accept", "*/*")
            .body(())
            .unwrap();
        let fields = fields_from_request(&request).unwrap();
        assert_eq!(
            fields,
            list(&[
                (":method", "GET"),
                (":scheme", "https"),
                (":authority", "example.com:8443"),
                (":path", "/a/b?q=1"),
                ("accept", "*/*"),
            ])
        );
    }

    #[test]
    fn rfc9113_8_3_1_empty_path_is_slash_and_asterisk_form_round_trips() {
        let get = Request::get("http://example.com").body(()).unwrap();
        assert_eq!(&fields_from_request(&get).unwrap()[3].value[..], b"/");
        let uri = Uri::builder()
            .scheme("http")
            .authority("example.com")
            .path_and_query("*")
            .build()
            .unwrap();
        let options = Request::options(uri).body(()).unwrap();
        let fields = fields_from_request(&options).unwrap();
        assert_eq!(&fields[3].value[..], b"*");
        let back = request_from_fields(&HeaderList::from(&fields[..])).unwrap();
        assert_eq!(back.uri().path(), "*");
        assert_eq!(back.uri().authority().unwrap(), "example.com");
    }

    #[test]
    fn rfc9113_8_3_1_host_becomes_authority() {
        // Origin-form, as HTTP/1.1 sends it: host is :authority, the scheme the default.
        let request = Request::get("/index.html")
            .header("host", "example.org")
            .header("accept", "*/*")
            .body(())
            .unwrap();
        assert_eq!(
            fields_from_request(&request).unwrap(),
            list(&[
                (":method", "GET"),
                (":scheme", "https"),
                (":authority", "example.org"),
                (":path", "/index.html"),
                ("accept", "*/*"),
            ])
        );
        let request = Request::get("http://example.org/index.html")
            .header("host", "example.org")
            .body(())
            .unwrap();
        let fields = fields_from_request(&request).unwrap();
        assert_eq!(fields.len(), 4, "host is not sent twice: {fields:?}");
        let request = Request::get("http://example.org/")
            .header("host", "other.example")
            .body(())
            .unwrap();
        assert_eq!(
            fields_from_request(&request),
            Err(ConvertError::HostMismatch)
        );
    }

    #[test]
    fn rfc9113_8_5_connect_has_method_and_authority_only() {
        let request = Request::connect("proxy.example:443").body(()).unwrap();
        let fields = fields_from_request(&request).unwrap();
        assert_eq!(
            fields,
            list(&[(":method", "CONNECT"), (":authority", "proxy.example:443")])
        );
        let back = request_from_fields(&HeaderList::from(&fields[..])).unwrap();
        assert_eq!(back.method(), Method::CONNECT);
        assert_eq!(back.uri().authority().unwrap(), "proxy.example:443");
    }

    #[test]
    fn rfc8441_4_protocol_round_trip() {
        let mut request = Request::connect("https://example.com/chat")
            .body(())
            .unwrap();
        request
            .extensions_mut()
            .insert(Protocol::from_static("websocket"));
        let fields = fields_from_request(&request).unwrap();
        assert_eq!(&fields[1].name[..], b":protocol");
        let back = request_from_fields(&HeaderList::from(&fields[..])).unwrap();
        assert_eq!(
            back.extensions().get::<Protocol>().unwrap().as_bytes(),
            b"websocket"
        );
        assert_eq!(back.uri(), "https://example.com/chat");
        let mut get = Request::get("https://example.com/").body(()).unwrap();
        get.extensions_mut().insert(Protocol::new("websocket"));
        assert_eq!(
            fields_from_request(&get),
            Err(ConvertError::ProtocolWithoutConnect)
        );
    }

    #[test]
    fn response_round_trip_keeps_repeats_and_sensitivity() {
        let mut secret = HeaderValue::from_static("id=1");
        secret.set_sensitive(true);
        let response = Response::builder()
            .status(404)
            .header("set-cookie", secret)
            .header("set-cookie", "b=2")
            .header("x-custom", "v")
            .body(())
            .unwrap();
        let fields = fields_from_response(&response);
        assert_eq!(&fields[0].value[..], b"404");
        assert!(fields[1].sensitive && !fields[2].sensitive);
        let back = response_from_fields(&HeaderList::from(&fields[..])).unwrap();
        assert_eq!(back.status(), StatusCode::NOT_FOUND);
        assert_eq!(back.version(), Version::HTTP_2);
        let cookies: Vec<_> = back.headers().get_all("set-cookie").iter().collect();
        assert_eq!(cookies, ["id=1", "b=2"]);
        assert!(cookies[0].is_sensitive());
        assert_eq!(fields_from_response(&back), fields);
    }

    #[test]
    fn status_digits_for_every_code() {
        for code in 100..1000u16 {
            let status = StatusCode::from_u16(code).unwrap();
            assert_eq!(status_bytes(status), code.to_string().as_bytes());
        }
    }

    #[test]
    fn malformed_lists_are_errors() {
        use ConvertError::*;
        let cases: &[(&[(&str, &str)], ConvertError)] = &[
            (
                &[(":scheme", "https"), (":path", "/")],
                MissingPseudoHeader(":method"),
            ),
            (
                &[(":method", "GET"), (":method", "GET")],
                DuplicatePseudoHeader(":method"),
            ),
            (
                &[
                    (":method", "GET"),
                    (":scheme", "http"),
                    (":authority", "a"),
                    (":path", "/"),
                    ("a", "b"),
                    (":x", "1"),
                ],
                MisplacedPseudoHeader,
            ),
            (&[(":method", "GET"), (":foo", "1")], UnexpectedPseudoHeader),
            (
                &[(":method", "GET"), (":scheme", "http"), (":authority", "a")],
                MissingPseudoHeader(":path"),
            ),
            (&[(":method", "G T"), (":path", "/")], InvalidMethod),
            (
                &[(":method", "GET"), (":path", "/"), ("bad name", "v")],
                InvalidHeaderName,
            ),
            (
                &[(":method", "GET"), (":path", "/"), ("x", "a\nb")],
                InvalidHeaderValue,
            ),
            (
                &[
                    (":method", "GET"),
                    (":scheme", "http"),
                    (":authority", "a b"),
                    (":path", "/"),
                ],
                InvalidUri,
            ),
            (
                &[(":status", "200"), (":method", "GET")],
                UnexpectedPseudoHeader,
            ),
        ];
        for (pairs, want) in cases {
            let fields: Vec<_> = pairs
                .iter()
                .map(|&(n, v)| HeaderField::new(n.to_owned(), v.to_owned()))
                .collect();
            let got = if fields.iter().any(|f| &f.name[..] == b":status") {
                response_from_fields(&HeaderList::from(&fields[..])).map(drop)
            } else {
                request_from_fields(&HeaderList::from(&fields[..])).map(drop)
            };
            assert_eq!(got, Err(want.clone()), "{pairs:?}");
        }
        assert_eq!(
            response_from_fields(&HeaderList::from(list(&[(":status", "2000")]))).map(drop),
            Err(InvalidStatus)
        );
        assert_eq!(
            response_from_fields(&HeaderList::from(list(&[("a", "b")]))).map(drop),
            Err(MissingPseudoHeader(":status"))
        );
    }

    #[test]
    fn request_without_authority_keeps_path_only() {
        let fields = list(&[(":method", "GET"), (":scheme", "https"), (":path", "/x")]);
        let request = request_from_fields(&HeaderList::from(&fields[..])).unwrap();
        assert_eq!(request.uri(), "/x");
        let fields = list(&[
            (":method", "GET"),
            (":scheme", "https"),
            (":path", "/x"),
            ("host", "h.example"),
        ]);
        let request = request_from_fields(&HeaderList::from(&fields[..])).unwrap();
        assert_eq!(request.uri(), "https://h.example/x");
    }
}
